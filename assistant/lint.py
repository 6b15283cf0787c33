"""The trust-phrase linter and the ambiguity pass: phrases that cost a PM trust, and vague terms."""

from __future__ import annotations

from .ruleset import ambiguity_rules, trust_rules
from .schemas import SEVERITY_RANK, AmbiguityFinding, Finding, LintReport
from .textutil import Document


def _document(text: str | Document) -> Document:
    return text if isinstance(text, Document) else Document(text)


def find_trust_phrases(text: str | Document, min_severity: str = "suggestion") -> list[Finding]:
    """Every trust-damaging phrase, in text order, with spans, why it hurts and better wording."""
    doc = _document(text)
    floor = SEVERITY_RANK[min_severity]
    findings: list[Finding] = []
    for rule in trust_rules():
        if SEVERITY_RANK[rule.severity] < floor:
            continue
        for start, end in rule.matcher.finditer(doc):
            line, column = doc.line_col(start)
            if doc.is_silenced(line, rule.id, rule.category):
                continue
            matched = doc.text[start:end]
            findings.append(
                Finding(
                    rule_id=rule.id,
                    category=rule.category,
                    severity=rule.severity,
                    message=rule.message.replace("{match}", matched),
                    why=rule.why,
                    replacements=list(rule.replacements),
                    text=matched,
                    start=start,
                    end=end,
                    line=line,
                    column=column,
                )
            )
    findings.sort(key=lambda f: (f.start, -f.end, f.rule_id))
    return findings


def find_ambiguities(text: str | Document) -> list[AmbiguityFinding]:
    """Vague terms an engineer must pin down before estimating, each with the question they will ask."""
    doc = _document(text)
    found: list[AmbiguityFinding] = []
    for rule in ambiguity_rules():
        for start, end in rule.matcher.finditer(doc):
            line, column = doc.line_col(start)
            if doc.is_silenced(line, rule.id, rule.category):
                continue
            matched = doc.text[start:end]
            found.append(
                AmbiguityFinding(
                    rule_id=rule.id,
                    category=rule.category,
                    message=rule.message.replace("{match}", matched),
                    question=rule.question.replace("{match}", matched),
                    text=matched,
                    start=start,
                    end=end,
                    line=line,
                    column=column,
                )
            )
    found.sort(key=lambda f: (f.start, -f.end, f.rule_id))
    return _without_overlaps(found)


def _without_overlaps(found: list[AmbiguityFinding]) -> list[AmbiguityFinding]:
    kept: list[AmbiguityFinding] = []
    for item in found:
        if kept and item.start < kept[-1].end:
            continue
        kept.append(item)
    return kept


def lint(text: str, *, ambiguity: bool = True, min_severity: str = "suggestion") -> LintReport:
    """Lint a draft: trust-damaging phrases, and (unless turned off) vague terms as a separate group."""
    doc = Document(text)
    return LintReport(
        findings=find_trust_phrases(doc, min_severity),
        ambiguities=find_ambiguities(doc) if ambiguity else [],
    )
