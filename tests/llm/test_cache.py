"""The response cache: keys, hit/miss, off switch, corrupt files, no secrets on disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.llm.cache import ResponseCache, cache_key
from assistant.llm.providers.base import ChatRequest, ProviderResponse, Usage
from assistant.llm.settings import Settings

KEY = "sk-proj-cacheTEST0123456789abcdef"


def request(user: str = "We need CSV export ASAP.") -> ChatRequest:
    return ChatRequest(
        system="sys",
        user=user,
        schema_name="Rewrite",
        json_schema={"type": "object", "properties": {"text": {"type": "string"}}},
        model="gpt-5.4-mini",
    )


def response(text: str = "Could we add CSV export?") -> ProviderResponse:
    return ProviderResponse(
        provider="openai",
        model="gpt-5.4-mini",
        raw_text=json.dumps({"text": text}),
        data={"text": text},
        usage=Usage(prompt_tokens=10, completion_tokens=5),
        stop_reason="stop",
        latency_s=0.4,
        attempts=2,
    )


def key(**overrides: object) -> str:
    args: dict[str, object] = {
        "provider": "openai",
        "model": "gpt-5.4-mini",
        "base_url": None,
        "prompt_version": "rewrite@1",
        "request": request(),
    }
    args.update(overrides)
    return cache_key(**args)  # type: ignore[arg-type]


def test_miss_then_hit(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path)
    k = key()
    assert cache.get(k) is None
    path = cache.put(k, response())
    assert path is not None and path.is_file() and path.parent.name == k[:2]
    hit = cache.get(k)
    assert hit is not None and hit.cached
    assert hit.model_copy(update={"cached": False}) == response()


def test_disabled_cache_neither_reads_nor_writes(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path, enabled=False)
    assert cache.put(key(), response()) is None
    assert cache.get(key()) is None
    assert list(tmp_path.iterdir()) == []


def test_key_is_stable_and_covers_what_shapes_the_answer() -> None:
    base = key()
    assert base == key() and len(base) == 64
    variants = [
        key(provider="anthropic"),
        key(model="gpt-4o-mini"),
        key(base_url="http://127.0.0.1:8000/v1"),
        key(prompt_version="rewrite@2"),
        key(request=request("different draft")),
        key(params={"response_format": {"type": "json_object"}}),
    ]
    assert len({base, *variants}) == len(variants) + 1


def test_key_uses_the_host_only() -> None:
    plain = key(base_url="https://llm.example.test/v1")
    assert plain == key(base_url="https://user:secret@llm.example.test/v2")
    assert plain != key(base_url="https://other.example.test/v1")


def test_corrupt_or_foreign_files_are_misses(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path)
    k = key()
    path = cache.put(k, response())
    assert path is not None
    path.write_text("{not json")
    assert cache.get(k) is None
    path.write_text(json.dumps({"format": 1, "key": "someone-else", "response": {}}))
    assert cache.get(k) is None
    cache.put(k, response())
    assert cache.get(k) is not None


def test_refuses_to_store_a_secret(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path, secrets=(KEY,))
    with pytest.raises(ValueError, match="API key"):
        cache.put(key(), response(f"echoing {KEY}"))
    assert not list(tmp_path.rglob("*.json"))


def test_from_settings(tmp_path: Path) -> None:
    settings = Settings(openai_api_key=KEY, cache_dir=tmp_path / "responses", cache_enabled=False)
    cache = ResponseCache.from_settings(settings)
    assert cache.directory == tmp_path / "responses" and not cache.enabled
    assert KEY not in repr(cache)
    with pytest.raises(ValueError):
        ResponseCache.from_settings(settings.model_copy(update={"cache_enabled": True})).put(
            key(), response(KEY)
        )


def test_clear(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path)
    cache.put(key(), response())
    cache.put(key(prompt_version="rewrite@2"), response())
    assert cache.clear() == 2 and cache.get(key()) is None
