"""Rehearsal: the scripted (offline) and model-played engineering lead, the debrief, and serialisable state.
Model calls are replayed OpenAI / Anthropic responses (no key, no network)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx
from scope_demo import DEMO_INPUT

from assistant.checks.guards import find_estimates, find_invented_claims
from assistant.checks.lint import find_trust_phrases
from assistant.evaluation.replay import anthropic_message, client_for, openai_chat_completion
from assistant.llm.prompt_files import load_prompt
from assistant.llm.providers.anthropic_provider import AnthropicProvider
from assistant.llm.providers.openai_provider import OpenAIProvider
from assistant.tasks.rehearsal import (
    CRITERIA,
    PERSONAS,
    Debrief,
    LeadTurn,
    Rehearsal,
    RehearsalEnded,
    RehearsalState,
    deterministic_scores,
    scripted_lead_turn,
)
from assistant.tasks.scope import ScopeChangeInput
from assistant.text.reading import InputError

OPENAI_URL = "https://api.openai.com/v1/chat/completions"
ANTHROPIC_URL = "https://api.anthropic.com/v1/messages"
NEUTRAL_LINES = ("ok", "I see", "go on", "right", "and then", "noted", "thanks", "anything else", "fine")
OPENING = (
    "Something has changed that might affect the sprint. I want to understand the impact before I communicate "
    "anything externally. Finance asked for archived projects in the export, because the quarterly audit "
    "needs them. Which parts would that touch?"
)
BARE = ScopeChangeInput(original="A settings page for admins.", change="Add a dark mode toggle.")


def play(persona: str, lines: tuple[str, ...] | list[str], inp: ScopeChangeInput = DEMO_INPUT) -> Rehearsal:
    session = Rehearsal.start(inp, persona)  # type: ignore[arg-type]
    for line in lines:
        session.reply(line)
    return session


def lead_texts(session: Rehearsal) -> list[str]:
    return [t.text for t in session.transcript if t.speaker == "lead"]


def scores(lines: list[str], inp: ScopeChangeInput = DEMO_INPUT) -> dict[str, int]:
    return {i.criterion: i.score for i in deterministic_scores(lines, inp)}


# ---------------------------------------------------------------- the scripted lead
@pytest.mark.parametrize("persona", list(PERSONAS))
def test_scripted_lead_is_deterministic_for_the_same_lines(persona: str) -> None:
    lines = (OPENING, *NEUTRAL_LINES[:4])
    assert lead_texts(play(persona, lines)) == lead_texts(play(persona, lines))


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_scripted_lead_varies_its_lines_by_turn_index(persona: str) -> None:
    texts = lead_texts(play(persona, (OPENING, *NEUTRAL_LINES[:6])))
    assert len(set(texts)) == len(texts) == 7


def test_persona_changes_what_the_lead_says() -> None:
    lines = (OPENING, *NEUTRAL_LINES[:3])
    transcripts = {persona: tuple(lead_texts(play(persona, lines))) for persona in PERSONAS}
    assert len(set(transcripts.values())) == 3
    assert "few minutes" in transcripts["overloaded"][0]


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_scripted_lead_raises_rework_sprint_commitments_and_tech_debt(persona: str) -> None:
    session = play(persona, (OPENING, *NEUTRAL_LINES))
    concerns = {t.concern for t in session.transcript if t.speaker == "lead"}
    assert {"rework", "sprint-commitments", "tech-debt", "complexity", "moving-target"} <= concerns


def test_scripted_lead_names_the_complexity_flags_of_the_change() -> None:
    joined = " ".join(lead_texts(play("supportive", (OPENING, *NEUTRAL_LINES[:5]))))
    assert '("export")' in joined and '("every Monday")' in joined


def test_scripted_lead_raises_the_moving_target_only_when_the_feature_changed_before() -> None:
    moving = play("skeptical", (OPENING, *NEUTRAL_LINES))
    still = play("skeptical", (OPENING, *NEUTRAL_LINES), DEMO_INPUT.model_copy(update={"changed_before": None}))
    assert any(t.concern == "moving-target" for t in moving.transcript)
    assert not any(t.concern == "moving-target" for t in still.transcript)


@pytest.mark.parametrize(
    ("line", "quoted"),
    [
        ("It's a tiny tweak, honestly.", "a tiny tweak"),
        ("This won't affect the timeline.", "won't affect the timeline"),
        ("Can you get it done in two days?", None),
        ("The devs missed the deadline last time, so let's be careful.", None),
        ("It should be easy.", "It should be easy"),
    ],
)
@pytest.mark.parametrize("persona", list(PERSONAS))
def test_scripted_lead_pushes_back_on_trivialising_bargaining_asserting_and_blame(
    persona: str, line: str, quoted: str | None
) -> None:
    turn = play(persona, (OPENING,)).reply(line)
    assert turn.concern == "pushback"
    if quoted:
        assert f'"{quoted}"' in turn.text


def test_scripted_lead_answers_the_concern_the_pm_line_touches() -> None:
    session = play("supportive", (OPENING,))
    assert session.reply("What would we have to drop to make room?").concern == "sprint-commitments"
    assert session.reply("Is there a smaller version we could start with?").concern == "smaller-version"


def test_scripted_lead_asks_for_context_only_when_the_pm_gave_none() -> None:
    vague = play("supportive", ("Something has changed that might affect the sprint.",))
    assert vague.transcript[-1].concern == "context"
    assert play("supportive", (OPENING,)).transcript[-1].concern != "context"


def test_scripted_lead_wraps_up_when_every_concern_was_raised() -> None:
    session = play("overloaded", (OPENING, *NEUTRAL_LINES, "ok", "ok"))
    assert session.transcript[-1].concern == "wrap-up"


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_scripted_lead_lines_pass_the_guards_and_never_estimate(persona: str) -> None:
    lines = (OPENING, "It's a tiny tweak.", "Can you do it in 2 days?", *NEUTRAL_LINES)
    for inp in (DEMO_INPUT, BARE):
        session = play(persona, lines, inp)
        for result in session.to_state().lead_results:
            assert result.engine == "offline" and result.guards.passed, result.guards
            assert find_estimates(result.result.text) == []
            assert [f for f in find_trust_phrases(result.result.text) if f.severity != "suggestion"] == []


def test_scripted_lead_turn_is_a_pure_function_of_its_inputs() -> None:
    session = play("skeptical", (OPENING, "ok"))
    again = scripted_lead_turn(DEMO_INPUT, "skeptical", session.transcript, "go on")
    assert again == scripted_lead_turn(DEMO_INPUT, "skeptical", session.transcript, "go on")
    assert again.index == 2


# ---------------------------------------------------------------- state
def test_state_round_trips_through_json_and_the_session_continues_identically() -> None:
    straight = play("skeptical", (OPENING, "ok", "go on", "right"))
    half = play("skeptical", (OPENING, "ok"))
    saved = half.to_state().model_dump_json()
    resumed = Rehearsal.from_state(json.loads(saved))
    for line in ("go on", "right"):
        resumed.reply(line)
    assert resumed.transcript == straight.transcript
    assert Rehearsal.from_state(saved).to_state() == half.to_state()
    assert resumed.end() == straight.end()
    assert RehearsalState.model_validate_json(resumed.to_state().model_dump_json()).debrief is not None


def test_to_state_is_a_copy_that_does_not_change_with_the_session() -> None:
    session = play("supportive", (OPENING,))
    state = session.to_state()
    session.reply("ok")
    assert len(state.transcript) == 2 and len(session.transcript) == 4


# ---------------------------------------------------------------- guard rails of the session
def test_reply_after_end_is_refused_and_end_twice_returns_the_same_debrief() -> None:
    session = play("supportive", (OPENING,))
    first = session.end()
    assert session.ended and session.end() == first
    with pytest.raises(RehearsalEnded):
        session.reply("one more thing")


@pytest.mark.parametrize("line", ["", "   ", "x" * 4001])
def test_empty_or_overlong_lines_are_refused(line: str) -> None:
    with pytest.raises(InputError):
        Rehearsal.start(DEMO_INPUT).reply(line)


def test_unknown_persona_is_refused() -> None:
    with pytest.raises(InputError):
        Rehearsal.start(DEMO_INPUT, "grumpy")  # type: ignore[arg-type]


# ---------------------------------------------------------------- the deterministic debrief
def test_offline_debrief_uses_deterministic_signals_only_and_says_so() -> None:
    debrief = play("supportive", (OPENING, "ok")).end()
    assert [i.criterion for i in debrief.items] == list(CRITERIA)
    assert {i.source for i in debrief.items} == {"deterministic"}
    assert "Deterministic signals only" in debrief.method and "No model judgement" in debrief.method
    assert debrief.model_score is None and debrief.max_score == 10
    assert debrief.deterministic_score == sum(i.score for i in debrief.items)


def test_debrief_evidence_is_quoted_from_the_pm_lines() -> None:
    lines = [
        OPENING,
        "Could the team get it done in two days?",
        "I'll explain the trade-off to Finance myself.",
    ]
    session = play("skeptical", lines)
    debrief = session.end()
    pm_text = " ".join(" ".join(line.split()) for line in lines)
    evidence = [e for i in debrief.items for e in i.evidence]
    assert evidence and all(e in pm_text for e in evidence)


@pytest.mark.parametrize(
    ("lines", "criterion", "expected"),
    [
        (["Finance asked for archived projects in the export, because of the audit."], "shared-context", 2),
        (["Something changed."], "shared-context", 0),
        (["What does this do to the sprint?"], "asked-before-asserting", 2),
        (["This won't affect the timeline. What do you think?"], "asked-before-asserting", 1),
        (["We need archived projects in the export."], "asked-before-asserting", 0),
        (["Can you get it done in two days?"], "asked-before-asserting", 0),  # a bargain is not a question
        (["Can you get it done in two days?"], "no-bargaining", 0),
        (["It's a tiny tweak."], "no-bargaining", 0),
        (["What is driving the complexity?"], "no-bargaining", 2),
        (["I'll explain the trade-off to Finance myself."], "owned-trade-off", 2),
        (["There is a trade-off here."], "owned-trade-off", 1),
        (["I'll explain the trade-off, but the devs missed the deadline."], "owned-trade-off", 0),
        (
            ["We could do a smaller version first.", "Alternatively, move it to next sprint."],
            "offered-options",
            2,
        ),
        (["We could do a smaller version first."], "offered-options", 1),
        (["Please look at it."], "offered-options", 0),
    ],
)
def test_deterministic_debrief_scores_each_criterion_from_the_pm_lines(
    lines: list[str], criterion: str, expected: int
) -> None:
    assert scores(lines)[criterion] == expected


def test_a_trust_keeping_pm_scores_higher_than_a_trust_damaging_one() -> None:
    good = [
        OPENING,
        "What would we have to drop or delay to make room?",
        "We could do a smaller version first. Alternatively, move the Monday copy to next sprint.",
        "I'll take the trade-off to Finance myself.",
    ]
    bad = [
        "Just a minor tweak: add archived projects. This won't affect the timeline.",
        "Can you get it done in two days?",
        "Last time the devs missed the deadline.",
    ]
    assert sum(scores(good).values()) == 10
    assert sum(scores(bad).values()) <= 2


# ---------------------------------------------------------------- the model-played lead, replayed
LEAD_ANSWERS = [
    {"text": "Thanks for asking before promising anything. Who is waiting on this?", "concern": "context"},
    {"text": "Honestly it's about two days of work, but the rework worries me more.", "concern": "rework"},
    {
        "text": "If it comes in, something in the sprint has to move, and rushing adds tech debt.",
        "concern": "tech-debt",
    },
]
DEBRIEF_ANSWER = {
    "items": [
        {
            "criterion": "shared-context",
            "score": 2,
            "evidence": ["Finance asked for archived projects"],
            "explanation": "Said who asked and why.",
        },
        {
            "criterion": "asked-before-asserting",
            "score": 1,
            "evidence": ["What would this touch?", "I never said this"],
            "explanation": "Asked, then bargained.",
        },
        {
            "criterion": "no-bargaining",
            "score": 0,
            "evidence": ["two days"],
            "explanation": 'Offered "two days".',
        },
        {
            "criterion": "owned-trade-off",
            "score": 2,
            "evidence": ["I'll explain the trade-off to Finance myself"],
            "explanation": "Took the trade-off on.",
        },
        {
            "criterion": "offered-options",
            "score": 1,
            "evidence": ["We could do a smaller version first"],
            "explanation": "One option.",
        },
        {"criterion": "offered-options", "score": 0, "evidence": [], "explanation": "A duplicate."},
    ],
    "summary": "Good context and ownership; let the lead size the work.",
    "next_time": ["Ask what drives the work instead of offering a number."],
}
PM_LINES = [
    "Something has changed that might affect the sprint. Finance asked for archived projects in the export, "
    "for the audit. What would this touch?",
    "Could the team get it done in two days?",
    "Fair. We could do a smaller version first, and I'll explain the trade-off to Finance myself.",
]


def openai_session(router: respx.Router, persona: str = "skeptical") -> Rehearsal:
    provider = OpenAIProvider(api_key="sk-test-rehearsal-0123", http_client=client_for(router), sleep=lambda s: None)
    return Rehearsal.start(DEMO_INPUT, persona, provider, notice="using openai")  # type: ignore[arg-type]


def replies(answers: list[dict[str, Any]]) -> list[httpx.Response]:
    return [httpx.Response(200, json=openai_chat_completion(a)) for a in answers]


def test_model_lead_plays_three_turns_in_character_through_openai() -> None:
    router = respx.Router()
    route = router.post(OPENAI_URL).mock(side_effect=replies(LEAD_ANSWERS))
    session = openai_session(router)
    turns = [session.reply(line) for line in PM_LINES]

    assert [t.index for t in turns] == [0, 1, 2] and {t.source for t in turns} == {"model"}
    assert [t.concern for t in turns] == ["context", "rework", "tech-debt"]
    assert turns[0].text == LEAD_ANSWERS[0]["text"]
    assert route.call_count == 3
    result = session.last_result
    assert result is not None and (result.task, result.engine, result.provider) == (
        "lead_turn",
        "llm",
        "openai",
    )
    assert result.prompt_version == load_prompt("lead_turn").version and result.tokens.prompt_tokens == 120
    third = json.loads(route.calls[2].request.content)["messages"]
    assert PERSONAS["skeptical"] in third[0]["content"]
    assert f"<pm_line>\n{PM_LINES[2]}\n</pm_line>" in third[1]["content"]
    assert f"PM: {PM_LINES[0]}" in third[1]["content"]
    assert "Lead: Honestly it's about [needs: engineering's view of the effort] of work" in third[1]["content"]


def test_model_lead_never_sizes_the_work_even_with_the_pm_number() -> None:
    router = respx.Router()
    router.post(OPENAI_URL).mock(side_effect=replies(LEAD_ANSWERS))
    session = openai_session(router)
    turns = [session.reply(line) for line in PM_LINES]
    assert "two days" not in turns[1].text and "[needs: engineering's view of the effort]" in turns[1].text
    guards = session.to_state().lead_results[1].guards
    assert [g.guard for g in guards.findings] == ["estimate"]
    for turn in turns:
        assert find_estimates(turn.text) == []
        assert find_invented_claims(turn.text, [*DEMO_INPUT.sources(), *PM_LINES]) == []


def test_model_debrief_combines_deterministic_and_model_scores_and_says_which() -> None:
    router = respx.Router()
    route = router.post(OPENAI_URL).mock(side_effect=replies([*LEAD_ANSWERS, DEBRIEF_ANSWER]))
    session = openai_session(router)
    for line in PM_LINES:
        session.reply(line)
    debrief = session.end()

    assert route.call_count == 4
    deterministic = [i for i in debrief.items if i.source == "deterministic"]
    model = [i for i in debrief.items if i.source == "model"]
    assert [i.criterion for i in deterministic] == [i.criterion for i in model] == list(CRITERIA)
    assert debrief.model_score == 6 and debrief.deterministic_score == sum(i.score for i in deterministic)
    assert "model's judgement" in debrief.method and "Deterministic signals" in debrief.method
    assert debrief.summary.startswith("Good context") and "Deterministic score" in debrief.summary
    assert debrief.next_time == ["Ask what drives the work instead of offering a number."]
    sent = json.loads(route.calls[3].request.content)["messages"][1]["content"]
    assert "<signals>" in sent and "no-bargaining: 0/2" in sent
    result = session.last_result
    assert result is not None and result.task == "debrief" and result.prompt_version == load_prompt("debrief").version


def test_model_debrief_drops_evidence_that_is_not_in_the_pm_lines() -> None:
    router = respx.Router()
    router.post(OPENAI_URL).mock(side_effect=replies([*LEAD_ANSWERS, DEBRIEF_ANSWER]))
    session = openai_session(router)
    for line in PM_LINES:
        session.reply(line)
    debrief = session.end()
    asked = next(i for i in debrief.items if i.source == "model" and i.criterion == "asked-before-asserting")
    assert asked.evidence == ["What would this touch?"]
    dropped = [g for g in session.to_state().debrief.guards.findings if "dropped" in g.detail]  # type: ignore[union-attr]
    assert [g.text for g in dropped] == ["I never said this"]


def test_ending_without_pm_lines_calls_no_model() -> None:
    router = respx.Router()
    route = router.post(OPENAI_URL).mock(side_effect=replies([DEBRIEF_ANSWER]))
    debrief = openai_session(router).end()
    assert route.call_count == 0
    assert isinstance(debrief, Debrief) and debrief.pm_turns == 0 and debrief.deterministic_score == 0


def test_model_lead_through_anthropic_redacts_emails_and_restores_them() -> None:
    router = respx.Router()
    answer = {"text": "I'll send the impact to [EMAIL_1] once we've looked.", "concern": "trade-off"}
    route = router.post(ANTHROPIC_URL).mock(
        return_value=httpx.Response(200, json=anthropic_message(answer, tool_name="LeadTurnAnswer"))
    )
    provider = AnthropicProvider(api_key="sk-ant-test-rehearsal", http_client=client_for(router), sleep=lambda s: None)
    session = Rehearsal.start(DEMO_INPUT, "supportive", provider)
    turn = session.reply("Send what you find to pm.person@example.com, and I'll take it to Finance.")

    assert "pm.person@example.com" not in route.calls[0].request.content.decode()
    assert turn.text == "I'll send the impact to pm.person@example.com once we've looked."
    result = session.last_result
    assert result is not None and result.provider == "anthropic" and result.redacted == 1


def test_state_with_model_results_round_trips_and_continues_with_a_provider() -> None:
    router = respx.Router()
    router.post(OPENAI_URL).mock(side_effect=replies(LEAD_ANSWERS))
    session = openai_session(router)
    session.reply(PM_LINES[0])
    state = RehearsalState.model_validate_json(session.to_state().model_dump_json())
    assert state.lead_results[0].engine == "llm" and isinstance(state.lead_results[0].result, LeadTurn)
    resumed = Rehearsal.from_state(state, session.provider)
    assert resumed.reply(PM_LINES[1]).index == 1
