"""Reading a draft from a file or stdin, with clear one-line errors instead of tracebacks."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

DEFAULT_MAX_BYTES = 2_000_000


class InputError(ValueError):
    """Bad input: the message is one line a user can act on."""


def _human(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return str(n)


def over_limit_message(source: str, size: int | None, max_bytes: int) -> str:
    """'draft.txt: 5.5 MB is over the 2.0 MB limit; …' with exact bytes when the rounded figures would match,
    and 'more than N bytes' when the size was not measured (a pipe or a device)."""
    if size is None:
        what = f"more than {max_bytes:,} bytes"
        limit = f"the {_human(max_bytes)} limit"
    elif _human(size) == _human(max_bytes):
        what, limit = f"{size:,} bytes", f"the {max_bytes:,}-byte limit"
    else:
        what, limit = _human(size), f"the {_human(max_bytes)} limit"
    return f"{source}: {what} is over {limit}; split the text, raise the limit with --max-bytes, or use --truncate"


def decode_text(data: bytes, source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Decode UTF-8 text (BOM allowed) and check it is non-empty, textual and within the size limit."""
    if len(data) > max_bytes:
        raise InputError(over_limit_message(source, len(data), max_bytes))
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError(f"{source}: the text is UTF-16; save it as UTF-8")
    if b"\x00" in data:
        raise InputError(f"{source}: looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); save the file as UTF-8"
        ) from None
    if not text.strip():
        raise InputError(f"{source}: the text is empty; paste a draft or give a file with text in it")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_head(path: str, max_bytes: int, *, measure: bool = False) -> tuple[bytes, int | None, bool]:
    """At most `max_bytes + 1` bytes of a file, device or stdin, the full size when it is known (or, with
    `measure`, counted by reading on, capped), and whether that size is only a lower bound."""
    if path == "-":
        head = sys.stdin.buffer.read(max_bytes + 1)
        if measure and len(head) > max_bytes:
            return head, *_count_rest(sys.stdin.buffer, len(head))
        return head, (len(head) if len(head) <= max_bytes else None), False
    file = Path(path)
    if not file.exists():
        raise InputError(f"{path}: no such file")
    if file.is_dir():
        raise InputError(f"{path}: is a directory, not a file")
    try:
        with file.open("rb") as stream:
            head = stream.read(max_bytes + 1)  # bounded: a device such as /dev/zero never fills memory
            if len(head) <= max_bytes:
                return head, len(head), False
            if file.is_file():
                return head, max(file.stat().st_size, len(head)), False
            if measure:
                return head, *_count_rest(stream, len(head))
            return head, None, False
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None


def read_input(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read a draft from a path, or from stdin when the path is '-'; refuse one over `max_bytes`."""
    source = "stdin" if path == "-" else path
    head, size, _ = _read_head(path, max_bytes)
    if len(head) > max_bytes:
        raise InputError(over_limit_message(source, size, max_bytes))
    return decode_text(head, source, max_bytes)


# -------------------------------------------------------------------------- announced truncation (--truncate)
_COUNT_CAP = 1 << 30  # a stream longer than this (e.g. /dev/zero) is reported as "more than 1 GiB"


@dataclass(frozen=True)
class Truncation:
    """What `--truncate` did to an input over the limit: its size and how much of it was kept."""

    source: str
    original_bytes: int
    kept_bytes: int
    at_least: bool = False  # the input did not end: original_bytes is a lower bound

    @property
    def notice(self) -> str:
        """One line for stderr, e.g. "draft.txt: truncated from 2,400,000 to 2,000,000 bytes (--truncate)…"."""
        more = "more than " if self.at_least else ""
        return (
            f"{self.source}: truncated from {more}{self.original_bytes:,} to {self.kept_bytes:,} bytes "
            f"(--truncate): only the first {self.kept_bytes:,} bytes were checked"
        )


def truncate_utf8(data: bytes, max_bytes: int) -> bytes:
    """The longest prefix of `data` of at most `max_bytes` bytes that does not end inside a UTF-8 character."""
    if len(data) <= max_bytes:
        return data
    end = max(max_bytes, 0)
    start = end
    while start > 0 and end - start < 3 and data[start - 1] & 0xC0 == 0x80:  # continuation bytes
        start -= 1
    if start > 0 and data[start - 1] >= 0xC0:  # a lead byte: keep its character only if it is complete
        lead = data[start - 1]
        size = 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
        if end - (start - 1) < size:
            end = start - 1
    return data[:end]


def _count_rest(stream: BinaryIO, already: int) -> tuple[int, bool]:
    """Bytes left in a stream (read and dropped 1 MB at a time), capped; True when the cap was hit."""
    total = already
    while total <= _COUNT_CAP:
        chunk = stream.read(1 << 20)
        if not chunk:
            return total, False
        total += len(chunk)
    return total, True


def read_input_truncated(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, Truncation | None]:
    """Like `read_input`, but an input over `max_bytes` keeps its first `max_bytes` bytes (cut on a character
    boundary) instead of being refused; the `Truncation` says so. Memory stays bounded by `max_bytes` for
    files, pipes and devices alike."""
    source = "stdin" if path == "-" else path
    head, size, at_least = _read_head(path, max_bytes, measure=True)
    total = size if size is not None else len(head)
    if total <= max_bytes:
        return decode_text(head, source, max_bytes), None
    kept = truncate_utf8(head, max_bytes)
    return decode_text(kept, source, max_bytes), Truncation(source, total, len(kept), at_least)
