"""The bottom of the provider layer: request/response models, a provider's declaration, URL and name helpers.

Imports nothing from `assistant` (so budget, cache, registry and providers can all use it without a cycle).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_MAX_OUTPUT_TOKENS = 2048
RedactionPolicy = Literal["always", "setting"]


@dataclass(frozen=True)
class ProviderInfo:
    """What the rest of the package knows about a provider, declared once in the registry.

    `redaction`: "always" redacts drafts before every call (cloud APIs, whatever their base URL);
    "setting" follows the provider's `redact_by_default` (ASSISTANT_REDACT_COMPATIBLE for local servers).
    `implementation` is "module:Class", imported only when a provider is built.
    """

    name: str
    label: str
    title: str
    key_env: str | None
    default_model: str
    redaction: RedactionPolicy
    implementation: str
    needs_key: bool = True
    needs_base_url: bool = False

    def __post_init__(self) -> None:
        if self.redaction not in ("always", "setting"):
            raise ValueError(f"provider {self.name!r}: redaction must be 'always' or 'setting'")
        if ":" not in self.implementation:
            raise ValueError(f"provider {self.name!r}: implementation must be 'module:Class'")


class ChatRequest(BaseModel):
    """One structured-output call: a system prompt, a user message and the JSON schema to answer in."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    system: str
    user: str
    schema_name: str
    json_schema: dict[str, Any]
    model: str
    max_tokens: int = Field(default=DEFAULT_MAX_OUTPUT_TOKENS, ge=1)
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)


class Usage(BaseModel):
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


class ProviderResponse(BaseModel):
    """The model's JSON answer, parsed to a dict but not yet validated against the result model."""

    provider: str
    model: str
    raw_text: str
    data: dict[str, Any]
    usage: Usage = Field(default_factory=Usage)
    stop_reason: str | None = None
    latency_s: float = 0.0
    attempts: int = 1
    cached: bool = False
    request_id: str | None = None


_NAME_RE = re.compile(r"[^A-Za-z0-9_-]+")


def schema_name_for(output_model: type[BaseModel]) -> str:
    """A name both APIs accept (^[A-Za-z0-9_-]{1,64}$) for the schema / forced tool."""
    return _NAME_RE.sub("_", output_model.__name__)[:64] or "result"


def host_of(base_url: str | None) -> str | None:
    """Host[:port] of a URL, without user info (never keep credentials embedded in a URL)."""
    if not base_url:
        return None
    parts = urlsplit(base_url if "://" in base_url else f"http://{base_url}")
    if not parts.hostname:
        return None
    return f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname
