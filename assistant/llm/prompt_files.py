"""Prompts kept as files under `prompts/`: one file per task with `[system]` and `[user]` parts.

A prompt's version is a hash of its file, and travels with every result and recording.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

PROMPTS_DIR = Path(os.environ.get("ASSISTANT_PROMPTS_DIR") or Path(__file__).resolve().parent / "prompts")


class PromptError(ValueError):
    """A prompt file is missing or malformed."""


@dataclass(frozen=True)
class PromptSpec:
    name: str
    path: Path
    version: str
    system: str
    user: str

    def chat_template(self) -> Any:
        """The prompt as a langchain-core ChatPromptTemplate (imported only when a model is used)."""
        from langchain_core.prompts import ChatPromptTemplate

        return ChatPromptTemplate.from_messages([("system", self.system), ("human", self.user)])

    def render(self, **variables: str) -> tuple[str, str]:
        """(system, user) with the variables filled in: the same f-string formatting as `chat_template()`
        (a test holds them equal), without importing langchain-core, whose prompt classes pull in its
        tracers and langsmith (about 0.5 s of start-up)."""
        return self.system.format(**variables), self.user.format(**variables)


def prompt_version(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _split(text: str, path: Path) -> tuple[str, str]:
    if "[system]" not in text or "[user]" not in text:
        raise PromptError(f"{path}: needs a [system] and a [user] part")
    head, user = text.split("[user]", 1)
    system = head.split("[system]", 1)[1]
    return system.strip(), user.strip()


@cache
def load_prompt(name: str, directory: Path | None = None) -> PromptSpec:
    """Load `prompts/<name>.md`; the result is cached per process (edit → restart to reload)."""
    path = (directory or PROMPTS_DIR) / f"{name}.md"
    if not path.is_file():
        raise PromptError(f"prompt file not found: {path}")
    system, user = _split(path.read_text(encoding="utf-8"), path)
    return PromptSpec(name=name, path=path, version=prompt_version(path), system=system, user=user)


def delimit(text: str, tag: str) -> str:
    """Make pasted text safe to place inside <tag>…</tag>: no spelling of the tag (any case, spaces,
    a slash) can open or close it early."""
    import re

    return re.sub(rf"<(\s*/?\s*)({re.escape(tag)})", r"<\\\1\2", text, flags=re.IGNORECASE)
