"""Run the trust-phrase linter, the ambiguity pass and the complexity pass over real user stories.

Ordinary requirements written by real teams should almost never get a trust finding; every hit is listed
for a human to read. Each corpus file is reported on its own: the punctuated g02 file repeats g02 stories
that are already in user_stories.jsonl, so the two must never be added together.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from assistant.checks.complexity import find_complexity
from assistant.checks.lint import find_ambiguities, find_trust_phrases
from assistant.schemas import ComplexityFlag
from assistant.text.document import Document

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
FILES = ("user_stories.jsonl", "user_stories_g02_punctuated.jsonl")
SAMPLES_PER_CATEGORY = 2
TOP_TERMS = 15


@dataclass(frozen=True)
class Story:
    id: str
    dataset: str
    text: str


def load_stories(path: Path) -> list[Story]:
    """Read one JSONL corpus file."""
    stories = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                stories.append(Story(row["id"], row["dataset"], row["text"]))
    return stories


def _share(count: int, total: int) -> str:
    return f"{count}/{total} ({100 * count / total:.1f}%)" if total else "0/0"


def report(path: Path) -> None:
    """Print the trust, ambiguity and complexity figures for one corpus file."""
    stories = load_stories(path)
    total = len(stories)
    trust_hits: list[tuple[Story, str, str, str]] = []
    with_trust = with_error = with_ambiguity = 0
    terms: Counter[str] = Counter()
    ambiguity_rules: Counter[str] = Counter()
    flags: dict[str, list[tuple[Story, ComplexityFlag]]] = defaultdict(list)
    per_dataset: dict[str, Counter[str]] = defaultdict(Counter)

    for story in stories:
        doc = Document(story.text)
        findings = find_trust_phrases(doc)
        if findings:
            with_trust += 1
        if any(f.severity == "error" for f in findings):
            with_error += 1
        for f in findings:
            trust_hits.append((story, f.rule_id, f.severity, f.text))
        ambiguities = find_ambiguities(doc)
        if ambiguities:
            with_ambiguity += 1
        for a in ambiguities:
            terms[a.text.lower()] += 1
            ambiguity_rules[a.rule_id] += 1
        complexity = find_complexity(doc)
        for flag in complexity:
            flags[flag.category].append((story, flag))
        row = per_dataset[story.dataset]
        row["stories"] += 1
        row["trust"] += bool(findings)
        row["ambiguity"] += bool(ambiguities)
        row["complexity"] += bool(complexity)
        row["flags"] += len(complexity)

    print(f"=== {path.name} ===")
    print(f"stories: {total}")
    print(f"with any trust finding:        {_share(with_trust, total)}")
    print(f"with an error-level finding:   {_share(with_error, total)}")
    print(f"trust-finding hits ({len(trust_hits)}):")
    for story, rule_id, severity, matched in trust_hits:
        print(f"  {story.id}  {rule_id} [{severity}] {matched!r}\n      {story.text}")
    print(f"with any ambiguity finding:    {_share(with_ambiguity, total)}")
    print(f"ambiguity findings: {sum(terms.values())}; top terms:")
    for term, count in terms.most_common(TOP_TERMS):
        print(f"  {count:>4}  {term}")
    print("ambiguity findings per rule:")
    for rule_id, count in ambiguity_rules.most_common():
        print(f"  {count:>4}  {rule_id}")
    flagged = len({s.id for hits in flags.values() for s, _ in hits})
    print(f"with any complexity flag:      {_share(flagged, total)}")
    print("complexity flags per category (stories flagged; samples):")
    for category, hits in sorted(flags.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        print(f"  {category:<20} {len(hits)}")
        for story, flag in hits[:SAMPLES_PER_CATEGORY]:
            print(f"      {story.id} trigger {flag.trigger!r}: {story.text}")
    print("per dataset: stories / with trust / with ambiguity / with complexity / complexity flags")
    for dataset, row in sorted(per_dataset.items()):
        print(
            f"  {dataset:<32} {row['stories']:>4} {row['trust']:>4} {row['ambiguity']:>4} "
            f"{row['complexity']:>4} {row['flags']:>4}"
        )
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder holding the JSONL files")
    args = parser.parse_args(argv)
    missing = [name for name in FILES if not (args.corpus / name).is_file()]
    if missing:
        print(f"missing in {args.corpus}: {', '.join(missing)}", file=sys.stderr)
        return 2
    print(f"corpus: {args.corpus.resolve()}\n")
    for name in FILES:
        report(args.corpus / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
