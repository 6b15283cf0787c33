"""The sidebar's confidential terms reach every model-calling task: the captured request bodies (replayed
provider) never hold them, on every page, while the same run without the terms does send them."""

from __future__ import annotations

import pytest
from app_helpers import KEYS, OPENING, fill_scope, open_page, replay, sent_bodies, texts, type_draft, with_provider

TERMS = "Acme\nProject Falcon"
DRAFT = "Can we just add CSV export for Acme by March 15? Project Falcon depends on it."


def leaks(bodies: list[str]) -> list[str]:
    return [b for b in bodies if "acme" in b.lower() or "falcon" in b.lower()]


@pytest.fixture(autouse=True)
def openai_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(*KEYS["openai"])


@pytest.mark.parametrize(
    ("page", "button", "calls"), [("rewrite", "run_rewrite_result", 4), ("review", "run_review_result", 2)]
)
def test_draft_pages_never_send_a_confidential_term(page: str, button: str, calls: int) -> None:
    router, route = replay("openai")
    at = with_provider("openai", router, page)
    at.text_area(key="confidential").input(TERMS).run()
    assert "2 confidential term(s) are replaced before sending." in texts(at)
    type_draft(at, DRAFT)
    at.button(key=button).click().run()
    assert not at.exception and not at.error
    bodies = sent_bodies(route)
    assert len(bodies) == calls
    assert leaks(bodies) == []
    assert "Redacted before sending (restored here): " in texts(at)
    assert "confidential term" in texts(at)


def test_without_the_terms_the_same_draft_is_sent_as_is() -> None:
    """The control: the capture does see the names when the PM has not named them confidential."""
    router, route = replay("openai")
    at = with_provider("openai", router, "rewrite")
    type_draft(at, DRAFT)
    at.button(key="run_rewrite_result").click().run()
    assert len(leaks(sent_bodies(route))) == 4


def test_scope_brief_and_rehearsal_never_send_a_confidential_term() -> None:
    router, route = replay("openai")
    at = with_provider("openai", router, "rehearse")
    at.text_area(key="confidential").input(TERMS).run()
    fill_scope(at)  # "Sales, for the Acme renewal"
    at.button(key="run_scope_result").click().run()
    assert not at.exception and not at.error
    at.button(key="start_rehearsal").click().run()
    at.chat_input(key="pm_line").set_value(OPENING).run()  # "... for the Acme renewal ..."
    at.button(key="end_rehearsal").click().run()
    assert not at.exception and not at.error
    bodies = sent_bodies(route)
    names = [b for b in bodies]
    assert len(names) == 4  # brief, stakeholder message, the lead's turn, the debrief
    assert leaks(bodies) == []
    open_page(at, "rewrite")  # the terms stay set across pages
    assert at.text_area(key="confidential").value == TERMS
