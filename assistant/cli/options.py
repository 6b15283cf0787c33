"""Options every command shares (input, output format, model), and what they turn into.

Nothing heavy is imported here: the offline commands start fast, and the model path is imported only
when a provider is actually chosen.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.text.reading import DEFAULT_MAX_BYTES, InputError, decode_text, read_input

if TYPE_CHECKING:
    from assistant.llm.providers.base import Provider
    from assistant.schemas import PMContext

# The same names as assistant.llm.settings.PROVIDER_NAMES (a test keeps them equal); spelled out here so
# that building the parser imports no pydantic.
PROVIDER_CHOICES: tuple[str, ...] = ("offline", "openai", "anthropic", "openai-compatible")
KEY_VARIABLES = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY")
TEXT_SOURCE = "--text"


class Formatter(argparse.HelpFormatter):
    """Wraps each line of a description or epilog on its own; indented lines (examples) stay as they are."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        import textwrap

        return "\n".join(
            line if not line or line.startswith(" ") else textwrap.fill(line, width, initial_indent=indent)
            for line in text.splitlines()
        )


def add_command(sub: Any, name: str, summary: str, example: str, *, details: str = "") -> argparse.ArgumentParser:
    """A subcommand whose help has a one-line description and an example (and the exit-code rule)."""
    from assistant.cli.exits import EXIT_RULE

    description = summary[0].upper() + summary[1:] + "." + (f" {details}" if details else "")
    return sub.add_parser(
        name,
        help=summary,
        description=description,
        epilog=f"Example:\n  {example}\n\n{EXIT_RULE}",
        formatter_class=Formatter,
    )


# -------------------------------------------------------------------------- input
def add_draft_input(parser: argparse.ArgumentParser) -> None:
    """The draft: a file, `-` for stdin, or `--text`; the size limit and --truncate."""
    parser.add_argument("file", nargs="?", default=None, help="a file with the draft, or - for stdin")
    parser.add_argument("--text", metavar="TEXT", help="the draft itself, instead of a file")
    parser.add_argument(
        "--max-bytes",
        type=int,
        default=DEFAULT_MAX_BYTES,
        help=f"refuse inputs larger than this many bytes (default: {DEFAULT_MAX_BYTES:,})",
    )
    parser.add_argument(
        "--truncate",
        action="store_true",
        help="instead of refusing a larger input, check only its first --max-bytes bytes (and say so)",
    )


def add_context_file(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--context-file",
        help="context you can give (YAML or JSON with who, problem, why_now, evidence, success, deadline, "
        "deadline_flexible, notes); a plain-text file counts as notes",
    )


def add_format(parser: argparse.ArgumentParser, formats: Sequence[str] = ("text", "json", "markdown")) -> None:
    """--format: the result alone on stdout in that format; notices always go to stderr."""
    parser.add_argument(
        "--format", choices=formats, default="text", help="format of the result on stdout (default: text)"
    )


def text_arg(value: str, source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Text given on the command line, checked like a file (empty, binary, not UTF-8, over the limit)."""
    return decode_text(value.encode("utf-8", "surrogateescape"), source, max_bytes)


def read_draft(args: argparse.Namespace) -> str:
    """The draft from --text, a file or stdin, checked; a --truncate cut is announced on stderr."""
    if args.max_bytes < 1:
        raise InputError(f"--max-bytes must be a positive number of bytes, not {args.max_bytes}")
    if args.text is not None:
        if args.file is not None:
            raise InputError("give the draft as a file or with --text, not both")
        data = args.text.encode("utf-8", "surrogateescape")
        if args.truncate and len(data) > args.max_bytes:
            from assistant.text.reading import truncate_utf8

            kept = truncate_utf8(data, args.max_bytes)
            notice(f"{TEXT_SOURCE}: truncated from {len(data):,} to {len(kept):,} bytes (--truncate)")
            data = kept
        return decode_text(data, TEXT_SOURCE, args.max_bytes)
    if args.file is None:
        if sys.stdin is None or sys.stdin.isatty():
            raise InputError("no input: give a file, - to read the draft from stdin, or --text")
        args.file = "-"
    if not args.truncate:
        return read_input(args.file, args.max_bytes)
    from assistant.text.reading import read_input_truncated

    text, truncation = read_input_truncated(args.file, args.max_bytes)
    if truncation is not None:
        notice(truncation.notice)
    return text


def source_name(args: argparse.Namespace) -> str:
    """How the draft is named in `file:line:col` output."""
    if getattr(args, "text", None) is not None:
        return TEXT_SOURCE
    return "stdin" if args.file in (None, "-") else args.file


def load_context(path: str | None) -> PMContext | None:
    """Read the PM's context from YAML/JSON (field names as in PMContext) or plain text (notes)."""
    if not path:
        return None
    from pydantic import ValidationError

    from assistant.schemas import PMContext

    raw = read_input(path)
    if Path(path).suffix.lower() in {".yaml", ".yml", ".json"}:
        import yaml

        try:
            data = yaml.safe_load(raw)
        except yaml.YAMLError as exc:
            raise InputError(f"{path}: not valid YAML/JSON ({exc.__class__.__name__})") from None
        if not isinstance(data, dict):
            raise InputError(f"{path}: expected a mapping of context fields")
        data = {str(k).replace("-", "_"): v for k, v in data.items()}
        try:
            return PMContext.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise InputError(f"{path}: {'.'.join(map(str, first['loc']))}: {first['msg']}") from None
    return PMContext(notes=raw.strip())


# -------------------------------------------------------------------------- model
def add_model_options(parser: argparse.ArgumentParser) -> None:
    """--provider/--model/--base-url/--no-cache/--confidential, the same on every command that can call a model."""
    group = parser.add_argument_group("model (optional: without a key the offline engine answers)")
    group.add_argument(
        "--provider",
        choices=PROVIDER_CHOICES,
        help="which engine answers (env ASSISTANT_PROVIDER; default: the first API key found, else offline)",
    )
    group.add_argument("--model", help="model name (env ASSISTANT_MODEL)")
    group.add_argument("--base-url", help="API base URL, e.g. a local server's http://127.0.0.1:8080/v1")
    group.add_argument("--no-cache", action="store_true", help="always call the model, never the local cache")
    group.add_argument(
        "--confidential",
        action="append",
        default=[],
        metavar="TERM",
        help="a customer name or codename replaced by a placeholder before anything is sent (repeatable)",
    )


def confidential_terms(args: argparse.Namespace) -> tuple[str, ...]:
    """The --confidential terms, blanks dropped."""
    return tuple(t.strip() for t in args.confidential if t.strip())


def provider_from_args(args: argparse.Namespace) -> tuple[Provider | None, str]:
    """The provider the flags and environment select (None: offline) and a one-line notice saying why.

    The offline choice is made without importing the settings (pydantic) so offline runs start fast.
    """
    chosen = args.provider or os.environ.get("ASSISTANT_PROVIDER", "").strip().lower() or None
    has_key = any(os.environ.get(k, "").strip() for k in KEY_VARIABLES)
    if chosen == "offline" or (chosen is None and not has_key):
        from assistant.tasks.drafts import OFFLINE_NOTICE

        why = (
            "--provider offline"
            if args.provider == "offline"
            else "ASSISTANT_PROVIDER=offline"
            if chosen == "offline"
            else "No provider chosen and no API key found (OPENAI_API_KEY, ANTHROPIC_API_KEY)"
        )
        return None, f"{why}: using the offline engine. {OFFLINE_NOTICE}"
    from assistant.llm.settings import Settings
    from assistant.tasks import drafts

    overrides: dict[str, Any] = {"provider": args.provider, "model": args.model, "base_url": args.base_url}
    overrides = {k: v for k, v in overrides.items() if v}
    if args.no_cache:
        overrides["cache_enabled"] = False
    return drafts.provider_from_settings(Settings(**overrides))


# -------------------------------------------------------------------------- output
def notice(message: str) -> None:
    """A notice for the person at the terminal: always stderr, so stdout holds the result alone."""
    print(f"assistant: {message}", file=sys.stderr)


def progress(provider: Provider | None, what: str) -> None:
    """'asking … for …' on stderr, only when someone is watching it."""
    if provider is not None and sys.stderr.isatty():
        notice(f"asking {provider.name} ({provider.model}) for {what}…")


def print_json(obj: Any) -> None:
    """A pydantic result as indented JSON on stdout."""
    print(json.dumps(obj.model_dump(mode="json"), indent=2, ensure_ascii=False))
