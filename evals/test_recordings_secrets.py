"""No recording may carry anything that looks like a credential: provider keys, bearer tokens, long
random tokens in anything we sent or any header, or Authorization / x-api-key headers."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

RECORDINGS = Path(__file__).resolve().parent.parent / "assistant" / "evaluation" / "suite" / "recordings"
FILES = sorted(RECORDINGS.rglob("*.json"))

_PATTERNS = {
    "OpenAI-style key": re.compile(r"\bsk-[A-Za-z0-9_-]{8,}"),
    "Anthropic key": re.compile(r"sk-ant-"),
    "bearer token": re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{8,}"),
    "key parameter": re.compile(r"(?i)[?&](?:api[_-]?key|key|access_token|token)="),
}
_SECRET_HEADERS = {"authorization", "x-api-key", "api-key", "proxy-authorization", "cookie", "set-cookie"}
_LONG_TOKEN = re.compile(r"[A-Za-z0-9+/_=-]{40,}")
# Response and request identifiers the APIs return: long and random, but not credentials.
_ID_PREFIX = re.compile(r"^(?:chatcmpl|msg|req|toolu|resp|call)[-_]")


def _entropy(text: str) -> float:
    return -sum(n / len(text) * math.log2(n / len(text)) for n in Counter(text).values())


def _headers(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "headers" and isinstance(value, dict):
                yield from (k.lower() for k in value)
            else:
                yield from _headers(value)
    elif isinstance(node, list):
        for item in node:
            yield from _headers(item)


def _strings(node: object) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def _sent_and_metadata(data: object) -> object:
    """Everything but the model's generated answer: what we sent, the headers, the provenance.
    A 135M model writes random-looking strings; it never saw a key (drafts are redacted before sending),
    so the answer bodies are checked for key formats but not for long random tokens."""
    if not isinstance(data, dict):
        return data
    kept = {k: v for k, v in data.items() if k != "exchanges"}
    kept["exchanges"] = [
        {"request": x.get("request"), "response_headers": (x.get("response") or {}).get("headers")}
        for x in data.get("exchanges", [])
        if isinstance(x, dict)
    ]
    return kept


def _random_tokens(text: str) -> list[str]:
    found = []
    for m in _LONG_TOKEN.finditer(text):
        token = m.group(0)
        if _ID_PREFIX.match(token):
            continue
        if re.search(r"\d", token) and re.search(r"[A-Za-z]", token) and _entropy(token) > 3.5:
            found.append(f"long random token: {token[:12]}…")
    return found


def problems(text: str) -> list[str]:
    """Everything key-like in a recording's text."""
    found = [f"{name}: {m.group(0)[:12]}…" for name, rx in _PATTERNS.items() for m in rx.finditer(text)]
    try:
        data = json.loads(text)
    except ValueError:
        return found + _random_tokens(text)
    found += [f"credential header: {h}" for h in _headers(data) if h in _SECRET_HEADERS]
    found += [p for s in _strings(_sent_and_metadata(data)) for p in _random_tokens(s)]
    return found


def test_there_are_recordings_to_scan() -> None:
    assert FILES


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(RECORDINGS)) for p in FILES])
def test_recording_has_no_credentials(path: Path) -> None:
    assert problems(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "planted",
    [
        '{"k": "sk-proj-abcdefgh12345678"}',
        '{"k": "sk-ant-api03-xyz"}',
        '{"request": {"headers": {"Authorization": "Bearer abc"}}}',
        '{"request": {"headers": {"x-api-key": "whatever"}}}',
        '{"url": "https://h.test/v1?api_key=abc"}',
        '{"k": "Zx9Qw2Er7Ty4Ui1Op0As5Df8Gh3Jk6Lz2Xc9Vb4Nm7Qa1Ws"}',
        '{"exchanges": [{"request": {"body": {"messages": ["Zx9Qw2Er7Ty4Ui1Op0As5Df8Gh3Jk6Lz2Xc9Vb4Nm7Qa1Ws"]}}}]}',
        '{"exchanges": [{"response": {"body": "my key is sk-proj-abcdefgh12345678"}}]}',
    ],
)
def test_the_scanner_catches_planted_keys(planted: str) -> None:
    assert problems(planted)
