"""Build providers from the registry: the one `Settings` select, or one by name (replay, counting)."""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from assistant.llm.providers.base import Provider
from assistant.llm.providers.registry import provider_class

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
    provider = build_provider(
        choice.provider,
        model=choice.model,
        api_key=settings.key_for(choice.provider),
        base_url=settings.base_url,
        timeout=settings.timeout,
        max_attempts=settings.max_attempts,
        max_output_tokens=settings.max_output_tokens,
        max_prompt_tokens=settings.max_prompt_tokens,
        http_client=http_client,
        sleep=sleep,
        cache=cache,
        response_format_mode=settings.compat_response_format,
    )
    if provider.info().redaction == "setting":
        provider.redact_by_default = settings.redact_compatible
    return provider


def build_provider(name: str, **options: Any) -> Provider:
    """An instance of the registered provider `name`. Options a provider's constructor does not take
    (e.g. `response_format_mode` for the cloud APIs) are left out."""
    cls = provider_class(name)
    accepted = _accepted(cls)
    return cls(**{k: v for k, v in options.items() if accepted is None or k in accepted})


def counting_provider(settings: Settings) -> Provider:
    """A provider used only to build requests for counting tokens: nothing is sent, so no key is needed
    (the settings' provider, or the openai-compatible one for offline)."""
    from assistant.llm.providers.registry import find_info, get_info

    info = find_info(settings.provider) or get_info("openai-compatible")
    return build_provider(
        info.name,
        model=settings.model or info.default_model,
        base_url=settings.base_url,
        max_output_tokens=settings.max_output_tokens,
        response_format_mode=settings.compat_response_format,
    )


def _accepted(cls: type) -> set[str] | None:
    """Keyword names `cls(...)` accepts along its MRO (None: it takes **kwargs all the way up)."""
    names: set[str] = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None or klass is object:
            continue
        params = inspect.signature(init).parameters.values()
        names |= {p.name for p in params if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)}
        if not any(p.kind is p.VAR_KEYWORD for p in params):
            return names
    return names
