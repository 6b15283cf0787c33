"""The sign-off at the end of a message ("Thanks,\\nTamsin"), so what the rewrite adds goes above it."""

from __future__ import annotations

import re

_CLOSING = (
    r"(?:thanks(?: (?:a lot|so much|all|everyone|team|again|in advance))?|thank you(?: (?:all|everyone|so much))?|"
    r"many thanks|thx|ty|cheers|best(?: wishes| regards)?|kind regards|warm regards|regards|br|all the best|"
    r"talk soon|speak soon|merci(?: beaucoup)?|danke|gracias|saludos|abraços|abrazos|obrigad[oa]|grazie|"
    r"pozdrawiam|mit freundlichen grüßen|viele grüße|lg|sincerely|yours|ta)"
)
_CLOSING_LINE = re.compile(rf"[ \t]*{_CLOSING}[ \t]*(?P<punct>[,.!]+|[-–—])?[ \t]*(?P<name>[^\n]*)", re.IGNORECASE)
_CLOSING_WORD = re.compile(rf"\s*{_CLOSING}[.!]?\s*", re.IGNORECASE)
_GREETING = re.compile(r"\s*(?:hi|hello|hey|dear|hiya|morning|good (?:morning|afternoon))\b", re.IGNORECASE)
_NOT_A_NAME = frozenset(
    "Done Ok Okay Yes No Agreed Noted Sure Fixed Shipped Merged Approved Later Soon Tomorrow Today Please".split()
)
_BARE_NAME = re.compile(r"[ \t]*[-–—]?[ \t]*[A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+)?[ \t]*")
_NAME = re.compile(r"[-–—]?[ \t]*[A-Z][\w.'’-]*(?:[ \t]+[\w.'’&()-]+){0,3}[ \t]*")


def split_sign_off(text: str) -> tuple[str, str]:
    """(message, sign-off): the closing line at the very end ("Thanks,", "Kind regards,", "Cheers, Bob") and
    up to two lines under it (a name, then a role or company), if any; under a greeting ("Hi Luis,"), a name
    alone on the last line after a blank one. A closing that is a sentence of the message ("Thanks for the
    quick fix.") is not a sign-off, and a text that is only a sign-off has no message to split from."""
    body = text.rstrip()
    lines = body.split("\n")
    for size in (3, 2, 1):  # the closing, then a name line and a role or company line under it
        if len(lines) <= size:
            continue
        tail = lines[-size:]
        closing = _CLOSING_LINE.fullmatch(tail[0])
        if not closing:
            continue
        name = closing.group("name").strip()
        if name and (not closing.group("punct") or not _NAME.fullmatch(name)):
            continue
        if size > 1 and (name or not all(_NAME.fullmatch(line.strip()) for line in tail[1:])):
            continue
        message = "\n".join(lines[:-size]).rstrip()
        if message.strip():
            return message, "\n".join(line.strip() for line in tail)
    greeted = any(_GREETING.match(line) for line in lines[:4])
    if len(lines) >= 3 and not lines[-2].strip() and greeted and _BARE_NAME.fullmatch(lines[-1]) and (
        lines[-1].strip().strip("-–— ") not in _NOT_A_NAME
    ):
        return "\n".join(lines[:-1]).rstrip(), lines[-1].strip()  # "Hi Luis, … \n\nAnna": the name alone signs it
    return text, ""


def is_closing(sentence: str) -> bool:
    """Whether the sentence is only a closing ("Thanks!", "Cheers.", "Kind regards")."""
    return bool(_CLOSING_WORD.fullmatch(sentence))
