"""Page: rewrite a draft. The draft and its context on the left; after a run, a compact summary on the
right (how it may land, the one rewrite view, what is missing); the details below, each shown once."""

from __future__ import annotations

import streamlit as st

from app import components as ui
from app.downloads import report_markdown
from app.draft_page import DraftPage, show_draft_page
from app.state import Outcome
from assistant.schemas import AnalyzeReport, PMContext
from assistant.tasks.drafts import ANALYZE_MODEL_TASKS, run_analyze

PAGE_KEY = "rewrite_result"
BUTTON = "Check and rewrite"


def summary(outcome: Outcome, draft: str, context: PMContext | None) -> None:
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


def details(outcome: Outcome, draft: str, context: PMContext | None) -> None:
    report: AnalyzeReport = outcome.report
    results = report.task_results
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


def work(draft: str, context: PMContext | None, provider: object, notice: str, options: dict) -> AnalyzeReport:
    return run_analyze(draft, context, provider=provider, notice=notice, **options)


show_draft_page(
    DraftPage(
        key=PAGE_KEY,
        title="Rewrite a draft",
        caption=(
            "Paste a request to engineering. See what may land badly, why, and a rewrite that asks instead "
            "of tells, with [needs: …] slots for the facts only you have."
        ),
        input_label="Your draft",
        button=BUTTON,
        legend=("error", "warning", "suggestion", "vague", "slot"),
        tasks=ANALYZE_MODEL_TASKS,
        work=work,
        summary=summary,
        details=details,
    )
)
