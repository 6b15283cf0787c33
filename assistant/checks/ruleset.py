"""Rules as data: load the YAML files under `assistant/rules/`, validate them and compile their patterns once.

Patterns are regular expressions written in lower case and matched against the folded text (see
`textutil.fold`), so they stay case-insensitive while keeping Python's fast literal-prefix search.
Word boundaries are enforced by the matcher, not written into the patterns: a match that starts or ends
inside a word is dropped.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from re import _parser as _sre_parse  # type: ignore[attr-defined]
from typing import Any

from assistant.schemas import CONTEXT_ELEMENT_IDS
from assistant.text.document import Document, fold, is_word_char

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


class RuleError(ValueError):
    """A rule file is malformed: raised at load time with the file and rule named."""


def _compile(pattern: str) -> re.Pattern[str]:
    """Compile with MULTILINE: `$` in a pattern means the end of a line (windows end at sentence ends)."""
    try:
        return re.compile(pattern, re.MULTILINE)
    except re.error as exc:
        raise RuleError(f"bad pattern {pattern!r}: {exc}") from exc


class PatternSet:
    """Compiled patterns plus the antipatterns and sentence exceptions that veto their matches.

    Speed: each pattern carries the literal strings one of which every match must contain (derived from
    the regex itself). A pattern runs only if one of them occurs in the text, and then only on the
    sentences around the occurrences; patterns are compiled on first use.
    """

    def __init__(
        self,
        patterns: list[str],
        antipatterns: list[str] | None = None,
        sentence_exceptions: list[str] | None = None,
        skip_quoted: bool = True,
        sentence_requires: list[str] | None = None,
    ) -> None:
        self.patterns = [_LazyPattern(p) for p in patterns]
        self.antipatterns = [_LazyPattern(p) for p in antipatterns or []]
        self.sentence_exceptions = [_LazyPattern(p, wrap=False) for p in sentence_exceptions or []]
        self.sentence_requires = [_LazyPattern(p) for p in sentence_requires or []]
        self.skip_quoted = skip_quoted

    def compile_all(self) -> None:
        """Compile every pattern now (tests use this to check that every rule compiles)."""
        for lazy in (*self.patterns, *self.antipatterns, *self.sentence_exceptions, *self.sentence_requires):
            _ = lazy.regex

    @cached_property
    def _literals(self) -> tuple[str, ...] | None:
        """Every pattern's literals together (None when some pattern has none): a quick whole-rule reject."""
        found: list[str] = []
        for lazy in self.patterns:
            if lazy.literals is None:
                return None
            found.extend(lazy.literals)
        return tuple(dict.fromkeys(found))

    def _absent(self, doc: Document) -> bool:
        literals = self._literals
        return literals is not None and not any(doc.count_of(literal) for literal in literals)

    def finditer(self, doc: Document) -> Iterator[tuple[int, int]]:
        """Yield (start, end) of each accepted match, in text order, without duplicates."""
        if self._absent(doc):
            return iter(())
        seen: set[tuple[int, int]] = set()
        hits: list[tuple[int, int]] = []
        for lazy in self.patterns:
            for span in lazy.spans(doc):
                if span not in seen and self._accepts(doc, *span):
                    seen.add(span)
                    hits.append(span)
        hits.sort()
        return iter(_drop_nested(hits))

    def first(self, doc: Document) -> tuple[int, int] | None:
        """The earliest accepted match (the longest among those starting there), scanning no further."""
        if self._absent(doc):
            return None
        best: tuple[int, int] | None = None
        for lazy in self.patterns:
            for start, end in lazy.spans(doc):
                if best is not None and start > best[0]:
                    break
                if self._accepts(doc, start, end):
                    if best is None or start < best[0] or end > best[1]:
                        best = (start, end)
                    break
        return best

    def _accepts(self, doc: Document, start: int, end: int) -> bool:
        if start == end or not _on_word_boundaries(doc.folded, start, end):
            return False
        if self.skip_quoted and doc.is_skipped(start, end):
            return False
        return not self._vetoed(doc, start, end)

    def _vetoed(self, doc: Document, start: int, end: int) -> bool:
        if not self.antipatterns and not self.sentence_exceptions and not self.sentence_requires:
            return False
        s_start, s_end = doc.sentence_at(start)
        s_end = max(s_end, end)
        folded = doc.folded
        for anti in self.antipatterns:
            for m in anti.regex.finditer(folded, s_start, s_end):
                if m.start() < end and start < m.end():
                    return True
        requires = self.sentence_requires
        if requires:
            # The cue may sit in the sentence before ("Notes: investor walkthrough Wednesday. Hardcode …").
            r_start = doc.sentence_at(s_start - 1)[0] if s_start > 0 else s_start
            if not any(req.regex.search(folded, r_start, s_end) for req in requires):
                return True
        return any(exc.regex.search(folded, s_start, s_end) for exc in self.sentence_exceptions)


class _LazyPattern:
    """One pattern: its source, the literals every match contains, and the regex compiled on first use."""

    __slots__ = ("_literals", "_regex", "source", "wrap")

    def __init__(self, source: str, wrap: bool = True) -> None:
        self.source = tolerate_missing_apostrophes(source)
        self.wrap = wrap
        self._regex: re.Pattern[str] | None = None
        self._literals: tuple[str, ...] | bool | None = False  # False: not derived yet

    @property
    def literals(self) -> tuple[str, ...] | None:
        if self._literals is False:
            self._literals = required_literals(self.source)
        return self._literals  # type: ignore[return-value]

    @property
    def regex(self) -> re.Pattern[str]:
        if self._regex is None:
            self._regex = _compile(_end_on_word_boundary(self.source) if self.wrap else self.source)
        return self._regex

    def spans(self, doc: Document) -> Iterator[tuple[int, int]]:
        """Match spans in the document, searching only the sentences around the required literals."""
        folded = doc.folded
        if self.literals is None:
            windows: list[tuple[int, int]] = [(0, len(folded))]
        else:
            windows = doc.windows_around(self.literals)
            if not windows:
                return
        regex = self.regex
        for w_start, w_end in windows:
            for match in regex.finditer(folded, w_start, w_end):
                yield match.span()


# A contraction's apostrophe, which people often leave out ("its not moving", "dont", "thats"); not where
# leaving it out makes another word ("we're" -> "were", "we'll" -> "well", "i'll" -> "ill", "he'll" -> "hell").
_CONTRACTION_APOSTROPHE = re.compile(r"(?<=[a-z])'(?=(?:t|s|ve|m|re|ll)(?![a-z?]))")
_APOSTROPHE_NEEDED = re.compile(r"(?:^|[^a-z])(?:we|i|he|she)$")


def tolerate_missing_apostrophes(pattern: str) -> str:
    """The pattern with each contraction's apostrophe optional (`don't` also matches `dont`), outside
    character classes and look-behinds, and where dropping it makes no other word (`we're`, `we'll`)."""
    if "'" not in pattern:
        return pattern
    out: list[str] = []
    in_class = False  # inside [...]
    groups: list[bool] = []  # for each open group: is it a look-behind (fixed width, left alone)?
    escaped = False
    for index, ch in enumerate(pattern):
        out.append(ch)
        if escaped:
            escaped = False
            continue
        if ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            groups.append(pattern.startswith(("(?<=", "(?<!"), index))
        elif ch == ")" and groups:
            groups.pop()
        elif ch == "'" and not any(groups) and _CONTRACTION_APOSTROPHE.match(pattern, index):
            following = pattern[index + 1 : index + 3]
            if following in ("re", "ll") and _APOSTROPHE_NEEDED.search(pattern[:index]):
                continue
            out.append("?")
    return "".join(out)


_LITERALS: dict[str, tuple[str, ...] | None] = {}


def required_literals(pattern: str) -> tuple[str, ...] | None:
    """Strings of which every match of `pattern` contains at least one, or None when none can be derived.

    Walks the parsed regex: a sequence contributes its longest literal run or the literals of a mandatory
    group or alternation; the candidate whose shortest string is longest wins. Memoised (and cached on
    disk with the rules), because parsing regexes costs more than matching a short draft.
    """
    if pattern in _LITERALS:
        return _LITERALS[pattern]
    _LITERALS[pattern] = found = _derive_literals(pattern)
    return found


def _derive_literals(pattern: str) -> tuple[str, ...] | None:
    try:
        parsed = _sre_parse.parse(pattern)
    except re.error:
        return None
    found = _required(parsed)
    if found is None or min(len(s) for s in found) < _MIN_LITERAL:
        return None
    return tuple(sorted(set(found)))


_MIN_LITERAL = 3


def _required(items) -> list[str] | None:
    from re import _constants as c

    candidates: list[list[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            candidates.append(["".join(run)])
            run.clear()

    for op, av in items:
        if op is c.LITERAL:
            run.append(chr(av))
            continue
        flush()
        if op is c.SUBPATTERN:
            sub = _required(av[-1])
            if sub:
                candidates.append(sub)
        elif op is c.BRANCH:
            alternatives: list[str] = []
            for branch in av[1]:
                sub = _required(branch)
                if not sub:
                    alternatives = []
                    break
                alternatives.extend(sub)
            if alternatives:
                candidates.append(alternatives)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1:
            sub = _required(av[2])
            if sub:
                candidates.append(sub)
    flush()
    if not candidates:
        return None
    return max(candidates, key=lambda cand: (min(len(s) for s in cand), -len(cand)))


def _end_on_word_boundary(pattern: str) -> str:
    """Make a match that ends on a word character end at a word boundary, letting the engine backtrack
    into longer alternatives ("instant" vs "instantly") instead of the matcher rejecting the match."""
    return f"(?:{pattern})(?:(?<=\\w)(?!\\w)|(?<!\\w))"


def _on_word_boundaries(text: str, start: int, end: int) -> bool:
    if is_word_char(text[start]) and start > 0 and is_word_char(text[start - 1]):
        return False
    return not (is_word_char(text[end - 1]) and end < len(text) and is_word_char(text[end]))


def _drop_nested(hits: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Keep the longest of overlapping matches of one rule."""
    kept: list[tuple[int, int]] = []
    for start, end in sorted(hits, key=lambda h: (h[0], -h[1])):
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end))
    return kept


# ---------------------------------------------------------------- rule records (plain dataclasses: fast to load)
@dataclass(frozen=True)
class Examples:
    flag: tuple[str, ...]
    ok: tuple[str, ...]


@dataclass(frozen=True)
class ContextExamples:
    present: tuple[str, ...]
    missing: tuple[str, ...]


@dataclass(frozen=True)
class Fix:
    """How the offline rewrite repairs a finding."""

    action: str
    with_: str = ""


FIX_ACTIONS = ("replace-phrase", "replace-sentence", "drop-sentence", "delete-words")
AMBIGUITY_CATEGORIES = ("vague-quality", "vague-quantity", "open-ended", "optionality")
SEVERITIES = ("error", "warning", "suggestion")


@dataclass(frozen=True, kw_only=True)
class _Rule:
    patterns: tuple[str, ...]
    antipatterns: tuple[str, ...] = ()
    sentence_exceptions: tuple[str, ...] = ()
    sentence_requires: tuple[str, ...] = ()
    examples: Examples

    @cached_property
    def matcher(self) -> PatternSet:
        return PatternSet(
            list(self.patterns),
            list(self.antipatterns),
            list(self.sentence_exceptions),
            sentence_requires=list(self.sentence_requires),
        )


@dataclass(frozen=True, kw_only=True)
class TrustRule(_Rule):
    id: str
    category: str
    severity: str
    message: str
    why: str
    replacements: tuple[str, ...]
    fix: Fix


@dataclass(frozen=True, kw_only=True)
class AmbiguityRule(_Rule):
    id: str
    category: str
    message: str
    question: str


@dataclass(frozen=True, kw_only=True)
class ComplexityRule(_Rule):
    category: str
    title: str
    why: str
    question: str
    smaller_version: str


@dataclass(frozen=True, kw_only=True)
class ContextRule:
    element: str
    label: str
    patterns: tuple[str, ...]
    antipatterns: tuple[str, ...] = ()
    question: str
    examples: ContextExamples

    @cached_property
    def matcher(self) -> PatternSet:
        return PatternSet(list(self.patterns), list(self.antipatterns), skip_quoted=False)


# ---------------------------------------------------------------- validation: field name -> kind
_TEXT, _TEXTS, _PATTERNS = "text", "texts", "patterns"
_SPECS: dict[type, dict[str, object]] = {
    TrustRule: {
        "id": _TEXT, "category": _TEXT, "severity": SEVERITIES, "message": _TEXT, "why": _TEXT,
        "replacements": _TEXTS, "fix": Fix, "patterns": _PATTERNS, "antipatterns": _PATTERNS,
        "sentence_exceptions": _PATTERNS, "sentence_requires": _PATTERNS, "examples": Examples,
    },
    AmbiguityRule: {
        "id": _TEXT, "category": AMBIGUITY_CATEGORIES, "message": _TEXT, "question": _TEXT,
        "patterns": _PATTERNS, "antipatterns": _PATTERNS, "sentence_exceptions": _PATTERNS,
        "sentence_requires": _PATTERNS, "examples": Examples,
    },
    ComplexityRule: {
        "category": _TEXT, "title": _TEXT, "why": _TEXT, "question": _TEXT, "smaller_version": _TEXT,
        "patterns": _PATTERNS, "antipatterns": _PATTERNS, "sentence_exceptions": _PATTERNS,
        "sentence_requires": _PATTERNS, "examples": Examples,
    },
    ContextRule: {
        "element": CONTEXT_ELEMENT_IDS, "label": _TEXT, "question": _TEXT, "patterns": _PATTERNS,
        "antipatterns": _PATTERNS, "examples": ContextExamples,
    },
}  # fmt: skip
_OPTIONAL = {"antipatterns", "sentence_exceptions", "sentence_requires"}


def parse_rule(kind: type, raw: object) -> Any:
    """Validate one rule mapping from YAML and build its record; RuleError names what is wrong."""
    if not isinstance(raw, dict):
        raise RuleError("a rule must be a mapping")
    spec = _SPECS[kind]
    unknown = set(raw) - set(spec)
    if unknown:
        raise RuleError(f"unknown field(s): {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for name, expected in spec.items():
        if name not in raw:
            if name in _OPTIONAL:
                continue
            raise RuleError(f"missing field '{name}'")
        values[name] = _check(name, raw[name], expected)
    return kind(**values)


def _check(name: str, value: Any, expected: object) -> Any:
    if expected == _TEXT:
        if not isinstance(value, str) or not value.strip():
            raise RuleError(f"'{name}' must be non-empty text")
        return value
    if isinstance(expected, tuple):
        if value not in expected:
            raise RuleError(f"'{name}' must be one of {', '.join(expected)}, not {value!r}")
        return value
    if expected in (_TEXTS, _PATTERNS):
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise RuleError(f"'{name}' must be a list of non-empty strings")
        if not value and name not in _OPTIONAL:
            raise RuleError(f"'{name}' needs at least one entry")
        if expected == _PATTERNS:
            for pattern in value:
                letters = re.sub(r"\\[A-Za-z]", "", pattern)
                if any(c.isupper() for c in letters):
                    raise RuleError(f"pattern {pattern!r} must be lower case (text is folded before matching)")
        return tuple(value)
    if expected is Fix:
        if not isinstance(value, dict) or set(value) - {"action", "with"} or value.get("action") not in FIX_ACTIONS:
            raise RuleError(f"'fix' must be {{action: {'|'.join(FIX_ACTIONS)}, with: text}}")
        return Fix(value["action"], str(value.get("with", "")))
    if expected in (Examples, ContextExamples):
        keys = ("flag", "ok") if expected is Examples else ("present", "missing")
        if not isinstance(value, dict) or set(value) != set(keys):
            raise RuleError(f"'examples' must have exactly: {', '.join(keys)}")
        lists = [_check(f"examples.{key}", value[key], _TEXTS) for key in keys]
        return expected(*lists)
    raise AssertionError(expected)


# ---------------------------------------------------------------- loading, with a cache of the parsed rules
def _cache_dir() -> Path | None:
    configured = os.environ.get("ASSISTANT_CACHE_DIR")
    if configured:
        return Path(configured) / "rules"
    try:
        from platformdirs import user_cache_path
    except ImportError:  # pragma: no cover - platformdirs is a dependency
        return None
    return user_cache_path("pm-feasibility-assistant", appauthor=False) / "rules"


def _load_raw(name: str) -> list[dict]:
    """The rule file's entries, from a cache keyed by the file's hash when possible (skips YAML parsing
    and the regex analysis of every pattern); the cache is rebuilt whenever the file changes."""
    path = RULES_DIR / name
    data = path.read_bytes()
    key = hashlib.sha256(data + _CACHE_FORMAT).hexdigest()[:20]
    cache_dir = _cache_dir()
    cache_stem = name.removesuffix(".yaml").replace("/", "-")
    cache_file = cache_dir / f"{cache_stem}-{key}.json" if cache_dir else None
    if cache_file is not None:
        try:
            cached = json.loads(cache_file.read_text(encoding="utf-8"))
            _LITERALS.update({p: tuple(v) if v is not None else None for p, v in cached["literals"].items()})
            return cached["rules"]
        except (OSError, ValueError, KeyError, TypeError):
            pass
    import yaml

    loaded = yaml.load(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(loaded, dict) or not isinstance(loaded.get("rules"), list):
        raise RuleError(f"{path}: expected a mapping with a 'rules' list")
    rules = loaded["rules"]
    if cache_file is not None:
        patterns = {
            p for rule in rules if isinstance(rule, dict) for key in ("patterns", "antipatterns")
            for p in rule.get(key) or [] if isinstance(p, str)
        }  # fmt: skip
        # keyed as _LazyPattern sees them: with each contraction's apostrophe made optional
        literals = {q: required_literals(q) for q in {tolerate_missing_apostrophes(p) for p in patterns}}
        try:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache_file.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"rules": rules, "literals": literals}), encoding="utf-8")
            tmp.replace(cache_file)
            for old in cache_file.parent.glob(f"{cache_stem}-*.json"):  # caches of earlier versions
                if old != cache_file:
                    old.unlink(missing_ok=True)
        except OSError:
            pass
    return rules


_CACHE_FORMAT = b"rules-cache-v3"


def _validated(name: str, kind: type) -> list:
    rules = []
    for index, raw in enumerate(_load_raw(name)):
        try:
            rules.append(parse_rule(kind, raw))
        except RuleError as exc:
            ident = (raw.get("id") or raw.get("category") or raw.get("element")) if isinstance(raw, dict) else None
            raise RuleError(f"{name}: rule {ident or f'#{index}'}: {exc}") from None
    return rules


TRUST_DIR = "trust"


@cache
def trust_rules() -> tuple[TrustRule, ...]:
    """Every trust rule, from one file per category under `rules/trust/` (file order, then rule order)."""
    names = sorted(f"{TRUST_DIR}/{path.name}" for path in (RULES_DIR / TRUST_DIR).glob("*.yaml"))
    rules: list[TrustRule] = []
    for name in names:
        found = _validated(name, TrustRule)
        stem = Path(name).stem
        for rule in found:
            if rule.category != stem:
                raise RuleError(f"{name}: rule {rule.id} has category {rule.category!r}; this file holds {stem!r}")
        rules.extend(found)
    return tuple(rules)


@cache
def ambiguity_rules() -> tuple[AmbiguityRule, ...]:
    return tuple(_validated("ambiguity.yaml", AmbiguityRule))


@cache
def complexity_rules() -> tuple[ComplexityRule, ...]:
    return tuple(_validated("complexity.yaml", ComplexityRule))


@cache
def context_rules() -> tuple[ContextRule, ...]:
    return tuple(_validated("context.yaml", ContextRule))


@dataclass(frozen=True)
class TrustCategory:
    """A trust category as declared in `rules/trust_categories.yaml`: what a semantic finding says."""

    id: str
    label: str
    message: str
    why: str
    replacements: tuple[str, ...]
    cues: re.Pattern[str]

    def cued(self, clause: str) -> bool:
        """Whether the clause holds one of the words this category's meaning rides on."""
        return self.cues.search(fold(clause)) is not None


@cache
def trust_categories() -> dict[str, TrustCategory]:
    """The declared trust categories by id; each must have its rule file under `rules/trust/` and back."""
    import yaml

    path = RULES_DIR / "trust_categories.yaml"
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: dict[str, TrustCategory] = {}
    for raw in loaded.get("categories") or []:
        try:
            entry = TrustCategory(
                id=str(raw["id"]), label=str(raw["label"]), message=str(raw["message"]), why=str(raw["why"]),
                replacements=tuple(str(r) for r in raw["replacements"]),
                cues=re.compile(rf"(?<![\w'])(?:{raw['cues']})(?![\w'])"),
            )  # fmt: skip
        except (KeyError, TypeError, re.error) as exc:
            raise RuleError(f"{path.name}: malformed category entry {raw!r}: {exc}") from None
        out[entry.id] = entry
    files = {p.stem for p in (RULES_DIR / TRUST_DIR).glob("*.yaml")}
    if set(out) != files:
        raise RuleError(f"{path.name}: declared {sorted(out)} but rules/trust/ has {sorted(files)}")
    return out


@dataclass(frozen=True)
class CosmeticRule:
    """Sentences that only change how something looks or reads (`rules/cosmetic.yaml`)."""

    patterns: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...]
    asks: tuple[re.Pattern[str], ...]
    cosmetic: tuple[str, ...]
    not_cosmetic: tuple[str, ...]

    def matches(self, sentence: str) -> bool:
        folded = fold(sentence)
        if not any(p.search(folded) for p in self.patterns):
            return False
        unquoted = _QUOTED.sub("''", folded)
        return not any(p.search(unquoted) for p in self.unless)

    def asks_for_nothing(self, sentence: str) -> bool:
        """Whether a sentence asks for no work at all (a reason or a remark beside a cosmetic request)."""
        unquoted = _QUOTED.sub("''", fold(sentence))
        return not any(p.search(unquoted) for p in (*self.asks, *self.unless))


_QUOTED = re.compile(r"(?<!\w)'(?:[^'\n]|(?<=\w)'(?=\w)){1,80}'(?!\w)|\"[^\"\n]{1,80}\"")


@cache
def cosmetic_rule() -> CosmeticRule:
    """The cosmetic-request rule, compiled once."""
    import yaml

    path = RULES_DIR / "cosmetic.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        compiled = [
            tuple(re.compile(rf"(?<![\w-])(?:{p})(?![\w-])") for p in raw[key])
            for key in ("patterns", "unless", "asks")
        ]
        examples = raw["examples"]
        return CosmeticRule(*compiled, tuple(examples["cosmetic"]), tuple(examples["not_cosmetic"]))
    except (KeyError, TypeError, re.error) as exc:
        raise RuleError(f"{path.name}: {exc}") from None
