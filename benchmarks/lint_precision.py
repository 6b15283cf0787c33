"""Precision and recall of the trust-phrase linter on a hand-labelled set of PM sentences.

A sentence counts as flagged when `lint()` returns at least one trust finding at or above the chosen
severity (warning by default). The report is printed twice: at the warning floor and with suggestions.
Exits 0 unless `--min-precision` / `--min-recall` are given and the warning-floor figures fall below them.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from assistant import lint
from assistant.schemas import SEVERITY_RANK, Finding

DEFAULT_DATA = Path(__file__).resolve().parent / "data" / "labelled_sentences.yaml"


@dataclass(frozen=True)
class Item:
    """One labelled sentence."""

    text: str
    damaging: bool
    category: str | None


@dataclass
class Result:
    """Confusion counts and the misclassified items for one severity floor."""

    floor: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    per_category: Counter[str] = field(default_factory=Counter)
    per_category_hit: Counter[str] = field(default_factory=Counter)
    category_mismatch: list[tuple[Item, list[Finding]]] = field(default_factory=list)
    false_positives: list[tuple[Item, list[Finding]]] = field(default_factory=list)
    false_negatives: list[tuple[Item, list[Finding]]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_items(path: Path) -> list[Item]:
    """Read the labelled YAML set."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
    items = []
    for entry in raw:
        label = entry["label"]
        if label not in ("damaging", "benign"):
            raise ValueError(f"bad label {label!r} for {entry['text']!r}")
        items.append(Item(entry["text"], label == "damaging", entry.get("category")))
    return items


def evaluate(items: list[Item], floor: str) -> Result:
    """Lint every item and count it as flagged if any trust finding is at or above `floor`."""
    result = Result(floor)
    rank = SEVERITY_RANK[floor]
    for item in items:
        every = lint(item.text, ambiguity=False).findings
        flags = [f for f in every if SEVERITY_RANK[f.severity] >= rank]
        if item.damaging:
            category = item.category or "?"
            result.per_category[category] += 1
            if flags:
                result.tp += 1
                result.per_category_hit[category] += 1
                if category not in {f.category for f in flags}:
                    result.category_mismatch.append((item, flags))
            else:
                result.fn += 1
                result.false_negatives.append((item, every))
        elif flags:
            result.fp += 1
            result.false_positives.append((item, flags))
        else:
            result.tn += 1
    return result


def _describe(findings: list[Finding]) -> str:
    if not findings:
        return "(no rule fired)"
    return "; ".join(f"{f.rule_id} [{f.category}/{f.severity}] on {f.text!r}" for f in findings)


def print_result(result: Result) -> None:
    """Print the confusion matrix, the rates, per-category recall and every error."""
    print(f"== severity >= {result.floor} counts as a flag ==")
    print(f"TP {result.tp}  FP {result.fp}  FN {result.fn}  TN {result.tn}")
    print(f"precision {result.precision:.3f}  recall {result.recall:.3f}  F1 {result.f1:.3f}")
    print("per-category recall:")
    for category in sorted(result.per_category):
        hit, total = result.per_category_hit[category], result.per_category[category]
        print(f"  {category:<18} {hit}/{total}  {hit / total:.2f}")
    print(f"false positives ({len(result.false_positives)}):")
    for item, findings in result.false_positives:
        print(f"  - {item.text}\n      fired: {_describe(findings)}")
    print(f"false negatives ({len(result.false_negatives)}):")
    for item, findings in result.false_negatives:
        below = f"below floor: {_describe(findings)}" if findings else "(no rule fired)"
        print(f"  - [{item.category}] {item.text}\n      {below}")
    print(f"flagged under another category ({len(result.category_mismatch)}):")
    for item, findings in result.category_mismatch:
        print(f"  - [{item.category}] {item.text}\n      fired: {_describe(findings)}")
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="labelled YAML set")
    parser.add_argument("--min-precision", type=float, default=None, help="exit 1 if precision is below this")
    parser.add_argument("--min-recall", type=float, default=None, help="exit 1 if recall is below this")
    args = parser.parse_args(argv)

    items = load_items(args.data)
    damaging = sum(i.damaging for i in items)
    benign = len(items) - damaging
    print(f"labelled set: {args.data} ({len(items)} sentences: {damaging} damaging, {benign} benign)")
    print()
    main_result = evaluate(items, "warning")
    print_result(main_result)
    print_result(evaluate(items, "suggestion"))

    failed = []
    if args.min_precision is not None and main_result.precision < args.min_precision:
        failed.append(f"precision {main_result.precision:.3f} < {args.min_precision}")
    if args.min_recall is not None and main_result.recall < args.min_recall:
        failed.append(f"recall {main_result.recall:.3f} < {args.min_recall}")
    if failed:
        print("FAIL: " + "; ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
