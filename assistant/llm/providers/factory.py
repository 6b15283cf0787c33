"""Build the configured provider from `Settings`."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from assistant.llm.providers.base import Provider

if TYPE_CHECKING:
    import httpx2

    from assistant.llm.cache import ResponseCache
    from assistant.llm.settings import Settings


def get_provider(
    settings: Settings,
    *,
    http_client: httpx2.Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
    cache: ResponseCache | None = None,
) -> Provider | None:
    """The provider the settings select, or None for the offline engine.

    Raises MissingKey / ConfigError (see `resolve_provider`). No SDK is imported until the
    first request is sent.
    """
    from assistant.llm.settings import resolve_provider

    choice = resolve_provider(settings)
    if choice.offline:
        return None
    common: dict[str, Any] = {
        "model": choice.model,
        "api_key": settings.key_for(choice.provider),
        "base_url": settings.base_url,
        "timeout": settings.timeout,
        "max_attempts": settings.max_attempts,
        "max_output_tokens": settings.max_output_tokens,
        "max_prompt_tokens": settings.max_prompt_tokens,
        "http_client": http_client,
        "sleep": sleep,
        "cache": cache,
    }
    if choice.provider == "openai":
        from assistant.llm.providers.openai_provider import OpenAIProvider

        return OpenAIProvider(**common)
    if choice.provider == "anthropic":
        from assistant.llm.providers.anthropic_provider import AnthropicProvider

        return AnthropicProvider(**common)
    from assistant.llm.providers.compatible import CompatibleProvider

    provider = CompatibleProvider(response_format_mode=settings.compat_response_format, **common)
    provider.redact_by_default = settings.redact_compatible
    return provider
