"""The `assistant` command line. Offline commands import nothing heavy, so the CLI starts fast."""

from __future__ import annotations

import argparse
import json
import os
import sys

# The CLI uses no pydantic plugin; skipping their discovery (an entry-point scan of every installed
# package) keeps start-up fast. A user who needs plugins can still set the variable themselves.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant import __version__
from assistant.text.reading import DEFAULT_MAX_BYTES, InputError, read_input

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
    parser.add_argument(
        "--truncate",
        action="store_true",
        help="instead of refusing a larger input, check only its first --max-bytes bytes (and say so)",
    )


def _add_context_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--context-file",
        help="context you can give (YAML or JSON with who, problem, why_now, evidence, success, deadline, "
        "deadline_flexible, notes); a plain-text file counts as notes",
    )


def add_provider_args(parser: argparse.ArgumentParser) -> None:
    """--provider/--model/--base-url/--no-cache, the same as the ASSISTANT_* environment variables."""
    group = parser.add_argument_group("model (optional: without a key the offline engine answers)")
    group.add_argument(
        "--provider",
        choices=("offline", "openai", "anthropic", "openai-compatible"),
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
        help="a customer name or codename to redact before any cloud call (repeatable)",
    )


def provider_from_args(args: argparse.Namespace):  # -> tuple[Provider | None, str]
    """Build the provider the flags and environment select; offline needs no heavy import."""

    chosen = args.provider or os.environ.get("ASSISTANT_PROVIDER", "").strip().lower() or None
    has_key = any(os.environ.get(k, "").strip() for k in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY"))
    if chosen == "offline" or (chosen is None and not has_key):
        from assistant.tasks.drafts import OFFLINE_NOTICE

        why = (
            "--provider offline"
            if chosen == "offline"
            else "No provider chosen and no API key found (OPENAI_API_KEY, ANTHROPIC_API_KEY)"
        )
        return None, f"{why}: using the offline engine. {OFFLINE_NOTICE}"
    from assistant.llm.settings import Settings
    from assistant.tasks.drafts import provider_from_settings

    overrides = {"provider": args.provider, "model": args.model, "base_url": args.base_url}
    overrides = {k: v for k, v in overrides.items() if v}
    if args.no_cache:
        overrides["cache_enabled"] = False
    return provider_from_settings(Settings(**overrides))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="Check a requirement or message before you send it to engineers: trust-damaging phrases, "
        "missing context, vague terms and likely complexity. Works offline with no API key.",
        epilog=f"Example: echo '{SAMPLE_DRAFT}' | assistant analyze -",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="log the requests sent to a model on stderr (keys and redacted values are scrubbed)",
    )
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
    _add_input_args(p, ("text", "json", "markdown"))
    _add_context_arg(p)
    add_provider_args(p)
    p.set_defaults(handler=cmd_complexity)

    p = sub.add_parser("questions", help="curiosity questions for a design review")
    _add_input_args(p, ("text", "json", "markdown"))
    _add_context_arg(p)
    add_provider_args(p)
    p.set_defaults(handler=cmd_questions)

    p = sub.add_parser("rewrite", help="rewrite the draft with context; missing facts become [needs: …] slots")
    _add_input_args(p, ("text", "json", "markdown"))
    _add_context_arg(p)
    add_provider_args(p)
    p.set_defaults(handler=cmd_rewrite)

    p = sub.add_parser("analyze", help="everything above in one readable report")
    _add_input_args(p, ("text", "json", "markdown"))
    _add_context_arg(p)
    add_provider_args(p)
    p.set_defaults(handler=cmd_analyze)

    from assistant.cli import eval as cli_eval
    from assistant.cli import scope as cli_scope

    cli_scope.register(sub)
    cli_eval.register(sub)
    from assistant.cli import serve as cli_serve

    cli_serve.register(sub)
    return parser


def _read(args: argparse.Namespace) -> str:
    if args.file is None:
        if sys.stdin.isatty():
            raise InputError("no input: give a file, or - to read the draft from stdin")
        args.file = "-"
    if args.max_bytes < 1:
        raise InputError(f"--max-bytes must be a positive number of bytes, not {args.max_bytes}")
    if not args.truncate:
        return read_input(args.file, args.max_bytes)
    from assistant.text.reading import read_input_truncated

    text, truncation = read_input_truncated(args.file, args.max_bytes)
    if truncation is not None:
        print(f"assistant: {truncation.notice}", file=sys.stderr)
    return text


def _source(args: argparse.Namespace) -> str:
    return "stdin" if args.file in (None, "-") else args.file


def load_context(path: str | None):  # -> PMContext | None
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


def _print_json(obj) -> None:
    print(json.dumps(obj.model_dump(mode="json"), indent=2, ensure_ascii=False))


def cmd_lint(args: argparse.Namespace) -> int:
    from assistant.checks.lint import lint
    from assistant.render.reports import lint_lines

    report = lint(_read(args), ambiguity=not args.no_ambiguity, min_severity=args.min_severity)
    if args.format == "json":
        _print_json(report)
    else:
        print("\n".join(lint_lines(report, _source(args))))
    return EXIT_FINDINGS if report.has_errors else EXIT_OK


def cmd_ambiguity(args: argparse.Namespace) -> int:
    from assistant.checks.lint import find_ambiguities
    from assistant.render.reports import lint_lines
    from assistant.schemas import LintReport

    report = LintReport(ambiguities=find_ambiguities(_read(args)))
    if args.format == "json":
        _print_json(report)
    else:
        print("\n".join(lint_lines(report, _source(args))))
    return EXIT_OK


def cmd_context(args: argparse.Namespace) -> int:
    from assistant.checks.context import check_context
    from assistant.render.reports import context_lines

    report = check_context(_read(args), load_context(args.context_file))
    if args.format == "json":
        _print_json(report)
    else:
        print("Context\n" + "\n".join(context_lines(report.elements)))
    return EXIT_OK


def _run(args: argparse.Namespace, task: str):  # -> TaskResult
    from assistant.tasks.drafts import run_task

    text = _read(args)
    context = load_context(args.context_file)
    provider, notice = provider_from_args(args)
    _progress(provider, task)
    return run_task(task, text, context, provider=provider, notice=notice, confidential_terms=tuple(args.confidential))


def _progress(provider, what: str) -> None:
    if provider is not None and sys.stderr.isatty():
        print(f"assistant: asking {provider.name} ({provider.model}) for {what}…", file=sys.stderr)


def _header(result) -> str:
    """Where a result came from: one line above every text report."""
    if result.engine == "offline":
        return f"[{result.notice}]"
    parts = [f"{result.provider} {result.model}", f"prompt {result.prompt_version}"]
    if result.tokens.prompt_tokens is not None:
        parts.append(f"{result.tokens.prompt_tokens} prompt + {result.tokens.completion_tokens} completion tokens")
    if result.cached:
        parts.append("from cache")
    if result.redaction_summary:
        parts.append(result.redaction_summary)
    return "[" + "; ".join(parts) + "]"


def _guard_lines(result) -> list[str]:
    if not result.guards.findings:
        return [] if result.engine == "offline" else ["Guards: the output passed every check."]
    lines = [f"Guards ({len(result.guards.findings)} finding(s)):"]
    lines += [f'  - {f.guard}: "{f.text}" ({f.action}). {f.detail}' for f in result.guards.findings]
    return lines


def _emit(args: argparse.Namespace, result, text_body: str, markdown_body: str) -> None:
    if args.format == "json":
        _print_json(result)
        return
    body = markdown_body if args.format == "markdown" else text_body
    print(_header(result))
    print(body.rstrip())
    guards = _guard_lines(result)
    if guards:
        print("\n" + "\n".join(guards))


def cmd_complexity(args: argparse.Namespace) -> int:
    from assistant.render.reports import complexity_lines

    result = _run(args, "complexity")
    body = "Likely complexity (hypotheses for engineering to confirm; no estimates)\n"
    body += "\n".join(complexity_lines(result.result.flags))
    _emit(args, result, body, body)
    return EXIT_OK


def cmd_questions(args: argparse.Namespace) -> int:
    from assistant.render.reports import question_lines

    result = _run(args, "questions")
    body = "Questions for the design review\n" + "\n".join(question_lines(result.result.questions))
    _emit(args, result, body, body)
    return EXIT_OK


def cmd_rewrite(args: argparse.Namespace) -> int:
    from assistant.render.reports import rewrite_markdown, rewrite_text

    result = _run(args, "rewrite")
    _emit(args, result, rewrite_text(result.result), rewrite_markdown(result.result))
    return EXIT_OK


def cmd_analyze(args: argparse.Namespace) -> int:
    from assistant.render.reports import analysis_markdown, analysis_text, report_markdown, report_text
    from assistant.tasks.drafts import run_analyze

    text = _read(args)
    context = load_context(args.context_file)
    provider, notice = provider_from_args(args)
    if provider is None:
        from assistant.checks.offline import analyze

        analysis = analyze(text, context)
        if args.format == "json":
            report = run_analyze(text, context, notice=notice)
            _print_json(report)
        elif args.format == "markdown":
            print(analysis_markdown(analysis), end="")
        else:
            print(f"[{notice}]")
            print(analysis_text(analysis, _source(args)))
        return EXIT_FINDINGS if analysis.has_errors else EXIT_OK
    _progress(provider, "a rewrite, questions and complexity flags (in parallel)")
    report = run_analyze(text, context, provider=provider, notice=notice, confidential_terms=tuple(args.confidential))
    if args.format == "json":
        _print_json(report)
    elif args.format == "markdown":
        print(report_markdown(report), end="")
    else:
        print(report_text(report, _source(args)))
    return EXIT_FINDINGS if report.analysis.has_errors else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if args.debug:
        from assistant.llm.logging_setup import configure_logging

        configure_logging(debug=True)
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
    except BrokenPipeError:  # e.g. `assistant analyze x | head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # a provider or prompt failure: one clear line, never a traceback
        from assistant.llm.prompt_files import PromptError
        from assistant.llm.providers.errors import ProviderError

        if isinstance(exc, ProviderError):
            print(f"assistant: error: {exc.user_message}", file=sys.stderr)
            return EXIT_USAGE
        from pydantic import ValidationError

        if isinstance(exc, ValidationError):
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            print(f"assistant: error: bad setting {where}: {first['msg']}", file=sys.stderr)
            return EXIT_USAGE
        if isinstance(exc, PromptError):
            print(f"assistant: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        raise


if __name__ == "__main__":
    sys.exit(main())
