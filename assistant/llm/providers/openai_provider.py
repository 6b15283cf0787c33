"""OpenAI chat completions with a JSON-schema response format (strict where the schema allows)."""

from __future__ import annotations

import re
from typing import Any

from assistant.llm.providers.base import Provider, strict_json_schema
from assistant.llm.providers.errors import (
    InvalidResponse,
    ProviderError,
    Refusal,
    TruncatedResponse,
    body_message,
)
from assistant.llm.providers.types import ChatRequest, ProviderResponse, Usage

# Reasoning models (o-series, gpt-5 and later) reject a custom temperature.
_REASONING_MODEL_RE = re.compile(r"^(o\d|gpt-(?:[5-9]|\d{2,}))", re.IGNORECASE)


def is_reasoning_model(model: str) -> bool:
    return bool(_REASONING_MODEL_RE.match(model.rsplit("/", 1)[-1]))


class OpenAIProvider(Provider):
    """OpenAI's API through the `openai` SDK, SDK retries off (our retry layer is the only one)."""

    name = "openai"

    def _make_client(self) -> Any:
        import openai

        return openai.OpenAI(
            api_key=self._api_key,
            base_url=self.base_url,
            http_client=self.http_client,
            max_retries=0,
            timeout=self.sdk_timeout(),
        )

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = self._make_client()
        return self._client

    # -- building ---------------------------------------------------------------------------

    def messages(self, request: ChatRequest) -> list[dict[str, str]]:
        return [
            {"role": "system", "content": request.system},
            {"role": "user", "content": request.user},
        ]

    def response_format(self, request: ChatRequest) -> dict[str, Any]:
        strict = strict_json_schema(request.json_schema)
        return {
            "type": "json_schema",
            "json_schema": {
                "name": request.schema_name,
                "schema": strict if strict is not None else request.json_schema,
                "strict": strict is not None,
            },
        }

    def sdk_params(self, request: ChatRequest) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": request.model,
            "messages": self.messages(request),
            "response_format": self.response_format(request),
            "max_completion_tokens": request.max_tokens,
        }
        if not is_reasoning_model(request.model):
            params["temperature"] = request.temperature
        return params

    # -- sending ----------------------------------------------------------------------------

    def send(self, request: ChatRequest) -> ProviderResponse:
        import openai

        return self.call_sdk(request, self.client.chat.completions.with_raw_response.create, openai, "x-request-id")

    def _response(
        self, request: ChatRequest, body: dict[str, Any], latency: float, request_id: str | None
    ) -> ProviderResponse:
        common: dict[str, Any] = {"provider": self.name, "model": request.model, "request_id": request_id}
        choices = body.get("choices")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            raise self.invalid("no choices in the response", request)
        choice = choices[0]
        message = choice.get("message") if isinstance(choice.get("message"), dict) else {}
        finish = choice.get("finish_reason")
        content = message.get("content")
        if message.get("refusal"):
            raise Refusal(body_message({"message": message["refusal"]}), raw_text=content, **common)
        if finish == "content_filter":
            raise Refusal("content filter", raw_text=content, **common)
        if finish == "length":
            raise TruncatedResponse(raw_text=content, **common)
        data = self.parse_answer(content, provider=self.name, model=request.model)
        usage = body.get("usage") if isinstance(body.get("usage"), dict) else {}
        return ProviderResponse(
            provider=self.name,
            model=str(body.get("model") or request.model),
            raw_text=content,
            data=data,
            usage=Usage(
                prompt_tokens=usage.get("prompt_tokens"),
                completion_tokens=usage.get("completion_tokens"),
            ),
            stop_reason=finish,
            latency_s=latency,
            request_id=request_id,
        )

    def invalid(self, detail: str, request: ChatRequest) -> ProviderError:
        return InvalidResponse(detail, provider=self.name, model=request.model)
