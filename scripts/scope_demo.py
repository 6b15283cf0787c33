"""The scope-change demo: one scenario, hand-written stakeholder drafts with the findings each must produce,
and the script that writes docs/scope_change_demo.md from real runs of the code.

    python scripts/scope_demo.py            # rewrite docs/scope_change_demo.md

The tests import the scenario and the drafts from here, and check that the document is up to date.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from assistant.tasks.scope import ScopeChangeInput, check_consistency, offline_brief, offline_stakeholder_draft

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "scope_change_demo.md"

DEMO_INPUT = ScopeChangeInput(
    original="CSV export of the project list for workspace admins: one fixed set of columns, active projects "
    "only. Planned for this sprint; the release is on May 10.",
    change="Just a minor tweak to the spec: the export should also include archived projects, and Finance "
    "wants a copy sent to their shared drive every Monday.",
    who_why="Dana Reyes in Finance asked: the quarterly audit needs archived projects in the same file.",
    sprint="Sprint 14 ends May 10. The export endpoint is built; the admin screen is half done.",
    changed_before="yes, the columns changed last week",
)
DEMO_PERSONA = "skeptical"
DEMO_PM_LINES = (
    "Something has changed that might affect the sprint. I want to understand the impact before I "
    "communicate anything externally.",
    "Finance asked for the export to include archived projects, because the quarterly audit needs them in "
    "the "
    "same file. They also want a copy sent to their shared drive every Monday. Which parts of the work would "
    "that touch?",
    "Honestly, I hoped it was a small tweak. Could the team get it done in two days?",
    "Fair, I shouldn't have put a number on it. What would we have to drop or delay to make room?",
    "One option: ship archived projects in the export now and move the Monday copy to next sprint. "
    "Alternatively we keep the sprint as planned and do both next sprint.",
    "I'll take the trade-off to Finance myself and tell them it's my call, not engineering's. What don't we "
    "know yet that could change the approach?",
    "/end",
)


@dataclass(frozen=True)
class Draft:
    name: str
    text: str
    expected: tuple[str, ...]  # the finding kinds the check must report, sorted; () = must pass


OFFLINE_DRAFT = offline_stakeholder_draft(DEMO_INPUT).text
DRAFTS: tuple[Draft, ...] = (
    Draft("offline draft (generated)", OFFLINE_DRAFT, ()),
    Draft(
        "clean, hand-written",
        "Dana Reyes in Finance asked for archived projects in the CSV export, for the quarterly audit. I'm "
        "assessing the impact with the engineering lead and will share the options once we know what it "
        "affects. The decision we need: whether the audit need outweighs keeping the sprint as planned.",
        (),
    ),
    Draft(
        "clean, hedged date",
        "We don't know yet whether we can still deliver by May 10; engineering is looking at it. We can't "
        "guarantee the date until then.",
        (),
    ),
    Draft(
        "clean, a question",
        "Will we still be on track for May 10? I'll know after I talk to the engineering lead.",
        (),
    ),
    Draft(
        "clean, nobody is sure",
        "Is the release still on track? Nobody can say for sure until engineering has looked.",
        (),
    ),
    Draft("promises a date", "We will deliver the export with archived projects by May 10.", ("date-promise",)),
    Draft(
        "promises a date nobody gave",
        "Good news: we will still ship on May 3.",
        ("date-promise", "unsourced-date"),
    ),
    Draft("decides the impact", "Adding archived projects has no impact on the timeline.", ("impact-promise",)),
    Draft(
        "says the plan is unchanged",
        "The release date stays the same and the timeline is unchanged.",
        ("impact-promise",),
    ),
    Draft(
        "claims certainty",
        "The archived projects will definitely be in the export, guaranteed.",
        ("certainty",),
    ),
    Draft(
        "promises the scope",
        "We can fit it in without dropping anything from the sprint.",
        ("scope-promise",),
    ),
    Draft("blames engineering", "The date is at risk because engineering underestimated the export.", ("blame",)),
    Draft(
        "minimises the change",
        "It's only a minor tweak to the spec, so nothing changes for you.",
        ("minimizing",),
    ),
    Draft("estimates the work", "Engineering says the change takes about two days.", ("estimate",)),
    Draft(
        "invents facts",
        "Finance and Acme Corp both asked for this, and 40% of admins use archived projects.",
        ("invented-claim",),
    ),
    Draft(
        "everything at once",
        "Unfortunately the devs missed the deadline, but it's a tiny tweak and we'll ship by Friday, 100% certain.",
        ("blame", "certainty", "date-promise", "invented-claim", "minimizing", "unsourced-date"),
    ),
)


def found_kinds(text: str) -> tuple[str, ...]:
    brief = offline_brief(DEMO_INPUT)
    return tuple(sorted({f.kind for f in check_consistency(brief, text)}))


def _input_files(directory: Path) -> tuple[Path, Path]:
    original, change = directory / "original.txt", directory / "change.txt"
    original.write_text(DEMO_INPUT.original + "\n", encoding="utf-8")
    change.write_text(DEMO_INPUT.change + "\n", encoding="utf-8")
    return original, change


def _run(args: list[str], stdin: str = "") -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ANTHROPIC_", "ASSISTANT_"))}
    done = subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=True,
    )
    return done.stdout


def demo_runs() -> tuple[list[str], str, str]:
    """Run both commands offline on the demo scenario: (shared arguments, scope-change output, rehearsal)."""
    with tempfile.TemporaryDirectory() as tmp:
        original, change = _input_files(Path(tmp))
        shared = [
            "--original",
            str(original),
            "--change",
            str(change),
            "--who-why",
            DEMO_INPUT.who_why or "",
            "--sprint",
            DEMO_INPUT.sprint or "",
            "--changed-before",
            str(DEMO_INPUT.changed_before),
            "--provider",
            "offline",
        ]
        scope = _run(["scope-change", *shared])
        rehearsal = _run(["rehearse", *shared, "--persona", DEMO_PERSONA], "\n".join(DEMO_PM_LINES) + "\n")
        display = [a.replace(str(original), "original.txt").replace(str(change), "change.txt") for a in shared]
        return display, scope, rehearsal


def _quote_arg(arg: str) -> str:
    return f'"{arg}"' if " " in arg or ":" in arg else arg


def render() -> str:
    """The whole document, from fresh runs."""
    shared, scope, rehearsal = demo_runs()
    command = " ".join(_quote_arg(a) for a in shared)
    out = [
        "# Scope change: a demo",
        "",
        "Generated by `scripts/scope_demo.py` from real, offline runs of the code (no model, no key);",
        "`tests/test_scope.py` fails when this file no longer matches what the code produces.",
        "Regenerate it with `python scripts/scope_demo.py`.",
        "",
        "## The scenario",
        "",
        f"- `original.txt`: {DEMO_INPUT.original}",
        f"- `change.txt`: {DEMO_INPUT.change}",
        f"- who asked and why: {DEMO_INPUT.who_why}",
        f"- sprint: {DEMO_INPUT.sprint}",
        f"- changed before: {DEMO_INPUT.changed_before}",
        "",
        "## Brief, stakeholder draft and consistency check",
        "",
        f"`assistant scope-change {command}`",
        "",
        "```text",
        scope.rstrip(),
        "```",
        "",
        f"## An offline rehearsal ({DEMO_PERSONA} lead) and its debrief",
        "",
        "The PM's lines were piped on stdin (so the command echoes them after `you>`); the lead's lines are "
        "the offline script, and the debrief uses the deterministic signals only.",
        "",
        f"`assistant rehearse {command} --persona {DEMO_PERSONA} < pm_lines.txt`",
        "",
        "```text",
        rehearsal.rstrip(),
        "```",
        "",
        "## The consistency check on hand-written stakeholder drafts",
        "",
        "Each draft is checked against the brief of the scenario above. `expected` is what the draft was "
        "written to trigger; `found` is what `check_consistency` reported.",
        "",
        "| # | draft | expected | found | match |",
        "|---|-------|----------|-------|-------|",
    ]
    brief = offline_brief(DEMO_INPUT)
    details = []
    for i, draft in enumerate(DRAFTS, 1):
        found = found_kinds(draft.text)
        shown = draft.name if draft.text == OFFLINE_DRAFT else f"{draft.name}: “{draft.text}”"
        out.append(
            f"| {i} | {shown.replace('|', '/')} | {', '.join(draft.expected) or 'none'} | "
            f"{', '.join(found) or 'none'} | {'yes' if found == draft.expected else 'NO'} |"
        )
        for f in check_consistency(brief, draft.text):
            details.append(f"- draft {i}, **{f.kind}** “{f.text}”: {f.explanation}")
    matched = sum(found_kinds(d.text) == d.expected for d in DRAFTS)
    out += [
        "",
        f"{matched} of {len(DRAFTS)} drafts get exactly the expected findings.",
        "",
        "Findings in detail:",
        "",
    ]
    out += details
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(render(), encoding="utf-8")
    print(f"wrote {DOC}")
