"""Replay HTTP traffic to the SDKs without a network: the httpx2 ↔ respx bridge, plus body builders.

openai>=3 and anthropic>=2 speak httpx2, while respx patches only httpx. `client_for(router)`
returns an `httpx2.Client` on a `MockTransport` whose handler converts each httpx2 request to an
`httpx.Request`, resolves it through `router.handler()` (route patterns, side effects and call
records all work) and converts the `httpx.Response` back. A respx side effect that raises an httpx
exception (e.g. `httpx.ReadTimeout`) is re-raised as the httpx2 exception of the same name, so
the SDK sees a real timeout or connection error. Inject the client into a provider
(`http_client=`). Used by tests and by the eval runner to replay recordings.

The body builders produce real wire-format JSON for OpenAI chat completions and Anthropic messages.
`recording_client(sink)` records real exchanges (credentials dropped: `Authorization`, `x-api-key`,
key-like query parameters) as JSON-ready dicts; `router_from_exchanges(sink)` replays them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx
    import httpx2
    import respx

SECRET_HEADERS = frozenset(
    {
        "authorization",
        "x-api-key",
        "api-key",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "openai-organization",
    }
)


def scrub_headers(headers: Iterable[tuple[str, str]] | Mapping[str, str]) -> dict[str, str]:
    """Headers without credentials, names lower-cased: safe to record."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {k.lower(): v for k, v in items if k.lower() not in SECRET_HEADERS}


_SECRET_PARAMS = frozenset({"key", "api_key", "api-key", "apikey", "access_token", "token"})
_ENCODING_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


def scrub_url(url: str) -> str:
    """The URL without user info or key-like query parameters."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in _SECRET_PARAMS
    ]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query), parts.fragment))


def to_httpx_request(request: httpx2.Request) -> httpx.Request:
    import httpx

    return httpx.Request(
        request.method,
        str(request.url),
        headers=list(request.headers.raw),
        content=request.content,
    )


def to_httpx2_response(response: httpx.Response, request: httpx2.Request) -> httpx2.Response:
    import httpx2

    content = response.read()
    # The content is already decoded: drop headers that describe the encoded form.
    headers = [
        (k, v) for k, v in response.headers.raw if k.lower() not in (b"content-encoding", b"content-length")
    ]
    return httpx2.Response(response.status_code, headers=headers, content=content, request=request)


def _to_httpx2_error(error: Exception, request: httpx2.Request) -> Exception:
    import httpx2

    cls = getattr(httpx2, type(error).__name__, None)
    if not (isinstance(cls, type) and issubclass(cls, httpx2.RequestError)):
        cls = httpx2.TimeoutException if "Timeout" in type(error).__name__ else httpx2.TransportError
    return cls(str(error) or type(error).__name__, request=request)


def mock_transport(router: respx.Router) -> httpx2.MockTransport:
    """An httpx2 transport that answers every request through `router`."""
    import httpx
    import httpx2

    def handler(request: httpx2.Request) -> httpx2.Response:
        try:
            response = router.handler(to_httpx_request(request))
        except httpx.TransportError as error:
            raise _to_httpx2_error(error, request) from error
        return to_httpx2_response(response, request)

    return httpx2.MockTransport(handler)


def client_for(router: respx.Router, **client_kwargs: Any) -> httpx2.Client:
    """An `httpx2.Client` whose requests are resolved by `router` (inject it into an SDK)."""
    import httpx2

    return httpx2.Client(transport=mock_transport(router), **client_kwargs)


# -- recording and replaying real exchanges ----------------------------------------------------


def _body(content: bytes) -> Any:
    text = content.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


def exchange_record(request: httpx2.Request, response: httpx2.Response) -> dict[str, Any]:
    """One request/response pair as a JSON-ready dict, without credentials."""
    return {
        "request": {
            "method": request.method,
            "url": scrub_url(str(request.url)),
            "headers": scrub_headers(request.headers.items()),
            "body": _body(request.content),
        },
        "response": {
            "status": response.status_code,
            "headers": {
                k: v for k, v in scrub_headers(response.headers.items()).items() if k not in _ENCODING_HEADERS
            },
            "body": _body(response.content),
        },
    }


def recording_client(
    sink: list[dict[str, Any]], *, transport: httpx2.BaseTransport | None = None, **client_kwargs: Any
) -> httpx2.Client:
    """An `httpx2.Client` that sends through `transport` (a real one by default) and appends each
    exchange to `sink` as `exchange_record` dicts, ready to be saved as a recording."""
    import httpx2

    inner = transport if transport is not None else httpx2.HTTPTransport()

    class Recorder(httpx2.BaseTransport):
        def handle_request(self, request: httpx2.Request) -> httpx2.Response:
            response = inner.handle_request(request)
            response.read()
            sink.append(exchange_record(request, response))
            return response

        def close(self) -> None:
            inner.close()

    return httpx2.Client(transport=Recorder(), **client_kwargs)


def router_from_exchanges(exchanges: Iterable[Mapping[str, Any]]) -> respx.Router:
    """A respx router answering each recorded method+URL with its recorded responses, in order."""
    import httpx
    import respx

    grouped: dict[tuple[str, str], list[httpx.Response]] = {}
    for exchange in exchanges:
        req, resp = exchange["request"], exchange["response"]
        body = resp.get("body")
        kwargs: dict[str, Any] = {"json": body} if isinstance(body, (dict, list)) else {"text": body or ""}
        headers = {k: v for k, v in resp.get("headers", {}).items() if k.lower() not in _ENCODING_HEADERS}
        response = httpx.Response(resp["status"], headers=headers, **kwargs)
        grouped.setdefault((req["method"].upper(), req["url"]), []).append(response)
    router = respx.Router(assert_all_called=False)
    for (method, url), responses in grouped.items():
        router.route(method=method, url=url).mock(side_effect=responses)
    return router


# -- wire-format bodies ------------------------------------------------------------------------


def _text(content: str | Mapping[str, Any] | None) -> str | None:
    if content is None or isinstance(content, str):
        return content
    return json.dumps(content, ensure_ascii=False)


def openai_chat_completion(
    content: str | Mapping[str, Any] | None,
    *,
    model: str = "gpt-5.4-mini",
    finish_reason: str = "stop",
    refusal: str | None = None,
    prompt_tokens: int = 120,
    completion_tokens: int = 40,
    completion_id: str = "chatcmpl-replay-0001",
    created: int = 1_763_800_000,
) -> dict[str, Any]:
    """A `chat.completion` body; `content` may be a dict (dumped to the JSON text the model wrote)."""
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": _text(content),
                    "refusal": refusal,
                    "annotations": [],
                },
                "logprobs": None,
                "finish_reason": finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        },
        "service_tier": "default",
        "system_fingerprint": "fp_replay",
    }


def openai_error(
    message: str, *, type: str = "invalid_request_error", code: str | None = None, param: str | None = None
) -> dict[str, Any]:
    """An OpenAI error body, e.g. `openai_error("...", code="model_not_found")`."""
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


def anthropic_message(
    tool_input: Mapping[str, Any] | None,
    *,
    tool_name: str = "result",
    model: str = "claude-haiku-5-5",
    stop_reason: str = "tool_use",
    text: str | None = None,
    input_tokens: int = 150,
    output_tokens: int = 60,
    message_id: str = "msg_replay_0001",
) -> dict[str, Any]:
    """A `message` body: an optional text block, then a `tool_use` block when `tool_input` is given."""
    content: list[dict[str, Any]] = []
    if text is not None:
        content.append({"type": "text", "text": text})
    if tool_input is not None:
        content.append(
            {"type": "tool_use", "id": "toolu_replay_0001", "name": tool_name, "input": dict(tool_input)}
        )
    return {
        "id": message_id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": {
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
        },
    }


def anthropic_error(message: str, *, type: str = "invalid_request_error") -> dict[str, Any]:
    """An Anthropic error body, e.g. `anthropic_error("...", type="not_found_error")`."""
    return {"type": "error", "error": {"type": type, "message": message}, "request_id": "req_replay_0001"}
