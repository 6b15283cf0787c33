"""The offline engine's rewrite and questions: repaired phrasing, visible slots, no invented facts."""

from __future__ import annotations

import re

import pytest

from assistant import analyze, lint
from assistant.checks.guards import find_estimates, find_invented_claims
from assistant.checks.offline import INVITATION, find_slots, rewrite
from assistant.schemas import QUESTION_CATEGORIES, PMContext

DRAFTS = [
    "Can we just add CSV export by March 15? Should be simple.",
    "Six weeks seems like a lot. Can we do it in three weeks instead?",
    "Just a minor tweak to the spec: exports should include archived projects. This shouldn't affect the timeline.",
    "I hear you, but the deadline doesn't change. We need it demo-ready by Thursday.",
    "The delay is because engineering underestimated the work. Quick question: can you look at it ASAP?",
    "How hard can it be to add SSO for Acme? It's just a button on the login page.",
]


@pytest.mark.parametrize("draft", DRAFTS)
def test_offline_rewrite_leaves_no_trust_damaging_phrase(draft):
    result = rewrite(draft)
    remaining = [f for f in lint(result.text, ambiguity=False).findings if f.severity != "suggestion"]
    assert not remaining, remaining


@pytest.mark.parametrize("draft", DRAFTS)
def test_offline_rewrite_invents_no_fact_and_no_estimate(draft):
    result = rewrite(draft)
    assert find_invented_claims(result.text, [draft]) == []
    assert {e.lower() for e in find_estimates(result.text)} <= {e.lower() for e in find_estimates(draft)}


def test_offline_rewrite_keeps_the_pms_facts():
    result = rewrite(DRAFTS[0])
    assert "CSV export" in result.text and "March 15" in result.text


def test_missing_context_becomes_visible_needs_slots():
    result = rewrite("Add CSV export.")
    assert result.slots == find_slots(result.text)
    assert any("who is asking" in slot for slot in result.slots)
    assert all(re.fullmatch(r"\[needs: [^\]]+\]", slot) for slot in result.slots)


def test_context_given_by_the_pm_fills_the_block_instead_of_a_slot():
    context = PMContext(who="Acme's finance team", problem="they rebuild the report by hand", deadline_flexible=True)
    result = rewrite("Add CSV export.", context)
    assert "Acme's finance team" in result.text
    assert not any("who is asking" in slot for slot in result.slots)
    assert "The date can move: yes" in result.text


def test_rewrite_adds_an_invitation_only_when_the_draft_lacks_one():
    assert INVITATION in rewrite("Add CSV export.").text
    invited = rewrite("Add CSV export. What am I missing, and is there a smaller version we could start with?")
    assert INVITATION not in invited.text


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
        assert not [f for f in lint(question.text, ambiguity=False).findings if f.severity != "suggestion"]
        assert not find_estimates(question.text)


def test_questions_are_open_and_do_not_quote_the_pms_trust_phrases():
    analysis = analyze(DRAFTS[0])
    joined = " ".join(q.text for q in analysis.questions).lower()
    assert "should be simple" not in joined and "can we just" not in joined


def test_analyze_exposes_every_pass():
    analysis = analyze(DRAFTS[0])
    assert analysis.findings and analysis.context and analysis.complexity and analysis.questions
    assert analysis.engine == "offline"
