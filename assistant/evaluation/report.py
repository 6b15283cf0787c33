"""The scorecard (pass rates per engine, task and assertion type; claim, estimate and guard rates) and the
text, Markdown, HTML and JSON reports. Synthetic recordings are listed but never scored."""

from __future__ import annotations

import html
import json
from collections import defaultdict
from pathlib import Path

from pydantic import BaseModel, Field

from assistant.evaluation.cases import OFFLINE_PASS, TASKS
from assistant.evaluation.runner import OFFLINE_ENGINE, EvalRun, TaskRun

COLUMNS: tuple[str, ...] = (OFFLINE_PASS, *TASKS)


class Rate(BaseModel):
    passed: int = 0
    total: int = 0

    @property
    def pct(self) -> float | None:
        return 100.0 * self.passed / self.total if self.total else None

    def add(self, ok: bool) -> None:
        self.total += 1
        self.passed += int(ok)

    def show(self) -> str:
        return "—" if self.pct is None else f"{self.pct:.0f}% ({self.passed}/{self.total})"


class EngineScore(BaseModel):
    """One engine's (offline, or one recorded provider/model) scores over the cases it answered."""

    engine: str
    runs: Rate = Field(default_factory=Rate)
    by_task: dict[str, Rate] = Field(default_factory=dict)
    by_assertion: dict[str, Rate] = Field(default_factory=dict)
    errors: int = 0
    outputs: int = 0
    invented: int = 0
    estimates: int = 0
    guard_interventions: dict[str, int] = Field(default_factory=dict)
    drift: int = 0
    outcome_changed: int = 0

    @property
    def invented_rate(self) -> float | None:
        return 100.0 * self.invented / self.outputs if self.outputs else None

    @property
    def estimate_rate(self) -> float | None:
        return 100.0 * self.estimates / self.outputs if self.outputs else None


class Scorecard(BaseModel):
    engines: list[EngineScore] = Field(default_factory=list)
    synthetic: list[TaskRun] = Field(default_factory=list)
    cases: int = 0
    replay_seconds: float = 0.0
    wall_seconds: float = 0.0
    stale: int = 0
    run_errors: int = 0


def _score(engine: str, runs: list[TaskRun]) -> EngineScore:
    score = EngineScore(engine=engine)
    for run in runs:
        if run.status == "run-error":
            continue
        score.runs.add(run.passed)
        score.by_task.setdefault(run.task, Rate()).add(run.passed)
        for result in run.results:
            score.by_assertion.setdefault(result.type, Rate()).add(result.passed)
        if run.task == OFFLINE_PASS:
            continue
        if run.status == "error":
            score.errors += 1
            continue
        score.outputs += 1
        failed = {r.type for r in run.failed}
        score.invented += int(run.guards.get("invented-claim", 0) > 0 or "no_invented_claims" in failed)
        score.estimates += int(run.guards.get("estimate", 0) > 0 or "no_time_estimates" in failed)
        for guard, count in run.guards.items():
            score.guard_interventions[guard] = score.guard_interventions.get(guard, 0) + count
        score.drift += int(run.drift)
        score.outcome_changed += int(run.outcome_changed is not None)
    return score


def scorecard(run: EvalRun) -> Scorecard:
    """Scores per engine; the offline engine first, synthetic recordings set aside."""
    grouped: dict[str, list[TaskRun]] = defaultdict(list)
    synthetic: list[TaskRun] = []
    for item in run.runs:
        if item.synthetic:
            synthetic.append(item)
        else:
            grouped[item.engine].append(item)
    order = sorted(grouped, key=lambda e: (e != OFFLINE_ENGINE, e))
    engines = [_score(e, grouped[e]) for e in order]
    offline = grouped.get(OFFLINE_ENGINE, [])
    for engine in order[1:]:
        # The offline engine on exactly the case × task pairs this model answered: a like-for-like row.
        pairs = {(r.case_id, r.task) for r in grouped[engine] if r.status != "run-error"}
        same = [r for r in offline if (r.case_id, r.task) in pairs]
        if same:
            engines.append(_score(f"offline (same pairs as {engine})", same))
    return Scorecard(
        engines=engines,
        synthetic=synthetic,
        cases=run.cases,
        replay_seconds=run.replay_seconds,
        wall_seconds=run.wall_seconds,
        stale=len(run.stale),
        run_errors=len(run.run_errors),
    )


# ---------------------------------------------------------------- text
def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}%"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return [fmt.format(*header), fmt.format(*("-" * w for w in widths)), *(fmt.format(*r) for r in rows)]


def scorecard_lines(run: EvalRun, card: Scorecard | None = None) -> list[str]:
    card = card or scorecard(run)
    lines = [
        f"Eval suite: {card.cases} cases; {len(run.runs)} task runs in {card.wall_seconds:.2f} s "
        f"(replaying recordings: {card.replay_seconds:.2f} s)",
        "",
        "Pass rate per task (a run passes when all its assertions pass):",
    ]
    columns = [c for c in COLUMNS if any(c in e.by_task for e in card.engines)]
    rows = [[e.engine, e.runs.show(), *(e.by_task.get(c, Rate()).show() for c in columns)] for e in card.engines]
    lines += _table(["engine", "all", *columns], rows)
    lines += ["", "Pass rate per assertion type:"]
    types = sorted({t for e in card.engines for t in e.by_assertion})
    rows = [[t, *(e.by_assertion.get(t, Rate()).show() for e in card.engines)] for t in types]
    lines += _table(["assertion", *(e.engine for e in card.engines)], rows)
    models = [e for e in card.engines if not e.engine.startswith(OFFLINE_ENGINE)]
    if models:
        lines.append("")
        lines += [f"Coverage {e.engine}: {e.runs.total} of {run.recordable} case × task pairs recorded" for e in models]
    lines += ["", "Outputs, errors and guards:"]
    rows = []
    for e in card.engines:
        guards = ", ".join(f"{k} {v}" for k, v in sorted(e.guard_interventions.items())) or "none"
        rows.append(
            [
                e.engine,
                str(e.outputs),
                str(e.errors),
                _pct(e.invented_rate),
                _pct(e.estimate_rate),
                guards,
                str(e.drift),
                str(e.outcome_changed),
            ]
        )
    header = ["engine", "outputs", "errors", "invented-claim rate", "estimate rate", "guard interventions"]
    lines += _table([*header, "request drift", "outcome changed"], rows)
    lines.append(
        "(rates: share of outputs where the model or engine stated a number/date/name or a time estimate "
        "not in the input, caught by the guards or left in the final output)"
    )
    if card.synthetic:
        passed = sum(1 for r in card.synthetic if r.status != "run-error")
        lines += [
            "",
            f"Synthetic recordings (hand-written error paths, excluded from scores): {len(card.synthetic)} "
            f"replayed, {passed} ran as recorded",
        ]
        lines += [f"  {r.recording}: {r.status}{' — ' + r.error if r.error else ''}" for r in card.synthetic]
    lines.append("")
    if run.stale:
        lines.append(f"STALE recordings: {len(run.stale)} (re-record with `assistant eval --record …`)")
        lines += [f"  {s.path}: {s.reason}" for s in run.stale[:20]]
        if len(run.stale) > 20:
            lines.append(f"  … and {len(run.stale) - 20} more")
    else:
        lines.append("Stale recordings: none")
    if run.run_errors:
        lines.append(f"RUN ERRORS: {len(run.run_errors)}")
        lines += [f"  {e}" for e in run.run_errors[:20]]
    lines.append("Result: " + ("OK" if run.ok else "FAILED (stale recordings or run errors)"))
    return lines


# ---------------------------------------------------------------- Markdown
def markdown(run: EvalRun) -> str:
    card = scorecard(run)
    out = ["# Eval scorecard", "", "```", *scorecard_lines(run, card), "```", "", "## Failed runs", ""]
    failed = [r for r in run.runs if not r.passed]
    if not failed:
        out.append("None.")
    for r in failed:
        detail = "; ".join(f"{a.label} — {a.detail}" for a in r.failed) or (r.error or r.status)
        synthetic = " (synthetic)" if r.synthetic else ""
        out.append(f"- **{r.case_id}** · {r.task} · {_e(r.engine)}{synthetic}: {_e(detail)}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- HTML
_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}
td,th{border:1px solid #ccc;padding:.3rem .5rem;vertical-align:top;text-align:left}
pre{white-space:pre-wrap;max-width:40rem;margin:0;font-size:.85rem}
.pass{background:#e8f5e9}.fail{background:#ffebee}.syn{color:#777}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def html_report(run: EvalRun) -> str:
    """A standalone HTML page: the scorecard and a per-case table (input, output, failed assertions)."""
    card = scorecard(run)
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Eval report</title>",
        f"<style>{_CSS}</style></head><body><h1>Eval report</h1>",
        f"<pre>{_e(chr(10).join(scorecard_lines(run, card)))}</pre>",
        "<h2>Per case</h2><table><thead><tr><th>case</th><th>task</th><th>engine</th><th>status</th>"
        "<th>input</th><th>output</th><th>failed assertions</th></tr></thead><tbody>",
    ]
    for r in sorted(run.runs, key=lambda x: (x.case_id, x.task, x.engine != OFFLINE_ENGINE, x.engine)):
        css = "pass" if r.passed else "fail"
        engine = _e(r.engine) + (" <span class='syn'>(synthetic, not scored)</span>" if r.synthetic else "")
        failed = "".join(f"<li>{_e(a.label)}: {_e(a.detail)}</li>" for a in r.failed)
        status = _e(r.status) + (f"<br>{_e(r.error)}" if r.error else "")
        parts.append(
            f"<tr class='{css}'><td>{_e(r.case_id)}</td><td>{_e(r.task)}</td><td>{engine}</td>"
            f"<td>{status}</td><td><pre>{_e(run.inputs.get(r.case_id, ''))}</pre></td>"
            f"<td><pre>{_e(r.output)}</pre></td><td><ul>{failed}</ul></td></tr>"
        )
    parts.append("</tbody></table></body></html>")
    return "\n".join(parts) + "\n"


# ---------------------------------------------------------------- JSON
def json_report(run: EvalRun) -> str:
    card = scorecard(run)
    engines = []
    for e in card.engines:
        engines.append(
            {
                "engine": e.engine,
                "pass_rate": e.runs.pct,
                "by_task": {k: v.model_dump() | {"pct": v.pct} for k, v in e.by_task.items()},
                "by_assertion": {k: v.model_dump() | {"pct": v.pct} for k, v in e.by_assertion.items()},
                "outputs": e.outputs,
                "errors": e.errors,
                "invented_claim_rate": e.invented_rate,
                "estimate_rate": e.estimate_rate,
                "guard_interventions": e.guard_interventions,
                "request_drift": e.drift,
                "outcome_changed": e.outcome_changed,
            }
        )
    payload = {"ok": run.ok, "scorecard": engines, "run": run.model_dump(mode="json")}
    return json.dumps(payload, indent=1, ensure_ascii=False) + "\n"


def write_report(run: EvalRun, path: Path) -> Path:
    """Write the report in the format the suffix names (.html, .md or .json)."""
    suffix = path.suffix.lower()
    writers = {".html": html_report, ".htm": html_report, ".md": markdown, ".json": json_report}
    if suffix not in writers:
        raise ValueError(f"unknown report format {suffix!r}: use .html, .md or .json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(writers[suffix](run), encoding="utf-8")
    return path
