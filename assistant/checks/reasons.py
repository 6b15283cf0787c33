"""The stated-reason check: a phrase made fair by what sits beside it (`rules/stated_reasons.yaml`): urgency
that says why is not unexplained urgency; a firm date that opens the trade-off is not closing it down."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from assistant.checks.rule_data import rule_data
from assistant.checks.ruleset import RuleError
from assistant.schemas import Finding
from assistant.text.document import Document


@dataclass(frozen=True)
class ReasonRule:
    """One category's fair-making context: the patterns, and the rules whose findings stay regardless."""

    reasons: tuple[re.Pattern[str], ...]
    keep_rules: frozenset[str]

    def excuses(self, doc: Document, finding: Finding) -> bool:
        """Whether the finding's sentence, or the one just before or after it, states a reason."""
        if finding.rule_id in self.keep_rules:
            return False
        start, end = doc.sentence_window(finding.start)
        return any(p.search(doc.folded, start, end) for p in self.reasons)


@cache
def reason_rules() -> dict[str, ReasonRule]:
    """The stated-reason rules by category, compiled once."""
    raw = rule_data("stated_reasons")
    try:
        return {
            category: ReasonRule(
                tuple(re.compile(rf"(?<![\w'-])(?:{p})(?![\w'-])") for p in entry["reasons"]),
                frozenset(entry.get("keep_rules") or ()),
            )
            for category, entry in raw.items()
        }
    except (AttributeError, KeyError, TypeError, re.error) as exc:
        raise RuleError(f"stated_reasons.yaml: {exc}") from None


def without_stated_reasons(doc: Document, findings: list[Finding]) -> list[Finding]:
    """The findings minus those whose neighbourhood states what makes them fair."""
    rules = reason_rules()
    if not any(f.category in rules for f in findings):
        return findings
    return [f for f in findings if f.category not in rules or not rules[f.category].excuses(doc, f)]
