"""Rules as data: load the YAML files under `assistant/rules/`, validate them and compile their patterns once.

Patterns are regular expressions written in lower case and matched against the folded text (see
`textutil.fold`), so they stay case-insensitive while keeping Python's fast literal-prefix search.
Word boundaries are enforced by the matcher, not written into the patterns: a match that starts or ends
inside a word is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from re import _parser as _sre_parse  # type: ignore[attr-defined]
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .schemas import Severity
from .textutil import Document, is_word_char

RULES_DIR = Path(__file__).parent / "rules"


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
    ) -> None:
        self.patterns = [_LazyPattern(p) for p in patterns]
        self.antipatterns = [_LazyPattern(p) for p in antipatterns or []]
        self.sentence_exceptions = [_LazyPattern(p, wrap=False) for p in sentence_exceptions or []]
        self.skip_quoted = skip_quoted

    def compile_all(self) -> None:
        """Compile every pattern now (tests use this to check that every rule compiles)."""
        for lazy in (*self.patterns, *self.antipatterns, *self.sentence_exceptions):
            _ = lazy.regex

    def finditer(self, doc: Document) -> Iterator[tuple[int, int]]:
        """Yield (start, end) of each accepted match, in text order, without duplicates."""
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
        if not self.antipatterns and not self.sentence_exceptions:
            return False
        s_start, s_end = doc.sentence_at(start)
        s_end = max(s_end, end)
        folded = doc.folded
        for anti in self.antipatterns:
            for m in anti.regex.finditer(folded, s_start, s_end):
                if m.start() < end and start < m.end():
                    return True
        return any(exc.regex.search(folded, s_start, s_end) for exc in self.sentence_exceptions)


class _LazyPattern:
    """One pattern: its source, the literals every match contains, and the regex compiled on first use."""

    __slots__ = ("_regex", "literals", "source", "wrap")

    def __init__(self, source: str, wrap: bool = True) -> None:
        self.source = source
        self.wrap = wrap
        self._regex: re.Pattern[str] | None = None
        self.literals = required_literals(source)

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


def required_literals(pattern: str) -> tuple[str, ...] | None:
    """Strings of which every match of `pattern` contains at least one, or None when none can be derived.

    Walks the parsed regex: a sequence contributes its longest literal run or the literals of a mandatory
    group or alternation; the candidate whose shortest string is longest wins.
    """
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


class Examples(BaseModel):
    model_config = ConfigDict(extra="forbid")
    flag: list[str] = Field(min_length=1)
    ok: list[str] = Field(min_length=1)


class Fix(BaseModel):
    """How the offline rewrite repairs a finding."""

    model_config = ConfigDict(extra="forbid")
    action: Literal["replace-phrase", "replace-sentence", "drop-sentence"]
    with_: str = Field(default="", alias="with")


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)
    patterns: list[str] = Field(min_length=1)
    antipatterns: list[str] = Field(default_factory=list)
    sentence_exceptions: list[str] = Field(default_factory=list)
    examples: Examples

    @field_validator("patterns", "antipatterns", "sentence_exceptions")
    @classmethod
    def _lower_case(cls, value: list[str]) -> list[str]:
        for pattern in value:
            letters = re.sub(r"\\[A-Za-z]", "", pattern)
            if any(c.isupper() for c in letters):
                raise ValueError(f"pattern {pattern!r} must be lower case (text is folded before matching)")
        return value

    @property
    def matcher(self) -> PatternSet:
        cached = self.__dict__.get("_matcher")
        if cached is None:
            cached = PatternSet(self.patterns, self.antipatterns, self.sentence_exceptions)
            self.__dict__["_matcher"] = cached
        return cached


class TrustRule(_Rule):
    id: str
    category: str
    severity: Severity
    message: str
    why: str
    replacements: list[str] = Field(min_length=1)
    fix: Fix


class AmbiguityRule(_Rule):
    id: str
    category: Literal["vague-quality", "vague-quantity", "open-ended", "optionality"]
    message: str
    question: str


class ComplexityRule(_Rule):
    category: str
    title: str
    why: str
    question: str
    smaller_version: str


class ContextExamples(BaseModel):
    model_config = ConfigDict(extra="forbid")
    present: list[str] = Field(min_length=1)
    missing: list[str] = Field(min_length=1)


class ContextRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    element: Literal["who", "problem", "why-now", "evidence", "success", "deadline", "invitation"]
    label: str
    patterns: list[str] = Field(min_length=1)
    antipatterns: list[str] = Field(default_factory=list)
    question: str
    examples: ContextExamples

    @property
    def matcher(self) -> PatternSet:
        cached = self.__dict__.get("_matcher")
        if cached is None:
            cached = PatternSet(self.patterns, self.antipatterns, skip_quoted=False)
            self.__dict__["_matcher"] = cached
        return cached


def _load_yaml(name: str) -> list[dict]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    path = RULES_DIR / name
    with path.open(encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=loader)
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleError(f"{path}: expected a mapping with a 'rules' list")
    return data["rules"]


def _validated(name: str, model: type[BaseModel]) -> list:
    rules = []
    for index, raw in enumerate(_load_yaml(name)):
        try:
            rules.append(model.model_validate(raw))
        except ValueError as exc:
            ident = raw.get("id") or raw.get("category") or raw.get("element") or f"#{index}"
            raise RuleError(f"{name}: rule {ident}: {exc}") from exc
    return rules


@cache
def trust_rules() -> tuple[TrustRule, ...]:
    return tuple(_validated("trust_phrases.yaml", TrustRule))


@cache
def ambiguity_rules() -> tuple[AmbiguityRule, ...]:
    return tuple(_validated("ambiguity.yaml", AmbiguityRule))


@cache
def complexity_rules() -> tuple[ComplexityRule, ...]:
    return tuple(_validated("complexity.yaml", ComplexityRule))


@cache
def context_rules() -> tuple[ContextRule, ...]:
    return tuple(_validated("context.yaml", ContextRule))
