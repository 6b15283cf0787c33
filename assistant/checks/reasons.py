"""The stated-reason check: urgency that says why is not unexplained urgency (`rules/urgency_reasons.yaml`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from assistant.checks.rule_data import rule_data
from assistant.checks.ruleset import RuleError
from assistant.schemas import Finding
from assistant.text.document import Document

CATEGORY = "interruption"


@dataclass(frozen=True)
class ReasonRule:
    reasons: tuple[re.Pattern[str], ...]
    keep_rules: frozenset[str]

    def reason_near(self, doc: Document, offset: int) -> bool:
        """Whether the sentence at `offset`, or the one just before or after it, states an impact."""
        start, end = doc.sentence_window(offset)
        return any(p.search(doc.folded, start, end) for p in self.reasons)


@cache
def reason_rule() -> ReasonRule:
    """The stated-reason rule, compiled once."""
    raw = rule_data("urgency_reasons")
    try:
        reasons = tuple(re.compile(rf"(?<![\w'-])(?:{p})(?![\w'-])") for p in raw["reasons"])
        return ReasonRule(reasons, frozenset(raw.get("keep_rules") or ()))
    except (KeyError, TypeError, re.error) as exc:
        raise RuleError(f"urgency_reasons.yaml: {exc}") from None


def without_stated_reasons(doc: Document, findings: list[Finding]) -> list[Finding]:
    """The findings minus interruption findings whose neighbourhood says why the work is urgent."""
    if not any(f.category == CATEGORY for f in findings):
        return findings
    rule = reason_rule()
    return [
        f
        for f in findings
        if f.category != CATEGORY or f.rule_id in rule.keep_rules or not rule.reason_near(doc, f.start)
    ]
