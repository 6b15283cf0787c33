"""The provider registry: one `ProviderInfo` entry per provider, read by the factory, the settings, the
CLI, the app and the eval replay (none of them dispatches on provider names).

Adding a provider = one module with a `Provider` subclass + one entry here (or `register(...)` from a
plugin or a test). Listing names or labels imports no provider module; `provider_class` imports one.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from assistant.llm.providers.types import ProviderInfo

if TYPE_CHECKING:
    from assistant.llm.providers.base import Provider

OFFLINE = "offline"
OFFLINE_TITLE = "Offline (no key needed)"

_ENTRIES: dict[str, ProviderInfo] = {}


def register(info: ProviderInfo) -> ProviderInfo:
    """Add (or replace) a provider entry; the order of registration is the order of auto-selection."""
    if info.name == OFFLINE:
        raise ValueError("'offline' is the offline engine, not a provider")
    _ENTRIES[info.name] = info
    return info


def unregister(name: str) -> None:
    _ENTRIES.pop(name, None)


@contextmanager
def registered(info: ProviderInfo) -> Iterator[ProviderInfo]:
    """`register(info)` for the duration of a `with` block (tests, temporary plugins)."""
    previous = _ENTRIES.get(info.name)
    register(info)
    try:
        yield info
    finally:
        if previous is None:
            unregister(info.name)
        else:
            _ENTRIES[info.name] = previous


def available_providers() -> tuple[ProviderInfo, ...]:
    """Every registered provider, in registration order (the offline engine is not one)."""
    return tuple(_ENTRIES.values())


def provider_names(*, offline: bool = True) -> tuple[str, ...]:
    """The names accepted by ASSISTANT_PROVIDER / --provider ("offline" first unless `offline=False`)."""
    return ((OFFLINE,) if offline else ()) + tuple(_ENTRIES)


def get_info(name: str) -> ProviderInfo:
    """The entry for `name`; ValueError naming the known providers when there is none."""
    try:
        return _ENTRIES[name]
    except KeyError:
        raise ValueError(f"unknown provider {name!r}: use one of {', '.join(provider_names())}") from None


def find_info(name: str | None) -> ProviderInfo | None:
    return _ENTRIES.get(name or "")


def title(name: str) -> str:
    """The label a picker shows ("OpenAI", "Offline (no key needed)")."""
    return OFFLINE_TITLE if name == OFFLINE else get_info(name).title


def provider_class(name: str) -> type[Provider]:
    """The provider's class, imported from its module on first use."""
    module, _, attribute = get_info(name).implementation.partition(":")
    cls = getattr(importlib.import_module(module), attribute)
    if getattr(cls, "name", None) != name:
        raise TypeError(f"{module}:{attribute}.name is {getattr(cls, 'name', None)!r}, registered as {name!r}")
    return cls


# ---------------------------------------------------------------- the built-in providers
register(
    ProviderInfo(
        name="openai",
        label="OpenAI",
        title="OpenAI",
        key_env="OPENAI_API_KEY",
        default_model="gpt-5.4-mini",
        redaction="always",
        implementation="assistant.llm.providers.openai_provider:OpenAIProvider",
    )
)
register(
    ProviderInfo(
        name="anthropic",
        label="Anthropic",
        title="Anthropic",
        key_env="ANTHROPIC_API_KEY",
        default_model="claude-haiku-5-5",
        redaction="always",
        implementation="assistant.llm.providers.anthropic_provider:AnthropicProvider",
    )
)
register(
    ProviderInfo(
        name="openai-compatible",
        label="the OpenAI-compatible server",
        title="OpenAI-compatible server",
        key_env="ASSISTANT_COMPAT_API_KEY",
        default_model="local-model",
        redaction="setting",
        implementation="assistant.llm.providers.compatible:CompatibleProvider",
        needs_key=False,
        needs_base_url=True,
    )
)
