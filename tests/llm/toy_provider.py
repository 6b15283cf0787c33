"""A toy provider for the registry test: the whole of what adding a provider takes, besides its entry.

It answers every request from a canned JSON object per answer schema and keeps the requests it was
given, so a test can look at what would have gone on the wire.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from assistant.llm.providers.base import Provider
from assistant.llm.providers.types import ChatRequest, ProviderInfo, ProviderResponse, Usage

INFO = ProviderInfo(
    name="toy",
    label="the toy provider",
    title="Toy",
    key_env="TOY_API_KEY",
    default_model="toy-1",
    redaction="always",
    implementation=f"{__name__}:ToyProvider",
)


class ToyProvider(Provider):
    name = "toy"
    sent: ClassVar[list[dict[str, Any]]] = []

    def sdk_params(self, request: ChatRequest) -> dict[str, Any]:
        return {"model": request.model, "system": request.system, "user": request.user, "schema": request.json_schema}

    def send(self, request: ChatRequest) -> ProviderResponse:
        params = self.sdk_params(request)
        self.sent.append(params)
        properties = set(request.json_schema.get("properties", {}))
        if {"text", "changes"} <= properties:
            draft = request.user.split("<draft>", 1)[-1].split("</draft>", 1)[0].strip()
            data: dict[str, Any] = {"text": draft, "changes": []}
        elif "questions" in properties:
            data = {"questions": [{"category": "trade-offs", "text": "What would we drop to make room?"}]}
        else:
            data = {"flags": []}
        return ProviderResponse(
            provider=self.name,
            model=request.model,
            raw_text=json.dumps(data),
            data=data,
            usage=Usage(prompt_tokens=10, completion_tokens=5),
        )
