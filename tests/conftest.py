"""Shared test set-up: the doc generators in scripts/ importable, and a no-key environment by default."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

KEY_VARIABLES = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "ASSISTANT_COMPAT_API_KEY", "ASSISTANT_PROVIDER")


@pytest.fixture
def no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """An environment with no provider key and no provider chosen: the offline engine answers."""
    for name in KEY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
