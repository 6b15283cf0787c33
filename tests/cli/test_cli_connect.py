"""An unreachable cloud API fails within seconds with the clear connection line, not after the read timeout.

"Unreachable" is a real loopback port whose accept queue is full: the kernel drops the SYNs, so a TCP
connect hangs exactly as it does behind a firewall that drops packets.
"""

from __future__ import annotations

import contextlib
import importlib
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.cli.main import main
from assistant.llm.providers.base import CONNECT_TIMEOUT_S, DEFAULT_TIMEOUT_S


@pytest.fixture
def unreachable_port() -> Iterator[int]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    for _ in range(4):  # fill the accept queue; nothing is ever accepted
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(("127.0.0.1", port))
        fillers.append(filler)
    time.sleep(0.1)
    probe = socket.socket()
    probe.settimeout(0.5)
    with pytest.raises(TimeoutError):  # the premise: a connect to this port hangs
        probe.connect(("127.0.0.1", port))
    probe.close()
    yield port
    for sock in (*fillers, server):
        sock.close()


def test_an_unreachable_openai_host_fails_in_seconds_with_the_connection_line(
    unreachable_port: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-bogus-key-0123456789")
    monkeypatch.setenv("ASSISTANT_MAX_ATTEMPTS", "1")
    monkeypatch.setenv("ASSISTANT_CACHE", "false")
    monkeypatch.setenv("ASSISTANT_CACHE_DIR", str(tmp_path / "cache"))
    base_url = f"http://127.0.0.1:{unreachable_port}/v1"
    for module in ("openai", "assistant.llm.chains", "assistant.llm.providers.openai_provider"):
        importlib.import_module(module)  # time the connection, not the imports (slow on a loaded machine)
    started = time.perf_counter()
    code = main(["rewrite", "--text", "Can we just add CSV export?", "--provider", "openai", "--base-url", base_url])
    elapsed = time.perf_counter() - started
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith(f"assistant: error: Could not connect to OpenAI at 127.0.0.1:{unreachable_port}")
    # Without the connect timeout this one attempt waits for the whole 30 s timeout.
    assert elapsed < DEFAULT_TIMEOUT_S * 0.8, f"{elapsed:.1f} s: the connect timeout did not apply"


def test_cloud_providers_connect_within_seconds_and_local_servers_keep_one_timeout() -> None:
    from assistant.llm.providers.anthropic_provider import AnthropicProvider
    from assistant.llm.providers.compatible import CompatibleProvider
    from assistant.llm.providers.openai_provider import OpenAIProvider

    for cloud in (OpenAIProvider(api_key="sk-test"), AnthropicProvider(api_key="sk-ant-test")):
        timeout = cloud.sdk_timeout()
        assert (timeout.connect, timeout.read) == (CONNECT_TIMEOUT_S, DEFAULT_TIMEOUT_S)
        assert cloud.client.timeout.connect == CONNECT_TIMEOUT_S  # what the SDK client really got
    assert CompatibleProvider(base_url="http://127.0.0.1:8080/v1").sdk_timeout() == DEFAULT_TIMEOUT_S
