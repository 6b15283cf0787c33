"""Every route of the real server answers what the library answers, as the same pydantic types."""

from __future__ import annotations

import uuid

import pytest

import assistant
from assistant.schemas import Analysis, LintReport, PMContext, TaskResult

DRAFT = (
    "Hi team, can we just add CSV export to the reports page by March 15? Should be simple. "
    "I hear you, but the deadline doesn't change."
)
CONTEXT = {"who": "Finance admins at our three largest accounts", "evidence": "14 support tickets since January"}


def _unique(text: str) -> str:
    """The text with a unique tail, so a test never reads another test's cached answer."""
    return f"{text} Ref {uuid.uuid4().hex[:8]}."


def test_health_says_offline_and_versioned(live_server):
    with live_server.client() as client:
        body = client.get("/v1/health", headers=live_server.auth).json()
    assert body["status"] == "ok"
    assert body["api_version"] == "v1"
    assert body["engine"] == "offline" and body["provider"] == "offline"
    assert body["version"] == assistant.__version__


def test_lint_equals_the_library(live_server):
    text = _unique(DRAFT)
    with live_server.client() as client:
        response = client.post("/v1/lint", headers=live_server.auth, json={"text": text})
    assert response.status_code == 200
    assert LintReport.model_validate(response.json()) == assistant.lint(text)
    rule_ids = {f["rule_id"] for f in response.json()["findings"]}
    assert {"trivializing.can-we-just", "deadline-rigidity.deadline-doesnt-change"} <= rule_ids


def test_lint_options_are_the_cli_options(live_server):
    text = _unique(DRAFT + " It should be fast.")
    body = {"text": text, "ambiguity": False, "min_severity": "error"}
    with live_server.client() as client:
        got = client.post("/v1/lint", headers=live_server.auth, json=body).json()
    assert got == assistant.lint(text, ambiguity=False, min_severity="error").model_dump(mode="json")


def test_analyze_equals_the_library(live_server):
    text = _unique(DRAFT)
    with live_server.client() as client:
        got = client.post("/v1/analyze", headers=live_server.auth, json={"text": text, "context": CONTEXT}).json()
    assert Analysis.model_validate(got) == assistant.analyze(text, PMContext(**CONTEXT))


@pytest.mark.parametrize("task", ["rewrite", "questions", "complexity"])
def test_draft_tasks_equal_the_library(live_server, task):
    text = _unique(DRAFT)
    with live_server.client() as client:
        got = client.post(f"/v1/{task}", headers=live_server.auth, json={"text": text, "context": CONTEXT}).json()
    expected = getattr(assistant, task)(text, PMContext(**CONTEXT))
    assert got["task"] == task and got["engine"] == "offline"
    assert got["result"] == expected.result.model_dump(mode="json")
    assert type(expected).model_validate(got).result == expected.result
    assert isinstance(expected, TaskResult)


def test_a_repeated_message_is_answered_from_the_cache(live_server):
    text = _unique(DRAFT)
    with live_server.client() as client:
        first = client.post("/v1/lint", headers=live_server.auth, json={"text": text})
        second = client.post("/v1/lint", headers=live_server.auth, json={"text": text})
        other_route = client.post("/v1/analyze", headers=live_server.auth, json={"text": text})
    assert first.headers["x-assistant-cache"] == "miss"
    assert second.headers["x-assistant-cache"] == "hit"
    assert second.json() == first.json()
    assert other_route.headers["x-assistant-cache"] == "miss"


def test_openapi_document_lists_every_versioned_route(live_server):
    with live_server.client() as client:
        doc = client.get("/v1/openapi.json", headers=live_server.auth).json()
    routes = ("health", "lint", "analyze", "rewrite", "questions", "complexity")
    assert set(doc["paths"]) == {f"/v1/{r}" for r in routes}
    assert doc["components"]["securitySchemes"]["token"] == {"type": "http", "scheme": "bearer"}
    assert "LintReport" in doc["components"]["schemas"]


def test_an_empty_text_is_a_clear_422(live_server):
    with live_server.client() as client:
        response = client.post("/v1/lint", headers=live_server.auth, json={"text": "   "})
    assert response.status_code == 422
    assert "the text is empty" in response.text
