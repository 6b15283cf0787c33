"""The rewrite's shape follows the kind of message: only a request for work gets intake slots and the
"smaller version?" invitation; an incident, a status ping, a meeting request, an agreement, a curiosity
question or an announcement does not. A repair never repeats the sentence before it."""

from __future__ import annotations

import pytest

from assistant.checks.fixes import without_repeats
from assistant.checks.message_kind import message_kind
from assistant.checks.offline import INVITATION, REPORT_INVITATION, rewrite


@pytest.mark.parametrize(
    ("draft", "kind"),
    [
        ("Can we add a CSV export to the invoices page?", "request"),
        ("Heads up - password reset links dont expire. Security says sev1. @dana can you look today?", "report"),
        ("any update on the export thing??? its been 2 weeks", "status"),
        ("could we grab 20 min tomorrow to walk through the Initech renewal requirements?", "meeting"),
        ("The 8 points Tomas gave this looks right to me given the migration.", "agreement"),
        ("Genuine question, not pushback: what makes the SSO piece hard?", "question"),
        ("postmortem from yesterdays outage is up in confluence. thanks @sam for staying late", "announcement"),
        ("Status?? This has been In Progress since Monday.", "status"),
        ("PM update: copy sent to Legal, back Wed. nothing needed from eng this week.", "announcement"),
        ("Can we add a CSV export? FYI finance asked.", "request"),
    ],
)
def test_each_kind_of_message_is_recognised(draft: str, kind: str) -> None:
    assert message_kind(draft) == kind


def test_a_draft_whose_only_finding_is_blame_reads_as_a_report() -> None:
    assert message_kind("wait you shipped the pricing change without telling support?", {"blame"}) == "report"


@pytest.mark.parametrize(
    "draft",
    [
        "Heads up - password reset links dont expire. Security says sev1. @dana can you look today?",
        "any update on the export thing??? its been 2 weeks",
        "could we grab 20 min tomorrow to walk through the Initech renewal requirements?",
        "Genuine question, not pushback: what makes the SSO piece hard? I want to explain the estimate to Acme.",
    ],
)
def test_a_message_that_is_not_a_request_gets_no_slots_and_no_smaller_version_invitation(draft: str) -> None:
    result = rewrite(draft)
    assert result.slots == []
    assert INVITATION not in result.text and REPORT_INVITATION not in result.text


def test_a_feature_request_still_gets_its_slots_and_invitation() -> None:
    result = rewrite("Add CSV export to the reports page.")
    assert result.slots and INVITATION in result.text


def test_the_full_form_asks_for_everything_whatever_the_kind() -> None:
    assert rewrite("any update on the export thing??? its been 2 weeks", form="full").slots


def test_a_repair_that_only_repeats_the_sentence_before_it_is_dropped() -> None:
    assert without_repeats("Date is fixed at 30 Nov.", "The date is fixed. What could we cut?") == "What could we cut?"
    assert without_repeats("Bumping this.", "This is needed soon.") == "This is needed soon."


def test_a_sentence_a_repair_already_wrote_is_not_written_again_later_in_the_message() -> None:
    written: set[str] = set()
    first = without_repeats("", "The date is fixed. What could we cut?", "No moving it.", written)
    second = without_repeats("", "The date is fixed. What could we cut?", "figure it out", written)
    assert first == "The date is fixed. What could we cut?"
    assert second == ""


def test_the_pms_own_words_survive_even_when_a_repair_wrote_them_before() -> None:
    written = {"cut could what"}
    assert without_repeats("", "What could we cut?", "What could we cut?", written) == "What could we cut?"


@pytest.mark.parametrize(
    "draft",
    [
        "Retro notes – Sprint 18\n- Invoice PDF rendering broke for 6 EU customers\n- Support raised it Weds",
        "Claims triage sync – 4 Apr\nAttendees: Lena (PM), Ravi, Jo\n- Fraud score in the queue view",
        "heads up, the typo in the invoice footer is mine, I'll push the fix asap. will post when it's out",
    ],
)
def test_meeting_notes_and_an_fyi_about_the_writers_own_fix_are_announcements(draft: str) -> None:
    assert message_kind(draft) == "announcement"


def test_a_confirmation_of_what_was_agreed_is_an_agreement() -> None:
    draft = "Hi Pavel,\n\nJust to confirm what we agreed yesterday: the cap alert goes out at 80% and 100%, SMS only."
    assert message_kind(draft) == "agreement"


def test_a_feature_heading_named_sync_is_still_a_request() -> None:
    assert message_kind("Salesforce sync\n- two-way sync of contacts\n- nightly") == "request"


@pytest.mark.parametrize(
    "draft",
    [
        "Attendees: Lucia, Ben, Mohammed\n- Reviewed no-show data: 18% in August\n- Ben to share the SMS cost estimate",
        "Hi Jonas, I underestimated the pricing research. That's on me. The final deck will be in your inbox Friday.",
    ],
)
def test_meeting_notes_without_a_heading_and_an_apology_for_own_work_are_announcements(draft: str) -> None:
    assert message_kind(draft) == "announcement"


@pytest.mark.parametrize(
    "draft",
    [
        "- finished PRD for saved searches\n- talked to Ingrid about the filter chips\n- today: call with Brightline",
        "Yesterday: call with Northwind about SSO. Today: writing the ticket.",
        "PM update: still waiting on the API docs from platform team, asked 3 times since monday. need them today",
        "Sprint planning 9/12\n- Gradebook sync w/ Canvas: eng sized it at 21 pts.\n- Ravi to re-check",
        "Roadmap sync 5/12\n- Payments team estimated the Adyen migration at 2 quarters.\n- Next sync 5/26",
        "Decision: v2.3 ships on June 2 regardless of test coverage. Date is not up for discussion.",
    ],
)
def test_standup_and_meeting_notes_are_announcements_so_they_get_no_context_block_or_invitation(draft: str) -> None:
    assert message_kind(draft) == "announcement"


@pytest.mark.parametrize(
    "draft",
    [
        "Today we need a CSV export on the invoices page for Acme, can we add it?",
        "Scope: SSO for the Helix admin console, with the Okta config screen.",
        "Design review\n- two layouts for the settings page\n- dark mode",
    ],
)
def test_a_request_that_mentions_today_or_a_scope_or_review_heading_is_still_a_request(draft: str) -> None:
    assert message_kind(draft) == "request"


@pytest.mark.parametrize(
    ("draft", "kind"),
    [
        ("Katrin:\n- waiting since 2 days for the PACS fix, pls give me an update\n- no blockers", "announcement"),
        ("Dev: chasing backend on the risk score API for the 3rd day, need it today. nothing else", "announcement"),
        ("hey marco - the acceptance criteria for BH-412 are on me and they're late, sorry.", "announcement"),
        ("Seat widget renders blank on iOS Safari 17.2. Two partners report the embed shows a white box.", "report"),
        ("Same problem here on v5.1.0 with MedicationRequest bundles. We need a release with the fix.", "report"),
        ("The renewal page has been showing last year's prices since Monday and we've had 14 complaints.", "report"),
    ],
)
def test_a_standup_entry_an_apology_and_a_bug_report_are_not_requests_for_new_work(draft: str, kind: str) -> None:
    assert message_kind(draft) == kind
