"""Refusals of the real server: a page the PM opens can send requests to localhost, so a request without
the token, from a foreign Origin, under a rebinding Host or over the size limit is refused before any
check or model runs. "Nothing computed" is observed through the answer cache: the same message sent
properly afterwards is a cache miss, so the refused request never reached a route."""

from __future__ import annotations

import stat
import subprocess
import sys
import uuid

import httpx
import pytest

from assistant.server.config import DEFAULT_MAX_BYTES, EXTENSION_ORIGIN

DRAFT = "Can we just add CSV export by March 15? Should be simple."


def _fresh() -> dict[str, str]:
    return {"text": f"{DRAFT} Ref {uuid.uuid4().hex}."}


def _was_computed(server, body: dict) -> bool:
    with server.client() as client:
        response = client.post("/v1/lint", headers=server.auth, json=body)
    return response.headers["x-assistant-cache"] == "hit"


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-token"),
        pytest.param({"Authorization": "Bearer wrong-token-wrong-token-wrong-token"}, id="wrong-token"),
        pytest.param({"Authorization": "token-without-scheme"}, id="no-bearer"),
    ],
)
def test_without_the_token_is_401_and_nothing_computed(live_server, headers):
    body = _fresh()
    with live_server.client() as client:
        response = client.post("/v1/lint", headers=headers, json=body)
    assert response.status_code == 401
    assert "--print-token" in response.json()["detail"]
    assert live_server.token not in response.text
    assert not _was_computed(live_server, body)


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "null", "chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]
)
def test_a_foreign_origin_is_403_even_with_the_token(live_server, origin):
    body = _fresh()
    with live_server.client() as client:
        response = client.post("/v1/lint", headers={**live_server.auth, "Origin": origin}, json=body)
        preflight = client.options("/v1/lint", headers={"Origin": origin, "Access-Control-Request-Method": "POST"})
    assert response.status_code == 403 and "origin not allowed" in response.json()["detail"]
    assert "access-control-allow-origin" not in response.headers
    assert preflight.status_code == 403
    assert not _was_computed(live_server, body)


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8765", "127.0.0.1.nip.io", "[fe80::1]:80"])
def test_a_rebinding_host_is_403_even_with_the_token(live_server, host):
    body = _fresh()
    with live_server.client() as client:
        response = client.post("/v1/lint", headers={**live_server.auth, "Host": host}, json=body)
    assert response.status_code == 403 and "host not allowed" in response.json()["detail"]
    assert not _was_computed(live_server, body)


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST", "[::1]"])
def test_loopback_host_names_are_accepted(live_server, host):
    port = live_server.url.rsplit(":", 1)[1]
    with live_server.client() as client:
        response = client.get("/v1/health", headers={**live_server.auth, "Host": f"{host}:{port}"})
    assert response.status_code == 200


def test_the_extension_origin_gets_cors_for_itself_never_a_wildcard(live_server, extension_headers):
    with live_server.client() as client:
        preflight = client.options(
            "/v1/lint",
            headers={
                "Origin": EXTENSION_ORIGIN,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
        response = client.post("/v1/lint", headers=extension_headers, json=_fresh())
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == EXTENSION_ORIGIN
    assert "authorization" in preflight.headers["access-control-allow-headers"]
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == EXTENSION_ORIGIN


def test_an_oversized_body_is_413_with_the_clear_message(live_server):
    text = "Can we just add it? " * (DEFAULT_MAX_BYTES // 20 + 10)
    with live_server.client() as client:
        response = client.post("/v1/lint", headers=live_server.auth, json={"text": text})
    assert response.status_code == 413
    detail = response.json()["detail"]
    assert detail.startswith("request body: 1.0 MB is over the 1.0 MB limit") or "is over the" in detail
    assert "--max-bytes" in detail and "split the text" in detail


def test_an_oversized_chunked_body_is_413_without_a_content_length(live_server):
    def chunks():
        yield b'{"text": "'
        for _ in range(DEFAULT_MAX_BYTES // 10_000 + 5):
            yield b"x" * 10_000
        yield b'"}'

    with live_server.client() as client:
        response = client.post(
            "/v1/lint", headers={**live_server.auth, "Content-Type": "application/json"}, content=chunks()
        )
    assert response.status_code == 413
    assert "more than 1,000,000 bytes is over the 1.0 MB limit" in response.json()["detail"]


def test_model_backed_routes_are_rate_limited_per_client(serve):
    server = serve("--rate-limit", "2")
    with server.client() as client:
        codes = [client.post("/v1/rewrite", headers=server.auth, json=_fresh()).status_code for _ in range(3)]
        limited = client.post("/v1/questions", headers=server.auth, json=_fresh())
        lint = [client.post("/v1/lint", headers=server.auth, json=_fresh()).status_code for _ in range(4)]
        other = client.post("/v1/rewrite", headers={**server.auth, "Origin": EXTENSION_ORIGIN}, json=_fresh())
    assert codes == [200, 200, 429]
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert "too many model-backed requests" in limited.json()["detail"]
    assert lint == [200] * 4  # the rules alone are never limited
    assert other.status_code == 200  # another client has its own budget


def test_a_cached_answer_does_not_spend_the_rate_limit(serve):
    server = serve("--rate-limit", "1")
    body = _fresh()
    with server.client() as client:
        codes = [client.post("/v1/complexity", headers=server.auth, json=body).status_code for _ in range(3)]
    assert codes == [200, 200, 200]


def test_the_token_is_per_install_random_and_owner_only(tmp_path, make_env):
    env = make_env(tmp_path)
    cmd = [sys.executable, "-m", "assistant", "serve", "--print-token"]
    first = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout.strip()
    again = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout.strip()
    other = subprocess.run(cmd, env=make_env(tmp_path / "other"), capture_output=True, text=True).stdout.strip()
    assert first == again and len(first) >= 40
    assert other != first
    assert stat.S_IMODE((tmp_path / "server-token").stat().st_mode) == 0o600


def test_a_non_loopback_bind_needs_an_explicit_flag(tmp_path, make_env):
    cmd = [sys.executable, "-m", "assistant", "serve", "--host", "0.0.0.0", "--port", "1"]
    result = subprocess.run(cmd, env=make_env(tmp_path), capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "not a loopback address" in result.stderr and "--allow-remote" in result.stderr


def test_a_non_loopback_bind_with_the_flag_prints_a_warning(serve, tmp_path):
    serve("--host", "0.0.0.0", "--allow-remote")
    log = next(tmp_path.glob("server-*.log")).read_text()
    assert "WARNING: binding 0.0.0.0" in log


def test_a_provider_key_never_appears_in_a_response(serve, tmp_path, make_env):
    env = make_env(tmp_path)
    secret = "sk-test-" + uuid.uuid4().hex
    env["OPENAI_API_KEY"] = secret
    server = serve("--provider", "openai", "--base-url", "http://127.0.0.1:9/v1", env=env)
    with server.client(timeout=60) as client:
        health = client.get("/v1/health", headers=server.auth)
        doc = client.get("/v1/openapi.json", headers=server.auth)
    assert health.json()["engine"] == "llm" and health.json()["provider"] == "openai"
    for response in (health, doc):
        assert secret not in response.text


def test_without_a_provider_the_server_ignores_keys_in_its_environment(serve, tmp_path, make_env):
    env = make_env(tmp_path)
    env["OPENAI_API_KEY"] = "sk-test-" + uuid.uuid4().hex
    server = serve(env=env)
    health = httpx.get(f"{server.url}/v1/health", headers=server.auth).json()
    assert health["engine"] == "offline"
