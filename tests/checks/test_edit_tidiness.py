"""Edits leave clean English: a phrase replaced after an article does not double it ("a a change"), and a
sentence capital is never forced after an abbreviation ("incl. a rehearsal")."""

from __future__ import annotations

from assistant.checks.offline import capitalise_sentences, rewrite


def test_a_replaced_phrase_after_an_article_does_not_double_the_article() -> None:
    draft = "Ana said it's a small addition to the existing parent view and promised it for the fall term."
    text = rewrite(draft).text
    assert " a a " not in text
    assert "fall term" in text


def test_the_word_after_an_abbreviation_keeps_its_case() -> None:
    assert capitalise_sentences("2 sprints incl. a rehearsal. rosa asked") == "2 sprints incl. a rehearsal. Rosa asked"
    assert capitalise_sentences("see e.g. the docs") == "See e.g. the docs"


def test_a_sentence_after_a_full_stop_is_still_capitalised() -> None:
    assert capitalise_sentences("come on. no excuses") == "Come on. No excuses"
