"""The shape of the offline rewrite around what the PM wrote: the context block and the invitation go above
the sign-off, the date line appears only when the draft has not said whether its date can move, and a
sentence no template repairs cleanly keeps every word and gains the question it was missing."""

from __future__ import annotations

import pytest

from assistant.checks.fixes import REASON_ASK, SIZE_QUESTION, TRADE_OFF_QUESTION
from assistant.checks.lint import lint
from assistant.checks.offline import KEPT_DAMAGE_INVITATION, rewrite
from assistant.text.sign_off import split_sign_off


@pytest.mark.parametrize(
    ("text", "sign_off"),
    [
        ("Hi team,\n\nThe date is firm.\n\nThanks,\nTamsin", "Thanks,\nTamsin"),
        ("Please add X.\nKind regards,\nHelen", "Kind regards,\nHelen"),
        ("Add X.\n\nCheers, Bob", "Cheers, Bob"),
        ("Add X.\n\nBest,\nDr. Ana Ruiz (Ops)", "Best,\nDr. Ana Ruiz (Ops)"),
        ("Add X.\n\nKind regards,\nSheila Okafor\nDigital Services", "Kind regards,\nSheila Okafor\nDigital Services"),
    ],
)
def test_a_closing_line_and_the_name_under_it_are_the_sign_off(text: str, sign_off: str) -> None:
    message, found = split_sign_off(text)
    assert found == sign_off and message.strip() and text.startswith(message)
    assert text[len(message) :].strip() == sign_off  # nothing between the message and the sign-off is lost


@pytest.mark.parametrize(
    "text",
    ["Add the export.\nThanks for the quick fix on the export.", "Thanks,\nTamsin", "Add X please. Thanks!"],
)
def test_a_thank_you_sentence_or_a_bare_sign_off_is_not_split(text: str) -> None:
    assert split_sign_off(text) == (text, "")


def test_the_context_block_and_the_invitation_go_above_the_signature() -> None:
    draft = "Hi Priya,\n\nCould we add a CSV export to the reports page?\n\nThanks,\nTamsin"
    text = rewrite(draft).text
    assert text.endswith("Thanks,\nTamsin")
    assert text.index("Context") < text.index("Thanks,") and "[needs:" in text[: text.index("Thanks,")]


@pytest.mark.parametrize(
    "draft",
    [
        "The 1 July date for the accessibility fixes is firm, because the state contract requires it. Could we add "
        "the contrast fixes to the booking form by then?",
        "The district board sees the attendance dashboard on Monday at 9am. Could we add the absence column?",
    ],
)
def test_no_date_can_move_slot_when_the_draft_says_the_date_is_firm_or_it_is_an_event(draft: str) -> None:
    assert "date can move" not in rewrite(draft, form="full").text


def test_unexplained_urgency_keeps_the_pms_words_and_asks_for_the_reason() -> None:
    text = rewrite("Please release a patch today.").text
    assert text.startswith("Please release a patch today. " + REASON_ASK)
    assert "soon" not in text
    assert not [f for f in lint(text).findings if f.category == "interruption"]  # the slot is the reason's place


def test_asap_is_kept_with_a_reason_slot_not_softened_to_soon() -> None:
    text = rewrite("Need the export fixed ASAP.").text
    assert "ASAP" in text and REASON_ASK in text and "soon" not in text
    assert "- Why now:" not in text  # one slot for the reason, not two


def test_surprise_at_an_estimate_is_followed_by_the_question_about_what_drives_it() -> None:
    text = rewrite("@Ines 13 points for the soil moisture alert thresholds?").text
    assert "13 points" in text and "soil moisture alert thresholds" in text and SIZE_QUESTION in text


def test_a_final_date_is_followed_by_the_trade_off_question() -> None:
    text = rewrite("The 31 March date for the PSD2 consent renewal flow is final.").text
    assert text.startswith("The 31 March date for the PSD2 consent renewal flow is final. " + TRADE_OFF_QUESTION)


def test_under_a_kept_trivializing_sentence_the_invitation_does_not_claim_not_to_know() -> None:
    text = rewrite("its basically just a link to the file we already keep in S3 so shouldnt take long.").text
    assert "I don't know how complex this is" not in text
    assert text.rstrip().endswith(KEPT_DAMAGE_INVITATION)


def test_a_call_request_gets_one_reason_slot_not_two() -> None:
    result = rewrite("yo marcus can you hop on a call rn? need you for 10 min, its urgent")
    assert REASON_ASK not in result.text and len(result.slots) == 1
    assert all(REASON_ASK not in c.description for c in result.changes)


def test_an_engineers_estimate_is_never_repaired_into_the_pms_target() -> None:
    text = rewrite("Anton come on, 2 weeks for the reading level badge? its a colour and a number.").text
    assert "ship in 2 weeks" not in text and "2 weeks" in text


def test_the_pms_own_target_still_seeds_the_smaller_version_question() -> None:
    text = rewrite("Engineering underestimated the migration. Can we do it in two weeks this time?").text
    assert "Is there a smaller version we could ship in two weeks" in text


def test_a_when_captured_after_a_pronoun_is_not_doubled() -> None:
    assert "on this on this" not in rewrite("Why is the sync still failing? Need an update on this today.").text


def test_a_counter_offer_keeps_its_finding_visible_instead_of_gaining_a_curious_question() -> None:
    result = rewrite("ok so u said 4 weeks for offline mode. cant you do it in 2 if Ahmed helps out?")
    assert SIZE_QUESTION not in result.text


@pytest.mark.parametrize(
    "draft",
    [
        "Can we get the CSV export fixed this sprint? Finance reconciles by hand every month.",
        "Please add the audit log to sprint 42, the Halden team keeps asking.",
        "We need SSO in release 3.1 for the Department of Transport.",
        "Can the export be ready by 3pm? Sales needs it for the Vantage call.",
    ],
)
def test_no_deadline_slot_when_the_ask_names_a_time_however_loose(draft: str) -> None:
    assert "[needs: is there a date, and can it move?]" not in rewrite(draft, form="full").text


def test_a_time_in_a_sentence_that_asks_nothing_still_leaves_the_deadline_slot() -> None:
    text = rewrite("Today dispatchers drag shipments one by one. Can we add bulk reassign?", form="full").text
    assert "[needs: is there a date, and can it move?]" in text


def test_no_date_can_move_slot_when_the_draft_says_why_the_date_matters() -> None:
    draft = "Halvorsen renews on June 30 and needs the usage report before then. How big is this?"
    assert "can the date move, and why that date?" not in rewrite(draft, form="full").text


def test_a_haggled_estimate_becomes_a_scoping_question_that_keeps_both_numbers() -> None:
    text = rewrite("Ingrid - I know the team said 6 weeks for the offline sync, but can we do it in 3?").text
    assert "Is there a smaller version of the offline sync that would fit in 3" in text
    assert "6 weeks" in text and "can we do it in 3" not in text


_LONG_DRAFT = (
    "Could the webhook payload also include the full order object for each refund? "
    "We would want it in the 2.x line without a major bump. "
    "It would save a second call per order on our side."
)


def test_a_longer_draft_gets_slots_for_the_first_three_missing_facts_and_the_full_form_for_all() -> None:
    default = rewrite(_LONG_DRAFT)
    full = rewrite(_LONG_DRAFT, form="full")
    assert len(default.slots) == 3 < len(full.slots)
    assert "[needs: who is asking for this, and who will use it?]" in default.slots
    left_out = next(c.description for c in default.changes if c.description.startswith("Slots for the three"))
    assert "Ask for the full form" in left_out
    assert all(slot in full.slots for slot in default.slots)


def test_every_context_element_has_a_place_in_the_order_the_slots_are_kept_in() -> None:
    from assistant.checks.offline import _CORE_ORDER
    from assistant.checks.ruleset import context_rules

    assert {r.element for r in context_rules()} - {"invitation"} <= set(_CORE_ORDER)
