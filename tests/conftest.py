"""Shared test set-up: the doc generators in scripts/ importable, and a no-key environment by default."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

KEY_VARIABLES = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "ASSISTANT_COMPAT_API_KEY", "ASSISTANT_PROVIDER")

# The sentence encoder's prepared copy (checks/encoder_cache.py) goes to a folder of this run, not to the
# user's ~/.cache: every run writes it once (the cold path) and reads it after (the warm path), and the
# folder is removed at the end. Subprocesses the tests start inherit it.
_ENCODER_CACHE = tempfile.mkdtemp(prefix="pm-assistant-test-encoder-")
os.environ["ASSISTANT_ENCODER_CACHE_DIR"] = _ENCODER_CACHE


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_ENCODER_CACHE, ignore_errors=True)


@pytest.fixture
def no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """An environment with no provider key and no provider chosen: the offline engine answers."""
    for name in KEY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


# -------------------------------------------------------------------------- hypothesis: no flaky CI
# In CI (CI=true) every property test is derandomized: its seed is a hash of the test function, so a run
# tests the same inputs each time and a failure found in CI reproduces anywhere. derandomize implies no
# example database (a database replays whatever an earlier run on that machine saved, which would make
# a run depend on the machine's history); inputs that once failed are kept in the tests with @example
# instead. print_blob prints the @reproduce_failure line of any failure.
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    print_blob=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
HYPOTHESIS_PROFILE = "ci" if os.environ.get("CI", "").strip().lower() == "true" else "default"
settings.load_profile(HYPOTHESIS_PROFILE)


def pytest_report_header(config: pytest.Config) -> str:
    """Which hypothesis profile runs and how its seeds are chosen, at the top of every run."""
    current = settings()
    seeds = "derandomized (seed = hash of each test)" if current.derandomize else "random (printed on failure)"
    return f"hypothesis profile {HYPOTHESIS_PROFILE}: seeds {seeds}, database {current.database!r}"
