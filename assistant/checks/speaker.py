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
class OwnWorkGroup:
    """Categories a message about the writer's own work is exempt from, and the patterns that mark one."""

    categories: frozenset[str]
    own_work: tuple[re.Pattern[str], ...]

    def own_work_message(self, doc: Document) -> bool:
        """Whether the writer takes on or reports their own work somewhere in the message."""
        return any(p.search(doc.folded) for p in self.own_work)


@dataclass(frozen=True)
class SpeakerRule:
    groups: tuple[OwnWorkGroup, ...]
    addressed: tuple[re.Pattern[str], ...]
    not_addressed: tuple[re.Pattern[str], ...] = ()

    @property
    def categories(self) -> frozenset[str]:
        """Every category some group exempts."""
        return frozenset().union(*(g.categories for g in self.groups))

    def exempt_categories(self, doc: Document) -> frozenset[str]:
        """The categories whose findings this message's own-work markers exempt."""
        return frozenset().union(*(g.categories for g in self.groups if g.own_work_message(doc)))

    def hands_off(self, doc: Document, offset: int) -> bool:
        """Whether the sentence at `offset` hands the work to someone else (you, eng, can we…).

        Words that name someone without handing them anything ("the ticket you sent", "nothing for your
        team", `not_addressed`) do not count."""
        start, end = doc.sentence_at(offset)
        sentence = doc.folded[start:end]
        for group in self.groups:  # "Dev here:" marks the writer, it does not hand the work to a dev
            for pattern in group.own_work:
                sentence = pattern.sub(lambda m: " " * len(m.group(0)), sentence)
        for pattern in self.not_addressed:  # "the ticket you sent", "to you by 5"
            sentence = pattern.sub(lambda m: " " * len(m.group(0)), sentence)
        return any(p.search(sentence) for p in self.addressed)


@cache
def speaker_rule() -> SpeakerRule:
    """The speaker rule, compiled once."""
    raw = rule_data("speaker")
    try:

        def compiled(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
            return tuple(re.compile(rf"(?<![\w'-])(?:{p})(?![\w'-])", re.M) for p in patterns)

        groups = tuple(
            OwnWorkGroup(frozenset(group["categories"]), compiled(group["own_work"])) for group in raw["groups"]
        )
        return SpeakerRule(groups, compiled(raw["addressed"]), compiled(raw.get("not_addressed") or []))
    except (KeyError, TypeError, re.error) as exc:
        raise RuleError(f"speaker.yaml: {exc}") from None


def without_own_work(doc: Document, findings: list[Finding]) -> list[Finding]:
    """The findings minus those of the rule's categories in a message about the writer's own work, in a
    sentence that does not hand the work to anyone else."""
    rule = speaker_rule()
    if not any(f.category in rule.categories for f in findings):
        return findings
    exempt = rule.exempt_categories(doc)
    if not exempt:
        return findings
    return [f for f in findings if f.category not in exempt or rule.hands_off(doc, f.start)]
