"""A loopback OpenAI-compatible chat-completions server for start-up measurements and install checks.

Stdlib only. `POST …/chat/completions` answers after a fixed delay (10 ms by default) with a valid
chat-completion body whose content is a JSON answer for the task the request's schema asks for:
rewrite (`text` + `changes`: the draft itself, so the fidelity guard keeps it), questions, or
complexity. Anything else gets HTTP 404.

    python benchmarks/fake_chat_server.py --port 0 --delay-ms 10   # prints "listening on http://127.0.0.1:PORT/v1"
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_DRAFT_RE = re.compile(r"<draft>\n?(.*?)\n?</draft>", re.DOTALL)


def answer_for(body: dict[str, Any]) -> dict[str, Any]:
    """The JSON answer for the task named by the request's schema (rewrite, questions or complexity)."""
    fmt = body.get("response_format") or {}
    schema = fmt.get("schema") or (fmt.get("json_schema") or {}).get("schema") or {}
    properties = set(schema.get("properties", {}))
    user = next((m["content"] for m in body.get("messages", []) if m.get("role") == "user"), "")
    if {"text", "changes"} <= properties:
        match = _DRAFT_RE.search(user)
        draft = match.group(1).strip() if match else user
        return {"text": draft, "changes": [{"description": "Kept the request as written.", "reason": "test"}]}
    if "questions" in properties:
        return {"questions": [{"category": "trade-offs", "text": "What would we drop to make room for this?"}]}
    if "flags" in properties:
        return {"flags": []}
    return {}


def completion(body: dict[str, Any]) -> dict[str, Any]:
    content = json.dumps(answer_for(body))
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": body.get("model", "local-model"),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    }


def make_server(port: int = 0, delay_s: float = 0.010) -> ThreadingHTTPServer:
    """A server bound to 127.0.0.1:`port` (0: any free port); call `serve_forever` to run it."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._send(404, {"error": {"message": f"no route {self.path}"}})
                return
            time.sleep(delay_s)
            self._send(200, completion(json.loads(raw or b"{}")))

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    return server


def start_in_thread(port: int = 0, delay_s: float = 0.010) -> tuple[ThreadingHTTPServer, str]:
    """Start the server on a daemon thread; return it and its base URL (…/v1)."""
    server = make_server(port, delay_s)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/v1"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--delay-ms", type=float, default=10.0)
    args = parser.parse_args(argv)
    server = make_server(args.port, args.delay_ms / 1000)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}/v1", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
