"""Record the suite from the real local model: llama-cpp-python's server running SmolLM2-135M-Instruct.

    python evals/record_local.py [--only-missing] [--case ID] [--task T] [--max-output-tokens N]

Starts the server (assistant.evaluation.local_server), asks it for its model name, records every case × task
into assistant/evaluation/suite/recordings/openai-compatible/<model>/, and stops the server. Extra arguments go to
`assistant eval --record`. Needs scripts/install_local_model.sh to have run.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from assistant.cli.main import main as assistant_main
from assistant.evaluation.local_server import local_model_problem, running_local_server

N_CTX = 4096  # room for the prompt, one repair round and the answer


def main(argv: list[str]) -> int:
    problem = local_model_problem()
    if problem:
        print(f"record_local: {problem}", file=sys.stderr)
        return 2
    log = Path(os.environ.get("EVAL_SERVER_LOG") or Path(tempfile.gettempdir()) / "eval-llama-server.log")
    with running_local_server(n_ctx=N_CTX, log_path=log) as base_url:
        print(f"Local server at {base_url} (log: {log})", flush=True)
        args = ["--record", "--provider", "openai-compatible", "--base-url", base_url, "--round-robin", *argv]
        return assistant_main(["eval", *args])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
