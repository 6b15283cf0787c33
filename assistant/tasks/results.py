"""Small pieces every task shares: the offline `TaskResult`, the guards as a self-check of offline texts,
and the guards over some string fields of a model's answer."""

from __future__ import annotations

from pydantic import BaseModel

from assistant.checks.guards import guard_text
from assistant.schemas import GuardFinding, GuardReport, TaskResult


def offline_result(task: str, result: BaseModel, findings: list[GuardFinding], notice: str) -> TaskResult:
    """A result the offline engine produced (its guard findings from `self_check`, in report mode)."""
    return TaskResult[type(result)](  # type: ignore[misc]
        task=task,
        engine="offline",
        provider="offline",
        guards=GuardReport(findings=findings),
        notice=notice,
        result=result,
    )


def self_check(texts: dict[str, str], sources: list[str]) -> list[GuardFinding]:
    """The guards in report mode over offline texts, line by line (they should find nothing)."""
    findings: list[GuardFinding] = []
    for name, text in texts.items():
        for line in text.splitlines():
            findings += guard_text("\n" + line, sources, field=name, repair=False)[1]
    return findings


def guard_fields(
    obj: BaseModel, names: list[str], sources: list[str], prefix: str = ""
) -> tuple[dict[str, str], list[GuardFinding]]:
    """Run the guards over some string fields of a model's answer; return the repaired values and findings."""
    values: dict[str, str] = {}
    findings: list[GuardFinding] = []
    for name in names:
        values[name], found = guard_text(getattr(obj, name), sources, field=prefix + name)
        findings += found
    return values, findings
