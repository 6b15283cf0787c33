"""The flow shared by the pages that take one draft (rewrite, design review): the draft and its context on
the left, the run button with its token estimate, a compact summary on the right after a run, details below.
A page declares what differs (texts, tasks, the work to run, how to show its result) in a `DraftPage`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from app import components as ui
from app.engine import estimate_text
from app.inputs import context_fields, draft_input
from app.sidebar import page_engine
from app.state import EXAMPLE_DRAFT, Outcome, context_key, current, from_context_key, needs_run, run
from assistant.llm.chains import prompt_token_estimate
from assistant.schemas import PMContext

# (draft, context, provider, notice, task options) -> the page's report
Work = Callable[[str, PMContext | None, Any, str, dict[str, Any]], Any]
# (outcome, the draft it was made from, the context it was made from) -> None
Show = Callable[[Outcome, str, PMContext | None], None]


@dataclass(frozen=True)
class DraftPage:
    """What one draft page says and does; `show_draft_page` runs the flow."""

    key: str
    title: str
    caption: str
    input_label: str
    button: str
    legend: tuple[str, ...]
    tasks: tuple[str, ...]
    work: Work
    summary: Show
    details: Show


def show_draft_page(page: DraftPage) -> None:
    """Render the page: inputs, estimate and button; after a run the summary beside the draft, details below."""
    engine = page_engine()
    st.subheader(page.title)
    st.caption(page.caption)
    left, right = st.columns([1, 1], gap="large")
    with left:
        draft = draft_input(page.input_label)
        ready = bool(draft and draft.strip())
        cols = st.columns([2, 3], vertical_alignment="center")
        clicked = cols[0].button(engine.button(page.button), type="primary", key=f"run_{page.key}", disabled=not ready)
        ui.legend(page.legend)
        context = context_fields()
    options = engine.draft_task_options()
    inputs = context_key(draft or "", context, str(options["form"]))
    if ready and draft is not None:
        text = estimate_text(
            engine, lambda provider: [prompt_token_estimate(t, provider, draft, context) for t in page.tasks]
        )
        if text:
            cols[1].caption(text)
        if clicked or (engine.live_updates and needs_run(page.key, inputs)):
            run(
                page.key,
                inputs,
                lambda provider, notice: page.work(draft, context, provider, notice, options),
                engine,
                page.button,
            )
    with right:
        outcome = current(page.key, inputs) if ready else None
        if outcome is None:
            if not ready:
                st.caption("No draft at hand? Copy this example into the box:")
                st.code(EXAMPLE_DRAFT, language=None, wrap_lines=True)
            return
        original, used_context = from_context_key(outcome.inputs)
        page.summary(outcome, original, used_context)
    page.details(outcome, original, used_context)
