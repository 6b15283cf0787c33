"""Settings from the environment (pydantic-settings), and which provider they select.

| variable                         | default                         |
|----------------------------------|---------------------------------|
| OPENAI_API_KEY                   | unset                           |
| ANTHROPIC_API_KEY                | unset                           |
| ASSISTANT_COMPAT_API_KEY         | unset (sent as "not-needed")    |
| ASSISTANT_PROVIDER               | unset: picked from the keys     |
| ASSISTANT_MODEL                  | per provider, see DEFAULT_MODELS|
| ASSISTANT_BASE_URL               | unset (the provider's own)      |
| ASSISTANT_TIMEOUT                | 30 (seconds, per attempt)       |
| ASSISTANT_MAX_ATTEMPTS           | 3                               |
| ASSISTANT_MAX_PROMPT_TOKENS      | 12000                           |
| ASSISTANT_MAX_OUTPUT_TOKENS      | 2048                            |
| ASSISTANT_CACHE                  | true                            |
| ASSISTANT_CACHE_DIR              | platformdirs user cache dir     |
| ASSISTANT_REDACT_COMPATIBLE      | true                            |
| ASSISTANT_COMPAT_RESPONSE_FORMAT | json_object                     |

Default models (checked 2026-11 against the SDKs' model lists and the vendors' model pages):
OpenAI `gpt-5.4-mini`, Anthropic `claude-haiku-5-5`; for an OpenAI-compatible server the name is
whatever the server serves (`local-model` is accepted by llama-cpp-python's single-model server).

Keys are `SecretStr`: `repr()`, `str()` and `model_dump_json()` show `**********`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.llm.providers.errors import ConfigError, MissingKey

ProviderName = Literal["offline", "openai", "anthropic", "openai-compatible"]
PROVIDER_NAMES: tuple[str, ...] = ("offline", "openai", "anthropic", "openai-compatible")
APP_NAME = "pm-feasibility-assistant"

DEFAULT_MODELS: dict[str, str] = {
    "openai": "gpt-5.4-mini",
    "anthropic": "claude-haiku-5-5",
    "openai-compatible": "local-model",
}


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
    provider: ProviderName | None = None
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

    def key_for(self, provider: str) -> str | None:
        """The plain key for `provider` (for building an SDK client only; never log it)."""
        secret = {
            "openai": self.openai_api_key,
            "anthropic": self.anthropic_api_key,
            "openai-compatible": self.compat_api_key,
        }.get(provider)
        return secret.get_secret_value() if secret is not None else None


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
    if chosen == "offline":
        return ProviderChoice("offline", None, "ASSISTANT_PROVIDER=offline: using the offline engine.")
    if chosen is None:
        if settings.openai_api_key is not None:
            chosen, why = "openai", "OPENAI_API_KEY is set"
            if settings.anthropic_api_key is not None:
                why += " (ANTHROPIC_API_KEY too; set ASSISTANT_PROVIDER to choose)"
        elif settings.anthropic_api_key is not None:
            chosen, why = "anthropic", "ANTHROPIC_API_KEY is set"
        else:
            return ProviderChoice(
                "offline",
                None,
                "No provider chosen and no API key found (OPENAI_API_KEY, ANTHROPIC_API_KEY): "
                "using the offline engine.",
            )
    else:
        why = f"ASSISTANT_PROVIDER={chosen}"
    if chosen == "openai-compatible":
        if not settings.base_url:
            raise ConfigError(
                "ASSISTANT_PROVIDER=openai-compatible needs ASSISTANT_BASE_URL "
                "(e.g. http://127.0.0.1:8000/v1).",
                provider=chosen,
            )
    elif settings.key_for(chosen) is None:
        raise MissingKey(provider=chosen)
    model = settings.model or DEFAULT_MODELS[chosen]
    return ProviderChoice(chosen, model, f"{why}: using {chosen} with model {model}.")
