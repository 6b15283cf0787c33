"""The text-quality check: punctuation debris, brackets, capitals, fragments and dropped facts."""

from __future__ import annotations

import pytest

from assistant.checks.offline import rewrite
from assistant.checks.quality import check_quality, sentence_problems


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Hey team — when you have a moment:. Sales promised Acme.", "doubled-punctuation"),
        ("What could we show (Needs to be Thursday for the board, just?", "unbalanced-brackets"),
        ("We need it. then we ship.", "lowercase-start"),
        ("Could we add it to the report and.", "fragment"),
        ("Can we add it , please?", "dangling-punctuation"),
        ("Good. Just.", "fragment"),
    ],
)
def test_edit_debris_is_found(text, kind):
    assert kind in {f.kind for f in sentence_problems(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Hi Sam,\n\nCould we add CSV export by March 15? Acme needs it.",
        "Context\n- Who needs it: [needs: who is asking for this, and who will use it?]",
        "See https://example.com/a.b?c=d, e.g. the export. Thanks.",
        "What would fit in three weeks, and what would we leave out?",
        "Dr. Okafor asked for it at Monday's steering meeting. Ms. Lee agreed.",
    ],
)
def test_clean_text_has_no_finding(text):
    assert sentence_problems(text) == []


def test_a_dropped_fact_is_a_quality_finding():
    found = check_quality("Could we add CSV export?", "Could we add CSV export for Acme by March 15?")
    assert {f.text for f in found if f.kind == "dropped-fact"} == {"Acme", "March 15"}


def test_the_pms_own_writing_kept_as_is_is_not_the_rewrites_finding():
    draft = "So the fix introduced two new bugs. Great."
    assert check_quality(draft, draft) == []


@pytest.mark.parametrize(
    "draft",
    [
        "Needs to be demo-ready by Thursday for the board, just make it look finished.",
        "Engineering underestimated the migration, so we missed the date. Can we do it in two weeks this time?",
        "Quick question: can we just add a CSV export to the reports page? Should be simple, finance needs it ASAP.",
        "Hey team — quick question. Sales just promised Acme SSO with Okta by March 3.",
    ],
)
def test_offline_rewrites_of_the_issue_drafts_pass_the_quality_check(draft):
    assert check_quality(rewrite(draft).text, draft) == []


@pytest.mark.parametrize("text", ["It's a of events.", "Hey can you rn?", "Its a right?"])
def test_words_an_edit_orphaned_are_a_fragment(text: str) -> None:
    assert any(f.kind == "fragment" for f in sentence_problems(text))


@pytest.mark.parametrize("text", ["It's a table of events.", "Can you look at it now?", "We picked the one for Acme."])
def test_whole_sentences_with_articles_and_requests_are_not_fragments(text: str) -> None:
    assert not sentence_problems(text)


def test_a_closing_or_a_one_word_reply_is_not_a_fragment():
    assert not [f for f in sentence_problems("The export is live. Cheers.") if f.kind == "fragment"]
    assert not [f for f in sentence_problems("We shipped the fix. Agreed.") if f.kind == "fragment"]
