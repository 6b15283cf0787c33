"""Providers against replayed wire-format responses: respx routes served through the httpx2 bridge.

No key, no network: every request goes through `assistant.evaluation.replay.client_for(router)`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest
import respx
from pydantic import BaseModel, ConfigDict, Field

from assistant.evaluation.replay import (
    anthropic_error,
    anthropic_message,
    client_for,
    openai_chat_completion,
    openai_error,
    scrub_headers,
)
from assistant.llm.providers import (
    AuthError,
    BadRequest,
    ConnectionFailed,
    InvalidResponse,
    ModelNotFound,
    ProviderError,
    ProviderTimeout,
    ProviderUnavailable,
    RateLimited,
    Refusal,
    TruncatedResponse,
    get_provider,
)
from assistant.llm.providers.anthropic_provider import AnthropicProvider
from assistant.llm.providers.base import parse_json_object, strict_json_schema
from assistant.llm.providers.compatible import CompatibleProvider
from assistant.llm.providers.errors import ConfigError, scrub
from assistant.llm.providers.openai_provider import OpenAIProvider, is_reasoning_model
from assistant.llm.providers.retry import RetryPolicy, call_with_retry, parse_retry_after
from assistant.llm.settings import Settings


class Change(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: str
    reason: str


class Rewrite(BaseModel):
    """A stand-in for assistant.schemas.Rewrite, so these tests do not follow that model's changes."""

    model_config = ConfigDict(extra="forbid")
    text: str
    changes: list[Change] = Field(default_factory=list)
    slots: list[str] = Field(default_factory=list)
    source: Literal["offline", "model"] = "offline"


OPENAI_KEY = "sk-proj-TESTKEYopenai0123456789abcdef"
ANTHROPIC_KEY = "sk-ant-api03-TESTKEYanthropic0123456789"
COMPAT_KEY = "local-secret-7f3a9c"
ANSWER = {
    "text": "Could we add CSV export for the finance team by the end of Q3?",
    "changes": [{"description": "Asked instead of demanded", "reason": "Invites a conversation"}],
    "slots": [],
    "source": "model",
}
SYSTEM = "You rewrite feature requests."
USER = "We need CSV export ASAP, should be easy."


@dataclass
class Kit:
    """How to talk to one provider in a test."""

    name: str
    url: str
    key: str

    def make(self, router: respx.Router, sleeps: list[float], **kwargs: Any) -> Any:
        common: dict[str, Any] = {"http_client": client_for(router), "sleep": sleeps.append, **kwargs}
        if self.name == "openai":
            return OpenAIProvider(api_key=self.key, **common)
        if self.name == "anthropic":
            return AnthropicProvider(api_key=self.key, **common)
        return CompatibleProvider(api_key=self.key, base_url="http://127.0.0.1:8000/v1", **common)

    def success(self, data: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        data = ANSWER if data is None else data
        if self.name == "anthropic":
            return anthropic_message(data, tool_name="Rewrite", **kwargs)
        model = "local-model" if self.name == "openai-compatible" else "gpt-5.4-mini"
        return openai_chat_completion(data, model=model, **kwargs)

    def error(self, message: str, kind: str = "invalid_request_error") -> dict[str, Any]:
        if self.name == "anthropic":
            return anthropic_error(message, type=kind)
        return openai_error(message, type=kind)


KITS = [
    Kit("openai", "https://api.openai.com/v1/chat/completions", OPENAI_KEY),
    Kit("anthropic", "https://api.anthropic.com/v1/messages", ANTHROPIC_KEY),
    Kit("openai-compatible", "http://127.0.0.1:8000/v1/chat/completions", COMPAT_KEY),
]


@pytest.fixture(params=KITS, ids=lambda kit: kit.name)
def kit(request: pytest.FixtureRequest) -> Kit:
    return request.param


@pytest.fixture
def router() -> respx.Router:
    return respx.Router(assert_all_called=False)


@pytest.fixture
def sleeps() -> list[float]:
    return []


def sent_body(route: respx.Route, index: int = -1) -> dict[str, Any]:
    return json.loads(route.calls[index].request.content)


def assert_no_secret(error: ProviderError, key: str) -> None:
    for text in (str(error), error.user_message, repr(error), error.detail, " ".join(map(str, error.args))):
        assert key not in text
        assert "Bearer" not in text


# -- success and request bodies -----------------------------------------------------------


def test_structured_output_success(kit: Kit, router: respx.Router, sleeps: list[float]) -> None:
    route = router.post(kit.url).mock(return_value=httpx.Response(200, json=kit.success()))
    provider = kit.make(router, sleeps)

    response = provider.complete(SYSTEM, USER, Rewrite)

    assert response.data == ANSWER
    assert Rewrite.model_validate(response.data).text.startswith("Could we")
    assert json.loads(response.raw_text) == ANSWER
    assert response.provider == kit.name
    assert response.attempts == 1
    assert response.usage.prompt_tokens and response.usage.completion_tokens
    assert response.stop_reason in {"stop", "tool_use"}
    assert route.call_count == 1 and sleeps == []
    request = route.calls.last.request
    auth = request.headers.get("authorization", "") + request.headers.get("x-api-key", "")
    assert kit.key in auth  # the key does travel in a header (so the no-leak checks mean something)


def test_openai_request_body(router: respx.Router, sleeps: list[float]) -> None:
    kit = KITS[0]
    route = router.post(kit.url).mock(return_value=httpx.Response(200, json=kit.success()))
    provider = kit.make(router, sleeps)
    provider.complete(SYSTEM, USER, Rewrite)

    body = sent_body(route)
    assert body["model"] == "gpt-5.4-mini"
    assert body["messages"] == [{"role": "system", "content": SYSTEM}, {"role": "user", "content": USER}]
    assert body["max_completion_tokens"] == 2048
    assert "temperature" not in body  # reasoning models reject a custom temperature
    fmt = body["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["name"] == "Rewrite"
    assert fmt["json_schema"]["strict"] is True
    schema = fmt["json_schema"]["schema"]
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["text", "changes", "slots", "source"]
    assert schema["$defs"]["Change"]["additionalProperties"] is False
    assert body == json.loads(json.dumps(provider.sdk_params(provider.build_request(SYSTEM, USER, Rewrite))))


def test_openai_non_reasoning_model_sends_temperature(router: respx.Router, sleeps: list[float]) -> None:
    kit = KITS[0]
    route = router.post(kit.url).mock(return_value=httpx.Response(200, json=kit.success()))
    kit.make(router, sleeps, model="gpt-4o-mini").complete(SYSTEM, USER, Rewrite)
    body = sent_body(route)
    assert body["model"] == "gpt-4o-mini" and body["temperature"] == 0


def test_anthropic_request_body(router: respx.Router, sleeps: list[float]) -> None:
    kit = KITS[1]
    route = router.post(kit.url).mock(return_value=httpx.Response(200, json=kit.success()))
    kit.make(router, sleeps).complete(SYSTEM, USER, Rewrite)

    body = sent_body(route)
    assert body["model"] == "claude-haiku-5-5"
    assert body["system"] == SYSTEM
    assert body["messages"] == [{"role": "user", "content": USER}]
    assert body["tools"][0]["name"] == "Rewrite"
    assert body["tools"][0]["input_schema"] == Rewrite.model_json_schema()
    assert body["tool_choice"] == {"type": "tool", "name": "Rewrite", "disable_parallel_tool_use": True}
    assert body["thinking"] == {"type": "disabled"}
    assert not {"temperature", "top_p", "top_k"} & body.keys()  # rejected by API version 2026-10-21
    headers = route.calls.last.request.headers
    assert headers["anthropic-version"]
    assert headers["authorization"] == f"Bearer {ANTHROPIC_KEY}"


def test_compatible_request_body_json_object_mode(router: respx.Router, sleeps: list[float]) -> None:
    kit = KITS[2]
    route = router.post(kit.url).mock(return_value=httpx.Response(200, json=kit.success()))
    provider = CompatibleProvider(
        base_url="http://127.0.0.1:8000/v1", http_client=client_for(router), sleep=sleeps.append
    )
    provider.complete(SYSTEM, USER, Rewrite)

    body = sent_body(route)
    assert body["model"] == "local-model"
    assert body["response_format"] == {"type": "json_object", "schema": Rewrite.model_json_schema()}
    assert body["messages"][0]["content"].startswith(SYSTEM)
    assert '"title":"Rewrite"' in body["messages"][0]["content"]  # the schema is described in the prompt
    assert body["max_tokens"] == 2048 and body["temperature"] == 0
    assert route.calls.last.request.headers["authorization"] == "Bearer not-needed"


def test_compatible_json_schema_mode(router: respx.Router, sleeps: list[float]) -> None:
    kit = KITS[2]
    route = router.post(kit.url).mock(return_value=httpx.Response(200, json=kit.success()))
    provider = kit.make(router, sleeps, response_format_mode="json_schema", model="qwen2.5:0.5b")
    provider.complete(SYSTEM, USER, Rewrite)
    body = sent_body(route)
    assert body["model"] == "qwen2.5:0.5b"
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["strict"] is True
    assert body["messages"][0]["content"] == SYSTEM


def test_compatible_needs_base_url_and_valid_mode() -> None:
    with pytest.raises(ConfigError, match="ASSISTANT_BASE_URL"):
        CompatibleProvider()
    with pytest.raises(ConfigError, match="json_object"):
        CompatibleProvider(base_url="http://127.0.0.1:1/v1", response_format_mode="grammar")  # type: ignore[arg-type]


def test_compatible_tolerates_fenced_json(router: respx.Router, sleeps: list[float]) -> None:
    kit = KITS[2]
    fenced = "```json\n" + json.dumps(ANSWER) + "\n```"
    router.post(kit.url).mock(return_value=httpx.Response(200, json=openai_chat_completion(fenced)))
    assert kit.make(router, sleeps).complete(SYSTEM, USER, Rewrite).data == ANSWER


# -- retries -----------------------------------------------------------------------------


def test_429_then_success_honours_retry_after(kit: Kit, router: respx.Router, sleeps: list[float]) -> None:
    limited = httpx.Response(
        429, headers={"retry-after": "7"}, json=kit.error("Slow down", "rate_limit_error")
    )
    route = router.post(kit.url).mock(side_effect=[limited, httpx.Response(200, json=kit.success())])

    response = kit.make(router, sleeps).complete(SYSTEM, USER, Rewrite)

    assert response.attempts == 2
    assert route.call_count == 2
    assert sleeps == [7.0]
    assert response.data == ANSWER


def test_retry_after_ms_wins(router: respx.Router, sleeps: list[float]) -> None:
    kit = KITS[0]
    limited = httpx.Response(429, headers={"retry-after-ms": "250", "retry-after": "9"}, json=kit.error("x"))
    router.post(kit.url).mock(side_effect=[limited, httpx.Response(200, json=kit.success())])
    kit.make(router, sleeps).complete(SYSTEM, USER, Rewrite)
    assert sleeps == [0.25]


def test_rate_limit_exhausted(kit: Kit, router: respx.Router, sleeps: list[float]) -> None:
    route = router.post(kit.url).mock(
        return_value=httpx.Response(429, json=kit.error(f"limit for key {kit.key}", "rate_limit_error"))
    )
    with pytest.raises(RateLimited) as caught:
        kit.make(router, sleeps).complete(SYSTEM, USER, Rewrite)
    assert caught.value.attempts == 3 and route.call_count == 3
    assert sleeps == [0.5, 1.0]  # deterministic backoff without a server hint
    assert "after 3 attempts" in caught.value.user_message
    assert_no_secret(caught.value, kit.key)


def test_long_retry_after_is_not_waited(router: respx.Router, sleeps: list[float]) -> None:
    kit = KITS[0]
    route = router.post(kit.url).mock(
        return_value=httpx.Response(429, headers={"retry-after": "3600"}, json=kit.error("quota"))
    )
    with pytest.raises(RateLimited) as caught:
        kit.make(router, sleeps).complete(SYSTEM, USER, Rewrite)
    assert route.call_count == 1 and sleeps == []
    assert "wait 3600 s" in caught.value.user_message


def test_server_errors_are_retried_then_reported(kit: Kit, router: respx.Router, sleeps: list[float]) -> None:
    route = router.post(kit.url).mock(
        return_value=httpx.Response(503, json=kit.error("overloaded", "api_error"))
    )
    with pytest.raises(ProviderUnavailable) as caught:
        kit.make(router, sleeps, max_attempts=2).complete(SYSTEM, USER, Rewrite)
    assert caught.value.status == 503 and caught.value.attempts == 2 and route.call_count == 2


def test_timeout(kit: Kit, router: respx.Router, sleeps: list[float]) -> None:
    route = router.post(kit.url).mock(side_effect=httpx.ReadTimeout("read timed out"))
    with pytest.raises(ProviderTimeout) as caught:
        kit.make(router, sleeps, timeout=5).complete(SYSTEM, USER, Rewrite)
    assert route.call_count == 3 and caught.value.attempts == 3
    assert "within 5 s" in caught.value.user_message and "ASSISTANT_TIMEOUT" in caught.value.user_message


def test_timeout_then_success(router: respx.Router, sleeps: list[float]) -> None:
    kit = KITS[1]
    router.post(kit.url).mock(
        side_effect=[httpx.ConnectTimeout("slow"), httpx.Response(200, json=kit.success())]
    )
    response = kit.make(router, sleeps).complete(SYSTEM, USER, Rewrite)
    assert response.attempts == 2 and sleeps == [0.5]


def test_connection_error(kit: Kit, router: respx.Router, sleeps: list[float]) -> None:
    router.post(kit.url).mock(side_effect=httpx.ConnectError("connection refused"))
    with pytest.raises(ConnectionFailed) as caught:
        kit.make(router, sleeps, max_attempts=1).complete(SYSTEM, USER, Rewrite)
    assert caught.value.attempts == 1
    assert "Could not connect" in caught.value.user_message


# -- errors that are not retried -----------------------------------------------------------


def test_401_names_the_env_var_and_never_the_key(kit: Kit, router: respx.Router, sleeps: list[float]) -> None:
    # OpenAI's real 401 body quotes part of the key; ours quotes all of it to make the point.
    body = kit.error(f"Incorrect API key provided: {kit.key}.", "authentication_error")
    route = router.post(kit.url).mock(return_value=httpx.Response(401, json=body))
    with pytest.raises(AuthError) as caught:
        kit.make(router, sleeps).complete(SYSTEM, USER, Rewrite)
    error = caught.value
    assert route.call_count == 1 and error.attempts == 1 and error.status == 401
    env = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}.get(
        kit.name, "ASSISTANT_COMPAT_API_KEY"
    )
    assert env in error.user_message
    assert_no_secret(error, kit.key)
    assert error.__cause__ is None and error.__suppress_context__  # the SDK error (with headers) is dropped


def test_403(router: respx.Router, sleeps: list[float]) -> None:
    kit = KITS[0]
    router.post(kit.url).mock(
        return_value=httpx.Response(403, json=kit.error("no access", "permission_error"))
    )
    with pytest.raises(AuthError, match="HTTP 403"):
        kit.make(router, sleeps).complete(SYSTEM, USER, Rewrite)


def test_404_unknown_model(kit: Kit, router: respx.Router, sleeps: list[float]) -> None:
    body = kit.error("The model `gpt-9-imaginary` does not exist", "not_found_error")
    route = router.post(kit.url).mock(return_value=httpx.Response(404, json=body))
    with pytest.raises(ModelNotFound) as caught:
        kit.make(router, sleeps, model="gpt-9-imaginary").complete(SYSTEM, USER, Rewrite)
    assert route.call_count == 1
    assert "'gpt-9-imaginary'" in caught.value.user_message
    assert "ASSISTANT_MODEL" in caught.value.user_message
    assert sent_body(route)["model"] == "gpt-9-imaginary"


def test_400_bad_request_carries_scrubbed_detail(kit: Kit, router: respx.Router, sleeps: list[float]) -> None:
    body = kit.error(f"Invalid schema for response_format 'Rewrite' (key {kit.key})")
    router.post(kit.url).mock(return_value=httpx.Response(400, json=body))
    with pytest.raises(BadRequest) as caught:
        kit.make(router, sleeps).complete(SYSTEM, USER, Rewrite)
    assert "Invalid schema for response_format" in caught.value.user_message
    assert_no_secret(caught.value, kit.key)


def test_non_json_body(kit: Kit, router: respx.Router, sleeps: list[float]) -> None:
    html = "<html><body>502 Bad Gateway from some proxy</body></html>"
    route = router.post(kit.url).mock(
        return_value=httpx.Response(200, text=html, headers={"content-type": "text/html"})
    )
    with pytest.raises(InvalidResponse, match="not JSON"):
        kit.make(router, sleeps).complete(SYSTEM, USER, Rewrite)
    assert route.call_count == 1  # not retried


def test_broken_json_body_with_json_content_type(kit: Kit, router: respx.Router, sleeps: list[float]) -> None:
    router.post(kit.url).mock(
        return_value=httpx.Response(
            200, content=b'{"id": "x", "choi', headers={"content-type": "application/json"}
        )
    )
    with pytest.raises(InvalidResponse):
        kit.make(router, sleeps).complete(SYSTEM, USER, Rewrite)


def test_model_wrote_invalid_json(router: respx.Router, sleeps: list[float]) -> None:
    kit = KITS[2]
    router.post(kit.url).mock(
        return_value=httpx.Response(200, json=openai_chat_completion('{"text": "unterminated'))
    )
    with pytest.raises(InvalidResponse) as caught:
        kit.make(router, sleeps).complete(SYSTEM, USER, Rewrite)
    assert caught.value.raw_text == '{"text": "unterminated'  # kept for the chain's repair attempt


def test_anthropic_answer_without_tool_use(router: respx.Router, sleeps: list[float]) -> None:
    kit = KITS[1]
    body = anthropic_message(None, text="Here is my answer in prose.", stop_reason="end_turn")
    router.post(kit.url).mock(return_value=httpx.Response(200, json=body))
    with pytest.raises(InvalidResponse, match="tool_use") as caught:
        kit.make(router, sleeps).complete(SYSTEM, USER, Rewrite)
    assert caught.value.raw_text == "Here is my answer in prose."


def test_truncated(kit: Kit, router: respx.Router, sleeps: list[float]) -> None:
    if kit.name == "anthropic":
        body = anthropic_message(None, text='{"text": "Could we', stop_reason="max_tokens")
    else:
        body = openai_chat_completion('{"text": "Could we add CSV ex', finish_reason="length")
    route = router.post(kit.url).mock(return_value=httpx.Response(200, json=body))
    with pytest.raises(TruncatedResponse) as caught:
        kit.make(router, sleeps).complete(SYSTEM, USER, Rewrite)
    assert route.call_count == 1
    assert "ASSISTANT_MAX_OUTPUT_TOKENS" in caught.value.user_message


def test_refusal(kit: Kit, router: respx.Router, sleeps: list[float]) -> None:
    if kit.name == "anthropic":
        body = anthropic_message(None, text="I can't help with that.", stop_reason="refusal")
    else:
        body = openai_chat_completion(None, refusal="I can't help with that.")
    router.post(kit.url).mock(return_value=httpx.Response(200, json=body))
    with pytest.raises(Refusal) as caught:
        kit.make(router, sleeps).complete(SYSTEM, USER, Rewrite)
    assert "I can't help with that." in caught.value.user_message
    assert caught.value.attempts == 1


def test_openai_content_filter_is_a_refusal(router: respx.Router, sleeps: list[float]) -> None:
    kit = KITS[0]
    router.post(kit.url).mock(
        return_value=httpx.Response(200, json=openai_chat_completion("", finish_reason="content_filter"))
    )
    with pytest.raises(Refusal, match="content filter"):
        kit.make(router, sleeps).complete(SYSTEM, USER, Rewrite)


# -- budget and cache through complete() --------------------------------------------------


def test_budget_is_checked_before_sending(kit: Kit, router: respx.Router, sleeps: list[float]) -> None:
    from assistant.llm.budget import BudgetExceeded

    route = router.post(kit.url).mock(return_value=httpx.Response(200, json=kit.success()))
    with pytest.raises(BudgetExceeded) as caught:
        kit.make(router, sleeps, max_prompt_tokens=50).complete(SYSTEM, USER, Rewrite)
    assert route.call_count == 0
    assert "over the limit of 50" in caught.value.user_message


def test_complete_uses_the_cache(kit: Kit, router: respx.Router, sleeps: list[float], tmp_path: Path) -> None:
    from assistant.llm.cache import ResponseCache

    cache = ResponseCache(tmp_path, secrets=(kit.key,))
    route = router.post(kit.url).mock(return_value=httpx.Response(200, json=kit.success()))
    provider = kit.make(router, sleeps, cache=cache)

    first = provider.complete(SYSTEM, USER, Rewrite, prompt_version="rewrite@abc123")
    second = provider.complete(SYSTEM, USER, Rewrite, prompt_version="rewrite@abc123")
    third = provider.complete(SYSTEM, USER, Rewrite, prompt_version="rewrite@def456")

    assert route.call_count == 2
    assert not first.cached and second.cached and not third.cached
    assert second.data == first.data
    stored = "".join(p.read_text() for p in tmp_path.rglob("*.json"))
    assert kit.key not in stored and "Bearer" not in stored


# -- pieces ------------------------------------------------------------------------------


def test_strict_json_schema_for_our_models() -> None:
    schema = strict_json_schema(Rewrite.model_json_schema())
    assert schema is not None
    assert schema["required"] == ["text", "changes", "slots", "source"]
    assert "default" not in json.dumps(schema)
    change = schema["$defs"]["Change"]
    assert change["additionalProperties"] is False and change["required"] == ["description", "reason"]
    assert Rewrite.model_json_schema()["required"] == ["text"]  # the input was not mutated


def test_the_result_models_allow_strict_mode() -> None:
    from assistant import schemas

    for model in (schemas.Rewrite, schemas.QuestionSet, schemas.ComplexityReport):
        assert strict_json_schema(model.model_json_schema()) is not None, model.__name__


def test_strict_json_schema_refuses_open_objects() -> None:
    class Loose(BaseModel):
        tags: dict[str, int]

    assert strict_json_schema(Loose.model_json_schema()) is None


def test_strict_json_schema_inlines_refs_with_siblings() -> None:
    schema = {
        "type": "object",
        "properties": {"child": {"$ref": "#/$defs/C", "description": "the child"}},
        "$defs": {"C": {"type": "object", "properties": {"x": {"type": "string", "default": "a"}}}},
    }
    strict = strict_json_schema(schema)
    assert strict is not None
    child = strict["properties"]["child"]
    assert "$ref" not in child and child["description"] == "the child"
    assert child["additionalProperties"] is False and child["required"] == ["x"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1}', {"a": 1}),
        ('```json\n{"a": 1}\n```', {"a": 1}),
        ('Sure! Here it is: {"a": {"b": 2}} Hope that helps.', {"a": {"b": 2}}),
    ],
)
def test_parse_json_object(text: str, expected: dict[str, Any]) -> None:
    assert parse_json_object(text) == expected


@pytest.mark.parametrize("text", ["[1, 2]", "no json here", '{"a": }'])
def test_parse_json_object_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_json_object(text)


@pytest.mark.parametrize(
    ("model", "reasoning"),
    [
        ("gpt-5.4-mini", True),
        ("o4-mini", True),
        ("gpt-6-astra", True),
        ("gpt-4o-mini", False),
        ("gpt-4.1", False),
    ],
)
def test_is_reasoning_model(model: str, reasoning: bool) -> None:
    assert is_reasoning_model(model) is reasoning


def test_parse_retry_after_forms() -> None:
    now = datetime(2026, 11, 22, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after({"Retry-After": "3"}) == 3.0
    assert parse_retry_after({"retry-after-ms": "1500"}) == 1.5
    assert parse_retry_after({"retry-after": "Sun, 22 Nov 2026 12:00:10 GMT"}, now=now) == 10.0
    assert parse_retry_after({"retry-after": "Sun, 22 Nov 2026 11:00:00 GMT"}, now=now) == 0.0
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({}) is None


def test_call_with_retry_does_not_retry_permanent_errors() -> None:
    calls: list[int] = []

    def fail() -> None:
        calls.append(1)
        raise AuthError(provider="openai", status=401)

    with pytest.raises(AuthError) as caught:
        call_with_retry(fail, policy=RetryPolicy(max_attempts=5), sleep=lambda _: None)
    assert len(calls) == 1 and caught.value.attempts == 1


def test_backoff_is_deterministic_and_capped() -> None:
    policy = RetryPolicy(base_delay=0.5, multiplier=2, max_delay=3)
    assert [policy.backoff(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3, 3]


def test_scrub_removes_key_shapes() -> None:
    text = "key sk-proj-abcdef123456 and Bearer abc.def-ghi_123456 and x" + "A" * 48
    cleaned = scrub(text, ["my-own-secret"])
    assert "sk-proj" not in cleaned and "abc.def" not in cleaned and "A" * 48 not in cleaned
    assert scrub("uses my-own-secret here", ["my-own-secret"]) == "uses [redacted] here"


def test_scrub_headers_drops_credentials() -> None:
    headers = {"Authorization": "Bearer sk-x", "x-api-key": "sk-ant", "Content-Type": "application/json"}
    assert scrub_headers(headers) == {"content-type": "application/json"}


def test_bridge_keeps_respx_routing(router: respx.Router) -> None:
    route = router.get("https://example.test/ping", params={"q": "1"}).mock(
        return_value=httpx.Response(202, json={"pong": True}, headers={"x-trace": "t1"})
    )
    with client_for(router) as client:
        response = client.get("https://example.test/ping", params={"q": "1"}, headers={"x-api-key": "k"})
    assert response.status_code == 202 and response.json() == {"pong": True}
    assert response.headers["x-trace"] == "t1"
    assert route.called and route.calls.last.request.headers["x-api-key"] == "k"


def test_get_provider_from_settings() -> None:
    offline = Settings(_env_file=None, openai_api_key=None, anthropic_api_key=None, provider=None)
    assert get_provider(offline) is None

    openai_settings = Settings(openai_api_key=OPENAI_KEY, provider="openai", timeout=12, max_attempts=2)
    provider = get_provider(openai_settings)
    assert isinstance(provider, OpenAIProvider) and provider.model == "gpt-5.4-mini"
    assert provider.timeout == 12 and provider.retry_policy.max_attempts == 2
    assert OPENAI_KEY not in repr(provider)

    anthropic_settings = Settings(
        anthropic_api_key=ANTHROPIC_KEY, provider="anthropic", model="claude-sonnet-5-5"
    )
    provider = get_provider(anthropic_settings)
    assert isinstance(provider, AnthropicProvider) and provider.model == "claude-sonnet-5-5"

    compat = Settings(
        provider="openai-compatible",
        base_url="http://127.0.0.1:8000/v1",
        compat_response_format="json_schema",
    )
    provider = get_provider(compat)
    assert isinstance(provider, CompatibleProvider)
    assert provider.response_format_mode == "json_schema" and provider.base_url == "http://127.0.0.1:8000/v1"


def test_importing_the_layer_loads_no_sdk() -> None:
    code = (
        "import sys; import assistant.llm.providers, assistant.llm.providers.openai_provider, "
        "assistant.llm.providers.anthropic_provider, assistant.llm.providers.compatible, assistant.llm.settings, "
        "assistant.llm.budget, assistant.llm.cache, assistant.evaluation.replay; "
        "heavy = ('openai', 'anthropic', 'httpx2', 'httpx', 'tiktoken', 'respx'); "
        "print([m for m in heavy if m in sys.modules])"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True
    )
    assert result.stdout.strip() == "[]"


def test_record_then_replay_without_credentials(router: respx.Router, sleeps: list[float]) -> None:
    from assistant.evaluation.replay import mock_transport, recording_client, router_from_exchanges, scrub_url

    kit = KITS[1]
    router.post(kit.url).mock(return_value=httpx.Response(200, json=kit.success()))
    recordings: list[dict[str, Any]] = []
    live = AnthropicProvider(
        api_key=ANTHROPIC_KEY,
        http_client=recording_client(recordings, transport=mock_transport(router)),
        sleep=sleeps.append,
    )
    first = live.complete(SYSTEM, USER, Rewrite)

    saved = json.dumps(recordings)
    assert len(recordings) == 1 and ANTHROPIC_KEY not in saved and "Bearer" not in saved
    assert recordings[0]["request"]["body"]["tool_choice"]["name"] == "Rewrite"
    assert recordings[0]["response"]["status"] == 200

    replayed = AnthropicProvider(
        api_key="sk-ant-replay-only",
        http_client=client_for(router_from_exchanges(json.loads(saved))),
        sleep=sleeps.append,
    ).complete(SYSTEM, USER, Rewrite)
    assert replayed.data == first.data == ANSWER
    assert scrub_url("https://u:p@h.test/v1?key=abc&x=1") == "https://h.test/v1?x=1"


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (
            BadRequest("This model's maximum context length is 8192 tokens", provider="openai", status=400),
            "shorten",
        ),
        (
            BadRequest("response_format json_schema not supported", provider="openai", status=400),
            "ASSISTANT_MODEL",
        ),
        (ProviderError("payment required", provider="anthropic", status=402), "provider account"),
        (ModelNotFound(provider="openai-compatible", model="llama3", status=404), "ASSISTANT_BASE_URL"),
        (ProviderTimeout(provider="openai", timeout=30, attempts=3), "after 3 attempts"),
    ],
)
def test_user_messages_are_one_line_with_advice(error: ProviderError, words: str) -> None:
    message = error.user_message
    assert words in message and "\n" not in message and message.endswith(".")
    assert str(error) == message


def test_model_json_with_raw_newlines_inside_strings_is_accepted() -> None:
    """Grammar-constrained local servers (llama.cpp) let raw newlines into JSON strings."""
    from assistant.llm.providers.base import parse_json_object

    assert parse_json_object('{"text": "line one\nline two"}') == {"text": "line one\nline two"}
