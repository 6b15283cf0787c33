"""The real server: `python -m assistant serve` in a subprocess on a free loopback port, offline, with its
token in a temporary config directory. Tests call it over HTTP with httpx."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from assistant.server.config import EXTENSION_ORIGIN

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    token: str
    process: subprocess.Popen
    config_dir: Path

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def client(self, **kwargs) -> httpx.Client:
        return httpx.Client(base_url=self.url, **{"timeout": 10.0, **kwargs})


def server_env(config_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY") and not k.startswith("ASSISTANT_")}
    if "ASSISTANT_SEMANTIC" in os.environ:  # the server's checks must be the test process's, to compare
        env["ASSISTANT_SEMANTIC"] = os.environ["ASSISTANT_SEMANTIC"]
    env["ASSISTANT_CONFIG_DIR"] = str(config_dir)
    env["ASSISTANT_CACHE_DIR"] = str(config_dir / "cache")
    return env


def start_server(config_dir: Path, *extra: str, env: dict[str, str] | None = None) -> LiveServer:
    """Start `assistant serve` and wait until /v1/health answers with the token."""
    env = env or server_env(config_dir)
    cmd = [sys.executable, "-m", "assistant", "serve", "--print-token"]
    token = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout.strip()
    port = free_port()
    log = (config_dir / f"server-{port}.log").open("w")
    cmd = [sys.executable, "-m", "assistant", "serve", "--port", str(port), *extra]
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = LiveServer(f"http://127.0.0.1:{port}", token, process, config_dir)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"assistant serve exited: {(config_dir / f'server-{port}.log').read_text()}")
        try:
            if httpx.get(f"{server.url}/v1/health", headers=server.auth, timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("assistant serve did not answer within 60 s")


def stop_server(server: LiveServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(tmp_path_factory.mktemp("serve"))
    yield server
    stop_server(server)


@pytest.fixture
def extension_headers(live_server: LiveServer) -> dict[str, str]:
    return {**live_server.auth, "Origin": EXTENSION_ORIGIN}


@pytest.fixture
def serve(tmp_path: Path) -> Iterator:
    """Start an extra server with its own flags (and environment); every one is stopped at the end."""
    started: list[LiveServer] = []

    def start(*extra: str, env: dict[str, str] | None = None) -> LiveServer:
        server = start_server(tmp_path, *extra, env=env)
        started.append(server)
        return server

    yield start
    for server in started:
        stop_server(server)


@pytest.fixture
def make_env():
    """`server_env`: the environment a test server runs in (no keys, a private config directory)."""
    return server_env
