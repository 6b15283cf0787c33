"""The provider registry: every surface reads it, and a new provider is one module + one entry."""

from __future__ import annotations

import os

import pytest
from toy_provider import INFO as TOY
from toy_provider import ToyProvider

from assistant.llm.providers import registry
from assistant.llm.providers.errors import MissingKey, label
from assistant.llm.providers.factory import build_provider, get_provider
from assistant.llm.settings import Settings, resolve_provider
from assistant.tasks.drafts import provider_from_settings, run_task

DRAFT = "Can we just add CSV export for Acme Corp by March 15? Should be simple."


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("ASSISTANT_") or name.endswith("_API_KEY"):
            monkeypatch.delenv(name)


@pytest.fixture
def toy(clean_env: None, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ASSISTANT_CACHE", "false")
    ToyProvider.sent.clear()
    with registry.registered(TOY) as info:
        yield info


def test_every_entry_names_a_class_registered_under_that_name() -> None:
    for info in registry.available_providers():
        cls = registry.provider_class(info.name)
        assert cls.name == info.name and cls.info() is info
    assert registry.provider_names()[0] == "offline"
    assert registry.provider_names(offline=False) == ("openai", "anthropic", "openai-compatible")


def test_a_toy_provider_is_one_module_and_one_entry(toy: registry.ProviderInfo, monkeypatch) -> None:
    assert "toy" in registry.provider_names() and registry.title("toy") == "Toy"
    monkeypatch.setenv("TOY_API_KEY", "toy-secret-key-1234")
    choice = resolve_provider(Settings(provider="toy"))
    assert (choice.provider, choice.model) == ("toy", "toy-1")

    provider, notice = provider_from_settings(Settings(provider="toy"))
    assert isinstance(provider, ToyProvider) and provider.model == "toy-1" and "using toy" in notice
    result = run_task("rewrite", DRAFT, provider=provider, confidential_terms=("Acme Corp",))
    assert result.engine == "llm" and result.provider == "toy" and result.redacted >= 1
    assert "Acme Corp" in result.result.text  # restored in the answer …
    assert ToyProvider.sent and all("Acme Corp" not in str(body) for body in ToyProvider.sent)  # … never sent


def test_the_toy_key_variable_drives_selection_and_messages(toy: registry.ProviderInfo, monkeypatch) -> None:
    with pytest.raises(MissingKey) as missing:
        resolve_provider(Settings(provider="toy"))
    assert "TOY_API_KEY" in missing.value.user_message and label("toy") == "the toy provider"
    monkeypatch.setenv("TOY_API_KEY", "toy-secret-key-1234")
    choice = resolve_provider(Settings())  # no ASSISTANT_PROVIDER: the first key found picks
    assert choice.provider == "toy" and "TOY_API_KEY is set" in choice.reason
    assert isinstance(get_provider(Settings()), ToyProvider)


def test_a_removed_entry_is_unknown_again(clean_env: None) -> None:
    with registry.registered(TOY):
        assert isinstance(build_provider("toy", api_key="k", unknown_option=1), ToyProvider)
    assert "toy" not in registry.provider_names()
    with pytest.raises(ValueError, match="unknown provider 'toy'"):
        Settings(provider="toy")


def test_the_redaction_policy_comes_from_the_entry(clean_env: None) -> None:
    compatible = build_provider("openai-compatible", base_url="http://127.0.0.1:9/v1")
    compatible.redact_by_default = False
    assert not compatible.should_redact()
    cloud = build_provider("openai", api_key="k", base_url="http://127.0.0.1:9/v1")
    cloud.redact_by_default = False
    assert cloud.should_redact()  # "always": a cloud API is redacted whatever its base URL
