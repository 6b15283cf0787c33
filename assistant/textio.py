"""Reading a draft from a file or stdin, with clear one-line errors instead of tracebacks."""

from __future__ import annotations

import sys
from pathlib import Path

DEFAULT_MAX_BYTES = 2_000_000


class InputError(ValueError):
    """Bad input: the message is one line a user can act on."""


def _human(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return str(n)


def decode_text(data: bytes, source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Decode UTF-8 text (BOM allowed) and check it is non-empty, textual and within the size limit."""
    if len(data) > max_bytes:
        raise InputError(
            f"{source}: {_human(len(data))} is over the {_human(max_bytes)} limit; "
            "split the text or raise the limit with --max-bytes"
        )
    if b"\x00" in data[:8192]:
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


def read_input(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read a draft from a path, or from stdin when the path is '-'."""
    if path == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        return decode_text(data, "stdin", max_bytes)
    file = Path(path)
    if not file.exists():
        raise InputError(f"{path}: no such file")
    if file.is_dir():
        raise InputError(f"{path}: is a directory, not a file")
    try:
        size = file.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"{path}: {_human(size)} is over the {_human(max_bytes)} limit; "
                "split the text or raise the limit with --max-bytes"
            )
        data = file.read_bytes()
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    return decode_text(data, path, max_bytes)
