"""The app's tests start with no key, no provider chosen and a private response cache."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `app` (the Streamlit pages' package) importable however pytest is started
    sys.path.insert(0, str(ROOT))

KEY_VARS = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "ASSISTANT_COMPAT_API_KEY")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (*KEY_VARS, "ASSISTANT_PROVIDER", "ASSISTANT_MODEL", "ASSISTANT_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ASSISTANT_CACHE_DIR", str(tmp_path / "cache"))
