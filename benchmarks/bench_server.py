"""Latency of `POST /v1/lint` on a warm `assistant serve`: a 150-word message, median and p95.

Starts the real server process on a free loopback port (offline, its own config directory), warms it up,
then times `--requests` calls over one keep-alive connection: each a different 150-word message (built
from `../shared/corpus/user_stories.jsonl` plus one trust phrase, with a unique reference so none is
served from the answer cache), then the same message repeated (answered from the cache). It runs once with
the environment as it is and once with ASSISTANT_SEMANTIC=false (the rules alone); where the semantic layer
is not wired into lint, the two runs measure the same thing and say so through equal figures.
Targets printed beside the figures: median ≤ 30 ms for the rules alone, ≤ 60 ms with the semantic layer.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "user_stories.jsonl"
TRUST = "Can we just add this before Friday? I hear you, but the deadline doesn't change."


def message(stories: list[str], i: int, words: int = 150) -> str:
    """About `words` words: consecutive stories from a different place for each i, one trust phrase, a ref."""
    parts, count, k = [TRUST], len(TRUST.split()), i * 7
    while count < words - 2:
        story = stories[k % len(stories)].rstrip(".") + "."
        parts.append(story)
        count += len(story.split())
        k += 1
    text = " ".join(parts)
    return " ".join(text.split()[: words - 2]) + f" Ref {i:05d}."


def start(env: dict[str, str]) -> tuple[subprocess.Popen, str, dict[str, str]]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    token_cmd = [sys.executable, "-m", "assistant", "serve", "--print-token"]
    token = subprocess.run(token_cmd, env=env, capture_output=True, text=True, check=True).stdout.strip()
    cmd = [sys.executable, "-m", "assistant", "serve", "--port", str(port)]
    process = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url, auth = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {token}"}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/v1/health", headers=auth, timeout=1).status_code == 200:
                return process, url, auth
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("assistant serve did not start")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(label: str, env: dict[str, str], stories: list[str], requests: int, warmup: int) -> None:
    process, url, auth = start(env)
    try:
        with httpx.Client(base_url=url, headers=auth, timeout=30) as client:
            for i in range(warmup):
                client.post("/v1/lint", json={"text": message(stories, 10_000 + i)}).raise_for_status()
            fresh, cached = [], []
            for i in range(requests):
                body = {"text": message(stories, i)}
                started = time.perf_counter()
                response = client.post("/v1/lint", json=body)
                fresh.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200 and response.headers["x-assistant-cache"] == "miss"
            repeated = {"text": message(stories, 0)}
            for _ in range(requests):
                started = time.perf_counter()
                response = client.post("/v1/lint", json=repeated)
                cached.append((time.perf_counter() - started) * 1000)
                assert response.headers["x-assistant-cache"] == "hit"
    finally:
        process.terminate()
        process.wait(timeout=10)
    words = len(message(stories, 0).split())
    print(f"\n{label}: {requests} requests of a {words}-word message, after {warmup} warm-up requests")
    print(f"  new message       median {statistics.median(fresh):6.2f} ms   p95 {percentile(fresh, 0.95):6.2f} ms")
    print(f"  repeated (cache)  median {statistics.median(cached):6.2f} ms   p95 {percentile(cached, 0.95):6.2f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args(argv)
    with args.corpus.open(encoding="utf-8") as stream:
        stories = [json.loads(line)["text"].strip() for line in stream if line.strip()]
    base = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    with tempfile.TemporaryDirectory() as tmp:
        base["ASSISTANT_CONFIG_DIR"] = tmp
        default_label = f"ASSISTANT_SEMANTIC={base.get('ASSISTANT_SEMANTIC', '(unset: the default)')}"
        measure(default_label, base, stories, args.requests, args.warmup)
        measure("ASSISTANT_SEMANTIC=false (rules alone)", {**base, "ASSISTANT_SEMANTIC": "false"}, stories,
                args.requests, args.warmup)  # fmt: skip
    print("\nTargets: median ≤ 30 ms for the rules alone, ≤ 60 ms with the semantic layer on.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
