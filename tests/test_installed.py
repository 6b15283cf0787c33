"""Installed, not editable: a wheel in a fresh virtual environment can call a model and run the eval suite.

Builds the wheel (`pip wheel --no-deps .`), installs it into a new venv (no system site packages; the
dependencies come from the configured package index), then, from a directory outside the repository and
with a clean environment, runs `assistant rewrite` against a loopback OpenAI-compatible fake server
(benchmarks/fake_chat_server.py) and `assistant eval` over the bundled cases and recordings. A prompt,
rule, case or recording file missing from the wheel fails here. About a minute, most of it the install.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DRAFT = "Can we just add CSV export to the reports page by March 15? Should be simple.\n"

pytestmark = pytest.mark.slow


def _fake_server_module():
    spec = importlib.util.spec_from_file_location("fake_chat_server", ROOT / "benchmarks" / "fake_chat_server.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 600):
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The venv's bin directory, with the wheel installed."""
    tmp = tmp_path_factory.mktemp("installed")
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(ROOT), "-w", str(tmp / "dist")], tmp)
    assert built.returncode == 0, built.stderr[-3000:]
    wheels = list((tmp / "dist").glob("pm_feasibility_assistant-*.whl"))
    assert len(wheels) == 1
    made = _run([sys.executable, "-m", "venv", str(tmp / "venv")], tmp)  # system site packages stay off
    assert made.returncode == 0, made.stderr[-3000:]
    bin_dir = tmp / "venv" / "bin"
    done = _run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheels[0])], tmp)
    assert done.returncode == 0, done.stderr[-3000:]
    return bin_dir


def _clean_env(home: Path) -> dict[str, str]:
    """No key, no ASSISTANT_* setting, no PYTHONPATH: only what the installed package brings."""
    keep = ("PATH", "LANG", "LC_ALL", "SSL_CERT_FILE", "TMPDIR")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update({"HOME": str(home), "ASSISTANT_CACHE": "false"})
    return env


def test_the_installed_package_is_the_wheel(installed: Path, tmp_path: Path) -> None:
    code = "import assistant, sys; print(assistant.__file__)"
    out = _run([str(installed / "python"), "-c", code], tmp_path, _clean_env(tmp_path))
    assert out.returncode == 0, out.stderr
    assert str(installed.parent) in out.stdout and str(ROOT) not in out.stdout


def test_installed_rewrite_calls_a_replayed_model(installed: Path, tmp_path: Path) -> None:
    server, base_url = _fake_server_module().start_in_thread()
    try:
        draft = tmp_path / "draft.txt"
        draft.write_text(DRAFT, encoding="utf-8")
        cmd = [str(installed / "assistant"), "rewrite", str(draft), "--provider", "openai-compatible",
               "--base-url", base_url]  # fmt: skip
        out = _run(cmd, tmp_path, _clean_env(tmp_path), timeout=120)
    finally:
        server.shutdown()
    assert out.returncode == 0, out.stderr[-3000:]
    assert "openai-compatible local-model; prompt sha256:" in out.stdout  # the model answered, with a prompt file
    assert "CSV export to the reports page by March 15" in out.stdout
    assert "Should be simple" not in out.stdout.split("Changes:")[0]  # the guards ran on the answer


def test_installed_eval_runs_the_bundled_suite(installed: Path, tmp_path: Path) -> None:
    out = _run([str(installed / "assistant"), "eval"], tmp_path, _clean_env(tmp_path), timeout=300)
    assert out.returncode == 0, (out.stdout[-2000:], out.stderr[-3000:])
    first = out.stdout.splitlines()[0]
    assert first.startswith("Eval suite: ") and not first.startswith("Eval suite: 0 cases")
    assert "Synthetic recordings" in out.stdout and "Stale recordings: none" in out.stdout
