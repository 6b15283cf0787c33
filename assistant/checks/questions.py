"""Offline curiosity questions for a design review, built from the complexity flags, ambiguities and gaps.
Open, non-leading, and checked against the linter by the tests."""

from __future__ import annotations

from assistant.schemas import AmbiguityFinding, ComplexityFlag, ContextElement, Question

_DEPENDENCY_CATEGORIES = {"integration", "api-compat", "compliance-privacy", "security", "payments", "ml-ai"}
_MAX_FLAG_QUESTIONS = 4
_MAX_AMBIGUITY_QUESTIONS = 3


def build_questions(
    flags: list[ComplexityFlag],
    ambiguities: list[AmbiguityFinding],
    context: list[ContextElement],
) -> list[Question]:
    """A short, categorised list: complexity drivers, trade-offs, smaller version, risks, dependencies."""
    questions: list[Question] = [
        Question(
            category="complexity-drivers",
            text="What parts of this are harder than they look from the outside?",
        )
    ]
    questions += [Question(category="complexity-drivers", text=f.question) for f in flags[:_MAX_FLAG_QUESTIONS]]

    present = {e.element for e in context if e.present}
    if "deadline" in present:
        questions.append(
            Question(
                category="trade-offs",
                text="Given the date in the request, which trade-offs should I know about "
                "before I talk to stakeholders?",
            )
        )
    questions.append(
        Question(
            category="trade-offs",
            text="If we take this on, what would we have to delay or drop to make room?",
        )
    )

    questions.append(
        Question(category="smaller-version", text="Is there a smaller version we could ship first and learn from?")
    )
    for flag in flags[:2]:
        questions.append(
            Question(
                category="smaller-version",
                text=f"For the {_lower_first(flag.title)} part, would a first step like this help, "
                "or is there a better cut? "
                f"{flag.smaller_version}",
            )
        )

    questions.append(Question(category="risks-unknowns", text="What don't we know yet that could change the approach?"))
    seen_terms: set[str] = set()
    for amb in ambiguities:
        term = amb.text.lower()
        if term in seen_terms:
            continue
        seen_terms.add(term)
        questions.append(Question(category="risks-unknowns", text=amb.question))
        if len(seen_terms) >= _MAX_AMBIGUITY_QUESTIONS:
            break

    if any(f.category in _DEPENDENCY_CATEGORIES for f in flags):
        questions.append(
            Question(
                category="dependencies",
                text="Which other teams, vendors or reviews (for example legal or security) does this depend on, "
                "and when should we bring them in?",
            )
        )
    questions.append(
        Question(
            category="dependencies",
            text="Does this depend on work in progress elsewhere, and who else should be in the conversation?",
        )
    )
    return questions


def _lower_first(title: str) -> str:
    """ "Public API and compatibility" -> "public API and compatibility" (acronyms keep their case)."""
    return title[:1].lower() + title[1:]
