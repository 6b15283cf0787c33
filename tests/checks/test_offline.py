"""The offline engine's rewrite and questions: whole-sentence repairs, every fact kept, slots only for what is
missing, one invitation, questions about this request."""

from __future__ import annotations

import re

import pytest

from assistant import analyze, lint
from assistant.checks.guards import find_dropped_facts, find_estimates, find_invented_claims
from assistant.checks.offline import INVITATION, REPORT_INVITATION, find_slots, rewrite
from assistant.checks.quality import check_quality
from assistant.schemas import QUESTION_CATEGORIES, PMContext

DRAFTS = [
    "Can we just add CSV export by March 15? Should be simple.",
    "Six weeks seems like a lot. Can we do it in three weeks instead?",
    "Just a minor tweak to the spec: exports should include archived projects. This shouldn't affect the timeline.",
    "I hear you, but the deadline doesn't change. We need it demo-ready by Thursday.",
    "The delay is because engineering underestimated the work. Quick question: can you look at it ASAP?",
    "How hard can it be to add SSO for Acme? It's just a button on the login page.",
    "Needs to be demo-ready by Thursday for the board, just make it look finished.",
    "Engineering underestimated the migration, so we missed the date. Can we do it in two weeks this time?",
    "Quick question: can we just add a CSV export to the reports page? Should be simple, finance needs it ASAP.",
]


def _rule_findings(text: str) -> list:
    findings = lint(text, ambiguity=False).findings
    return [f for f in findings if f.severity != "suggestion" and ".semantic" not in f.rule_id]


@pytest.mark.parametrize("draft", DRAFTS)
def test_every_rule_finding_is_repaired_or_left_visible_as_a_kept_sentence(draft):
    result = rewrite(draft)
    kept = [c.description for c in result.changes if c.description.startswith("Left ")]
    for finding in _rule_findings(result.text):
        assert any(finding.text in description for description in kept), finding


@pytest.mark.parametrize("draft", DRAFTS)
def test_offline_rewrite_keeps_every_fact_invents_none_and_passes_the_quality_check(draft):
    result = rewrite(draft)
    assert find_dropped_facts(result.text, draft) == []
    assert find_invented_claims(result.text, [draft]) == []
    assert {e.lower() for e in find_estimates(result.text)} <= {e.lower() for e in find_estimates(draft)}
    assert check_quality(result.text, draft) == []
    assert "(" not in result.text.split("\n\nContext")[0]


def test_the_pms_number_and_date_survive_the_repair():
    assert "two weeks" in rewrite(DRAFTS[7]).text
    assert "Thursday" in rewrite(DRAFTS[6]).text and "the board" in rewrite(DRAFTS[6]).text


def test_missing_context_becomes_visible_needs_slots():
    result = rewrite("Add CSV export. It is for the reports page.")
    assert result.slots == find_slots(result.text)
    assert any("who is asking" in slot for slot in result.slots)
    assert all(re.fullmatch(r"\[needs: [^\]]+\]", slot) for slot in result.slots)


def test_a_one_line_question_stays_short_unless_the_full_form_is_asked_for():
    short = rewrite("Can we add CSV export?")
    full = rewrite("Can we add CSV export?", form="full")
    assert len(short.slots) == 2 and len(full.slots) >= 5
    assert any("short form" in c.description for c in short.changes)


def test_no_slot_asks_whether_a_date_can_move_when_the_draft_says_it_cannot():
    result = rewrite("The deadline is fixed: Acme goes live on March 3. Can we add SSO? Who else should we ask?")
    assert "can the date move" not in result.text


def test_context_given_by_the_pm_fills_the_block_instead_of_a_slot():
    context = PMContext(who="Acme's finance team", problem="they rebuild the report by hand", deadline_flexible=True)
    result = rewrite("Add CSV export.", context)
    assert "Acme's finance team" in result.text
    assert not any("who is asking" in slot for slot in result.slots)
    assert "Whether the date can move: yes" in result.text


def test_one_invitation_only_when_the_draft_lacks_one_and_none_that_contradicts_it():
    assert INVITATION in rewrite("Add CSV export.").text
    invited = rewrite("Add CSV export. What am I missing, and is there a smaller version we could start with?")
    assert INVITATION not in invited.text
    assert REPORT_INVITATION in rewrite("The export is broken for Acme since Monday.").text
    assert INVITATION not in rewrite(DRAFTS[7]).text  # the repair already asks for a smaller version


def test_every_change_has_a_one_line_reason():
    result = rewrite(DRAFTS[2])
    assert result.changes
    for change in result.changes:
        assert change.description and change.reason and "\n" not in change.reason


def test_already_good_draft_is_not_made_worse():
    good = (
        "Acme's finance team asked for CSV export of invoices because they rebuild the report by hand every "
        "Friday. Their renewal is in April. 12 enterprise customers raised it last quarter. Success means "
        "export tickets drop by half. We'd like it by the end of March; the date can move. "
        "What am I missing, and is there a smaller version we could start with?"
    )
    result = rewrite(good)
    assert result.text.startswith(good)
    assert not [c for c in result.changes if c.description.startswith(("Rewrote", "Replaced", "Removed"))]


def test_questions_cover_the_review_categories_and_pass_the_linter():
    analysis = analyze("Sync deals with Salesforce in real time; existing accounts must be migrated. Make it fast.")
    categories = {q.category for q in analysis.questions}
    assert categories == set(QUESTION_CATEGORIES)
    for question in analysis.questions:
        assert "?" in question.text
        assert not _rule_findings(question.text)
        assert not find_estimates(question.text)


def test_questions_name_the_systems_customers_and_dates_of_the_draft():
    analysis = analyze("Sales just promised Acme SSO with Okta by March 3. Can we add it?")
    joined = " ".join(q.text for q in analysis.questions)
    assert "Okta" in joined and "Acme" in joined and "March 3" in joined
    assert "What parts of this are harder than they look from the outside?" not in joined
    assert find_invented_claims(joined, [analysis_draft := "Sales just promised Acme SSO with Okta by March 3."]) == []
    assert analysis_draft


def test_questions_are_open_and_do_not_quote_the_pms_trust_phrases():
    analysis = analyze(DRAFTS[0])
    joined = " ".join(q.text for q in analysis.questions).lower()
    assert "should be simple" not in joined and "can we just" not in joined


def test_analyze_exposes_every_pass():
    analysis = analyze(DRAFTS[0])
    assert analysis.findings and analysis.context and analysis.complexity and analysis.questions
    assert analysis.engine == "offline"


@pytest.mark.parametrize(
    "update",
    [
        "Yesterday: synced with Marco on the Zendesk widget. Today: acceptance criteria for ONB-412. Blockers: none.",
        "Re BILL-1043: agree with the 2-week estimate. Thanks for breaking down the proration edge cases.",
        "fyi the demo environment is down again, Nadia is looking at it. nothing needed from you.",
    ],
)
def test_an_update_gets_no_slots_and_no_invitation_but_says_why(update: str) -> None:
    result = rewrite(update)
    assert result.slots == [] and INVITATION not in result.text and REPORT_INVITATION not in result.text
    assert any("reads as an update" in c.description for c in result.changes)
    assert rewrite(update, form="full").slots  # the full form still asks for everything


@pytest.mark.parametrize(
    "request_text",
    [
        "Add CSV export to the reports page.",
        "The export is broken for Acme since Monday.",
        "Sprint 19 is locked. Elmstead's go-live is 3 Dec, so make it happen.",
        "We need SSO for Acme.",
    ],
)
def test_a_request_a_bug_report_or_pressure_still_gets_its_slots_or_invitation(request_text: str) -> None:
    result = rewrite(request_text)
    assert result.slots or INVITATION in result.text or REPORT_INVITATION in result.text
    assert not any("reads as an update" in c.description for c in result.changes)
