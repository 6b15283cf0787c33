"""Offline runners for the tasks built outside the chain layer: scope change and rehearsal debrief.

Each is registered only when its module imports, so the suite runs before and after they land.
Case input for both: `draft` is the change as the PM wrote it; `extra` holds `original` (required),
`who_why`, `sprint`, `changed_before`, and for a rehearsal `persona` and `pm_lines` (what the PM says).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict

from assistant.evaluation.cases import Case
from assistant.schemas import Analysis

OfflineTask = Callable[[Case, Analysis], BaseModel]
_SCOPE_FIELDS = ("original", "who_why", "sprint", "changed_before")


def scope_input(case: Case) -> Any:
    """The case as a `ScopeChangeInput` (the draft is the change)."""
    from assistant.tasks.scope import ScopeChangeInput

    extra = {k: v for k, v in case.input.extra.items() if k in _SCOPE_FIELDS}
    return ScopeChangeInput(change=case.input.draft, **extra)


def run_scope_change(case: Case, analysis: Analysis) -> BaseModel:
    from assistant.tasks.scope import prepare_scope_change

    return prepare_scope_change(scope_input(case))


class RehearsalOutcome(BaseModel):
    """A scripted rehearsal: the lead's lines and the debrief of the PM's lines."""

    model_config = ConfigDict(extra="forbid")

    pm_lines: list[str]
    lead_lines: list[str]
    debrief: Any


def run_rehearsal(case: Case, analysis: Analysis) -> BaseModel:
    from assistant.tasks.rehearsal import Rehearsal

    lines = [str(line) for line in case.input.extra.get("pm_lines", [])]
    session = Rehearsal.start(scope_input(case), persona=case.input.extra.get("persona", "supportive"))
    lead = [session.reply(line).text for line in lines]
    return RehearsalOutcome(pm_lines=lines, lead_lines=lead, debrief=session.end())


def available() -> dict[str, OfflineTask]:
    """Task name → offline runner, for the modules that can be imported."""
    runners: dict[str, OfflineTask] = {}
    try:
        from assistant.tasks import scope  # noqa: F401
    except ImportError:
        return runners
    runners["scope-change"] = run_scope_change
    try:
        from assistant.tasks import rehearsal  # noqa: F401
    except ImportError:
        return runners
    runners["rehearsal-debrief"] = run_rehearsal
    return runners
