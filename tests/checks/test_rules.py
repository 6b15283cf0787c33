"""The rule files are data with examples: every rule is valid, complete, and its examples hold."""

from __future__ import annotations

from collections import Counter

import pytest

from assistant.checks.lint import lint
from assistant.checks.ruleset import ambiguity_rules, complexity_rules, context_rules, trust_rules
from assistant.schemas import COMPLEXITY_CATEGORIES, CONTEXT_ELEMENT_IDS
from assistant.text.document import Document

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
    suggested = rule.fix.with_ if rule.fix.action != "delete-words" else ""  # delete-words holds a word list
    for text in [t for t in (*rule.replacements, suggested) if t]:
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
    """Each complexity category flags its examples and stays silent on its `ok` ones, through the rules-only
    check a user gets (the cosmetic-request gate included)."""
    from assistant.checks.complexity import find_complexity

    rule = COMPLEXITY[category]
    for sentence in rule.examples.flag:
        assert _hits(rule, sentence), f"{category} should flag: {sentence}"
    for sentence in rule.examples.ok:
        found = {f.category for f in find_complexity(sentence, semantic=False)}
        assert category not in found, f"{category} should not flag: {sentence}"


def test_cosmetic_requests_hide_no_complexity_and_real_work_is_not_cosmetic():
    from assistant.checks.ruleset import cosmetic_rule

    rule = cosmetic_rule()
    assert all(rule.matches(s) for s in rule.cosmetic), [s for s in rule.cosmetic if not rule.matches(s)]
    assert not any(rule.matches(s) for s in rule.not_cosmetic), [s for s in rule.not_cosmetic if rule.matches(s)]


def test_named_customers_teams_and_people_count_as_who():
    import yaml

    from assistant.checks.context import check_context
    from assistant.checks.ruleset import RULES_DIR

    examples = yaml.safe_load((RULES_DIR / "context_names.yaml").read_text(encoding="utf-8"))["examples"]
    for text in examples["present"]:
        who = next(e for e in check_context(text).elements if e.element == "who")
        assert who.present, text
    for text in examples["missing"]:
        who = next(e for e in check_context(text).elements if e.element == "who")
        assert not who.present, (text, who.evidence)


@pytest.mark.parametrize("rule", context_rules(), ids=lambda r: r.element)
def test_context_rule_examples_hold(rule):
    for sentence in rule.examples.present:
        assert list(rule.matcher.finditer(Document(sentence))), f"{rule.element} should be present: {sentence}"
    for sentence in rule.examples.missing:
        assert not list(rule.matcher.finditer(Document(sentence))), f"{rule.element} is not in: {sentence}"


@pytest.mark.parametrize("category", sorted(COMPLEXITY))
def test_complexity_wording_is_hedged_and_never_estimates(category):
    from assistant.checks.guards import find_estimates

    rule = COMPLEXITY[category]
    assert any(word in rule.why.lower() for word in ("often", "may", "might", "can ")), rule.why
    assert rule.question.rstrip().endswith("?")
    for text in (rule.why, rule.question, rule.smaller_version):
        assert not find_estimates(text), text


def _trust_rule(**overrides):
    from assistant.checks.ruleset import TrustRule, parse_rule

    raw = {
        "id": "x.y",
        "category": "x",
        "severity": "error",
        "message": "m",
        "why": "w",
        "replacements": ["r"],
        "fix": {"action": "drop-sentence"},
        "patterns": ["simple"],
        "examples": {"flag": ["simple"], "ok": ["fine"]},
    }
    raw.update(overrides)
    return parse_rule(TrustRule, raw)


def test_a_valid_rule_parses():
    rule = _trust_rule()
    assert rule.fix.action == "drop-sentence" and rule.patterns == ("simple",)


def test_a_rule_with_upper_case_pattern_is_rejected():
    from assistant.checks.ruleset import RuleError

    with pytest.raises(RuleError, match="lower case"):
        _trust_rule(patterns=["Should Be Simple"])


def test_a_rule_without_should_not_flag_examples_is_rejected():
    from assistant.checks.ruleset import RuleError

    with pytest.raises(RuleError, match="at least one"):
        _trust_rule(examples={"flag": ["simple"], "ok": []})


def test_a_rule_with_unknown_field_or_bad_severity_is_rejected():
    from assistant.checks.ruleset import RuleError

    with pytest.raises(RuleError, match="unknown field"):
        _trust_rule(colour="red")
    with pytest.raises(RuleError, match="severity"):
        _trust_rule(severity="fatal")


def test_parsed_rules_are_cached_by_file_hash_and_rebuilt_when_the_file_changes(tmp_path, monkeypatch):
    import shutil

    import yaml

    from assistant.checks import ruleset

    rules_dir = tmp_path / "rules"
    shutil.copytree(ruleset.RULES_DIR, rules_dir)
    monkeypatch.setattr(ruleset, "RULES_DIR", rules_dir)
    monkeypatch.setenv("ASSISTANT_CACHE_DIR", str(tmp_path / "cache"))
    first = ruleset._load_raw("trust/trivializing.yaml")
    assert len(list((tmp_path / "cache" / "rules").glob("trust-trivializing-*.json"))) == 1

    def no_yaml(*args, **kwargs):
        raise AssertionError("YAML parsed although the cache is fresh")

    monkeypatch.setattr(yaml, "load", no_yaml)
    assert ruleset._load_raw("trust/trivializing.yaml") == first
    monkeypatch.undo()
    monkeypatch.setattr(ruleset, "RULES_DIR", rules_dir)
    monkeypatch.setenv("ASSISTANT_CACHE_DIR", str(tmp_path / "cache"))
    edited = rules_dir / "trust" / "trivializing.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("quick wins?", "quick wins?x", 1), encoding="utf-8")
    assert ruleset._load_raw("trust/trivializing.yaml") != first
    assert len(list((tmp_path / "cache" / "rules").glob("trust-trivializing-*.json"))) == 1  # the old one is gone


def test_the_cache_holds_the_literals_of_the_patterns_as_matched_so_a_cached_load_derives_none(tmp_path, monkeypatch):
    from assistant.checks import ruleset

    monkeypatch.setenv("ASSISTANT_CACHE_DIR", str(tmp_path / "cache"))
    raw = ruleset._load_raw("trust/trivializing.yaml")  # writes the cache
    monkeypatch.setattr(ruleset, "_LITERALS", {})
    assert ruleset._load_raw("trust/trivializing.yaml") == raw  # reads it back into _LITERALS
    matched = {ruleset.tolerate_missing_apostrophes(p) for rule in raw for p in rule.get("patterns", [])}
    assert any("'?" in p for p in matched)  # the apostrophe-tolerant forms, not the file's spelling
    assert matched <= set(ruleset._LITERALS)


def test_an_unwritable_cache_dir_still_loads_the_rules(tmp_path, monkeypatch):
    from assistant.checks import ruleset

    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_CACHE_DIR", str(blocker))
    assert ruleset._load_raw("ambiguity.yaml")


def test_a_remark_beside_a_cosmetic_request_hides_no_complexity_but_a_second_request_still_does():
    from assistant.checks.complexity import find_complexity

    assert find_complexity("Could we rename the 'Bin' item to 'Trash'? Our US customers find 'Bin' odd.") == []
    assert find_complexity("can we add more padding on the pricing cards? they feel cramped on laptop screens") == []
    flagged = find_complexity("Rename the 'Bin' item to 'Trash'. Also sync the trash folder with Google Drive.")
    assert "integration" in {f.category for f in flagged}


def test_a_request_read_as_trivial_keeps_no_guess_of_the_semantic_layer_about_its_remarks():
    from assistant.checks.complexity import find_complexity

    title_fix = "Minor: the title says 'Web hooks' while the menu says 'Webhooks'. Would be nice if they matched."
    assert find_complexity(title_fix) == []
    amber = "the maintenance banner is bright red but its just info, can it be amber? people are panicking"
    assert find_complexity(amber) == []


def test_a_sentence_that_only_counts_how_often_something_happens_hides_no_complexity():
    from assistant.checks.complexity import find_complexity

    help_text = "Could the help text say 'Enter area in hectares' instead? We get a couple of support tickets a week."
    assert find_complexity(help_text) == []
    swapped = "On the change order screen, swap 'Approve' and 'Reject'. Our PMs hit Reject by mistake 3 times."
    assert find_complexity(swapped) == []
