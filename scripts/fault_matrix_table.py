"""The provider fault matrix: every provider × every fault, run for real through the chain and the CLI.

Each fault is a replayed HTTP behaviour (status + wire-format error body, a transport exception, or a
200 whose answer is broken). `run_fault` sends one `rewrite` task through `run_task` with the respx
router injected via `assistant.evaluation.replay.client_for`, and `run_cli` runs `assistant rewrite FILE
--provider …` through `assistant.cli.main.main` with the same router injected at the one seam the CLI has,
`assistant.tasks.drafts.provider_from_settings`. Nothing is hand-written into the table: it is what the code did.

    /work/venv/bin/python scripts/fault_matrix_table.py          # rewrite docs/fault_matrix.md
    /work/venv/bin/python scripts/fault_matrix_table.py --check  # exit 1 if the document is stale

tests/test_fault_matrix.py imports the scenarios from here and asserts the expected column of each.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import respx

from assistant.evaluation.replay import (
    anthropic_error,
    anthropic_message,
    client_for,
    openai_chat_completion,
    openai_error,
)
from assistant.llm.providers.anthropic_provider import AnthropicProvider
from assistant.llm.providers.base import Provider
from assistant.llm.providers.compatible import CompatibleProvider
from assistant.llm.providers.errors import (
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
)
from assistant.llm.providers.openai_provider import OpenAIProvider
from assistant.tasks.drafts import run_task

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "fault_matrix.md"

PROVIDERS: tuple[str, ...] = ("openai", "anthropic", "openai-compatible")
COMPAT_BASE_URL = "http://127.0.0.1:8000/v1"
URLS: dict[str, str] = {
    "openai": "https://api.openai.com/v1/chat/completions",
    "anthropic": "https://api.anthropic.com/v1/messages",
    "openai-compatible": f"{COMPAT_BASE_URL}/chat/completions",
}
# Obviously fake keys: the repository convention is that every key-like string starts "sk-test-".
KEYS: dict[str, str] = {
    "openai": "sk-test-faultmatrix-openai-0123456789",
    "anthropic": "sk-test-faultmatrix-anthropic-0123456789",
    "openai-compatible": "sk-test-faultmatrix-compat-0123456789",
}
ENV_VARS: dict[str, str] = {
    "openai": "OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "openai-compatible": "ASSISTANT_COMPAT_API_KEY",
}
MODELS: dict[str, str] = {"openai": "gpt-5.4-mini", "anthropic": "claude-haiku-5-5", "openai-compatible": "local-model"}
MAX_ATTEMPTS = 3  # the default retry policy: 1 try + 2 retries for retryable faults
DRAFT = "Can we just add CSV export by March 15? Should be simple.\n"
GOOD_ANSWER: dict[str, Any] = {
    "text": "Could we add CSV export by March 15? [needs: who asked for this?] What am I missing?",
    "changes": [{"description": "Asked instead of assumed", "reason": "Invites engineering's view."}],
}
BAD_ANSWER: dict[str, Any] = {"rewrite": "Could we add CSV export?", "changes": "none"}  # wrong keys and types


# -------------------------------------------------------------------------- wire-format responses
def success(provider: str, data: dict[str, Any] | None = None, **kwargs: Any) -> httpx.Response:
    """A 200 whose structured answer is `data` (the good rewrite by default)."""
    data = GOOD_ANSWER if data is None else data
    if provider == "anthropic":
        return httpx.Response(200, json=anthropic_message(data, tool_name="RewriteAnswer", **kwargs))
    return httpx.Response(200, json=openai_chat_completion(data, model=MODELS[provider], **kwargs))


def error(provider: str, status: int, message: str, kind: str, headers: dict[str, str] | None = None) -> httpx.Response:
    """An error status with the provider's own error body."""
    body = anthropic_error(message, type=kind) if provider == "anthropic" else openai_error(message, type=kind)
    return httpx.Response(status, json=body, headers=headers or {})


def truncated(provider: str) -> httpx.Response:
    """The model hit the output token limit: a partial answer with a length stop."""
    if provider == "anthropic":
        body = anthropic_message(None, stop_reason="max_tokens", text='{"text": "Could we add CSV')
    else:
        body = openai_chat_completion('{"text": "Could we add CSV', model=MODELS[provider], finish_reason="length")
    return httpx.Response(200, json=body)


def refusal(provider: str) -> httpx.Response:
    """The model declined (OpenAI's `refusal` field, Anthropic's `refusal` stop reason)."""
    if provider == "anthropic":
        body = anthropic_message(None, stop_reason="refusal", text="I can't help with that request.")
    else:
        body = openai_chat_completion(None, model=MODELS[provider], refusal="I can't help with that request.")
    return httpx.Response(200, json=body)


# -------------------------------------------------------------------------- the faults
Responder = Callable[[str, int], "httpx.Response | Exception"]


@dataclass(frozen=True)
class Fault:
    """One fault: what the server does on call n (0-based) and what the assistant must do about it."""

    id: str
    label: str
    respond: Responder
    attempts: int  # HTTP requests the assistant must make, exactly
    error: type[ProviderError] | None  # None: the task must succeed
    words: tuple[str, ...] = ()  # the user message names the cause and the fix; "{env}" = the key variable
    sleeps: tuple[float, ...] = ()
    repaired: bool = False


def _always(make: Callable[[str], httpx.Response | Exception]) -> Responder:
    return lambda provider, n: make(provider)


def _status(status: int, message: str, kind: str, headers: dict[str, str] | None = None) -> Responder:
    return _always(lambda p: error(p, status, message, kind, headers))


BACKOFF = (0.5, 1.0)  # the deterministic backoff after failed attempts 1 and 2

FAULTS: tuple[Fault, ...] = (
    Fault(
        "400",
        "400 bad request",
        _status(400, "Invalid schema for response_format 'RewriteAnswer'.", "invalid_request_error"),
        1,
        BadRequest,
        ("rejected the request (HTTP 400)", "structured"),
    ),
    Fault(
        "401",
        "401 bad key",
        _status(401, "Incorrect API key provided: sk-test-****6789.", "authentication_error"),
        1,
        AuthError,
        ("rejected the API key (HTTP 401)", "{env}"),
    ),
    Fault(
        "403",
        "403 no access to the model",
        _status(403, "Project does not have access to this model.", "permission_error"),
        1,
        AuthError,
        ("denied access (HTTP 403)", "{env}"),
    ),
    Fault(
        "404",
        "404 unknown model",
        _status(404, "The model does not exist or you do not have access to it.", "not_found_error"),
        1,
        ModelNotFound,
        ("does not know model", "ASSISTANT_MODEL"),
    ),
    Fault(
        "408",
        "408 request timeout",
        _status(408, "Request timed out.", "timeout_error"),
        MAX_ATTEMPTS,
        ProviderTimeout,
        ("did not answer", "after 3 attempts", "try again"),
        BACKOFF,
    ),
    Fault(
        "429-retry-after",
        "429 with retry-after: 2",
        _status(429, "Rate limit reached.", "rate_limit_error", {"retry-after": "2"}),
        MAX_ATTEMPTS,
        RateLimited,
        ("rate limit", "after 3 attempts", "wait 2 s"),
        (2.0, 2.0),
    ),
    Fault(
        "429",
        "429 without retry-after",
        _status(429, "Rate limit reached.", "rate_limit_error"),
        MAX_ATTEMPTS,
        RateLimited,
        ("rate limit", "after 3 attempts", "wait a minute"),
        BACKOFF,
    ),
    Fault(
        "429-long-wait",
        "429 with retry-after: 3600",
        _status(429, "Daily quota exhausted.", "rate_limit_error", {"retry-after": "3600"}),
        1,
        RateLimited,
        ("rate limit", "wait 3600 s"),
    ),
    Fault(
        "500",
        "500 server error",
        _status(500, "The server had an error.", "api_error"),
        MAX_ATTEMPTS,
        ProviderUnavailable,
        ("unavailable (HTTP 500)", "after 3 attempts", "try again later"),
        BACKOFF,
    ),
    Fault(
        "502",
        "502 bad gateway",
        _status(502, "Bad gateway.", "api_error"),
        MAX_ATTEMPTS,
        ProviderUnavailable,
        ("unavailable (HTTP 502)", "after 3 attempts", "try again later"),
        BACKOFF,
    ),
    Fault(
        "503",
        "503 overloaded",
        _status(503, "Overloaded.", "overloaded_error"),
        MAX_ATTEMPTS,
        ProviderUnavailable,
        ("unavailable (HTTP 503)", "after 3 attempts", "try again later"),
        BACKOFF,
    ),
    Fault(
        "timeout",
        "read timeout",
        _always(lambda p: httpx.ReadTimeout("timed out")),
        MAX_ATTEMPTS,
        ProviderTimeout,
        ("did not answer within 30 s", "after 3 attempts", "ASSISTANT_TIMEOUT"),
        BACKOFF,
    ),
    Fault(
        "connection-reset",
        "connection reset",
        _always(lambda p: httpx.ReadError("[Errno 104] Connection reset by peer")),
        MAX_ATTEMPTS,
        ConnectionFailed,
        ("Could not connect", "after 3 attempts", "check the network"),
        BACKOFF,
    ),
    Fault(
        "invalid-json-body",
        "200 with an HTML body",
        _always(lambda p: httpx.Response(200, text="<html><body>502 Bad Gateway</body></html>")),
        1,
        InvalidResponse,
        ("not the expected JSON", "body is not JSON", "try again"),
    ),
    Fault(
        "schema-invalid-once",
        "answer off-schema once",
        lambda p, n: success(p, BAD_ANSWER if n == 0 else None),
        2,
        None,
        repaired=True,
    ),
    Fault(
        "schema-invalid-twice",
        "answer off-schema twice",
        _always(lambda p: success(p, BAD_ANSWER)),
        2,
        InvalidResponse,
        ("not the expected JSON", "even after one repair attempt", "try another model"),
    ),
    Fault(
        "truncated",
        "output cut at the token limit",
        _always(truncated),
        1,
        TruncatedResponse,
        ("cut off at the output token limit", "ASSISTANT_MAX_OUTPUT_TOKENS"),
    ),
    Fault(
        "refusal",
        "model refusal",
        _always(refusal),
        1,
        Refusal,
        ("declined to answer", "rephrase the draft"),
    ),
)
FAULTS_BY_ID: dict[str, Fault] = {f.id: f for f in FAULTS}


def expected_words(fault: Fault, provider: str) -> list[str]:
    return [w.replace("{env}", ENV_VARS[provider]) for w in fault.words]


# -------------------------------------------------------------------------- running a fault
@dataclass
class Outcome:
    """What the code did with one provider × fault."""

    provider: str
    fault: Fault
    http_calls: int
    sleeps: list[float]
    error: ProviderError | None = None
    repaired: bool = False
    request_bodies: list[bytes] = field(default_factory=list)

    @property
    def error_class(self) -> str:
        return type(self.error).__name__ if self.error is not None else "none (answered)"

    @property
    def message(self) -> str:
        return self.error.user_message if self.error is not None else ""


def make_router(provider: str, fault: Fault) -> tuple[respx.Router, respx.Route]:
    """A router answering the provider's endpoint with the fault, call after call (never running dry)."""
    router = respx.Router(assert_all_called=False)
    calls = {"n": 0}

    def respond(request: httpx.Request) -> httpx.Response:
        n = calls["n"]
        calls["n"] += 1
        answer = fault.respond(provider, n)
        if isinstance(answer, Exception):
            raise answer
        return answer

    route = router.post(URLS[provider]).mock(side_effect=respond)
    return router, route


def make_provider(provider: str, router: respx.Router, sleeps: list[float]) -> Provider:
    common: dict[str, Any] = {"api_key": KEYS[provider], "http_client": client_for(router), "sleep": sleeps.append}
    if provider == "openai":
        return OpenAIProvider(**common)
    if provider == "anthropic":
        return AnthropicProvider(**common)
    return CompatibleProvider(base_url=COMPAT_BASE_URL, **common)


def run_fault(provider: str, fault: Fault) -> Outcome:
    """Send one rewrite through the real chain against the fault; record what happened."""
    router, route = make_router(provider, fault)
    sleeps: list[float] = []
    outcome = Outcome(provider, fault, 0, sleeps)
    try:
        result = run_task("rewrite", DRAFT, provider=make_provider(provider, router, sleeps))
        outcome.repaired = result.schema_repaired
    except ProviderError as caught:
        outcome.error = caught
    outcome.http_calls = route.call_count
    outcome.request_bodies = [call.request.content for call in route.calls]
    return outcome


# -------------------------------------------------------------------------- the CLI seam
def injecting(router: respx.Router, sleeps: list[float]) -> Callable[..., Any]:
    """A stand-in for `assistant.tasks.drafts.provider_from_settings` that injects the replay client and sleep."""
    from assistant.tasks import drafts as engine

    real = engine.provider_from_settings

    def provider_from_settings(settings: Any = None, **_: Any) -> Any:
        return real(settings, http_client=client_for(router), sleep=sleeps.append)

    return provider_from_settings


ASSISTANT_SETTINGS = (
    "ASSISTANT_PROVIDER",
    "ASSISTANT_MODEL",
    "ASSISTANT_BASE_URL",
    "ASSISTANT_TIMEOUT",
    "ASSISTANT_MAX_ATTEMPTS",
    "ASSISTANT_MAX_PROMPT_TOKENS",
    "ASSISTANT_MAX_OUTPUT_TOKENS",
    "ASSISTANT_COMPAT_RESPONSE_FORMAT",
    "ASSISTANT_REDACT_COMPATIBLE",
)


def cli_env(provider: str) -> dict[str, str | None]:
    """The environment for a CLI run against `provider` (None: unset): its fake key only, defaults, no cache."""
    env: dict[str, str | None] = {name: None for name in (*ENV_VARS.values(), *ASSISTANT_SETTINGS)}
    env[ENV_VARS[provider]] = KEYS[provider]
    env["ASSISTANT_CACHE"] = "false"
    return env


def cli_args(provider: str, path: Path) -> list[str]:
    args = ["rewrite", str(path), "--provider", provider, "--no-cache"]
    if provider == "openai-compatible":
        args += ["--base-url", COMPAT_BASE_URL]
    return args


@dataclass
class CliOutcome:
    exit_code: int
    stdout: str
    stderr: str
    http_calls: int


@contextlib.contextmanager
def _patched(env: dict[str, str | None], replacement: Callable[..., Any]) -> Iterator[None]:
    from assistant.tasks import drafts as engine

    def apply(values: dict[str, str | None]) -> None:
        for key, value in values.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value

    saved_env = {k: os.environ.get(k) for k in env}
    saved = engine.provider_from_settings
    apply(env)
    engine.provider_from_settings = replacement  # type: ignore[assignment]
    try:
        yield
    finally:
        engine.provider_from_settings = saved  # type: ignore[assignment]
        apply(saved_env)


def run_cli(provider: str, fault: Fault, workdir: Path) -> CliOutcome:
    """`assistant rewrite FILE --provider …` against the fault, outside pytest (for the document)."""
    from assistant.cli.main import main

    path = workdir / "draft.txt"
    path.write_text(DRAFT, encoding="utf-8")
    router, route = make_router(provider, fault)
    out, err = io.StringIO(), io.StringIO()
    with (
        _patched(cli_env(provider), injecting(router, [])),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        code = main(cli_args(provider, path))
    return CliOutcome(code, out.getvalue(), err.getvalue(), route.call_count)


# -------------------------------------------------------------------------- the document
def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table() -> str:
    """The matrix as Markdown, from real runs."""
    lines = [
        "| Fault | Provider | HTTP attempts | Waits (s) | Outcome | CLI exit | What the PM reads |",
        "|---|---|---:|---|---|---:|---|",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for fault in FAULTS:
            for provider in PROVIDERS:
                outcome = run_fault(provider, fault)
                cli = run_cli(provider, fault, Path(tmp))
                waits = ", ".join(f"{s:g}" for s in outcome.sleeps) or "–"
                result = outcome.error_class + (" (schema repaired)" if outcome.repaired else "")
                said = cli.stderr.strip().removeprefix("assistant: error: ") or "(the rewrite is printed)"
                lines.append(
                    f"| {fault.label} | {provider} | {outcome.http_calls} | {waits} | {result} | "
                    f"{cli.exit_code} | {_cell(said)} |"
                )
    return "\n".join(lines)


def document() -> str:
    return "\n".join(
        [
            "# Provider fault matrix",
            "",
            "Generated by `scripts/fault_matrix_table.py` from real runs of the code: each fault is replayed "
            "(respx through the httpx2 bridge, no network, fake `sk-test-` keys), sent through `run_task` "
            "for the attempts, waits and error class, and through `assistant rewrite FILE --provider …` for "
            "the exit code and the one line the PM reads on stderr. Regenerate with "
            "`/work/venv/bin/python scripts/fault_matrix_table.py`; `tests/test_fault_matrix.py` fails when "
            "this file is stale.",
            "",
            f"Retry policy: {MAX_ATTEMPTS} attempts for retryable faults (408, 429, 5xx, timeouts, connection "
            "errors), deterministic backoff 0.5 s then 1 s unless the server sends `retry-after` (a wait over "
            "60 s ends the retries at once); one schema-repair attempt for an answer that does not match the "
            "schema. Waits are recorded, not slept.",
            "",
            table(),
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    text = document()
    if "--check" in argv:
        current = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
        if current != text:
            print(f"{DOC} is stale: run /work/venv/bin/python scripts/fault_matrix_table.py", file=sys.stderr)
            return 1
        return 0
    if "--print" in argv:
        print(text)
        return 0
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
