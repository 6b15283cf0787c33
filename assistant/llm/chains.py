"""The draft tasks on the one call path (llm/calls.py): rewrite, questions, complexity and trust.

Each task is a `TaskSpec`: a prompt file, the model's answer schema and a finish step that guards the
restored answer into the same result type the offline engine returns, so every surface renders either.
The offline findings go to the model as hints; the pasted draft is delimited and described as data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from assistant.checks.guards import guard_text, quality_findings
from assistant.checks.offline import analyze as offline_analyze
from assistant.checks.offline import find_slots
from assistant.llm.calls import (  # re-exported: the names task code has imported from here
    PreparedCall,
    StructuredCall,
    WireModel,
    estimate_tokens,
    llm_result,
    prepare,
    send,
    should_redact,
    structured_call,
)
from assistant.llm.prompt_files import PromptSpec, load_prompt
from assistant.schemas import (
    COMPLEXITY_CATEGORIES,
    Analysis,
    Change,
    ComplexityFlag,
    ComplexityReport,
    GuardFinding,
    PMContext,
    Question,
    QuestionCategory,
    QuestionSet,
    Rewrite,
    TaskResult,
    TrustReport,
)
from assistant.text.words import content_words

if TYPE_CHECKING:
    from assistant.llm.providers.base import Provider

__all__ = [
    "TASKS",
    "PreparedCall",
    "StructuredCall",
    "TaskRunner",
    "TaskSpec",
    "hints_for",
    "llm_result",
    "prompt_token_estimate",
    "should_redact",
    "structured_call",
]
ComplexityCategory = Literal[COMPLEXITY_CATEGORIES]  # type: ignore[valid-type]


# ---------------------------------------------------------------- what the model answers (wire models)
_Wire = WireModel


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


def _trust_category_ids() -> list[str]:
    from assistant.checks.ruleset import trust_categories

    return list(trust_categories())


class TrustFindingAnswer(_Wire):
    # A plain string with the ids as an enum in the schema: grammar-constrained models are held to the
    # taxonomy, and an id a looser model invents drops that one finding (with a guard finding), not the answer.
    category: str = Field(json_schema_extra=lambda schema: schema.update(enum=_trust_category_ids()))
    quote: str
    why: str


class TrustAnswer(_Wire):
    findings: list[TrustFindingAnswer] = Field(max_length=8)


# ---------------------------------------------------------------- task definitions
@dataclass(frozen=True)
class TaskSpec:
    """One capability: a prompt file, the model's answer schema, and how to turn it into a guarded result."""

    name: str
    answer_model: type[BaseModel]
    finish: Callable[[Any, str, list[str]], tuple[BaseModel, list[GuardFinding]]]
    hints: tuple[str, ...] = ("phrases", "missing", "complexity", "vague")


_MIN_KEPT_SHARE = 0.3
# Words an injected instruction uses: never evidence that the draft was kept.
_INSTRUCTION_WORDS = frozenset({"ignore", "above", "reply", "instructions", "previous"})


def _content_words(text: str) -> set[str]:
    return content_words(text, _INSTRUCTION_WORDS)


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
    quality = quality_findings(text, draft)
    debris = [q for q in quality if q.guard == "quality"]
    if debris:  # punctuation debris or a fragment: the offline rewrite is shown, with the reason
        from assistant.checks.offline import rewrite as offline_rewrite

        reason = "; ".join(f"{q.detail.split(':')[0]} {q.text!r}" for q in debris[:3])
        fallback = GuardFinding(
            guard="quality",
            text=text[:120],
            detail=f"The model's rewrite failed the text-quality check ({reason}); "
            "the offline rewrite is shown instead.",
            action="repaired",
            field="text",
        )
        return offline_rewrite(draft).model_copy(update={"source": "offline"}), [*findings, *quality, fallback]
    changes = [Change(description=c.description, reason=c.reason) for c in answer.changes]
    return Rewrite(text=text, changes=changes, slots=find_slots(text), source="model"), [*findings, *quality]


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


_MAX_QUOTE = 300


def _finish_trust(answer: TrustAnswer, draft: str, sources: list[str]) -> tuple[TrustReport, list[GuardFinding]]:
    """Keep a model's trust finding only when its quote is the draft's exact words (outside quoted text or
    code) and its category is in the taxonomy; each dropped one leaves a `quote` guard finding."""
    from assistant.checks.lint import covers
    from assistant.checks.ruleset import trust_categories
    from assistant.schemas import Finding
    from assistant.text.document import Document

    declared = trust_categories()
    doc = Document(draft)
    kept: list[Finding] = []
    findings: list[GuardFinding] = []

    def dropped(index: int, text: str, detail: str) -> None:
        findings.append(GuardFinding(guard="quote", text=text[:120], detail=detail, action="repaired",
                                     field=f"findings[{index}]"))  # fmt: skip

    for index, item in enumerate(answer.findings):
        quote = item.quote.strip()
        start = draft.find(quote) if quote and len(quote) <= _MAX_QUOTE else -1
        if item.category not in declared:
            dropped(index, item.quote, f"Category {item.category!r} is not a trust category; the finding is dropped.")
        elif start < 0:
            dropped(index, item.quote, "The quote is not the draft's exact words; the finding is dropped.")
        elif doc.is_skipped(start, start + len(quote)):
            dropped(index, item.quote, "The quote is quoted text or code in the draft; the finding is dropped.")
        elif covers(kept, item.category, start, start + len(quote)):
            continue
        else:
            entry = declared[item.category]
            why, guarded = guard_text(item.why.strip() or entry.why, sources, field=f"findings[{index}].why")
            findings += guarded
            line, column = doc.line_col(start)
            kept.append(
                Finding(rule_id=f"{item.category}.model", category=item.category, severity="warning",
                        message=entry.message, why=why, replacements=list(entry.replacements), text=quote,
                        start=start, end=start + len(quote), line=line, column=column, source="model")
            )  # fmt: skip
    kept.sort(key=lambda f: (f.start, -f.end))
    return TrustReport(findings=kept), findings


TASKS: dict[str, TaskSpec] = {
    "rewrite": TaskSpec("rewrite", RewriteAnswer, _finish_rewrite, ("phrases", "missing")),
    "questions": TaskSpec("questions", QuestionsAnswer, _finish_questions, ("complexity", "vague")),
    "complexity": TaskSpec("complexity", ComplexityAnswer, _finish_complexity, ("complexity",)),
    "trust": TaskSpec("trust", TrustAnswer, _finish_trust, ("phrases",)),
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

    def prepare(self, draft: str, context: PMContext | None, analysis: Analysis) -> PreparedCall:
        """Redact and render this task's prompt for `draft` (nothing is sent)."""
        return prepare(
            self.provider,
            self.prompt,
            self.spec.name,
            self.spec.answer_model,
            {"draft": draft, "context": (context.as_text() if context else "") or "(none given)"},
            {"hints": hints_for(analysis, self.spec.hints)},
            redact=self.redact,
            confidential_terms=self.confidential_terms,
            delimit_against="own",
        )

    def messages(self, draft: str, context: PMContext | None, analysis: Analysis) -> tuple[str, str, Any]:
        """(system, user, redaction) as `prepare` renders them."""
        prepared = self.prepare(draft, context, analysis)
        return prepared.system, prepared.user, prepared.redaction

    def invoke(self, draft: str, context: PMContext | None = None, analysis: Analysis | None = None) -> TaskResult:
        analysis = analysis or offline_analyze(draft, context)
        prepared = self.prepare(draft, context, analysis)
        answer, call = send(self.provider, prepared)
        sources = [draft, context.as_text() if context else "", hints_for(analysis, self.spec.hints)]
        result, findings = self.spec.finish(answer, draft, sources)
        return llm_result(self.spec.name, self.provider, self.prompt, result, findings, call, prepared.redaction)

    def as_runnable(self) -> Any:
        """The task as a langchain-core Runnable taking {"draft", "context", "analysis"}."""
        from langchain_core.runnables import RunnableLambda

        return RunnableLambda(
            lambda inputs: self.invoke(inputs["draft"], inputs.get("context"), inputs.get("analysis")),
            name=f"assistant-{self.spec.name}",
        )


def prompt_token_estimate(
    task: str,
    provider: Provider,
    draft: str,
    context: PMContext | None = None,
    analysis: Analysis | None = None,
) -> int:
    """Prompt tokens the task would send: counted on the request `invoke` would make (schema included)."""
    analysis = analysis or offline_analyze(draft, context)
    return estimate_tokens(provider, TaskRunner(task, provider).prepare(draft, context, analysis))
