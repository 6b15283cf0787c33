"""The app's one door into the package's model path: which engine answers, with which settings, and the
provider to send with. Pages never build settings or providers themselves.

Keys come from the package's own `Settings` (the environment; Streamlit copies every top-level entry of
`.streamlit/secrets.toml` into the environment at start-up) or from the sidebar's key field. A chosen
provider that cannot answer (no key, no server address) is reported once, in PM words, and the offline
engine answers instead.

Test seam: `st.session_state[HOOKS_KEY]` may hold a dict with `http_client` (a zero-argument factory
returning an `httpx2.Client`, e.g. `lambda: assistant.evaluation.replay.client_for(router)`) and `sleep`
(used between retries). The browser cannot set it; tests set it through `AppTest.session_state`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import streamlit as st
from pydantic import ValidationError

from assistant.llm.providers.errors import ConfigError, MissingKey
from assistant.llm.providers.registry import OFFLINE, find_info, get_info
from assistant.llm.settings import Settings, resolve_provider
from assistant.tasks.drafts import OFFLINE_NOTICE, provider_from_settings

HOOKS_KEY = "provider_hooks"
RUN_OFFLINE = "Run offline instead"


@dataclass(frozen=True)
class Engine:
    """What the sidebar chose, and what will actually answer."""

    choice: str
    settings: Settings
    confidential_terms: tuple[str, ...] = ()
    live: bool = True
    every_slot: bool = False  # the offline rewrite asks for every missing fact, not the first three
    problem: str | None = None  # why the chosen provider cannot answer ("OpenAI needs an API key")
    key_hint: str | None = None  # how to give the missing key, in PM words
    missing: Literal["key", "address"] | None = None
    env_problem: str | None = None  # an invalid ASSISTANT_* variable (the defaults are used)
    hooks: dict[str, Any] = field(default_factory=dict)

    @property
    def offline(self) -> bool:
        return self.choice == OFFLINE or self.problem is not None

    @property
    def live_updates(self) -> bool:
        """Offline results follow the typing only when the PM chose the offline engine."""
        return self.live and self.choice == OFFLINE

    def button(self, label_: str) -> str:
        return RUN_OFFLINE if self.problem else label_

    def provider(self) -> tuple[Any, str]:
        """The provider to send with (None offline) and the notice that says which engine answered."""
        if self.offline:
            why = f"{self.problem}, so the offline engine answered. " if self.problem else ""
            return None, f"{why}{OFFLINE_NOTICE}"
        factory: Callable[[], Any] | None = self.hooks.get("http_client")
        provider, _ = provider_from_settings(
            self.settings, http_client=factory() if factory else None, sleep=self.hooks.get("sleep", time.sleep)
        )
        return provider, f"Using {provider.name} with model {provider.model}."

    def task_options(self) -> dict[str, Any]:
        """Keyword arguments every model-calling task takes: the confidential terms to redact."""
        return {"confidential_terms": self.confidential_terms}

    def draft_task_options(self) -> dict[str, Any]:
        """The draft tasks' keyword arguments: `task_options` and the offline rewrite's slot form."""
        return {**self.task_options(), "form": "full" if self.every_slot else "auto"}


def environment_settings() -> tuple[Settings, str | None]:
    """Settings from the environment, or the defaults and a one-line problem when a variable is invalid."""
    try:
        return Settings(), None
    except ValidationError as error:
        first = error.errors()[0]
        name = "ASSISTANT_" + str(first["loc"][0]).upper() if first["loc"] else "a setting"
        return Settings.model_construct(), f"{name} is invalid ({first['msg']}): using the defaults."


def default_choice() -> str:
    """The provider the environment selects (ASSISTANT_PROVIDER, else the first key found), else offline."""
    settings, problem = environment_settings()
    if problem:
        return OFFLINE
    try:
        return resolve_provider(settings).provider
    except ConfigError as error:
        return error.provider or OFFLINE


def parse_terms(text: str) -> tuple[str, ...]:
    """Confidential terms typed one per line or comma-separated; blanks and repeats dropped."""
    terms = (t.strip() for line in text.splitlines() for t in line.split(","))
    return tuple(dict.fromkeys(t for t in terms if t))


def key_hint(choice: str) -> str:
    """Where a PM puts a missing key, in their words."""
    info = get_info(choice)
    return (
        f"To use {info.label}, paste your API key into the “API key” field in the sidebar, or add the line "
        f'`{info.key_env} = "…"` to `.streamlit/secrets.toml` next to `app.py` and restart the app.'
    )


def make_engine(
    choice: str,
    *,
    model: str = "",
    base_url: str = "",
    api_key: str = "",
    cache: bool = True,
    confidential: str = "",
    live: bool = True,
    every_slot: bool = False,
    hooks: dict[str, Any] | None = None,
) -> Engine:
    """The engine for the sidebar's choices; a provider that cannot answer becomes a stated problem."""
    _, env_problem = environment_settings()
    chosen: dict[str, Any] = {"provider": choice, "model": model or None, "base_url": base_url or None}
    chosen["cache_enabled"] = cache
    info = find_info(choice)
    key = {info.key_env: api_key.strip()} if info and info.key_env and api_key.strip() else {}
    try:  # the key variable's own name is its settings alias
        settings = Settings(**chosen, **key)
    except ValidationError:  # an invalid ASSISTANT_* variable (reported): the sidebar's choices still apply
        settings = Settings.model_construct(**chosen)
    problem = hint = missing = None
    if info is not None:
        name = info.label[:1].upper() + info.label[1:]
        try:
            resolve_provider(settings)
        except MissingKey:
            problem, hint, missing = f"{name} needs an API key", key_hint(choice), "key"
        except ConfigError:
            problem, missing = f"{name} needs the server's address", "address"
            hint = "Type the server's address into the sidebar's “Base URL” field, e.g. http://127.0.0.1:8000/v1."
    return Engine(
        choice=choice,
        settings=settings,
        confidential_terms=parse_terms(confidential),
        live=live,
        every_slot=every_slot,
        problem=problem,
        key_hint=hint,
        missing=missing,
        env_problem=env_problem,
        hooks=dict(hooks or {}),
    )


def current_hooks() -> dict[str, Any]:
    return st.session_state.get(HOOKS_KEY) or {}


def estimate_text(engine: Engine, count: Callable[[Any], list[int]], what: str = "") -> str | None:
    """Before sending: tokens and cost of the calls about to go out, counted by the package from the same
    requests it will send (`count(provider)` gives one count per call). None when the offline engine answers."""
    from assistant.llm.budget import estimate_cost
    from assistant.llm.providers.errors import ProviderError

    if engine.offline:
        return None
    try:
        provider, _ = engine.provider()
        counts = count(provider)
    except ProviderError as error:
        return error.user_message
    tokens, calls = sum(counts), len(counts)
    cost = {"provider": provider.name, "model": provider.model, "prompt_tokens": tokens}
    low = estimate_cost(**cost, base_url=engine.settings.base_url)
    high = estimate_cost(
        **cost, base_url=engine.settings.base_url, completion_tokens=engine.settings.max_output_tokens * calls
    )
    approx = "about" if provider.name == "openai" else "≈"
    text = f"Before sending: {approx} {tokens:,} prompt tokens in {calls} call{'s' if calls != 1 else ''}{what}"
    if low.usd is None:
        return f"{text}; cost unknown ({low.note})."
    return f"{text}; about ${low.usd:.4f} for the input, at most ${high.usd or 0:.4f} with full answers."
