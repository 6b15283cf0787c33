"""The /v1 routes: each validates its body, answers a repeated request from the cache, and otherwise calls
the same function a library caller would (`assistant.lint`, `assistant.analyze`, the draft tasks)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

import assistant
from assistant.schemas import Analysis, ComplexityReport, LintReport, QuestionSet, Rewrite, TaskResult
from assistant.server.cache import request_key
from assistant.server.config import API_VERSION, ServerConfig
from assistant.server.models import DraftRequest, ErrorDetail, Health, LintRequest
from assistant.tasks.drafts import run_task

CACHE_HEADER = "X-Assistant-Cache"
REFUSALS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorDetail, "description": "the body is not JSON"},
    401: {"model": ErrorDetail, "description": "missing or wrong token"},
    403: {"model": ErrorDetail, "description": "foreign Host or Origin"},
    413: {"model": ErrorDetail, "description": "body over the size limit"},
}
MODEL_REFUSALS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorDetail, "description": "the body is not JSON"},
    **REFUSALS,
    429: {"model": ErrorDetail, "description": "this client is over the model-backed rate limit"},
    502: {"model": ErrorDetail, "description": "the provider failed (one line, never the key)"},
}

router = APIRouter(prefix=f"/{API_VERSION}")


def _client(request: Request) -> str:
    host = request.client.host if request.client else "-"
    return f"{request.headers.get('origin', '-')}|{host}"


def _answer(
    request: Request, route: str, body: BaseModel, compute: Callable[[], BaseModel], *, model_backed: bool
) -> JSONResponse:
    """The cached JSON for a repeated request, else the computed result (rate-limited when model-backed)."""
    state = request.app.state
    key = request_key(route, body.model_dump(mode="json"))
    cached = state.cache.get(key)
    if cached is not None:
        return JSONResponse(cached, headers={CACHE_HEADER: "hit"})
    if model_backed:
        wait = state.limiter.check(_client(request))
        if wait is not None:
            raise HTTPException(
                429,
                f"too many model-backed requests from this client; try again in {wait:.0f} s",
                headers={"Retry-After": str(max(int(wait + 0.999), 1))},
            )
    from assistant.llm.providers.errors import ProviderError

    try:
        result = compute()
    except ProviderError as exc:
        raise HTTPException(502, exc.user_message) from None
    content = result.model_dump(mode="json")
    state.cache.put(key, content)
    return JSONResponse(content, headers={CACHE_HEADER: "miss"})


def _task(request: Request, task: str, body: DraftRequest) -> JSONResponse:
    config: ServerConfig = request.app.state.config
    return _answer(
        request,
        task,
        body,
        lambda: run_task(task, body.text, body.context, provider=config.provider, notice=config.notice),
        model_backed=True,
    )


@router.get("/health", response_model=Health, responses=REFUSALS)
def health(request: Request) -> Health:
    """Whether the server is up, and which engine answers the draft routes."""
    config: ServerConfig = request.app.state.config
    provider = config.provider
    return Health(
        api_version=API_VERSION,
        version=assistant.__version__,
        engine="offline" if provider is None else "llm",
        provider="offline" if provider is None else provider.name,
        model=None if provider is None else provider.model,
        notice=config.notice,
    )


@router.post("/lint", response_model=LintReport, responses=REFUSALS)
def lint(request: Request, body: LintRequest) -> JSONResponse:
    """Trust-damaging phrases (and vague terms), as `assistant lint --format json`. Rules only, never a model."""
    return _answer(
        request,
        "lint",
        body,
        lambda: assistant.lint(body.text, ambiguity=body.ambiguity, min_severity=body.min_severity),
        model_backed=False,
    )


@router.post("/analyze", response_model=Analysis, responses=REFUSALS)
def analyze(request: Request, body: DraftRequest) -> JSONResponse:
    """The offline pass (`assistant.analyze`): findings, vague terms, context, complexity, questions."""
    return _answer(request, "analyze", body, lambda: assistant.analyze(body.text, body.context), model_backed=False)


@router.post("/rewrite", response_model=TaskResult[Rewrite], responses=MODEL_REFUSALS)
def rewrite(request: Request, body: DraftRequest) -> JSONResponse:
    """The draft rewritten with context (`assistant.rewrite`); missing facts as [needs: …] slots."""
    return _task(request, "rewrite", body)


@router.post("/questions", response_model=TaskResult[QuestionSet], responses=MODEL_REFUSALS)
def questions(request: Request, body: DraftRequest) -> JSONResponse:
    """Curiosity questions for a design review (`assistant.questions`)."""
    return _task(request, "questions", body)


@router.post("/complexity", response_model=TaskResult[ComplexityReport], responses=MODEL_REFUSALS)
def complexity(request: Request, body: DraftRequest) -> JSONResponse:
    """Likely-complexity flags, never an estimate (`assistant.complexity`)."""
    return _task(request, "complexity", body)
