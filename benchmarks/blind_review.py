"""A blind review of the offline rewrite by someone who never saw the templates or the rules.

    python benchmarks/blind_review.py packet --drafts DRAFTS.yaml --out PACKET.md
    python benchmarks/blind_review.py score VERDICTS.yaml

`packet` writes, for each draft: the draft, the offline rewrite (what a PM would copy) and the design-review
questions, with nothing about how they were made. The reviewer writes one verdict per draft:
`verdicts: [{id, readable: bool, faithful: bool, sendable_after_slots: bool, asks_for_given: bool,
damage_left: bool, note}]`. `score` prints the shares beside the issue's targets.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.checks.offline import analyze, rewrite  # noqa: E402

TARGETS = {
    "sendable_after_slots": ("sendable after filling the slots", 0.70),
    "readable": ("readable", 1.0),
    "faithful": ("faithful (no fact dropped, reversed or invented)", 1.0),
    "asks_for_given": ("context block asks for something the draft states", 0.0),
    "damage_left": ("damaging phrasing left in the rewrite", 0.0),
}


def packet(drafts_path: Path, out: Path) -> None:
    items = yaml.safe_load(drafts_path.read_text(encoding="utf-8"))["items"]
    parts = [f"# Review packet: {len(items)} drafts\n"]
    for item in items:
        analysis = analyze(item["text"])
        result = rewrite(item["text"], analysis=analysis)
        questions = "\n".join(f"- {q.text}" for q in analysis.questions)
        parts.append(
            f"## {item['id']}\n\n**Draft**\n\n> " + item["text"].replace("\n", "\n> ")
            + "\n\n**Rewrite**\n\n```text\n" + result.text + "\n```\n\n**Design-review questions**\n\n"
            + questions + "\n"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(parts), encoding="utf-8")
    print(f"wrote {out} ({len(items)} drafts)")


def score(verdicts_path: Path) -> None:
    verdicts = yaml.safe_load(verdicts_path.read_text(encoding="utf-8"))["verdicts"]
    n = len(verdicts)
    print(f"blind review of {n} offline rewrites ({verdicts_path})")
    for key, (label, target) in TARGETS.items():
        hits = sum(1 for v in verdicts if v.get(key))
        print(f"  {label:<58} {hits:>3}/{n} = {100 * hits / n:5.1f}%   (target {100 * target:.0f}%)")
    specific = sum(v.get("questions_specific", 0) for v in verdicts)
    total = sum(v.get("questions_total", 0) for v in verdicts)
    if total:
        label = "design-review questions specific and worth asking"
        print(f"  {label:<58} {specific}/{total} = {100 * specific / total:.1f}%")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("packet", help="write the review packet")
    make.add_argument("--drafts", type=Path, required=True)
    make.add_argument("--out", type=Path, required=True)
    judge = sub.add_parser("score", help="score a verdicts file")
    judge.add_argument("verdicts", type=Path)
    args = parser.parse_args()
    if args.command == "packet":
        packet(args.drafts, args.out)
    else:
        score(args.verdicts)


if __name__ == "__main__":
    main()
