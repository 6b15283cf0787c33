"""The draft commands: lint, ambiguity, context, complexity, questions, rewrite, analyze.

`register(sub)` adds them to the parser; handlers import the checks and the model path only when run.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from assistant.cli.exits import EXIT_FINDINGS, EXIT_OK
from assistant.cli.options import (
    add_command,
    add_context_file,
    add_draft_input,
    add_format,
    add_model_options,
    confidential_terms,
    load_context,
    notice,
    print_json,
    progress,
    provider_from_args,
    read_draft,
    source_name,
)

if TYPE_CHECKING:
    from assistant.schemas import TaskResult

SAMPLE_DRAFT = "Can we just add CSV export by March 15? Should be simple."
DRAFT_COMMANDS = ("lint", "ambiguity", "context", "complexity", "questions", "rewrite", "analyze")


def register(sub: Any) -> None:
    """Add the draft commands to an argparse subparsers object."""
    p = add_command(
        sub,
        "lint",
        "flag trust-damaging phrases (and vague terms) with better wording",
        "assistant lint draft.txt --format json",
        details="Prints file:line:col findings; exits 1 when one of them is at error level. With a provider "
        "(a key, --provider or ASSISTANT_PROVIDER) the model also looks for trust-damaging phrases the rules "
        "missed: each must quote the draft exactly, or it is dropped; its findings are warnings, with rule "
        "ids ending in .model. --provider offline never calls a model.",
    )
    add_draft_input(p)
    add_format(p, ("text", "json"))
    p.add_argument("--no-ambiguity", action="store_true", help="leave out the vague-term group")
    p.add_argument(
        "--min-severity",
        choices=("suggestion", "warning", "error"),
        default="suggestion",
        help="report only findings at or above this severity",
    )
    add_model_options(p)
    p.set_defaults(handler=cmd_lint)

    p = add_command(
        sub,
        "ambiguity",
        "list vague terms engineers will have to pin down before estimating",
        'assistant ambiguity --text "We need a fast, simple dashboard soon."',
    )
    add_draft_input(p)
    add_format(p, ("text", "json"))
    p.set_defaults(handler=cmd_ambiguity)

    p = add_command(
        sub,
        "context",
        "check which context (who, problem, why now, evidence…) is missing",
        "assistant context draft.txt --context-file context.yaml",
    )
    add_draft_input(p)
    add_format(p, ("text", "json"))
    add_context_file(p)
    p.set_defaults(handler=cmd_context)

    for name, summary, example in (
        (
            "complexity",
            "flag parts of the request that often hide complexity (hypotheses, no estimates)",
            "assistant complexity draft.txt --format markdown",
        ),
        ("questions", "curiosity questions for a design review", "assistant questions draft.txt"),
        (
            "rewrite",
            "rewrite the draft with context; missing facts become [needs: …] slots",
            'assistant rewrite draft.txt --confidential "Acme Corp" > rewrite.txt',
        ),
        (
            "analyze",
            "everything above in one readable report",
            "assistant analyze draft.txt --format markdown > report.md",
        ),
    ):
        p = add_command(sub, name, summary, example)
        add_draft_input(p)
        add_format(p)
        add_context_file(p)
        if name in ("rewrite", "analyze"):
            add_slots_option(p)
        add_model_options(p)
        p.set_defaults(handler=HANDLERS[name])


# -------------------------------------------------------------------------- offline checks
def cmd_lint(args: argparse.Namespace) -> int:
    """The report on stdout; which model added findings (and what its guards dropped) on stderr. When the
    model's call fails, the offline findings are still printed, with the reason on stderr."""
    from assistant.checks.lint import lint
    from assistant.render.reports import lint_lines

    text = read_draft(args)
    provider, _ = provider_from_args(args)
    options: dict[str, Any] = {"ambiguity": not args.no_ambiguity, "min_severity": args.min_severity}
    trust = None
    if provider is None:  # the offline path imports no task or model code: a commit hook starts fast
        report = lint(text, **options)
    else:
        from assistant.llm.providers.errors import ProviderError
        from assistant.tasks.drafts import run_lint

        progress(provider, "trust-damaging phrases the rules missed")
        try:
            report, trust = run_lint(text, provider=provider, confidential_terms=confidential_terms(args), **options)
        except ProviderError as error:
            report = lint(text, **options)
            notice(f"the model's trust check failed, offline findings only: {error}")
    if trust is not None:
        notice(f"model findings from {provenance(trust)}")
        for line in _guard_lines(trust)[1:]:
            notice(line.strip())
    if args.format == "json":
        print_json(report)
    else:
        print("\n".join(lint_lines(report, source_name(args))))
    return EXIT_FINDINGS if report.has_errors else EXIT_OK


def cmd_ambiguity(args: argparse.Namespace) -> int:
    from assistant.checks.lint import find_ambiguities
    from assistant.render.reports import lint_lines
    from assistant.schemas import LintReport

    report = LintReport(ambiguities=find_ambiguities(read_draft(args)))
    if args.format == "json":
        print_json(report)
    else:
        print("\n".join(lint_lines(report, source_name(args))))
    return EXIT_OK


def cmd_context(args: argparse.Namespace) -> int:
    from assistant.checks.context import check_context
    from assistant.render.reports import context_lines

    report = check_context(read_draft(args), load_context(args.context_file))
    if args.format == "json":
        print_json(report)
    else:
        print("Context\n" + "\n".join(context_lines(report.elements)))
    return EXIT_OK


def add_slots_option(parser: argparse.ArgumentParser) -> None:
    """--slots: how many [needs: …] slots the offline rewrite adds to its context block."""
    from assistant.checks.offline import REWRITE_FORMS

    parser.add_argument(
        "--slots",
        choices=REWRITE_FORMS,
        default="auto",
        help="[needs: …] slots in the offline rewrite: auto (default; who and the problem for a Slack-length "
        "draft, otherwise the first three missing of who, problem, why now, evidence, success and the date), "
        "short (who and the problem) or full (one for every missing fact)",
    )


# -------------------------------------------------------------------------- tasks (offline or a model)
def _run(args: argparse.Namespace, task: str) -> TaskResult:
    from assistant.tasks.drafts import run_task

    text = read_draft(args)
    context = load_context(args.context_file)
    provider, why = provider_from_args(args)
    if provider is None:
        notice(why)
    progress(provider, task)
    return run_task(
        task,
        text,
        context,
        provider=provider,
        notice=why,
        confidential_terms=confidential_terms(args),
        form=getattr(args, "slots", "auto"),
    )


def provenance(result: TaskResult) -> str | None:
    """Which model wrote a result (provider, model, prompt, tokens, cache, redaction), or None offline."""
    if result.engine == "offline":
        return None
    parts = [f"{result.provider} {result.model}", f"prompt {result.prompt_version}"]
    if result.tokens.prompt_tokens is not None:
        parts.append(f"{result.tokens.prompt_tokens} prompt + {result.tokens.completion_tokens} completion tokens")
    if result.cached:
        parts.append("from cache")
    if result.redaction_summary:
        parts.append(result.redaction_summary)
    return "; ".join(parts)


def _guard_lines(result: TaskResult) -> list[str]:
    if not result.guards.findings:
        return [] if result.engine == "offline" else ["Guards: the output passed every check."]
    lines = [f"Guards ({len(result.guards.findings)} finding(s)):"]
    lines += [f'  - {f.guard}: "{f.text}" ({f.action}). {f.detail}' for f in result.guards.findings]
    return lines


def _emit(args: argparse.Namespace, result: TaskResult, text_body: str, markdown_body: str) -> None:
    """The result on stdout; a model-written one opens with the line that says which model wrote it."""
    if args.format == "json":
        print_json(result)
        return
    markdown = args.format == "markdown"
    source = provenance(result)
    if source is not None:
        print(f"_{source}_\n" if markdown else f"[{source}]")
    print((markdown_body if markdown else text_body).rstrip())
    guards = _guard_lines(result)
    if guards:
        print("\n" + "\n".join(guards))


def cmd_complexity(args: argparse.Namespace) -> int:
    from assistant.render.reports import complexity_lines

    result = _run(args, "complexity")
    flags = result.result.flags
    text = "Likely complexity (hypotheses for engineering to confirm; no estimates)\n"
    text += "\n".join(complexity_lines(flags))
    markdown = ["# Likely complexity", "", "_Hypotheses for engineering to confirm. No estimates._"]
    for flag in flags:
        markdown += ["", f"## {flag.title} (`{flag.category}`)", f'Triggered by "{flag.trigger}". {flag.why}']
        markdown += [f"- Ask: {flag.question}", f"- Smaller first version: {flag.smaller_version}"]
    _emit(args, result, text, "\n".join(markdown if flags else [*markdown, "", "None found."]))
    return EXIT_OK


def cmd_questions(args: argparse.Namespace) -> int:
    from assistant.render.reports import grouped_questions, question_lines

    result = _run(args, "questions")
    text = "Questions for the design review\n" + "\n".join(question_lines(result.result.questions))
    markdown = ["# Questions for the design review"]
    for title, texts in grouped_questions(result.result.questions):
        markdown += ["", f"## {title}", *(f"- {t}" for t in texts)]
    _emit(args, result, text, "\n".join(markdown))
    return EXIT_OK


def cmd_rewrite(args: argparse.Namespace) -> int:
    """Exit 0 once the rewrite is written, even for a draft with an error-level phrase: fixing the draft
    is the command's job, so `assistant rewrite draft.txt > new.txt` works under `set -e`; use lint to judge."""
    from assistant.render.reports import rewrite_markdown, rewrite_text

    result = _run(args, "rewrite")
    _emit(args, result, rewrite_text(result.result), rewrite_markdown(result.result))
    return EXIT_OK


def cmd_analyze(args: argparse.Namespace) -> int:
    from assistant.render.reports import analysis_markdown, analysis_text, report_markdown, report_text
    from assistant.tasks.drafts import run_analyze

    text = read_draft(args)
    context = load_context(args.context_file)
    provider, why = provider_from_args(args)
    if provider is None:
        from assistant.checks.offline import analyze

        notice(why)
        if args.format == "json":
            offline_report = run_analyze(text, context, notice=why, form=args.slots)
            print_json(offline_report)
            return EXIT_FINDINGS if offline_report.analysis.has_errors else EXIT_OK
        analysis = analyze(text, context)
        if args.format == "markdown":
            print(analysis_markdown(analysis), end="")
        else:
            print(analysis_text(analysis, source_name(args)))
        return EXIT_FINDINGS if analysis.has_errors else EXIT_OK
    progress(provider, "a rewrite, questions, complexity flags and trust findings (in parallel)")
    report = run_analyze(text, context, provider=provider, notice=why, confidential_terms=confidential_terms(args))
    if args.format == "json":
        print_json(report)
    elif args.format == "markdown":
        print(report_markdown(report), end="")
    else:
        print(report_text(report, source_name(args)))
    return EXIT_FINDINGS if report.analysis.has_errors else EXIT_OK


HANDLERS = {
    "complexity": cmd_complexity,
    "questions": cmd_questions,
    "rewrite": cmd_rewrite,
    "analyze": cmd_analyze,
}
