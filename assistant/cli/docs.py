"""`assistant lint` and `analyze --format json` over a docs repo: several files, directories and globs,
one summary line, the same exit codes, `--format github` for workflow annotations, and the nearest
`.assistant.toml` / `[tool.assistant]` for each file.

`register(sub)` runs after the draft commands are registered and widens `lint` and `analyze` in place:
their `file` argument takes several paths, and their handler sends a run over paths here. One draft from
stdin or `--text` (or with `--truncate`) still goes to the draft commands unchanged.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, Field

from assistant.cli.exits import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from assistant.cli.files import Target, expand, is_glob, read_target
from assistant.schemas import AnalyzeReport, LintReport
from assistant.text.reading import InputError

Handler = Callable[[argparse.Namespace], int]
PATHS_HELP = "files, directories or globs (Markdown and text), or - for stdin"


class FileLint(BaseModel):
    path: str
    report: LintReport


class LintSummary(BaseModel):
    files: int
    files_with_findings: int
    errors: int = 0
    warnings: int = 0
    suggestions: int = 0
    ambiguities: int = 0


class FilesLintReport(BaseModel):
    """`assistant lint --format json` over several paths: one LintReport per file and the totals."""

    version: int = 1
    files: list[FileLint] = Field(default_factory=list)
    summary: LintSummary


class FileAnalysis(BaseModel):
    path: str
    report: AnalyzeReport


class FilesAnalyzeReport(BaseModel):
    """`assistant analyze --format json` over several paths."""

    version: int = 1
    files: list[FileAnalysis] = Field(default_factory=list)


# -------------------------------------------------------------------------- parser
def _action(parser: argparse.ArgumentParser, dest: str) -> argparse.Action:
    return next(a for a in parser._actions if a.dest == dest)


def register(sub: Any) -> None:
    """Widen the registered `lint` and `analyze` commands to take several paths (see the module docstring)."""
    lint, analyze = sub.choices["lint"], sub.choices["analyze"]
    for parser in (lint, analyze):
        paths = _action(parser, "file")
        paths.nargs, paths.default, paths.help, paths.metavar = "*", [], PATHS_HELP, "PATH"
    fmt = _action(lint, "format")
    fmt.choices = [*fmt.choices, "github"]
    fmt.help = "format of the result on stdout: text, json, or github (workflow annotations) (default: text)"
    _action(lint, "min_severity").default = None  # unset: the config file's, else "suggestion"
    lint.add_argument("--no-config", action="store_true", help="ignore .assistant.toml and [tool.assistant]")
    lint.add_argument(
        "--no-semantic",
        action="store_true",
        help="over paths: rules only, without the semantic layer (as `semantic = false` in the config)",
    )
    lint.set_defaults(handler=_route(lint.get_default("handler"), lint_paths))
    analyze.set_defaults(handler=_route(analyze.get_default("handler"), analyze_paths))


def _route(draft_handler: Handler, paths_handler: Handler) -> Handler:
    def handler(args: argparse.Namespace) -> int:
        paths: list[str] = args.file
        one_draft = args.text is not None or args.truncate or not paths or paths == ["-"]
        if paths_handler is analyze_paths and _single_file(paths):
            one_draft = True  # one named file: the draft command's every format
        if one_draft:
            if len(paths) > 1:
                raise InputError("--text, - and --truncate check one draft; give several paths without them")
            if getattr(args, "format", None) == "github":
                raise InputError("--format github needs file paths (annotations point at files)")
            args.file = paths[0] if paths else None
            if getattr(args, "min_severity", "") is None:
                args.min_severity = "suggestion"
            return draft_handler(args)
        if "-" in paths:
            raise InputError("- (stdin) cannot be mixed with file paths")
        return paths_handler(args)

    return handler


def _single_file(paths: Sequence[str]) -> bool:
    """One named file (not a directory or glob): its JSON stays the one-draft object."""
    from pathlib import Path

    return len(paths) == 1 and not is_glob(paths[0]) and not Path(paths[0]).is_dir()


# -------------------------------------------------------------------------- lint
def _lint_one(target: Target, text: str, args: argparse.Namespace) -> LintReport:
    from assistant.checks.lint import lint

    config = target.config
    severity = args.min_severity or (None if args.no_config else config.min_severity) or "suggestion"
    ambiguity = not args.no_ambiguity and (args.no_config or config.ambiguity is not False)
    semantic = False if args.no_semantic or (not args.no_config and config.semantic is False) else None
    report = lint(text, ambiguity=ambiguity, min_severity=severity, semantic=semantic)
    if args.no_config or not config.disable:
        return report
    return LintReport(
        findings=[f for f in report.findings if not config.disables(f.rule_id, f.category)],
        ambiguities=[a for a in report.ambiguities if not config.disables(a.rule_id, a.category)],
    )


def _each(targets: list[Target], args: argparse.Namespace) -> tuple[list[tuple[Target, str]], bool]:
    """The readable targets with their text; a file that cannot be read is one line on stderr (and, for
    one file named on its own, the command's error, as for any single draft)."""
    read: list[tuple[Target, str]] = []
    failed = False
    strict = _single_file(args.file)
    for target in targets:
        try:
            text = read_target(target, args.max_bytes, strict=strict)
        except InputError as exc:
            if strict:
                raise
            print(f"assistant: error: {exc}", file=sys.stderr)
            failed = True
            continue
        if text is not None:
            read.append((target, text))
    return read, failed


def lint_paths(args: argparse.Namespace) -> int:
    if args.max_bytes < 1:
        raise InputError(f"--max-bytes must be a positive number of bytes, not {args.max_bytes}")
    targets = expand(args.file)
    if args.no_config:
        from assistant.cli.config import LintConfig

        targets = [Target(t.path, t.name, LintConfig(root=t.path.parent)) for t in targets]
    read, failed = _each(targets, args)
    results = [FileLint(path=t.name, report=_lint_one(t, text, args)) for t, text in read]
    summary = _summary(len(targets), results)
    if args.format == "json":
        out = (
            results[0].report
            if _single_file(args.file) and results
            else FilesLintReport(files=results, summary=summary)
        )
        print(out.model_dump_json(indent=2))
    else:
        for line in _lines(results, github=args.format == "github"):
            print(line)
        print(_summary_line(summary, results, single=len(targets) == 1))
    if failed:
        return EXIT_USAGE
    return EXIT_FINDINGS if any(r.report.has_errors for r in results) else EXIT_OK


def _summary(n_files: int, results: list[FileLint]) -> LintSummary:
    findings = [f for r in results for f in r.report.findings]
    return LintSummary(
        files=n_files,
        files_with_findings=sum(1 for r in results if r.report.findings or r.report.ambiguities),
        errors=sum(f.severity == "error" for f in findings),
        warnings=sum(f.severity == "warning" for f in findings),
        suggestions=sum(f.severity == "suggestion" for f in findings),
        ambiguities=sum(len(r.report.ambiguities) for r in results),
    )


def _summary_line(summary: LintSummary, results: list[FileLint], *, single: bool) -> str:
    from assistant.render.reports import lint_summary

    counts = lint_summary(
        [f for r in results for f in r.report.findings], [a for r in results for a in r.report.ambiguities]
    )
    if single:
        return counts
    files = f"{summary.files} file{'s' if summary.files != 1 else ''} checked"
    return f"{files}, {summary.files_with_findings} with findings: {counts}"


def _lines(results: list[FileLint], *, github: bool) -> list[str]:
    from assistant.render.reports import lint_lines

    if not github:
        return [line for r in results for line in lint_lines(r.report, r.path)[:-1]]
    return [line for r in results for line in github_lines(r.report, r.path)]


def _escape(value: str, *, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def github_lines(report: LintReport, path: str) -> list[str]:
    """GitHub Actions workflow commands: `::error file=…,line=…,col=…,endColumn=…,title=…::message`."""
    level = {"error": "error", "warning": "warning", "suggestion": "notice"}
    lines = []
    for f in report.findings:
        message = f'{f.message} Try: "{f.replacements[0]}"' if f.replacements else f.message
        lines.append(_command(level[f.severity], path, f.line, f.column, f.end - f.start, f.rule_id, message))
    for a in report.ambiguities:
        lines.append(
            _command("notice", path, a.line, a.column, a.end - a.start, a.rule_id, f"{a.message} {a.question}")
        )
    return lines


def _command(level: str, path: str, line: int, column: int, length: int, title: str, message: str) -> str:
    props = f"file={_escape(path, prop=True)},line={line},col={column},endColumn={column + max(length, 1)}"
    return f"::{level} {props},title={_escape(title, prop=True)}::{_escape(message)}"


# -------------------------------------------------------------------------- analyze
def analyze_paths(args: argparse.Namespace) -> int:
    if args.max_bytes < 1:
        raise InputError(f"--max-bytes must be a positive number of bytes, not {args.max_bytes}")
    targets = expand(args.file)
    if args.format != "json":
        raise InputError("analyze takes several paths only with --format json (use lint for file:line reports)")
    from assistant.cli.options import confidential_terms, load_context, notice, provider_from_args
    from assistant.tasks.drafts import run_analyze

    context = load_context(args.context_file)
    provider, why = provider_from_args(args)
    if provider is None:
        notice(why)
    read, failed = _each(targets, args)
    terms = confidential_terms(args)
    files = [
        FileAnalysis(
            path=t.name,
            report=run_analyze(text, context, provider=provider, notice=why, confidential_terms=terms),
        )
        for t, text in read
    ]
    if _single_file(args.file) and files:
        print(files[0].report.model_dump_json(indent=2))
    else:
        print(FilesAnalyzeReport(files=files).model_dump_json(indent=2))
    if failed:
        return EXIT_USAGE
    return EXIT_FINDINGS if any(f.report.analysis.has_errors for f in files) else EXIT_OK
