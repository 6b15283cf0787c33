"""`--confidential TERM` on the scope commands: the captured request bodies of a replayed OpenAI run never
contain the term (in any case), the placeholder goes out instead, and what the PM sees has the term back."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
import respx
from cli_replay import openai_route, sent_bodies, use_replay

from assistant.cli.main import main

CUSTOMER, CODENAME = "Globex", "Project Falcon"
ORIGINAL = f"Monthly CSV export of active projects for {CUSTOMER}, ready for the design review."
CHANGE = f"{CODENAME} needs archived projects in the export too, for the {CUSTOMER} audit."
WHO_WHY = f"Finance at {CUSTOMER} asked, for the quarterly audit."
SCOPE_ARGS = ["--original-text", ORIGINAL, "--change-text", CHANGE, "--who-why", WHO_WHY, "--provider", "openai"]
CONFIDENTIAL = ["--confidential", CUSTOMER, "--confidential", CODENAME]


def assert_never_sent(route: respx.Route) -> None:
    bodies = sent_bodies(route)
    assert bodies, "no request was sent"
    for body in bodies:
        lowered = body.lower()
        assert CUSTOMER.lower() not in lowered and CODENAME.lower() not in lowered, body
        assert "[CONFIDENTIAL_1]" in body  # the placeholder went out in the term's place


@pytest.fixture
def route(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> respx.Route:
    router = respx.Router()
    use_replay(monkeypatch, router, tmp_path)
    return openai_route(router)


def test_scope_change_never_sends_a_confidential_term(route: respx.Route, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scope-change", *SCOPE_ARGS, *CONFIDENTIAL]) == 0
    out = capsys.readouterr().out
    assert route.call_count == 2  # the brief and the stakeholder draft
    assert_never_sent(route)
    assert "(engine: llm)" in out


def test_rehearse_never_sends_a_confidential_term(
    route: respx.Route, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{CUSTOMER} asked for archived projects. What would it touch?\n"))
    assert main(["rehearse", *SCOPE_ARGS, *CONFIDENTIAL]) == 0
    out = capsys.readouterr().out
    assert route.call_count == 2  # one lead turn and the debrief
    assert_never_sent(route)
    assert f"you> {CUSTOMER} asked" in out and "lead> Thanks for coming to me first" in out


def test_without_the_flag_the_term_does_go_out(route: respx.Route, capsys: pytest.CaptureFixture[str]) -> None:
    """The control: the replay really captures what is sent, so the tests above prove something."""
    assert main(["scope-change", *SCOPE_ARGS]) == 0
    capsys.readouterr()
    assert any(CUSTOMER in body for body in sent_bodies(route))
