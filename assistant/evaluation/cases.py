"""Eval cases: YAML files of drafts with plain assertions, loaded and validated.

A file holds `cases:` and optional `defaults:` (a `task` and an `expect` merged into every case, the
case winning). `expect` maps an assertion type to its value; a task name as key scopes the assertions
under it to that task only::

    defaults:
      task: [rewrite, questions, complexity]
      expect: {no_invented_claims: true, no_time_estimates: true, schema_valid: true}
    cases:
      - id: drive-by-csv-export
        input:
          draft: "Can we just add CSV export by March 15? Should be simple."
          context: {who: Acme's finance team}
        expect:
          flagged: ["can we just", "should be simple"]
          missing_context: [problem, why-now]
          complexity_categories: [import-export]
          rewrite: {not_contains: ["should be simple"], keeps: ["March 15"]}
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.schemas import COMPLEXITY_CATEGORIES, CONTEXT_ELEMENT_IDS, PMContext

OFFLINE_PASS = "offline-pass"
MODEL_TASKS: tuple[str, ...] = ("rewrite", "questions", "complexity", "trust")
EXTRA_TASKS: tuple[str, ...] = ("scope-change", "rehearsal-debrief")
TASKS: tuple[str, ...] = MODEL_TASKS + EXTRA_TASKS
DEFAULT_CASES_DIR = Path(__file__).resolve().parent / "suite" / "cases"

_ALL = TASKS
# Which task's output each assertion type looks at. The offline-pass ones look at the deterministic
# analysis of the input (the same whatever engine answers the tasks).
ASSERTION_TASKS: dict[str, tuple[str, ...]] = {
    "flagged": (OFFLINE_PASS,),
    "not_flagged": (OFFLINE_PASS,),
    "flagged_categories": (OFFLINE_PASS,),
    "not_flagged_categories": (OFFLINE_PASS,),
    "missing_context": (OFFLINE_PASS,),
    "present_context": (OFFLINE_PASS,),
    "trust_categories": ("trust",),
    "not_trust_categories": ("trust",),
    "quotes_exact": ("trust",),
    "complexity_categories": ("complexity",),
    "not_complexity_categories": ("complexity",),
    "questions_open": ("questions", "scope-change"),
    "consistent": ("scope-change",),
    "debrief_high": ("rehearsal-debrief",),
    "debrief_low": ("rehearsal-debrief",),
    "evidence_quoted": ("rehearsal-debrief",),
    "keeps": ("rewrite", "scope-change"),
    "keeps_facts": ("rewrite", "scope-change"),
    "text_quality": ("rewrite", "scope-change"),
    "no_new_trust_findings": ("rewrite", "scope-change"),
    "not_contains": _ALL,
    "no_invented_claims": _ALL,
    "no_time_estimates": _ALL,
    "schema_valid": _ALL,
}
FLAG_TYPES = frozenset(
    {
        "questions_open",
        "quotes_exact",
        "consistent",
        "evidence_quoted",
        "keeps_facts",
        "text_quality",
        "no_new_trust_findings",
        "no_invented_claims",
        "no_time_estimates",
        "schema_valid",
    }
)
ASSERTION_TYPES: tuple[str, ...] = tuple(ASSERTION_TASKS)
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


class CaseError(ValueError):
    """A case file is malformed; the message names the file and the case."""


class Assertion(BaseModel):
    """One plain assertion: a type, its value (a list of strings, or true), and the task it applies to."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: str
    task: str
    value: tuple[str, ...] | bool = True

    @property
    def label(self) -> str:
        if isinstance(self.value, bool):
            return self.type
        return f"{self.type}: {', '.join(self.value)}"


class CaseInput(BaseModel):
    """What the PM gave: the draft, optional context fields, and task-specific extras."""

    model_config = ConfigDict(extra="forbid")

    draft: str
    context: PMContext | None = None
    extra: dict[str, Any] = Field(default_factory=dict)

    def sources(self) -> list[str]:
        """Every text the PM wrote: what an output's facts must be traced to."""
        texts = [self.draft, self.context.as_text() if self.context else ""]
        texts += [v for v in _strings(self.extra)]
        return [t for t in texts if t]


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    description: str = ""
    tags: list[str] = Field(default_factory=list)
    task: list[str]
    input: CaseInput
    expect: list[Assertion] = Field(default_factory=list)
    file: str = ""

    @field_validator("id")
    @classmethod
    def _id_is_a_slug(cls, value: str) -> str:
        if not _ID_RE.match(value):
            raise ValueError("id must be lower-case letters, digits and hyphens (it names recording files)")
        return value

    @field_validator("task", mode="before")
    @classmethod
    def _task_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("task")
    @classmethod
    def _known_tasks(cls, value: list[str]) -> list[str]:
        unknown = [t for t in value if t not in TASKS]
        if unknown or not value:
            raise ValueError(f"task must be one or more of {', '.join(TASKS)}; got {value}")
        return value

    def input_hash(self) -> str:
        """A hash of the input: a recording made for another input is stale."""
        payload = json.dumps(self.input.model_dump(mode="json", exclude_none=True), sort_keys=True)
        return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]

    def assertions_for(self, task: str) -> list[Assertion]:
        return [a for a in self.expect if a.task == task and a.value is not False]


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield str(value)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _merge(defaults: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    merged = dict(defaults)
    for key, value in own.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def _check_values(kind: str, values: tuple[str, ...]) -> None:
    allowed: tuple[str, ...] | None = None
    if kind in ("missing_context", "present_context"):
        allowed = CONTEXT_ELEMENT_IDS
    elif kind in ("complexity_categories", "not_complexity_categories"):
        allowed = COMPLEXITY_CATEGORIES
    elif kind in ("debrief_high", "debrief_low"):
        from assistant.tasks.rehearsal import CRITERIA

        allowed = tuple(CRITERIA)
    elif kind in ("flagged_categories", "not_flagged_categories", "trust_categories", "not_trust_categories"):
        from assistant.checks.ruleset import trust_rules

        allowed = tuple(sorted({r.category for r in trust_rules()}))
    if allowed is not None:
        unknown = [v for v in values if v not in allowed]
        if unknown:
            raise ValueError(f"{kind}: unknown {', '.join(unknown)} (expected one of {', '.join(allowed)})")


def _assertion(kind: str, value: Any, tasks: tuple[str, ...], case_tasks: list[str]) -> list[Assertion]:
    if kind not in ASSERTION_TASKS:
        raise ValueError(f"unknown assertion type {kind!r}; expected one of {', '.join(ASSERTION_TYPES)}")
    if kind in FLAG_TYPES:
        if not isinstance(value, bool):
            raise ValueError(f"{kind}: expected true or false")
        normalised: tuple[str, ...] | bool = value
    else:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(v, str) and v.strip() for v in items):
            raise ValueError(f"{kind}: expected a string or a list of strings")
        normalised = tuple(items)
        _check_values(kind, normalised)
    targets = [t for t in ASSERTION_TASKS[kind] if t in tasks and (t == OFFLINE_PASS or t in case_tasks)]
    return [Assertion(type=kind, task=t, value=normalised) for t in targets]


def parse_expect(expect: dict[str, Any], case_tasks: list[str]) -> list[Assertion]:
    """The `expect` mapping as a flat list of assertions, each bound to one task."""
    everywhere = (OFFLINE_PASS, *TASKS)
    assertions: list[Assertion] = []
    for key, value in expect.items():
        if key in TASKS:
            if not isinstance(value, dict):
                raise ValueError(f"expect.{key}: expected a mapping of assertions for that task")
            for kind, inner in value.items():
                found = _assertion(kind, inner, (key,), case_tasks)
                if not found:
                    raise ValueError(f"expect.{key}.{kind}: {kind} does not apply to the {key} task")
                assertions += found
        else:
            assertions += _assertion(key, value, everywhere, case_tasks)
    return assertions


def load_case_file(path: Path) -> list[Case]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise CaseError(f"{path}: not valid YAML ({error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise CaseError(f"{path}: expected a mapping with a `cases:` list")
    defaults = data.get("defaults") or {}
    cases = []
    for index, raw in enumerate(data["cases"]):
        where = f"{path.name}: case {raw.get('id', index) if isinstance(raw, dict) else index}"
        if not isinstance(raw, dict):
            raise CaseError(f"{where}: expected a mapping")
        merged = _merge(defaults, raw)
        try:
            tasks = merged.get("task")
            tasks = [tasks] if isinstance(tasks, str) else tasks
            merged["expect"] = parse_expect(merged.get("expect") or {}, tasks if isinstance(tasks, list) else [])
            cases.append(Case.model_validate({**merged, "file": path.name}))
        except (ValidationError, ValueError) as error:
            raise CaseError(f"{where}: {error}") from None
    return cases


def load_cases(directory: Path | None = None) -> list[Case]:
    """Every case under `directory` (default: the bundled suite), in file then case order; ids are unique."""
    directory = directory or DEFAULT_CASES_DIR
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    if not files:
        raise CaseError(f"no case files (*.yaml) in {directory}")
    cases: list[Case] = []
    seen: dict[str, str] = {}
    for path in files:
        for case in load_case_file(path):
            if case.id in seen:
                raise CaseError(f"{path.name}: duplicate case id {case.id!r} (also in {seen[case.id]})")
            seen[case.id] = path.name
            cases.append(case)
    return cases


def select(cases: list[Case], *, task: str | None = None, case_id: str | None = None) -> list[Case]:
    """Cases filtered by task and id (an id may end with * as a prefix match)."""
    out = cases
    if task:
        out = [c for c in out if task in c.task]
    if case_id:
        if case_id.endswith("*"):
            out = [c for c in out if c.id.startswith(case_id[:-1])]
        else:
            out = [c for c in out if c.id == case_id]
    return out
