"""The app factory: the /v1 routes behind the security middleware, one cache and one rate limiter per app."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

import assistant
from assistant.server.cache import ResultCache
from assistant.server.config import API_VERSION, ServerConfig
from assistant.server.ratelimit import RateLimiter
from assistant.server.routes import router
from assistant.server.security import SecurityMiddleware


def create_app(config: ServerConfig) -> FastAPI:
    """A FastAPI app for `config`; the OpenAPI document is at /v1/openapi.json (behind the token too)."""
    app = FastAPI(
        title="PM assistant local API",
        version=f"{API_VERSION} (assistant {assistant.__version__})",
        summary="Trust-phrase linting, missing context and likely complexity for a draft, on your own machine.",
        openapi_url=f"/{API_VERSION}/openapi.json",
        docs_url=None,  # the interactive pages load scripts from a CDN; the JSON document is enough
        redoc_url=None,
    )
    app.state.config = config
    app.state.cache = ResultCache(config.cache_size)
    app.state.limiter = RateLimiter(config.rate_limit, config.rate_window_s)
    app.include_router(router)
    app.add_middleware(SecurityMiddleware, config=config)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:  # never a traceback in a response
        return JSONResponse({"detail": "internal error; see the server's log"}, status_code=500)

    _declare_bearer(app)
    return app


def _declare_bearer(app: FastAPI) -> None:
    """Document the bearer token (checked by the middleware) in the OpenAPI document."""
    original = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = original()
            schema.setdefault("components", {})["securitySchemes"] = {"token": {"type": "http", "scheme": "bearer"}}
            schema["security"] = [{"token": []}]
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
