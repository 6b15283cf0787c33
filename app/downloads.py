"""The Markdown files the pages offer for download, put together from the package's renderers."""

from __future__ import annotations

from collections.abc import Iterable

from assistant.render.reports import analysis_markdown, rewrite_markdown
from assistant.schemas import Analysis, AnalyzeReport, PMContext, TaskResult
from assistant.tasks.rehearsal import RehearsalState
from assistant.tasks.scope import ScopeChangeResult


def guards_markdown(results: Iterable[TaskResult]) -> str:
    lines = [f'- {g.guard} ({g.action}, {r.task}): "{g.text}". {g.detail}' for r in results for g in r.guards.findings]
    return "# Guard findings\n\n" + ("\n".join(lines) if lines else "None: every guard passed.") + "\n"


def full_analysis(report: AnalyzeReport) -> Analysis:
    """The offline analysis with the (possibly model-made) questions and flags of this result."""
    return report.analysis.model_copy(
        update={"questions": report.questions.result.questions, "complexity": report.complexity.result.flags}
    )


def report_markdown(draft: str, context: PMContext | None, report: AnalyzeReport) -> str:
    """The whole rewrite-page result: the draft as given, the context, the rewrite, the analysis, the guards."""
    results = [report.rewrite, report.questions, report.complexity]
    engine = f"Engine: {report.engine} · provider: {report.provider}"
    engine += f" · model: {report.model}" if report.model else ""
    head = [f"_PM feasibility assistant. {engine}_", "", "# Original draft", ""]
    head += ["> " + line for line in draft.splitlines()]
    if context:
        head += ["", "# Context given", "", context.as_text()]
    parts = [
        "\n".join(head) + "\n",
        rewrite_markdown(report.rewrite.result),
        analysis_markdown(full_analysis(report)),
        guards_markdown(results),
    ]
    return "\n".join(parts)


def review_markdown(analysis: Analysis, results: list[TaskResult]) -> str:
    """The design-review page's questions and flags, with the guard findings."""
    questions, complexity = results
    merged = analysis.model_copy(
        update={"questions": questions.result.questions, "complexity": complexity.result.flags}
    )
    return analysis_markdown(merged) + "\n" + guards_markdown(results)


def scope_markdown(result: ScopeChangeResult) -> str:
    """The brief and the stakeholder message (the CLI's renderer: it lives in assistant/cli/scope.py)."""
    from assistant.cli.scope import scope_markdown as render

    return render(result)


def rehearsal_markdown(state: RehearsalState) -> str:
    """The transcript, then the debrief as the CLI prints it."""
    from assistant.cli.scope import debrief_text

    out = ["# Scope-change rehearsal", "", f"Persona: {state.persona}", "", "## Transcript", ""]
    out += [f"**{'You' if t.speaker == 'pm' else 'Lead'}:** {t.text}  " for t in state.transcript]
    if state.debrief is not None:
        out += ["", "## Debrief", "", "```text", debrief_text(state.debrief.result), "```"]
    return "\n".join(out) + "\n"
