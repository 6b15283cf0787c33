"""Text helpers for the deterministic passes: normalisation, positions, sentences, skipped regions."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property

# Same-length normalisation: ASCII lower-case and typographic quotes/dashes folded, so that every
# offset in the normalised text is the offset in the original (patterns are written in lower case).
_FOLD = {ord(c): ord(c.lower()) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_FOLD.update({ord("’"): ord("'"), ord("‘"): ord("'"), ord("“"): ord('"'), ord("”"): ord('"')})
_FOLD.update({ord("\u00a0"): ord(" "), ord("–"): ord("-"), ord("—"): ord("-")})

# a full stop, a blank line, a line before a list item, or the end of a markdown heading line ("### Support widget")
_SENTENCE_END = re.compile(
    r"^#{1,6}[ \t][^\n]*(?=\n)|[.!?…]+[\"')\]]*(?=\s|$)|-->|\n\s*\n|\n(?=\s*(?:[-*•]|\d+[.)])\s)",
    re.M,
)
# A full stop that ends an abbreviation, not a sentence: a title before a name ("Dr. Alvarez", "Ms. Okafor")
# or a Latin short form ("e.g. Okta", "vs. last year"). Titles are matched with their capital ("200 ms. Next"
# is a sentence end); "etc." and "Inc." often end a sentence, so they still do.
TITLES = "Dr|Mr|Mrs|Ms|Mx|Prof|St"  # titles before a name, also read by the facts check ("Dr. Alvarez's")
_ABBREVIATION = re.compile(rf"(?:^|(?<=[\s(\[\"'“‘]))(?:(?:{TITLES})|(?i:e\.g|i\.e|vs|approx|cf))$")
_AFTER_ABBREVIATION = re.compile(r"[ \t]+[\w\"'“‘(]")
# Double, typographic and code quotes; and single quotes that open after a non-letter and close before one
# ('quick win', 'can't you just'), so that an apostrophe (don't, users') never opens or closes a quote.
_QUOTED = re.compile(
    r"\"[^\"\n]{1,400}\"|“[^”\n]{1,400}”|`[^`\n]+`|‘[^’\n]{1,200}’"
    r"|(?<![\w'])'(?=[^\s'])[^\n]{1,200}?(?<=[^\s])'(?![\w'])"
)
# A quote right after a speaker's label in notes ("- Alex: 'I don't want to hear about dependencies again.'") is
# what was said in the meeting, reported: it is read like the rest of the notes, not skipped as a quotation.
_SPEAKER_LABEL = (
    r"[ \t]*(?:[-*•][ \t]*)?(?:(?!(?:PSA|Retro|Notes?|FAQ|Re|Question|Q|A|Quote|Examples?|Bad"
    r"|Good|Avoid|Instead|Before|After|Old|New|Wording|Phrases?|Rules?|Tips?|Reminder|Lessons?|Learnings?|Don'?t|Do"
    r"|Never|Stop|Agreed|Decisions?|Actions?|Update|Context|Feedback|Comments?|Problem|Background|Summary|Subject"
    r"|Title|Why|What|Status|Today|Yesterday|Blockers?|Goal|Scope|Risks?|Ask|Request)\b)"
    r"[A-Z][\w.'&-]*(?:[ \t][A-Z][\w.'&-]*){0,3}(?:[ \t]\([^)\n]{1,20}\))?"
    r"|PM|CEO|CTO|CFO|COO|VP|(?:the )?PM|Head of [A-Z]?\w+(?: \w+)?|Manager)[ \t]*:[ \t]*$"
)
_SPEAKER_AT_LINE_START = re.compile(rf"(?:^|[.!?][ \t]+){_SPEAKER_LABEL}")
_SPEAKER_MID_LINE = re.compile(rf"[.!?][ \t]+{_SPEAKER_LABEL}")
_SPEAKER_WINDOW = 200  # characters before a quote searched for its speaker's label


def _after_speaker_label(text: str, quote_start: int) -> bool:
    """Whether the quote at `quote_start` follows a speaker's label on its line (a bounded look back)."""
    line_start = text.rfind("\n", 0, quote_start) + 1
    window_start = max(line_start, quote_start - _SPEAKER_WINDOW)
    pattern = _SPEAKER_AT_LINE_START if window_start == line_start else _SPEAKER_MID_LINE
    return pattern.search(text[window_start:quote_start]) is not None  # a slice: "^" is its line's start
_FENCE = re.compile(r"^(```|~~~).*?(?:^\1[^\n]*$|\Z)", re.M | re.S)
_BLOCKQUOTE = re.compile(r"^[ \t]*>.*$", re.M)
_IGNORE = re.compile(r"<!--\s*assistant-ignore\b([^>]*?)-->", re.I)
_MAX_WINDOWS = 24


def fold(text: str) -> str:
    """Lower-case ASCII letters and fold typographic quotes, keeping every offset unchanged."""
    return text.translate(_FOLD)


def is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


@dataclass(frozen=True)
class Directive:
    """An inline `<!-- assistant-ignore [ids] -->`: silences the rules named (or all) on its line and the next."""

    first_line: int
    last_line: int
    names: frozenset[str]

    def silences(self, line: int, rule_id: str, category: str) -> bool:
        if not self.first_line <= line <= self.last_line:
            return False
        return not self.names or rule_id in self.names or category in self.names


@dataclass
class Document:
    """A text prepared once for every pass: folded copy, line index, sentences and skipped regions."""

    text: str
    folded: str = field(init=False)

    def __post_init__(self) -> None:
        self.folded = fold(self.text)

    @cached_property
    def _line_starts(self) -> list[int]:
        return [0] + [m.end() for m in re.finditer("\n", self.text)]

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a 0-based code-point offset."""
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return index + 1, offset - self._line_starts[index] + 1

    @cached_property
    def skipped(self) -> list[tuple[int, int]]:
        """Regions never flagged: quoted text, code spans and fences, > block quotes, ignore comments."""
        regions: list[tuple[int, int]] = []
        for pattern in (_FENCE, _BLOCKQUOTE, _QUOTED, _IGNORE):
            regions.extend(
                m.span()
                for m in pattern.finditer(self.text)
                if pattern is not _QUOTED or not _after_speaker_label(self.text, m.start())
            )
        return _merge(regions)

    def is_skipped(self, start: int, end: int) -> bool:
        regions = self.skipped
        index = bisect.bisect_right(regions, (start, float("inf"))) - 1
        for region_start, region_end in regions[max(index, 0) : index + 2]:
            if region_start < end and start < region_end:
                return True
        return False

    @cached_property
    def directives(self) -> list[Directive]:
        found = []
        for match in _IGNORE.finditer(self.text):
            line, _ = self.line_col(match.start())
            names = frozenset(n for n in re.split(r"[\s,]+", match.group(1).strip()) if n)
            found.append(Directive(line, line + 1, names))
        return found

    def is_silenced(self, line: int, rule_id: str, category: str) -> bool:
        return any(d.silences(line, rule_id, category) for d in self.directives)

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """Sentence spans (start, end) covering the text, trimmed of surrounding white space."""
        spans = []
        start = 0
        for match in _SENTENCE_END.finditer(self.text):
            if match.group() == "." and self._ends_abbreviation(match.start()):
                continue
            spans.append((start, match.end()))
            start = match.end()
        spans.append((start, len(self.text)))
        trimmed = []
        for s, e in spans:
            while s < e and self.text[s].isspace():
                s += 1
            while e > s and self.text[e - 1].isspace():
                e -= 1
            if s < e:
                trimmed.append((s, e))
        return trimmed

    def _ends_abbreviation(self, dot: int) -> bool:
        """Whether the full stop at `dot` closes an abbreviation that the sentence goes on after."""
        return (
            _ABBREVIATION.search(self.text, max(0, dot - 6), dot) is not None
            and _AFTER_ABBREVIATION.match(self.text, dot + 1) is not None
        )

    @cached_property
    def _trigrams(self) -> frozenset[str]:
        folded = self.folded
        return frozenset(folded[i : i + 3] for i in range(len(folded) - 2))

    def count_of(self, literal: str) -> int:
        """Occurrences of a literal in the folded text (cached); absent trigrams answer 0 without a scan."""
        counts = self.__dict__.setdefault("_counts", {})
        count = counts.get(literal)
        if count is None and len(self.folded) <= _SHORT_TEXT:  # a scan of a short text beats the trigram test
            count = counts[literal] = self.folded.count(literal)
        if count is None:
            trigrams = self._trigrams
            possible = all(t in trigrams for t in _trigrams_of(literal))
            count = counts[literal] = self.folded.count(literal) if possible else 0
        return count

    def positions_of(self, literal: str) -> list[int]:
        """Every offset of a literal in the folded text (cached: many patterns share literals)."""
        cache = self.__dict__.setdefault("_positions", {})
        found = cache.get(literal)
        if found is None:
            found = []
            index = self.folded.find(literal)
            while index != -1:
                found.append(index)
                index = self.folded.find(literal, index + 1)
            cache[literal] = found
        return found

    def windows_around(self, literals: tuple[str, ...]) -> list[tuple[int, int]]:
        """Merged spans covering, for each occurrence of a literal, its sentence and the ones either side.
        With many occurrences the whole text is one window (one scan beats many small ones)."""
        cache = self.__dict__.setdefault("_windows", {})
        windows = cache.get(literals)
        if windows is not None:
            return windows
        total = sum(self.count_of(literal) for literal in literals)
        if total == 0:
            windows = []
        elif total > _MAX_WINDOWS:
            windows = [(0, len(self.folded))]
        else:
            windows = self._merge_windows(sorted(p for literal in literals for p in self.positions_of(literal)))
        cache[literals] = windows
        return windows

    def _merge_windows(self, positions: list[int]) -> list[tuple[int, int]]:
        sentences = self.sentences or [(0, len(self.folded))]
        last = len(sentences) - 1
        windows: list[tuple[int, int]] = []
        for position in positions:
            index = max(bisect.bisect_right(self._sentence_starts, position) - 1, 0)
            start = 0 if index <= 1 else sentences[index - 1][0]
            end = len(self.folded) if index + 1 >= last else sentences[index + 1][1]
            if windows and start <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
            else:
                windows.append((start, end))
        return windows

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [s for s, _ in self.sentences]

    def sentence_at(self, offset: int) -> tuple[int, int]:
        """The sentence span containing an offset (or the nearest one before it)."""
        if not self.sentences:
            return (0, len(self.text))
        index = max(bisect.bisect_right(self._sentence_starts, offset) - 1, 0)
        return self.sentences[index]

    def sentence_window(self, offset: int, around: int = 1) -> tuple[int, int]:
        """The span from `around` sentences before the one containing `offset` to `around` sentences after."""
        if not self.sentences:
            return (0, len(self.text))
        index = max(bisect.bisect_right(self._sentence_starts, offset) - 1, 0)
        first = self.sentences[max(index - around, 0)]
        last = self.sentences[min(index + around, len(self.sentences) - 1)]
        return (first[0], last[1])


_SHORT_TEXT = 400  # characters: below this, count_of scans instead of building the text's trigram set


@cache
def _trigrams_of(literal: str) -> tuple[str, ...]:
    return tuple(literal[i : i + 3] for i in range(len(literal) - 2))


def _merge(regions: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(regions):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
