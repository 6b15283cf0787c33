"""Run the suite: the offline engine on every case, every recording replayed through respx (the real
provider code, parsing and guards), or a live provider recorded.

A stale recording (its prompt or case input changed) is reported and not replayed; a replay that
needs responses the recording does not have is a run error. Either makes `EvalRun.ok` false.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.checks import offline
from assistant.evaluation import recordings as rec
from assistant.evaluation.cases import MODEL_TASKS, OFFLINE_PASS, Case, load_cases, select
from assistant.evaluation.scoring import AssertionResult, render_output, score
from assistant.llm.chains import TASKS as CHAIN_TASKS
from assistant.llm.chains import TaskRunner
from assistant.llm.prompt_files import PromptSpec, load_prompt
from assistant.llm.providers.errors import ProviderError
from assistant.schemas import Analysis, TaskResult
from assistant.tasks.drafts import offline_task

if TYPE_CHECKING:
    import httpx2

    from assistant.llm.providers.base import Provider

OFFLINE_ENGINE = "offline"
Status = Literal["ok", "error", "run-error"]
OfflineTask = Callable[[Case, Analysis], BaseModel]


class TaskRun(BaseModel):
    """One case × task × engine: what came out and how it scored."""

    model_config = ConfigDict(extra="forbid")

    engine: str
    case_id: str
    task: str
    status: Status
    synthetic: bool = False
    recording: str | None = None
    error: str | None = None
    output: str = ""
    results: list[AssertionResult] = Field(default_factory=list)
    guards: dict[str, int] = Field(default_factory=dict)
    guards_ran: bool = False
    attempts: int = 0
    drift: bool = False
    outcome_changed: str | None = None
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.status == "ok" and all(r.passed for r in self.results)

    @property
    def failed(self) -> list[AssertionResult]:
        return [r for r in self.results if not r.passed]


class StaleRecording(BaseModel):
    path: str
    engine: str
    case_id: str
    task: str
    reason: str


class EvalRun(BaseModel):
    """Everything one `assistant eval` run found."""

    cases: int = 0
    runs: list[TaskRun] = Field(default_factory=list)
    stale: list[StaleRecording] = Field(default_factory=list)
    run_errors: list[str] = Field(default_factory=list)
    inputs: dict[str, str] = Field(default_factory=dict)
    recordable: int = Field(default=0, description="case × task pairs a model could answer (coverage base)")
    replay_seconds: float = 0.0
    wall_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.stale and not self.run_errors


# ---------------------------------------------------------------- offline engine
def _offline_model_task(task: str) -> OfflineTask:
    def run(case: Case, analysis: Analysis) -> BaseModel:
        return offline_task(task, case.input.draft, case.input.context, analysis, "")

    return run


def offline_tasks() -> dict[str, OfflineTask]:
    """Offline runners for every task whose module exists."""
    runners: dict[str, OfflineTask] = {t: _offline_model_task(t) for t in MODEL_TASKS}
    from assistant.evaluation import extra_tasks

    runners.update(extra_tasks.available())
    return runners


def run_offline(cases: Iterable[Case], task: str | None = None) -> list[TaskRun]:
    """The offline engine on every case: the offline-pass assertions, then each task's output."""
    runners = offline_tasks()
    runs: list[TaskRun] = []
    for case in cases:
        started = time.perf_counter()
        analysis = offline.analyze(case.input.draft, case.input.context)
        if task is None and case.assertions_for(OFFLINE_PASS):
            runs.append(
                TaskRun(
                    engine=OFFLINE_ENGINE,
                    case_id=case.id,
                    task=OFFLINE_PASS,
                    status="ok",
                    output=_analysis_summary(analysis),
                    results=score(case, OFFLINE_PASS, analysis, None),
                    seconds=round(time.perf_counter() - started, 4),
                )
            )
        for name in case.task:
            if task and name != task:
                continue
            started = time.perf_counter()
            runner = runners.get(name)
            if runner is None:
                runs.append(
                    TaskRun(
                        engine=OFFLINE_ENGINE,
                        case_id=case.id,
                        task=name,
                        status="run-error",
                        error=f"no offline runner for task {name!r} (module not available)",
                    )
                )
                continue
            result = runner(case, analysis)
            guarded = result if isinstance(result, TaskResult) else None
            result = guarded.result if guarded is not None else result
            runs.append(
                TaskRun(
                    engine=OFFLINE_ENGINE,
                    case_id=case.id,
                    task=name,
                    status="ok",
                    output=render_output(name, result),
                    results=score(case, name, analysis, result),
                    guards=_guard_counts(guarded),
                    guards_ran=guarded is not None,
                    seconds=round(time.perf_counter() - started, 4),
                )
            )
    return runs


def _analysis_summary(analysis: Analysis) -> str:
    lines = [
        "flagged: " + (", ".join(f'"{f.text}" ({f.category})' for f in analysis.findings) or "nothing"),
        "missing context: " + (", ".join(e.element for e in analysis.missing_context) or "none"),
        "complexity: " + (", ".join(f.category for f in analysis.complexity) or "none"),
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------- replay
class _WatchedRouter:
    """Passes requests to a respx router and remembers failures the SDK would turn into connection errors."""

    def __init__(self, router: Any) -> None:
        self.router = router
        self.failures: list[str] = []
        self.bodies: list[Any] = []

    def handler(self, request: Any) -> Any:
        try:
            self.bodies.append(json.loads(request.content or b"null"))
        except ValueError:
            self.bodies.append(None)
        try:
            return self.router.handler(request)
        except Exception as error:
            self.failures.append(f"{type(error).__name__}: {error}" if str(error) else type(error).__name__)
            raise


def _messages(body: Any) -> Any:
    if not isinstance(body, dict):
        return body
    return {k: body.get(k) for k in ("messages", "system", "tools") if k in body}


def replay_recording(case: Case, recording: rec.Recording, prompt: PromptSpec, path: str = "") -> TaskRun:
    """Replay one recording through respx and the real provider, chain and guards; score the result."""
    from assistant.evaluation.replay import client_for, router_from_exchanges

    watched = _WatchedRouter(router_from_exchanges(recording.exchanges))
    provider = rec.replay_provider(recording, client_for(watched))  # type: ignore[arg-type]
    analysis = offline.analyze(case.input.draft, case.input.context)
    started = time.perf_counter()
    result: TaskResult | None = None
    error: str | None = None
    error_type: str | None = None
    try:
        result = TaskRunner(recording.task, provider, prompt=prompt).invoke(
            case.input.draft, case.input.context, analysis
        )
    except ProviderError as exc:
        error, error_type = exc.user_message, type(exc).__name__
    seconds = round(time.perf_counter() - started, 4)
    base = {
        "engine": recording.engine,
        "case_id": case.id,
        "task": recording.task,
        "synthetic": recording.provenance.synthetic,
        "recording": path,
        "seconds": seconds,
    }
    if watched.failures:
        return TaskRun(
            **base,
            status="run-error",
            error="replay failed: "
            + "; ".join(watched.failures)
            + f" ({len(watched.bodies)} request(s), {len(recording.exchanges)} recorded)",
        )
    recorded_bodies = [_messages(scrub_secrets_obj(x["request"].get("body"))) for x in recording.exchanges]
    sent_bodies = [_messages(scrub_secrets_obj(b)) for b in watched.bodies]
    drift = recorded_bodies[: len(sent_bodies)] != sent_bodies
    changed = _outcome_change(recording.outcome, error_type)
    inner = result.result if result is not None else None
    return TaskRun(
        **base,
        status="ok" if result is not None else "error",
        error=f"{error_type}: {error}" if error else None,
        output=render_output(recording.task, inner),
        results=score(case, recording.task, analysis, inner, error),
        guards=_guard_counts(result),
        guards_ran=result is not None,
        attempts=result.attempts if result is not None else len(watched.bodies),
        drift=drift,
        outcome_changed=changed,
    )


def scrub_secrets_obj(value: Any) -> Any:
    return rec.scrub(value)[0]


def _outcome_change(recorded: rec.Outcome, error_type: str | None) -> str | None:
    now = error_type or "ok"
    before = recorded.error_type if recorded.status == "error" else "ok"
    return None if now == before else f"recorded {before}, replayed {now}"


def _guard_counts(result: TaskResult | None) -> dict[str, int]:
    counts: dict[str, int] = {}
    if result is not None:
        for finding in result.guards.findings:
            counts[finding.guard] = counts.get(finding.guard, 0) + 1
    return counts


def current_prompts(tasks: Iterable[str], prompts_dir: Path | None = None) -> dict[str, PromptSpec]:
    return {t: load_prompt(t, prompts_dir) for t in tasks if t in CHAIN_TASKS}


def replay_all(
    cases: list[Case],
    root: Path,
    *,
    task: str | None = None,
    case_id: str | None = None,
    prompts_dir: Path | None = None,
) -> tuple[list[TaskRun], list[StaleRecording], list[str]]:
    """Replay every recording under `root` for the selected cases; report stale ones instead."""
    by_id = {c.id: c for c in cases}
    loaded, errors = rec.load_all(root)
    prompts = current_prompts(CHAIN_TASKS, prompts_dir)
    runs: list[TaskRun] = []
    stale: list[StaleRecording] = []
    for item in loaded:
        recording = item.recording
        if (task and recording.task != task) or (case_id and recording.case_id not in by_id):
            continue
        shown = _relative(item.path, root)
        case = by_id.get(recording.case_id)
        prompt = prompts.get(recording.task)
        if prompt is None:
            errors.append(f"{shown}: task {recording.task!r} has no prompt chain")
            continue
        reason = rec.stale_reason(recording, case, prompt.version)
        if reason is not None or case is None:
            stale.append(
                StaleRecording(
                    path=shown,
                    engine=recording.engine,
                    case_id=recording.case_id,
                    task=recording.task,
                    reason=reason or "no case",
                )
            )
            continue
        try:
            runs.append(replay_recording(case, recording, prompt, shown))
        except Exception as exc:  # a harness failure, not a model outcome
            errors.append(f"{shown}: {type(exc).__name__}: {exc}")
    errors += [f"{r.recording}: {r.error}" for r in runs if r.status == "run-error"]
    return runs, stale, errors


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def run_eval(
    cases_dir: Path | None = None,
    recordings_dir: Path | None = None,
    *,
    task: str | None = None,
    case_id: str | None = None,
    prompts_dir: Path | None = None,
    offline_engine: bool = True,
) -> EvalRun:
    """The whole suite: offline engine plus every recording replayed."""
    started = time.perf_counter()
    cases = select(load_cases(cases_dir), task=task, case_id=case_id)
    root = recordings_dir or rec.DEFAULT_RECORDINGS_DIR
    runs = run_offline(cases, task) if offline_engine else []
    replay_started = time.perf_counter()
    replayed, stale, errors = replay_all(cases, root, task=task, case_id=case_id, prompts_dir=prompts_dir)
    replay_seconds = time.perf_counter() - replay_started
    errors += [f"offline {r.case_id}.{r.task}: {r.error}" for r in runs if r.status == "run-error"]
    return EvalRun(
        cases=len(cases),
        runs=runs + replayed,
        stale=stale,
        run_errors=errors,
        inputs={c.id: _input_text(c) for c in cases},
        recordable=sum(1 for c in cases for t in c.task if t in CHAIN_TASKS and (task is None or t == task)),
        replay_seconds=round(replay_seconds, 3),
        wall_seconds=round(time.perf_counter() - started, 3),
    )


def _input_text(case: Case) -> str:
    context = case.input.context.as_text() if case.input.context else ""
    extra = json.dumps(case.input.extra, ensure_ascii=False, indent=1) if case.input.extra else ""
    return "\n\n".join(p for p in (case.input.draft, context, extra) if p)


# ---------------------------------------------------------------- recording
def record_one(
    case: Case,
    task: str,
    make_provider: Callable[[httpx2.Client], Provider],
    prompt: PromptSpec,
    *,
    synthetic: bool = False,
    note: str = "",
    transport: Any = None,
) -> rec.Recording:
    """Call the live provider once for `case` × `task` and capture the exchanges and the outcome."""
    from assistant.evaluation.replay import recording_client
    from assistant.llm.providers.base import host_of

    sink: list[dict[str, Any]] = []
    provider = make_provider(recording_client(sink, transport=transport))
    outcome: rec.Outcome
    started = time.perf_counter()
    try:
        TaskRunner(task, provider, prompt=prompt).invoke(case.input.draft, case.input.context)
        outcome = rec.Outcome(status="ok")
    except ProviderError as exc:
        outcome = rec.Outcome(status="error", error_type=type(exc).__name__, error=exc.user_message)
    outcome.seconds = round(time.perf_counter() - started, 2)
    first_url = sink[0]["request"]["url"] if sink else None
    provenance = rec.Provenance(
        provider=provider.name,
        model=provider.model,
        base_url=rec.scrub_url_or_none(provider.base_url),
        base_url_host=provider.host or host_of(first_url) or "",
        recorded_at=rec.now_utc(),
        prompt_file=_prompt_file(prompt),
        prompt_hash=prompt.version,
        case_input_hash=case.input_hash(),
        synthetic=synthetic,
        max_output_tokens=provider.max_output_tokens,
        max_attempts=provider.retry_policy.max_attempts,
        response_format_mode=getattr(provider, "response_format_mode", None),
        note=note,
    )
    return rec.Recording(case_id=case.id, task=task, provenance=provenance, outcome=outcome, exchanges=sink)


def request_drift(recording: rec.Recording, case: Case, prompt: PromptSpec) -> bool:
    """Whether the first request the code would send today differs from the recorded one (the offline
    hints or the answer schema changed), computed without sending anything."""
    if not recording.exchanges:
        return False
    provider = rec.replay_provider(recording, http_client=None)  # type: ignore[arg-type]
    runner = TaskRunner(recording.task, provider, prompt=prompt)
    analysis = offline.analyze(case.input.draft, case.input.context)
    system, user, _ = runner.messages(case.input.draft, case.input.context, analysis)
    request = provider.build_request(system, user, runner.spec.answer_model)
    now = _messages(scrub_secrets_obj(provider.sdk_params(request)))
    return now != _messages(scrub_secrets_obj(recording.exchanges[0]["request"].get("body")))


def is_fresh(recording: rec.Recording, case: Case, prompt: PromptSpec) -> bool:
    """Not stale and not drifted: re-recording would send the same first request."""
    return rec.stale_reason(recording, case, prompt.version) is None and not request_drift(recording, case, prompt)


def _prompt_file(prompt: PromptSpec) -> str:
    parts = prompt.path.parts
    return "/".join(parts[-2:]) if len(parts) >= 2 else str(prompt.path)


def record_all(
    cases: list[Case],
    root: Path,
    make_provider: Callable[[httpx2.Client], Provider],
    *,
    provider_name: str,
    model: str,
    task: str | None = None,
    only_missing: bool = False,
    prompts_dir: Path | None = None,
    log: Callable[[str], None] = print,
) -> list[Path]:
    """Record every case × model task (case by case, so a partial run leaves whole cases)."""
    prompts = current_prompts(CHAIN_TASKS, prompts_dir)
    saved: list[Path] = []
    pairs = [(c, t) for c in cases for t in c.task if t in prompts and (task is None or t == task)]
    for index, (case, name) in enumerate(pairs, 1):
        path = rec.recording_path(root, provider_name, model, case.id, name)
        if only_missing and path.is_file():
            try:
                existing = rec.load(path)
            except ValueError:
                existing = None
            if existing is not None and is_fresh(existing, case, prompts[name]):
                continue
        recording = record_one(case, name, make_provider, prompts[name])
        rec.save(recording, path)
        saved.append(path)
        outcome = recording.outcome
        log(
            f"[{index}/{len(pairs)}] {case.id}.{name}: {outcome.status}"
            + (f" ({outcome.error_type})" if outcome.error_type else "")
            + f" in {outcome.seconds:.1f} s, {len(recording.exchanges)} exchange(s)"
        )
    return saved
