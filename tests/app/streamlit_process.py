"""`streamlit run app.py` as a subprocess for the tests that need a real server: a free port, an
environment without keys, a log file, waiting for the health check, and a clean stop."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def keyless_environment() -> dict[str, str]:
    """This environment without API keys or ASSISTANT_* settings (the app starts as a new user's would)."""
    return {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY") and not k.startswith("ASSISTANT_")}


@contextmanager
def running_app(cmd: list[str], env: dict[str, str], log_path: Path, port: int) -> Iterator[None]:
    """Start `cmd` in the repository, wait (60 s at most) until it answers the health check on
    127.0.0.1:`port`, and stop it afterwards. Fails the test with the log's path if it exits or never answers."""
    log = log_path.open("w")
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"streamlit exited with {process.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not answer on 127.0.0.1:{port} within 60 s; see {log.name}")
            time.sleep(0.3)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
