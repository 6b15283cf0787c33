"""OpenAI-compatible servers (llama-cpp-python, llama.cpp's llama-server, Ollama, vLLM, LM Studio).

OpenAI's chat completions wire format, sent with httpx directly: a local server needs none of the SDK,
whose import alone costs about half a second of start-up (it builds every API type). The request body,
headers and error mapping are the SDK's. Servers differ in structured output, so the response format is
configurable:

- ``json_object`` (default): ``{"type": "json_object", "schema": {...}}`` — what llama-cpp-python's
  server supports (it turns the schema into a grammar and ignores ``json_schema``); the schema is
  also described in the system prompt for servers that only do plain JSON mode.
- ``json_schema``: the OpenAI form, for llama-server, vLLM, Ollama and LM Studio.
"""

from __future__ import annotations

import json
import time
from typing import Any, Literal

from assistant.llm.providers.errors import ConfigError
from assistant.llm.providers.openai_provider import OpenAIProvider
from assistant.llm.providers.types import ChatRequest, ProviderResponse

ResponseFormatMode = Literal["json_object", "json_schema"]
RESPONSE_FORMAT_MODES: tuple[str, ...] = ("json_object", "json_schema")
PLACEHOLDER_KEY = "not-needed"

SCHEMA_INSTRUCTION = "Answer with one JSON object and nothing else. It must match this JSON schema:\n{schema}"


class CompatibleProvider(OpenAIProvider):
    """A local or self-hosted server speaking OpenAI's chat completions API."""

    name = "openai-compatible"

    def __init__(self, *, response_format_mode: ResponseFormatMode = "json_object", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not self.base_url:
            raise ConfigError(
                "The openai-compatible provider needs ASSISTANT_BASE_URL "
                "(e.g. http://127.0.0.1:8000/v1 for llama-cpp-python's server).",
                provider=self.name,
            )
        if response_format_mode not in RESPONSE_FORMAT_MODES:
            raise ConfigError(
                f"Unknown response format mode {response_format_mode!r}: use one of "
                + ", ".join(RESPONSE_FORMAT_MODES)
                + ".",
                provider=self.name,
            )
        self.response_format_mode: ResponseFormatMode = response_format_mode
        if not self._api_key:
            self._api_key = PLACEHOLDER_KEY

    def _secrets(self) -> tuple[str | None, ...]:
        return () if self._api_key == PLACEHOLDER_KEY else (self._api_key,)

    def messages(self, request: ChatRequest) -> list[dict[str, str]]:
        system = request.system
        if self.response_format_mode == "json_object":
            schema = json.dumps(request.json_schema, separators=(",", ":"))
            system = f"{system}\n\n{SCHEMA_INSTRUCTION.format(schema=schema)}"
        return [{"role": "system", "content": system}, {"role": "user", "content": request.user}]

    def response_format(self, request: ChatRequest) -> dict[str, Any]:
        if self.response_format_mode == "json_object":
            return {"type": "json_object", "schema": request.json_schema}
        return super().response_format(request)

    def sdk_params(self, request: ChatRequest) -> dict[str, Any]:
        # Local servers know `max_tokens`; not all know `max_completion_tokens`.
        return {
            "model": request.model,
            "messages": self.messages(request),
            "response_format": self.response_format(request),
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
        }

    # -- sending (httpx, not the SDK) --------------------------------------------------------

    def _make_client(self) -> Any:
        import httpx2

        return self.http_client or httpx2.Client(timeout=self.sdk_timeout())

    def send(self, request: ChatRequest) -> ProviderResponse:
        """POST {base_url}/chat/completions; failures mapped as the SDK's would be (see `call_sdk`)."""
        import httpx2

        from assistant.llm.providers.base import decode_body

        assert self.base_url is not None  # checked in __init__
        url = self.base_url.rstrip("/") + "/chat/completions"
        headers = {"Authorization": f"Bearer {self._api_key}", "Accept": "application/json"}
        started = time.perf_counter()
        try:
            response = self.client.post(url, json=self.sdk_params(request), headers=headers, timeout=self.sdk_timeout())
        except httpx2.TimeoutException as error:
            raise self.timeout_failure(request, connecting=isinstance(error, httpx2.ConnectTimeout)) from None
        except httpx2.TransportError:
            raise self.connection_failure(request) from None
        latency = time.perf_counter() - started
        if response.status_code >= 400:
            try:
                body: object = response.json()
            except ValueError:
                body = response.text
            raise self.status_failure(request, response.status_code, body, response.headers, "x-request-id") from None
        decoded = decode_body(response.text, provider=self.name, model=request.model, status=response.status_code)
        return self._response(request, decoded, latency, response.headers.get("x-request-id"))
