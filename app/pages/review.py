"""Page: prepare for a design review. Open questions by theme and the parts that may hide complexity;
after a run a compact summary beside the draft, the questions and flags below, each once."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from app import components as ui
from app.downloads import review_markdown
from app.draft_page import DraftPage, show_draft_page
from app.state import Outcome
from assistant.checks.offline import analyze
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


def summary(outcome: Outcome, draft: str, context: PMContext | None) -> None:
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


def details(outcome: Outcome, draft: str, context: PMContext | None) -> None:
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


def work(draft: str, context: PMContext | None, provider: object, notice: str, options: dict) -> ReviewReport:
    return prepare(draft, context, provider, notice, **options)


show_draft_page(
    DraftPage(
        key=PAGE_KEY,
        title="Prepare for a design review",
        caption=(
            "Open, non-leading questions grouped by theme, and the parts that may hide complexity: "
            "hypotheses for engineers to confirm, each with a smaller first version. No estimates."
        ),
        input_label="The request or spec to review",
        button=BUTTON,
        legend=("error", "warning", "suggestion", "vague", "complexity"),
        tasks=TASKS,
        work=work,
        summary=summary,
        details=details,
    )
)
