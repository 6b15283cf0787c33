"""Session state in one place: the widget keys that survive page changes, the input limit, and each page's
last outcome (the inputs it was made from, its result or one error message).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from app.engine import Engine
from assistant.llm.providers.errors import ProviderError
from assistant.schemas import PMContext
from assistant.text.reading import InputError

# A long spec (about eight pages). The CLI reads files up to 2 MB; the app re-checks and re-renders the
# whole draft, highlighted, on every change, so it takes less and says so beside the box.
MAX_DRAFT_CHARS = 20_000
EXAMPLE_DRAFT = "Can we just add CSV export by March 15? Should be simple."
# (session key, PMContext field, label, placeholder)
CONTEXT_FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("ctx_who", "who", "Who needs it", "e.g. the finance team at our three largest customers"),
    ("ctx_problem", "problem", "Problem it solves", "e.g. they copy tables into spreadsheets by hand"),
    ("ctx_why_now", "why_now", "Why now", "e.g. renewal talks start in April"),
    ("ctx_evidence", "evidence", "Evidence", "e.g. 14 support tickets since January"),
    ("ctx_success", "success", "What success looks like", "e.g. no more manual copying for month-end"),
    ("ctx_deadline", "deadline", "Deadline", "e.g. March 15"),
)
FLEX_OPTIONS = ("Not said", "It can move", "It cannot move")
SCOPE_FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("scope_who_why", "who_why", "Who asked for the change, and why", "e.g. Sales, for the Acme renewal"),
    ("scope_sprint", "sprint", "Where the sprint stands", "e.g. sprint ends Friday; export half built"),
    ("scope_changed_before", "changed_before", "How often this feature already changed", "e.g. 1, or never"),
)
# Widget values that must survive a visit to a page that does not render them.
PERSISTENT_KEYS = (
    "draft",
    "ctx_flex",
    "scope_original",
    "scope_change",
    "persona",
    *(key for key, *_ in CONTEXT_FIELDS),
    *(key for key, *_ in SCOPE_FIELDS),
    "confidential",
)


def keep_widget_state() -> None:
    """Widgets not rendered in a run lose their state; reassigning keeps the draft across pages."""
    for key in PERSISTENT_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


@dataclass
class Outcome:
    """A page's last run: the inputs it was made from, and its result or one error message."""

    inputs: str
    elapsed_s: float
    report: Any = None
    error: str | None = None
    offline_because: str | None = None  # the chosen provider could not answer (the key hint is shown)
    hint: str | None = None


def context_key(draft: str, context: PMContext | None, options: str = "") -> str:
    """One string for a draft, its context and the options that shape the result (the rewrite's slot form):
    a result is current while its key matches the inputs."""
    return draft + "\x00" + (context.model_dump_json() if context else "") + "\x00" + options


def from_context_key(key: str) -> tuple[str, PMContext | None]:
    """The draft and context a result was made from (the fields may have changed since)."""
    draft, _, rest = key.partition("\x00")
    context, _, _ = rest.partition("\x00")
    return draft, PMContext.model_validate_json(context) if context else None


def run(page_key: str, inputs: str, work: Callable[[Any, str], Any], engine: Engine, label: str) -> None:
    """Run `work(provider, notice)` with visible progress; store its result or ONE clear error message."""
    started = time.perf_counter()
    outcome = Outcome(inputs, 0.0, offline_because=engine.problem, hint=engine.key_hint)
    try:
        provider, notice = engine.provider()
        if provider is None:
            outcome.report = work(None, notice)
        else:
            with st.status(f"{label} with {provider.name} ({provider.model})…", expanded=False) as status:
                outcome.report = work(provider, notice)
                status.update(label=f"{label}: done in {time.perf_counter() - started:.1f} s", state="complete")
    except ProviderError as error:
        outcome.error = error.user_message
    except InputError as error:
        outcome.error = str(error)
    outcome.elapsed_s = time.perf_counter() - started
    st.session_state[page_key] = outcome


def current(page_key: str, inputs: str) -> Outcome | None:
    """The page's last result (None when there is none, or it failed: then its one message is shown)."""
    outcome: Outcome | None = st.session_state.get(page_key)
    if outcome is None:
        return None
    if outcome.error:
        st.error(outcome.error, icon="⚠️")
        st.caption("Your inputs are kept: fix the setting or use the offline engine, then run again.")
        return None
    if outcome.inputs != inputs:
        st.info("The inputs changed since these results: run again to update them.")
    return outcome


def needs_run(page_key: str, inputs: str) -> bool:
    previous: Outcome | None = st.session_state.get(page_key)
    return previous is None or previous.inputs != inputs
