"""The small rule-data files (promise patterns, the rehearsal script) load, join and validate as declared."""

from __future__ import annotations

from typing import get_args

import pytest

from assistant.checks.rule_data import compile_pattern, pattern_text, rule_data
from assistant.checks.ruleset import RuleError
from assistant.tasks import rehearsal, scope


def test_a_list_pattern_is_joined_as_alternatives_and_fragments_are_inserted() -> None:
    assert pattern_text(["a", "b{{x}}"], {"x": ["c", "d"]}) == "a|bc|d"
    assert compile_pattern([r"\bship\b", "launch"]).search("We SHIP it")


def test_an_unknown_fragment_or_a_bad_pattern_is_a_rule_error_naming_it() -> None:
    with pytest.raises(RuleError, match="unknown fragment"):
        pattern_text("a{{nope}}", {})
    with pytest.raises(RuleError, match="bad pattern"):
        compile_pattern("(unclosed")


def test_a_missing_rule_file_is_a_rule_error() -> None:
    with pytest.raises(RuleError, match=r"no-such-file\.yaml"):
        rule_data("no-such-file")


def test_promise_kinds_in_the_rule_file_are_consistency_kinds_with_an_explanation() -> None:
    data = rule_data("promises")
    kinds = set(get_args(scope.ConsistencyKind))
    assert set(data["promises"]) <= kinds
    assert set(data["explanations"]) == set(data["promises"])
    assert set(data["lint_kinds"].values()) <= kinds


def test_the_rehearsal_script_declares_every_persona_and_criterion_the_schemas_allow() -> None:
    data = rule_data("rehearsal")
    assert tuple(data["personas"]) == get_args(rehearsal.Persona)
    assert tuple(data["criteria"]) == get_args(rehearsal.Criterion)
    concerns = set(get_args(rehearsal.LeadConcern))
    fields = {frozenset(persona) for persona in data["personas"].values()}
    assert len(fields) == 1, "every persona has the same script fields"
    for persona in data["personas"].values():
        assert set(persona["agenda_order"]) <= concerns
        assert set(persona["agenda_order"]) - {"complexity"} == set(persona["agenda"])
        assert "{phrase}" in persona["pushback"]["minimizing"]
    assert set(data["topics"]) <= concerns


@pytest.mark.parametrize(
    ("line", "signal"),
    [
        ("I'll take the trade-off to the stakeholders myself.", "ownership"),
        ("We could drop the PDF export to make room.", "trade_offs"),
        ("Help me understand what the filters touch.", "questions"),
    ],
)
def test_the_signals_read_from_the_rule_file_still_hear_the_pm(line: str, signal: str) -> None:
    inp = scope.ScopeChangeInput(original="Reports page with CSV export.", change="Add per-team filters.")
    assert getattr(rehearsal.line_signals([line], inp), signal)


def test_promises_read_from_the_rule_file_still_catch_a_date_and_an_impact_promise() -> None:
    kinds = {p.kind for p in scope.find_promises("We will still ship by March 3 and it won't affect the timeline.")}
    assert {"date-promise", "impact-promise"} <= kinds
