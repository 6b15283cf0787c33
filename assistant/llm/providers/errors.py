"""Provider errors: one class per cause, each with a one-line `user_message` saying what to do.

Pure Python (no SDK imports) so the CLI can catch these without loading any SDK.
Messages never contain an API key or a header value: details taken from provider bodies go
through `scrub()` first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from assistant.llm.providers.registry import OFFLINE, available_providers, find_info

OFFLINE_LABEL = "Offline mode"


def __getattr__(name: str) -> dict[str, str]:
    """`PROVIDER_LABELS` and `KEY_ENV_VARS`, read from the registry (kept for existing callers)."""
    if name == "PROVIDER_LABELS":
        return {**{p.name: p.label for p in available_providers()}, OFFLINE: OFFLINE_LABEL}
    if name == "KEY_ENV_VARS":
        return {p.name: p.key_env for p in available_providers() if p.key_env}
    raise AttributeError(name)


# Things that look like credentials: provider key prefixes, bearer tokens, long opaque tokens.
_SECRET_PATTERNS = (
    re.compile(r"\b(?:sk|pk|rk)-[A-Za-z0-9_\-*.]{6,}"),
    re.compile(r"(?i)\bbearer\s+[A-Za-z0-9_\-.~+/=*]{6,}"),
    re.compile(r"\b[A-Za-z0-9_\-]{40,}\b"),
)


def scrub(text: str, secrets: Iterable[str | None] = ()) -> str:
    """Remove known secret values and anything shaped like an API key or bearer token."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "[redacted]")
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub("[redacted]", text)
    return text


def label(provider: str) -> str:
    """The provider's name as it reads mid-sentence ("the OpenAI-compatible server", "OpenAI")."""
    if provider == OFFLINE:
        return OFFLINE_LABEL
    info = find_info(provider)
    return info.label if info is not None else (provider or "the provider")


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


class ProviderError(Exception):
    """Base class. `user_message` is one line: the cause and what to do about it."""

    retryable: ClassVar[bool] = False

    def __init__(
        self,
        detail: str = "",
        *,
        provider: str = "",
        model: str | None = None,
        status: int | None = None,
        attempts: int = 1,
        retry_after: float | None = None,
        host: str | None = None,
        timeout: float | None = None,
        raw_text: str | None = None,
        request_id: str | None = None,
    ) -> None:
        self.detail = detail
        self.provider = provider
        self.model = model
        self.status = status
        self.attempts = attempts
        self.retry_after = retry_after
        self.host = host
        self.timeout = timeout
        self.raw_text = raw_text
        self.request_id = request_id
        super().__init__(detail)

    @property
    def env_var(self) -> str:
        info = find_info(self.provider)
        return info.key_env if info is not None and info.key_env else "the API key setting"

    @property
    def user_message(self) -> str:
        return self._message()

    def _message(self) -> str:
        status = f" (HTTP {self.status})" if self.status else ""
        detail = f" ({self.detail})" if self.detail else ""
        return (
            f"{_capitalised(label(self.provider))} request failed{status}{self._tries()}{detail}: "
            "check the provider account and settings, then try again."
        )

    def _tries(self) -> str:
        return f" after {self.attempts} attempts" if self.attempts > 1 else ""

    def __str__(self) -> str:
        return self.user_message

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"{name}(provider={self.provider!r}, status={self.status!r}, attempts={self.attempts})"


class ConfigError(ProviderError):
    """The settings do not describe a usable provider (unknown name, missing base URL...)."""

    def _message(self) -> str:
        return self.detail


class MissingKey(ConfigError):
    def _message(self) -> str:
        return (
            f"No API key for {label(self.provider)}: set {self.env_var}, "
            "or use ASSISTANT_PROVIDER=offline for the offline engine."
        )


class AuthError(ProviderError):
    def _message(self) -> str:
        if self.status == 403:
            return (
                f"{_capitalised(label(self.provider))} denied access (HTTP 403): check that the key in {self.env_var} "
                f"may use model '{self.model}'."
            )
        return (
            f"{_capitalised(label(self.provider))} rejected the API key (HTTP {self.status or 401}): "
            f"check {self.env_var} holds a valid, active key."
        )


class ModelNotFound(ProviderError):
    def _message(self) -> str:
        info = find_info(self.provider)
        where = " or ASSISTANT_BASE_URL" if info is not None and info.needs_base_url else ""
        return (
            f"{_capitalised(label(self.provider))} does not know model '{self.model}' (HTTP 404): "
            f"check ASSISTANT_MODEL{where}."
        )


class RateLimited(ProviderError):
    retryable = True

    def _message(self) -> str:
        wait = f"wait {self.retry_after:g} s and " if self.retry_after else "wait a minute and "
        return f"{_capitalised(label(self.provider))} hit its rate limit (HTTP 429){self._tries()}: {wait}try again."


class ProviderUnavailable(ProviderError):
    retryable = True

    def _message(self) -> str:
        status = f" (HTTP {self.status})" if self.status else ""
        return (
            f"{_capitalised(label(self.provider))} is unavailable{status}{self._tries()}: "
            "try again later, or use the offline engine."
        )


class ProviderTimeout(ProviderError):
    retryable = True

    def _message(self) -> str:
        within = f" within {self.timeout:g} s" if self.timeout else " in time"
        status = f" (HTTP {self.status})" if self.status else ""
        return (
            f"{_capitalised(label(self.provider))} did not answer{within}{status}{self._tries()}: "
            "try again, or raise ASSISTANT_TIMEOUT."
        )


class ConnectionFailed(ProviderError):
    retryable = True

    def _message(self) -> str:
        at = f" at {self.host}" if self.host else ""
        return (
            f"Could not connect to {label(self.provider)}{at}{self._tries()}: "
            "check the network, or ASSISTANT_BASE_URL for a local server."
        )


class BadRequest(ProviderError):
    def _message(self) -> str:
        detail = f" ({self.detail})" if self.detail else ""
        too_long = self.status == 413 or any(w in self.detail.lower() for w in ("context", "too long", "too many"))
        advice = (
            "shorten the draft or its context"
            if too_long
            else "check that ASSISTANT_MODEL supports structured (JSON schema) output"
        )
        return (
            f"{_capitalised(label(self.provider))} rejected the request (HTTP {self.status or 400}){detail}: {advice}."
        )


class InvalidResponse(ProviderError):
    def _message(self) -> str:
        detail = f" ({self.detail})" if self.detail else ""
        return (
            f"{_capitalised(label(self.provider))} sent an answer that is not the expected JSON{detail}: "
            "try again, or try another model."
        )


class TruncatedResponse(ProviderError):
    def _message(self) -> str:
        return (
            f"The answer from '{self.model}' was cut off at the output token limit: "
            "shorten the draft, or raise ASSISTANT_MAX_OUTPUT_TOKENS."
        )


class Refusal(ProviderError):
    def _message(self) -> str:
        detail = f" ({self.detail})" if self.detail else ""
        return f"'{self.model}' declined to answer{detail}: rephrase the draft, or use the offline engine."


def body_message(body: object, secrets: Iterable[str | None] = (), limit: int = 200) -> str:
    """The human message inside an OpenAI/Anthropic error body, scrubbed and shortened."""
    message: Any = body
    if isinstance(message, Mapping) and isinstance(message.get("error"), Mapping):
        message = message["error"]
    if isinstance(message, Mapping):
        message = message.get("message") or message.get("detail") or ""
    if not isinstance(message, str):
        message = "" if message is None else str(message)
    message = " ".join(scrub(message, secrets).split())
    return message[: limit - 1] + "…" if len(message) > limit else message


def error_for_status(
    status: int,
    *,
    provider: str,
    model: str | None,
    detail: str = "",
    retry_after: float | None = None,
    request_id: str | None = None,
) -> ProviderError:
    """Map an HTTP status to the matching error class."""
    common: dict[str, Any] = {
        "provider": provider,
        "model": model,
        "status": status,
        "retry_after": retry_after,
        "request_id": request_id,
    }
    if status in (401, 403):
        return AuthError("", **common)  # the provider's text may quote part of the key
    if status == 404:
        return ModelNotFound(detail, **common)
    if status == 408:
        return ProviderTimeout(detail, **common)
    if status == 429:
        return RateLimited(detail, **common)
    if status == 409 or status >= 500:
        return ProviderUnavailable(detail, **common)
    if status in (400, 413, 422):
        return BadRequest(detail, **common)
    return ProviderError(detail, **common)
