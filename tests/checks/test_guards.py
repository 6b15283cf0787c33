"""Guards over model output: trust phrases repaired, invented claims slotted, estimates removed."""

from __future__ import annotations

from assistant.checks.guards import find_estimates, find_invented_claims, guard_text

DRAFT = "Can we add CSV export for the finance team by March 15? 40% of admins export weekly."


def test_estimates_in_many_forms_are_found():
    text = "This takes 2 weeks, maybe 3-4 days, a couple of sprints, 5 story points, or an afternoon or two."
    found = [e.lower() for e in find_estimates(text)]
    for expected in ("2 weeks", "3-4 days", "a couple of sprints", "5 story points"):
        assert expected in found, (expected, found)


def test_text_without_estimates_has_none():
    assert not find_estimates("What is driving the complexity? Is there a smaller version we could ship first?")


def test_numbers_dates_and_names_from_the_draft_are_not_invented():
    output = "The finance team needs CSV export by March 15; 40% of admins export weekly."
    assert find_invented_claims(output, [DRAFT]) == []


def test_new_numbers_dates_money_and_names_are_invented_claims():
    output = "Acme Corp has 500 users, pays $20,000 and needs it by April 2 on Postgres."
    claims = find_invented_claims(output, [DRAFT])
    for claim in ("Acme Corp", "500", "$20,000", "April 2", "Postgres"):
        assert claim in claims, (claim, claims)


def test_numbers_are_matched_across_formatting():
    assert find_invented_claims("It has 10,000 rows.", ["up to 10000 rows"]) == []


def test_slots_and_redaction_placeholders_are_not_claims():
    output = "Who asked? [needs: who is asking for Q3?] Contact [EMAIL_1]."
    assert find_invented_claims(output, [""]) == []


def test_guard_repairs_trust_phrases_estimates_and_invented_claims():
    output = "Hi team, Acme needs CSV export by March 15. It should be simple and will take 2 weeks."
    repaired, findings = guard_text(output, [DRAFT], field="text")
    guards = {f.guard for f in findings}
    assert guards == {"trust-phrase", "estimate", "invented-claim"}
    assert "should be simple" not in repaired.lower()
    assert "2 weeks" not in repaired
    assert '[needs: source for "Acme"]' in repaired
    assert "March 15" in repaired


def test_guard_in_report_mode_leaves_the_text_alone():
    output = "It will take 2 weeks."
    text, findings = guard_text(output, [DRAFT], repair=False)
    assert text == output and findings[0].action == "reported"


def test_estimate_written_by_the_pm_is_not_a_model_estimate():
    draft = "Is there a smaller version we could ship in three weeks?"
    _, findings = guard_text("Could a smaller version ship in three weeks?", [draft])
    assert not [f for f in findings if f.guard == "estimate"]
