"""Page: rewrite a draft. The draft and its context on the left; after a run, a compact summary on the
right (how it may land, the one rewrite view, what is missing); the details below, each shown once."""

from __future__ import annotations

from typing import Any

import streamlit as st

from app import components as ui
from app.downloads import report_markdown
from app.engine import estimate_text
from app.inputs import context_fields, draft_input
from app.sidebar import page_engine
from app.state import EXAMPLE_DRAFT, context_key, current, from_context_key, needs_run, run
from assistant.llm.chains import prompt_token_estimate
from assistant.schemas import AnalyzeReport, PMContext
from assistant.tasks.drafts import TASK_NAMES, run_analyze

PAGE_KEY = "rewrite_result"
BUTTON = "Check and rewrite"


def summary(outcome: Any, draft: str) -> None:
    """How it may land, the rewrite (one view: marked slots or the word diff) and what is missing."""
    report: AnalyzeReport = outcome.report
    rewrite = report.rewrite.result
    with st.container(border=True, key="summary"):
        st.markdown("#### Summary")
        if outcome.offline_because:
            st.info(f"**{outcome.offline_because}**, so this is the offline result. {outcome.hint}", icon="🔑")
        ui.how_it_may_land(report.analysis)
        source = "model" if rewrite.source == "model" else "offline templates"
        top = st.columns([1, 1], vertical_alignment="center")
        top[0].markdown(f"**The rewrite** ({source})")
        diff = top[1].toggle("Show changes", key="show_diff", help="Removed words in red, added in green.")
        ui.show_html(ui.word_diff(draft, rewrite.text) if diff else ui.mark_slots(rewrite.text))
        ui.copy_button(rewrite.text)
        ui.slot_warning(rewrite.slots)
        ui.show_missing_context(report.analysis)


def details(outcome: Any, draft: str, context: PMContext | None) -> None:
    report: AnalyzeReport = outcome.report
    results = [report.rewrite, report.questions, report.complexity]
    st.markdown("#### Details")
    ui.show_provenance(results, outcome.elapsed_s, report.notice)
    st.markdown("**How it may land, phrase by phrase**")
    ui.show_findings(draft, report.analysis)
    changes = report.rewrite.result.changes
    with st.expander(f"Why each change in the rewrite ({len(changes)})"):
        for c in changes:
            st.markdown(f"- {ui.esc(c.description)}: _{ui.esc(c.reason)}_", unsafe_allow_html=True)
    with st.expander(f"Questions for the design review ({len(report.questions.result.questions)})"):
        ui.show_questions(report.questions.result.questions)
    with st.expander(f"Likely complexity ({len(report.complexity.result.flags)})"):
        ui.show_flags(report.complexity.result.flags)
    ui.show_guards(results)
    st.download_button(
        "Download the whole result (Markdown)",
        report_markdown(draft, context, report),
        file_name="pm-assistant-result.md",
        mime="text/markdown",
        key="download_rewrite",
    )


def page() -> None:
    engine = page_engine()
    st.subheader("Rewrite a draft")
    st.caption(
        "Paste a request to engineering. See what may land badly, why, and a rewrite that asks instead "
        "of tells, with [needs: …] slots for the facts only you have."
    )
    left, right = st.columns([1, 1], gap="large")
    with left:
        draft = draft_input("Your draft")
        ready = bool(draft and draft.strip())
        cols = st.columns([2, 3], vertical_alignment="center")
        clicked = cols[0].button(engine.button(BUTTON), type="primary", key=f"run_{PAGE_KEY}", disabled=not ready)
        ui.legend(("error", "warning", "suggestion", "vague", "slot"))
        context = context_fields()
    inputs = context_key(draft or "", context)
    if ready:
        assert draft is not None
        text = estimate_text(
            engine, lambda provider: [prompt_token_estimate(t, provider, draft, context) for t in TASK_NAMES]
        )
        if text:
            cols[1].caption(text)
        if clicked or (engine.live_updates and needs_run(PAGE_KEY, inputs)):
            run(
                PAGE_KEY,
                inputs,
                lambda provider, notice: run_analyze(
                    draft, context, provider=provider, notice=notice, **engine.task_options()
                ),
                engine,
                BUTTON,
            )
    with right:
        outcome = current(PAGE_KEY, inputs) if ready else None
        if outcome is None:
            if not ready:
                st.caption("No draft at hand? Copy this example into the box:")
                st.code(EXAMPLE_DRAFT, language=None, wrap_lines=True)
            return
        original, used_context = from_context_key(outcome.inputs)
        summary(outcome, original)
    details(outcome, original, used_context)


page()
