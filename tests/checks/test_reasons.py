"""The stated-reason check: urgency that says why (an outage, exposed data, an expiring certificate, a legal
or money impact) gets no interruption finding; the same urgency with no reason still does."""

from __future__ import annotations

import pytest
import yaml

from assistant.checks.lint import find_trust_phrases
from assistant.checks.ruleset import RULES_DIR

EXAMPLES = yaml.safe_load((RULES_DIR / "urgency_reasons.yaml").read_text(encoding="utf-8"))["examples"]


def _interruptions(text: str) -> list[str]:
    return [f.text for f in find_trust_phrases(text) if f.category == "interruption"]


@pytest.mark.parametrize("text", EXAMPLES["reason_given"])
def test_urgency_with_a_stated_impact_is_not_unexplained(text: str) -> None:
    assert not _interruptions(text)


@pytest.mark.parametrize("text", EXAMPLES["no_reason"])
def test_urgency_without_a_reason_is_still_heard(text: str) -> None:
    assert _interruptions(text), text


def test_a_reason_two_sentences_away_does_not_excuse_the_urgency() -> None:
    text = "Checkout is down for EU customers. Payments is on it. Separately, I need the Q3 deck numbers ASAP."
    assert _interruptions(text)


def test_a_requesters_elapsed_time_pressure_stays_pressure_whatever_the_impact() -> None:
    text = "Login is broken for all our users. It's been 4 months since I reported this. Any update at all??"
    rule_ids = {f.rule_id for f in find_trust_phrases(text) if f.category == "interruption"}
    assert rule_ids == {"interruption.elapsed-time"}
