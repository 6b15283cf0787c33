"""The stated-reason check: urgency that says why (an outage, exposed data, an expiring certificate, a legal
or money impact) gets no interruption finding, and a firm date that opens the trade-off no deadline finding;
the same words with nothing beside them still do."""

from __future__ import annotations

import pytest
import yaml

from assistant.checks.lint import find_trust_phrases
from assistant.checks.ruleset import RULES_DIR

RULES = yaml.safe_load((RULES_DIR / "stated_reasons.yaml").read_text(encoding="utf-8"))
CASES = [(c, kind, t) for c, entry in RULES.items() for kind, texts in entry["examples"].items() for t in texts]


def _interruptions(text: str) -> list[str]:
    return [f.text for f in find_trust_phrases(text) if f.category == "interruption"]


@pytest.mark.parametrize(("category", "text"), [(c, t) for c, kind, t in CASES if kind == "reason_given"])
def test_a_stated_reason_beside_the_phrase_makes_it_fair(category: str, text: str) -> None:
    assert category not in {f.category for f in find_trust_phrases(text)}


@pytest.mark.parametrize(("category", "text"), [(c, t) for c, kind, t in CASES if kind == "no_reason"])
def test_the_phrase_without_a_reason_is_still_heard(category: str, text: str) -> None:
    assert category in {f.category for f in find_trust_phrases(text)}, text


def test_a_reason_two_sentences_away_does_not_excuse_the_urgency() -> None:
    text = "Checkout is down for EU customers. Payments is on it. Separately, I need the Q3 deck numbers ASAP."
    assert _interruptions(text)


def test_a_requesters_elapsed_time_pressure_stays_pressure_whatever_the_impact() -> None:
    text = "Login is broken for all our users. It's been 4 months since I reported this. Any update at all??"
    rule_ids = {f.rule_id for f in find_trust_phrases(text) if f.category == "interruption"}
    assert rule_ids == {"interruption.elapsed-time"}
