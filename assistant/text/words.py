"""Content words: the longer words of a text without the common ones, to compare what two texts talk about
(how much of the draft a model's rewrite kept; which words of the change the PM's lines repeat)."""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z][a-z'-]{3,}")
STOP_WORDS = frozenset(
    "about after also been before being could does doing each every from have into just like make more most need "
    "needs only other over same should some such than that their them then there these they this very want wants "
    "what when which while will with would your".split()
)


def content_words(text: str, extra_stop: frozenset[str] = frozenset()) -> set[str]:
    """The words of four letters or more, lowercased, that are not stop words (nor in `extra_stop`)."""
    return {w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS and w not in extra_stop}
