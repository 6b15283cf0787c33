"""The server's small parts on their own: the rate limiter's window, the bounded answer cache, Host
parsing, the 413 wording, and that the rest of the CLI never imports FastAPI or uvicorn."""

from __future__ import annotations

import subprocess
import sys

from assistant.server.cache import ResultCache, request_key
from assistant.server.config import ServerConfig, is_loopback
from assistant.server.ratelimit import RateLimiter
from assistant.server.security import body_limit_message, host_name


def test_rate_limiter_allows_limit_calls_per_window_per_client():
    now = [0.0]
    limiter = RateLimiter(2, 60.0, clock=lambda: now[0])
    assert limiter.check("a") is None and limiter.check("a") is None
    assert limiter.check("a") == 60.0
    assert limiter.check("b") is None  # another client
    now[0] = 60.5
    assert limiter.check("a") is None  # the window moved on


def test_rate_limiter_forgets_the_least_recent_clients_past_its_bound():
    limiter = RateLimiter(1, 60.0, clock=lambda: 0.0, max_clients=2)
    for key in ("a", "b", "c"):
        limiter.check(key)
    assert limiter.check("a") is None  # "a" was forgotten, so it starts afresh
    assert limiter.check("c") is not None


def test_result_cache_is_a_bounded_lru():
    cache = ResultCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recent
    cache.put("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3
    assert len(cache) == 2
    off = ResultCache(0)
    off.put("a", 1)
    assert off.get("a") is None


def test_request_key_depends_on_route_and_every_field_not_key_order():
    assert request_key("lint", {"text": "x", "ambiguity": True}) == request_key(
        "lint", {"ambiguity": True, "text": "x"}
    )
    assert request_key("lint", {"text": "x"}) != request_key("analyze", {"text": "x"})
    assert request_key("lint", {"text": "x"}) != request_key("lint", {"text": "x "})


def test_host_names_and_loopback():
    assert host_name("LOCALHOST:8765") == "localhost"
    assert host_name("[::1]:8765") == "::1"
    assert host_name("127.0.0.1") == "127.0.0.1"
    assert is_loopback("127.0.0.2") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback("example.com")
    assert ServerConfig(token="t").allowed_hosts == frozenset({"127.0.0.1", "localhost", "::1"})
    assert "10.0.0.5" in ServerConfig(token="t", host="10.0.0.5").allowed_hosts
    assert "0.0.0.0" not in ServerConfig(token="t", host="0.0.0.0").allowed_hosts


def test_body_limit_message_is_the_cli_wording_with_the_server_remedy():
    message = body_limit_message(5_500_000, 1_000_000)
    assert message.startswith("request body: 5.5 MB is over the 1.0 MB limit; split the text")
    assert "`assistant serve` with a larger --max-bytes" in message and "--truncate" not in message


def test_the_cli_never_imports_fastapi_or_uvicorn_unless_serving():
    code = (
        "import sys; from assistant.cli.main import build_parser, main; build_parser();"
        "main(['lint', '--text', 'Can we just add it?']);"
        "print(sorted(m for m in ('fastapi', 'uvicorn', 'starlette') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
