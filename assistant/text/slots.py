"""The slot grammar: the `[needs: …]`, `[impact: …]` and `[trade-off: …]` gaps the PM fills before sending,
and the redaction placeholders (`[CUSTOMER_1]`) that stand for a value kept on this machine."""

from __future__ import annotations

import re

# Any gap the PM fills before sending.
SLOT = re.compile(r"\[(?:needs|impact|trade-off):[^\]]*\]")
# The rewrite's own slots: the facts it asks the PM for.
NEEDS_SLOT = re.compile(r"\[needs: [^\]]+\]")
# A slot or a redaction placeholder: text that is no fact of the PM's.
SLOT_OR_PLACEHOLDER = re.compile(r"\[(?:needs|impact|trade-off|[A-Z_]+\d*)[^\]]*\]")


def blank_slots(text: str, pattern: re.Pattern[str] = SLOT) -> str:
    """The text with each slot replaced by as many spaces (offsets stay valid)."""
    return pattern.sub(lambda m: " " * len(m.group(0)), text)
