"""Shared pieces of the AppTest tests: start the app headless, read what it shows, and replay model answers
through the app's test seam (`st.session_state[HOOKS_KEY]`, see app/engine.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import respx
from streamlit.testing.v1 import AppTest

from assistant.evaluation.replay import anthropic_message, client_for, openai_chat_completion

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGES = {
    "rewrite": "app/pages/rewrite.py",
    "review": "app/pages/review.py",
    "rehearse": "app/pages/rehearse.py",
}
HOOKS_KEY = "provider_hooks"  # app.engine.HOOKS_KEY
DRAFT = "Can we just add CSV export by March 15? Should be simple."
OPENAI_KEY = "sk-proj-APPTESTopenai0123456789abcdef"
ANTHROPIC_KEY = "sk-ant-api03-APPTESTanthropic0123456789"
KEYS = {"openai": ("OPENAI_API_KEY", OPENAI_KEY), "anthropic": ("ANTHROPIC_API_KEY", ANTHROPIC_KEY)}
OPENAI_URL = "https://api.openai.com/v1/chat/completions"
ANTHROPIC_URL = "https://api.anthropic.com/v1/messages"

# What the replayed model answers, per schema. The rewrite invents "40 customers" (not in the draft):
# the invented-claim guard must replace it with a slot and the app must show that finding.
ANSWERS: dict[str, dict[str, Any]] = {
    "RewriteAnswer": {
        "text": "Could we talk about CSV export for 40 customers by March 15? "
        "[needs: who is asking for this?] What am I missing?",
        "changes": [{"description": "Asked instead of told", "reason": "Invites engineering's view."}],
    },
    "QuestionsAnswer": {
        "questions": [
            {"category": "complexity-drivers", "text": "Which columns does the export need?"},
            {"category": "smaller-version", "text": "Would exporting the current view be enough first?"},
        ]
    },
    "ComplexityAnswer": {
        "flags": [
            {
                "category": "import-export",
                "title": "Large exports",
                "trigger": "CSV export",
                "why": "Big tables may need streaming or a background job.",
                "question": "How many rows can an export hold?",
                "smaller_version": "Export only the visible page first.",
            }
        ]
    },
    "TrustAnswer": {
        "findings": [{"category": "deadline-rigidity", "quote": "by March 15", "why": "It fixes the date first."}]
    },
    "BriefAnswer": {
        "what_changed": "Sales now also wants Excel export and scheduled emails.",
        "why": "Sales, for the Acme renewal.",
        "unknowns": ["What the change does to this sprint."],
        "questions": [
            {"topic": "components", "text": "Which parts of the export does this touch?"},
            {"topic": "rework", "text": "What of the CSV work would be redone?"},
            {"topic": "sprint-risk", "text": "What does this put at risk this sprint?"},
            {"topic": "smaller-alternative", "text": "Would Excel alone, without schedules, help first?"},
        ],
        "opening_line": "Something changed; I want to understand the impact before I tell anyone.",
    },
    "StakeholderAnswer": {
        "change": "Sales also asked for Excel export and scheduled emails.",
        "impact": "We are assessing the impact with engineering. [impact: what it changes in the sprint]",
        "options": [{"option": "Take it in now", "trade_off": "[trade-off: what moves]"}],
        "decision_needed": "Which option to take.",
    },
    "LeadTurnAnswer": {
        "text": "Thanks for telling me first. How much of the CSV work is affected?",
        "concern": "rework",
    },
    "DebriefAnswer": {
        "items": [
            {
                "criterion": "asked-before-asserting",
                "score": 2,
                "evidence": ["What would this do to the sprint?"],
                "explanation": "Asked about the impact first.",
            }
        ],
        "summary": "A calm, curious opening.",
        "next_time": ["Offer two options with their trade-offs."],
    },
}
ORIGINAL = "CSV export of the reports page: one fixed set of columns, for March 15."
CHANGE = "Sales now wants Excel export too, and scheduled emails. Just a minor tweak, shouldn't affect the timeline."
OPENING = (
    "Something has changed that might affect the sprint. Sales asked for Excel export and scheduled "
    "emails for the Acme renewal. What would this do to the sprint?"
)


def start(page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    if page:
        open_page(at, page)
    return at


def open_page(at: AppTest, page: str) -> None:
    at.switch_page(PAGES[page]).run()
    assert not at.exception


def texts(at: AppTest) -> str:
    """Everything the page shows as text, joined (markdown, captions, alerts, code, labels)."""
    parts: list[str] = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "code", "subheader"):
        parts += [str(el.value) for el in getattr(at, kind)]
    parts += [el.label for el in at.expander]
    return "\n".join(parts)


def type_draft(at: AppTest, draft: str = DRAFT) -> None:
    at.text_area(key="draft").input(draft)
    at.run()


def schema_name(request: httpx.Request) -> str:
    body = json.loads(request.content)
    if "tool_choice" in body:
        return body["tool_choice"]["name"]
    return body["response_format"]["json_schema"]["name"]


def replay(provider: str = "openai") -> tuple[respx.Router, respx.Route]:
    """A router answering every schema from ANSWERS; the route records each request sent."""
    router = respx.Router(assert_all_called=False)

    def answer(request: httpx.Request) -> httpx.Response:
        name = schema_name(request)
        if provider == "anthropic":
            return httpx.Response(200, json=anthropic_message(ANSWERS[name], tool_name=name))
        return httpx.Response(200, json=openai_chat_completion(ANSWERS[name]))

    route = router.post(ANTHROPIC_URL if provider == "anthropic" else OPENAI_URL).mock(side_effect=answer)
    return router, route


def with_provider(provider: str, router: respx.Router, page: str | None = None) -> AppTest:
    """The app with `provider` chosen in the sidebar and its requests answered by `router`."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[HOOKS_KEY] = {"http_client": lambda: client_for(router), "sleep": lambda s: None}
    at.run()
    at.selectbox(key="provider").set_value(provider).run()
    assert not at.exception
    if page:
        open_page(at, page)
    return at


def fill_scope(at: AppTest) -> None:
    at.text_area(key="scope_original").input(ORIGINAL)
    at.text_area(key="scope_change").input(CHANGE)
    at.text_input(key="scope_who_why").input("Sales, for the Acme renewal")
    at.text_input(key="scope_changed_before").input("1")
    at.run()


def sent_bodies(route: respx.Route) -> list[str]:
    """Every request body the app sent, decoded."""
    return [call.request.content.decode("utf-8") for call in route.calls]
