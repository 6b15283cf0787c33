"""LLM prompt chains (langchain-core runnables): prompt file → provider → schema → guards → TaskResult.

Each task returns the same result type as the offline engine, so every surface renders either.
The offline findings go to the model as hints; the pasted draft is delimited and described as data.
Before a cloud call the draft and context are redacted, and the answer is restored before the guards run.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.checks.guards import guard_text
from assistant.checks.offline import analyze as offline_analyze
from assistant.checks.offline import find_slots
from assistant.llm.prompt_files import PromptSpec, delimit, load_prompt
from assistant.llm.providers.errors import InvalidResponse
from assistant.schemas import (
    COMPLEXITY_CATEGORIES,
    Analysis,
    Change,
    ComplexityFlag,
    ComplexityReport,
    GuardFinding,
    GuardReport,
    PMContext,
    Question,
    QuestionCategory,
    QuestionSet,
    Rewrite,
    TaskResult,
    TokenUsage,
)

if TYPE_CHECKING:
    from assistant.llm.providers.base import Provider, ProviderResponse
    from assistant.llm.redact import Redaction

log = logging.getLogger(__name__)
ComplexityCategory = Literal[COMPLEXITY_CATEGORIES]  # type: ignore[valid-type]
_CONTEXT_MARK = "\n<<<assistant-context>>>\n"


# ---------------------------------------------------------------- what the model answers (wire models)
class _Wire(BaseModel):
    """Base of the answer schemas sent to models: compact JSON schema (no titles) to save prompt tokens."""

    model_config = ConfigDict(extra="forbid")

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        schema = super().model_json_schema(*args, **kwargs)
        definitions = schema.pop("$defs", {})
        return _compact(schema, definitions)


def _compact(node: Any, definitions: dict[str, Any]) -> Any:
    """Drop titles and inline `$ref`s: the same schema in fewer tokens."""
    if isinstance(node, dict):
        if set(node) == {"$ref"}:
            return _compact(definitions[node["$ref"].rsplit("/", 1)[-1]], definitions)
        return {
            key: _compact(value, definitions)
            for key, value in node.items()
            if not (key == "title" and isinstance(value, str))
        }
    if isinstance(node, list):
        return [_compact(item, definitions) for item in node]
    return node


class ChangeAnswer(_Wire):
    description: str
    reason: str


class RewriteAnswer(_Wire):
    text: str
    changes: list[ChangeAnswer] = Field(max_length=12)


class QuestionAnswer(_Wire):
    category: QuestionCategory
    text: str


class QuestionsAnswer(_Wire):
    questions: list[QuestionAnswer] = Field(max_length=12)


class FlagAnswer(_Wire):
    category: ComplexityCategory  # type: ignore[valid-type]
    title: str
    trigger: str
    why: str
    question: str
    smaller_version: str


class ComplexityAnswer(_Wire):
    # Bounded lists (maxItems) also bound grammar-constrained local models, which may otherwise loop.
    flags: list[FlagAnswer] = Field(max_length=8)


# ---------------------------------------------------------------- task definitions
@dataclass(frozen=True)
class TaskSpec:
    """One capability: a prompt file, the model's answer schema, and how to turn it into a guarded result."""

    name: str
    answer_model: type[BaseModel]
    finish: Callable[[Any, str, list[str]], tuple[BaseModel, list[GuardFinding]]]
    hints: tuple[str, ...] = ("phrases", "missing", "complexity", "vague")


_MIN_KEPT_SHARE = 0.3
_STOP = frozenset(
    "about after also been before being could does doing from have into just more most need only over same "
    "should some such than that their them then there these they this very want what when which while will "
    "with would your ignore above reply instructions previous".split()
)


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z][a-z'-]{3,}", text.lower()) if w not in _STOP}


def kept_share(draft: str, rewrite: str) -> float | None:
    """Share of the draft's content words still in the rewrite (None for a draft with none)."""
    words = _content_words(draft)
    return len(words & _content_words(rewrite)) / len(words) if words else None


def lost_the_request(draft: str, rewrite: str) -> bool:
    """True when a rewrite no longer carries the draft: under 30% of its content words, or for a short
    draft fewer than two of them."""
    words = _content_words(draft)
    kept = len(words & _content_words(rewrite))
    if len(words) >= 6:
        return kept / len(words) < _MIN_KEPT_SHARE
    return kept < min(2, len(words))


def _finish_rewrite(answer: RewriteAnswer, draft: str, sources: list[str]) -> tuple[Rewrite, list[GuardFinding]]:
    if lost_the_request(draft, answer.text):
        share = kept_share(draft, answer.text) or 0.0
        # Not a rewrite of the draft (an obeyed injection, or a weak model's drift): show the offline one.
        from assistant.checks.offline import rewrite as offline_rewrite

        fallback = offline_rewrite(draft)
        finding = GuardFinding(
            guard="fidelity",
            text=answer.text[:120],
            detail=f"The model's rewrite kept {share:.0%} of the draft's content words; "
            "the offline rewrite is shown instead.",
            action="repaired",
            field="text",
        )
        return fallback.model_copy(update={"source": "offline"}), [finding]
    text, findings = guard_text(answer.text, sources, field="text")
    changes = [Change(description=c.description, reason=c.reason) for c in answer.changes]
    return Rewrite(text=text, changes=changes, slots=find_slots(text), source="model"), findings


def _finish_questions(
    answer: QuestionsAnswer, draft: str, sources: list[str]
) -> tuple[QuestionSet, list[GuardFinding]]:
    questions, findings = [], []
    for index, q in enumerate(answer.questions):
        text, found = guard_text(q.text, sources, field=f"questions[{index}]")
        findings += found
        questions.append(Question(category=q.category, text=text, source="model"))
    return QuestionSet(questions=questions), findings


def _finish_complexity(
    answer: ComplexityAnswer, draft: str, sources: list[str]
) -> tuple[ComplexityReport, list[GuardFinding]]:
    flags, findings = [], []
    lowered = draft.lower()
    for index, flag in enumerate(answer.flags):
        fields: dict[str, str] = {}
        for name in ("title", "why", "question", "smaller_version"):
            fields[name], found = guard_text(getattr(flag, name), sources, field=f"flags[{index}].{name}")
            findings += found
        start = lowered.find(flag.trigger.lower()) if flag.trigger.strip() else -1
        if start < 0:
            findings.append(
                GuardFinding(
                    guard="invented-claim",
                    text=flag.trigger,
                    detail="The flag's trigger is not in the draft; it is kept as a hypothesis without a span.",
                    action="reported",
                    field=f"flags[{index}].trigger",
                )
            )
        flags.append(
            ComplexityFlag(
                category=flag.category,
                trigger=flag.trigger,
                start=start if start >= 0 else None,
                end=start + len(flag.trigger) if start >= 0 else None,
                source="model",
                **fields,
            )
        )
    return ComplexityReport(flags=flags), findings


TASKS: dict[str, TaskSpec] = {
    "rewrite": TaskSpec("rewrite", RewriteAnswer, _finish_rewrite, ("phrases", "missing")),
    "questions": TaskSpec("questions", QuestionsAnswer, _finish_questions, ("complexity", "vague")),
    "complexity": TaskSpec("complexity", ComplexityAnswer, _finish_complexity, ("complexity",)),
}


# ---------------------------------------------------------------- hints and inputs
def hints_for(analysis: Analysis, kinds: tuple[str, ...] = ("phrases", "missing", "complexity", "vague")) -> str:
    """The offline findings a task needs, short, as hints for the model."""
    lines = []
    if "phrases" in kinds and analysis.findings:
        phrases = "; ".join(f'"{f.text}" ({f.category})' for f in analysis.findings[:8])
        lines.append(f"- trust-damaging phrases: {phrases}")
    missing = [e.element for e in analysis.context if not e.present]
    if "missing" in kinds and missing:
        lines.append("- missing context (use [needs: …] slots, do not guess): " + ", ".join(missing))
    if "complexity" in kinds and analysis.complexity:
        lines.append(
            "- possible complexity: " + "; ".join(f'{f.category} ("{f.trigger}")' for f in analysis.complexity[:8])
        )
    if "vague" in kinds and analysis.ambiguities:
        lines.append("- vague terms: " + ", ".join(f'"{a.text}"' for a in analysis.ambiguities[:8]))
    return "\n".join(lines) or "- nothing flagged"


def should_redact(provider: Provider) -> bool:
    """The provider's registry redaction policy: always for the cloud APIs (whatever their base URL); for
    a "setting" entry (openai-compatible), its `redact_by_default` (ASSISTANT_REDACT_COMPATIBLE)."""
    return provider.should_redact()


def _redact(draft: str, context_text: str, confidential: tuple[str, ...]) -> tuple[str, str, Redaction]:
    from assistant.llm.redact import redact

    redaction = redact(draft + _CONTEXT_MARK + context_text, confidential)
    redacted_draft, _, redacted_context = redaction.text.partition(_CONTEXT_MARK.strip("\n"))
    return redacted_draft.rstrip("\n"), redacted_context.lstrip("\n"), redaction


# ---------------------------------------------------------------- one validated model call
@dataclass(frozen=True)
class StructuredCall:
    answer: Any
    response: ProviderResponse
    attempts: int
    repaired: bool


def structured_call(
    provider: Provider,
    prompt: PromptSpec,
    system: str,
    user: str,
    answer_model: type[BaseModel],
    task_name: str,
) -> StructuredCall:
    """Call the model for `answer_model`; validate with pydantic, with one repair attempt, then a clear error."""
    log.debug("%s: asking %s %s (prompt %s)\n[system]\n%s\n[user]\n%s", task_name, provider.name, provider.model,
              prompt.version, system, user)  # fmt: skip
    response = provider.complete(system, user, answer_model, prompt_version=prompt.version)
    log.debug("%s: answer in %.2f s, %s attempt(s), cached=%s:\n%s", task_name, response.latency_s,
              response.attempts, response.cached, response.raw_text)  # fmt: skip
    attempts, repaired = response.attempts, False
    try:
        return StructuredCall(answer_model.model_validate(response.data), response, attempts, repaired)
    except ValidationError as first_error:
        retry_user = (
            f"{user}\n\nYour previous answer did not match the JSON schema ({_short(first_error)}). "
            "Reply again with only a JSON object that matches the schema."
        )
    response = provider.complete(system, retry_user, answer_model, prompt_version=prompt.version)
    attempts += response.attempts
    try:
        return StructuredCall(answer_model.model_validate(response.data), response, attempts, True)
    except ValidationError as second_error:
        raise InvalidResponse(
            f"the answer did not match the {task_name} schema, even after one repair attempt ({_short(second_error)})",
            provider=provider.name,
            model=provider.model,
            raw_text=response.raw_text,
            attempts=attempts,
        ) from None


def llm_result(
    task: str,
    provider: Provider,
    prompt: PromptSpec,
    result: BaseModel,
    findings: list[GuardFinding],
    call: StructuredCall,
    redaction: Redaction | None,
    notice: str | None = None,
) -> TaskResult:
    """Wrap a model result with where it came from: provider, model, prompt version, tokens, cost, guards."""
    from assistant.llm.budget import estimate_cost

    response = call.response
    usage = TokenUsage(
        prompt_tokens=response.usage.prompt_tokens,
        completion_tokens=response.usage.completion_tokens,
        estimated=False,
        note="as reported by the provider",
    )
    cost = None
    if usage.prompt_tokens is not None:
        cost = estimate_cost(
            provider=provider.name,
            model=provider.model,
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens or 0,
            base_url=provider.base_url,
        ).usd
    return TaskResult[type(result)](  # type: ignore[misc]
        task=task,
        engine="llm",
        provider=provider.name,
        model=provider.model,
        base_url_host=provider.host,
        prompt_version=prompt.version,
        tokens=usage,
        cost_usd=cost,
        cached=response.cached,
        attempts=call.attempts,
        schema_repaired=call.repaired,
        redacted=redaction.count if redaction is not None else 0,
        redaction_summary=redaction.summary() if redaction is not None and redaction.count else None,
        guards=GuardReport(findings=findings),
        notice=notice,
        result=result,
    )


# ---------------------------------------------------------------- the runnable
class TaskRunner:
    """Runs one task against a provider: render prompt, call, validate (one repair), restore, guard."""

    def __init__(
        self,
        task: str,
        provider: Provider,
        *,
        redact: bool | None = None,
        confidential_terms: tuple[str, ...] = (),
        prompt: PromptSpec | None = None,
    ) -> None:
        self.spec = TASKS[task]
        self.provider = provider
        self.prompt = prompt or load_prompt(task)
        self.redact = should_redact(provider) if redact is None else redact
        self.confidential_terms = confidential_terms

    def messages(self, draft: str, context: PMContext | None, analysis: Analysis) -> tuple[str, str, Any]:
        context_text = context.as_text() if context else ""
        redaction = None
        if self.redact:
            draft, context_text, redaction = _redact(draft, context_text, self.confidential_terms)
        hints = hints_for(analysis, self.spec.hints)
        if redaction is not None:
            hints = redaction.apply(hints)  # the hints quote the draft: same placeholders there too
        system, user = self.prompt.render(
            draft=delimit(draft, "draft"),
            context=delimit(context_text, "context") or "(none given)",
            hints=hints,
        )
        return system, user, redaction

    def invoke(self, draft: str, context: PMContext | None = None, analysis: Analysis | None = None) -> TaskResult:
        analysis = analysis or offline_analyze(draft, context)
        system, user, redaction = self.messages(draft, context, analysis)
        call = structured_call(self.provider, self.prompt, system, user, self.spec.answer_model, self.spec.name)
        answer = redaction.restore_obj(call.answer) if redaction is not None else call.answer
        sources = [draft, context.as_text() if context else "", hints_for(analysis, self.spec.hints)]
        result, findings = self.spec.finish(answer, draft, sources)
        return llm_result(self.spec.name, self.provider, self.prompt, result, findings, call, redaction)

    def as_runnable(self) -> Any:
        """The task as a langchain-core Runnable taking {"draft", "context", "analysis"}."""
        from langchain_core.runnables import RunnableLambda

        return RunnableLambda(
            lambda inputs: self.invoke(inputs["draft"], inputs.get("context"), inputs.get("analysis")),
            name=f"assistant-{self.spec.name}",
        )


def _short(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "answer"
    return f"{where}: {first['msg']} ({error.error_count()} error(s))"


def prompt_token_estimate(
    task: str,
    provider: Provider,
    draft: str,
    context: PMContext | None = None,
    analysis: Analysis | None = None,
) -> int:
    """Prompt tokens the task would send (counted before sending, with the schema)."""
    from assistant.llm.budget import count_request_tokens

    runner = TaskRunner(task, provider)
    analysis = analysis or offline_analyze(draft, context)
    system, user, _ = runner.messages(draft, context, analysis)
    request = provider.build_request(system, user, runner.spec.answer_model)
    return count_request_tokens(request, provider=provider.name).tokens
