"""Rewrite quality on a YAML of drafts and a YAML of change notes (offline engine, no key).

    python benchmarks/rewrite_quality.py --drafts DRAFTS.yaml [--changes CHANGES.yaml] [--pairs N]

Drafts: `items: [{id, text, facts: [exact substrings]}]`. Change notes: `items` (or `changes`):
`[{id, original, change, what: [...], who, date}]` (who/date may be null). Prints, for the drafts: the share
of offline rewrites with any text-quality finding, the share keeping every listed fact, the share whose trust
findings are all repaired or left visible, the share of design-review questions naming something from the
draft (over drafts that name a system or feature) and the linter findings in the questions; for the change
notes: the share of briefs and of stakeholder drafts restating what / who / date where the note gives
them, and their text-quality findings. `--pairs N` prints N before/after pairs.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.checks.complexity import find_complexity  # noqa: E402
from assistant.checks.fixes import capture  # noqa: E402
from assistant.checks.guards import fact_kept, find_facts  # noqa: E402
from assistant.checks.lint import find_trust_phrases  # noqa: E402
from assistant.checks.offline import analyze, rewrite  # noqa: E402
from assistant.checks.quality import check_quality, sentence_problems  # noqa: E402
from assistant.text.document import Document  # noqa: E402

_GENERIC_WORDS = frozenset("this that it the request work".split())


def _share(hits: int, total: int) -> str:
    return f"{hits}/{total} = {100 * hits / total:.0f}%" if total else "n/a (0 items)"


def _body(text: str) -> str:
    return text.split("\n\nContext\n", 1)[0]


def _items(path: Path, key: str = "items") -> list[dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return list(data.get(key) or data.get("items") or [])


def _named(draft: str, facts: list[str]) -> list[str]:
    """What a question could name: listed facts, capitalised names, complexity triggers, the thing asked for."""
    names = [f for f in facts if not re.fullmatch(r"[\d\W]+", f)]
    names += find_facts(draft)
    names += [flag.trigger for flag in find_complexity(draft)]
    doc = Document(draft)
    for start, end in doc.sentences:
        thing = capture(draft[start:end]).get("thing")
        if thing:
            names.append(re.sub(r"^(?:a|an|the|some|our)\s+", "", thing, flags=re.I))
    return [n for n in dict.fromkeys(names) if n and n.lower() not in _GENERIC_WORDS]


def _names_system_or_feature(draft: str, facts: list[str]) -> bool:
    has_name = any(re.search(r"[A-Za-z]", f) and not re.search(r"\d", f) for f in find_facts(draft))
    return bool(find_complexity(draft)) or has_name or any(not re.search(r"\d", f) for f in facts)


def _trust_handled(draft: str, result) -> bool:
    """Every finding of the draft is repaired, or its sentence is kept as written and listed (visible)."""
    kept = " ".join(c.description for c in result.changes if c.description.startswith("Left ")).lower()
    for finding in find_trust_phrases(_body(result.text)):
        if finding.severity == "suggestion":
            continue
        if finding.text.lower() not in kept:  # the rewrite capitalises sentence starts
            return False
    return True


def drafts_report(items: list[dict], pairs: int) -> None:
    quality_hit = facts_ok = trust_ok = 0
    q_total = q_named = q_lint = named_drafts = 0
    examples: list[tuple[str, str, list]] = []
    for item in items:
        draft, facts = item["text"], list(item.get("facts") or [])
        result = rewrite(draft)
        problems = check_quality(result.text, draft)
        debris = [p for p in problems if p.kind != "dropped-fact"]
        quality_hit += bool(problems)
        lost = [f for f in facts if not fact_kept(f, result.text)]
        facts_ok += not lost
        trust_ok += _trust_handled(draft, result)
        questions = analyze(draft).questions
        q_lint += sum(1 for q in questions for f in find_trust_phrases(q.text) if f.severity != "suggestion")
        if _names_system_or_feature(draft, facts):
            named_drafts += 1
            names = [n.lower() for n in _named(draft, facts)]
            q_total += len(questions)
            q_named += sum(1 for q in questions if any(n in q.text.lower() for n in names))
        if len(examples) < pairs:
            examples.append((draft, _body(result.text), [*(p.kind for p in debris), *(f"lost {f!r}" for f in lost)]))
    n = len(items)
    print(f"Drafts: {n}")
    print(f"  rewrites with any text-quality finding (incl. dropped facts): {_share(quality_hit, n)}  (target 0)")
    print(f"  rewrites keeping every listed fact:                           {_share(facts_ok, n)}  (target 100%)")
    print(f"  trust findings all repaired or left visible:                  {_share(trust_ok, n)}  (target 100%)")
    print(
        f"  design-review questions naming something from the draft:      {_share(q_named, q_total)} "
        f"over {named_drafts} drafts naming a system or feature  (target >= 60%)"
    )
    print(f"  linter findings (warning or error) in the questions:         {q_lint}  (target 0)")
    for index, (before, after, notes) in enumerate(examples, 1):
        noted = f"\nNOTES:  {', '.join(notes)}" if notes else ""
        print(f"\n--- pair {index}\nBEFORE: {before}\nAFTER:  {after}{noted}")


def changes_report(items: list[dict]) -> None:
    from assistant.tasks.scope import ScopeChangeInput, offline_brief, offline_stakeholder_draft

    counts = {key: [0, 0, 0, 0] for key in ("what", "who", "date")}  # brief hits, message hits, given, -
    quality = 0
    for item in items:
        inp = ScopeChangeInput(original=item["original"], change=item["change"])
        brief = offline_brief(inp)
        message = offline_stakeholder_draft(inp, brief).text
        brief_text = f"{brief.what_changed}\n{brief.why}"
        quality += bool(check_quality(brief.what_changed, item["change"]) or sentence_problems(message))
        for key in ("what", "who", "date"):
            value = item.get(key)
            wanted = [v for v in (value if isinstance(value, list) else [value]) if v]
            if not wanted:
                continue
            counts[key][2] += 1
            counts[key][0] += all(fact_kept(v, brief_text) for v in wanted)
            counts[key][1] += all(fact_kept(v, message) for v in wanted)
    print(f"\nChange notes: {len(items)}")
    for key in ("what", "who", "date"):
        brief_hits, message_hits, given, _ = counts[key]
        print(f"  restate {key:<4}: brief {_share(brief_hits, given)}, stakeholder draft {_share(message_hits, given)}")
    print(f"  with a text-quality finding (restatement or message): {_share(quality, len(items))}  (target 0)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drafts", type=Path, help="YAML of drafts with facts")
    parser.add_argument("--changes", type=Path, help="YAML of change notes")
    parser.add_argument("--pairs", type=int, default=0, help="print N before/after pairs")
    args = parser.parse_args(argv)
    if not args.drafts and not args.changes:
        args.drafts = args.changes = ROOT / "benchmarks" / "data" / "rewrite_dev.yaml"
    if args.drafts:
        drafts_report(_items(args.drafts), args.pairs)
    if args.changes:
        changes_report(_items(args.changes, key="changes") if args.changes == args.drafts else _items(args.changes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
