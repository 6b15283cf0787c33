"""The context-gap check: which of who / problem / why now / evidence / success / deadline / invitation
a request carries, with the evidence span, and a question for each one that is missing. Never guesses."""

from __future__ import annotations

import re
from functools import cache

from assistant.checks.rule_data import rule_data
from assistant.checks.ruleset import context_rules
from assistant.schemas import ContextElement, ContextReport, PMContext
from assistant.text.document import Document

_CONTEXT_FIELDS = {
    "who": "who",
    "problem": "problem",
    "why-now": "why_now",
    "evidence": "evidence",
    "success": "success",
    "deadline": "deadline",
}


def check_context(text: str | Document, pm_context: PMContext | None = None) -> ContextReport:
    """Report each context element as present (quoting the draft or the PM's context) or missing."""
    doc = text if isinstance(text, Document) else Document(text)
    elements: list[ContextElement] = []
    for rule in context_rules():
        given = _given_in_context(pm_context, rule.element)
        if given:
            elements.append(ContextElement(element=rule.element, label=rule.label, present=True, evidence=given))
            continue
        hit = rule.matcher.first(doc)
        if hit is None and rule.element == "who":
            hit = named_who(doc)
        if hit is None:
            elements.append(
                ContextElement(element=rule.element, label=rule.label, present=False, question=rule.question)
            )
            continue
        s_start, s_end = doc.sentence_at(hit[0])
        evidence = doc.text[s_start:s_end].strip() if s_end - s_start <= 240 else doc.text[hit[0] : hit[1]]
        elements.append(
            ContextElement(
                element=rule.element,
                label=rule.label,
                present=True,
                evidence=evidence,
                start=hit[0],
                end=hit[1],
            )
        )
    return ContextReport(elements=elements)


_NAME = r"[A-Z][\w&.-]*[A-Za-z0-9](?: (?:[A-Z][\w&.-]*[A-Za-z0-9]|&))?(?: [A-Z][\w&.-]*[A-Za-z0-9])?"


@cache
def _name_patterns() -> tuple[tuple[re.Pattern[str], ...], frozenset[str]]:
    raw = rule_data("context_names")
    patterns = tuple(re.compile(p.replace("{NAME}", f"(?P<name>{_NAME})")) for p in raw["cased_patterns"])
    return patterns, frozenset(raw["not_names"])


def not_a_name() -> frozenset[str]:
    """Capitalised words that are not a who (days, months, tools, question words): `not_names`."""
    return _name_patterns()[1]


@cache
def _alternation(key: str) -> re.Pattern[str]:
    """One pattern matching any entry of the `key` list of `rules/context_names.yaml`."""
    return re.compile("|".join(f"(?:{p})" for p in rule_data("context_names")[key]))


def not_a_system() -> re.Pattern[str]:
    """Capitalised names that are not systems (teams, sections, languages, places): `not_systems`, matched
    against the whole name."""
    return _alternation("not_systems")


def not_an_integration() -> re.Pattern[str]:
    """Languages, formats and generic tools that are not a third-party system: `not_integrations`."""
    return _alternation("not_integrations")


_OPENS_SENTENCE_OR_LINE = re.compile(r"(?:[.!?:;]\s+|\n\s*(?:[-*•]\s*)?)$")


def capitalised_by_place(text: str, at: int) -> bool:
    """Whether the word at `at` opens the text, a sentence or a line, so its capital says nothing of a name."""
    before = text[:at]
    return not before.strip() or bool(_OPENS_SENTENCE_OR_LINE.search(before))


def named_who(doc: Document) -> tuple[int, int] | None:
    """The first named customer, team or person in the draft (case-sensitive, `rules/context_names.yaml`)."""
    patterns, not_names = _name_patterns()
    best: tuple[int, int] | None = None
    for pattern in patterns:
        for match in pattern.finditer(doc.text):
            name = match.groupdict().get("name")
            if name is not None and (name.split()[0] in not_names or name in not_names):
                continue
            if doc.is_skipped(match.start(), match.end()):
                continue
            if best is None or match.start() < best[0]:
                best = match.span()
            break
    return best


def _given_in_context(pm_context: PMContext | None, element: str) -> str | None:
    if pm_context is None or element not in _CONTEXT_FIELDS:
        return None
    value = getattr(pm_context, _CONTEXT_FIELDS[element])
    return value.strip() if value and value.strip() else None
