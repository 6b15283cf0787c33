"""Page: prepare for a design review. Open questions by theme and the parts that may hide complexity;
after a run a compact summary beside the draft, the questions and flags below, each once."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from app import components as ui
from app.downloads import review_markdown
from app.engine import estimate_text
from app.inputs import context_fields, draft_input
from app.sidebar import page_engine
from app.state import EXAMPLE_DRAFT, Outcome, context_key, current, from_context_key, needs_run, run
from assistant.checks.offline import analyze
from assistant.llm.chains import prompt_token_estimate
from assistant.render.reports import grouped_questions
from assistant.schemas import Analysis, ComplexityReport, PMContext, QuestionSet, TaskResult
from assistant.tasks.drafts import run_task

PAGE_KEY = "review_result"
BUTTON = "Prepare questions"
TASKS = ("questions", "complexity")


@dataclass
class ReviewReport:
    analysis: Analysis
    questions: TaskResult[QuestionSet]
    complexity: TaskResult[ComplexityReport]

    @property
    def results(self) -> list[TaskResult]:
        return [self.questions, self.complexity]


def prepare(draft: str, context: PMContext | None, provider: object, notice: str, **options: object) -> ReviewReport:
    questions, complexity = (
        run_task(task, draft, context, provider=provider, notice=notice, **options) for task in TASKS
    )
    return ReviewReport(analyze(draft, context), questions, complexity)


def summary(outcome: Outcome) -> None:
    report: ReviewReport = outcome.report
    questions, flags = report.questions.result.questions, report.complexity.result.flags
    with st.container(border=True, key="summary"):
        st.markdown("#### Summary")
        if outcome.offline_because:
            st.info(f"**{outcome.offline_because}**, so this is the offline result. {outcome.hint}", icon="🔑")
        themes = [title for title, _ in grouped_questions(questions)]
        st.markdown(
            f"**{ui.plural(len(questions), 'question')} to ask** in {ui.plural(len(themes), 'theme')}: "
            + ", ".join(themes)
        )
        titles = ", ".join(f"“{ui.esc(f.title)}”" for f in flags) or "none found by the rules"
        st.markdown(f"**Likely complexity** ({len(flags)}): {titles}", unsafe_allow_html=True)
        ui.how_it_may_land(report.analysis)
        ui.show_missing_context(report.analysis)


def details(outcome: Outcome, draft: str) -> None:
    report: ReviewReport = outcome.report
    flags = report.complexity.result.flags
    st.markdown("#### Details")
    ui.show_provenance(report.results, outcome.elapsed_s, report.questions.notice)
    ui.show_findings(draft, report.analysis, flags=flags)
    left, right = st.columns([1, 1], gap="large")
    with left:
        st.markdown("#### Questions to ask")
        ui.show_questions(report.questions.result.questions)
    with right:
        st.markdown(f"#### Likely complexity ({len(flags)})")
        st.caption("Hypotheses for engineering to confirm, never estimates.")
        ui.show_flags(flags)
    ui.show_guards(report.results)
    st.download_button(
        "Download questions and flags (Markdown)",
        review_markdown(report.analysis, report.results),
        file_name="design-review-prep.md",
        mime="text/markdown",
        key="download_review",
    )


def page() -> None:
    engine = page_engine()
    st.subheader("Prepare for a design review")
    st.caption(
        "Open, non-leading questions grouped by theme, and the parts that may hide complexity: "
        "hypotheses for engineers to confirm, each with a smaller first version. No estimates."
    )
    left, right = st.columns([1, 1], gap="large")
    with left:
        draft = draft_input("The request or spec to review")
        ready = bool(draft and draft.strip())
        cols = st.columns([2, 3], vertical_alignment="center")
        clicked = cols[0].button(engine.button(BUTTON), type="primary", key=f"run_{PAGE_KEY}", disabled=not ready)
        ui.legend(("error", "warning", "suggestion", "vague", "complexity"))
        context = context_fields()
    inputs = context_key(draft or "", context)
    if ready:
        assert draft is not None
        text = estimate_text(
            engine, lambda provider: [prompt_token_estimate(t, provider, draft, context) for t in TASKS]
        )
        if text:
            cols[1].caption(text)
        if clicked or (engine.live_updates and needs_run(PAGE_KEY, inputs)):
            run(
                PAGE_KEY,
                inputs,
                lambda provider, notice: prepare(draft, context, provider, notice, **engine.task_options()),
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
        summary(outcome)
    details(outcome, from_context_key(outcome.inputs)[0])


page()
