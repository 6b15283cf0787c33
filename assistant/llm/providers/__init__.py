"""LLM providers: OpenAI, Anthropic and OpenAI-compatible servers behind one small interface.

Importing this package loads no SDK; `openai`, `anthropic` and `httpx2` are imported on first use.
"""

from assistant.llm.providers.base import ChatRequest, Provider, ProviderResponse, Usage
from assistant.llm.providers.errors import (
    AuthError,
    BadRequest,
    ConfigError,
    ConnectionFailed,
    InvalidResponse,
    MissingKey,
    ModelNotFound,
    ProviderError,
    ProviderTimeout,
    ProviderUnavailable,
    RateLimited,
    Refusal,
    TruncatedResponse,
)
from assistant.llm.providers.factory import get_provider

__all__ = [
    "AuthError",
    "BadRequest",
    "ChatRequest",
    "ConfigError",
    "ConnectionFailed",
    "InvalidResponse",
    "MissingKey",
    "ModelNotFound",
    "Provider",
    "ProviderError",
    "ProviderResponse",
    "ProviderTimeout",
    "ProviderUnavailable",
    "RateLimited",
    "Refusal",
    "TruncatedResponse",
    "Usage",
    "get_provider",
]
