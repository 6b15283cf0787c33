"""Scoring: one check per assertion type, over the offline analysis of the input or a task's output.

A task that produced no output (a provider error) fails every assertion on it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from assistant.checks.guards import find_estimates, find_invented_claims
from assistant.checks.lint import find_trust_phrases
from assistant.evaluation.cases import Assertion, Case
from assistant.schemas import Analysis, ComplexityReport, QuestionSet, Rewrite, TrustReport

_OPEN_WORD = re.compile(r"\b(?:what|how|why|which|who|where|when)\b", re.I)
_LEADING = re.compile(
    r"^\W*(?:isn't|aren't|wouldn't|won't|can't|couldn't|don't|doesn't|shouldn't|surely)\b"
    r"|\b(?:right|correct|agreed|surely|yes)\s*\?"
    r"|don't you (?:think|agree)|wouldn't you agree|isn't (?:it|that) (?:true|obvious)",
    re.I,
)
# Texts the debrief computes from the PM's lines (scores, counts): numbers there are not claims.
_COMPUTED_FIELD = re.compile(r"^debrief\.(?:summary|items\[\d+\]\.explanation)$")
# Quoting a phrase is not saying it: 'The change note calls it "Minor tweak"'.
_QUOTED = re.compile(r'"[^"\n]*"|“[^”\n]*”')
# Fields of a result that quote the input rather than say something new (not checked for claims).
_QUOTING_FIELDS = frozenset({"trigger", "evidence", "start", "end", "source", "category", "slots"})


class AssertionResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: str
    label: str
    task: str
    passed: bool
    detail: str = ""


# ---------------------------------------------------------------- what a result says
def output_texts(task: str, result: BaseModel | None) -> list[tuple[str, str]]:
    """The PM-facing texts of a task's result, as (field, text) pairs."""
    if result is None:
        return []
    if isinstance(result, Rewrite):
        return [("text", result.text)]
    if isinstance(result, QuestionSet):
        return [(f"questions[{i}]", q.text) for i, q in enumerate(result.questions)]
    if isinstance(result, TrustReport):  # the quote is the draft's own words; what the model wrote is `why`
        return [(f"findings[{i}].why", f.why) for i, f in enumerate(result.findings)]
    if isinstance(result, ComplexityReport):
        return [
            (f"flags[{i}].{name}", getattr(flag, name))
            for i, flag in enumerate(result.flags)
            for name in ("title", "why", "question", "smaller_version")
        ]
    scope = _scope_texts(result)
    if scope is not None:
        return scope
    rehearsal = _rehearsal_texts(result)
    if rehearsal is not None:
        return rehearsal
    return list(_walk_strings(result.model_dump(mode="json")))


def _scope_texts(result: BaseModel) -> list[tuple[str, str]] | None:
    brief = getattr(getattr(result, "brief", None), "result", None)
    stakeholder = getattr(getattr(result, "stakeholder", None), "result", None)
    if brief is None or stakeholder is None:
        return None
    texts = [("brief.what_changed", brief.what_changed), ("brief.why", brief.why)]
    texts += [(f"brief.unknowns[{i}]", u) for i, u in enumerate(brief.unknowns)]
    texts += [(f"brief.questions[{i}]", q.text) for i, q in enumerate(brief.questions)]
    texts += [("brief.opening_line", brief.opening_line), ("stakeholder.text", stakeholder.text)]
    if brief.moving_target_note:
        texts.append(("brief.moving_target_note", brief.moving_target_note))
    return texts


def _rehearsal_texts(result: BaseModel) -> list[tuple[str, str]] | None:
    debrief = getattr(result, "debrief", None)
    lead = getattr(result, "lead_lines", None)
    if debrief is None or lead is None:
        return None
    texts = [(f"lead[{i}]", line) for i, line in enumerate(lead)]
    texts += [("debrief.summary", debrief.summary)]
    texts += [(f"debrief.items[{i}].explanation", item.explanation) for i, item in enumerate(debrief.items)]
    texts += [(f"debrief.next_time[{i}]", tip) for i, tip in enumerate(debrief.next_time)]
    return texts


def questions_of(result: BaseModel | None) -> list[str]:
    """The questions a result asks (a question set, or a scope-change brief)."""
    if isinstance(result, QuestionSet):
        return [q.text for q in result.questions]
    brief = getattr(getattr(result, "brief", None), "result", None)
    return [q.text for q in getattr(brief, "questions", [])]


def _walk_strings(node: Any, where: str = "") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if isinstance(node, str):
        if node.strip():
            out.append((where, node))
    elif isinstance(node, dict):
        for key, value in node.items():
            if key not in _QUOTING_FIELDS:
                out += _walk_strings(value, f"{where}.{key}" if where else key)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _walk_strings(value, f"{where}[{i}]")
    return out


def render_output(task: str, result: BaseModel | None) -> str:
    """A readable rendering of a result for the report."""
    if result is None:
        return ""
    if isinstance(result, Rewrite):
        return result.text
    if isinstance(result, QuestionSet):
        return "\n".join(f"- ({q.category}) {q.text}" for q in result.questions)
    if isinstance(result, ComplexityReport):
        return "\n".join(f"- {f.category}: {f.title} (trigger: {f.trigger!r}) {f.question}" for f in result.flags)
    if isinstance(result, TrustReport):
        return "\n".join(f"- {f.category} ({f.source}): {f.text!r} {f.why}" for f in result.findings)
    debrief = getattr(result, "debrief", None)
    if debrief is not None and hasattr(debrief, "items"):
        scores = "\n".join(f"- {i.criterion}: {i.score}/2 ({i.source}) {i.explanation}" for i in debrief.items)
        lead = "\n".join(f"lead: {line}" for line in getattr(result, "lead_lines", []))
        return f"{lead}\n\n{debrief.summary}\n{scores}"
    consistency = getattr(getattr(result, "consistency", None), "result", None)
    if consistency is not None:
        checks = "; ".join(f"{f.kind}: {f.text}" for f in consistency.findings) or "passed"
        return "\n".join(f"{field}: {text}" for field, text in output_texts(task, result)) + f"\nconsistency: {checks}"
    return "\n".join(f"{field}: {text}" for field, text in output_texts(task, result))


# ---------------------------------------------------------------- helpers
def _norm(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


def _quote(items: list[str]) -> str:
    return ", ".join(f'"{i}"' for i in items)


def leading_reason(question: str) -> str | None:
    """Why a question is not an open, neutral one (or None)."""
    if "?" not in question:
        return "not a question"
    if _LEADING.search(question):
        return "leading"
    hits = find_trust_phrases(question, min_severity="warning")
    if hits:
        return "linter: " + "; ".join(f"{h.text} ({h.rule_id})" for h in hits)
    return None


# ---------------------------------------------------------------- checks
Check = Callable[[Assertion, Case, Analysis, BaseModel | None], tuple[bool, str]]


def _flagged(a: Assertion, case: Case, analysis: Analysis, result: BaseModel | None) -> tuple[bool, str]:
    missing = [p for p in a.value if not _finding_matches(p, analysis)]  # type: ignore[union-attr]
    found = _quote([f.text for f in analysis.findings]) or "nothing"
    return not missing, f"not flagged: {_quote(missing)} (flagged: {found})" if missing else ""


def _not_flagged(a: Assertion, case: Case, analysis: Analysis, result: BaseModel | None) -> tuple[bool, str]:
    wrong = [p for p in a.value if _finding_matches(p, analysis, overlap=True)]  # type: ignore[union-attr]
    return not wrong, f"flagged but should not be: {_quote(wrong)}" if wrong else ""


def _finding_matches(phrase: str, analysis: Analysis, overlap: bool = False) -> bool:
    p = _norm(phrase)
    for f in analysis.findings:
        text = _norm(f.text)
        if f.rule_id == phrase or p in text or (overlap and text in p):
            return True
    return False


def _flagged_categories(a: Assertion, case: Case, analysis: Analysis, result: BaseModel | None) -> tuple[bool, str]:
    got = {f.category for f in analysis.findings}
    missing = [c for c in a.value if c not in got]  # type: ignore[union-attr]
    return (
        not missing,
        f"categories not flagged: {', '.join(missing)} (got: {', '.join(sorted(got)) or 'none'})",
    )


def _not_flagged_categories(a: Assertion, case: Case, analysis: Analysis, result: BaseModel | None) -> tuple[bool, str]:
    wrong = [f.text for f in analysis.findings if f.category in a.value]  # type: ignore[operator]
    return not wrong, f"flagged: {_quote(wrong)}" if wrong else ""


def _context(present: bool) -> Check:
    def check(a: Assertion, case: Case, analysis: Analysis, result: BaseModel | None) -> tuple[bool, str]:
        state = {e.element: e.present for e in analysis.context}
        wrong = [e for e in a.value if state.get(e) is not present]  # type: ignore[union-attr]
        word = "present" if not present else "missing"
        return not wrong, f"reported {word}: {', '.join(wrong)}" if wrong else ""

    return check


def _complexity_categories(analysis: Analysis, result: BaseModel | None) -> set[str]:
    return {f.category for f in result.flags} if isinstance(result, ComplexityReport) else set()


def _trust_categories(analysis: Analysis, result: BaseModel | None) -> set[str]:
    """The categories a PM sees: the offline findings plus those the trust task added."""
    added = result.findings if isinstance(result, TrustReport) else []
    return {f.category for f in [*analysis.findings, *added]}


def _categories(want: bool, categories: Callable[[Analysis, BaseModel | None], set[str]]) -> Check:
    def check(a: Assertion, case: Case, analysis: Analysis, result: BaseModel | None) -> tuple[bool, str]:
        got = categories(analysis, result)
        wrong = [c for c in a.value if (c in got) is not want]  # type: ignore[union-attr]
        if not wrong:
            return True, ""
        verb = "missing" if want else "present but should not be"
        return False, f"{verb}: {', '.join(wrong)} (got: {', '.join(sorted(got)) or 'none'})"

    return check


def _quotes_exact(a: Assertion, case: Case, analysis: Analysis, result: BaseModel | None) -> tuple[bool, str]:
    """Every trust finding's text is the draft's own words at its span."""
    findings = result.findings if isinstance(result, TrustReport) else []
    draft = case.input.draft
    bad = [f.text for f in findings if draft[f.start : f.end] != f.text]
    return not bad, f"not the draft's words at their span: {_quote(bad)}" if bad else ""


def _questions_open(a: Assertion, case: Case, analysis: Analysis, result: BaseModel | None) -> tuple[bool, str]:
    questions = questions_of(result)
    if not questions:
        return False, "no questions"
    problems = [f"{q!r}: {why}" for q in questions if (why := leading_reason(q))]
    open_count = sum(1 for q in questions if _OPEN_WORD.search(q))
    if open_count * 2 < len(questions):
        problems.append(f"only {open_count} of {len(questions)} questions are open (what/how/why/which…)")
    return not problems, "; ".join(problems)


def _keeps(a: Assertion, case: Case, analysis: Analysis, result: BaseModel | None) -> tuple[bool, str]:
    text = _norm(" ".join(t for _, t in output_texts("", result)))
    lost = [v for v in a.value if _norm(v) not in text]  # type: ignore[union-attr]
    return not lost, f"lost: {_quote(lost)}" if lost else ""


def _keeps_facts(a: Assertion, case: Case, analysis: Analysis, result: BaseModel | None) -> tuple[bool, str]:
    """Every number, date and name of the draft is still in the output (nothing the PM said was lost)."""
    text = " ".join(t for _, t in output_texts("", result))
    lost = find_invented_claims(case.input.draft, [text])
    return not lost, f"facts lost: {_quote(lost)}" if lost else ""


def _text_quality(a: Assertion, case: Case, analysis: Analysis, result: BaseModel | None) -> tuple[bool, str]:
    """The text-quality check (checks/quality.py) on every PM-facing text: no punctuation debris, unbalanced
    brackets, lowercase sentence starts or fragments; for a rewrite, no fact of the draft dropped."""
    from assistant.checks.quality import check_quality

    draft = case.input.draft if isinstance(result, Rewrite) else None
    problems = [
        f"{field}: {q.kind} {q.text!r}"
        for field, text in output_texts("", result)
        if text.strip()
        for q in check_quality(text, draft if field == "text" else None)
    ]
    return not problems, "; ".join(problems[:5])


def _no_new_trust_findings(a: Assertion, case: Case, analysis: Analysis, result: BaseModel | None) -> tuple[bool, str]:
    before = {f.rule_id for f in analysis.findings}
    new = [
        f"{f.text} ({f.rule_id})"
        for _, text in output_texts("", result)
        for f in find_trust_phrases(text, min_severity="warning")
        if f.rule_id not in before
    ]
    return not new, f"new trust findings: {'; '.join(new)}" if new else ""


def _not_contains(a: Assertion, case: Case, analysis: Analysis, result: BaseModel | None) -> tuple[bool, str]:
    found = [
        f"{v!r} in {field}"
        for v in a.value
        for field, text in output_texts("", result)  # type: ignore[union-attr]
        if _norm(v) in _norm(_QUOTED.sub(" ", text))
    ]
    return not found, "; ".join(found)


def _no_invented_claims(a: Assertion, case: Case, analysis: Analysis, result: BaseModel | None) -> tuple[bool, str]:
    sources = case.input.sources()
    texts = [(f, t) for f, t in output_texts("", result) if not _COMPUTED_FIELD.match(f)]
    claims = [f"{c!r} in {field}" for field, text in texts for c in find_invented_claims(text, sources)]
    return not claims, "invented: " + "; ".join(claims) if claims else ""


def _no_time_estimates(a: Assertion, case: Case, analysis: Analysis, result: BaseModel | None) -> tuple[bool, str]:
    written = {_norm(e) for e in find_estimates("\n".join(case.input.sources()))}
    found = [
        f"{e!r} in {field}"
        for field, text in output_texts("", result)
        for e in find_estimates(text)
        if _norm(e) not in written
    ]
    return not found, "estimates: " + "; ".join(found) if found else ""


def _schema_valid(a: Assertion, case: Case, analysis: Analysis, result: BaseModel | None) -> tuple[bool, str]:
    if result is None:
        return False, "no result"
    try:
        _revalidate(result)
    except ValidationError as error:
        return False, str(error).splitlines()[0]
    return True, ""


def _revalidate(obj: BaseModel) -> None:
    """Validate a result again from its dump, and every model held in an untyped field."""
    type(obj).model_validate(obj.model_dump())
    for name in type(obj).model_fields:
        value = getattr(obj, name)
        if isinstance(value, BaseModel):
            _revalidate(value)


def _consistent(a: Assertion, case: Case, analysis: Analysis, result: BaseModel | None) -> tuple[bool, str]:
    report = getattr(getattr(result, "consistency", None), "result", None)
    if report is None:
        return False, "no consistency report"
    found = [f"{f.kind}: {f.text!r}" for f in report.findings]
    return not found, "stakeholder message: " + "; ".join(found) if found else ""


def _debrief(high: bool) -> Check:
    def check(a: Assertion, case: Case, analysis: Analysis, result: BaseModel | None) -> tuple[bool, str]:
        debrief = getattr(result, "debrief", None)
        scores = {i.criterion: i.score for i in getattr(debrief, "items", [])}
        wrong = [
            f"{c}={scores.get(c, 'missing')}"
            for c in a.value  # type: ignore[union-attr]
            if c not in scores or (scores[c] == 2) is not high
        ]
        word = "full marks" if high else "below full marks"
        return not wrong, f"expected {word}: {', '.join(wrong)}" if wrong else ""

    return check


def _evidence_quoted(a: Assertion, case: Case, analysis: Analysis, result: BaseModel | None) -> tuple[bool, str]:
    """Every evidence quote of the debrief comes from the PM's lines."""
    debrief = getattr(result, "debrief", None)
    lines = _norm(" ".join(getattr(result, "pm_lines", [])))
    bad = [e for item in getattr(debrief, "items", []) for e in item.evidence if _norm(e.rstrip("…")) not in lines]
    return not bad, f"not quoted from the PM's lines: {_quote(bad)}" if bad else ""


CHECKS: dict[str, Check] = {
    "flagged": _flagged,
    "not_flagged": _not_flagged,
    "flagged_categories": _flagged_categories,
    "not_flagged_categories": _not_flagged_categories,
    "missing_context": _context(present=False),
    "present_context": _context(present=True),
    "trust_categories": _categories(True, _trust_categories),
    "not_trust_categories": _categories(False, _trust_categories),
    "quotes_exact": _quotes_exact,
    "complexity_categories": _categories(True, _complexity_categories),
    "not_complexity_categories": _categories(False, _complexity_categories),
    "questions_open": _questions_open,
    "keeps": _keeps,
    "keeps_facts": _keeps_facts,
    "text_quality": _text_quality,
    "no_new_trust_findings": _no_new_trust_findings,
    "not_contains": _not_contains,
    "no_invented_claims": _no_invented_claims,
    "no_time_estimates": _no_time_estimates,
    "schema_valid": _schema_valid,
    "consistent": _consistent,
    "debrief_high": _debrief(high=True),
    "debrief_low": _debrief(high=False),
    "evidence_quoted": _evidence_quoted,
}


def check(
    assertion: Assertion, case: Case, analysis: Analysis, result: BaseModel | None, error: str | None = None
) -> AssertionResult:
    """Run one assertion; with an error (no output) every output assertion fails."""
    if error is not None and assertion.task != "offline-pass":
        return AssertionResult(
            type=assertion.type,
            label=assertion.label,
            task=assertion.task,
            passed=False,
            detail=f"no output: {error}",
        )
    passed, detail = CHECKS[assertion.type](assertion, case, analysis, result)
    return AssertionResult(
        type=assertion.type,
        label=assertion.label,
        task=assertion.task,
        passed=passed,
        detail="" if passed else detail,
    )


def score(
    case: Case, task: str, analysis: Analysis, result: BaseModel | None, error: str | None = None
) -> list[AssertionResult]:
    return [check(a, case, analysis, result, error) for a in case.assertions_for(task)]
