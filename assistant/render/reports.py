"""Plain-text and Markdown renderings of the result objects (JSON is the pydantic dump)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from assistant.schemas import (
    AmbiguityFinding,
    Analysis,
    AnalyzeReport,
    ComplexityFlag,
    ContextElement,
    Finding,
    LintReport,
    Question,
    Rewrite,
)

QUESTION_TITLES = {
    "complexity-drivers": "Complexity drivers",
    "trade-offs": "Trade-offs",
    "smaller-version": "A smaller version",
    "risks-unknowns": "Risks and unknowns",
    "dependencies": "Dependencies",
}


def lint_lines(report: LintReport, source: str) -> list[str]:
    """`file:line:col: severity rule: message` lines, findings first, then ambiguities."""
    lines = [
        f'{source}:{f.line}:{f.column}: {f.severity} {f.rule_id}: {f.message} Try: "{f.replacements[0]}"'
        for f in report.findings
    ]
    lines += [f"{source}:{a.line}:{a.column}: {a.severity} {a.rule_id}: {a.message}" for a in report.ambiguities]
    lines.append(lint_summary(report.findings, report.ambiguities))
    return lines


def lint_summary(findings: Iterable[Finding], ambiguities: Iterable[AmbiguityFinding]) -> str:
    counts: dict[str, int] = defaultdict(int)
    findings = list(findings)
    for f in findings:
        counts[f.severity] += 1
    n_amb = len(list(ambiguities))
    if not findings and not n_amb:
        return "No trust-damaging phrases or vague terms found."
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning", "suggestion") if counts[s]]
    head = f"{len(findings)} trust finding{'s' if len(findings) != 1 else ''}"
    head += f" ({', '.join(parts)})" if parts else ""
    return f"{head}, {n_amb} vague term{'s' if n_amb != 1 else ''}."


def context_lines(elements: list[ContextElement]) -> list[str]:
    lines = []
    for e in elements:
        if e.present:
            lines.append(f'  [x] {e.label}: "{_clip(e.evidence or "")}"')
        else:
            lines.append(f"  [ ] {e.label}: missing. Ask yourself: {e.question}")
    return lines


def complexity_lines(flags: list[ComplexityFlag]) -> list[str]:
    if not flags:
        return ["  No likely complexity found. Engineers may still see some: ask them."]
    lines = []
    for flag in flags:
        lines += [
            f'  * {flag.title} ({flag.category}), triggered by "{flag.trigger}"',
            f"    Why it may be harder: {flag.why}",
            f"    Ask engineering: {flag.question}",
            f"    A possible smaller first version: {flag.smaller_version}",
        ]
    return lines


def grouped_questions(questions: list[Question]) -> list[tuple[str, list[str]]]:
    """Questions grouped by category, in review order, as (title, texts)."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for q in questions:
        grouped[q.category].append(q.text)
    return [(title, grouped[cat]) for cat, title in QUESTION_TITLES.items() if grouped.get(cat)]


NO_QUESTIONS = (
    "No design-review questions: the draft reads as a status question, an agreement or an announcement, not a "
    "request for work."
)


def question_lines(questions: list[Question]) -> list[str]:
    if not questions:
        return [f"  {NO_QUESTIONS}"]
    lines = []
    for title, texts in grouped_questions(questions):
        lines.append(f"  {title}:")
        lines += [f"    - {text}" for text in texts]
    return lines


def analysis_text(analysis: Analysis, source: str) -> str:
    report = LintReport(findings=analysis.findings, ambiguities=analysis.ambiguities)
    out = ["Trust-damaging phrases and vague terms"]
    out += ["  " + line for line in lint_lines(report, source)]
    for f in analysis.findings:
        out.append(f'    "{f.text}": {f.why}')
    out += ["", "Context", *context_lines(analysis.context)]
    out += ["", "Likely complexity (hypotheses for engineering to confirm; no estimates)"]
    out += complexity_lines(analysis.complexity)
    out += ["", "Questions for the design review", *question_lines(analysis.questions)]
    return "\n".join(out)


def analysis_markdown(analysis: Analysis) -> str:
    out = ["# Draft analysis", "", "## Trust-damaging phrases"]
    if not analysis.findings:
        out.append("None found.")
    for f in analysis.findings:
        out.append(f'- **{f.severity}** `{f.rule_id}` at line {f.line}, column {f.column}: "{f.text}". {f.message}')
        out.append(f"  - Why: {f.why}")
        out.append("  - Instead: " + " / ".join(f'"{r}"' for r in f.replacements))
    out += ["", "## Vague terms engineers will ask about"]
    if not analysis.ambiguities:
        out.append("None found.")
    out += [f'- "{a.text}" (`{a.category}`): {a.question}' for a in analysis.ambiguities]
    out += ["", "## Context"]
    for e in analysis.context:
        out.append(
            f'- [x] **{e.label}**: "{_clip(e.evidence or "")}"'
            if e.present
            else f"- [ ] **{e.label}**: missing. {e.question}"
        )
    out += ["", "## Likely complexity", "_Hypotheses for engineering to confirm. No estimates._", ""]
    if not analysis.complexity:
        out.append("None found.")
    for flag in analysis.complexity:
        out += [
            f"### {flag.title} (`{flag.category}`)",
            f'Triggered by "{flag.trigger}". {flag.why}',
            f"- Ask: {flag.question}",
            f"- Smaller first version: {flag.smaller_version}",
            "",
        ]
    out += ["## Questions for the design review"]
    for title, texts in grouped_questions(analysis.questions):
        out += ["", f"### {title}"] + [f"- {text}" for text in texts]
    return "\n".join(out).rstrip() + "\n"


def rewrite_text(result: Rewrite) -> str:
    out = [result.text, "", "Changes:"]
    out += [f"  - {c.description} ({c.reason})" for c in result.changes] or ["  (none)"]
    if result.slots:
        out += ["", f"Fill in {len(result.slots)} [needs: …] slot(s) before sending."]
    return "\n".join(out)


def rewrite_markdown(result: Rewrite) -> str:
    out = ["# Rewritten draft", "", result.text, "", "## Changes"]
    out += [f"- {c.description} _{c.reason}_" for c in result.changes] or ["None."]
    return "\n".join(out) + "\n"


GUARDS_CHECKED = (
    "No trust phrase, invented fact or estimate that the checks know of. The checks know listed phrases and the "
    "facts they can read; they cannot vouch for the rest, so read it before you send it."
)


def guard_banner(findings_count: int, kept_as_written: int = 0) -> str:
    """What the guards checked and found, never a clean bill: with no finding, what they looked for; with
    sentences of the draft kept as written, that those were checked only against the known phrases."""
    if findings_count:
        return f"The guards found {findings_count} issue{'s' if findings_count != 1 else ''} (shown, not hidden)."
    banner = GUARDS_CHECKED
    if kept_as_written:
        banner += (
            f" {kept_as_written} sentence{'s' if kept_as_written != 1 else ''} of your draft "
            f"{'are' if kept_as_written != 1 else 'is'} kept as you wrote {'them' if kept_as_written != 1 else 'it'}."
        )
    return banner


def kept_sentences(draft: str, text: str) -> int:
    """How many sentences of the draft appear unchanged in an output."""
    from assistant.text.document import Document

    doc = Document(draft)
    return sum(1 for start, end in doc.sentences if len(draft[start:end].split()) > 2 and draft[start:end] in text)


def _clip(text: str, width: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _provenance(report: AnalyzeReport) -> str:
    results = report.task_results
    prompt_tokens = sum(r.tokens.prompt_tokens or 0 for r in results)
    completion_tokens = sum(r.tokens.completion_tokens or 0 for r in results)
    line = f"{report.provider} {report.model}; {prompt_tokens} prompt + {completion_tokens} completion tokens"
    redacted = max((r.redacted for r in results), default=0)
    if redacted:
        line += f"; {redacted} item(s) redacted before sending"
    return line + f"; {report.wall_time_s:.2f} s"


def _guard_summary(report: AnalyzeReport) -> list[str]:
    lines = []
    for result in report.task_results:
        for f in result.guards.findings:
            lines.append(f'{result.task}: {f.guard} "{f.text}" ({f.action}). {f.detail}')
    return lines


def report_text(report: AnalyzeReport, source: str) -> str:
    """The model-backed analyze report: offline findings, then the model's rewrite, questions and flags."""
    out = [f"[{_provenance(report)}]", analysis_text(report.analysis, source), "", "Rewrite (model)"]
    out += ["  " + line for line in rewrite_text(report.rewrite.result).splitlines()]
    out += ["", "Questions (model)", *question_lines(report.questions.result.questions)]
    out += ["", "Likely complexity (model; hypotheses, no estimates)"]
    out += complexity_lines(report.complexity.result.flags)
    guards = _guard_summary(report)
    out += ["", f"Guards: {guard_banner(len(guards))}"]
    out += [f"  - {g}" for g in guards]
    return "\n".join(out)


def report_markdown(report: AnalyzeReport) -> str:
    out = [
        f"_{_provenance(report)}_",
        "",
        analysis_markdown(report.analysis),
        rewrite_markdown(report.rewrite.result),
    ]
    out += ["## Questions (model)"]
    for title, texts in grouped_questions(report.questions.result.questions):
        out += ["", f"### {title}"] + [f"- {t}" for t in texts]
    out += ["", "## Likely complexity (model)"]
    for flag in report.complexity.result.flags:
        out += [f"- **{flag.title}** (`{flag.category}`): {flag.why} Ask: {flag.question}"]
    guards = _guard_summary(report)
    out += ["", "## Guards", guard_banner(len(guards)), *[f"- {g}" for g in guards]]
    return "\n".join(out) + "\n"
