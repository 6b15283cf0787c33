"""Replayed OpenAI answers for CLI tests: canned answers for every task, a router that records each request
body, and the one seam that gives the CLI's provider the replay client."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx

from assistant.evaluation.replay import client_for, openai_chat_completion

OPENAI_URL = "https://api.openai.com/v1/chat/completions"
TEST_KEY = "sk-test-cli-0123456789abcdef"

BRIEF_ANSWER = {
    "what_changed": "Exports must include archived projects too.",
    "why": "Finance asked, for the quarterly audit.",
    "unknowns": ["What it does to the sprint."],
    "questions": [{"topic": "components", "text": "Which parts of the export does this touch?"}],
    "opening_line": "Something has changed that might affect the sprint. I want to understand the impact first.",
}
STAKEHOLDER_ANSWER = {
    "change": "Finance asked for archived projects in the export, for the quarterly audit.",
    "impact": "[impact: what the engineering lead assessed]",
    "options": [
        {"option": "Take the change now", "trade_off": "[trade-off: what comes out of the sprint]"},
        {"option": "Schedule it next sprint", "trade_off": "Finance waits for the audit file."},
    ],
    "decision_needed": "Which option to take.",
}
LEAD_ANSWER = {"text": "Thanks for coming to me first. Who is waiting on this?", "concern": "context"}
DEBRIEF_ANSWER = {
    "items": [
        {
            "criterion": "shared-context",
            "score": 1,
            "evidence": [],
            "explanation": "Said what changed.",
        }
    ],
    "summary": "Good start.",
    "next_time": ["Say who asked and why."],
}
ANSWERS: dict[str, dict[str, Any]] = {
    "BriefAnswer": BRIEF_ANSWER,
    "StakeholderAnswer": STAKEHOLDER_ANSWER,
    "LeadTurnAnswer": LEAD_ANSWER,
    "DebriefAnswer": DEBRIEF_ANSWER,
}


def answer_for(body: dict[str, Any]) -> dict[str, Any]:
    """The canned answer for the schema a request asks for (by the response format's schema name)."""
    name = body["response_format"]["json_schema"]["name"]
    return ANSWERS[name]


def openai_route(router: respx.Router) -> respx.Route:
    """Answers every chat completion with the canned answer for its schema; `route.calls` keeps the requests."""

    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=openai_chat_completion(answer_for(json.loads(request.content))))

    return router.post(OPENAI_URL).mock(side_effect=respond)


def sent_bodies(route: respx.Route) -> list[str]:
    """Every request body as sent, JSON-decoded and re-encoded without ASCII escapes (so a term is findable)."""
    return [json.dumps(json.loads(call.request.content), ensure_ascii=False) for call in route.calls]


def use_replay(monkeypatch: pytest.MonkeyPatch, router: respx.Router, tmp_path: Any) -> None:
    """OpenAI chosen with a test key, no cache, and the CLI's provider answering through `router`."""
    from assistant.tasks import drafts

    for name in ("ANTHROPIC_API_KEY", "ASSISTANT_PROVIDER", "ASSISTANT_MODEL", "ASSISTANT_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", TEST_KEY)
    monkeypatch.setenv("ASSISTANT_CACHE", "false")
    monkeypatch.setenv("ASSISTANT_CACHE_DIR", str(tmp_path / "cache"))
    real = drafts.provider_from_settings
    monkeypatch.setattr(
        drafts,
        "provider_from_settings",
        lambda settings=None, **_: real(settings, http_client=client_for(router), sleep=lambda s: None),
    )
