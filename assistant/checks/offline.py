"""The no-key engine: assembles every result from the deterministic passes, instantly.

The offline rewrite repairs flagged phrases using each rule's fix, and adds a context block in which
every fact the PM did not give is a visible `[needs: …]` slot. It never invents a fact.
"""

from __future__ import annotations

import bisect
import re

from assistant.checks.complexity import find_complexity
from assistant.checks.context import check_context
from assistant.checks.lint import find_ambiguities, find_trust_phrases
from assistant.checks.questions import build_questions
from assistant.checks.ruleset import Fix, trust_rules
from assistant.schemas import SEVERITY_RANK, Analysis, Change, Finding, PMContext, Rewrite
from assistant.text.document import Document

SLOT_PROMPTS: dict[str, str] = {
    "who": "who is asking for this, and who will use it?",
    "problem": "what problem does this solve for them today?",
    "why-now": "why does this matter now?",
    "evidence": "what evidence do we have (requests, tickets, data)?",
    "success": "how will we know it worked?",
    "deadline": "is there a date, and can it move?",
}
INVITATION = "I don't know how complex this is. What am I missing, and is there a smaller version we could start with?"
_SLOT = re.compile(r"\[needs: [^\]]+\]")


def analyze(text: str, pm_context: PMContext | None = None) -> Analysis:
    """Run every offline pass over a draft: trust phrases, vague terms, context gaps, complexity, questions."""
    doc = Document(text)
    findings = find_trust_phrases(doc)
    ambiguities = find_ambiguities(doc)
    context = check_context(doc, pm_context).elements
    flags = find_complexity(doc)
    return Analysis(
        findings=findings,
        ambiguities=ambiguities,
        context=context,
        complexity=flags,
        questions=build_questions(flags, ambiguities, context),
    )


def slot(element: str) -> str:
    return f"[needs: {SLOT_PROMPTS[element]}]"


def find_slots(text: str) -> list[str]:
    return _SLOT.findall(text)


def rewrite(text: str, pm_context: PMContext | None = None, analysis: Analysis | None = None) -> Rewrite:
    """Rewrite a draft with context: repair flagged phrasing, then add the context block and an invitation."""
    analysis = analysis or analyze(text, pm_context)
    doc = Document(text)
    body, changes = _repair(doc, analysis.findings)
    context_lines, context_changes = _context_block(analysis, pm_context)
    changes += context_changes

    parts = [body.strip()] if body.strip() else []
    if context_lines:
        parts.append("Context\n" + "\n".join(context_lines))
    invited = any(e.element == "invitation" and e.present for e in check_context(body).elements)
    if not invited:
        parts.append(INVITATION)
        changes.append(
            Change(
                description="Added an invitation for engineering's view.",
                reason="Asking what you are missing turns a demand into a conversation about the work.",
            )
        )
    final = "\n\n".join(parts)
    return Rewrite(text=final, changes=changes, slots=find_slots(final))


def repair_phrasing(text: str, min_severity: str = "warning") -> tuple[str, list[Change]]:
    """Apply the rules' fixes to every trust finding at or above `min_severity` (used by the guards)."""
    doc = Document(text)
    return _repair(doc, find_trust_phrases(doc, min_severity))


def _repair(doc: Document, findings: list[Finding]) -> tuple[str, list[Change]]:
    """Apply each finding's fix: whole-sentence fixes first, then phrase fixes outside those sentences.
    Linear in the number of findings (sorted spans and bisect), so a huge input stays fast."""
    rules = {r.id: r for r in trust_rules()}
    findings = sorted(findings, key=lambda f: (f.start, f.end))
    starts = [f.start for f in findings]
    sentence_fix: dict[tuple[int, int], Finding] = {}
    for finding in findings:
        if is_phrase_fix(rules[finding.rule_id].fix):
            continue
        span = doc.sentence_at(finding.start)
        current = sentence_fix.get(span)
        if current is None or SEVERITY_RANK[finding.severity] > SEVERITY_RANK[current.severity]:
            sentence_fix[span] = finding

    edits: list[tuple[int, int, str]] = []
    changes: list[Change] = []
    used_sentences: set[str] = set()
    for (start, end), finding in sorted(sentence_fix.items()):
        fix = rules[finding.rule_id].fix
        replacement = fix.with_ if fix.action == "replace-sentence" else ""
        if replacement in used_sentences:
            replacement = ""
        used_sentences.add(replacement)
        first, last = bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)
        rest = _rest_of_sentence(doc.text, start, end, [(f.start, f.end) for f in findings[first:last]])
        if rest:  # keep what the sentence asks for, so the rewrite loses no fact
            replacement = _with_rest(replacement, rest)
        edits.append((start, end, replacement))
        changes.append(
            Change(
                description=f'Rewrote "{doc.text[start:end]}"'
                + (f' as "{replacement}"' if replacement else " (removed)"),
                reason=first_sentence(finding.why),
            )
        )
    sentence_starts = [start for start, _, _ in edits]
    phrase_end = -1
    for finding in findings:
        fix = rules[finding.rule_id].fix
        if not is_phrase_fix(fix) or finding.start < phrase_end:
            continue
        index = bisect.bisect_right(sentence_starts, finding.start) - 1
        if index >= 0 and finding.start < edits[index][1]:
            continue  # inside a sentence that is rewritten whole
        if index + 1 < len(sentence_starts) and sentence_starts[index + 1] < finding.end:
            continue
        replacement = phrase_replacement(finding, fix, doc.text)
        edits.append((finding.start, finding.end, replacement))
        phrase_end = finding.end
        changes.append(
            Change(
                description=f'Replaced "{finding.text}" with "{replacement}"'
                if replacement
                else f'Removed "{finding.text}"',
                reason=first_sentence(finding.why),
            )
        )

    pieces, cursor = [], 0
    for start, end, replacement in sorted(edits):
        pieces += [doc.text[cursor:start], replacement]
        cursor = end
    pieces.append(doc.text[cursor:])
    return tidy("".join(pieces)), changes


def _context_block(analysis: Analysis, pm_context: PMContext | None) -> tuple[list[str], list[Change]]:
    lines: list[str] = []
    missing: list[str] = []
    for element in analysis.context:
        if element.element == "invitation":
            continue
        if element.present and element.start is None:  # given by the PM in the context fields
            lines.append(f"- {element.label}: {element.evidence}")
        elif not element.present:
            lines.append(f"- {element.label}: {slot(element.element)}")
            missing.append(element.label.lower())
    flexible = pm_context.deadline_flexible if pm_context else None
    has_deadline = any(e.element == "deadline" and e.present for e in analysis.context)
    if flexible is not None:
        lines.append("- The date can move: " + ("yes" if flexible else "no"))
    elif has_deadline:
        lines.append("- The date can move: [needs: can the date move, and why that date?]")
    changes = []
    if missing:
        changes.append(
            Change(
                description=f"Added [needs: …] slots for missing context: {', '.join(missing)}.",
                reason="Engineers weigh a request by who needs it, the problem and why now; "
                "the slots ask you for those facts instead of guessing them.",
            )
        )
    return lines, changes


_CONNECTORS = re.compile(
    r"^(?:(?:and|but|so|or|though|however|also|honestly|tbh|ok|okay|sorry|i hear you|i know|look|well|then|"
    r"because|since|as)\b[\s,;:—–-]*)+|(?:[\s,;:—–-]+(?:and|but|so|or|then|right|though|anyway|ok|okay))+$",
    re.IGNORECASE,
)
_STOPWORDS = frozenset(
    "a an the it this that these those is are be been was were to of for in on at by with and or but so "
    "i we you they he she me us them my our your their its do does did can could would should will "
    "just really very too also then there here what which who how why when right ok okay yes no not".split()
)


def _rest_of_sentence(text: str, start: int, end: int, flagged: list[tuple[int, int]]) -> str:
    """What a sentence says besides its flagged phrases, when that carries content words."""
    pieces, cursor = [], start
    for f_start, f_end in sorted(flagged):
        pieces.append(text[cursor:f_start])
        cursor = max(cursor, f_end)
    pieces.append(text[cursor:end])
    rest = " ".join("".join(pieces).split())
    previous = None
    while previous != rest:
        previous = rest
        rest = rest.strip(" ,;:—–-\"'").rstrip(".?!…")
        rest = _CONNECTORS.sub("", rest).strip()
    first, _, tail = rest.partition(" ")
    if first in {"We", "It", "This", "That", "The", "Our", "They", "You", "There", "These", "Those"}:
        rest = f"{first.lower()} {tail}".strip()
    words = re.findall(r"[\w'’-]+", rest)
    content = [w for w in words if w.lower() not in _STOPWORDS and any(c.isalpha() for c in w)]
    return rest if len(content) >= 2 else ""


def _with_rest(replacement: str, rest: str) -> str:
    """The replacement sentence(s) with the kept part of the original in brackets before the last stop."""
    if not replacement:
        return rest[0].upper() + rest[1:] + "."
    body, stop = (replacement[:-1], replacement[-1]) if replacement[-1] in ".?!" else (replacement, ".")
    return f"{body} ({rest}){stop}"


def is_phrase_fix(fix: Fix) -> bool:
    """Whether a rule's fix edits the flagged phrase only (not the whole sentence)."""
    return fix.action in ("replace-phrase", "delete-words")


def phrase_replacement(finding: Finding, fix: Fix, text: str) -> str:
    """What a phrase-level fix puts in place of the flagged phrase, in the case its position needs."""
    if fix.action == "delete-words":  # e.g. "We can simply add" -> "We can add"
        kept = re.sub(rf"\b(?:{fix.with_})\b\s*", "", finding.text, flags=re.IGNORECASE).strip()
        return _match_case(finding.text, kept, starts_sentence(text, finding.start))
    return _match_case(finding.text, fix.with_, starts_sentence(text, finding.start))


def starts_sentence(text: str, offset: int) -> bool:
    """Whether an offset begins a sentence (only spaces back to a sentence end or the text's start)."""
    index = offset - 1
    while index >= 0 and text[index] in " \t":
        index -= 1
    return index < 0 or text[index] in ".!?\n"


def _match_case(original: str, replacement: str, at_sentence_start: bool = True) -> str:
    if not at_sentence_start:
        return replacement[:1].lower() + replacement[1:] if replacement[:2].istitle() else replacement
    if replacement and original[:1].isupper() and not original.isupper():
        return replacement[0].upper() + replacement[1:]
    return replacement


def first_sentence(text: str) -> str:
    """The first sentence (or clause before a semicolon) of a rule's explanation."""
    head = re.split(r"(?<=[.;])\s", text, maxsplit=1)[0]
    return head.rstrip(";")


def tidy(text: str) -> str:
    """Repair spacing, doubled punctuation and sentence capitals after phrases were edited out."""
    text = re.sub(r"([:;,])(?:\s*[:;,])+", r"\1", text)
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r" +([,.;:?!])(?!\d)", r"\1", text)
    text = re.sub(r"([.?!])\s*,", r"\1", text)
    text = re.sub(r"(^|[.?!]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
    return "\n".join(line.rstrip() for line in text.split("\n"))
