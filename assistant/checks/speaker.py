"""The speaker check: a writer sizing or rushing their own work is not a trust finding (`rules/speaker.yaml`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from assistant.checks.rule_data import rule_data
from assistant.checks.ruleset import RuleError
from assistant.schemas import Finding
from assistant.text.document import Document


@dataclass(frozen=True)
class SpeakerRule:
    categories: frozenset[str]
    own_work: tuple[re.Pattern[str], ...]
    addressed: tuple[re.Pattern[str], ...]

    def own_work_message(self, doc: Document) -> bool:
        """Whether the writer takes on or reports their own work somewhere in the message."""
        return any(p.search(doc.folded) for p in self.own_work)

    def hands_off(self, doc: Document, offset: int) -> bool:
        """Whether the sentence at `offset` hands the work to someone else (you, eng, can we…)."""
        start, end = doc.sentence_at(offset)
        return any(p.search(doc.folded, start, end) for p in self.addressed)


@cache
def speaker_rule() -> SpeakerRule:
    """The speaker rule, compiled once."""
    raw = rule_data("speaker")
    try:

        def compiled(key: str) -> tuple[re.Pattern[str], ...]:
            return tuple(re.compile(rf"(?<![\w'-])(?:{p})(?![\w'-])", re.M) for p in raw[key])

        return SpeakerRule(frozenset(raw["categories"]), compiled("own_work"), compiled("addressed"))
    except (KeyError, TypeError, re.error) as exc:
        raise RuleError(f"speaker.yaml: {exc}") from None


def without_own_work(doc: Document, findings: list[Finding]) -> list[Finding]:
    """The findings minus those of the rule's categories in a message about the writer's own work, in a
    sentence that does not hand the work to anyone else."""
    rule = speaker_rule()
    if not any(f.category in rule.categories for f in findings) or not rule.own_work_message(doc):
        return findings
    return [f for f in findings if f.category not in rule.categories or rule.hands_off(doc, f.start)]
