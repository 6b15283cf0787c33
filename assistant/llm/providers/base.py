"""Provider-neutral request/response models and the Provider base class.

A provider builds a `ChatRequest` apart from sending it (so tests and the cache can look at the
request), turns it into its SDK's parameters (`sdk_params`), and sends one attempt (`send`).
`complete` = build → budget check → cache → send through the retry layer → cache.
The caller may inject the http client (an `httpx2.Client`), which is what makes replay clean.
"""

from __future__ import annotations

import copy
import json
import re
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel

from assistant.llm.providers.errors import (
    ConnectionFailed,
    InvalidResponse,
    ProviderError,
    ProviderTimeout,
    body_message,
    error_for_status,
)
from assistant.llm.providers.registry import get_info
from assistant.llm.providers.retry import RetryPolicy, call_with_retry, parse_retry_after
from assistant.llm.providers.types import (  # re-exported: the names callers know from here
    DEFAULT_MAX_OUTPUT_TOKENS,
    ChatRequest,
    ProviderInfo,
    ProviderResponse,
    Usage,
    host_of,
    schema_name_for,
)

if TYPE_CHECKING:
    import httpx2

    from assistant.llm.cache import ResponseCache

__all__ = [
    "ChatRequest",
    "Provider",
    "ProviderInfo",
    "ProviderResponse",
    "Usage",
    "decode_body",
    "host_of",
    "parse_json_object",
    "schema_name_for",
    "strict_json_schema",
]

DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MAX_ATTEMPTS = 3
# Cloud APIs: an unreachable host (no network, a firewall dropping packets) fails within seconds per attempt,
# not after the 30 s read timeout.
CONNECT_TIMEOUT_S = 2.0


def strict_json_schema(schema: dict[str, Any]) -> dict[str, Any] | None:
    """The schema made acceptable to OpenAI's `strict: true`, or None when it cannot be.

    Every object gets `additionalProperties: false` and all its properties `required`
    (our models use extra="forbid"); defaults are dropped; a `$ref` with siblings is inlined.
    An object that allows extra keys (e.g. a `dict[str, X]` field) makes strict mode impossible.
    """
    root = copy.deepcopy(schema)

    def resolve(ref: str) -> dict[str, Any]:
        node: Any = root
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        return copy.deepcopy(node)

    def fix(node: Any) -> Any:
        if isinstance(node, list):
            return [fix(item) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node and len(node) > 1:
            merged = {**resolve(node["$ref"]), **{k: v for k, v in node.items() if k != "$ref"}}
            return fix(merged)
        node.pop("default", None)
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in ("properties", "$defs", "definitions") and isinstance(value, dict):
                out[key] = {name: fix(sub) for name, sub in value.items()}
            elif key in ("items", "anyOf", "allOf", "oneOf", "prefixItems"):
                out[key] = fix(value)
            elif key == "additionalProperties" and value is not False:
                raise _NotStrict
            else:
                out[key] = value
        if out.get("type") == "object" or "properties" in out:
            if "patternProperties" in out:
                raise _NotStrict
            out["additionalProperties"] = False
            out["required"] = list(out.get("properties", {}))
        return out

    try:
        return fix(root)
    except _NotStrict:
        return None


class _NotStrict(Exception):
    pass


_FENCE_RE = re.compile(r"^\s*```(?:json|JSON)?\s*\n?(.*?)\n?\s*```\s*$", re.DOTALL)


def parse_json_object(text: str) -> dict[str, Any]:
    """Parse the model's JSON text into a dict; tolerate a ``` fence or prose around one object.

    Raises ValueError when no JSON object can be read.
    """
    candidate = text.strip()
    fenced = _FENCE_RE.match(candidate)
    if fenced:
        candidate = fenced.group(1).strip()
    try:
        value = json.loads(candidate, strict=False)
    except json.JSONDecodeError:
        start, end = candidate.find("{"), candidate.rfind("}")
        if start == -1 or end <= start:
            raise ValueError("no JSON object in the answer") from None
        try:
            value = json.loads(candidate[start : end + 1], strict=False)
        except json.JSONDecodeError as error:
            raise ValueError(f"invalid JSON ({error.msg} at char {error.pos})") from None
    if not isinstance(value, dict):
        raise ValueError(f"expected a JSON object, got {type(value).__name__}")
    return value


class Provider(ABC):
    """Base class: subclasses implement `sdk_params` and `send` (one attempt, errors mapped)."""

    name: ClassVar[str]  # the registry entry's name: label, key variable, default model and redaction come from it
    # Whether drafts are redacted when the entry's redaction policy is "setting" (see `should_redact`).
    redact_by_default: bool = True

    def __init__(
        self,
        *,
        model: str | None = None,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT_S,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        max_output_tokens: int = DEFAULT_MAX_OUTPUT_TOKENS,
        temperature: float = 0.0,
        max_prompt_tokens: int | None = None,
        http_client: httpx2.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        cache: ResponseCache | None = None,
    ) -> None:
        self.model = model or self.info().default_model
        self._api_key = api_key
        self.base_url = base_url
        self.timeout = timeout
        self.retry_policy = RetryPolicy(max_attempts=max_attempts)
        self.max_output_tokens = max_output_tokens
        self.temperature = temperature
        self.max_prompt_tokens = max_prompt_tokens
        self.http_client = http_client
        self.sleep = sleep
        self.cache = cache
        self._client: Any = None

    @classmethod
    def info(cls) -> ProviderInfo:
        """This provider's registry entry."""
        return get_info(cls.name)

    @property
    def default_model(self) -> str:
        return self.info().default_model

    def should_redact(self) -> bool:
        """Always for an entry with redaction "always" (cloud APIs, whatever their base URL); else
        `redact_by_default` (ASSISTANT_REDACT_COMPATIBLE, on unless turned off)."""
        return self.info().redaction == "always" or self.redact_by_default

    def __repr__(self) -> str:
        return f"{type(self).__name__}(model={self.model!r}, base_url={self.base_url!r})"

    @property
    def host(self) -> str | None:
        return host_of(self.base_url)

    def _secrets(self) -> tuple[str | None, ...]:
        return (self._api_key,)

    # -- building ---------------------------------------------------------------------------

    def build_request(self, system: str, user: str, output_model: type[BaseModel]) -> ChatRequest:
        """The provider-neutral request for `output_model`'s JSON schema."""
        return ChatRequest(
            system=system,
            user=user,
            schema_name=schema_name_for(output_model),
            json_schema=output_model.model_json_schema(),
            model=self.model,
            max_tokens=self.max_output_tokens,
            temperature=self.temperature,
        )

    @abstractmethod
    def sdk_params(self, request: ChatRequest) -> dict[str, Any]:
        """The keyword arguments given to the SDK call: the JSON body that goes on the wire."""

    # -- sending ----------------------------------------------------------------------------

    @abstractmethod
    def send(self, request: ChatRequest) -> ProviderResponse:
        """One attempt, no retry; SDK and HTTP failures come out as `ProviderError`s."""

    def send_with_retry(self, request: ChatRequest) -> ProviderResponse:
        response, attempts = call_with_retry(lambda: self.send(request), policy=self.retry_policy, sleep=self.sleep)
        return response.model_copy(update={"attempts": attempts})

    def complete(
        self,
        system: str,
        user: str,
        output_model: type[BaseModel],
        *,
        prompt_version: str | None = None,
    ) -> ProviderResponse:
        """Build, check the prompt budget, answer from the cache or send (with retries), cache."""
        request = self.build_request(system, user, output_model)
        if self.max_prompt_tokens is not None:
            from assistant.llm.budget import within_budget

            within_budget(request, provider=self.name, limit=self.max_prompt_tokens)
        key = None
        if self.cache is not None and self.cache.enabled:
            key = self.cache.key(
                provider=self.name,
                model=request.model,
                base_url=self.base_url,
                prompt_version=prompt_version,
                request=request,
                params=self.sdk_params(request),
            )
            hit = self.cache.get(key)
            if hit is not None:
                return hit
        response = self.send_with_retry(request)
        if key is not None and self.cache is not None:
            self.cache.put(key, response)
        return response

    def sdk_timeout(self) -> Any:
        """The SDK client's timeout: `timeout` per attempt, with a short connect timeout for a cloud API
        (a self-hosted server, which may sit behind a slow link, keeps the one timeout)."""
        if self.info().needs_base_url:
            return self.timeout
        import httpx2

        return httpx2.Timeout(self.timeout, connect=min(CONNECT_TIMEOUT_S, self.timeout))

    def call_sdk(
        self, request: ChatRequest, create: Callable[..., Any], sdk: Any, request_id_header: str
    ) -> ProviderResponse:
        """One SDK call with its failures mapped: both official SDKs raise the same exception family
        (`APIStatusError`, `APITimeoutError`, `APIConnectionError`)."""
        started = time.perf_counter()
        try:
            raw = create(**self.sdk_params(request))
        except sdk.APIStatusError as error:
            raise self.status_failure(
                request, error.response.status_code, error.body, error.response.headers, request_id_header
            ) from None
        except sdk.APITimeoutError as error:
            raise self.timeout_failure(request, connecting=_is_connect_timeout(error)) from None
        except sdk.APIConnectionError:
            raise self.connection_failure(request) from None
        latency = time.perf_counter() - started
        http = raw.http_response
        body = decode_body(http.text, provider=self.name, model=request.model, status=http.status_code)
        return self._response(request, body, latency, http.headers.get(request_id_header))

    # -- failures, the same whichever client sent the request ---------------------------------

    def status_failure(
        self, request: ChatRequest, status: int, body: object, headers: Any, request_id_header: str
    ) -> ProviderError:
        """The error for an HTTP error answer: its status, its scrubbed message, Retry-After, the request id."""
        return error_for_status(
            status,
            provider=self.name,
            model=request.model,
            detail=body_message(body, self._secrets()),
            retry_after=parse_retry_after(headers),
            request_id=headers.get(request_id_header),
        )

    def timeout_failure(self, request: ChatRequest, *, connecting: bool) -> ProviderError:
        """A timeout while connecting means the host was never reached; after that, the answer was late."""
        if connecting:
            return self.connection_failure(request)
        return ProviderTimeout(provider=self.name, model=request.model, timeout=self.timeout, host=self.host)

    def connection_failure(self, request: ChatRequest) -> ProviderError:
        return ConnectionFailed(provider=self.name, model=request.model, host=self.host)

    def _response(
        self, request: ChatRequest, body: dict[str, Any], latency: float, request_id: str | None
    ) -> ProviderResponse:
        """The provider's answer body turned into a `ProviderResponse` (or a specific error)."""
        raise NotImplementedError

    @staticmethod
    def parse_answer(text: str | None, *, provider: str, model: str) -> dict[str, Any]:
        """The answer text as a JSON object, or InvalidResponse carrying the raw text."""
        if not text or not text.strip():
            raise InvalidResponse("empty answer", provider=provider, model=model, raw_text=text)
        try:
            return parse_json_object(text)
        except ValueError as error:
            raise InvalidResponse(str(error), provider=provider, model=model, raw_text=text) from None


def _is_connect_timeout(error: BaseException) -> bool:
    """Whether an SDK timeout happened while connecting (so the host was never reached)."""
    import httpx2

    return isinstance(error.__cause__, httpx2.ConnectTimeout)


def decode_body(text: str, *, provider: str, model: str, status: int) -> dict[str, Any]:
    """The HTTP body as a JSON object, or InvalidResponse (e.g. an HTML page from a proxy)."""
    try:
        body = json.loads(text)
    except json.JSONDecodeError:
        raise InvalidResponse(
            f"HTTP {status} body is not JSON", provider=provider, model=model, status=status
        ) from None
    if not isinstance(body, dict):
        raise InvalidResponse(f"HTTP {status} body is not a JSON object", provider=provider, model=model, status=status)
    return body
