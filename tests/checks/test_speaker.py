"""The speaker check: a writer sizing, rushing or changing their own work gets no finding of the checked categories;
the same words aimed at someone else's work still do."""

from __future__ import annotations

import pytest
import yaml

from assistant.checks.lint import find_trust_phrases, lint
from assistant.checks.ruleset import RULES_DIR

SPEAKER = yaml.safe_load((RULES_DIR / "speaker.yaml").read_text(encoding="utf-8"))
EXAMPLES = SPEAKER["examples"]
CHECKED = {c for group in SPEAKER["groups"] for c in group["categories"]}


@pytest.mark.parametrize("text", EXAMPLES["own_work"])
def test_own_work_is_not_a_trust_finding(text: str) -> None:
    assert not [f for f in lint(text, ambiguity=False).findings if f.category in CHECKED]


@pytest.mark.parametrize("text", EXAMPLES["not_own_work"])
def test_the_same_words_about_someone_elses_work_are_still_heard(text: str) -> None:
    unchecked = [f for f in find_trust_phrases(text) if f.category in CHECKED]
    assert unchecked, text


def test_a_sentence_that_hands_the_work_over_keeps_its_finding_in_an_own_work_message() -> None:
    text = "I'll draft the spec tonight. It's a quick fix, can you get it in today?"
    assert {f.category for f in find_trust_phrases(text)} == {"trivializing"}


def test_other_categories_are_not_exempt_in_an_own_work_message() -> None:
    text = "I'll take the notes. You guys said this would be done months ago."
    assert "blame" in {f.category for f in find_trust_phrases(text)}
