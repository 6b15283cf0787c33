"""PM feasibility and phrasing assistant: trust-phrase linter, context gaps, complexity flags and rewrites.

The public API is small and returns pydantic objects. `lint` and `analyze` are the offline passes; the
task functions answer offline when `provider` is None (the default) and through a model otherwise (build
one with `assistant.tasks.drafts.provider_from_settings`). Model code is imported only when it is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.checks.lint import lint
from assistant.checks.offline import analyze
from assistant.schemas import Analysis, LintReport, PMContext

if TYPE_CHECKING:
    from assistant.llm.providers.base import Provider
    from assistant.schemas import ComplexityReport, QuestionSet, Rewrite, TaskResult
    from assistant.tasks.scope import ScopeChangeInput, ScopeChangeResult

__all__ = [
    "Analysis",
    "LintReport",
    "PMContext",
    "analyze",
    "complexity",
    "lint",
    "questions",
    "rewrite",
    "scope_change",
]
__version__ = "0.1.0"


def rewrite(draft: str, context: PMContext | None = None, *, provider: Provider | None = None) -> TaskResult[Rewrite]:
    """The draft rewritten with context; missing facts as `[needs: …]` slots."""
    from assistant.tasks.drafts import run_task

    return run_task("rewrite", draft, context, provider=provider)


def questions(
    draft: str, context: PMContext | None = None, *, provider: Provider | None = None
) -> TaskResult[QuestionSet]:
    """Curiosity questions for a design review, by category."""
    from assistant.tasks.drafts import run_task

    return run_task("questions", draft, context, provider=provider)


def complexity(
    draft: str, context: PMContext | None = None, *, provider: Provider | None = None
) -> TaskResult[ComplexityReport]:
    """Likely-complexity flags: hedged hypotheses with a confirm-question each, never an estimate."""
    from assistant.tasks.drafts import run_task

    return run_task("complexity", draft, context, provider=provider)


def scope_change(inp: ScopeChangeInput, *, provider: Provider | None = None) -> ScopeChangeResult:
    """The engineering-lead brief, the stakeholder draft and their consistency check."""
    from assistant.tasks.scope import prepare_scope_change

    return prepare_scope_change(inp, provider)
