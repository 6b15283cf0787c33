"""Deterministic guards applied to every model output before a PM sees it.

- trust-phrase: the linter runs over the produced text; error and warning findings are repaired with the
  rules' own fixes (or reported where a text can't be repaired).
- invented-claim: every number, date, money amount, percentage and mid-sentence capitalised name must
  appear in what the PM gave (draft, context) or in the offline hints; otherwise it becomes a
  `[needs: …]` slot.
- estimate: no time or effort estimate ("2 weeks", "a few days", story points) that the PM did not write.
- dropped-fact: the other half of invented-claim, for rewrites: every number, date, duration, money amount
  and name of the draft is still in the output (`find_dropped_facts`).
- quality: the text-quality check of `assistant.checks.quality` (punctuation, brackets, fragments).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.checks.facts import (  # noqa: F401  (re-exported: callers import them from guards too)
    _LOOK_BACK,
    _SENTENCE_START,
    _SENTENCE_START_INSIDE,
    DATE_RE,
    _at_sentence_start,
    _strip_links,
    fact_kept,
    find_dropped_facts,
    find_estimates,
    find_facts,
    find_invented_claims,
    find_links,
)
from assistant.schemas import GuardFinding


def quality_findings(text: str, draft: str, field: str | None = "text") -> list[GuardFinding]:
    """The text-quality check and the dropped-fact check of a rewrite, as guard findings (reported; a model
    rewrite with a quality finding is replaced by the offline one in llm/chains.py)."""
    from assistant.checks.quality import check_quality

    return [
        GuardFinding(
            guard="dropped-fact" if q.kind == "dropped-fact" else "quality",
            text=q.text,
            detail=f"{q.kind}: {q.detail}.",
            action="reported",
            field=field,
        )
        for q in check_quality(text, draft)
    ]


def _slot_for(claim: str) -> str:
    return f'[needs: source for "{claim}"]'


def guard_text(
    text: str,
    sources: Iterable[str],
    field: str | None = None,
    repair: bool = True,
) -> tuple[str, list[GuardFinding]]:
    """Run every guard over one output text; return the (repaired) text and what was found."""
    from assistant.checks.lint import find_trust_phrases
    from assistant.checks.offline import repair_phrasing

    sources = list(sources)
    original = text
    phrase_hits = [f for f in find_trust_phrases(original) if f.severity != "suggestion"]
    source_estimates = {e.lower() for e in find_estimates("\n".join(sources))}
    estimates = [e for e in dict.fromkeys(find_estimates(original)) if e.lower() not in source_estimates]
    joined_sources = "\n".join(sources)
    unknown_links = {url for url in find_links(original) if url not in joined_sources}
    claims = find_invented_claims(_strip_links(original, unknown_links), sources)
    action = "repaired" if repair else "reported"
    found: list[tuple[str, str, str]] = [
        ("link", url, "A link or image the PM did not give: removed (it could fetch an address carrying the draft).")
        for url in sorted(unknown_links)
    ]
    found += [("trust-phrase", hit.text, f"{hit.rule_id}: {hit.message}") for hit in phrase_hits]
    found += [
        ("estimate", e, "The output contains a time or effort estimate; only engineering can size the work.")
        for e in estimates
    ]
    found += [
        ("invented-claim", c, "Not in the draft or the context you gave: the assistant must not invent facts.")
        for c in claims
    ]
    findings = [
        GuardFinding(guard=guard, text=value, detail=detail, action=action, field=field)  # type: ignore[arg-type]
        for guard, value, detail in found
    ]
    if repair:
        if unknown_links:
            text = _strip_links(text, unknown_links)
        if phrase_hits:
            text, _ = repair_phrasing(text)
        for estimate in estimates:
            text = text.replace(estimate, "[needs: engineering's view of the effort]")
        for claim in claims:
            text = re.sub(rf"(?<![\w\[]){re.escape(claim)}(?!\w)", _slot_for(claim), text)
    return text, findings
