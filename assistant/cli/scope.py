"""`assistant scope-change` and `assistant rehearse`: the scope-change commands, and their renderings.

`register(subparsers)` adds both commands to the main CLI. Heavy modules are imported by the handlers,
so registering costs nothing at start-up. `python -m assistant.cli.scope …` runs them on their own.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.llm.providers.base import Provider
    from assistant.tasks.rehearsal import Debrief, Rehearsal
    from assistant.tasks.scope import ScopeChangeInput, ScopeChangeResult

EXIT_OK, EXIT_USAGE = 0, 2
PROVIDERS = ("offline", "openai", "anthropic", "openai-compatible")
PERSONA_CHOICES = ("supportive", "skeptical", "overloaded")


# ---------------------------------------------------------------- registration
def register(subparsers: Any) -> None:
    """Add `scope-change` and `rehearse` to an argparse subparsers object."""
    p = subparsers.add_parser(
        "scope-change",
        help="brief for the engineering lead, stakeholder draft with slots, and a consistency check",
        description="Prepare a scope change: talk to the engineering lead first, then tell stakeholders the "
        "change and its trade-off.",
    )
    _add_scope_args(p)
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text", help="output format")
    p.set_defaults(handler=_guarded(cmd_scope_change))

    p = subparsers.add_parser(
        "rehearse",
        help="role-play the conversation with the engineering lead, then get a scored debrief",
        description="Type your lines to the engineering lead; /end (or end of input) ends and shows the debrief.",
    )
    _add_scope_args(p)
    p.add_argument("--persona", choices=PERSONA_CHOICES, default="supportive", help="how the lead behaves")
    p.add_argument("--format", choices=("text", "json"), default="text", help="format of the debrief")
    p.add_argument("--save", metavar="FILE", help="write the session state (JSON) to FILE at the end")
    p.set_defaults(handler=_guarded(cmd_rehearse))


def _add_scope_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--original", required=True, metavar="FILE", help="the original scope (a file, or - for stdin)")
    p.add_argument("--change", required=True, metavar="FILE", help="what changed (a file, or - for stdin)")
    p.add_argument("--who-why", metavar="TEXT", help="who asked for the change, and why")
    p.add_argument("--sprint", metavar="TEXT", help="where the sprint or deadline stands")
    p.add_argument("--changed-before", metavar="N|TEXT", help="how often this feature already changed")
    p.add_argument("--provider", choices=PROVIDERS, help="engine to use (default: from the environment)")
    p.add_argument("--model", help="model name for the provider")
    p.add_argument("--base-url", help="base URL (for openai-compatible servers)")
    p.add_argument("--no-cache", action="store_true", help="do not read or write the response cache")


def _guarded(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Known errors become one line on stderr and exit 2, never a traceback."""

    def run(args: argparse.Namespace) -> int:
        from assistant.llm.providers.errors import ProviderError
        from assistant.text.reading import InputError

        try:
            return handler(args)
        except ProviderError as exc:
            print(f"assistant: error: {exc.user_message}", file=sys.stderr)
        except InputError as exc:
            print(f"assistant: error: {exc}", file=sys.stderr)
        return EXIT_USAGE

    run.__name__ = handler.__name__
    return run


def _inputs(args: argparse.Namespace, *, stdin_free: bool = False) -> ScopeChangeInput:
    from pydantic import ValidationError

    from assistant.tasks.scope import ScopeChangeInput
    from assistant.text.reading import InputError, read_input

    if args.original == "-" and args.change == "-":
        raise InputError("--original and --change cannot both read stdin; give at least one as a file")
    if stdin_free and "-" in (args.original, args.change):
        raise InputError("rehearse reads your lines from stdin: give --original and --change as files")
    try:
        return ScopeChangeInput(
            original=read_input(args.original),
            change=read_input(args.change),
            who_why=args.who_why,
            sprint=args.sprint,
            changed_before=args.changed_before,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InputError(f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from None


def _provider(args: argparse.Namespace) -> tuple[Provider | None, str]:
    from assistant.llm.settings import Settings
    from assistant.tasks import drafts as engine

    given: dict[str, Any] = {
        k: v for k, v in (("provider", args.provider), ("model", args.model), ("base_url", args.base_url)) if v
    }
    if args.no_cache:
        given["cache_enabled"] = False
    return engine.provider_from_settings(Settings(**given))


# ---------------------------------------------------------------- scope-change
def cmd_scope_change(args: argparse.Namespace) -> int:
    from assistant.tasks.scope import prepare_scope_change

    inp = _inputs(args)
    provider, notice = _provider(args)
    result = prepare_scope_change(inp, provider, notice=notice)
    if args.format == "json":
        print(json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False))
    elif args.format == "markdown":
        print(scope_markdown(result), end="")
    else:
        print(scope_text(result))
    return EXIT_OK


def scope_text(result: ScopeChangeResult) -> str:
    """The brief, the stakeholder draft and the consistency findings as plain text."""
    brief = result.brief.result
    out = [f"Brief for the engineering lead (engine: {result.brief.engine})", ""]
    out += [f'  Open with: "{brief.opening_line}"', "", f"  What changed: {brief.what_changed}"]
    out += [f"  Why: {brief.why}"]
    if brief.moving_target:
        out += ["", f"  Moving target: {brief.moving_target_note}"]
    if brief.lint_findings:
        out += ["", "  Phrasing in your change note (restated in the brief):"]
        out += [f'    - "{f.text}" ({f.rule_id}): {f.message}' for f in brief.lint_findings]
        out += [f"    - {c.description}" for c in brief.restatement]
    if brief.complexity:
        out += [
            "",
            "  Likely complexity in the change (hypotheses for engineering to confirm; no estimates):",
        ]
        out += [f'    - {f.title}, triggered by "{f.trigger}"' for f in brief.complexity]
    out += ["", "  What you don't know yet:"] + [f"    - {u}" for u in brief.unknowns]
    out += ["", "  Questions to assess the impact together:"]
    out += [f"    {i}. {q.text} [{q.topic}]" for i, q in enumerate(brief.questions, 1)]
    draft = result.stakeholder.result
    out += [
        "",
        f"Stakeholder message draft (engine: {result.stakeholder.engine}; send it after the talk)",
        "",
    ]
    out += ["  " + line if line else "" for line in draft.text.splitlines()]
    if draft.slots:
        out += [
            "",
            f"  Fill in {len(draft.slots)} slot(s) once the engineering lead has assessed the impact.",
        ]
    out += ["", "Consistency check of the message against the brief"]
    out += _consistency_lines(result)
    out += _guard_lines(result)
    notice = result.brief.notice
    if notice:
        out += ["", notice]
    return "\n".join(out)


def _consistency_lines(result: ScopeChangeResult) -> list[str]:
    findings = result.consistency.result.findings
    if not findings:
        return [
            "  No problems: no promised date, scope or certainty, no blame, no minimising, no estimate, "
            "no invented fact."
        ]
    return [f'  - [{f.kind}] "{f.text}": {f.explanation}' for f in findings]


def _guard_lines(result: ScopeChangeResult) -> list[str]:
    lines = []
    for task in (result.brief, result.stakeholder):
        for g in task.guards.findings:
            lines.append(f'  - {task.task} {g.field or ""}: {g.guard} "{g.text}" ({g.action}): {g.detail}')
    return ["", "Guards on the model's output", *lines] if lines else []


def scope_markdown(result: ScopeChangeResult) -> str:
    brief, draft = result.brief.result, result.stakeholder.result
    out = ["# Scope change", "", "## Brief for the engineering lead", "", f"> {brief.opening_line}", ""]
    out += [f"**What changed:** {brief.what_changed}", "", f"**Why:** {brief.why}", ""]
    if brief.moving_target:
        out += [f"**Moving target:** {brief.moving_target_note}", ""]
    if brief.lint_findings:
        out += ["### Phrasing in your change note", ""]
        out += [f'- "{f.text}" (`{f.rule_id}`): {f.message}' for f in brief.lint_findings]
        out += [f"- {c.description}" for c in brief.restatement] + [""]
    if brief.complexity:
        out += ["### Likely complexity", "_Hypotheses for engineering to confirm. No estimates._", ""]
        out += [f'- {f.title}, triggered by "{f.trigger}"' for f in brief.complexity] + [""]
    out += ["### What you don't know yet", ""] + [f"- {u}" for u in brief.unknowns] + [""]
    out += ["### Questions to assess the impact together", ""]
    out += [f"{i}. {q.text} _({q.topic})_" for i, q in enumerate(brief.questions, 1)] + [""]
    out += ["## Stakeholder message draft", "", "```text", draft.text, "```", ""]
    out += ["## Consistency check", ""]
    findings = result.consistency.result.findings
    out += [f'- **{f.kind}** "{f.text}": {f.explanation}' for f in findings] or ["No problems found."]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- rehearse
def cmd_rehearse(args: argparse.Namespace) -> int:
    from assistant.tasks.rehearsal import PERSONAS, Rehearsal
    from assistant.tasks.scope import offline_brief

    with contextlib.suppress(ImportError):  # line editing and history for input(), where available
        import readline  # noqa: F401

    inp = _inputs(args, stdin_free=True)
    provider, notice = _provider(args)
    session = Rehearsal.start(inp, args.persona, provider, notice=notice)
    echo = not sys.stdin.isatty()
    print(f"Rehearsal with your engineering lead ({PERSONAS[args.persona]}).")
    print("Type your lines; /end (or end of input) ends the role-play and shows the debrief.")
    print(f'Tip, an opening that keeps trust: "{offline_brief(inp).opening_line}"')
    if notice:
        print(notice)
    print()
    while True:
        try:
            line = input("you> ")
        except EOFError:
            print()
            break
        if echo:
            print(line)
        if line.strip().lower() in ("/end", "/quit", "/exit"):
            break
        if not line.strip():
            continue
        turn = session.reply(line)
        print(f"lead> {turn.text}\n")
    debrief = session.end()
    if args.format == "json":
        print(json.dumps(debrief.model_dump(mode="json"), indent=2, ensure_ascii=False))
    else:
        print(debrief_text(debrief))
    if args.save:
        _save(session, args.save)
    return EXIT_OK


def _save(session: Rehearsal, path: str) -> None:
    from pathlib import Path

    from assistant.text.reading import InputError

    try:
        Path(path).write_text(session.to_state().model_dump_json(indent=2), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot write the session ({exc.strerror})") from None


def transcript_lines(session: Rehearsal) -> list[str]:
    return [f"{'you' if t.speaker == 'pm' else 'lead'}> {t.text}" for t in session.transcript]


def debrief_text(debrief: Debrief) -> str:
    """The debrief as plain text: each score with its source and the PM's own words as evidence."""
    out = ["Debrief", f"  {debrief.method}", f"  PM turns scored: {debrief.pm_turns}", ""]
    for item in debrief.items:
        out.append(f"  {item.label}: {item.score}/2 [{item.source}]")
        out.append(f"    {item.explanation}")
        out += [f'    > "{e}"' for e in item.evidence]
    out += ["", f"  {debrief.summary}"]
    if debrief.next_time:
        out += ["", "  Next time:"] + [f"    - {tip}" for tip in debrief.next_time]
    return "\n".join(out)


# ---------------------------------------------------------------- standalone
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assistant", description="Scope-change commands.")
    register(parser.add_subparsers(dest="command", metavar="COMMAND"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run only the scope-change commands (the main CLI registers them too)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return handler(args)
    except KeyboardInterrupt:
        print("assistant: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
