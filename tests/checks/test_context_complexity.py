"""Context gaps and offline complexity flags: present with evidence, missing with a question, no guesses."""

from __future__ import annotations

from assistant.checks.complexity import find_complexity
from assistant.checks.context import check_context
from assistant.checks.guards import find_estimates
from assistant.schemas import CONTEXT_ELEMENT_IDS, PMContext

GOOD_REQUEST = (
    "Acme's finance team asked for CSV export of invoices because they copy the table into Excel by hand "
    "every Friday. Their renewal is in April. 12 enterprise customers raised it last quarter. Success means "
    "support tickets about exports drop by half. We need it by the end of March; the date can move. "
    "What am I missing, and is there a smaller version we could start with?"
)


def _states(text: str, context: PMContext | None = None) -> dict[str, bool]:
    return {e.element: e.present for e in check_context(text, context).elements}


def test_context_report_lists_every_element_in_order():
    report = check_context("Add CSV export.")
    assert [e.element for e in report.elements] == list(CONTEXT_ELEMENT_IDS)


def test_drive_by_request_is_missing_everything_but_the_deadline():
    states = _states("Can we just add CSV export by March 15? Should be simple.")
    assert states == {
        "who": False,
        "problem": False,
        "why-now": False,
        "evidence": False,
        "success": False,
        "deadline": True,
        "invitation": False,
    }


def test_missing_elements_carry_a_question_and_no_evidence():
    for element in check_context("Add CSV export.").missing:
        assert element.question and "?" in element.question
        assert element.evidence is None


def test_a_request_with_full_context_has_no_gaps():
    assert all(_states(GOOD_REQUEST).values())


def test_present_elements_quote_their_evidence_span_from_the_draft():
    text = "Add CSV export. Acme's finance team asked for it."
    who = next(e for e in check_context(text).elements if e.element == "who")
    assert who.present and who.evidence == "Acme's finance team asked for it."
    assert who.start is not None and who.end is not None
    assert text.index("Acme") <= who.start < who.end <= len(text)


def test_context_typed_by_the_pm_counts_as_present():
    context = PMContext(who="Acme finance team", why_now="renewal in April")
    states = _states("Add CSV export.", context)
    assert states["who"] and states["why-now"]
    assert not states["problem"]


def test_trivial_requests_get_no_complexity_flags():
    for text in (
        "Fix the typo on the pricing page.",
        "Change the button label from Submit to Save.",
        "Move the help link to the footer.",
    ):
        assert find_complexity(text) == [], text


def test_hidden_migration_is_flagged_with_a_confirm_question():
    flags = find_complexity("Make the new status field apply to existing projects too.")
    categories = {f.category for f in flags}
    assert "migration" in categories
    migration = next(f for f in flags if f.category == "migration")
    assert migration.question.endswith("?")
    assert migration.smaller_version


def test_complexity_flags_quote_their_trigger_span():
    text = "Sync deals with Salesforce in real time and notify the owner."
    for flag in find_complexity(text):
        assert text[flag.start : flag.end] == flag.trigger


def test_one_flag_per_category():
    flags = find_complexity("Export to CSV. Export to Excel. Import from a spreadsheet.")
    assert [f.category for f in flags] == ["import-export"]


def test_complexity_flags_never_contain_estimates():
    text = "Add SSO, real-time dashboards, payments, translations and offline mode for mobile apps."
    flags = find_complexity(text)
    assert len(flags) >= 5
    for flag in flags:
        assert not find_estimates(" ".join((flag.why, flag.question, flag.smaller_version)))


def test_a_system_named_where_a_system_goes_is_an_integration_even_off_the_brand_list():
    flags = find_complexity("Residents can pay rent by bank transfer through Payvendo and see their receipts.")
    assert any(f.category == "integration" and f.trigger == "Payvendo" for f in flags)
    for text in ("Billing sync 14/05: invoices show VAT per line.", "Export the catalogue into the Europeana format."):
        assert not any(f.category == "integration" for f in find_complexity(text, semantic=False)), text
