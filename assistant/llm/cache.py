"""A response cache: one JSON file per request, keyed by a SHA-256 of everything that shapes the answer.

The key covers the provider, model, base URL host, prompt version and the full request (messages,
schema, and the provider-specific parameters). API keys are never part of a key or a file: the
request holds none, the base URL is reduced to its host (dropping any user:password@), and
`put` refuses to write a file that contains a secret it was told about.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from assistant.llm.providers.types import ChatRequest, ProviderResponse, host_of

if TYPE_CHECKING:
    from assistant.llm.settings import Settings

CACHE_FORMAT = 1


def cache_key(
    *,
    provider: str,
    model: str,
    base_url: str | None,
    prompt_version: str | None,
    request: ChatRequest,
    params: dict[str, Any] | None = None,
) -> str:
    """Hex SHA-256 of the canonical JSON of everything that determines the answer."""
    material = {
        "format": CACHE_FORMAT,
        "provider": provider,
        "model": model,
        "host": host_of(base_url),
        "prompt_version": prompt_version,
        "request": request.model_dump(mode="json"),
        "params": params,
    }
    canonical = json.dumps(material, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class ResponseCache:
    """JSON files under `directory`, sharded by the key's first two hex digits."""

    def __init__(self, directory: Path | str, *, enabled: bool = True, secrets: tuple[str, ...] = ()) -> None:
        self.directory = Path(directory)
        self.enabled = enabled
        self._secrets = tuple(s for s in secrets if s)

    @classmethod
    def from_settings(cls, settings: Settings) -> ResponseCache:
        from assistant.llm.providers.registry import provider_names

        keys = (settings.key_for(p) for p in provider_names(offline=False))
        return cls(settings.cache_dir, enabled=settings.cache_enabled, secrets=tuple(k for k in keys if k))

    def __repr__(self) -> str:
        return f"ResponseCache({str(self.directory)!r}, enabled={self.enabled})"

    key = staticmethod(cache_key)

    def path_for(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> ProviderResponse | None:
        """The cached response (marked `cached=True`), or None on a miss, a corrupt file or when off."""
        if not self.enabled:
            return None
        path = self.path_for(key)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            if entry.get("format") != CACHE_FORMAT or entry.get("key") != key:
                return None
            response = ProviderResponse.model_validate(entry["response"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError, ValidationError):
            return None
        return response.model_copy(update={"cached": True})

    def put(self, key: str, response: ProviderResponse) -> Path | None:
        """Store `response`; return the file written (None when the cache is off)."""
        if not self.enabled:
            return None
        entry = {
            "format": CACHE_FORMAT,
            "key": key,
            "stored_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "response": response.model_copy(update={"cached": False}).model_dump(mode="json"),
        }
        text = json.dumps(entry, ensure_ascii=False, indent=1, sort_keys=True)
        if any(secret in text for secret in self._secrets):
            raise ValueError("refusing to cache a response that contains an API key")
        path = self.path_for(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

    def clear(self) -> int:
        """Delete every cached response; return how many files were removed."""
        removed = 0
        if self.directory.is_dir():
            for path in self.directory.glob("*/*.json"):
                path.unlink(missing_ok=True)
                removed += 1
        return removed
