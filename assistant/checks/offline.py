"""The no-key engine: assembles every result from the deterministic passes, instantly.

The offline rewrite repairs each flagged sentence whole (`checks.fixes`), keeps every fact of the draft, and
adds a context block with what the PM gave and a visible `[needs: …]` slot for each element missing (a short
draft gets only the first two unless the full form is asked for). It never invents a fact.
"""

from __future__ import annotations

import re
from typing import Literal

from assistant.checks.complexity import find_complexity
from assistant.checks.context import check_context
from assistant.checks.facts import names_a_time
from assistant.checks.fixes import CALL_REQUEST as _CALL
from assistant.checks.fixes import REASON_ASK, Repair, repair_text
from assistant.checks.lint import find_ambiguities, find_trust_phrases
from assistant.checks.message_kind import asks_a_question, message_kind, reports_a_problem
from assistant.checks.questions import build_questions
from assistant.checks.ruleset import Fix
from assistant.schemas import SEVERITY_RANK, Analysis, Change, Finding, PMContext, Rewrite
from assistant.text.document import Document
from assistant.text.sign_off import split_sign_off
from assistant.text.slots import NEEDS_SLOT

SLOT_PROMPTS: dict[str, str] = {
    "who": "who is asking for this, and who will use it?",
    "problem": "what problem does this solve for them today?",
    "why-now": "why does this matter now?",
    "evidence": "what evidence do we have (requests, tickets, data)?",
    "success": "how will we know it worked?",
    "deadline": "is there a date, and can it move?",
}
INVITATION = "I don't know how complex this is. What am I missing, and is there a smaller version we could start with?"


def analyze(text: str, pm_context: PMContext | None = None, *, semantic: bool | None = None) -> Analysis:
    """Run every offline pass over a draft: trust phrases, vague terms, context gaps, complexity, questions.

    The semantic layer adds trust findings and complexity flags unless `semantic=False` or
    `ASSISTANT_SEMANTIC=false` (see `assistant.checks.semantic`)."""
    from assistant.checks import semantic as semantic_layer
    from assistant.checks.lint import find_semantic_trust

    doc = Document(text)
    findings = find_trust_phrases(doc)
    if semantic_layer.enabled(semantic, len(text)):
        findings = sorted(findings + find_semantic_trust(doc, findings), key=lambda f: (f.start, -f.end, f.rule_id))
    ambiguities = find_ambiguities(doc)
    context = check_context(doc, pm_context).elements
    flags = find_complexity(doc, semantic=semantic)
    return Analysis(
        findings=findings,
        ambiguities=ambiguities,
        context=context,
        complexity=flags,
        questions=build_questions(
            flags,
            ambiguities,
            context,
            text,
            trust={f.category for f in findings},
            kind=message_kind(text, {f.category for f in findings if f.severity != "suggestion"}),
        ),
    )


def slot(element: str) -> str:
    return f"[needs: {SLOT_PROMPTS[element]}]"


def find_slots(text: str) -> list[str]:
    return NEEDS_SLOT.findall(text)


RewriteForm = Literal["auto", "short", "full"]
REWRITE_FORMS: tuple[RewriteForm, ...] = ("auto", "short", "full")
_SHORT_SLOTS = ("who", "problem")
# "auto" on a longer draft: slots for the first three missing of these, in this order (the facts engineers
# ask first); "full" gives one for every missing element.
_CORE_ORDER = ("who", "problem", "why-now", "evidence", "success", "deadline", "date-moves")
_CORE_LIMIT = 3
_COUNT_WORDS = {1: "one", 2: "two", 3: "three", 4: "four"}
_INVITATION_FAMILY = re.compile(
    r"smaller version|what am i missing|what's involved|what is involved|harder than it looks|what would we "
    r"(?:need to )?(?:drop|leave out)|trade-offs? should i know|what is driving|what could we show|look together",
    re.I,
)
KEPT_DAMAGE_INVITATION = "What am I missing?"
# Categories whose kept sentence sizes or fixes the work, so the stock invitation would contradict it.
_SIZES_THE_WORK = frozenset({"trivializing", "estimate-pressure", "minimizing-change", "deadline-rigidity"})
REPORT_INVITATION = "What else would help you look into this, and what am I missing?"


def rewrite(
    text: str,
    pm_context: PMContext | None = None,
    analysis: Analysis | None = None,
    *,
    form: RewriteForm = "auto",
) -> Rewrite:
    """Rewrite a draft with context: repair flagged sentences whole, then the context block and one invitation.

    `form`: "full" gives a slot for every missing element; "short" only for who and the problem; "auto"
    (the default) is short for a Slack-length draft (up to three sentences and 30 words) and otherwise gives
    slots for the first three missing of who, the problem, why now, evidence, success and the date.
    A request for a call gets one slot for its topic instead (unless `form` is "full")."""
    analysis = analysis or analyze(text, pm_context)
    call = None if form == "full" else _CALL.search(text)
    findings = analysis.findings
    if call:  # the call is the ask: its words stay, other phrasing is still repaired
        findings = [f for f in findings if f.end <= call.start() or call.end() <= f.start]
    # A call's own slot asks why it can't wait: its repaired sentences get no second reason slot.
    body, repairs = repair_text(text, findings, reason_slot=not call)
    body = capitalise_sentences(body)
    changes = [change for repair in repairs if (change := describe(repair)) is not None]
    if call:
        on_call = [f for f in analysis.findings if f.start < call.end() and call.start() < f.end]
        if on_call:  # the call's own words stay: say so, so the finding is visible rather than silently kept
            kept = text[min(call.start(), *(f.start for f in on_call)) : max(call.end(), *(f.end for f in on_call))]
            changes.append(
                Change(
                    description=f'Left "{kept}" as you wrote it (the call is the ask). Consider saying '
                    "what it is about and why it can't wait.",
                    reason=first_sentence(on_call[0].why),
                )
            )
        return _call_rewrite(body, changes, text)
    short = form == "short" or (form == "auto" and _short_draft(text))
    # A message that pressures engineering (a trust finding) asks for something even without a question.
    # So does a bug or outage report, unless it says nothing is needed.
    asks = form == "full" or (
        not _NO_ASK.search(text)
        and (is_request(text) or reports_a_problem(text) or any(f.severity != "suggestion" for f in analysis.findings))
    )
    severe = {f.category for f in analysis.findings if f.severity != "suggestion"}
    kind = "request" if form == "full" else message_kind(text, severe)
    wants_context = asks and kind == "request"
    limit = None if form == "full" or short else _CORE_LIMIT
    context_lines, context_changes = _context_block(
        analysis, pm_context, text, short=short, slots=wants_context, limit=limit
    )
    if REASON_ASK in body:  # the body already asks why it can't wait: one slot for it, not two
        context_lines = [line for line in context_lines if not line.startswith("- Why now:")]
    changes += context_changes
    if asks and not wants_context:
        changes.append(
            Change(
                description=f"No [needs: …] slots: the draft reads as {_KIND_LABELS[kind]}, not a request for work.",
                reason="Slots for who needs it and the problem fit a feature request; under an incident, a status "
                "question or a meeting request they ask for what the message already says. Ask for the full form to "
                "add them anyway.",
            )
        )
    if not asks:
        changes.append(
            Change(
                description="No [needs: …] slots and no invitation: the draft reads as an update, not a request.",
                reason="Slots for who, the problem and a date only help a message that asks engineering for work; "
                "ask for the full form to add them anyway.",
            )
        )

    message, sign_off = split_sign_off(body)
    parts = [message.strip()] if message.strip() else []
    if context_lines:
        parts.append("Context\n" + "\n".join(context_lines))
    invitation = _invitation(text, body, kind) if asks else None
    kept = {f.category for repair in repairs if repair.kept for f in repair.findings}
    if invitation == INVITATION and kept & _SIZES_THE_WORK:
        invitation = KEPT_DAMAGE_INVITATION  # "I don't know how complex this is" under "it's trivial" contradicts it
    if invitation:
        parts.append(invitation)
        changes.append(
            Change(
                description="Added an invitation for engineering's view.",
                reason="Asking what you are missing turns a demand into a conversation about the work.",
            )
        )
    if sign_off:  # what the rewrite adds goes above "Thanks,\nTamsin", not under the signature
        parts.append(sign_off)
    final = "\n\n".join(parts)
    return Rewrite(text=final, changes=changes, slots=find_slots(final))


def describe(repair: Repair) -> Change | None:
    """One line of the changes list for a repaired (or deliberately kept) sentence."""
    worst = max(repair.findings, key=lambda f: SEVERITY_RANK[f.severity])
    reason = first_sentence(worst.why)
    if repair.kept:
        suggestion = worst.replacements[0] if worst.replacements else worst.message
        return Change(
            description=f'Left "{repair.original}" as you wrote it (no rewrite keeps every fact in it). '
            f'Consider: "{suggestion}"',
            reason=reason,
        )
    if not repair.changed:
        return None
    if not repair.text:
        return Change(description=f'Removed "{repair.original}"', reason=reason)
    return Change(description=f'Rewrote "{repair.original}" as "{repair.text}"', reason=reason)


_LOWER_START = re.compile(r"(^|[.?!][\"')\]]*[ \t]+|\n[ \t]*)([a-z])(?=[a-z'’]*[\s,.;:?!])")


_ABBREVIATION = re.compile(
    r"(?:^|[\s(])(?:incl|e\.g|i\.e|etc|vs|approx|esp|cf|ca|resp|min|max|avg|nr|ref|est)\.$", re.I
)


def _capital(match: re.Match[str]) -> str:
    """The sentence start capitalised, unless the full stop before it ends an abbreviation ("incl. a")."""
    if _ABBREVIATION.search(match.string[max(0, match.start() - 12) : match.start() + 1]):
        return match.group(0)
    return match.group(1) + match.group(2).upper()


def capitalise_sentences(text: str) -> str:
    """A capital at each sentence start ("come on. no excuses" -> "Come on. No excuses"); words with inner
    capitals (iPhone), that are not plain words (urls) or that follow an abbreviation (incl., e.g.) are left
    alone."""
    return _LOWER_START.sub(_capital, text)


def _short_draft(text: str) -> bool:
    """A Slack-length draft (up to three sentences, 30 words) gets the short form."""
    doc = Document(text)
    return len(doc.sentences) <= 3 and len(text.split()) <= 30


_CALL_REASON = re.compile(
    r"\b(?:about|because|since|re:|regarding|to (?:go over|discuss|walk through|look at)|so (?:we|i) can)\b", re.I
)
CALL_SLOT = "[needs: what is it about, and why can't it wait?]"


def _call_rewrite(body: str, changes: list[Change], draft: str) -> Rewrite:
    """A request for a call gets one slot (what it is about and why now), not a feature request's context
    block and invitation."""
    message, sign_off = split_sign_off(body)
    parts = [message.strip()]
    if not _CALL_REASON.search(draft):
        parts.append(f"What it's about: {CALL_SLOT}")
        changes.append(
            Change(
                description="Added a slot for what the call is about and why it can't wait.",
                reason="A call with no topic interrupts someone blind; the topic lets them judge whether it can wait "
                "and come prepared.",
            )
        )
    parts.append(sign_off)
    final = "\n\n".join(p for p in parts if p)
    return Rewrite(text=final, changes=changes, slots=find_slots(final))


_ASK = re.compile(
    r"\?|\b(?:can|could|would|will|won't|can't) (?:we|you|u|ya|someone|somebody|anyone|the team|eng\w*|they)\b"
    r"|\b(?:please|pls|plz|pleeease)\b|\b(?:i|we) (?:need|want|would like|'d like|really need|still need)\b"
    r"|\b(?:i|we)(?:'d| would) (?:like|love)\b|\bneeds? (?:to|a|an|the|this|it)\b|\blet'?s\b|\bshould\b"
    r"|\bmust\b|\bhave to\b|\bhas to\b|\bgot to\b|\bgotta\b|\brequest(?:ing|ed)?\b|\bask(?:ing)? (?:for|you)\b"
    r"|\bmake sure\b|\basap\b|\bby (?:eod|tomorrow|monday|tuesday|wednesday|thursday|friday|next)\b"
    r"|(?:^|[.!:;\n-]\s*)(?:add|build|make|ship|fix|change|update|create|remove|implement|support|move|drop|"
    r"prioriti[sz]e|get|send|put|hardcode|fake|finish|deliver)\b",
    re.I,
)


_NO_ASK = re.compile(
    r"\b(?:nothing|no action|no changes?) (?:is )?(?:needed|required|to do) (?:from|by|on)"
    r" (?:you|your side|the team|eng\w*)|\bno action (?:needed|required)\b|\bno need to do anything\b",
    re.I,
)


def is_request(text: str) -> bool:
    """Whether the draft asks engineering for something (a question, a request verb, a need, an imperative);
    a status update, a thank-you or an FYI does not, and gets no slots or invitation."""
    return bool(_ASK.search(text))


_KIND_LABELS = {
    "report": "a problem report",
    "status": "a status question",
    "meeting": "a meeting request",
    "agreement": "an agreement",
    "question": "a question about the work",
    "announcement": "an announcement",
}


def _invitation(draft: str, body: str, kind: str = "request") -> str | None:
    """One invitation for engineering's view, unless the draft or the repaired body already asks for it. A
    problem report gets the report's invitation only when it asks nothing itself; a status question, a meeting
    request or an agreement gets none (a "smaller version?" under them reads as pushback)."""
    if kind not in ("request", "report"):
        return None
    if any(e.element == "invitation" and e.present for e in check_context(body).elements):
        return None
    if _INVITATION_FAMILY.search(body):
        return None
    if kind == "report":
        return None if asks_a_question(draft) else REPORT_INVITATION
    return INVITATION


def repair_phrasing(text: str, min_severity: str = "warning") -> tuple[str, list[Change]]:
    """Repair every trust finding at or above `min_severity` with whole-sentence repairs (used by the guards)."""
    doc = Document(text)
    repaired, repairs = repair_text(text, find_trust_phrases(doc, min_severity))
    return repaired, [change for repair in repairs if (change := describe(repair)) is not None]


_FLEXIBILITY_STATED = re.compile(
    r"\b(?:(?:date|deadline|launch)(?: date)? (?:is|isn't|is not|can(?:'t|not)?|could|will(?: not)?|won't) "
    r"(?:fixed|firm|flexible|locked|move|slip|negotiable)|no hard (?:deadline|date)|(?:hard|firm|fixed|soft|flexible) "
    r"(?:deadline|date)|not (?:a )?(?:hard|firm|fixed)|(?:can|could) (?:slip|move)|non-negotiable|nice to have|"
    r"(?:doesn't|does not|won't|will not|can't|cannot|isn't going to) (?:change|move|slip)"
    r"|is (?:fixed|locked|final)|(?:is|are|stays|remains) (?:firm|fixed|locked|final|set in stone)|not an option"
    r"|(?:with|for|give|giving|no|propose|proposing) (?:a )?new date|(?:stays|holds) (?:at|on|as)"
    r"|no (?:slippage|slipping|delays?))\b",
    re.I,
)
# A date that is an event someone else holds (a demo, a board meeting, an audit): whether it can move is not
# the PM's to answer, so the block does not ask.
_EVENT_DATE = re.compile(
    r"\b(?:demo|board|investors?|pitch|presentation|conference|trade show|expo|audit|inspection|hearing|summit|"
    r"keynote|webinar|visit|kick-?off|town ?hall|qbr|offsite)\b",
    re.I,
)


def _date_answered(draft: str) -> bool:
    """The draft already says whether its date can move, or the date is an event someone else holds."""
    return bool(_FLEXIBILITY_STATED.search(draft) or _EVENT_DATE.search(draft))


def _context_block(
    analysis: Analysis,
    pm_context: PMContext | None,
    draft: str = "",
    *,
    short: bool = False,
    slots: bool = True,
    limit: int | None = None,
) -> tuple[list[str], list[Change]]:
    """What the PM gave in the context fields, then a slot for each element neither the draft nor the fields
    carry (the context pass decides; never a slot for what the draft states). With `limit`, slots only for
    the first `limit` missing elements in `_CORE_ORDER`; the rest are named in a change note."""
    given: list[str] = []
    wanted: list[tuple[str, str, str]] = []  # (element, label, slot line)
    left_out: list[str] = []
    for element in analysis.context:
        if element.element == "invitation":
            continue
        if element.present and element.start is None:  # given by the PM in the context fields
            given.append(f"- {element.label}: {element.evidence}")
        elif not element.present and slots:
            if element.element == "deadline" and names_a_time(draft):
                continue  # "need it today", "this sprint": a time the PM gave, too loose for a deadline
            if short and element.element not in _SHORT_SLOTS:
                left_out.append(element.label.lower())
                continue
            wanted.append((element.element, element.label, f"- {element.label}: {slot(element.element)}"))
    flexible = pm_context.deadline_flexible if pm_context else None
    has_deadline = any(e.element == "deadline" and e.present for e in analysis.context)
    rigid = any(f.category == "deadline-rigidity" for f in analysis.findings)
    # The draft says why now ("the renewal is on 30 June"): that answers why that date, and whether it can
    # move is the event's, not a question to put back to the PM.
    why_given = any(e.element == "why-now" and e.present for e in analysis.context)
    if flexible is not None:
        given.append("- Whether the date can move: " + ("yes" if flexible else "no"))
    elif slots and has_deadline and not short and not rigid and not why_given and not _date_answered(draft):
        wanted.append(
            (
                "date-moves",
                "whether the date can move",
                "- Whether the date can move: [needs: can the date move, and why that date?]",
            )
        )
    if limit is not None and len(wanted) > limit:
        wanted.sort(key=lambda w: _CORE_ORDER.index(w[0]))
        left_out += [label.lower() for _, label, _ in wanted[limit:]]
        wanted = wanted[:limit]
    order = [e.element for e in analysis.context] + ["date-moves"]
    wanted.sort(key=lambda w: order.index(w[0]))  # the block keeps the context pass's order
    lines = given + [line for _, _, line in wanted]
    missing = [label.lower() for _, label, _ in wanted]
    changes = []
    if missing:
        changes.append(
            Change(
                description=f"Added [needs: …] slots for missing context: {', '.join(missing)}.",
                reason="Engineers weigh a request by who needs it, the problem and why now; "
                "the slots ask you for those facts instead of guessing them.",
            )
        )
    if left_out and short:
        changes.append(
            Change(
                description=f"Kept the short form: no slots for {', '.join(left_out)}; "
                "ask for the full form to add them.",
                reason="A one-line question stays short; the two facts engineers ask first are who and the problem.",
            )
        )
    elif left_out:
        changes.append(
            Change(
                description=f"Slots for the {_COUNT_WORDS.get(len(wanted), len(wanted))} facts engineers ask "
                f"first; none for {'; '.join(left_out)}. "
                "Ask for the full form to add them.",
                reason="Six empty slots read as a form to fill in; the first few facts do most of the work.",
            )
        )
    return lines, changes


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
    text = re.sub(r"(^|[.?!]\s+)([a-z])", _capital, text)
    return "\n".join(line.rstrip() for line in text.split("\n"))
