"""Secrets hygiene: no real-looking key in the repository, in the eval recordings, or in a DEBUG log of a
full replayed run; and no value the redactor removed (email, phone, pasted key, confidential term) in a
cloud recording or in that log.

Convention for fake keys in tests and docs: a key-like string must be OBVIOUSLY fake, which means it
- contains a marker: "test", "fake", "example", "dummy" or "replay" (the preferred form is "sk-test-…"), or
- contains a hand-typed run of six or more sequential characters ("abcdef", "123456", "ABCDEF").
A random-looking key is a failure wherever it is, except the reviewed BASELINE below (detector fixtures
that must look real; shrink it, never grow it without a reason).
"""

from __future__ import annotations

import io
import json
import logging
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from assistant.evaluation.replay import (
    anthropic_error,
    anthropic_message,
    client_for,
    openai_chat_completion,
    openai_error,
)
from assistant.llm.logging_setup import PACKAGE_LOGGER, SDK_LOGGERS, configure_logging
from assistant.llm.providers.anthropic_provider import AnthropicProvider
from assistant.llm.providers.errors import AuthError
from assistant.llm.providers.openai_provider import OpenAIProvider
from assistant.llm.redact import SecretsFilter
from assistant.tasks.drafts import run_analyze, run_task

ROOT = Path(__file__).resolve().parent.parent
RECORDINGS = ROOT / "assistant" / "evaluation" / "suite" / "recordings"

KEY_PATTERNS: dict[str, re.Pattern[str]] = {
    # A digit is required so that hyphenated prose ("sk-this-is-a-long-phrase") is not a key.
    "OpenAI/Anthropic key": re.compile(r"\bsk-(?=[A-Za-z0-9_\-]{0,200}\d)[A-Za-z0-9_\-]{16,}"),
    "Stripe key": re.compile(r"\b[rsp]k_(?:live|test)_[A-Za-z0-9]{16,}"),
    "GitHub token": re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})"),
    "GitLab token": re.compile(r"\bglpat-[A-Za-z0-9_\-]{20,}"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9\-]{10,}"),
    "Google API key": re.compile(r"\bAIza[A-Za-z0-9_\-]{30,}"),
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"),
    "Hugging Face token": re.compile(r"\bhf_[A-Za-z0-9]{30,}"),
    "npm token": re.compile(r"\bnpm_[A-Za-z0-9]{36,}"),
    "JWT": re.compile(r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"),
    "private key block": re.compile(r"-----BEGIN [A-Z ]{0,20}PRIVATE KEY-----"),
    "bearer token": re.compile(r"(?i)\bbearer\s+(?=[A-Za-z0-9._~+/=\-]{0,200}\d)[A-Za-z0-9._~+/=\-]{20,}"),
}
FAKE_MARKER = re.compile(r"(?i)test|fake|example|dummy|replay")
SEQUENCES = ("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "01234567890")
_RUNS = tuple(seq[i : i + 6] for seq in SEQUENCES for i in range(len(seq) - 5))

# Reviewed exceptions: (path, kind, value prefix) -> why it may stay.
BASELINE: dict[tuple[str, str, str], str] = {
    ("tests/llm/test_redact.py", "Stripe key", "sk_live_4eC39"): "Stripe's public documentation sample key",
    ("tests/llm/test_redact.py", "Google API key", "AIzaSyDdI0hC"): "the public key in every Google Chat webhook URL",
    ("tests/llm/test_redact.py", "private key block", "-----BEGIN "): "truncated example key blocks for the detector",
}


@dataclass(frozen=True)
class Hit:
    where: str
    kind: str
    value: str

    def __str__(self) -> str:
        return f"{self.where}: {self.kind} {self.value[:14]}…"


def obviously_fake(value: str) -> bool:
    return bool(FAKE_MARKER.search(value)) or any(run in value for run in _RUNS)


def key_like(text: str, where: str) -> Iterator[Hit]:
    """Every key-like string in `text` that is not obviously fake."""
    for kind, pattern in KEY_PATTERNS.items():
        for match in pattern.finditer(text):
            if kind == "private key block" or not obviously_fake(match.group(0)):
                yield Hit(where, kind, match.group(0))


def baselined(hit: Hit, path: str) -> bool:
    return any(p == path and k == hit.kind and hit.value.startswith(v) for p, k, v in BASELINE)


def tracked_files() -> list[str]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [name for name in out.decode().split("\0") if name]


def read_text(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except OSError:  # deleted in the work tree but still tracked
        return None
    return None if b"\0" in data[:8192] else data.decode("utf-8", errors="replace")


# -------------------------------------------------------------------------- the repository
def test_tracked_files_hold_no_real_looking_key() -> None:
    problems = []
    for name in tracked_files():
        text = read_text(ROOT / name)
        if text is not None:
            problems += [str(h) for h in key_like(text, name) if not baselined(h, name)]
    assert problems == [], "real-looking keys (use an obviously fake 'sk-test-…' value):\n" + "\n".join(problems)


def test_every_baseline_entry_is_still_needed() -> None:
    found = set()
    for path, kind, prefix in BASELINE:
        text = read_text(ROOT / path) or ""
        if any(h.kind == kind and h.value.startswith(prefix) for h in key_like(text, path)):
            found.add((path, kind, prefix))
    assert found == set(BASELINE) or not (ROOT / "tests/llm/test_redact.py").exists()


# Random-looking keys, assembled at run time so that this file does not hold them.
PLANTED = [
    ("sk-", "proj-Zx9Qw2Er7Ty4Ui1Op0As5Df8"),
    ("sk-", "ant-api03-Q7vN2mX9pL4kR8sT1wY6zB3c"),
    ("gh", "p_Zx9Qw2Er7Ty4Ui1Op0As5Df8Gh3Jk6Lz2X"),
    ("AK", "IAQ7VN2MX9PL4KR8ST"),
    ("Authorization: Bear", "er Zx9Qw2Er7Ty4Ui1Op0As5Df8Gh3"),
    ("-----BEGIN OPENSSH ", "PRIVATE KEY-----"),
]


@pytest.mark.parametrize("parts", PLANTED, ids=[head.strip(" -:") for head, _ in PLANTED])
def test_the_scanner_catches_a_real_looking_key(parts: tuple[str, str]) -> None:
    assert list(key_like(f"config = '{''.join(parts)}'", "planted.py"))


@pytest.mark.parametrize(
    "fake",
    [
        "sk-test-faultmatrix-openai-0123456789",
        "sk-proj-TESTKEYopenai0123456789abcdef",
        "sk-abcdefghijklmnopqrstuvwxyz0123456789",
        "AKIAIOSFODNN7EXAMPLE",
        "ghp_abcdefghijklmnopqrstuvwxyzABCDEF123456",
    ],
)
def test_the_scanner_accepts_obviously_fake_keys(fake: str) -> None:
    assert list(key_like(f"key = '{fake}'", "fixture.py")) == []


# -------------------------------------------------------------------------- the eval recordings
RECORDING_FILES = sorted(RECORDINGS.rglob("*.json")) if RECORDINGS.exists() else []
EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,}")
PHONE = re.compile(r"(?<![\w+])\+?\d{1,3}[ .-]?\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}(?!\d)")


def _request_bodies(recording: dict[str, Any]) -> Iterator[str]:
    for exchange in recording.get("exchanges", []):
        yield json.dumps(exchange.get("request", {}).get("body"), ensure_ascii=False)


def test_recordings_hold_no_real_looking_key() -> None:
    problems = []
    for path in RECORDING_FILES:
        problems += [str(h) for h in key_like(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    assert problems == []


def test_cloud_recordings_sent_no_email_or_phone_number() -> None:
    """Anything sent to OpenAI or Anthropic was redacted first: no contact detail in a recorded request."""
    problems = []
    for path in RECORDING_FILES:
        recording = json.loads(path.read_text(encoding="utf-8"))
        if recording.get("provenance", {}).get("provider") not in ("openai", "anthropic"):
            continue
        for body in _request_bodies(recording):
            problems += [f"{path.name}: {m.group(0)}" for rx in (EMAIL, PHONE) for m in rx.finditer(body)]
    assert problems == []


# -------------------------------------------------------------------------- a DEBUG log of a full run
PROVIDER_KEY = "sk-test-hygiene-provider-7Qx2Lm9Vb4"
PASTED_KEY = "sk-test-pasted-9f8e7d6c5b4a3210ZZq"
EMAIL_VALUE = "dana.reyes@globex.example"
PHONE_VALUE = "+1 (415) 555-0199"
CUSTOMER = "Globex"
DRAFT = (
    f"Can we just add CSV export for {CUSTOMER} by March 15? Should be simple. "
    f"Ask {EMAIL_VALUE} or call {PHONE_VALUE}; the staging key is {PASTED_KEY}."
)
REDACTED_VALUES = {"provider key": PROVIDER_KEY, "pasted key": PASTED_KEY, "email": EMAIL_VALUE}
REDACTED_VALUES |= {"phone": PHONE_VALUE, "customer": CUSTOMER}
LOGGERS = (PACKAGE_LOGGER, *SDK_LOGGERS)


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Put every logger configure_logging touches back as it was."""
    saved = {name: (logging.getLogger(name), list(logging.getLogger(name).handlers)) for name in LOGGERS}
    state = {name: (log.level, log.propagate) for name, (log, _) in saved.items()}
    yield
    for name, (log, handlers) in saved.items():
        for handler in list(log.handlers):
            if handler not in handlers:
                log.removeHandler(handler)
        log.setLevel(state[name][0])
        log.propagate = state[name][1]


def _answer_for(body: dict[str, Any]) -> dict[str, Any]:
    schema = body["tools"][0]["input_schema"] if "tools" in body else body["response_format"]["json_schema"]["schema"]
    fields = set(schema["properties"])
    if "questions" in fields:
        return {"questions": [{"category": "risks-unknowns", "text": "What does [CONFIDENTIAL_1] need first?"}]}
    if "flags" in fields:
        return {"flags": []}
    if "findings" in fields:  # the model's own trust finding quotes the redacted draft
        quote = "CSV export for [CONFIDENTIAL_1] by March 15"
        return {"findings": [{"category": "deadline-rigidity", "quote": quote, "why": "It fixes the date."}]}
    return {"text": "Could we add CSV export for [CONFIDENTIAL_1]? Ask [EMAIL_1].", "changes": []}


def full_replayed_run() -> list[str]:
    """run_analyze through OpenAI and Anthropic, then a 401 whose body quotes the key; the PM's results."""
    shown = []
    for cls, url in (
        (OpenAIProvider, "https://api.openai.com/v1/chat/completions"),
        (AnthropicProvider, "https://api.anthropic.com/v1/messages"),
    ):
        router = respx.Router(assert_all_called=False)

        def respond(request: httpx.Request, cls: type = cls) -> httpx.Response:
            body = json.loads(request.content)
            answer = _answer_for(body)
            if cls is AnthropicProvider:
                return httpx.Response(200, json=anthropic_message(answer, tool_name=body["tools"][0]["name"]))
            return httpx.Response(200, json=openai_chat_completion(answer))

        router.post(url).mock(side_effect=respond)
        provider = cls(api_key=PROVIDER_KEY, http_client=client_for(router), sleep=lambda s: None)
        report = run_analyze(DRAFT, provider=provider, confidential_terms=(CUSTOMER,))
        shown.append(report.rewrite.result.text)
        (quoted,) = [f for f in report.analysis.findings if f.source == "model"]  # restored, then verified
        assert quoted.text == f"CSV export for {CUSTOMER} by March 15" == DRAFT[quoted.start : quoted.end]

        failing = respx.Router(assert_all_called=False)
        error_body = (anthropic_error if cls is AnthropicProvider else openai_error)(f"Bad key {PROVIDER_KEY}")
        failing.post(url).mock(return_value=httpx.Response(401, json=error_body))
        with pytest.raises(AuthError):
            run_task(
                "rewrite",
                DRAFT,
                provider=cls(api_key=PROVIDER_KEY, http_client=client_for(failing)),
                confidential_terms=(CUSTOMER,),
            )
    return shown


def test_debug_log_of_a_full_replayed_run_holds_no_key_and_no_redacted_value(restore_logging: None) -> None:
    stream = io.StringIO()
    configure_logging(debug=True, stream=stream)

    shown = full_replayed_run()
    log = stream.getvalue()

    assert "HTTP Request: POST https://api.openai.com" in log and "api.anthropic.com" in log  # it did capture
    assert "[EMAIL_1]" in log  # the SDK logged the request body: redacted
    leaked = [name for name, value in REDACTED_VALUES.items() if value.lower() in log.lower()]
    assert leaked == []
    assert [str(h) for h in key_like(log, "debug log")] == []
    assert all(EMAIL_VALUE in text and CUSTOMER in text for text in shown)  # while the PM sees them


def test_package_records_and_tracebacks_are_scrubbed(restore_logging: None) -> None:
    stream = io.StringIO()
    configure_logging(debug=True, stream=stream)
    log = logging.getLogger("assistant.llm.chains")

    log.debug("calling with key %s and header Authorization: Bearer %s", PROVIDER_KEY, PASTED_KEY)
    try:
        raise RuntimeError(f"provider said: invalid key {PROVIDER_KEY}")
    except RuntimeError:
        log.exception("request failed")

    written = stream.getvalue()
    assert "calling with key [REDACTED]" in written and "RuntimeError" in written
    assert PROVIDER_KEY not in written and PASTED_KEY not in written


def test_configure_logging_is_idempotent_and_debug_off_restores_the_sdk_loggers(restore_logging: None) -> None:
    configure_logging(debug=True, stream=io.StringIO())
    handler = configure_logging(debug=True, stream=io.StringIO())
    package = logging.getLogger(PACKAGE_LOGGER)
    ours = [h for h in package.handlers if any(isinstance(f, SecretsFilter) for f in h.filters)]
    assert ours == [handler] and package.level == logging.DEBUG
    assert handler in logging.getLogger("openai").handlers

    configure_logging(debug=False, stream=io.StringIO())
    assert package.level == logging.WARNING
    for name in SDK_LOGGERS:
        sdk = logging.getLogger(name)
        assert sdk.propagate and sdk.level == logging.NOTSET
        assert not any(getattr(h, "_assistant_handler", False) for h in sdk.handlers)


def test_handlers_installed_by_others_get_the_secrets_filter(restore_logging: None) -> None:
    stream = io.StringIO()
    foreign = logging.StreamHandler(stream)
    logging.getLogger(PACKAGE_LOGGER).addHandler(foreign)
    configure_logging(debug=False, stream=io.StringIO())
    logging.getLogger("assistant.cli.main").warning("key %s", PROVIDER_KEY)
    assert PROVIDER_KEY not in stream.getvalue() and "[REDACTED]" in stream.getvalue()
