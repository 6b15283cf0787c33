"""The text-quality check run on every rewrite (offline and from a model) and scored in the eval suite.

It finds what a careless edit leaves behind: doubled or dangling punctuation, unbalanced brackets, a sentence
that starts in lower case after a full stop, a fragment left by a deletion (a sentence of one or two words,
or one ending on a connector), and, given the draft, any fact of the draft the text no longer carries.
`[needs: …]` slots (the assistant's own markup), quotations and URLs are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.checks.facts import find_dropped_facts
from assistant.text.document import TITLES
from assistant.text.sign_off import is_closing
from assistant.text.slots import SLOT

_URL = re.compile(r"\b(?:https?://|www\.)\S+")
_QUOTE = re.compile(r"\"[^\"\n]{1,400}\"|“[^”\n]{1,400}”|`[^`\n]+`")
_DOUBLED = re.compile(r"(?<![.?!])([,;:])\s*[,;:.]|[.?!]\s*[,;:]|(?<!\.)\.\.(?!\.)|\?\s*\.|!\s*\.(?!\.)")
_DANGLING = re.compile(r"(?:^|\n)[ \t]*[,;:.?!]|[;(—–]\s*$|\(\s*\)|\s[,;:.](?=\s)|[—–-][ \t]*[.?!]")
_LOWER_START = re.compile(r"(?<![.?!][.?!])(?<!\.\.)[.?!][\"')\]]*[ \t]+([a-z])")
_CONNECTOR_END = re.compile(r"\b(?:and|but|so|or|the|a|an|just|because|than|if)\s*[.?!]$", re.I)
# Words an edit left without what they belonged to: an article before a preposition or a mark ("It's a of
# events"), or a request with its verb cut out ("can you rn?").
_ORPHAN = re.compile(
    r"\b(?:a|an|the)\s+(?:of|to|for|with|from|in|on|at|by|and|or|but|right|lol|is|are|was|were)\b"
    r"|\b(?:a|an|the)\s*[,;:.?!]"
    r"|\b(?:can|could|would|will)\s+(?:you|we|u|they|someone)\s+(?:rn|now|asap|today|tonight|pls|please|quickly)?\s*[?.!]",
    re.I,
)
_PAIRS = {"(": ")", "[": "]", "{": "}"}
_EXCEPT_LOWER = frozenset({"e.g", "i.e", "etc", "vs", "approx", "cf"})


@dataclass(frozen=True)
class QualityFinding:
    kind: str  # doubled-/dangling-punctuation, unbalanced-brackets, lowercase-start, fragment, dropped-fact
    text: str
    detail: str
    at: int = -1  # offset in the checked text (-1: the whole text)


def _scrub(text: str) -> str:
    """Slots and URLs replaced by a neutral word of the same length (keeps offsets, hides their punctuation)."""

    def blank(m: re.Match[str]) -> str:
        return "X" * len(m.group(0))

    return _QUOTE.sub(blank, _URL.sub(blank, SLOT.sub(blank, text)))


def sentence_problems(text: str) -> list[QualityFinding]:
    """Punctuation, bracket, capital and fragment problems of a text (no draft needed)."""
    scrubbed = _scrub(text)
    found: list[QualityFinding] = []
    for m in _DOUBLED.finditer(scrubbed):
        found.append(
            QualityFinding("doubled-punctuation", _around(text, m.start()), "two punctuation marks in a row", m.start())
        )
    for m in _DANGLING.finditer(scrubbed):
        found.append(
            QualityFinding(
                "dangling-punctuation", _around(text, m.start()), "a mark with nothing to attach to", m.start()
            )
        )
    if not _balanced(scrubbed):
        found.append(
            QualityFinding("unbalanced-brackets", text[:60], "a bracket opened and not closed, or the reverse")
        )
    for m in _LOWER_START.finditer(scrubbed):
        before = scrubbed[: m.start()].rsplit(None, 1)[-1].lower().rstrip(".") if scrubbed[: m.start()].strip() else ""
        if before in _EXCEPT_LOWER:
            continue
        found.append(
            QualityFinding("lowercase-start", _around(text, m.start(1)), "a sentence starts in lower case", m.start(1))
        )
    for m in _ORPHAN.finditer(scrubbed):
        found.append(
            QualityFinding("fragment", _around(text, m.start()), "a word left without what it belonged to", m.start())
        )
    for sentence in _sentences(scrubbed):
        words = re.findall(r"[\w'’-]+", sentence)
        if sentence.rstrip().endswith((".", "?", "!")) and _CONNECTOR_END.search(sentence.strip()):
            found.append(QualityFinding("fragment", sentence.strip(), "a sentence ends on a connector word"))
        elif 0 < len(words) <= 1 and sentence.strip()[-1:] in ".!" and not _is_sign_off(sentence):
            found.append(QualityFinding("fragment", sentence.strip(), "a one-word sentence left by an edit"))
    return found


def check_quality(text: str, draft: str | None = None) -> list[QualityFinding]:
    """Every text-quality finding of a rewrite; with the draft, also each of its facts the text dropped.
    Given the draft, what the rewrite keeps of the PM's own writing ("Great.", "any eta??") is not its finding:
    only what an edit produced counts."""
    found = sentence_problems(text)
    if draft is not None:
        squashed = " ".join(draft.split()).lower()
        found = [f for f in found if not _inherited(f, text, draft, squashed)]
        found += [
            QualityFinding("dropped-fact", fact, "a fact of the draft is missing from the rewrite")
            for fact in find_dropped_facts(text, draft)
        ]
    return found


def _inherited(finding: QualityFinding, text: str, draft: str, squashed: str) -> bool:
    """Whether the text around a finding is the PM's own, unchanged (it is in the draft as written)."""
    if finding.kind == "fragment":
        return finding.text.lower() in squashed
    if finding.kind == "unbalanced-brackets":
        return not _balanced(_scrub(draft))
    if finding.at < 0:
        return False
    around = " ".join(text[max(0, finding.at - 10) : finding.at + 10].split())
    return around.lower() in squashed


def _balanced(text: str) -> bool:
    if not any(ch in text for ch in "()[]{}"):
        return True
    stack: list[str] = []
    for ch in text:
        if ch in _PAIRS:
            stack.append(_PAIRS[ch])
        elif ch in _PAIRS.values() and (not stack or stack.pop() != ch):
            return False
    return not stack


def _sentences(text: str) -> list[str]:
    """Sentences split at end punctuation and line breaks, never after a title ("Dr. Okafor asked…")."""
    sentences: list[str] = []
    for line in re.split(r"\n+", text):
        merged: list[str] = []
        for piece in re.split(r"(?<=[.?!])\s+", line):
            if merged and _ENDS_IN_TITLE.search(merged[-1]):
                merged[-1] += " " + piece
            else:
                merged.append(piece)
        sentences += [s for s in merged if s.strip()]
    return sentences


_ENDS_IN_TITLE = re.compile(rf"(?:^|\s)(?:{TITLES})\.$")


_SHORT_REPLY = re.compile(r"\s*(?:yes|no|ok|okay|agreed|done|hi|hey|hello|morning)[.!]?\s*", re.I)


def _is_sign_off(sentence: str) -> bool:
    """A one-word closing, greeting or reply ("Thanks.", "Hi!", "Agreed."): the PM's words, not a fragment."""
    return is_closing(sentence) or bool(_SHORT_REPLY.fullmatch(sentence))


def _around(text: str, index: int, width: int = 24) -> str:
    return text[max(0, index - width) : index + width].replace("\n", " ").strip()
