"""The ASGI middleware that runs before any route: any web page the PM opens can send requests to
localhost, so every request must pass, in order,

1. the Host check (403): a DNS-rebinding page reaches us under its own host name, never ours;
2. the Origin allow-list (403): browsers name the calling page; only the extension's origin (and any
   origin given with --allow-origin) passes, and only those get CORS headers (never a wildcard);
3. the token (401), compared in constant time; CORS preflights carry none and are answered here;
4. the body-size limit (413), with the CLI's wording, before the body reaches a route.

A refused request is answered here, so nothing is computed for it.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from assistant.server.config import ServerConfig
from assistant.text.reading import over_limit_message

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

ALLOWED_METHODS = "GET, POST, OPTIONS"
ALLOWED_HEADERS = "authorization, content-type"


def host_name(host_header: str) -> str:
    """The name part of a Host header, lower case: 'LOCALHOST:8765' → 'localhost', '[::1]:80' → '::1'."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def body_limit_message(size: int | None, max_bytes: int) -> str:
    """The CLI's over-limit sentence, with the server's remedy instead of the CLI flags."""
    head = over_limit_message("request body", size, max_bytes).split(";", 1)[0]
    return f"{head}; split the text, or start `assistant serve` with a larger --max-bytes"


class SecurityMiddleware:
    """Host, Origin, token and size checks in front of the app (see the module docstring)."""

    def __init__(self, app: ASGIApp, config: ServerConfig) -> None:
        self.app = app
        self.config = config
        self.allowed_hosts = config.allowed_hosts
        self.allowed_origins = frozenset(config.allowed_origins)
        self.expected = f"Bearer {config.token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        if host_name(headers.get("host", "")) not in self.allowed_hosts:
            await _reply(send, 403, "host not allowed: this server answers only on its own loopback names")
            return
        origin = headers.get("origin")
        if origin is not None and origin not in self.allowed_origins:
            await _reply(send, 403, "origin not allowed: only the browser extension may call this server")
            return
        cors = _cors_headers(origin)
        if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            await _reply(send, 204, None, [*cors, (b"access-control-max-age", b"600")])
            return
        given = headers.get("authorization", "").encode("latin-1", "replace")
        if not hmac.compare_digest(given, self.expected):
            extra = [*cors, (b"www-authenticate", b"Bearer")]
            await _reply(send, 401, "missing or wrong token: run `assistant serve --print-token`", extra)
            return
        body = await self._read_body(headers, receive, send, cors)
        if body is None:
            return
        await self.app(scope, _replay(body), _with_headers(send, cors))

    async def _read_body(self, headers: dict[str, str], receive: Receive, send: Send, cors: list) -> bytes | None:
        """The whole body (requests are small), or None after answering 413 for one over the limit."""
        limit = self.config.max_bytes
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _reply(send, 413, body_limit_message(int(declared), limit), cors)
            return None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _reply(send, 413, body_limit_message(None, limit), cors)
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _cors_headers(origin: str | None) -> list[tuple[bytes, bytes]]:
    """CORS headers for an allowed origin (the caller has checked it); none for a request without one."""
    if origin is None:
        return []
    return [
        (b"access-control-allow-origin", origin.encode("latin-1")),
        (b"access-control-allow-methods", ALLOWED_METHODS.encode()),
        (b"access-control-allow-headers", ALLOWED_HEADERS.encode()),
        (b"vary", b"Origin"),
    ]


async def _reply(send: Send, status: int, detail: str | None, extra: list | None = None) -> None:
    body = b"" if detail is None else json.dumps({"detail": detail}).encode()
    headers = [(b"content-length", str(len(body)).encode()), *(extra or [])]
    if body:
        headers.append((b"content-type", b"application/json"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _with_headers(send: Send, extra: list[tuple[bytes, bytes]]) -> Send:
    if not extra:
        return send

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), *extra]}
        await send(message)

    return wrapped
