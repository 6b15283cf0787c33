"""Recorded model exchanges: one readable JSON file per (provider, model, case, task).

Layout: `<root>/<provider>/<model-slug>/<case-id>.<task>.json`, and hand-written error paths under
`<root>/synthetic/<provider>/<model-slug>/`. A file carries the raw HTTP exchanges (credentials
removed), what happened (`ok` or the error), and provenance: provider, model, base URL host, date,
the prompt file's hash, the case input's hash and `synthetic`. When the prompt file (or the case
input) no longer hashes the same, the recording is stale: it answers a different prompt.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.evaluation.replay import SECRET_HEADERS, scrub_url
from assistant.llm.redact import scrub_secrets

if TYPE_CHECKING:
    import httpx2

    from assistant.evaluation.cases import Case
    from assistant.llm.providers.base import Provider

FORMAT = 1
DEFAULT_RECORDINGS_DIR = Path(__file__).resolve().parent / "suite" / "recordings"
SYNTHETIC_DIR = "synthetic"
REPLAY_KEY = "replay-placeholder"  # what replayed providers send: never a real key
_SLUG_RE = re.compile(r"[^a-z0-9._-]+")


class Provenance(BaseModel):
    """Where a recording came from; every field is required for a real recording."""

    model_config = ConfigDict(extra="forbid")

    provider: str
    model: str
    base_url: str | None = None
    base_url_host: str
    recorded_at: str
    prompt_file: str
    prompt_hash: str
    case_input_hash: str
    synthetic: bool
    max_output_tokens: int
    max_attempts: int = 3
    response_format_mode: str | None = None
    scrubbed_strings: int = 0
    note: str = ""


class Outcome(BaseModel):
    """What the call produced: a result (`ok`) or a provider error, as the user would have seen it."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["ok", "error"]
    error_type: str | None = None
    error: str | None = None
    seconds: float | None = None


class Recording(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: int = FORMAT
    case_id: str
    task: str
    provenance: Provenance
    outcome: Outcome
    exchanges: list[dict[str, Any]] = Field(default_factory=list)

    @property
    def engine(self) -> str:
        return engine_label(self.provenance.provider, self.provenance.model)


@dataclass(frozen=True)
class LoadedRecording:
    path: Path
    recording: Recording


def engine_label(provider: str, model: str) -> str:
    return f"{provider}/{model}"


def model_slug(model: str) -> str:
    """A file-system-safe name for a model ("/models/SmolLM2.gguf" → "smollm2.gguf")."""
    tail = model.rstrip("/").rsplit("/", 1)[-1] or model
    return _SLUG_RE.sub("-", tail.lower()).strip("-.") or "model"


def recording_path(root: Path, provider: str, model: str, case_id: str, task: str, *, synthetic: bool = False) -> Path:
    base = root / SYNTHETIC_DIR if synthetic else root
    return base / provider / model_slug(model) / f"{case_id}.{task}.json"


def scrub_url_or_none(url: str | None) -> str | None:
    return scrub_url(url) if url else None


def now_utc() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# ---------------------------------------------------------------- scrubbing and saving
def scrub(value: Any) -> tuple[Any, int]:
    """`value` with every key-like string replaced and credential headers dropped; and how many
    strings changed."""
    changed = 0

    def walk(node: Any, key: str | None = None) -> Any:
        nonlocal changed
        if isinstance(node, str):
            clean = scrub_url(node) if key == "url" else node
            clean = scrub_secrets(clean)
            changed += clean != node
            return clean
        if isinstance(node, dict):
            if key == "headers":
                kept = {k: v for k, v in node.items() if k.lower() not in SECRET_HEADERS}
                changed += len(node) - len(kept)
                node = kept
            return {k: walk(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return walk(value), changed


def dump(recording: Recording) -> str:
    """The recording as readable JSON, scrubbed of anything key-like."""
    data, changed = scrub(recording.model_dump(mode="json"))
    data["provenance"]["scrubbed_strings"] = recording.provenance.scrubbed_strings + changed
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def save(recording: Recording, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(dump(recording), encoding="utf-8")
    tmp.replace(path)
    return path


def load(path: Path) -> Recording:
    return Recording.model_validate_json(path.read_text(encoding="utf-8"))


def load_all(root: Path) -> tuple[list[LoadedRecording], list[str]]:
    """Every recording under `root`, and one error line per file that is not a valid recording."""
    found: list[LoadedRecording] = []
    errors: list[str] = []
    if not root.is_dir():
        return found, errors
    for path in sorted(root.rglob("*.json")):
        try:
            found.append(LoadedRecording(path, load(path)))
        except (ValidationError, ValueError) as error:
            errors.append(f"{path}: not a valid recording ({str(error).splitlines()[0]})")
    return found, errors


# ---------------------------------------------------------------- staleness
def stale_reason(recording: Recording, case: Case | None, prompt_hash: str) -> str | None:
    """Why a recording can no longer be replayed as an answer to today's prompt, or None."""
    if case is None or recording.task not in case.task:
        return f"no case {recording.case_id!r} with task {recording.task!r}"
    recorded = recording.provenance.prompt_hash
    if recorded != prompt_hash:
        return f"prompt {recording.task} changed: recorded for {recorded}, the prompt file is now {prompt_hash}"
    if recording.provenance.case_input_hash != case.input_hash():
        return "the case input changed since it was recorded"
    return None


def missing_provenance(recording: Recording) -> list[str]:
    """Provenance fields a recording lacks (empty when complete)."""
    p = recording.provenance
    required = {
        "provider": p.provider,
        "model": p.model,
        "base_url_host": p.base_url_host,
        "recorded_at": p.recorded_at,
        "prompt_file": p.prompt_file,
        "prompt_hash": p.prompt_hash,
        "case_input_hash": p.case_input_hash,
    }
    return [name for name, value in required.items() if not value]


# ---------------------------------------------------------------- replay
def replay_provider(recording: Recording, http_client: httpx2.Client) -> Provider:
    """The registered provider class the recording was made with, talking to `http_client`, no retries' sleep.

    ValueError for a provider the registry does not know."""
    from assistant.llm.providers.factory import build_provider
    from assistant.llm.providers.registry import find_info

    p = recording.provenance
    if find_info(p.provider) is None:
        raise ValueError(f"unknown provider {p.provider!r} in recording")
    options: dict[str, Any] = {
        "model": p.model,
        "api_key": REPLAY_KEY,
        "base_url": p.base_url,
        "max_attempts": p.max_attempts,
        "max_output_tokens": p.max_output_tokens,
        "http_client": http_client,
        "sleep": _no_sleep,
    }
    if p.response_format_mode is not None:
        options["response_format_mode"] = p.response_format_mode
    return build_provider(p.provider, **options)


def _no_sleep(_: float) -> None:
    return None


ProviderFactory = Callable[["httpx2.Client"], "Provider"]
