"""The pattern matcher's speed-ups (required literals, sentence windows, lazy compile) change no result."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.checks.ruleset import (
    PatternSet,
    _drop_nested,
    _end_on_word_boundary,
    ambiguity_rules,
    complexity_rules,
    context_rules,
    required_literals,
    tolerate_missing_apostrophes,
    trust_rules,
)
from assistant.text.document import Document

ALL_RULES = [*trust_rules(), *ambiguity_rules(), *complexity_rules(), *context_rules()]
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "user_stories.jsonl"


@cache
def _full_text_regex(source: str) -> re.Pattern[str]:
    """Compiled once per pattern: `re`'s own cache holds 512, fewer than the rules have."""
    return re.compile(_end_on_word_boundary(source), re.MULTILINE)


def _reference(matcher: PatternSet, doc: Document) -> list[tuple[int, int]]:
    """The same matching with every pattern run over the whole text: no literals, no windows."""
    hits = set()
    for lazy in matcher.patterns:
        regex = _full_text_regex(lazy.source)
        for match in regex.finditer(doc.folded):
            if matcher._accepts(doc, *match.span()):
                hits.add(match.span())
    return _drop_nested(sorted(hits))


def _texts() -> list[str]:
    texts = []
    for rule in ALL_RULES:
        examples = rule.examples
        texts += getattr(examples, "flag", []) + getattr(examples, "ok", [])
        texts += getattr(examples, "present", []) + getattr(examples, "missing", [])
    stories = [json.loads(line)["text"] for line in CORPUS.read_text(encoding="utf-8").splitlines()[:200]]
    texts.append("\n\n".join(stories))
    texts.append(" ".join(texts[:150]))
    return texts


def test_every_rule_pattern_compiles():
    for rule in ALL_RULES:
        rule.matcher.compile_all()


@pytest.mark.parametrize("text", _texts()[-2:], ids=["corpus-prd", "all-examples"])
def test_windowed_matching_equals_full_text_matching_on_long_texts(text):
    doc = Document(text)
    for rule in ALL_RULES:
        assert list(rule.matcher.finditer(doc)) == _reference(rule.matcher, doc), rule


def test_windowed_matching_equals_full_text_matching_on_every_example():
    for text in _texts()[:-2]:
        doc = Document(text)
        for rule in ALL_RULES:
            assert list(rule.matcher.finditer(doc)) == _reference(rule.matcher, doc), (rule, text)


def test_first_match_is_the_earliest_of_all_matches():
    doc = Document(_texts()[-1])
    for rule in ALL_RULES:
        everything = list(rule.matcher.finditer(doc))
        first = rule.matcher.first(doc)
        assert (first is None) == (not everything)
        if first is not None:
            assert first[0] == everything[0][0]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("asap", ("asap",)),
        ("(?:can|could) (?:we|you) just", (" just",)),
        ("low[- ]hanging fruit", ("hanging fruit",)),
        ("(?:salesforce|hubspot)", ("hubspot", "salesforce")),
        ("(?:ai|a\\.i\\.)", None),
        ("\\d+ ?k", None),
    ],
)
def test_required_literals_are_derived_from_the_regex(pattern, expected):
    assert required_literals(pattern) == expected


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "can we just",
                "should be simple",
                "quick win",
                "ASAP",
                "export",
                "real-time",
                " ",
                ". ",
                "\n",
                '"',
                "the deadline doesn't change",
                "who",
                "migrate",
                "users",
                "by March 15",
                "etc.",
            ]
        )
        | st.text(max_size=12),
        max_size=25,
    ).map("".join)
)
def test_windowed_matching_equals_full_text_matching_on_random_text(text):
    doc = Document(text)
    for rule in ALL_RULES:
        assert list(rule.matcher.finditer(doc)) == _reference(rule.matcher, doc)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("don't", "don'?t"),
        ("it's not moving", "it'?s not moving"),
        ("they'll", "they'?ll"),
        ("we're", "we're"),  # "were" is another word
        ("we'll", "we'll"),  # "well" too
        ("i'll", "i'll"),
        ("[']s", "[']s"),  # inside a character class
        ("(?<!don't )x", "(?<!don't )x"),  # a look-behind must keep a fixed width
    ],
)
def test_a_contractions_apostrophe_is_optional_where_leaving_it_out_makes_no_other_word(pattern, expected):
    assert tolerate_missing_apostrophes(pattern) == expected


def test_a_rule_written_with_an_apostrophe_hears_the_message_typed_without_one():
    from assistant.checks.lint import find_trust_phrases

    rule = "deadline-rigidity.deadline-doesnt-change"  # its patterns spell "doesn't", never "doesnt"
    assert rule in {f.rule_id for f in find_trust_phrases("sorry but the deadline doesnt change.")}
