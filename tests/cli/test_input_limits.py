"""Bad and extreme input through the CLI: empty, whitespace-only, binary, mixed encodings, one very long
line, over the size limit, and devices that never end. Every refusal is exit 2 with one line on stderr
that says what is wrong (and the size and the limit when it is too big), never a traceback; inputs that
are accepted are checked within seconds. File paths go through `assistant.cli.main.main`, stdin through a
subprocess. Also: the `--truncate` reader in assistant/textio.py (announced truncation).
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.cli.main import main
from assistant.text.reading import InputError, read_input_truncated, truncate_utf8

COMMANDS = ("lint", "ambiguity", "context", "complexity", "questions", "rewrite", "analyze")
MB = 1_000_000
TIME_BUDGET_S = 30.0  # generous for a loaded machine; a quadratic pass on 1 MB takes minutes


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No key in the environment: every command answers offline."""
    for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "ASSISTANT_PROVIDER", "ASSISTANT_COMPAT_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ASSISTANT_CACHE_DIR", str(tmp_path / "cache"))


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    """The single stderr line of a refused input (nothing on stdout), without its prefix."""
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("assistant: error: ") and err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err.removeprefix("assistant: error: ").strip()


def run_stdin(data: bytes, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY")}
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args], input=data, capture_output=True, timeout=timeout, env=env
    )


# -------------------------------------------------------------------------- refused input
PREFIX = "Café is fine, ".encode()
BAD_INPUTS = [
    pytest.param(b"", "the text is empty", id="empty"),
    pytest.param(b"  \t\n\r\n   \n", "the text is empty", id="spaces-tabs-newlines"),
    pytest.param(b"\r\n\r\n\r", "the text is empty", id="line-ends-only"),
    pytest.param("\u00a0\u2003\u3000\u2028\n".encode(), "the text is empty", id="unicode-spaces-only"),
    pytest.param(b"\xef\xbb\xbf", "the text is empty", id="byte-order-mark-only"),
    pytest.param(b"\xef\xbb\xbf \n\t", "the text is empty", id="byte-order-mark-and-spaces"),
    pytest.param(b"Can we just\x00add it?", "looks like a binary file", id="nul-byte"),
    pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks like a binary file", id="png"),
    pytest.param(gzip.compress(b"Can we just add it?", mtime=0), "looks like a binary file", id="gzip"),
    pytest.param("Can we just add it?".encode("utf-16"), "", id="utf-16"),
    pytest.param(
        PREFIX + b"na\xefve", f"not valid UTF-8 (byte 0xef at offset {len(PREFIX) + 2})", id="latin-1-after-utf-8"
    ),
    pytest.param(b"We need \x93export\x94 now", "not valid UTF-8 (byte 0x93 at offset 8)", id="cp1252-quotes"),
    pytest.param(b"abc\x80def", "not valid UTF-8 (byte 0x80 at offset 3)", id="lone-continuation-byte"),
    pytest.param(b"ok \xed\xa0\x80 ok", "not valid UTF-8 (byte 0xed at offset 3)", id="encoded-surrogate"),
    pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "not valid UTF-8 (byte 0xe2 at offset 10)", id="pdf-header"),
    pytest.param(b"Can we just add it? " + b"\xf0\x9f\x98", "not valid UTF-8", id="cut-emoji-at-end"),
]


@pytest.mark.parametrize("command", ["lint", "rewrite", "analyze"])
@pytest.mark.parametrize(("data", "message"), BAD_INPUTS)
def test_bad_file_is_refused_with_exit_2_and_one_line_naming_the_problem(
    command: str, data: bytes, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "draft.txt"
    path.write_bytes(data)
    assert main([command, str(path)]) == 2
    line = one_error_line(capsys)
    assert line.startswith(f"{path}: ") and message in line


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "stdin: the text is empty"),
        (b" \n\t\n", "stdin: the text is empty"),
        (b"\x00\x01\x02\x03binary", "stdin: looks like a binary file"),
        (PREFIX + b"na\xefve", "stdin: not valid UTF-8 (byte 0xef"),
    ],
    ids=["empty", "whitespace", "binary", "mixed-encoding"],
)
def test_bad_stdin_is_refused_with_exit_2_and_one_line(data: bytes, message: str) -> None:
    result = run_stdin(data, "analyze", "-")
    err = result.stderr.decode()
    assert result.returncode == 2 and result.stdout == b""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_missing_directory_and_unreadable_paths_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lint", str(tmp_path / "missing.txt")]) == 2
    assert "no such file" in one_error_line(capsys)
    assert main(["lint", str(tmp_path)]) == 2
    assert "is a directory" in one_error_line(capsys)
    locked = tmp_path / "locked.txt"
    locked.write_text("Can we just add it?", encoding="utf-8")
    locked.chmod(0)
    if os.geteuid() == 0:  # root reads anything: the check still must not crash
        assert main(["lint", str(locked)]) in (0, 1)
        capsys.readouterr()
    else:
        assert main(["lint", str(locked)]) == 2
        assert "permission denied" in one_error_line(capsys)


# -------------------------------------------------------------------------- size limit
def test_file_over_the_limit_names_its_size_and_the_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"Plain words. " * 200_000)  # 2.6 MB
    assert main(["analyze", str(path)]) == 2
    line = one_error_line(capsys)
    assert "2.6 MB is over the 2.0 MB limit" in line and "--max-bytes" in line


def test_file_exactly_at_the_limit_is_accepted_and_one_byte_more_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "edge.txt"
    path.write_bytes(b"a" * 999 + b"\n")
    assert main(["lint", str(path), "--max-bytes", "1000"]) == 0
    capsys.readouterr()
    path.write_bytes(b"a" * 1000 + b"\n")
    assert main(["lint", str(path), "--max-bytes", "1000"]) == 2
    assert "over the" in one_error_line(capsys)


def test_a_huge_file_is_refused_fast_naming_its_full_size(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "sparse.txt"
    with path.open("wb") as handle:
        handle.truncate(10_000_000_000)  # 10 GB, sparse: no disk used
    started = time.perf_counter()
    assert main(["lint", str(path)]) == 2
    assert time.perf_counter() - started < 2
    assert "10.0 GB is over the 2.0 MB limit" in one_error_line(capsys)


def test_stdin_over_the_limit_is_refused_fast_with_one_line() -> None:
    result = run_stdin(b"Plain words. " * 300_000, "lint", "-", timeout=30)
    err = result.stderr.decode()
    assert result.returncode == 2 and err.count("\n") == 1
    assert "over the 2.0 MB limit" in err and "--max-bytes" in err and "Traceback" not in err


def test_size_message_tells_size_and_limit_apart_when_they_round_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was a gap: '1.0 KB is over the 1.0 KB limit' (fixed in f607e83)."""
    path = tmp_path / "edge.txt"
    path.write_bytes(b"a" * 1001)
    assert main(["lint", str(path), "--max-bytes", "1000"]) == 2
    assert "1,001" in one_error_line(capsys)


def test_stdin_size_message_does_not_claim_a_size_it_did_not_measure() -> None:
    """Was a gap: stdin reported max_bytes + 1 as its size (fixed in f607e83)."""
    result = run_stdin(b"a" * 5000, "lint", "-", "--max-bytes", "1000", timeout=30)
    err = result.stderr.decode()
    assert result.returncode == 2
    assert "more than" in err or "5.0 KB" in err


def test_an_endless_device_is_refused_with_bounded_memory_and_one_line() -> None:
    """Was a bug: 'assistant lint /dev/zero' read until MemoryError (fixed in f607e83)."""

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    result = subprocess.run(
        [sys.executable, "-m", "assistant", "lint", "/dev/zero"],
        capture_output=True,
        timeout=60,
        preexec_fn=cap_memory,
    )
    err = result.stderr.decode()
    assert result.returncode == 2 and err.count("\n") == 1 and "Traceback" not in err


# -------------------------------------------------------------------------- one very long line
def _one_line_of_prose(size: int, seed: int = 7) -> str:
    """`size` characters of plain prose on one line, with a flagged phrase every ~50 KB."""
    rng = random.Random(seed)
    words = (
        "the team needs a report page for customers with filters and export to csv so that finance can "
        "reconcile invoices every month across regions using the existing admin screens"
    ).split()
    parts, length = [], 0
    while length < size:
        chunk = " ".join(rng.choice(words) for _ in range(8000)) + ". Can we just add it? "
        parts.append(chunk)
        length += len(chunk)
    return "".join(parts)[:size]


LONG_LINES = [
    pytest.param(lambda: _one_line_of_prose(MB), id="prose"),
    pytest.param(lambda: "x" * MB, id="one-word"),
    pytest.param(lambda: "é" * (MB // 2), id="multibyte"),
]


@pytest.mark.parametrize("make", LONG_LINES)
@pytest.mark.parametrize("command", COMMANDS)
def test_one_megabyte_single_line_is_checked_within_seconds(
    command: str, make, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = make()
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    assert "\n" not in text and path.stat().st_size >= MB

    started = time.perf_counter()
    code = main([command, str(path), "--format", "json"])
    elapsed = time.perf_counter() - started
    out, err = capsys.readouterr()

    assert code in (0, 1) and "error" not in err and err.count("\n") <= 1  # at most the offline notice
    assert elapsed < TIME_BUDGET_S, f"{command} took {elapsed:.1f} s on 1 MB"
    report = json.loads(out)
    for finding in report.get("findings", []) + report.get("ambiguities", []):
        assert text[finding["start"] : finding["end"]] == finding["text"]
        assert finding["line"] == 1 and finding["column"] == finding["start"] + 1


def test_one_megabyte_of_flagged_phrases_is_rewritten_within_seconds(tmp_path: Path) -> None:
    """Was a bug: offline._repair was quadratic in the number of findings (minutes on 1 MB; fixed in a783619)."""
    path = tmp_path / "risky.txt"
    path.write_text(("Can we just add it quickly? It is a small change. " * 20_000)[:MB], encoding="utf-8")
    try:
        result = subprocess.run(
            [sys.executable, "-m", "assistant", "rewrite", str(path), "--format", "json"],
            capture_output=True,
            timeout=TIME_BUDGET_S,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"rewrite of 1 MB of flagged phrases took over {TIME_BUDGET_S:g} s")
    assert result.returncode == 0


# -------------------------------------------------------------------------- announced truncation
def test_cli_truncate_checks_the_first_bytes_and_says_so_on_one_stderr_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "long.txt"
    path.write_text("Can we just add it? " * 1000, encoding="utf-8")  # 20,000 bytes

    code = main(["lint", str(path), "--max-bytes", "1000", "--truncate", "--format", "json"])
    out, err = capsys.readouterr()

    assert code in (0, 1) and err.count("\n") == 1
    assert "truncated from 20,000 to 1,000 bytes" in err
    assert all(f["end"] <= 1000 for f in json.loads(out)["findings"])


def test_cli_truncate_on_stdin_counts_the_whole_stream() -> None:
    result = run_stdin(b"Plain words. " * 100_000, "lint", "-", "--max-bytes", "1300", "--truncate", timeout=30)
    assert result.returncode == 0
    assert "stdin: truncated from 1,300,000 to 1,300 bytes" in result.stderr.decode()


@pytest.mark.parametrize("limit", ["0", "-5"])
def test_non_positive_max_bytes_is_a_usage_error_naming_the_flag(
    limit: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "draft.txt"
    path.write_text("Can we just add it?", encoding="utf-8")
    assert main(["lint", str(path), "--max-bytes", limit]) == 2
    assert "--max-bytes must be a positive number" in one_error_line(capsys)


def test_truncating_reader_keeps_the_first_bytes_and_announces_both_sizes(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("Can we just add it? " * 1000, encoding="utf-8")  # 20,000 bytes

    text, truncation = read_input_truncated(str(path), 5000)

    assert truncation is not None and len(text.encode()) == 5000
    assert text == ("Can we just add it? " * 1000)[:5000]
    assert truncation.notice == (
        f"{path}: truncated from 20,000 to 5,000 bytes (--truncate): only the first 5,000 bytes were checked"
    )


def test_truncating_reader_leaves_input_within_the_limit_alone(tmp_path: Path) -> None:
    path = tmp_path / "short.txt"
    path.write_text("Can we just add it?\n", encoding="utf-8")
    assert read_input_truncated(str(path), 20) == ("Can we just add it?\n", None)


def test_truncating_reader_never_cuts_a_character_in_half(tmp_path: Path) -> None:
    path = tmp_path / "accents.txt"
    path.write_text("é" * 100, encoding="utf-8")  # 200 bytes
    text, truncation = read_input_truncated(str(path), 51)
    assert text == "é" * 25 and truncation is not None and truncation.kept_bytes == 50


def test_truncating_reader_on_stdin_counts_the_whole_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.TextIOWrapper(io.BytesIO(b"Plain words. " * 1000))
    monkeypatch.setattr(sys, "stdin", stream)
    text, truncation = read_input_truncated("-", 130)
    assert text == "Plain words. " * 10
    assert truncation is not None and truncation.notice.startswith("stdin: truncated from 13,000 to 130 bytes")


def test_truncating_reader_refuses_an_endless_binary_device_quickly() -> None:
    started = time.perf_counter()
    with pytest.raises(InputError, match="binary"):
        read_input_truncated("/dev/zero", 1000)
    assert time.perf_counter() - started < 10


@settings(max_examples=300, deadline=None)
@given(st.text(), st.integers(min_value=0, max_value=64))
def test_truncate_utf8_keeps_the_longest_prefix_of_whole_characters(text: str, limit: int) -> None:
    data = text.encode("utf-8", "surrogatepass")
    kept = truncate_utf8(data, limit)
    assert data.startswith(kept) and len(kept) <= max(limit, len(data) if len(data) <= limit else limit)
    if all(not 0xD800 <= ord(c) <= 0xDFFF for c in text):
        decoded = kept.decode("utf-8")
        assert text.startswith(decoded)
        if len(data) > limit:
            assert len(kept) > limit - 4
