"""The rule files are data with examples: every rule is valid, complete, and its examples hold."""

from __future__ import annotations

from collections import Counter

import pytest

from assistant.lint import lint
from assistant.ruleset import ambiguity_rules, complexity_rules, context_rules, trust_rules
from assistant.schemas import COMPLEXITY_CATEGORIES, CONTEXT_ELEMENT_IDS
from assistant.textutil import Document

REQUIRED_TRUST_CATEGORIES = {
    "trivializing",
    "estimate-pressure",
    "deadline-rigidity",
    "minimizing-change",
    "blame",
    "demo-pressure",
    "interruption",
}

TRUST = {r.id: r for r in trust_rules()}
AMBIGUITY = {r.id: r for r in ambiguity_rules()}
COMPLEXITY = {r.category: r for r in complexity_rules()}


def _hits(rule, sentence: str) -> list[str]:
    return [sentence[s:e] for s, e in rule.matcher.finditer(Document(sentence))]


def test_every_trust_category_has_at_least_three_rules_or_patterns():
    patterns_per_category: Counter[str] = Counter()
    for rule in trust_rules():
        patterns_per_category[rule.category] += len(rule.patterns)
    assert set(patterns_per_category) >= REQUIRED_TRUST_CATEGORIES
    for category in REQUIRED_TRUST_CATEGORIES:
        assert patterns_per_category[category] >= 3, category


def test_rule_ids_are_unique_and_prefixed_by_their_category():
    ids = [r.id for r in trust_rules()] + [r.id for r in ambiguity_rules()]
    assert len(ids) == len(set(ids))
    for rule in [*trust_rules(), *ambiguity_rules()]:
        assert rule.id.startswith(rule.category + ".")


def test_complexity_taxonomy_covers_every_required_category():
    assert set(COMPLEXITY) == set(COMPLEXITY_CATEGORIES)


def test_context_rules_cover_every_element():
    assert [r.element for r in context_rules()] == list(CONTEXT_ELEMENT_IDS)


@pytest.mark.parametrize("rule_id", sorted(TRUST))
def test_trust_rule_flags_its_should_flag_examples(rule_id):
    rule = TRUST[rule_id]
    for sentence in rule.examples.flag:
        assert _hits(rule, sentence), f"{rule_id} should flag: {sentence}"


@pytest.mark.parametrize("rule_id", sorted(TRUST))
def test_trust_rule_is_silent_on_its_should_not_flag_examples(rule_id):
    rule = TRUST[rule_id]
    for sentence in rule.examples.ok:
        assert not _hits(rule, sentence), f"{rule_id} should not flag: {sentence}"


@pytest.mark.parametrize("rule_id", sorted(TRUST))
def test_trust_rule_replacements_and_fix_pass_the_linter(rule_id):
    rule = TRUST[rule_id]
    for text in [*rule.replacements, rule.fix.with_]:
        errors = [f for f in lint(text, ambiguity=False).findings if f.severity != "suggestion"]
        assert not errors, f"{rule_id} suggests wording the linter flags: {text!r} -> {errors}"


@pytest.mark.parametrize("rule_id", sorted(AMBIGUITY))
def test_ambiguity_rule_examples_hold(rule_id):
    rule = AMBIGUITY[rule_id]
    for sentence in rule.examples.flag:
        assert _hits(rule, sentence), f"{rule_id} should flag: {sentence}"
    for sentence in rule.examples.ok:
        assert not _hits(rule, sentence), f"{rule_id} should not flag: {sentence}"


@pytest.mark.parametrize("category", sorted(COMPLEXITY))
def test_complexity_rule_examples_hold(category):
    rule = COMPLEXITY[category]
    for sentence in rule.examples.flag:
        assert _hits(rule, sentence), f"{category} should flag: {sentence}"
    for sentence in rule.examples.ok:
        assert not _hits(rule, sentence), f"{category} should not flag: {sentence}"


@pytest.mark.parametrize("rule", context_rules(), ids=lambda r: r.element)
def test_context_rule_examples_hold(rule):
    for sentence in rule.examples.present:
        assert list(rule.matcher.finditer(Document(sentence))), f"{rule.element} should be present: {sentence}"
    for sentence in rule.examples.missing:
        assert not list(rule.matcher.finditer(Document(sentence))), f"{rule.element} is not in: {sentence}"


@pytest.mark.parametrize("category", sorted(COMPLEXITY))
def test_complexity_wording_is_hedged_and_never_estimates(category):
    from assistant.guards import find_estimates

    rule = COMPLEXITY[category]
    assert any(word in rule.why.lower() for word in ("often", "may", "might", "can ")), rule.why
    assert rule.question.rstrip().endswith("?")
    for text in (rule.why, rule.question, rule.smaller_version):
        assert not find_estimates(text), text


def test_a_rule_with_upper_case_pattern_is_rejected():
    from assistant.ruleset import RuleError, TrustRule

    with pytest.raises((RuleError, ValueError)):
        TrustRule.model_validate(
            {
                "id": "x.y",
                "category": "x",
                "severity": "error",
                "message": "m",
                "why": "w",
                "replacements": ["r"],
                "fix": {"action": "drop-sentence"},
                "patterns": ["Should Be Simple"],
                "examples": {"flag": ["a"], "ok": ["b"]},
            }
        )


def test_a_rule_without_should_not_flag_examples_is_rejected():
    from assistant.ruleset import TrustRule

    with pytest.raises(ValueError):
        TrustRule.model_validate(
            {
                "id": "x.y",
                "category": "x",
                "severity": "error",
                "message": "m",
                "why": "w",
                "replacements": ["r"],
                "fix": {"action": "drop-sentence"},
                "patterns": ["simple"],
                "examples": {"flag": ["simple"], "ok": []},
            }
        )
