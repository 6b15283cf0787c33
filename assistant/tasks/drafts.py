"""The task API every surface calls: run a task offline or through a model, with the same result types."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from assistant.checks import offline
from assistant.checks.guards import guard_text, quality_findings
from assistant.checks.offline import RewriteForm
from assistant.schemas import (
    Analysis,
    AnalyzeReport,
    ComplexityReport,
    LintReport,
    PMContext,
    QuestionSet,
    Rewrite,
    TaskResult,
    TrustReport,
)
from assistant.tasks.results import offline_result

if TYPE_CHECKING:
    from assistant.llm.providers.base import Provider
    from assistant.llm.settings import Settings

TASK_NAMES = ("rewrite", "questions", "complexity")
# The calls `run_analyze` makes through a model: the three tasks, then the model's own trust findings.
ANALYZE_MODEL_TASKS = (*TASK_NAMES, "trust")
OFFLINE_NOTICE = "Offline engine: deterministic rules, no model was called."


def provider_from_settings(
    settings: Settings | None = None,
    *,
    http_client: Any = None,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[Provider | None, str]:
    """The provider the settings select (None for offline) and a one-line notice saying why."""
    from assistant.llm.cache import ResponseCache
    from assistant.llm.providers.factory import get_provider
    from assistant.llm.settings import Settings, resolve_provider

    settings = settings or Settings()
    choice = resolve_provider(settings)
    if choice.offline:
        return None, f"{choice.reason} {OFFLINE_NOTICE}"
    cache = ResponseCache.from_settings(settings)
    provider = get_provider(settings, http_client=http_client, sleep=sleep, cache=cache)
    return provider, choice.reason


def offline_task(
    task: str,
    draft: str,
    context: PMContext | None,
    analysis: Analysis,
    notice: str,
    form: RewriteForm = "auto",
) -> TaskResult:
    """A task answered by the offline engine, with its guards run in report mode as a self-check. `form`: how
    many `[needs: …]` slots the rewrite adds (`offline.rewrite`)."""
    result: Rewrite | QuestionSet | ComplexityReport | TrustReport
    sources = [draft, context.as_text() if context else ""]
    findings = []
    if task == "rewrite":
        result = offline.rewrite(draft, context, analysis, form=form)
        _, findings = guard_text(result.text, sources, field="text", repair=False)
        findings += quality_findings(result.text, draft)
    elif task == "questions":
        result = QuestionSet(questions=analysis.questions)
    elif task == "complexity":
        result = ComplexityReport(flags=analysis.complexity)
    elif task == "trust":
        result = TrustReport(findings=analysis.findings)
    else:
        raise ValueError(f"unknown task {task!r}; expected one of {', '.join(ANALYZE_MODEL_TASKS)}")
    return offline_result(task, result, findings, notice)


def run_task(
    task: str,
    draft: str,
    context: PMContext | None = None,
    *,
    provider: Provider | None = None,
    notice: str = OFFLINE_NOTICE,
    confidential_terms: tuple[str, ...] = (),
    redact: bool | None = None,
    form: RewriteForm = "auto",
) -> TaskResult:
    """Run one task (rewrite, questions or complexity) offline (provider=None) or through the model. `form`
    sizes the offline rewrite's context block; a model's rewrite follows its prompt."""
    analysis = offline.analyze(draft, context)
    if provider is None:
        return offline_task(task, draft, context, analysis, notice, form)
    from assistant.llm.chains import TaskRunner

    runner = TaskRunner(task, provider, confidential_terms=confidential_terms, redact=redact)
    result = runner.invoke(draft, context, analysis)
    return result.model_copy(update={"notice": notice})


def run_lint(
    text: str,
    *,
    provider: Provider | None = None,
    ambiguity: bool = True,
    min_severity: str = "suggestion",
    semantic: bool | None = None,
    confidential_terms: tuple[str, ...] = (),
    redact: bool | None = None,
) -> tuple[LintReport, TaskResult[TrustReport] | None]:
    """`lint`, and through a model also the `trust` task: the model's findings whose quotes are the draft's
    exact words are merged in (`source="model"`, severity warning). Offline, or when only errors are
    wanted (a model finding is a warning), no model is called and the second value is None."""
    from assistant.checks.lint import lint, merge_findings

    report = lint(text, ambiguity=ambiguity, min_severity=min_severity, semantic=semantic)
    if provider is None or min_severity == "error":
        return report, None
    from assistant.llm.chains import TaskRunner

    runner = TaskRunner("trust", provider, confidential_terms=confidential_terms, redact=redact)
    trust = runner.invoke(text, None, Analysis(findings=report.findings))
    merged = merge_findings(report.findings, trust.result.findings)
    return report.model_copy(update={"findings": merged}), trust


def run_analyze(
    draft: str,
    context: PMContext | None = None,
    *,
    provider: Provider | None = None,
    notice: str = OFFLINE_NOTICE,
    confidential_terms: tuple[str, ...] = (),
    redact: bool | None = None,
    form: RewriteForm = "auto",
) -> AnalyzeReport:
    """Every task at once. Through a model the chains (the three tasks and the model's own trust findings,
    merged into `analysis.findings`) run in parallel threads, so the wall time is close to the slowest
    chain, not the sum (a thread pool rather than langchain's RunnableParallel, whose import pulls in its
    tracers and langsmith: about 0.5 s of start-up)."""
    started = time.perf_counter()
    analysis = offline.analyze(draft, context)
    trust: TaskResult[TrustReport] | None = None
    if provider is None:
        results = {t: offline_task(t, draft, context, analysis, notice, form) for t in TASK_NAMES}
        engine = "offline"
    else:
        from concurrent.futures import ThreadPoolExecutor

        from assistant.checks.lint import merge_findings
        from assistant.llm.chains import TaskRunner

        names = ANALYZE_MODEL_TASKS
        runners = {t: TaskRunner(t, provider, confidential_terms=confidential_terms, redact=redact) for t in names}
        with ThreadPoolExecutor(max_workers=len(runners), thread_name_prefix="assistant-task") as pool:
            futures = {t: pool.submit(r.invoke, draft, context, analysis) for t, r in runners.items()}
            results = {t: f.result().model_copy(update={"notice": notice}) for t, f in futures.items()}
        trust = results.pop("trust")
        merged = merge_findings(analysis.findings, trust.result.findings)
        analysis = analysis.model_copy(update={"findings": merged})
        engine = "llm"
    return AnalyzeReport(
        engine=engine,
        provider=provider.name if provider else "offline",
        model=provider.model if provider else None,
        notice=notice,
        analysis=analysis,
        rewrite=results["rewrite"],
        questions=results["questions"],
        complexity=results["complexity"],
        trust=trust,
        wall_time_s=round(time.perf_counter() - started, 4),
    )
