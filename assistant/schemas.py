"""Pydantic result models shared by every engine (offline, LLM) and every surface (CLI, app, library)."""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

Severity = Literal["error", "warning", "suggestion"]
SEVERITY_RANK: dict[str, int] = {"suggestion": 0, "warning": 1, "error": 2}

ContextElementId = Literal["who", "problem", "why-now", "evidence", "success", "deadline", "invitation"]
CONTEXT_ELEMENT_IDS: tuple[str, ...] = (
    "who",
    "problem",
    "why-now",
    "evidence",
    "success",
    "deadline",
    "invitation",
)

QuestionCategory = Literal[
    "complexity-drivers",
    "trade-offs",
    "smaller-version",
    "risks-unknowns",
    "dependencies",
]
QUESTION_CATEGORIES: tuple[str, ...] = (
    "complexity-drivers",
    "trade-offs",
    "smaller-version",
    "risks-unknowns",
    "dependencies",
)

COMPLEXITY_CATEGORIES: tuple[str, ...] = (
    "data-model",
    "migration",
    "integration",
    "auth-permissions",
    "real-time",
    "search",
    "import-export",
    "notifications",
    "i18n",
    "offline-sync",
    "payments",
    "compliance-privacy",
    "scale-performance",
    "cross-platform",
    "ml-ai",
    "history-undo",
    "reporting-analytics",
    "background-jobs",
    "api-compat",
    "security",
)

Source = Literal["offline", "model"]
# Which detection layer found a trust finding or a complexity flag: a rule's pattern, the bundled sentence
# classifier (assistant/checks/semantic.py), or a model whose quote was verified against the draft.
Layer = Literal["rule", "semantic", "model"]
T = TypeVar("T", bound=BaseModel)


class _Model(BaseModel):
    # defer_build: validators are built on first use, which keeps `import assistant` (and the CLI) fast.
    model_config = ConfigDict(extra="forbid", defer_build=True)


class TextSpan(_Model):
    """A span of the analysed text: 0-based code-point offsets plus 1-based line and column."""

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    line: int = Field(ge=1)
    column: int = Field(ge=1)


class Finding(TextSpan):
    """A trust-damaging phrase found by the linter."""

    rule_id: str
    category: str
    severity: Severity
    message: str
    why: str
    replacements: list[str]
    source: Layer = "rule"
    confidence: float | None = None


class AmbiguityFinding(TextSpan):
    """A vague term an engineer will have to pin down before estimating."""

    rule_id: str
    category: str
    severity: Severity = "suggestion"
    message: str
    question: str


class LintReport(_Model):
    """What `assistant lint` returns: the versioned JSON object of the CLI."""

    version: int = 1
    findings: list[Finding] = Field(default_factory=list)
    ambiguities: list[AmbiguityFinding] = Field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)


class TrustReport(_Model):
    """Trust findings a model added (the `trust` task): each quotes the draft exactly at its span."""

    version: int = 1
    findings: list[Finding] = Field(default_factory=list)


class ContextElement(_Model):
    """One element of context a good request carries, present (with its evidence) or missing (with a question)."""

    element: ContextElementId
    label: str
    present: bool
    evidence: str | None = None
    start: int | None = None
    end: int | None = None
    question: str | None = None


class ContextReport(_Model):
    version: int = 1
    elements: list[ContextElement]

    @property
    def missing(self) -> list[ContextElement]:
        return [e for e in self.elements if not e.present]


class ComplexityFlag(_Model):
    """A hypothesis that part of the request hides complexity: for engineers to confirm, never an estimate."""

    category: str
    title: str
    trigger: str
    start: int | None = None
    end: int | None = None
    why: str
    question: str
    smaller_version: str
    source: Source = "offline"
    layer: Layer = "rule"  # `source` says which engine wrote the flag; `layer` which detection found it
    confidence: float | None = None


class ComplexityReport(_Model):
    version: int = 1
    flags: list[ComplexityFlag] = Field(default_factory=list)


class Question(_Model):
    """An open, non-leading question for a design review."""

    category: QuestionCategory
    text: str
    source: Source = "offline"


class QuestionSet(_Model):
    version: int = 1
    questions: list[Question] = Field(default_factory=list)


class Change(_Model):
    """One change a rewrite made, with a one-line reason."""

    description: str
    reason: str


class Rewrite(_Model):
    """The draft rewritten with context; facts the PM did not give appear as `[needs: …]` slots."""

    text: str
    changes: list[Change] = Field(default_factory=list)
    slots: list[str] = Field(default_factory=list)
    source: Source = "offline"


class Analysis(_Model):
    """Everything the offline pass knows about a draft."""

    version: int = 1
    engine: str = "offline"
    findings: list[Finding] = Field(default_factory=list)
    ambiguities: list[AmbiguityFinding] = Field(default_factory=list)
    context: list[ContextElement] = Field(default_factory=list)
    complexity: list[ComplexityFlag] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)

    @property
    def missing_context(self) -> list[ContextElement]:
        return [e for e in self.context if not e.present]

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)


class PMContext(_Model):
    """Context the PM typed next to the draft. Only what is here (or in the draft) counts as a known fact."""

    who: str | None = None
    problem: str | None = None
    why_now: str | None = None
    evidence: str | None = None
    success: str | None = None
    deadline: str | None = None
    deadline_flexible: bool | None = None
    notes: str | None = None

    def as_text(self) -> str:
        """The context as labelled lines, for matching facts and for prompts."""
        parts = []
        for label, value in (
            ("Who needs it", self.who),
            ("Problem", self.problem),
            ("Why now", self.why_now),
            ("Evidence", self.evidence),
            ("Success looks like", self.success),
            ("Deadline", self.deadline),
            ("Notes", self.notes),
        ):
            if value and value.strip():
                parts.append(f"{label}: {value.strip()}")
        if self.deadline_flexible is not None:
            parts.append("Deadline can move: " + ("yes" if self.deadline_flexible else "no"))
        return "\n".join(parts)


GuardName = Literal[
    "trust-phrase", "invented-claim", "dropped-fact", "quality", "estimate", "link", "fidelity", "schema", "quote"
]


class GuardFinding(_Model):
    """Something a guard found in a model's output, and what was done about it."""

    guard: GuardName
    text: str
    detail: str
    action: Literal["repaired", "reported"]
    field: str | None = None


class GuardReport(_Model):
    """What every guard found in one output. An empty report means the output passed."""

    findings: list[GuardFinding] = Field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.findings

    def count(self, guard: str) -> int:
        return sum(1 for f in self.findings if f.guard == guard)


class TokenUsage(_Model):
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    estimated: bool = False
    note: str = ""


class TaskResult(_Model, Generic[T]):
    """One task's result with where it came from: engine, provider, model, prompt version, tokens, guards."""

    task: str
    engine: Literal["offline", "llm"]
    provider: str
    model: str | None = None
    base_url_host: str | None = None
    prompt_version: str | None = None
    tokens: TokenUsage = Field(default_factory=TokenUsage)
    cost_usd: float | None = None
    cached: bool = False
    attempts: int = 0
    schema_repaired: bool = False
    redacted: int = 0
    redaction_summary: str | None = None
    guards: GuardReport = Field(default_factory=GuardReport)
    notice: str | None = None
    result: T


class AnalyzeReport(_Model):
    """`analyze` with every task: the offline pass plus rewrite, questions and complexity results (and, through
    a model, the trust findings it added)."""

    version: int = 1
    engine: Literal["offline", "llm"]
    provider: str
    model: str | None = None
    notice: str | None = None
    analysis: Analysis
    rewrite: TaskResult[Rewrite]
    questions: TaskResult[QuestionSet]
    complexity: TaskResult[ComplexityReport]
    # Through a model: the trust findings it added (already merged into `analysis.findings`), with its
    # provenance and guards. None offline.
    trust: TaskResult[TrustReport] | None = None
    wall_time_s: float = 0.0

    @property
    def task_results(self) -> tuple[TaskResult, ...]:
        """Every task's result: rewrite, questions, complexity, and the model's trust findings when there are."""
        return (self.rewrite, self.questions, self.complexity, *([self.trust] if self.trust else []))
