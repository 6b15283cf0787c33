"""Anthropic messages with structured output through one forced tool.

The tool's `input_schema` is the result model's JSON schema and `tool_choice` forces that tool, so
the answer is the `tool_use` block's `input`. Notes for the 2026-10-21 API version (SDK 2.x):
sampling parameters (`temperature`, `top_p`, `top_k`) are rejected, so none is sent; thinking is
switched off explicitly because the API refuses thinking together with a forced tool; and the key
travels as `Authorization: Bearer` (older SDKs used `x-api-key`).
"""

from __future__ import annotations

import json
from typing import Any

from assistant.llm.providers.base import Provider
from assistant.llm.providers.errors import (
    InvalidResponse,
    Refusal,
    TruncatedResponse,
    body_message,
)
from assistant.llm.providers.types import ChatRequest, ProviderResponse, Usage

TOOL_DESCRIPTION = "Record the result. Call this exactly once with the complete result as its input."
TRUNCATED_STOP_REASONS = frozenset({"max_tokens", "model_context_window_exceeded"})


class AnthropicProvider(Provider):
    """Anthropic's Messages API through the `anthropic` SDK, SDK retries off."""

    name = "anthropic"

    def _make_client(self) -> Any:
        import anthropic

        kwargs: dict[str, Any] = {
            "api_key": self._api_key,
            "http_client": self.http_client,
            "max_retries": 0,
            "timeout": self.sdk_timeout(),
        }
        if self.base_url:
            kwargs["base_url"] = self.base_url
        return anthropic.Anthropic(**kwargs)

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = self._make_client()
        return self._client

    def sdk_params(self, request: ChatRequest) -> dict[str, Any]:
        return {
            "model": request.model,
            "max_tokens": request.max_tokens,
            "system": request.system,
            "messages": [{"role": "user", "content": request.user}],
            "tools": [
                {
                    "name": request.schema_name,
                    "description": TOOL_DESCRIPTION,
                    "input_schema": request.json_schema,
                }
            ],
            "tool_choice": {"type": "tool", "name": request.schema_name, "disable_parallel_tool_use": True},
            "thinking": {"type": "disabled"},
        }

    def send(self, request: ChatRequest) -> ProviderResponse:
        import anthropic

        return self.call_sdk(request, self.client.messages.with_raw_response.create, anthropic, "request-id")

    def _response(
        self, request: ChatRequest, body: dict[str, Any], latency: float, request_id: str | None
    ) -> ProviderResponse:
        common: dict[str, Any] = {"provider": self.name, "model": request.model, "request_id": request_id}
        content = body.get("content") if isinstance(body.get("content"), list) else []
        blocks = [block for block in content if isinstance(block, dict)]
        text = "\n".join(str(b.get("text", "")) for b in blocks if b.get("type") == "text").strip()
        stop = body.get("stop_reason")
        if stop == "refusal":
            raise Refusal(body_message({"message": text}), raw_text=text or None, **common)
        if stop in TRUNCATED_STOP_REASONS:
            raise TruncatedResponse(raw_text=text or None, **common)
        tool = next(
            (b for b in blocks if b.get("type") == "tool_use" and b.get("name") == request.schema_name),
            None,
        )
        if tool is None:
            raise InvalidResponse("no tool_use block in the answer", raw_text=text or None, **common)
        data = tool.get("input")
        if isinstance(data, str):  # some proxies pass the input through as a JSON string
            data = self.parse_answer(data, provider=self.name, model=request.model)
        if not isinstance(data, dict):
            raise InvalidResponse("tool input is not a JSON object", raw_text=str(data), **common)
        usage = body.get("usage") if isinstance(body.get("usage"), dict) else {}
        return ProviderResponse(
            provider=self.name,
            model=str(body.get("model") or request.model),
            raw_text=json.dumps(data, ensure_ascii=False),
            data=data,
            usage=Usage(
                prompt_tokens=usage.get("input_tokens"),
                completion_tokens=usage.get("output_tokens"),
            ),
            stop_reason=stop,
            latency_s=latency,
            request_id=request_id,
        )
