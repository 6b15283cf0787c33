"""`assistant scope-change` and `assistant rehearse`: the scope-change commands, and their renderings.

`register(sub)` adds both commands to the parser. Heavy modules are imported by the handlers, so
registering costs nothing at start-up. `scope_markdown` and `debrief_text` are also used by the app.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from typing import TYPE_CHECKING, Any, TextIO

from assistant.cli.exits import EXIT_OK
from assistant.cli.options import (
    add_command,
    add_format,
    add_model_options,
    confidential_terms,
    notice,
    progress,
    provider_from_args,
    text_arg,
)
from assistant.text.reading import InputError

if TYPE_CHECKING:
    from assistant.tasks.rehearsal import Debrief, Rehearsal
    from assistant.tasks.scope import ScopeChangeInput, ScopeChangeResult

PERSONA_CHOICES = ("supportive", "skeptical", "overloaded")
END_WORDS = ("/end", "/quit", "/exit")
SCOPE_EXAMPLE = (
    'assistant scope-change --original scope.txt --change-text "Exports must include archived projects." '
    '--who-why "Finance asked: the audit needs it"'
)
REHEARSE_EXAMPLE = "assistant rehearse --original scope.txt --change change.txt --persona skeptical"


# ---------------------------------------------------------------- registration
def register(sub: Any) -> None:
    """Add `scope-change` and `rehearse` to an argparse subparsers object."""
    p = add_command(
        sub,
        "scope-change",
        "brief for the engineering lead, stakeholder draft with slots, and a consistency check",
        SCOPE_EXAMPLE,
        details="Talk to the engineering lead first, then tell stakeholders the change and its trade-off.",
    )
    _add_scope_args(p, stdin="a file, or - for stdin")
    add_format(p)
    add_model_options(p)
    p.set_defaults(handler=cmd_scope_change)

    p = add_command(
        sub,
        "rehearse",
        "role-play the conversation with the engineering lead, then get a scored debrief",
        REHEARSE_EXAMPLE,
        details="Type your lines to the lead; /end (or the end of input) ends the role-play and shows the debrief. "
        "Your lines come from stdin, so the scope and the change come from files or --original-text/--change-text.",
    )
    _add_scope_args(p, stdin="a file")
    p.add_argument("--persona", choices=PERSONA_CHOICES, default="supportive", help="how the lead behaves")
    add_format(p, ("text", "json"))
    p.add_argument("--save", metavar="FILE", help="write the session state (JSON) to FILE at the end")
    add_model_options(p)
    p.set_defaults(handler=cmd_rehearse)


def _add_scope_args(p: argparse.ArgumentParser, *, stdin: str) -> None:
    for name, what in (("original", "the original scope"), ("change", "what changed")):
        group = p.add_mutually_exclusive_group(required=True)
        group.add_argument(f"--{name}", metavar="FILE", help=f"{what} ({stdin})")
        group.add_argument(f"--{name}-text", metavar="TEXT", help=f"{what}, as text")
    p.add_argument("--who-why", metavar="TEXT", help="who asked for the change, and why")
    p.add_argument("--sprint", metavar="TEXT", help="where the sprint or deadline stands")
    p.add_argument("--changed-before", metavar="N|TEXT", help="how often this feature already changed")


def _read_part(args: argparse.Namespace, name: str) -> str:
    from assistant.text.reading import read_input

    text = getattr(args, f"{name}_text")
    return text_arg(text, f"--{name}-text") if text is not None else read_input(getattr(args, name))


def _inputs(args: argparse.Namespace, *, stdin_free: bool = False) -> ScopeChangeInput:
    from pydantic import ValidationError

    from assistant.tasks.scope import ScopeChangeInput

    if args.original == "-" and args.change == "-":
        raise InputError("--original and --change cannot both read stdin; give at least one as a file or text")
    if stdin_free and "-" in (args.original, args.change):
        raise InputError("rehearse reads your lines from stdin: give --original and --change as files or text")
    try:
        return ScopeChangeInput(
            original=_read_part(args, "original"),
            change=_read_part(args, "change"),
            who_why=args.who_why,
            sprint=args.sprint,
            changed_before=args.changed_before,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InputError(f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from None


# ---------------------------------------------------------------- scope-change
def cmd_scope_change(args: argparse.Namespace) -> int:
    from assistant.tasks.scope import prepare_scope_change

    inp = _inputs(args)
    provider, why = provider_from_args(args)
    if provider is None:
        notice(why)
    progress(provider, "a brief and a stakeholder draft")
    result = prepare_scope_change(inp, provider, notice=why, confidential_terms=confidential_terms(args))
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
    """The role-play. The conversation and the text debrief go to stdout; with --format json stdout holds the
    debrief alone and the conversation goes to stderr. Prompts, tips and notices always go to stderr."""
    from assistant.tasks.rehearsal import PERSONAS, Rehearsal
    from assistant.tasks.scope import offline_brief

    with contextlib.suppress(ImportError):  # line editing and history for input(), where available
        import readline  # noqa: F401

    inp = _inputs(args, stdin_free=True)
    provider, why = provider_from_args(args)
    session = Rehearsal.start(inp, args.persona, provider, notice=why, confidential_terms=confidential_terms(args))
    talk: TextIO = sys.stderr if args.format == "json" else sys.stdout
    typing = sys.stdin.isatty()
    echo = not (typing and talk.isatty())  # a piped or saved transcript shows the PM's lines too
    notice(f"rehearsal with your engineering lead ({PERSONAS[args.persona]}).")
    notice("type your lines; /end (or the end of input) ends the role-play and shows the debrief.")
    notice(f'tip, an opening that keeps trust: "{offline_brief(inp).opening_line}"')
    if provider is None:
        notice(why)
    while True:
        line = _next_line(typing)
        if line is None or line.strip().lower() in END_WORDS:
            break
        if not line.strip():
            continue
        if echo:
            print(f"you> {line}", file=talk)
        progress(provider, "the lead's answer")
        turn = session.reply(line)
        print(f"lead> {turn.text}\n", file=talk, flush=True)
    if not session.pm_lines:
        raise InputError("no lines from you before /end or the end of input, so there is nothing to score")
    debrief = session.end()
    if args.format == "json":
        print(json.dumps(debrief.model_dump(mode="json"), indent=2, ensure_ascii=False))
    else:
        print(debrief_text(debrief))
    if args.save:
        _save(session, args.save)
    return EXIT_OK


def _next_line(typing: bool) -> str | None:
    """The PM's next line (None at the end of input); the prompt goes to stderr, and only to a person typing."""
    if typing:
        print("you> ", end="", file=sys.stderr, flush=True)
    try:
        line = input()
    except EOFError:
        if typing:
            print(file=sys.stderr)
        return None
    return line


def _save(session: Rehearsal, path: str) -> None:
    from pathlib import Path

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
