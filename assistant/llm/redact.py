"""Redaction applied to a draft before any of it is sent to a cloud model.

`redact()` swaps secrets and personal data for readable placeholders (`[EMAIL_1]`, `[API_KEY_1]`, …)
and returns a `Redaction` that can put the originals back into the model's answer. The originals are
kept in memory only: they are excluded from `repr()`, `model_dump()` and `model_dump_json()`.

`scrub_secrets()` is the one-way variant for logs and recordings: key-like values become `[REDACTED]`.
`SecretsFilter` applies it to log records.

Only stdlib `re`; every pattern is compiled once, at import. Every quantifier that can scan is bounded
or runs over a character class that cannot overlap its neighbours, so run time stays linear.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import math
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from enum import Enum
from functools import lru_cache
from typing import Any, Literal, NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict, Field, computed_field

__all__ = [
    "KINDS",
    "REDACTED",
    "Kind",
    "RedactedItem",
    "Redaction",
    "SecretsFilter",
    "redact",
    "scrub_secrets",
]

Kind = Literal["private_key", "url_credentials", "api_key", "email", "phone", "confidential"]
# Also the priority order: when detections overlap, the merged span takes the first kind listed here.
KINDS: tuple[Kind, ...] = ("private_key", "url_credentials", "api_key", "email", "phone", "confidential")
_PRIORITY: dict[str, int] = {kind: rank for rank, kind in enumerate(KINDS)}
_LABELS: dict[str, tuple[str, str]] = {
    "private_key": ("private key", "private keys"),
    "url_credentials": ("URL with credentials", "URLs with credentials"),
    "api_key": ("API key", "API keys"),
    "email": ("email", "emails"),
    "phone": ("phone number", "phone numbers"),
    "confidential": ("confidential term", "confidential terms"),
}

REDACTED = "[REDACTED]"

T = TypeVar("T")


class _Span(NamedTuple):
    start: int
    end: int
    kind: Kind


# --------------------------------------------------------------------------------------------------
# Patterns
# --------------------------------------------------------------------------------------------------

_PEM_LABEL = r"-----(?:BEGIN|END)[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----"
_PRIVATE_KEY_RE = re.compile(
    _PEM_LABEL.replace("(?:BEGIN|END)", "BEGIN")
    # Either the whole block up to its END line (also across literal "\n" as pasted from JSON) …
    + r"(?:(?:(?!-----BEGIN)[\s\S]){0,50000}?"
    + _PEM_LABEL.replace("(?:BEGIN|END)", "END")
    # … or, when the END line is missing, every following line that looks like key material.
    + r"|(?:(?:[ \t]*(?:\r?\n|\\n)[ \t]*)(?:[A-Za-z0-9+/=]{4,}|Proc-Type:[^\r\n\\]*|DEK-Info:[^\r\n\\]*)"
    r"(?=[ \t]*(?:\r?\n|\\n|$)))*)"
)

# scheme://user:password@rest — user and password may contain "@" (greedy up to the authority's last "@").
_URL_CREDENTIALS_RE = re.compile(
    r"[A-Za-z][A-Za-z0-9+.\-]{0,30}://"
    r"(?P<cred>[^\s/?#:\"'<>\[\]`]{0,256}:[^\s/?#\"'<>\[\]`]{1,256})@"
)
# The rest of the URL after the "@", matched separately so that a URL glued to the next one is not skipped.
_URL_REST_RE = re.compile(r"[^\s\"'<>`]*")

# Distinctive prefixes: matched even when glued to the preceding word ("mykeysk-ant-…").
_KEY_PATTERNS = (
    # Anthropic, OpenAI project/service keys: long, with a digit ("task-admin-dashboard" is not a key).
    r"sk-(?:ant|proj|svcacct|admin)-(?=[A-Za-z0-9_\-]{0,300}[0-9])[A-Za-z0-9_\-]{32,}",
    r"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}",  # Stripe
    r"gh[pousr]_[A-Za-z0-9]{30,}",  # GitHub classic tokens
    r"github_pat_[A-Za-z0-9_]{30,}",  # GitHub fine-grained tokens
    r"glpat-[A-Za-z0-9_\-]{20,}",  # GitLab
    r"xox[abprs]-[A-Za-z0-9\-]{10,}",  # Slack
    r"xapp-[0-9]-[A-Za-z0-9\-]{10,}",  # Slack app-level tokens
    r"AIza[A-Za-z0-9_\-]{30,}",  # Google API keys
    r"eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*",  # JWT (header.payload.signature)
)
# Short or common-looking prefixes: only at the start of a word.
_WORD_KEY_PATTERNS = (
    # Other OpenAI keys; a digit rules out hyphenated prose ("sk-this-is-a-long-phrase").
    r"sk-(?=[A-Za-z0-9_\-]{0,300}[0-9])[A-Za-z0-9_\-]{20,}",
    r"(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])",  # AWS access key ids
    r"hf_[A-Za-z0-9]{30,}",  # Hugging Face
    r"npm_[A-Za-z0-9]{36,}",  # npm
)
_KEY_RE = re.compile("|".join(_KEY_PATTERNS) + r"|(?<![A-Za-z0-9])(?:" + "|".join(_WORD_KEY_PATTERNS) + ")")

_BEARER_RE = re.compile(r"(?<![A-Za-z0-9])(?i:bearer)\s{1,5}(?P<val>[A-Za-z0-9\-._~+/]{1,4096}=*)")

_HEADER_RE = re.compile(
    r"(?i)(?<![A-Za-z0-9_\-])(?:proxy-)?(?:authorization|x-api-key|api-key|x-auth-token|x-goog-api-key)"
    r"[\"']?[ \t]{0,3}[:=][ \t]{0,3}[\"']?"
    r"(?:(?P<scheme>bearer|basic|token|digest|apikey)[ \t]{1,3})?"
    r"(?!(?:bearer|basic|token|digest|apikey)\b)(?P<val>[A-Za-z0-9\-._~+/]{1,4096}=*)"
)

# name = value, name: value, "name": "value", name => value, where the name mentions a secret.
_ASSIGN_RE = re.compile(
    r"(?i)(?<![A-Za-z0-9])(?P<name>[A-Za-z0-9_.\-]{0,40}?"
    r"(?:key|token|secret|passw(?:or)?d|passphrase|pwd|credentials?|auth)[A-Za-z0-9_\-]{0,40})"
    r"[\"']?[ \t]{0,3}(?:=>|:=|=|:)[ \t]{0,3}[\"'`]?"
    r"(?P<val>[^\s\"'`,;()<>\[\]{}]{6,1024})"
)
_PASSWORD_NAME_RE = re.compile(r"(?i)pass|pwd")

_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+\-])(?!git@)"  # not "git@github.com:org/repo"
    r"[A-Za-z0-9._%+\-]{1,64}(?:'[A-Za-z0-9._%+\-]{1,64})?@(?![0-9]{1,2}x\.)"  # not "icon@2x.png"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}"
)

# Phone numbers. Left edge: not glued to a word, a sign, a decimal, a currency or a ticket id.
# Right edge: not followed by more digits (a word may follow: "…0123ext", "…0123 (mobile)").
_NUM_LEFT = r"(?<![\w+\-.,/$€£¥#])"
_NUM_RIGHT = r"(?![0-9_])(?![.,\-/][0-9])"
_PHONE_INTL_RE = re.compile(r"(?<![\w+])(?:\+(?=[0-9(])|00(?=[1-9]))[0-9 \-.()/]{6,24}")
_PHONE_US_RE = re.compile(
    _NUM_LEFT + r"(?:\+?1[ .\-]?)?(?:\((?P<a1>[0-9]{3})\)[ .\-]?|(?P<a2>[0-9]{3})[ .\-])"
    r"(?P<ex>[0-9]{3})[ .\-][0-9]{4}" + _NUM_RIGHT
)
_PHONE_EU_RE = re.compile(
    _NUM_LEFT
    + r"(?:(?:\(0[0-9]{1,4}\)|0[1-9][0-9]{0,4})(?:[ \-/.][0-9]{2,8}){1,5}"
    + _NUM_RIGHT
    + r"|0[1-9][0-9]{8,10}(?!\w))"
)
_PHONE_CONTEXT_RE = re.compile(
    r"(?i)\b(?:phone|telephone|tel|mobile|cell(?:phone)?|fax|whatsapp|sms"
    r"|call(?:\s{1,3}(?:me|us|him|her|them))?(?:\s{1,3}(?:at|on))?"
    r"|text(?:\s{1,3}(?:me|us|him|her|them))?\s{1,3}(?:at|on)|reach\s{1,3}(?:me|us|him|her|them)\s{1,3}(?:at|on))\b"
    r"(?:\s{0,3}(?:no\.?|number|#))?\s{0,3}[:.\-]{0,2}\s{0,3}"
    r"(?P<val>\+?\(?[0-9][0-9 \-.()/]{5,22})"
)
_DAY = r"(?:0?[1-9]|[12][0-9]|3[01])"
_MONTH = r"(?:0?[1-9]|1[0-2])"
_DATE_RE = re.compile(
    rf"\(?(?:[0-9]{{4}}[./\-]{_MONTH}[./\-]{_DAY}|{_DAY}[./\-]{_MONTH}[./\-](?:[0-9]{{4}}|[0-9]{{2}})"
    rf"|{_MONTH}[./\-]{_DAY}[./\-](?:[0-9]{{4}}|[0-9]{{2}}))(?:[ T][0-9]{{1,2}})?\)?"
)
_DOUBLE_SEPARATOR_RE = re.compile(r"[ \-./]{2,}")
_CHUNK_SEPARATOR_RE = re.compile(r"[_\-.~]")

# Placeholders as we write them, and as a model may echo them: any case, padded, with "\_" from markdown.
_PLACEHOLDER_RE = re.compile(r"\[\s*([A-Za-z]+(?:\\?_[A-Za-z]+)*)\\?_([0-9]{1,6})\s*\]")
_ESCAPED_UNDERSCORE_RE = re.compile(r"\\?_")


# --------------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------------


class RedactedItem(BaseModel):
    """One distinct redacted value. `original` never appears in `repr()` or any serialisation."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Kind
    placeholder: str
    original: str = Field(exclude=True, repr=False)


class Redaction(BaseModel):
    """A redacted draft plus what is needed to undo the redaction in the model's answer."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    items: list[RedactedItem] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def count(self) -> int:
        """Number of distinct values redacted."""
        return len(self.items)

    def apply(self, s: str) -> str:
        """Redact another text with this redaction's placeholders (e.g. hints quoting the draft), so the
        same value gets the same placeholder everywhere it is sent."""
        for item in sorted(self.items, key=lambda i: len(i.original), reverse=True):
            edge = r"(?<!\w)" if item.original[:1].isalnum() else ""
            tail = r"(?!\w)" if item.original[-1:].isalnum() else ""
            s = re.sub(edge + re.escape(item.original) + tail, lambda _m, p=item.placeholder: p, s, flags=re.IGNORECASE)
        return s

    def restore(self, s: str) -> str:
        """Put the originals back wherever `s` contains one of this redaction's placeholders.

        Tolerates what models do to placeholders: other case (`[email_1]`), inner padding (`[ EMAIL_1 ]`)
        and markdown escapes (`[EMAIL\\_1]`). Unknown placeholders are left as they are.
        """
        if not self.items or "[" not in s:
            return s
        originals = {item.placeholder: item.original for item in self.items}

        def put_back(m: re.Match[str]) -> str:
            return originals.get(_canonical(m), m.group(0))

        return _PLACEHOLDER_RE.sub(put_back, s)

    def restore_obj(self, obj: T) -> T:
        """Return a copy of `obj` with every string in it restored, walking pydantic models, dataclasses,
        dicts (keys too), lists, tuples and sets.

        Models are copied with `model_copy` (no re-validation); only fields that changed are updated.
        """
        return self._restore_any(obj)[0]

    def _restore_any(self, obj: Any) -> tuple[Any, bool]:
        if isinstance(obj, str):
            if isinstance(obj, Enum):
                return obj, False
            restored = self.restore(obj)
            return restored, restored != obj
        if isinstance(obj, BaseModel):
            update: dict[str, Any] = {}
            names = list(type(obj).model_fields) + list(obj.model_extra or {})
            for name in names:
                value, changed = self._restore_any(getattr(obj, name))
                if changed:
                    update[name] = value
            return obj.model_copy(update=update), bool(update)
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            changes: dict[str, Any] = {}
            for f in dataclasses.fields(obj):
                value, changed = self._restore_any(getattr(obj, f.name))
                if changed and f.init:
                    changes[f.name] = value
            return dataclasses.replace(obj, **changes), bool(changes)
        if isinstance(obj, Mapping):
            pairs = [(self._restore_any(k), self._restore_any(v)) for k, v in obj.items()]
            any_changed = any(kc or vc for (_, kc), (_, vc) in pairs)
            new_pairs = [(k, v) for (k, _), (v, _) in pairs]
            if type(obj) is dict:
                return dict(new_pairs), any_changed
            new_map = copy.copy(obj)
            if isinstance(new_map, dict):
                new_map.clear()
                new_map.update(new_pairs)
                return new_map, any_changed
            return dict(new_pairs), any_changed
        if isinstance(obj, list | tuple | set | frozenset):
            results = [self._restore_any(x) for x in obj]
            values = [v for v, _ in results]
            any_changed = any(c for _, c in results)
            if isinstance(obj, tuple) and hasattr(obj, "_fields"):  # namedtuple
                return type(obj)._make(values), any_changed  # type: ignore[attr-defined]
            if isinstance(obj, list) and type(obj) is not list:
                new_list = copy.copy(obj)
                new_list[:] = values
                return new_list, any_changed
            return type(obj)(values), any_changed
        return obj, False

    def summary(self) -> str:
        """One line for display, e.g. "3 items redacted (2 emails, 1 API key)"."""
        if not self.items:
            return "Nothing redacted"
        counts = Counter(item.kind for item in self.items)
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], _PRIORITY[kv[0]]))
        parts = ", ".join(f"{n} {_LABELS[kind][0 if n == 1 else 1]}" for kind, n in ordered)
        return f"{self.count} {'item' if self.count == 1 else 'items'} redacted ({parts})"


# --------------------------------------------------------------------------------------------------
# Detection
# --------------------------------------------------------------------------------------------------


def _entropy(s: str) -> float:
    """Shannon entropy in bits per character."""
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in Counter(s).values())


def _has_digit(s: str) -> bool:
    return any(c.isdigit() for c in s)


def _has_alpha(s: str) -> bool:
    return any(c.isalpha() for c in s)


def _looks_random(value: str) -> bool:
    """A long opaque token (base64 or hex) rather than a word, an identifier or a number."""
    if len(value) < 16 or not (_has_digit(value) and _has_alpha(value)) or _entropy(value) < 3.0:
        return False
    chunks = _CHUNK_SEPARATOR_RE.split(value)
    return any(len(c) >= 8 and _has_digit(c) and _has_alpha(c) for c in chunks)


def _tokenish(value: str) -> bool:
    """Plausibly a bearer token rather than an English word ("Bearer authentication")."""
    return len(value) >= 8 and (_has_digit(value) or _looks_random(value))


def _password_like(value: str) -> bool:
    if len(value) < 6:
        return False
    has_symbol = any(not c.isalnum() for c in value)
    mixed_case = any(c.isupper() for c in value) and any(c.islower() for c in value)
    return _has_digit(value) or (has_symbol and mixed_case)


def _trim_url_end(text: str, start: int, end: int) -> int:
    """Drop trailing sentence punctuation and an unbalanced closing bracket from a URL."""
    url = text[start:end]
    while url:
        if url[-1] in ".,;:!?'\"" or (url[-1] == ")" and url.count("(") < url.count(")")):
            url = url[:-1]
        else:
            break
    return start + len(url)


def _phone_candidate(text: str, start: int, end: int, min_digits: int, max_digits: int) -> _Span | None:
    """Validate a loosely matched run of digits and separators; return its trimmed span or None."""
    raw = text[start:end]
    cand = raw.rstrip(" -./(")
    while cand.endswith(")") and cand.count("(") < cand.count(")"):
        cand = cand[:-1].rstrip(" -./(")
    end = start + len(cand)
    if end < len(text) and (text[end].isdigit() or text[end] == "_"):
        return None  # part of a longer number
    if cand.count("(") != cand.count(")") or _DOUBLE_SEPARATOR_RE.search(cand):
        return None
    digits = sum(c.isdigit() for c in cand)
    if "(0)" in cand:
        max_digits += 1
    if not min_digits <= digits <= max_digits or _DATE_RE.fullmatch(cand):
        return None
    return _Span(start, end, "phone")


def _phone_spans(text: str) -> Iterator[_Span]:
    for m in _PHONE_INTL_RE.finditer(text):
        span = _phone_candidate(text, m.start(), m.end(), 8, 15)
        if span:
            yield span
    for m in _PHONE_US_RE.finditer(text):
        area = m.group("a1") or m.group("a2")
        if area[0] in "01" or m.group("ex")[0] in "01":  # not a valid North American number
            continue
        yield _Span(m.start(), m.end(), "phone")
    for m in _PHONE_EU_RE.finditer(text):
        cand = m.group(0)
        digits = sum(c.isdigit() for c in cand)
        if 9 <= digits <= 13 and not _DATE_RE.fullmatch(cand):
            yield _Span(m.start(), m.end(), "phone")
    for m in _PHONE_CONTEXT_RE.finditer(text):
        span = _phone_candidate(text, m.start("val"), m.end("val"), 7, 15)
        if span:
            yield span


def _secret_spans(text: str, *, for_logs: bool) -> Iterator[_Span]:
    """Key-like spans. `for_logs` keeps URL hosts and drops every header value, however short."""
    for m in _PRIVATE_KEY_RE.finditer(text):
        yield _Span(m.start(), m.end(), "private_key")
    for m in _URL_CREDENTIALS_RE.finditer(text):
        if for_logs:
            yield _Span(m.start("cred"), m.end("cred"), "url_credentials")
        else:
            end = _URL_REST_RE.match(text, m.end()).end()  # type: ignore[union-attr]  # always matches
            yield _Span(m.start(), _trim_url_end(text, m.start(), end), "url_credentials")
    for m in _KEY_RE.finditer(text):
        yield _Span(m.start(), m.end(), "api_key")
    for m in _BEARER_RE.finditer(text):
        if _tokenish(m.group("val")):
            yield _Span(m.start("val"), m.end("val"), "api_key")
    for m in _HEADER_RE.finditer(text):
        value = m.group("val")
        scheme = (m.group("scheme") or "").lower()
        if for_logs or (scheme == "basic" and len(value) >= 8) or _tokenish(value):
            yield _Span(m.start("val"), m.end("val"), "api_key")
    for m in _ASSIGN_RE.finditer(text):
        value = m.group("val").rstrip(".:!?")
        ok = _password_like(value) if _PASSWORD_NAME_RE.search(m.group("name")) else _looks_random(value)
        if ok:
            yield _Span(m.start("val"), m.start("val") + len(value), "api_key")


@lru_cache(maxsize=64)
def _terms_re(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    words = {t.strip() for t in terms if t and t.strip()}
    if not words:
        return None
    parts = [r"\s+".join(map(re.escape, w.split())) for w in sorted(words, key=lambda w: (-len(w), w))]
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


def _merge(spans: list[_Span]) -> list[_Span]:
    """Union of overlapping spans, so no detected character survives; the kind is the most sensitive one."""
    merged: list[_Span] = []
    for span in sorted(s for s in spans if s.end > s.start):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            kind = min(last.kind, span.kind, key=_PRIORITY.__getitem__)
            merged[-1] = _Span(last.start, max(last.end, span.end), kind)
        else:
            merged.append(span)
    return merged


def _canonical(m: re.Match[str]) -> str:
    """The placeholder a matched (possibly mangled) placeholder stands for: `[email\\_01 ]` -> `[EMAIL_1]`."""
    kind = _ESCAPED_UNDERSCORE_RE.sub("_", m.group(1)).upper()
    return f"[{kind}_{int(m.group(2))}]"


# --------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------


def redact(text: str, confidential_terms: Sequence[str] = ()) -> Redaction:
    """Replace secrets, contact details and the user's confidential terms in `text` with placeholders.

    Each distinct original gets one placeholder (`[EMAIL_1]`, `[API_KEY_2]`, …), numbered per kind in
    order of first appearance, skipping numbers already written in the draft. Confidential terms match
    case-insensitively as whole words; a single string is treated as one term, not as characters.
    """
    if isinstance(confidential_terms, str):
        confidential_terms = (confidential_terms,)
    spans: list[_Span] = list(_secret_spans(text, for_logs=False))
    spans.extend(_Span(m.start(), m.end(), "email") for m in _EMAIL_RE.finditer(text))
    spans.extend(_phone_spans(text))
    terms_re = _terms_re(tuple(confidential_terms))
    if terms_re is not None:
        spans.extend(_Span(m.start(), m.end(), "confidential") for m in terms_re.finditer(text))
    if not spans:
        return Redaction(text=text)

    taken = {_canonical(m) for m in _PLACEHOLDER_RE.finditer(text)}
    counters: Counter[str] = Counter()
    by_original: dict[str, RedactedItem] = {}
    out: list[str] = []
    pos = 0
    for start, end, kind in _merge(spans):
        original = text[start:end]
        item = by_original.get(original)
        if item is None:
            prefix = kind.upper()
            n = counters[kind] + 1
            while f"[{prefix}_{n}]" in taken:
                n += 1
            counters[kind] = n
            item = RedactedItem(kind=kind, placeholder=f"[{prefix}_{n}]", original=original)
            by_original[original] = item
        out.append(text[pos:start])
        out.append(item.placeholder)
        pos = end
    out.append(text[pos:])
    return Redaction(text="".join(out), items=list(by_original.values()))


def scrub_secrets(text: str) -> str:
    """Replace anything key-like with "[REDACTED]": provider keys and tokens, JWTs, bearer tokens,
    Authorization / x-api-key header values, secret-named assignments, URL credentials, private keys.

    One-way, for logs and recordings. Emails and phone numbers are left alone. Idempotent.
    """
    spans = _merge(list(_secret_spans(text, for_logs=True)))
    if not spans:
        return text
    out: list[str] = []
    pos = 0
    for start, end, _ in spans:
        out.append(text[pos:start])
        out.append(REDACTED)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _scrub_arg(arg: Any) -> Any:
    return scrub_secrets(arg) if isinstance(arg, str) else arg


class SecretsFilter(logging.Filter):
    """Logging filter that scrubs secrets from the message, its args, and any traceback text.

    The message is formatted once (`record.getMessage()`), scrubbed, and stored with empty args.
    Attach it to handlers: filters on a logger do not see records propagated from child loggers.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # malformed format/args: logging reports it later; scrub the parts anyway
            record.msg = _scrub_arg(record.msg)
            if isinstance(record.args, Mapping):
                record.args = {k: _scrub_arg(v) for k, v in record.args.items()}
            elif isinstance(record.args, tuple):
                record.args = tuple(_scrub_arg(a) for a in record.args)
        else:
            record.msg = scrub_secrets(message)
            record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub_secrets(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub_secrets(record.stack_info)
        return True
