"""`assistant lint` over a docs repo: 200 generated PRDs, whole-process time, beside proselint on the same
files in the same run.

The PRDs are built deterministically from `../shared/corpus/user_stories.jsonl`: YAML front matter, a
title, a problem and a stories section (a handful of consecutive stories each), a fenced code block, and
in every fourth PRD one trust-damaging sentence. Both tools are run as the user runs them, as whole
processes over the folder (`assistant lint DIR`, again with `--no-semantic`, and `proselint check DIR`);
the median of `--runs` runs is reported with the exit code and the summary line.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "user_stories.jsonl"
TRUST_SENTENCES = (
    "Can we just add this before the release? Should be simple.",
    "I hear you, but the deadline doesn't change.",
    "It's only a button, so it shouldn't take long.",
    "Just a minor tweak: it now also needs PDF export.",
)


def load_stories(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as stream:
        return [json.loads(line)["text"].strip() for line in stream if line.strip()]


def build_prds(stories: list[str], count: int, out: Path, per_prd: int = 8) -> list[Path]:
    """`count` Markdown PRDs in `out/prds/` (and a few in a nested folder), each from `per_prd` stories."""
    paths = []
    for i in range(count):
        chunk = [stories[(i * per_prd + k) % len(stories)] for k in range(per_prd)]
        lines = [
            "---",
            f"title: PRD {i + 1:03d}",
            "status: draft",
            "---",
            f"# PRD {i + 1:03d}: {chunk[0][:60]}",
            "",
            "## Problem",
            "",
            " ".join(s.rstrip(".") + "." for s in chunk[:2]),
            "",
            "## Stories",
            "",
            *(f"- {s}" for s in chunk[2:]),
            "",
            "```json",
            '{"example": "can we just ignore code blocks"}',
            "```",
        ]
        if i % 4 == 0:
            lines += ["", "## Notes", "", TRUST_SENTENCES[(i // 4) % len(TRUST_SENTENCES)]]
        folder = out / "prds" / ("nested" if i % 10 == 9 else "")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"prd-{i + 1:03d}.md"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def timed(cmd: list[str], cwd: Path, runs: int) -> tuple[float, list[float], subprocess.CompletedProcess]:
    times, last = [], None
    for _ in range(runs):
        started = time.perf_counter()
        last = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
    assert last is not None
    return statistics.median(times), times, last


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    stories = load_stories(args.corpus)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        paths = build_prds(stories, args.files, root)
        words = sum(len(p.read_text(encoding="utf-8").split()) for p in paths)
        print(f"{len(paths)} PRDs generated from {args.corpus.name} ({words:,} words, {len(stories)} stories)")
        assistant = [sys.executable, "-m", "assistant", "lint", "prds/"]
        median, times, result = timed(assistant, root, args.runs)
        print(f"\nassistant lint prds/  (whole process, median of {args.runs}: {median:.3f} s; "
              f"min {min(times):.3f} s, max {max(times):.3f} s)")  # fmt: skip
        print(f"  exit code {result.returncode}; summary: {result.stdout.strip().splitlines()[-1]}")
        print(f"  {len(paths) / median:,.0f} files/s, {words / median:,.0f} words/s")
        rules_only = [*assistant, "--no-semantic"]
        r_median, r_times, r_result = timed(rules_only, root, args.runs)
        print(f"\nassistant lint prds/ --no-semantic  (rules only, median of {args.runs}: {r_median:.3f} s; "
              f"min {min(r_times):.3f} s, max {max(r_times):.3f} s)")  # fmt: skip
        print(f"  exit code {r_result.returncode}; summary: {r_result.stdout.strip().splitlines()[-1]}")
        proselint = shutil.which("proselint", path=str(Path(sys.executable).parent)) or shutil.which("proselint")
        if proselint is None:
            print("\nproselint: not installed (pip install -e '.[test]')")
            return 0
        p_median, p_times, p_result = timed([proselint, "check", "prds/"], root, args.runs)
        alerts = sum(1 for line in p_result.stdout.splitlines() if line.strip())
        print(f"\nproselint check prds/  (whole process, median of {args.runs}: {p_median:.3f} s; "
              f"min {min(p_times):.3f} s, max {max(p_times):.3f} s)")  # fmt: skip
        print(f"  exit code {p_result.returncode}; {alerts} alert lines")
        print(f"  {len(paths) / p_median:,.0f} files/s, {words / p_median:,.0f} words/s")
        print(f"\nassistant / proselint whole-process time: {median / p_median:.2f}x "
              f"(rules only: {r_median / p_median:.2f}x)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
