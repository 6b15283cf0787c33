"""The scope-change page, headless: headings in step order, persona texts whole, the brief, the message,
the role-play and a debrief with no empty column; offline and replayed with an error mid-conversation."""

from __future__ import annotations

import html

import httpx
import pytest
import respx
from app_helpers import (
    ANSWERS,
    CHANGE,
    KEYS,
    OPENAI_URL,
    OPENING,
    ORIGINAL,
    fill_scope,
    open_page,
    schema_name,
    start,
    texts,
    with_provider,
)

from assistant.evaluation.replay import openai_chat_completion, openai_error
from assistant.tasks.rehearsal import PERSONAS, Rehearsal
from assistant.tasks.scope import ScopeChangeInput

SQUEEZE = "It's just a small change, can you squeeze it in?"
WHO_WHY = "Sales, for the Acme renewal"  # what fill_scope types
STEPS = [
    "#### 1. Describe the change",
    "#### 2. Talk to the engineering lead first",
    "#### 3. Then tell stakeholders the change and its trade-off",
    "#### 4. Rehearse the conversation",
]


def headings(at) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m.value) for m in at.markdown if str(m.value).startswith("#### ")]


def test_headings_follow_the_steps_before_and_after_a_run() -> None:
    at = start("rehearse")
    assert headings(at) == STEPS
    fill_scope(at)
    at.button(key="run_scope_result").click().run()
    assert headings(at) == STEPS


def test_the_legend_names_every_highlight_the_page_shows() -> None:
    at = start("rehearse")
    legend = next(str(m.value) for m in at.markdown if "Highlights:" in str(m.value))
    for entry in ("error", "warning", "suggestion", "[needs: …] slot to fill"):
        assert f">{entry}</mark>" in legend


def test_persona_descriptions_are_shown_whole() -> None:
    at = start("rehearse")
    radio = at.radio(key="persona")
    assert radio.options == ["Supportive", "Skeptical", "Overloaded"]
    captions = [str(c) for c in radio.proto.captions]
    assert captions == [text.partition(": ")[2] for text in PERSONAS.values()]
    assert "assumes good intent, but protects the team's sprint commitments" in captions[0]


def test_rehearsal_page_offline_end_to_end() -> None:
    at = start("rehearse")
    fill_scope(at)
    at.button(key="run_scope_result").click().run()
    assert not at.exception
    shown = texts(at)
    assert "already changed during the sprint" in shown  # moving target (changed once before)
    assert ">Just a minor tweak</mark>" in shown and ">shouldn&#x27;t affect the timeline</mark>" in shown
    assert "1. Which parts of the system does this change touch?" in shown
    assert "**Scheduled or background work**" in shown
    assert ">[impact: " in shown and ">[trade-off: " in shown
    assert "Consistency check passed" in shown

    at.button(key="start_rehearsal").click().run()
    assert "Try opening with:" in texts(at)
    at.chat_input(key="pm_line").set_value(OPENING).run()
    at.chat_input(key="pm_line").set_value(SQUEEZE).run()
    assert not at.exception
    assert [m.name for m in at.chat_message] == ["user", "assistant", "user", "assistant"]
    lead = "\n".join(str(m.value) for m in at.chat_message[3].markdown)
    # the page shows the package's scripted lead, in character: the same session run directly says the same
    session = Rehearsal.start(ScopeChangeInput(original=ORIGINAL, change=CHANGE, who_why=WHO_WHY, changed_before="1"))
    session.reply(OPENING)
    expected = session.reply(SQUEEZE).text
    assert lead == html.escape(expected, quote=True)

    at.button(key="end_rehearsal").click().run()
    assert not at.exception
    shown = texts(at)
    debrief = session.end()  # the package's own debrief of the same lines: the page shows all of it
    assert "**Asked before asserting** ●● 2/2" in shown
    for item in debrief.items:
        dots = "●" * item.score + "○" * (2 - item.score)
        assert f"**{item.label}** {dots} {item.score}/2" in shown
        for quote in item.evidence:  # the PM's own words as evidence
            assert f"> {html.escape(quote, quote=True)}" in shown
    # offline there is no model score: two metrics in two columns, no empty third column
    assert [m.label for m in at.metric] == ["Rules score", "Your lines"]
    assert [m.value for m in at.metric] == [f"{debrief.deterministic_score}/{debrief.max_score}", "2"]
    assert not at.chat_input  # the role-play has ended

    at.button(key="reset_rehearsal").click().run()
    assert not at.chat_message and at.text_area(key="scope_change").value.startswith("Sales now wants")


def test_rehearsal_replayed_with_a_provider_error_mid_conversation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(*KEYS["openai"])
    router = respx.Router(assert_all_called=False)
    failing = {"on": False}

    def answer(request: httpx.Request) -> httpx.Response:
        if failing["on"]:
            return httpx.Response(401, json=openai_error("Incorrect API key", type="invalid_api_key"))
        return httpx.Response(200, json=openai_chat_completion(ANSWERS[schema_name(request)]))

    route = router.post(OPENAI_URL).mock(side_effect=answer)
    at = with_provider("openai", router, "rehearse")
    fill_scope(at)
    assert "prompt tokens in 2 calls (brief, then stakeholder message)" in texts(at)
    at.button(key="run_scope_result").click().run()
    assert not at.exception
    assert "Which parts of the export does this touch?" in texts(at)
    assert ">[impact: what it changes in the sprint]</mark>" in texts(at)

    at.button(key="start_rehearsal").click().run()
    assert "prompt tokens in 1 call for your next line" in texts(at)
    at.chat_input(key="pm_line").set_value(OPENING).run()
    assert "How much of the CSV work is affected?" in texts(at)

    failing["on"] = True
    at.chat_input(key="pm_line").set_value("Could we ship Excel first and schedules later?").run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "OpenAI rejected the API key (HTTP 401): check OPENAI_API_KEY holds a valid, active key."
    ]
    assert "Could we ship Excel first and schedules later?" in [c.value for c in at.code]  # the unsent line
    assert len(at.chat_message) == 2  # the failed line did not enter the transcript

    failing["on"] = False
    at.button(key="end_rehearsal").click().run()
    assert not at.exception and not at.error
    assert [m.label for m in at.metric] == ["Rules score", "Model score", "Your lines"]
    assert "_model_" in texts(at) and "A calm, curious opening." in texts(at)
    names = [schema_name(c.request) for c in route.calls]
    assert names[:3] == ["BriefAnswer", "StakeholderAnswer", "LeadTurnAnswer"] and names[-1] == "DebriefAnswer"


def test_scope_page_with_a_missing_key_runs_offline() -> None:
    router = respx.Router(assert_all_called=False)
    route = router.post(OPENAI_URL)
    at = with_provider("openai", router, "rehearse")
    fill_scope(at)
    assert at.button(key="run_scope_result").label == "Run offline instead"
    at.button(key="run_scope_result").click().run()
    assert not route.calls and not at.error
    assert any("**OpenAI needs an API key**, so this is the offline result." in i.value for i in at.info)
    open_page(at, "rewrite")
