"""Settings from the environment (pydantic-settings), and which provider they select.

| variable                         | default                         |
|----------------------------------|---------------------------------|
| OPENAI_API_KEY                   | unset                           |
| ANTHROPIC_API_KEY                | unset                           |
| ASSISTANT_COMPAT_API_KEY         | unset (sent as "not-needed")    |
| ASSISTANT_PROVIDER               | unset: picked from the keys     |
| ASSISTANT_MODEL                  | the provider's registry default |
| ASSISTANT_BASE_URL               | unset (the provider's own)      |
| ASSISTANT_TIMEOUT                | 30 (seconds, per attempt)       |
| ASSISTANT_MAX_ATTEMPTS           | 3                               |
| ASSISTANT_MAX_PROMPT_TOKENS      | 12000                           |
| ASSISTANT_MAX_OUTPUT_TOKENS      | 2048                            |
| ASSISTANT_CACHE                  | true                            |
| ASSISTANT_CACHE_DIR              | platformdirs user cache dir     |
| ASSISTANT_REDACT_COMPATIBLE      | true                            |
| ASSISTANT_COMPAT_RESPONSE_FORMAT | json_object                     |

Provider names, key variables and default models come from the registry (providers/registry.py).
Default models (checked 2026-11 against the SDKs' model lists and the vendors' model pages):
OpenAI `gpt-5.4-mini`, Anthropic `claude-haiku-5-5`; for an OpenAI-compatible server the name is
whatever the server serves (`local-model` is accepted by llama-cpp-python's single-model server).
A registered provider without a field here reads its key from its `key_env` variable.

Keys are `SecretStr`: `repr()`, `str()` and `model_dump_json()` show `**********`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.llm.providers.errors import ConfigError, MissingKey
from assistant.llm.providers.registry import OFFLINE, available_providers, get_info, provider_names

APP_NAME = "pm-feasibility-assistant"


def __getattr__(name: str) -> Any:
    """`PROVIDER_NAMES` and `DEFAULT_MODELS`, read from the registry (kept for existing callers)."""
    if name == "PROVIDER_NAMES":
        return provider_names()
    if name == "DEFAULT_MODELS":
        return {p.name: p.default_model for p in available_providers()}
    raise AttributeError(name)


def default_cache_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME, appauthor=False) / "responses"


class Settings(BaseSettings):
    """Everything the provider layer reads from the environment."""

    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_",
        populate_by_name=True,
        extra="ignore",
        env_file=None,
    )

    # Aliases are the exact environment variable names; `populate_by_name` keeps the field names
    # usable as keyword arguments (Settings(openai_api_key=...)).
    openai_api_key: SecretStr | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    anthropic_api_key: SecretStr | None = Field(default=None, validation_alias="ANTHROPIC_API_KEY")
    compat_api_key: SecretStr | None = None
    provider: str | None = None
    model: str | None = None
    base_url: str | None = None
    timeout: float = Field(default=30.0, gt=0)
    max_attempts: int = Field(default=3, ge=1, le=10)
    max_prompt_tokens: int = Field(default=12_000, ge=1)
    max_output_tokens: int = Field(default=2048, ge=1)
    cache_enabled: bool = Field(default=True, validation_alias="ASSISTANT_CACHE")
    cache_dir: Path = Field(default_factory=default_cache_dir)
    redact_compatible: bool = True
    compat_response_format: Literal["json_object", "json_schema"] = "json_object"

    @field_validator("openai_api_key", "anthropic_api_key", "compat_api_key", mode="before")
    @classmethod
    def _blank_key_is_none(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value.strip() if isinstance(value, str) else value

    @field_validator("provider", "model", "base_url", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    @field_validator("provider", mode="before")
    @classmethod
    def _lower_provider(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator("provider")
    @classmethod
    def _known_provider(cls, value: str | None) -> str | None:
        if value is not None and value not in provider_names():
            raise ValueError(f"unknown provider {value!r}: use one of {', '.join(provider_names())}")
        return value

    def key_for(self, provider: str) -> str | None:
        """The plain key for `provider` (for building an SDK client only; never log it): the field whose
        variable is the registry entry's `key_env`, else that environment variable itself."""
        env = get_info(provider).key_env if provider != OFFLINE else None
        if env is None:
            return None
        field = _KEY_FIELDS.get(env)
        if field is None:
            value = os.environ.get(env, "").strip()
            return value or None
        secret = getattr(self, field)
        return secret.get_secret_value() if secret is not None else None


def _key_fields() -> dict[str, str]:
    """Environment variable → name of the `SecretStr` field that holds it."""
    prefix = Settings.model_config.get("env_prefix", "")
    fields: dict[str, str] = {}
    for name, info in Settings.model_fields.items():
        if info.annotation == (SecretStr | None):
            alias = info.validation_alias if isinstance(info.validation_alias, str) else None
            fields[alias or f"{prefix}{name}".upper()] = name
    return fields


_KEY_FIELDS = _key_fields()


@dataclass(frozen=True)
class ProviderChoice:
    """Which engine to use and why (the reason is shown to the user)."""

    provider: str
    model: str | None
    reason: str

    @property
    def offline(self) -> bool:
        return self.provider == "offline"


def resolve_provider(settings: Settings) -> ProviderChoice:
    """Pick the provider: the one named in ASSISTANT_PROVIDER, else the first key found, else offline.

    Raises MissingKey when the named provider's key is missing, ConfigError when the
    openai-compatible provider has no base URL.
    """
    chosen = settings.provider
    if chosen == OFFLINE:
        return ProviderChoice(OFFLINE, None, "ASSISTANT_PROVIDER=offline: using the offline engine.")
    if chosen is None:
        keyed = [p for p in available_providers() if p.needs_key and p.key_env]
        found = [p for p in keyed if settings.key_for(p.name) is not None]
        if not found:
            return ProviderChoice(
                OFFLINE,
                None,
                f"No provider chosen and no API key found ({', '.join(p.key_env or '' for p in keyed)}): "
                "using the offline engine.",
            )
        chosen, why = found[0].name, f"{found[0].key_env} is set"
        if len(found) > 1:
            why += f" ({', '.join(p.key_env or '' for p in found[1:])} too; set ASSISTANT_PROVIDER to choose)"
    else:
        why = f"ASSISTANT_PROVIDER={chosen}"
    info = get_info(chosen)
    if info.needs_base_url and not settings.base_url:
        raise ConfigError(
            f"ASSISTANT_PROVIDER={chosen} needs ASSISTANT_BASE_URL (e.g. http://127.0.0.1:8000/v1).",
            provider=chosen,
        )
    if info.needs_key and settings.key_for(chosen) is None:
        raise MissingKey(provider=chosen)
    model = settings.model or info.default_model
    return ProviderChoice(chosen, model, f"{why}: using {chosen} with model {model}.")
