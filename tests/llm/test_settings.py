"""Settings from the environment, secret handling, and provider resolution."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.llm.providers.errors import ConfigError, MissingKey
from assistant.llm.settings import DEFAULT_MODELS, Settings, default_cache_dir, resolve_provider

OPENAI_KEY = "sk-proj-settingsTEST0123456789"
ANTHROPIC_KEY = "sk-ant-api03-settingsTEST0123456789"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("ASSISTANT_") or name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY"):
            monkeypatch.delenv(name)


def test_defaults() -> None:
    settings = Settings()
    assert settings.provider is None and settings.model is None and settings.base_url is None
    assert settings.openai_api_key is None and settings.anthropic_api_key is None
    assert settings.timeout == 30.0
    assert settings.max_attempts == 3
    assert settings.max_prompt_tokens == 12_000
    assert settings.cache_enabled is True
    assert settings.cache_dir == default_cache_dir()
    assert "pm-feasibility-assistant" in str(settings.cache_dir)
    assert settings.redact_compatible is True
    assert settings.compat_response_format == "json_object"


def test_reads_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    monkeypatch.setenv("ANTHROPIC_API_KEY", ANTHROPIC_KEY)
    monkeypatch.setenv("ASSISTANT_PROVIDER", "Anthropic")
    monkeypatch.setenv("ASSISTANT_MODEL", "claude-sonnet-5-5")
    monkeypatch.setenv("ASSISTANT_BASE_URL", "https://proxy.example.test")
    monkeypatch.setenv("ASSISTANT_TIMEOUT", "12.5")
    monkeypatch.setenv("ASSISTANT_MAX_ATTEMPTS", "5")
    monkeypatch.setenv("ASSISTANT_MAX_PROMPT_TOKENS", "4000")
    monkeypatch.setenv("ASSISTANT_MAX_OUTPUT_TOKENS", "900")
    monkeypatch.setenv("ASSISTANT_CACHE", "0")
    monkeypatch.setenv("ASSISTANT_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("ASSISTANT_REDACT_COMPATIBLE", "false")
    monkeypatch.setenv("ASSISTANT_COMPAT_RESPONSE_FORMAT", "json_schema")
    monkeypatch.setenv("ASSISTANT_COMPAT_API_KEY", "local-key")

    s = Settings()
    assert s.key_for("openai") == OPENAI_KEY and s.key_for("anthropic") == ANTHROPIC_KEY
    assert s.key_for("openai-compatible") == "local-key"
    assert s.provider == "anthropic" and s.model == "claude-sonnet-5-5"
    assert s.base_url == "https://proxy.example.test"
    assert (s.timeout, s.max_attempts, s.max_prompt_tokens, s.max_output_tokens) == (12.5, 5, 4000, 900)
    assert s.cache_enabled is False and s.cache_dir == tmp_path / "c"
    assert s.redact_compatible is False and s.compat_response_format == "json_schema"


def test_blank_values_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "  ")
    monkeypatch.setenv("ASSISTANT_PROVIDER", "")
    monkeypatch.setenv("ASSISTANT_MODEL", "")
    s = Settings()
    assert s.openai_api_key is None and s.provider is None and s.model is None
    assert resolve_provider(s).offline


def test_invalid_values_are_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_PROVIDER", "gemini")
    with pytest.raises(ValidationError):
        Settings()
    monkeypatch.delenv("ASSISTANT_PROVIDER")
    monkeypatch.setenv("ASSISTANT_TIMEOUT", "0")
    with pytest.raises(ValidationError):
        Settings()


def test_keys_never_show(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    monkeypatch.setenv("ANTHROPIC_API_KEY", ANTHROPIC_KEY)
    s = Settings()
    for text in (repr(s), str(s), s.model_dump_json(), str(s.model_dump())):
        assert OPENAI_KEY not in text and ANTHROPIC_KEY not in text
    assert "**********" in repr(s)


def test_offline_when_nothing_is_set() -> None:
    choice = resolve_provider(Settings())
    assert choice.offline and choice.provider == "offline" and choice.model is None
    assert "no API key" in choice.reason and "offline" in choice.reason


def test_explicit_offline_wins_over_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    choice = resolve_provider(Settings(provider="offline"))
    assert choice.offline and "ASSISTANT_PROVIDER=offline" in choice.reason


@pytest.mark.parametrize(
    ("env", "provider"),
    [
        ({"OPENAI_API_KEY": OPENAI_KEY}, "openai"),
        ({"ANTHROPIC_API_KEY": ANTHROPIC_KEY}, "anthropic"),
        ({"OPENAI_API_KEY": OPENAI_KEY, "ANTHROPIC_API_KEY": ANTHROPIC_KEY}, "openai"),
    ],
)
def test_provider_picked_from_keys(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], provider: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    choice = resolve_provider(Settings())
    assert choice.provider == provider and choice.model == DEFAULT_MODELS[provider]
    assert OPENAI_KEY not in choice.reason and ANTHROPIC_KEY not in choice.reason
    if len(env) == 2:
        assert "ASSISTANT_PROVIDER" in choice.reason


def test_model_override() -> None:
    choice = resolve_provider(Settings(openai_api_key=OPENAI_KEY, model="gpt-4o-mini"))
    assert choice.model == "gpt-4o-mini" and "gpt-4o-mini" in choice.reason


@pytest.mark.parametrize(
    ("provider", "env_var"), [("openai", "OPENAI_API_KEY"), ("anthropic", "ANTHROPIC_API_KEY")]
)
def test_chosen_provider_without_key_is_a_clear_error(provider: str, env_var: str) -> None:
    with pytest.raises(MissingKey) as caught:
        resolve_provider(Settings(provider=provider))
    assert env_var in caught.value.user_message
    assert "offline" in caught.value.user_message


def test_compatible_needs_a_base_url_but_no_key() -> None:
    with pytest.raises(ConfigError, match="ASSISTANT_BASE_URL"):
        resolve_provider(Settings(provider="openai-compatible"))
    choice = resolve_provider(Settings(provider="openai-compatible", base_url="http://127.0.0.1:8000/v1"))
    assert choice.provider == "openai-compatible" and choice.model == "local-model"


def test_default_models_are_documented() -> None:
    import assistant.llm.settings as module

    for model in DEFAULT_MODELS.values():
        assert model in (module.__doc__ or "")


def test_unprefixed_lookalikes_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CACHE_ENABLED", "false")
    monkeypatch.setenv("MODEL", "not-for-us")
    monkeypatch.setenv("TIMEOUT", "1")
    s = Settings()
    assert s.cache_enabled is True and s.model is None and s.timeout == 30.0
