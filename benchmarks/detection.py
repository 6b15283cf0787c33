"""Detection figures on realistic labelled sets: trust spans, complexity categories, context elements.

    python benchmarks/detection.py                       # the dev sets (benchmarks/data/realistic/dev)
    python benchmarks/detection.py --split train         # the train sets
    python benchmarks/detection.py --trust F.yaml --complexity G.yaml --context H.yaml
    python benchmarks/detection.py --no-semantic         # the rules alone
    python benchmarks/detection.py --misses 20           # print missed spans and false alarms

Trust scoring is category-exact and span-based: a labelled span is found when a trust finding of the same
category overlaps it; a finding is correct when it overlaps a labelled span of its own category. Every other
finding is a false alarm (on a benign item or beside the labelled spans). Complexity: per labelled category,
found or not; a trivial request (no category) must get no flag. Context: per element, present or missing
as labelled. The data files and how each was made are described in benchmarks/data/README.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data" / "realistic"


@dataclass
class TrustScore:
    """Counts for the trust findings, per category."""

    spans: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    findings: Counter[str] = field(default_factory=Counter)
    correct: Counter[str] = field(default_factory=Counter)
    # Each false alarm by where it fell: a benign item, a damaging item labelled with other categories only,
    # or a damaging item whose labelled span of the same category sits in another clause.
    alarm_kinds: Counter[str] = field(default_factory=Counter)
    benign_items: int = 0
    benign_flagged: int = 0
    by_source: Counter[str] = field(default_factory=Counter)
    misses: list[tuple[str, str, str]] = field(default_factory=list)
    false_alarms: list[tuple[str, str, str]] = field(default_factory=list)

    def precision(self, category: str | None = None) -> float:
        n = self.findings[category] if category else sum(self.findings.values())
        c = self.correct[category] if category else sum(self.correct.values())
        return c / n if n else 0.0

    def message_precision(self) -> float:
        """Precision if a finding counts as correct whenever its message carries a span of its category."""
        n = sum(self.findings.values())
        return (sum(self.correct.values()) + self.alarm_kinds["same category, other clause"]) / n if n else 0.0

    def recall(self, category: str | None = None) -> float:
        n = self.spans[category] if category else sum(self.spans.values())
        c = self.found[category] if category else sum(self.found.values())
        return c / n if n else 0.0


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _spans(text: str, labels: list[dict]) -> list[tuple[str, tuple[int, int]]]:
    out = []
    for label in labels:
        start = text.find(label["quote"])
        out.append((label["category"], (start, start + len(label["quote"]))))
    return out


def score_trust(items: list[dict], semantic: bool) -> TrustScore:
    """Lint every item and match findings to the labelled spans."""
    from assistant import lint

    score = TrustScore()
    for item in items:
        text = item["text"]
        gold = _spans(text, item.get("spans") or [])
        findings = lint(text, ambiguity=False, semantic=semantic).findings
        if not gold:
            score.benign_items += 1
            score.benign_flagged += bool(findings)
        for category, span in gold:
            score.spans[category] += 1
            if any(f.category == category and _overlaps((f.start, f.end), span) for f in findings):
                score.found[category] += 1
            else:
                score.misses.append((category, text[span[0] : span[1]], text))
        for f in findings:
            score.findings[f.category] += 1
            score.by_source[getattr(f, "source", "rule")] += 1
            if any(f.category == c and _overlaps((f.start, f.end), s) for c, s in gold):
                score.correct[f.category] += 1
            else:
                score.false_alarms.append((f.category, f.text, text))
                if not gold:
                    score.alarm_kinds["benign item"] += 1
                elif any(c == f.category for c, _ in gold):
                    score.alarm_kinds["same category, other clause"] += 1
                else:
                    score.alarm_kinds["damaging item, other category"] += 1
    return score


def score_complexity(
    items: list[dict], semantic: bool, misses: list[tuple[str, str, str]] | None = None
) -> tuple[Counter[str], Counter[str], int, int, int, int]:
    """Per category: labels and labels found; extra flags; trivial requests flagged out of all trivial.

    `misses`, when given, collects (`missed` or `extra`, category, request) for printing.
    """
    from assistant.checks.complexity import find_complexity

    labels: Counter[str] = Counter()
    found: Counter[str] = Counter()
    extra = flags_total = trivial = trivial_flagged = 0
    for item in items:
        gold = set(item.get("categories") or [])
        got = {f.category for f in find_complexity(item["text"], semantic=semantic)}
        flags_total += len(got)
        if not gold:
            trivial += 1
            trivial_flagged += bool(got)
        for category in gold:
            labels[category] += 1
            found[category] += category in got
        extra += len(got - gold)
        if misses is not None:
            misses += [("missed", c, item["text"]) for c in sorted(gold - got)]
            misses += [("extra", c, item["text"]) for c in sorted(got - gold)]
    return labels, found, extra, flags_total, trivial, trivial_flagged


def score_context(items: list[dict]) -> dict[str, tuple[int, int]]:
    """Per element: (correct, total)."""
    from assistant.checks.context import check_context

    out: dict[str, list[int]] = {}
    for item in items:
        report = check_context(item["text"])
        for element in report.elements:
            want = item["elements"][element.element] == "present"
            cell = out.setdefault(element.element, [0, 0])
            cell[0] += element.present == want
            cell[1] += 1
    return {k: (v[0], v[1]) for k, v in out.items()}


def _load(paths: list[Path]) -> list[dict]:
    items: list[dict] = []
    for path in paths:
        items += yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
    return items


def _files(split: str, kind: str) -> list[Path]:
    return sorted((DATA / split).glob(f"{kind}_*.yaml"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", default="dev", help="train or dev (default dev), under benchmarks/data/realistic")
    parser.add_argument("--trust", type=Path, action="append", help="a trust YAML file (repeatable)")
    parser.add_argument("--complexity", type=Path, action="append", help="a complexity YAML file (repeatable)")
    parser.add_argument("--context", type=Path, action="append", help="a context YAML file (repeatable)")
    parser.add_argument("--no-semantic", action="store_true", help="the rules alone")
    parser.add_argument("--misses", type=int, default=0, help="print this many misses and false alarms")
    parser.add_argument("--category", help="only print misses and false alarms of this trust category")
    parser.add_argument("--only", choices=("trust", "complexity", "context"), help="score one kind only")
    args = parser.parse_args(argv)
    semantic = not args.no_semantic
    os.environ.setdefault("ASSISTANT_SEMANTIC", "true" if semantic else "false")

    trust_files = args.trust or _files(args.split, "trust")
    cx_files = args.complexity or _files(args.split, "complexity")
    ctx_files = args.context or _files(args.split, "context")
    print(f"semantic layer: {'on' if semantic else 'off'}")

    if args.only:
        trust_files = trust_files if args.only == "trust" else []
        cx_files = cx_files if args.only == "complexity" else []
        ctx_files = ctx_files if args.only == "context" else []
    if trust_files:
        items = _load(trust_files)
        s = score_trust(items, semantic)
        n_spans = sum(s.spans.values())
        print(f"\n== trust ({len(items)} items, {n_spans} spans; {', '.join(p.name for p in trust_files)})")
        print(f"{'category':20} {'recall':>14} {'precision':>16}")
        for category in sorted(s.spans):
            print(
                f"{category:20} {s.found[category]:>4}/{s.spans[category]:<4} {s.recall(category):.2f}"
                f" {s.correct[category]:>5}/{s.findings[category]:<4} {s.precision(category):.2f}"
            )
        print(f"{'all':20} {'':>9} {s.recall():.2f} {'':>10} {s.precision():.2f}")
        rate = s.benign_flagged / s.benign_items if s.benign_items else 0.0
        print(f"benign items with any finding: {s.benign_flagged}/{s.benign_items} ({rate:.1%})")
        print(f"findings by source: {dict(s.by_source)}")
        print(f"false alarms by where they fell: {dict(s.alarm_kinds)}")
        print(f"precision counting a finding in a message labelled with its category: {s.message_precision():.2f}")
        if args.misses:
            print("\n-- missed spans")
            wanted = [m for m in s.misses if not args.category or m[0] == args.category]
            for category, quote, text in wanted[: args.misses]:
                print(f"  [{category}] {quote!r}  <- {text[:140]!r}")
            print("\n-- false alarms")
            wanted = [m for m in s.false_alarms if not args.category or m[0] == args.category]
            for category, quote, text in wanted[: args.misses]:
                print(f"  [{category}] {quote!r}  <- {text[:140]!r}")

    if cx_files:
        items = _load(cx_files)
        cx_misses: list[tuple[str, str, str]] = []
        labels, found, extra, total, trivial, trivial_flagged = score_complexity(items, semantic, cx_misses)
        n = sum(labels.values())
        recall = sum(found.values()) / n if n else 0.0
        precision = (total - extra) / total if total else 0.0
        print(f"\n== complexity ({len(items)} requests; {', '.join(p.name for p in cx_files)})")
        print(f"recall {sum(found.values())}/{n} = {recall:.2f}; precision {total - extra}/{total} = {precision:.2f}")
        print(f"trivial requests flagged: {trivial_flagged}/{trivial}")
        print("per category: " + ", ".join(f"{c} {found[c]}/{labels[c]}" for c in sorted(labels)))
        for kind in ("missed", "extra") if args.misses else ():
            print(f"\n-- {kind} categories")
            for _, category, text in [m for m in cx_misses if m[0] == kind][: args.misses]:
                print(f"  [{category}] {text[:140]!r}")

    if ctx_files:
        items = _load(ctx_files)
        cells = score_context(items)
        correct = sum(c for c, _ in cells.values())
        total = sum(t for _, t in cells.values())
        print(f"\n== context ({len(items)} drafts; {', '.join(p.name for p in ctx_files)})")
        print(f"accuracy {correct}/{total} = {correct / total:.2f}")
        print("per element: " + ", ".join(f"{e} {c}/{t} ({c / t:.2f})" for e, (c, t) in cells.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
