"""The files a docs-repo run checks: paths, directories and globs expanded to Markdown and text files,
each read with the CLI's limits and its front matter blanked (offsets and line numbers kept)."""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.cli.config import LintConfig, find_config
from assistant.text.reading import DEFAULT_MAX_BYTES, InputError, read_input

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdx"})
TEXT_SUFFIXES = MARKDOWN_SUFFIXES | {".txt", ".text"}
SKIPPED_DIRS = frozenset({"venv", "node_modules", "__pycache__", "site-packages"})  # and every hidden directory
_GLOB_CHARS = re.compile(r"[*?\[]")
_FRONT_MATTER = re.compile(r"\A(?:---|\+\+\+)[ \t]*\n")
_EMPTY = "the text is empty"


@dataclass(frozen=True)
class Target:
    """A file to check, how it is named in the output, and the configuration that applies to it."""

    path: Path
    name: str
    config: LintConfig


def is_glob(arg: str) -> bool:
    return bool(_GLOB_CHARS.search(arg))


def _walk(directory: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(files):
            yield Path(root) / name


def expand(args: Sequence[str]) -> list[Target]:
    """Every file the arguments name, in order, once each: a named file always (unless excluded), a
    directory's Markdown and text files (or its config's `include`), a glob's matches."""
    seen: set[Path] = set()
    targets: list[Target] = []

    def add(path: Path, *, named: bool) -> bool:
        """Add a file unless excluded or already there; whether it is one of the files asked for."""
        config = find_config(path)
        if not named and not _wanted(path, config):
            return False
        resolved = path.resolve()
        if resolved not in seen and not config.excludes(path):
            seen.add(resolved)
            targets.append(Target(path, os.path.relpath(path) if not path.is_absolute() else str(path), config))
        return True

    for arg in args:
        if is_glob(arg):
            matches = [Path(m) for m in sorted(glob.glob(arg, recursive=True)) if Path(m).is_file()]
            if not matches:
                raise InputError(f"{arg}: no file matches this pattern")
            for match in matches:
                add(match, named=False)
        elif Path(arg).is_dir():
            found = [add(path, named=False) for path in _walk(Path(arg))]
            if not any(found):
                raise InputError(f"{arg}: is a directory with no Markdown or text files to check")
        elif Path(arg).exists():
            add(Path(arg), named=True)
        else:
            raise InputError(f"{arg}: no such file or directory")
    return targets


def _wanted(path: Path, config: LintConfig) -> bool:
    if config.include:
        return config.includes(path)
    return path.suffix.lower() in TEXT_SUFFIXES


def blank_front_matter(text: str) -> str:
    """The text with a leading YAML (---) or TOML (+++) front-matter block turned into spaces, so every
    finding keeps the offset, line and column it has in the file."""
    opening = _FRONT_MATTER.match(text)
    if not opening:
        return text
    fence = text[:3]
    closing = re.compile(rf"^(?:{re.escape(fence)}|\.\.\.)[ \t]*$", re.M).search(text, opening.end())
    if not closing:
        return text
    end = closing.end()
    return re.sub(r"[^\n]", " ", text[:end]) + text[end:]


def read_target(target: Target, max_bytes: int = DEFAULT_MAX_BYTES, *, strict: bool = False) -> str | None:
    """The text to check (front matter blanked in Markdown), or None for an empty file; `strict` (one
    draft named on its own) refuses an empty file as the draft commands do."""
    try:
        text = read_input(str(target.path), max_bytes)
    except InputError as exc:
        if _EMPTY in str(exc) and not strict:
            return None
        raise
    if target.path.suffix.lower() in MARKDOWN_SUFFIXES:
        text = blank_front_matter(text)
    return text
