"""The trust-phrase linter and the ambiguity pass: phrases that cost a PM trust, and vague terms."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from assistant.checks.reasons import without_stated_reasons
from assistant.checks.ruleset import AmbiguityRule, TrustRule, ambiguity_rules, trust_rules
from assistant.checks.speaker import without_own_work
from assistant.schemas import SEVERITY_RANK, AmbiguityFinding, Finding, LintReport
from assistant.text.document import Document


def _document(text: str | Document) -> Document:
    return text if isinstance(text, Document) else Document(text)


def _text_order(finding: Finding) -> tuple[int, int, str]:
    return finding.start, -finding.end, finding.rule_id


def covers(findings: list[Finding], category: str, start: int, end: int) -> bool:
    """Whether a finding of `category` among `findings` overlaps the span start..end."""
    return any(f.category == category and f.start < end and start < f.end for f in findings)


def merge_findings(existing: list[Finding], added: list[Finding]) -> list[Finding]:
    """`existing` plus each of `added` that no existing finding of its category covers, in text order
    (how the semantic layer's and a model's findings join the rules')."""
    new = [a for a in added if not covers(existing, a.category, a.start, a.end)]
    return sorted([*existing, *new], key=_text_order)


def _unsilenced_matches(doc: Document, rule: TrustRule | AmbiguityRule) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each match of a rule not silenced by an ignore comment: its text and its span fields."""
    for start, end in rule.matcher.finditer(doc):
        line, column = doc.line_col(start)
        if not doc.is_silenced(line, rule.id, rule.category):
            matched = doc.text[start:end]
            yield matched, {"text": matched, "start": start, "end": end, "line": line, "column": column}


def find_trust_phrases(text: str | Document, min_severity: str = "suggestion") -> list[Finding]:
    """Every trust-damaging phrase, in text order, with spans, why it hurts and better wording."""
    doc = _document(text)
    floor = SEVERITY_RANK[min_severity]
    findings: list[Finding] = []
    for rule in trust_rules():
        if SEVERITY_RANK[rule.severity] < floor:
            continue
        for matched, span in _unsilenced_matches(doc, rule):
            findings.append(
                Finding(
                    rule_id=rule.id,
                    category=rule.category,
                    severity=rule.severity,
                    message=rule.message.replace("{match}", matched),
                    why=rule.why,
                    replacements=list(rule.replacements),
                    **span,
                )
            )
    findings.sort(key=_text_order)
    return without_stated_reasons(doc, without_own_work(doc, _first_per_span(findings)))


def _first_per_span(findings: list[Finding]) -> list[Finding]:
    """One finding per (category, span): two rules of a category hearing the same words report it once."""
    seen: set[tuple[str, int, int]] = set()
    kept = []
    for finding in findings:
        key = (finding.category, finding.start, finding.end)
        if key not in seen:
            seen.add(key)
            kept.append(finding)
    return kept


# A quoted phrase inside a clause: an opening quote after a space (not an apostrophe in "we'd") up to its close.
_QUOTED = re.compile(r"(?:(?<=\s)|^)['\"“‘][^'\"“”‘’\n]{2,150}?['\"”’](?=[\s.,;:!?)]|$)")


def find_semantic_trust(text: str | Document, existing: list[Finding]) -> list[Finding]:
    """Clauses the semantic layer puts in a trust category that no rule finding of that category covers.

    Each finding spans its clause, carries its category's message, why and replacements, severity
    `warning`, `source="semantic"` and the classifier's probability as `confidence`. Clauses in quotes,
    code or `>` quotes are skipped, as is a clause whose category's cue words are all inside a quotation
    in it; an ignore comment silences them like a rule. (Cue words are required only there: on blind14, held
    out from training, recall was 0.60 with them required everywhere and 0.64 like this, at equal precision.)"""
    from assistant.checks import semantic
    from assistant.checks.ruleset import trust_categories

    doc = _document(text)
    declared = trust_categories()
    found: list[Finding] = []
    for hit in semantic.classify_clauses("trust", semantic.clauses(doc)):
        clause, category = hit.clause, hit.label
        rule_id = f"{category}.semantic"
        line, column = doc.line_col(clause.start)
        if doc.is_silenced(line, rule_id, category) or category not in declared:
            continue
        unquoted = _QUOTED.sub(" ", clause.text)
        if unquoted != clause.text and not declared[category].cued(unquoted):
            continue  # the words the category rides on are all inside a quote ("they said 'it's just a button'")
        if covers(existing, category, clause.start, clause.end):
            continue
        entry = declared[category]
        found.append(
            Finding(
                rule_id=rule_id,
                category=category,
                severity="warning",
                message=entry.message,
                why=entry.why,
                replacements=list(entry.replacements),
                text=doc.text[clause.start : clause.end],
                start=clause.start,
                end=clause.end,
                line=line,
                column=column,
                source="semantic",
                confidence=round(hit.confidence, 3),
            )
        )
    return without_stated_reasons(doc, without_own_work(doc, found))


def find_ambiguities(text: str | Document) -> list[AmbiguityFinding]:
    """Vague terms an engineer must pin down before estimating, each with the question they will ask."""
    doc = _document(text)
    found: list[AmbiguityFinding] = []
    for rule in ambiguity_rules():
        for matched, span in _unsilenced_matches(doc, rule):
            found.append(
                AmbiguityFinding(
                    rule_id=rule.id,
                    category=rule.category,
                    message=rule.message.replace("{match}", matched),
                    question=rule.question.replace("{match}", matched),
                    **span,
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


def lint(
    text: str, *, ambiguity: bool = True, min_severity: str = "suggestion", semantic: bool | None = None
) -> LintReport:
    """Lint a draft: trust-damaging phrases (rules, then the semantic layer unless `semantic=False` or
    `ASSISTANT_SEMANTIC=false`), and (unless turned off) vague terms as a separate group."""
    from assistant.checks import semantic as semantic_layer

    doc = Document(text)
    findings = find_trust_phrases(doc, min_severity)
    if semantic_layer.enabled(semantic, len(text)) and SEVERITY_RANK["warning"] >= SEVERITY_RANK[min_severity]:
        findings = merge_findings(findings, find_semantic_trust(doc, findings))
    return LintReport(
        findings=findings,
        ambiguities=find_ambiguities(doc) if ambiguity else [],
    )
