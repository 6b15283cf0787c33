"""Request and status models of the HTTP API; results are the library's own models (assistant.schemas)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.schemas import PMContext, Severity

EMPTY_TEXT = "the text is empty; paste a draft or give a file with text in it"


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="the draft or message, as typed")

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError(EMPTY_TEXT)
        return value


class LintRequest(_Request):
    """Body of POST /v1/lint: the same options as `assistant lint`."""

    ambiguity: bool = Field(default=True, description="also list vague terms (like --no-ambiguity when false)")
    min_severity: Severity = Field(default="suggestion", description="report only findings at or above this")


class DraftRequest(_Request):
    """Body of the draft routes: the text and the context the PM can give (as --context-file)."""

    context: PMContext | None = None


class Health(BaseModel):
    """GET /v1/health: what answers, never how it is authenticated."""

    status: Literal["ok"] = "ok"
    api_version: str
    version: str
    engine: Literal["offline", "llm"]
    provider: str
    model: str | None = None
    notice: str


class ErrorDetail(BaseModel):
    """Every refusal: one sentence saying why and what to do."""

    detail: str | list
