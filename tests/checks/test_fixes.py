"""Whole-sentence repairs: the examples of rules/repairs.yaml, facts kept, no fragments, semantic findings."""

from __future__ import annotations

import pytest

from assistant.checks.fixes import capture, clauses, fill, repair_data, repair_text
from assistant.checks.guards import find_dropped_facts
from assistant.checks.lint import find_trust_phrases
from assistant.checks.quality import sentence_problems
from assistant.schemas import Finding

DATA = repair_data()


def semantic(text: str, category: str, span: str) -> Finding:
    """A finding as the semantic layer makes it: a category, `<category>.semantic`, a clause-wide span."""
    start = text.index(span)
    return Finding(
        rule_id=f"{category}.semantic", category=category, severity="warning", message="m", why="w.",
        replacements=[], text=span, start=start, end=start + len(span), line=1, column=start + 1,
    )  # fmt: skip


def findings_for(example: dict) -> list[Finding]:
    if "category" in example:
        return [semantic(example["sentence"], example["category"], example["span"])]
    return find_trust_phrases(example["sentence"])


@pytest.mark.parametrize("example", DATA.examples, ids=lambda e: e["sentence"][:40])
def test_repairs_yaml_example_is_repaired_as_written_there(example):
    repaired, repairs = repair_text(example["sentence"], findings_for(example))
    assert repaired == example["repair"]
    assert not any(r.kept for r in repairs)


@pytest.mark.parametrize("sentence", [e["sentence"] for e in DATA.examples])
def test_every_repair_keeps_the_facts_and_reads_as_whole_sentences(sentence):
    example = next(e for e in DATA.examples if e["sentence"] == sentence)
    repaired, _ = repair_text(sentence, findings_for(example))
    assert find_dropped_facts(repaired, sentence) == []
    assert sentence_problems(repaired) == []
    assert "(" not in repaired


@pytest.mark.parametrize("sentence", DATA.keep)
def test_sentence_without_a_clean_repair_stays_as_written(sentence):
    repaired, _ = repair_text(sentence, find_trust_phrases(sentence))
    assert repaired == sentence


def test_every_trust_category_has_templates_and_a_last_resort_without_parts():
    from assistant.checks.ruleset import trust_rules

    for category in {r.category for r in trust_rules()}:
        templates = DATA.categories[category]
        assert fill(templates[-1], {}) is not None, category


def test_a_semantic_finding_uses_its_category_templates():
    text = "Honestly the backend crew fumbled the invoice import again."
    repaired, repairs = repair_text(text, [semantic(text, "blame", "the backend crew fumbled the invoice import")])
    assert repairs[0].changed and "fumbled" not in repaired


def test_a_fact_the_templates_cannot_place_keeps_the_sentence_and_marks_it_kept():
    text = "We committed to Juniper in front of their CEO, period."
    repaired, repairs = repair_text(text, find_trust_phrases(text))
    if repairs and repairs[0].kept:
        assert repaired == text
    else:
        assert find_dropped_facts(repaired, text) == []


def test_capture_finds_the_ask_the_date_the_audience_the_requester_and_the_number():
    parts = capture("Sales needs us to add per-team filters by Thursday for the board in two weeks")
    assert parts["requester"] == "Sales" and parts["date"] == "Thursday" and parts["audience"] == "the board"
    assert parts["number"] == "two weeks"
    assert capture("Can we just add a CSV export to the reports page?")["ask"] == "add a CSV export to the reports page"


def test_a_vocative_stays_in_front_and_a_piece_without_a_verb_joins_its_neighbour():
    pieces = [c.text for c in clauses("Priya, your estimate was wrong, so we slipped, sadly.")]
    assert pieces[0] == "Priya" and pieces[-1].endswith("sadly.")


def test_repair_is_linear_enough_for_many_sentences():
    text = "Can we just add it quickly? It should be simple. " * 2000
    repaired, repairs = repair_text(text, find_trust_phrases(text))
    assert len(repairs) >= 2000 and "should be simple" not in repaired


def test_a_workflow_status_is_not_taken_for_an_audience() -> None:
    assert "audience" not in capture("Did anyone actually test this before moving it to Done?")
    assert capture("We need this for Acme.")["audience"] == "Acme"


def test_capture_keeps_the_event_its_audience_and_an_abbreviated_day_with_its_time():
    parts = capture("for the NHS trust pitch on wed the waiting time predictions need to look smart.")
    assert parts["event"] == "the NHS trust pitch" and parts["audience"] == "the NHS trust"
    assert parts["date"] == "Wed" and parts["thing"] == "the waiting time predictions"
    assert capture("Board demo Thurs 10am: hardcode the Q3 numbers.")["date"] == "Thurs 10am"
    assert "audience" not in capture("For Tuesday's demo, stub the lab API.")


def test_a_demo_sentence_repaired_around_its_event_keeps_the_event_and_the_date():
    text = "For the investor walkthrough on the 19th, could we make the claims summary look like it's generating live?"
    repaired, repairs = repair_text(text, [semantic(text, "demo-pressure", text)])
    assert not repairs[0].kept
    assert "the investor walkthrough" in repaired and "the 19th" in repaired and "generating live" not in repaired


def test_without_a_reason_slot_urgency_is_repaired_but_gains_no_reason_question():
    text = "Need the export fixed asap."
    with_slot, _ = repair_text(text, find_trust_phrases(text))
    without, _ = repair_text(text, find_trust_phrases(text), reason_slot=False)
    assert "[needs: why can't this wait" in with_slot
    assert "[needs:" not in without


def test_clock_times_an_action_owner_and_tmrw_are_facts_a_rewrite_must_keep():
    from assistant.checks.facts import find_facts

    facts = find_facts("Board demo Thurs 10am: Priya to hardcode the Q3 numbers. Drop it tmrw.")
    assert {"10am", "Priya", "tmrw"} <= set(facts)


def test_a_semantic_finding_spans_its_clause_so_the_things_it_names_stay_protected():
    text = "Please turn off the crash reporter popup and mock the leaderboard with some nice-looking scores."
    repaired, repairs = repair_text(text, [semantic(text, "demo-pressure", text)])
    assert repairs[0].kept or ("crash reporter" in repaired and "leaderboard" in repaired)


def test_a_quoted_bad_phrase_is_not_a_semantic_trust_finding() -> None:
    from assistant.checks.lint import find_semantic_trust

    text = "someone on the sales call said 'its just a button, how hard can it be' 🙄 i told them we'd ask you first"
    assert not [f for f in find_semantic_trust(text, []) if f.category == "trivializing"]


def test_a_pronoun_after_the_verb_is_not_the_thing_asked_for() -> None:
    assert "thing" not in capture("update me every hour pls")


def test_a_demo_repair_drops_the_clause_that_counts_on_the_audience_not_noticing():
    text = "For the board demo on Friday, hardcode the revenue chart so it looks live. They won't know the difference."
    repaired, _ = repair_text(text, find_trust_phrases(text))
    assert "know the difference" not in repaired
    assert "board demo" in repaired and "Friday" in repaired and "revenue chart" in repaired


def test_a_demo_shortcut_no_template_can_rewrite_is_kept_and_followed_by_the_labelling_question():
    from assistant.checks.fixes import DEMO_HONESTY_QUESTION

    text = "Seed the leaderboard with 40 fake players before the Gamescom booth opens."
    repaired, _ = repair_text(text, [semantic(text, "demo-pressure", text)])
    assert repaired == f"{text} {DEMO_HONESTY_QUESTION}"


def test_what_is_left_of_an_ask_after_its_concealment_clause_goes_is_still_a_question():
    from assistant.checks.fixes import without_concealment

    text = "Can we stub the Epic feed for Tuesday, nobody is gonna check."
    kept = without_concealment(text, [semantic(text, "demo-pressure", text)])
    assert kept == "Can we stub the Epic feed for Tuesday?"


def test_a_repaired_bullet_stays_a_bullet_and_keeps_the_team_it_blamed():
    text = "Notes\n- Live blog froze at 23:10.\n- Once again the platform team didn't load test it. Hugo to follow up."
    span = "Once again the platform team didn't load test it."
    repaired, _ = repair_text(text, [semantic(text, "blame", span)])
    assert "\n- Can we look together with the platform team at what happened" in repaired
    assert "Hugo to follow up." in repaired and "- Live blog froze at 23:10." in repaired


def test_urgency_repaired_keeps_the_pms_time_and_who_asked_never_softening_today_to_soon():
    text = "- Ops wants the driver payout report rerun today, top priority, everyone else pauses until it's out"
    repaired, _ = repair_text(text, [semantic(text, "interruption", text)])
    assert "Ops" in repaired and "today" in repaired and "soon" not in repaired
    assert repaired.startswith("- ")


def test_a_trade_off_question_is_asked_once_per_message():
    text = "The launch is on May 3, no matter what. You'll find a way, you always do."
    repaired, _ = repair_text(text, find_trust_phrases(text))
    assert repaired.count("what trade-offs should I know about?") <= 1


def test_a_comparison_after_a_size_question_asks_only_what_differs_and_leaves_nothing_flagged():
    text = "8 points for a dropdown seems like a lot. The Kanban team built the same assignee filter in 2."
    repaired, _ = repair_text(text, find_trust_phrases(text))
    assert repaired.count("what is driving the size") == 1
    assert "The Kanban team built the same assignee filter in 2. What is different in our case?" in repaired
    assert find_trust_phrases(repaired) == []


@pytest.mark.parametrize(
    ("clause", "dated"),
    [
        ("Shouldn't affect the timeline, the 14 June cutover stays as is.", "the 14 June cutover"),
        ("Minor addition, delivery date of 1 Dec unchanged and not negotiable.", "the delivery date of 1 Dec"),
    ],
)
def test_a_date_named_with_its_event_is_captured_whole_so_the_date_repair_keeps_what_happens_on_it(clause, dated):
    assert capture(clause)["dated"] == dated


def test_the_pms_pictured_size_never_borrows_the_engineers_number():
    text = "It's a one-line change in the config, not sure why it's sized at 5 points."
    repaired, _ = repair_text(text, find_trust_phrases(text))
    assert "maybe 5 points" not in repaired
    assert "5 points" in repaired


def test_a_template_never_names_the_same_thing_twice():
    text = "Hey Oksana, can you add the pallet count to the shipping label? Its basically one more field on the PDF."
    repaired, _ = repair_text(text, find_trust_phrases(text))
    assert "the more field as" not in repaired


def test_a_speaker_label_in_notes_stays_a_speaker_label():
    text = "- Femi: Bolt shipped the same thing in 2 weeks, we should be able to match that."
    repaired, _ = repair_text(text, find_trust_phrases(text))
    assert repaired.startswith("- Femi: ")


def test_words_quoted_after_a_speakers_label_in_notes_are_heard_but_a_quote_criticised_is_not() -> None:
    notes = "Decisions\n- Go-live 1 June stays. Alex: 'I don't want to hear about dependencies again.'"
    assert "deadline-rigidity" in {f.category for f in find_trust_phrases(notes)}
    retro = "Retro: \"it's basically a button\" tickets took 3x longer on average. PMs will stop using that."
    assert find_trust_phrases(retro) == []


def test_a_request_to_work_on_a_saturday_never_becomes_saturday_is_the_date_that_matters():
    assert "date" not in capture("If needed you work also on Saturday, I will order pizza.")
    assert capture("If we need to work the weekend to hit friday then thats what we do")["date"] == "Friday"
