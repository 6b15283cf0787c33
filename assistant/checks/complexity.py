"""Offline complexity flags: parts of a request that often hide work. Hypotheses for engineers to confirm,
each with a curiosity question and a possible smaller first version; never a time or size estimate."""

from __future__ import annotations

from assistant.checks.ruleset import complexity_rules
from assistant.schemas import ComplexityFlag
from assistant.text.document import Document


def find_complexity(text: str | Document) -> list[ComplexityFlag]:
    """One flag per category that the request triggers, anchored on its first trigger, in text order."""
    doc = text if isinstance(text, Document) else Document(text)
    flags: list[ComplexityFlag] = []
    for rule in complexity_rules():
        hit = rule.matcher.first(doc)
        if hit is None:
            continue
        line, _ = doc.line_col(hit[0])
        if doc.is_silenced(line, rule.category, rule.category):
            continue
        flags.append(
            ComplexityFlag(
                category=rule.category,
                title=rule.title,
                trigger=doc.text[hit[0] : hit[1]],
                start=hit[0],
                end=hit[1],
                why=rule.why,
                question=rule.question,
                smaller_version=rule.smaller_version,
            )
        )
    flags.sort(key=lambda f: (f.start or 0, f.category))
    return flags
