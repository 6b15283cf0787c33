"""Design-review questions name the draft's systems, not its people, and read as English around a trigger."""

from __future__ import annotations

import pytest

from assistant.checks.offline import analyze


def test_a_greeted_or_acting_person_is_not_asked_about_as_a_system() -> None:
    questions = " ".join(
        q.text for q in analyze("Hi Priya, Omar says the Okta login breaks for Acme. Can we fix it?").questions
    )
    assert "Priya" not in questions and "Omar" not in questions
    assert "Okta" in questions or "Acme" in questions


def test_no_question_names_a_particle_or_a_quantity_as_the_thing_asked_for() -> None:
    draft = "Northwind wants refunds to show up in their Stripe dashboard within 24 hours instead of 3 days. Can we?"
    joined = " ".join(q.text for q in analyze(draft).questions)
    assert "of up in" not in joined and "on up in" not in joined and "within 24 hours are" not in joined


def test_a_system_opening_the_draft_or_listed_with_others_is_still_asked_about() -> None:
    first = " ".join(q.text for q in analyze("Okta login is broken for Acme since Monday. Can we look?").questions)
    assert "Okta" in first
    listed = " ".join(q.text for q in analyze("Can we sync deals with Salesforce, HubSpot and Slack?").questions)
    assert "Salesforce" in listed or "HubSpot" in listed


def test_a_duration_is_never_asked_about_as_a_system() -> None:
    draft = "hey priya, the csv export for Brightline is a button right? should be like an hour tops. before friday?"
    joined = " ".join(q.text for q in analyze(draft).questions)
    assert "does an hour touch" not in joined


def test_a_weekday_in_a_question_is_capitalised() -> None:
    joined = " ".join(q.text for q in analyze("can u get the csv export in before friday? finance needs it").questions)
    assert "friday" not in joined


def test_a_clause_with_a_question_word_is_not_the_thing_asked_for() -> None:
    draft = "Can someone look at how the webhook queue handles retries? Acme lost events on Monday."
    joined = " ".join(q.text for q in analyze(draft).questions)
    assert "the how" not in joined and "of how the" not in joined


def test_a_weekday_a_workflow_status_or_a_relative_date_is_not_named_as_a_system() -> None:
    drafts = [
        "PM update: sent the revised onboarding copy to Legal, expecting it back Wed. "
        "nothing needed from eng this week.",
        "Status?? This has been In Progress since Monday.",
    ]
    for draft in drafts:
        texts = " ".join(q.text for q in analyze(draft).questions)
        for word in ("does Wed", "does In Progress", "does this week"):
            assert word not in texts


def test_a_pronoun_is_not_part_of_the_thing_a_question_names() -> None:
    texts = " ".join(q.text for q in analyze("you told me the migration was safe.").questions)
    assert "me the migration" not in texts


def test_a_number_is_not_the_thing_a_scale_question_names() -> None:
    texts = " ".join(q.text for q in analyze("The export must handle all 60k accounts quickly.").questions)
    assert "does 60k" not in texts


def test_a_person_a_language_or_a_capitalised_sentence_opener_is_not_asked_about_as_a_system() -> None:
    drafts = [
        "Per Kasia: the timezone fix is small, but she wants another day. Kasia, shout if I got that wrong.",
        "Sprint 14 planning: the SMS receipts need to go out in English and Polish.",
        "For the Stellmark dealer demo on thursday can we show the trade-in valuation?",
    ]
    for draft in drafts:
        texts = " ".join(q.text for q in analyze(draft).questions)
        assert "parts of our system does" not in texts, draft


def test_a_name_used_as_a_system_is_asked_about() -> None:
    draft = "Can Halcyon Travel get their bookings synced from the Clio API?"
    texts = " ".join(q.text for q in analyze(draft).questions)
    assert "Clio" in texts


def test_a_demo_the_draft_asks_to_fake_gets_the_honesty_question() -> None:
    draft = "For the Stellmark dealer demo on thursday can we hardcode the trade-in valuation for the 3 cars we show?"
    texts = " ".join(q.text for q in analyze(draft).questions)
    assert "honestly" in texts and "misled" in texts


def test_a_meeting_date_that_is_no_deadline_gets_no_given_the_date_question() -> None:
    texts = " ".join(q.text for q in analyze("Discussed with Ravi on Tuesday: add a CSV export to reports.").questions)
    assert "Given Tuesday" not in texts


def test_a_long_request_gets_a_short_list_that_still_covers_every_review_category():
    from assistant.checks.offline import analyze
    from assistant.schemas import QUESTION_CATEGORIES

    text = (
        "Sync deals with Salesforce and HubSpot in real time, migrate every existing account, add SSO with Okta, "
        "email and Slack alerts, a CSV and PDF export, and make it fast for our largest customers. It should be "
        "intuitive, flexible and robust."
    )
    questions = analyze(text).questions
    assert len(questions) <= 8
    assert {q.category for q in questions} == set(QUESTION_CATEGORIES)


def test_a_problem_report_gets_questions_about_the_problem_not_about_building_something() -> None:
    texts = [q.text for q in analyze("yo any update on the matchmaking crash? pinged u 3 hours ago.").questions]
    assert any("causing the matchmaking crash" in t for t in texts)
    assert not any("smaller version" in t or "delay or drop" in t for t in texts)


def test_a_status_ping_or_an_agreement_gets_no_design_review_questions() -> None:
    assert analyze("Bumping this again. Any update?? Need this done by end of day.").questions == []
    assert analyze("Sounds good to me, let's keep the estimate as it is.").questions == []


def test_a_demo_to_fake_still_gets_the_honesty_question_even_when_it_mentions_errors() -> None:
    draft = "Tomorrow Northwind's CFO sees the approval workflow. Put in dummy approvers and hide the error toasts."
    assert any("honestly" in q.text for q in analyze(draft).questions)


@pytest.mark.parametrize(
    "draft",
    [
        "can you pull the out the migration from the release? thanks",
        "can we get the staging db refreshed before the demo?",
        "please get the SMS reminders go out at 9am local time",
    ],
)
def test_a_capture_that_is_not_a_noun_phrase_is_never_named_in_a_question(draft: str) -> None:
    joined = " ".join(q.text for q in analyze(draft).questions)
    assert "the out the" not in joined and "db refreshed" not in joined and "reminders go out" not in joined


def test_a_vendor_or_a_share_target_is_not_asked_about_as_a_customer() -> None:
    share = " ".join(
        q.text for q in analyze("re the 'share to WhatsApp' button, can we add it to the post page?").questions
    )
    assert "What does WhatsApp need" not in share
    vendor = "Bulk refunds: Gwen pointed out Stripe's own docs make it look simple. Can we refund in bulk via Stripe?"
    assert "What does Stripe need on day one" not in " ".join(q.text for q in analyze(vendor).questions)


def test_someone_asked_to_do_the_work_is_not_asked_about_as_a_system() -> None:
    draft = (
        "asked Alexei to stub the card reader so it always says 'payment approved' until the Adyen integration lands"
    )
    questions = " ".join(q.text for q in analyze(draft).questions)
    assert "Alexei" not in questions


def test_a_meeting_called_a_session_and_finding_a_way_raise_no_complexity_flag() -> None:
    from assistant.checks.complexity import find_complexity

    assert not find_complexity("Estimation session on 3 Apr for the copy changes.", semantic=False)
    assert not find_complexity("The date does not move, so the team needs to find a way.", semantic=False)


def test_an_idiom_with_a_possessive_is_not_a_feature_the_questions_name():
    """'seems to be doing its job' names no job: no question asks about "the doing its job"."""
    draft = "heads up: churn came in under 3% — the cancel-flow survey seems to be doing its job. numbers on Looker"
    questions = [q.text for q in analyze(draft).questions]
    assert questions and not any("doing its job" in q for q in questions)


def test_a_status_a_sprint_or_a_person_talked_to_is_not_asked_about_as_a_customer():
    for draft, wrong in (
        ("This is a one-line change in the config. Moving to Ready for Sprint 7.", ("Ready", "Sprint")),
        ("Post a Slack notification when a deal moves to Closed Won.", ("Closed Won need",)),
        ("- talked to Ingrid about the filter chips\n- today: customer call with Brightline", ("Ingrid",)),
    ):
        questions = " ".join(q.text for q in analyze(draft).questions)
        assert not any(w in questions for w in wrong), questions
    # a customer the PM is about to talk to is still one
    ocado = analyze("What drives the multi-warehouse inventory? I talk to Ocado on Wed.").questions
    assert "Ocado" in " ".join(q.text for q in ocado)


@pytest.mark.parametrize(
    ("draft", "named", "garbled"),
    [
        (
            "I checked the estimation for the language switcher, 10 days. For me this is only adding one dropdown.",
            "the language switcher",
            "the adding one dropdown",
        ),
        ("need a number for the HubSpot sync today. give me something the VP likes", "the HubSpot sync", "a number"),
        (
            "Change of plan on the patient intake form: we now need e-signature too. Need a yes/no from you by 3.",
            "the patient intake form",
            "of plan",
        ),
    ],
)
def test_questions_name_the_feature_not_a_fragment_of_the_sentence(draft: str, named: str, garbled: str) -> None:
    joined = " ".join(q.text for q in analyze(draft).questions)
    assert named in joined
    assert f" {garbled} " not in joined


def test_a_trade_off_question_names_the_deadline_not_the_first_date_mentioned() -> None:
    draft = "Why: Trading Standards letter 2 Oct. Ask for eng: compare the two age checks. Deadline is 15 Jan."
    joined = " ".join(q.text for q in analyze(draft).questions)
    assert "2 Oct" not in joined


def test_a_meeting_attendee_or_action_owner_is_not_asked_about_as_a_system() -> None:
    draft = (
        "Integration sync – Tue 14 May\nAttendees: Olivia (PM), Ravi, Gosia (Integrations team)\n"
        "- HL7 feed drops ~2% of shift updates.\n- Ravi to add logging, report back Thu."
    )
    joined = " ".join(q.text for q in analyze(draft).questions)
    assert "Ravi" not in joined


@pytest.mark.parametrize(
    ("draft", "garbled"),
    [
        ("fyi the add-in out today is a minor version bump. nothing to do unless you own the listing", "unless you"),
        ("for the demo tmrw pls hide the approval step, skip it on staging. their CEO will be in the room", "the room"),
        ("can the scorecard read from a fixed json for the QBR? i just need it to look right on screen", "the right"),
        ("Bumping again, no reply from the maintainers. We need a release with the fix this week please.", "please"),
        ("can you add the tooth number overlay to the bitewing export? It's only a label on the image", "of the are"),
    ],
)
def test_no_question_names_a_clause_a_time_or_a_bare_article_as_the_thing(draft: str, garbled: str) -> None:
    joined = " ".join(q.text for q in analyze(draft).questions)
    assert garbled not in joined
