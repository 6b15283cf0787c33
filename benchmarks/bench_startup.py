"""Start-up cost of the model path: `assistant analyze` through a loopback server vs the offline run.

Runs `python -m assistant analyze DRAFT` offline and with `--provider openai-compatible --base-url` a
local fake server (benchmarks/fake_chat_server.py, answering in 10 ms), each in a fresh process with
the response cache off, and prints the best of three runs and a single (first) run of each, and the
difference. `--importtime` also prints the top cumulative `-X importtime` entries of the model run.

    .venv/bin/python benchmarks/bench_startup.py [--runs 3] [--importtime 15]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fake_chat_server import start_in_thread

DRAFT = (
    "Can we just add CSV export to the reports page by March 15? Should be simple, it's only a button.\n"
    "Customers keep asking for it and sales says it blocks two deals."
)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    for key in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY"):
        env.pop(key, None)
    env["ASSISTANT_CACHE"] = "false"
    return env


def timed(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):  # 1: findings
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed


def import_top(cmd: list[str], env: dict[str, str], top: int) -> list[tuple[int, str]]:
    """The `top` largest cumulative import times (µs, module) of one run of `cmd`."""
    done = subprocess.run([cmd[0], "-X", "importtime", *cmd[1:]], env=env, capture_output=True, text=True)
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
        rows.append((int(cumulative), name.strip()))
    return sorted(rows, reverse=True)[:top]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per mode; the best is reported (default 3)")
    parser.add_argument("--importtime", type=int, default=0, metavar="N", help="print the top N import times")
    parser.add_argument("--delay-ms", type=float, default=10.0)
    args = parser.parse_args(argv)

    server, base_url = start_in_thread(delay_s=args.delay_ms / 1000)
    env = _env()
    with tempfile.TemporaryDirectory() as tmp:
        draft = Path(tmp) / "draft.txt"
        draft.write_text(DRAFT, encoding="utf-8")
        offline = [sys.executable, "-m", "assistant", "analyze", str(draft), "--provider", "offline"]
        model = [sys.executable, "-m", "assistant", "analyze", str(draft), "--provider", "openai-compatible",
                 "--base-url", base_url]  # fmt: skip
        timed(offline, env)  # warm the OS file cache once; not counted
        results: dict[str, list[float]] = {"offline": [], "model": []}
        for _ in range(args.runs):
            results["offline"].append(timed(offline, env))
            results["model"].append(timed(model, env))
        top = import_top(model, env, args.importtime) if args.importtime else []
    server.shutdown()

    first = {mode: times[0] for mode, times in results.items()}
    best = {mode: min(times) for mode, times in results.items()}
    print(f"server delay {args.delay_ms:.0f} ms; {args.runs} run(s) per mode; cache off")
    print(f"{'':18}{'offline':>10}{'model':>10}{'difference':>12}")
    for label, row in (("single (first) run", first), (f"best of {args.runs}", best)):
        print(f"{label:18}{row['offline']:>9.3f}s{row['model']:>9.3f}s{row['model'] - row['offline']:>11.3f}s")
    if top:
        print(f"\n-X importtime, model run, top {len(top)} cumulative:")
        for micros, name in top:
            print(f"{micros / 1000:>9.1f} ms  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
