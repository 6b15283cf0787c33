"""The `assistant` command line. Offline commands import nothing heavy, so the CLI starts fast."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .textio import DEFAULT_MAX_BYTES, InputError, read_input

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

SAMPLE_DRAFT = "Can we just add CSV export by March 15? Should be simple."


def _add_input_args(parser: argparse.ArgumentParser, formats: Sequence[str] = ("text", "json")) -> None:
    parser.add_argument("file", nargs="?", default=None, help="a file with the draft, or - for stdin")
    parser.add_argument("--format", choices=formats, default="text", help="output format (default: text)")
    parser.add_argument(
        "--max-bytes",
        type=int,
        default=DEFAULT_MAX_BYTES,
        help=f"refuse inputs larger than this many bytes (default: {DEFAULT_MAX_BYTES:,})",
    )


def _add_context_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--context-file",
        help="context you can give (YAML or JSON with who, problem, why_now, evidence, success, deadline, "
        "deadline_flexible, notes); a plain-text file counts as notes",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="Check a requirement or message before you send it to engineers: trust-damaging phrases, "
        "missing context, vague terms and likely complexity. Works offline with no API key.",
        epilog=f"Example: echo '{SAMPLE_DRAFT}' | assistant analyze -",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("lint", help="flag trust-damaging phrases (and vague terms) with better wording")
    _add_input_args(p)
    p.add_argument("--no-ambiguity", action="store_true", help="leave out the vague-term group")
    p.add_argument(
        "--min-severity",
        choices=("suggestion", "warning", "error"),
        default="suggestion",
        help="report only findings at or above this severity",
    )
    p.set_defaults(handler=cmd_lint)

    p = sub.add_parser("ambiguity", help="list vague terms engineers will have to pin down before estimating")
    _add_input_args(p)
    p.set_defaults(handler=cmd_ambiguity)

    p = sub.add_parser("context", help="check which context (who, problem, why now, evidence…) is missing")
    _add_input_args(p)
    _add_context_arg(p)
    p.set_defaults(handler=cmd_context)

    p = sub.add_parser("complexity", help="flag parts of the request that often hide complexity (no estimates)")
    _add_input_args(p)
    p.set_defaults(handler=cmd_complexity)

    p = sub.add_parser("questions", help="curiosity questions for a design review")
    _add_input_args(p)
    _add_context_arg(p)
    p.set_defaults(handler=cmd_questions)

    p = sub.add_parser("rewrite", help="rewrite the draft with context; missing facts become [needs: …] slots")
    _add_input_args(p, ("text", "json", "markdown"))
    _add_context_arg(p)
    p.set_defaults(handler=cmd_rewrite)

    p = sub.add_parser("analyze", help="everything above in one readable report")
    _add_input_args(p, ("text", "json", "markdown"))
    _add_context_arg(p)
    p.set_defaults(handler=cmd_analyze)
    return parser


def _read(args: argparse.Namespace) -> str:
    if args.file is None:
        if sys.stdin.isatty():
            raise InputError("no input: give a file, or - to read the draft from stdin")
        args.file = "-"
    return read_input(args.file, args.max_bytes)


def _source(args: argparse.Namespace) -> str:
    return "stdin" if args.file in (None, "-") else args.file


def load_context(path: str | None):  # -> PMContext | None
    """Read the PM's context from YAML/JSON (field names as in PMContext) or plain text (notes)."""
    if not path:
        return None
    from pydantic import ValidationError

    from .schemas import PMContext

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


def _print_json(obj) -> None:
    print(json.dumps(obj.model_dump(mode="json"), indent=2, ensure_ascii=False))


def cmd_lint(args: argparse.Namespace) -> int:
    from .lint import lint
    from .render import lint_lines

    report = lint(_read(args), ambiguity=not args.no_ambiguity, min_severity=args.min_severity)
    if args.format == "json":
        _print_json(report)
    else:
        print("\n".join(lint_lines(report, _source(args))))
    return EXIT_FINDINGS if report.has_errors else EXIT_OK


def cmd_ambiguity(args: argparse.Namespace) -> int:
    from .lint import find_ambiguities
    from .render import lint_lines
    from .schemas import LintReport

    report = LintReport(ambiguities=find_ambiguities(_read(args)))
    if args.format == "json":
        _print_json(report)
    else:
        print("\n".join(lint_lines(report, _source(args))))
    return EXIT_OK


def cmd_context(args: argparse.Namespace) -> int:
    from .context import check_context
    from .render import context_lines

    report = check_context(_read(args), load_context(args.context_file))
    if args.format == "json":
        _print_json(report)
    else:
        print("Context\n" + "\n".join(context_lines(report.elements)))
    return EXIT_OK


def cmd_complexity(args: argparse.Namespace) -> int:
    from .complexity import complexity_report
    from .render import complexity_lines

    report = complexity_report(_read(args))
    if args.format == "json":
        _print_json(report)
    else:
        print("Likely complexity (hypotheses for engineering to confirm; no estimates)")
        print("\n".join(complexity_lines(report.flags)))
    return EXIT_OK


def cmd_questions(args: argparse.Namespace) -> int:
    from .offline import analyze
    from .render import question_lines
    from .schemas import QuestionSet

    analysis = analyze(_read(args), load_context(args.context_file))
    if args.format == "json":
        _print_json(QuestionSet(questions=analysis.questions))
    else:
        print("Questions for the design review\n" + "\n".join(question_lines(analysis.questions)))
    return EXIT_OK


def cmd_rewrite(args: argparse.Namespace) -> int:
    from .offline import rewrite
    from .render import rewrite_markdown, rewrite_text

    result = rewrite(_read(args), load_context(args.context_file))
    if args.format == "json":
        _print_json(result)
    elif args.format == "markdown":
        print(rewrite_markdown(result), end="")
    else:
        print(rewrite_text(result))
    return EXIT_OK


def cmd_analyze(args: argparse.Namespace) -> int:
    from .offline import analyze
    from .render import analysis_markdown, analysis_text

    analysis = analyze(_read(args), load_context(args.context_file))
    if args.format == "json":
        _print_json(analysis)
    elif args.format == "markdown":
        print(analysis_markdown(analysis), end="")
    else:
        print(analysis_text(analysis, _source(args)))
    return EXIT_FINDINGS if analysis.has_errors else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return handler(args)
    except InputError as exc:
        print(f"assistant: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("assistant: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
