"""Speed of the offline engine: `analyze()` on a ~2,000-word PRD, CLI start-up, and import weight.

The PRD is built deterministically from the first corpus stories (one paragraph each) plus a few sentences
with trust phrases. If proselint is importable it is timed on the same text for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
HEAVY_MODULES = ("openai", "anthropic", "langchain_core", "streamlit", "httpx2", "tiktoken")
TARGET_ANALYZE_MS = 10.0
TARGET_PROCESS_S = 0.3
TARGET_SEMANTIC_PROCESS_S = 1.0
_RSS_PROBE = (
    "import resource, sys\n"
    "from assistant.cli.main import main\n"
    "code = main(sys.argv[1:])\n"
    "sys.stderr.write(f'RSS_KB={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n')\n"
    "sys.exit(code)\n"
)
TRUST_SENTENCES = (
    "Can we just add SSO? Shouldn't take long.",
    "Six weeks seems like a lot, can we do it in three?",
    "The deadline doesn't change.",
    "Just a minor tweak to the spec: the export now also needs PDF.",
    "Make it look finished for the demo.",
)
SHORT_DRAFT = "Can we just add CSV export by March 15? Should be simple.\n"


def build_prd(corpus: Path, words: int) -> str:
    """The first stories of user_stories.jsonl as paragraphs until `words`, then the trust sentences."""
    budget = words - sum(len(s.split()) for s in TRUST_SENTENCES)
    paragraphs: list[str] = []
    count = 0
    with (corpus / "user_stories.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            if count >= budget:
                break
            text = json.loads(line)["text"].strip()
            paragraphs.append(text if text.endswith((".", "!", "?")) else text + ".")
            count += len(text.split())
    step = max(1, len(paragraphs) // (len(TRUST_SENTENCES) + 1))
    for i, sentence in enumerate(TRUST_SENTENCES, start=1):
        paragraphs.insert(i * step + i - 1, sentence)
    return "\n\n".join(paragraphs)


def time_calls(fn: Callable[[], object], runs: int, warmup: int = 3) -> list[float]:
    """Seconds per call over `runs` calls, after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def p90(values: Sequence[float]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def time_process(cmd: list[str], runs: int) -> list[float]:
    """Wall-clock seconds of whole-process runs (one untimed warm-up run for the OS file cache)."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="0")
    subprocess.run(cmd, capture_output=True, env=env, check=False)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, env=env, check=False)
        times.append(time.perf_counter() - start)
    return times


def semantic_process(short_file: Path, runs: int) -> list[tuple[str, float, float, int, float | None]]:
    """`assistant lint` on a short file in fresh processes: the semantic layer off, on with the encoder
    cache off, cold (a new cache folder each run, so the copy is written) and warm. Per setting: median and
    slowest seconds, peak RSS in MB, and the target it is held to (None: no target). `--provider offline`:
    a key in the environment must not turn this into a model call."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        warm_dir = Path(tmp) / "warm"
        settings: list[tuple[str, dict[str, str], float | None, bool]] = [
            ("layer off (--no-semantic)", {"ASSISTANT_SEMANTIC": "false"}, TARGET_PROCESS_S, False),
            ("layer on, encoder cache off", {"ASSISTANT_ENCODER_CACHE": "false"}, None, False),
            ("layer on, cache cold (writes it)", {}, None, True),
            ("layer on, cache warm", {"ASSISTANT_ENCODER_CACHE_DIR": str(warm_dir)}, TARGET_SEMANTIC_PROCESS_S, False),
        ]
        for label, extra, target, cold in settings:
            times, peak = [], 0
            count = 3 if cold else runs
            for index in range(count + 1):  # the first run is untimed (OS file cache; writes the warm copy)
                env = dict(os.environ, **extra)
                if cold:
                    env["ASSISTANT_ENCODER_CACHE_DIR"] = str(Path(tmp) / f"cold-{index}")
                elif "ASSISTANT_ENCODER_CACHE_DIR" not in extra:  # never the user's own cache
                    env["ASSISTANT_ENCODER_CACHE_DIR"] = str(Path(tmp) / "unused")
                cmd = [sys.executable, "-c", _RSS_PROBE, "lint", "--provider", "offline", str(short_file)]
                start = time.perf_counter()
                done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
                elapsed = time.perf_counter() - start
                if index:
                    times.append(elapsed)
                    rss = [line for line in done.stderr.splitlines() if line.startswith("RSS_KB=")]
                    peak = max(peak, int(rss[-1].split("=")[1]) if rss else 0)
            rows.append((label, statistics.median(times), max(times), peak // 1024, target))
    return rows


def _mark(ok: bool) -> str:
    return "OK" if ok else "OVER TARGET"


def cold_first_call(text_file: Path) -> tuple[float, float]:
    """In a fresh process: seconds to `import assistant`, and seconds of the first `analyze()` call."""
    code = (
        "import sys, time, json\n"
        "t0 = time.perf_counter(); import assistant; t1 = time.perf_counter()\n"
        f"text = open({str(text_file)!r}, encoding='utf-8').read()\n"
        "t2 = time.perf_counter(); assistant.analyze(text); t3 = time.perf_counter()\n"
        "print(json.dumps([t1 - t0, t3 - t2]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    imported, first = json.loads(out.stdout)
    return imported, first


def heavy_imports(code: str) -> list[str]:
    """Heavy modules present in sys.modules after running `code` in a fresh process."""
    probe = f"{code}\nimport sys, json\nprint(json.dumps([m for m in {HEAVY_MODULES!r} if m in sys.modules]))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO)
    return json.loads(out.stdout.strip().splitlines()[-1])


def pass_breakdown(text: str, runs: int) -> list[tuple[str, float]]:
    """Median seconds of each offline pass run on its own (a fresh Document each call, as analyze() does)."""
    from assistant.checks.complexity import find_complexity
    from assistant.checks.context import check_context
    from assistant.checks.lint import find_ambiguities, find_trust_phrases
    from assistant.text.document import Document

    passes: dict[str, Callable[[], object]] = {
        "Document(text)": lambda: Document(text),
        "trust phrases": lambda: find_trust_phrases(Document(text)),
        "ambiguity": lambda: find_ambiguities(Document(text)),
        "context": lambda: check_context(Document(text)),
        "complexity": lambda: find_complexity(Document(text)),
    }
    return [(name, statistics.median(time_calls(fn, runs))) for name, fn in passes.items()]


def import_offenders() -> list[tuple[int, int, str]]:
    """(cumulative µs, self µs, module) of every import of `import assistant.cli.main`, slowest first."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import assistant.cli.main"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    rows = []
    for line in out.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        self_us, cumulative_us, name = line.removeprefix("import time:").split("|", 2)
        rows.append((int(cumulative_us), int(self_us), name.rstrip()))
    rows.sort(reverse=True)
    return rows


def proselint_linter() -> Callable[[str], int] | None:
    """A function that lints a string with proselint's Python API, or None if it is not importable."""
    try:
        from proselint.checks import __register__
        from proselint.registry import CheckRegistry
        from proselint.tools import LintFile
    except ImportError:
        return None
    registry = CheckRegistry()
    if not registry.checks:
        registry.register_many(__register__)

    def run(text: str) -> int:
        return len(LintFile("<prd>", text).lint())

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder with user_stories.jsonl")
    parser.add_argument("--words", type=int, default=2000, help="size of the synthetic PRD in words")
    parser.add_argument("--runs", type=int, default=50, help="timed in-process analyze() runs (>= 30)")
    parser.add_argument("--process-runs", type=int, default=12, help="timed whole-process CLI runs (>= 10)")
    parser.add_argument("--proselint-runs", type=int, default=10, help="timed proselint runs")
    args = parser.parse_args(argv)

    prd = build_prd(args.corpus, args.words)
    n_words = len(prd.split())
    with tempfile.TemporaryDirectory() as tmp:
        prd_file = Path(tmp) / "prd.md"
        prd_file.write_text(prd, encoding="utf-8")
        short_file = Path(tmp) / "draft.txt"
        short_file.write_text(SHORT_DRAFT, encoding="utf-8")

        print(f"python: {sys.version.split()[0]} ({sys.executable})")
        print(f"PRD: {n_words} words, {len(prd)} chars, {prd.count(chr(10) * 2) + 1} paragraphs\n")

        imported, first = cold_first_call(prd_file)
        print("== cold (fresh process) ==")
        print(f"import assistant:              {imported * 1000:8.1f} ms")
        print(f"first analyze() (rules load):  {first * 1000:8.1f} ms\n")

        from assistant import analyze

        result = analyze(prd)
        times = time_calls(lambda: analyze(prd), max(30, args.runs))
        median, tail = statistics.median(times), p90(times)
        print(f"== warm analyze() in-process, {len(times)} runs after warm-up ==")
        print(
            f"findings {len(result.findings)}, ambiguities {len(result.ambiguities)}, "
            f"complexity flags {len(result.complexity)}, questions {len(result.questions)}"
        )
        verdict = _mark(median * 1000 <= TARGET_ANALYZE_MS)
        print(f"median {median * 1000:8.2f} ms   target <= {TARGET_ANALYZE_MS:.0f} ms: {verdict}")
        print(f"p90    {tail * 1000:8.2f} ms")
        print(f"words/second (median): {n_words / median:,.0f}")
        print("per pass (median of 15 runs each, includes building its own Document):")
        for name, seconds in pass_breakdown(prd, 15):
            print(f"  {name:<16} {seconds * 1000:8.2f} ms")
        print()

        print(f"== whole process `assistant lint` on a {len(SHORT_DRAFT.split())}-word file ==")
        offline = ["lint", "--provider", "offline", str(short_file)]  # a key in the environment must not matter
        commands = {"python -m assistant lint": [sys.executable, "-m", "assistant", *offline]}
        script = Path(sys.executable).parent / "assistant"
        found = str(script) if script.exists() else shutil.which("assistant")
        if found:
            commands["assistant lint (console script)"] = [found, *offline]
        else:
            print("console script `assistant` not found next to the interpreter or on PATH")
        commands["python -c pass (interpreter floor)"] = [sys.executable, "-c", "pass"]
        for label, cmd in commands.items():
            runs = time_process(cmd, max(10, args.process_runs))
            med = statistics.median(runs)
            target = ""
            if "floor" not in label:
                target = f"   target <= {TARGET_PROCESS_S} s: {_mark(med <= TARGET_PROCESS_S)}"
            print(f"{label:<36} median {med:6.3f} s  p90 {p90(runs):6.3f} s  ({len(runs)} runs){target}")
        print()

        print(f"== whole process `assistant lint` on the {len(SHORT_DRAFT.split())}-word file, semantic layer ==")
        for label, med, worst, rss_mb, target in semantic_process(short_file, max(5, args.process_runs // 2)):
            verdict = f"   target <= {target} s: {_mark(med <= target)}" if target else ""
            print(f"{label:<36} median {med:6.3f} s  max {worst:6.3f} s  peak RSS {rss_mb:4d} MB{verdict}")
        print()

        print("== proselint on the same text ==")
        linter = proselint_linter()
        if linter is None:
            print("proselint is not importable; skipped\n")
        else:
            import proselint.version

            hits = linter(prd)
            ptimes = time_calls(lambda: linter(prd), args.proselint_runs, warmup=1)
            pmed = statistics.median(ptimes)
            print(f"proselint {proselint.version.__version__}: {hits} results")
            print(f"median {pmed * 1000:8.1f} ms  p90 {p90(ptimes) * 1000:8.1f} ms  ({len(ptimes)} runs)")
            print(f"words/second (median): {n_words / pmed:,.0f}")
            print(f"analyze() is {pmed / median:,.1f}x faster than proselint on this text\n")

    print("== heavy modules in a fresh process ==")
    for label, code in (
        ('import assistant; assistant.analyze("x")', 'import assistant; assistant.analyze("x")'),
        ("import assistant.cli.main", "import assistant.cli.main"),
    ):
        found = heavy_imports(code)
        verdict = "OK (none)" if not found else "PROBLEM: " + ", ".join(found)
        print(f"after {label}: {verdict}")
    print()

    print("== python -X importtime -c 'import assistant.cli.main': top 10 by cumulative time ==")
    rows = import_offenders()
    print(f"{'cumulative ms':>13} {'self ms':>8}  module")
    for cumulative, own, name in rows[:10]:
        print(f"{cumulative / 1000:13.1f} {own / 1000:8.1f}  {name}")
    print("top 10 by self time:")
    for cumulative, own, name in sorted(rows, key=lambda r: -r[1])[:10]:
        print(f"{cumulative / 1000:13.1f} {own / 1000:8.1f}  {name.strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
