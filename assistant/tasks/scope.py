"""Scope change: an engineering-lead brief, a stakeholder message with visible slots, and a consistency check.

The behaviour that keeps trust: the PM talks to the engineering lead before telling anyone else, assesses the
impact together, then tells stakeholders the change and its trade-off. The offline engine assembles both
texts from templates and the deterministic passes; the LLM chains return the same types, guarded.
`check_consistency` is deterministic: the stakeholder message must not promise what the brief left open.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.checks.complexity import find_complexity
from assistant.checks.fixes import capture, repair_sentence
from assistant.checks.guards import DATE_RE, fact_kept, find_estimates, find_facts, find_invented_claims, guard_text
from assistant.checks.lint import find_trust_phrases
from assistant.checks.offline import capitalise_sentences, first_sentence
from assistant.checks.rule_data import compile_pattern, rule_data
from assistant.llm.calls import PreparedCall, WireModel, estimate_tokens, llm_result, prepare, send
from assistant.llm.prompt_files import load_prompt
from assistant.schemas import (
    Change,
    ComplexityFlag,
    Finding,
    GuardFinding,
    Source,
    TaskResult,
)
from assistant.tasks.results import guard_fields, offline_result, self_check
from assistant.text.document import Document
from assistant.text.slots import SLOT, blank_slots

if TYPE_CHECKING:
    from assistant.llm.providers.base import Provider

OFFLINE_NOTICE = "Offline engine: deterministic rules, no model was called."
OPENING_LINE = (
    "Something has changed that might affect the sprint. "
    "I want to understand the impact before I communicate anything externally."
)
WHY_SLOT = "[needs: who asked for this change, and why?]"
MIN_QUESTIONS, MAX_QUESTIONS = 4, 8


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- input
class ScopeChangeInput(_Model):
    """What the PM knows about the change. Only these texts count as known facts."""

    original: str = Field(description="the original scope")
    change: str = Field(description="what changed")
    who_why: str | None = Field(default=None, description="who asked for the change, and why")
    sprint: str | None = Field(default=None, description="where the sprint or deadline stands")
    changed_before: int | str | None = Field(
        default=None, description="how often this feature already changed (a count or free text)"
    )

    @field_validator("original", "change")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()

    @field_validator("who_why", "sprint", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip() or None
        return value

    @field_validator("changed_before", mode="before")
    @classmethod
    def _count_or_text(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            return int(value) if value.isdigit() else value
        if isinstance(value, int) and not isinstance(value, bool) and value < 0:
            raise ValueError("a count of changes cannot be negative")
        return value

    @property
    def moving_target(self) -> bool:
        """True when the feature already changed during the sprint (a count above 0, or text that says so)."""
        value = self.changed_before
        if value is None:
            return False
        if isinstance(value, int):
            return value > 0
        return not _NOT_CHANGED.match(value)

    def sources(self) -> list[str]:
        """Every text the PM gave: what the guards and the consistency check treat as known."""
        extra = "" if self.changed_before is None else str(self.changed_before)
        return [t for t in (self.original, self.change, self.who_why or "", self.sprint or "", extra) if t]

    def prompt_fields(self) -> dict[str, str]:
        """The inputs as prompt variables (missing ones say so)."""
        return {
            "original": self.original,
            "change": self.change,
            "who_why": self.who_why or "(not given)",
            "sprint": self.sprint or "(not given)",
            "changed_before": "(not given)" if self.changed_before is None else str(self.changed_before),
        }


_NOT_CHANGED = re.compile(r"\s*(?:0\b|no\b|none\b|never\b|not\b|nope\b|n/a\b|first\b)", re.I)


# ---------------------------------------------------------------- results
BriefTopic = Literal[
    "components", "rework", "sprint-risk", "smaller-alternative", "make-room", "moving-target", "unknowns"
]


class BriefQuestion(_Model):
    """A curiosity question to assess the impact with the engineering lead."""

    topic: BriefTopic
    text: str


class EngineeringBrief(_Model):
    """What the PM brings to the engineering lead before telling anyone else."""

    what_changed: str
    why: str
    unknowns: list[str]
    questions: list[BriefQuestion] = Field(min_length=MIN_QUESTIONS, max_length=MAX_QUESTIONS)
    opening_line: str
    moving_target: bool
    moving_target_note: str | None = None
    restatement: list[Change] = Field(default_factory=list, description="how the change text was restated")
    lint_findings: list[Finding] = Field(default_factory=list, description="trust phrases in the change text")
    complexity: list[ComplexityFlag] = Field(default_factory=list, description="offline flags of the change")
    inputs: ScopeChangeInput
    source: Source = "offline"


class TradeOffOption(_Model):
    option: str
    trade_off: str


class StakeholderDraft(_Model):
    """A message to stakeholders: the change, its impact, options with trade-offs, the decision needed.
    What only engineering can answer stays a visible `[impact: …]` / `[trade-off: …]` slot."""

    change: str
    impact: str
    options: list[TradeOffOption]
    decision_needed: str
    text: str
    slots: list[str] = Field(default_factory=list)
    source: Source = "offline"


ConsistencyKind = Literal[
    "date-promise",
    "scope-promise",
    "impact-promise",
    "certainty",
    "unsourced-date",
    "blame",
    "minimizing",
    "estimate",
    "invented-claim",
]


class ConsistencyFinding(_Model):
    """Something the stakeholder message says that the brief left open, or must never say."""

    kind: ConsistencyKind
    text: str
    explanation: str
    start: int | None = None
    end: int | None = None
    rule_id: str | None = None


class ConsistencyReport(_Model):
    findings: list[ConsistencyFinding] = Field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.findings


class ScopeChangeResult(_Model):
    """What `prepare_scope_change` returns: the brief, the stakeholder draft and the consistency check."""

    version: int = 1
    engine: Literal["offline", "llm"]
    inputs: ScopeChangeInput
    brief: TaskResult[EngineeringBrief]
    stakeholder: TaskResult[StakeholderDraft]
    consistency: TaskResult[ConsistencyReport]


# ---------------------------------------------------------------- offline brief
def restate_change(change: str) -> tuple[str, list[Change], list[Finding]]:
    """The change in the PM's words with the damaging phrasing repaired; what was changed; the findings.

    Each flagged sentence is repaired whole (`checks.fixes`): "Small tweak from sales: add per-team filters,
    demo-ready by Thursday." says who asked, what and when ("Sales asked to add per-team filters, for a
    demo on Thursday."). Every fact stays; a sentence without a clean repair stays as written, its finding
    listed. Only a change note with nothing left to say becomes a `[needs: …]` slot.
    """
    doc = Document(change)
    findings = [f for f in find_trust_phrases(doc) if f.severity != "suggestion"]
    by_sentence: dict[tuple[int, int], list[Finding]] = {}
    for finding in findings:
        by_sentence.setdefault(doc.sentence_at(finding.start), []).append(finding)
    pieces, changes, cursor = [], [], 0
    for (start, end), found in sorted(by_sentence.items()):
        if start < cursor:
            continue
        sentence = change[start:end]
        restated = _who_asked_what(sentence, found)
        if restated is None:
            local = [f.model_copy(update={"start": f.start - start, "end": min(f.end, end) - start}) for f in found]
            restated = repair_sentence(sentence, local)
        reason = _first_clause(found[0].why)
        if restated is None:
            changes.append(
                Change(
                    description=f'Kept "{sentence}" as you wrote it (no restatement keeps every fact).', reason=reason
                )
            )
            restated = sentence
        elif restated != sentence:
            changes.append(Change(description=f'Restated "{sentence}" as "{restated}".', reason=reason))
        pieces += [change[cursor:start], restated]
        cursor = end
    pieces.append(change[cursor:])
    text = capitalise_sentences(" ".join("".join(pieces).split(" ")).strip())
    return text or "[needs: what exactly changed?]", changes, findings


_RESTATE_CATEGORIES = frozenset({"minimizing-change", "interruption", "demo-pressure", "deadline-rigidity"})


def _who_asked_what(sentence: str, found: list[Finding]) -> str | None:
    """ "Small tweak from sales: add X, demo-ready by Thursday." -> "Sales asked to add X, for a demo on
    Thursday." when the sentence names the requester and the ask and the result keeps every fact."""
    if not any(f.category in _RESTATE_CATEGORIES for f in found):
        return None
    parts = capture(sentence)
    if "requester" not in parts or "ask" not in parts:
        return None
    when = ""
    if "date" in parts:
        demo = any(f.category == "demo-pressure" for f in found)
        when = f", for a demo {parts['on_date']}" if demo else f" {parts['when']}"
    requester = parts["requester"][:1].upper() + parts["requester"][1:]
    restated = f"{requester} asked to {parts['ask']}{when}."
    return restated if all(fact_kept(f, restated) for f in find_facts(sentence)) else None


def requester_of(change: str) -> str | None:
    """Who asked for the change, in the change note's words ("from sales" -> "Sales"), or None."""
    for start, end in Document(change).sentences:
        who = capture(change[start:end]).get("requester")
        if who:
            return who[:1].upper() + who[1:]
    return None


def offline_brief(inp: ScopeChangeInput) -> EngineeringBrief:
    """The brief from templates, the complexity flags of the change and the linter's findings on it."""
    what_changed, restatement, findings = restate_change(inp.change)
    flags = find_complexity(inp.change)
    return EngineeringBrief(
        what_changed=what_changed,
        why=inp.who_why or _why_from_note(inp.change),
        unknowns=_unknowns(inp, flags, findings),
        questions=offline_questions(inp, flags),
        opening_line=_opening_line(inp),
        moving_target=inp.moving_target,
        moving_target_note=_moving_target_note(inp),
        restatement=restatement,
        lint_findings=findings,
        complexity=flags,
        inputs=inp,
    )


def _why_from_note(change: str) -> str:
    """The why line when the PM gave no who/why: who asked, if the change note says, and a slot for why."""
    requester = requester_of(change)
    return f"{requester} asked for it. {WHY_ONLY_SLOT}" if requester else WHY_SLOT


WHY_ONLY_SLOT = "[needs: why do they need it, and why now?]"


def offline_questions(inp: ScopeChangeInput, flags: list[ComplexityFlag] | None = None) -> list[BriefQuestion]:
    """4–8 curiosity questions: components, the flags' questions, rework, sprint risk, smaller, make room."""
    flags = find_complexity(inp.change) if flags is None else flags
    questions = [BriefQuestion(topic="components", text="Which parts of the system does this change touch?")]
    questions += [BriefQuestion(topic="components", text=f.question) for f in flags[:2]]
    questions += [
        BriefQuestion(topic="rework", text="How much of the work already done this sprint would need to be redone?"),
        BriefQuestion(
            topic="sprint-risk", text="What does this change put at risk in what we committed to this sprint?"
        ),
    ]
    if inp.moving_target:
        questions.append(
            BriefQuestion(
                topic="moving-target",
                text="This feature has already changed during the sprint. What would help us settle the "
                "scope "
                "so it stops moving?",
            )
        )
    questions += [
        BriefQuestion(
            topic="smaller-alternative",
            text="Is there a smaller version of the change that would still solve the problem?",
        ),
        BriefQuestion(topic="make-room", text="If we take this on, what would we have to drop or delay to make room?"),
    ]
    if len(questions) < MAX_QUESTIONS:
        questions.append(BriefQuestion(topic="unknowns", text="What don't we know yet that could change the approach?"))
    return questions[:MAX_QUESTIONS]


def _opening_line(inp: ScopeChangeInput) -> str:
    if inp.moving_target:
        return (
            OPENING_LINE + " I know this feature has already changed during the sprint, so I want us to look at it"
            " properly."
        )
    return OPENING_LINE


def _moving_target_note(inp: ScopeChangeInput) -> str | None:
    if not inp.moving_target:
        return None
    return (
        f"This feature has already changed during the sprint (you said: {inp.changed_before}). Another "
        f"change "
        "lands on work in progress: expect the lead to ask how the scope will stop moving."
    )


_SIZING_RULES = frozenset({"minimizing-change.minor-tweak", "minimizing-change.one-more-thing"})


def _unknowns(inp: ScopeChangeInput, flags: list[ComplexityFlag], findings: list[Finding]) -> list[str]:
    unknowns = [
        "What this change does to the current sprint commitments.",
        "How much of the work already done would need to be redone.",
        "Whether the current date still holds, and what would have to move if it doesn't.",
    ]
    unknowns += [f'Whether the {f.title.lower()} part ("{f.trigger}") adds work we have not seen yet.' for f in flags]
    for finding in findings:
        if finding.category == "minimizing-change" and finding.severity != "suggestion":
            says = "calls it" if finding.rule_id in _SIZING_RULES else "says"
            unknowns.append(f'The change note {says} "{finding.text}"; nobody in engineering has assessed that yet.')
    return unknowns


# ---------------------------------------------------------------- offline stakeholder draft
IMPACT_SLOT = "[impact: what this changes in the current sprint, as confirmed with the engineering lead]"
OFFLINE_OPTIONS = (
    ("Take the change into this sprint", "[trade-off: what comes out of the sprint, or which date moves]"),
    ("Keep the sprint as planned and schedule the change next", "[trade-off: what the requester waits for]"),
    ("Ship a smaller version of the change now", "[trade-off: what the smaller version leaves out]"),
)
OFFLINE_DECISION = (
    "Which option to take. I'll recommend one once the engineering lead and I have assessed the impact; "
    "the decision is needed from [needs: who decides?] by [needs: when is the decision needed?]."
)
_MESSAGE_INTRO = (
    "A change to the scope we agreed: here is what we know, what we are still assessing with engineering, "
    "and the decision we need."
)


def offline_stakeholder_draft(inp: ScopeChangeInput, brief: EngineeringBrief | None = None) -> StakeholderDraft:
    """A message with the change and visible slots for the impact and each option's trade-off."""
    brief = brief or offline_brief(inp)
    why = f"Who asked and why: {_sentence(brief.why)}" if inp.who_why else _why_from_note(inp.change)
    change = f"{brief.what_changed.rstrip()} {why}"
    impact = "I am assessing the impact with the engineering lead before we commit to anything. " + IMPACT_SLOT
    options = [TradeOffOption(option=o, trade_off=t) for o, t in OFFLINE_OPTIONS]
    return build_draft(change, impact, options, OFFLINE_DECISION, source="offline")


def build_draft(
    change: str, impact: str, options: list[TradeOffOption], decision: str, source: Source
) -> StakeholderDraft:
    """Assemble the message text from its parts (the same layout for both engines)."""
    lines = [_MESSAGE_INTRO, "", f"What changed: {change}", "", f"Engineering impact: {impact}", ""]
    lines.append("Options and trade-offs:")
    lines += [f"- {o.option}: {o.trade_off}" for o in options]
    lines += ["", f"Decision needed: {decision}"]
    text = "\n".join(lines)
    return StakeholderDraft(
        change=change,
        impact=impact,
        options=options,
        decision_needed=decision,
        text=text,
        slots=SLOT.findall(text),
        source=source,
    )


# ---------------------------------------------------------------- consistency check
_PROMISES = rule_data("promises")  # rules/promises.yaml
_FRAGMENTS = {**_PROMISES["fragments"], "date": DATE_RE.pattern}
_PROMISE_PATTERNS = {kind: compile_pattern(value, _FRAGMENTS) for kind, value in _PROMISES["promises"].items()}
_DATE_PROMISE, _SCOPE_PROMISE, _IMPACT_PROMISE, _CERTAINTY = (
    _PROMISE_PATTERNS[kind] for kind in ("date-promise", "scope-promise", "impact-promise", "certainty")
)
_HEDGE_BEFORE = compile_pattern(_PROMISES["hedged_before"])
_NEGATION_NEAR = compile_pattern(_PROMISES["negation_near"])
_PROMISE_EXPLANATIONS: dict[str, str] = _PROMISES["explanations"]
_LINT_KINDS: dict[str, str] = _PROMISES["lint_kinds"]
_PROMISE_FAMILY = frozenset({"date-promise", "scope-promise", "impact-promise", "certainty", "blame", "minimizing"})


def check_consistency(brief: EngineeringBrief, message: StakeholderDraft | str) -> list[ConsistencyFinding]:
    """Deterministic check of a stakeholder message against the brief and the PM's inputs.

    The message must not promise a date, scope or certainty the brief left open, blame engineering,
    minimise the change, contain a time estimate, or state a number, date or name the PM did not give.
    """
    text = message.text if isinstance(message, StakeholderDraft) else message
    scrubbed = blank_slots(text)
    sources = brief.inputs.sources()
    # The promise patterns first: where a promise and a phrasing finding cover the same words, the more
    # specific promise kind ("impact-promise" over "minimizing") is the one kept.
    found: list[ConsistencyFinding] = find_promises(text)

    for f in find_trust_phrases(text):
        kind = _LINT_KINDS.get(f.category)
        if kind and f.severity != "suggestion":
            found.append(_finding(kind, f.start, f.end, text, f"{f.message} {_first_clause(f.why)}.", f.rule_id))
    source_estimates = {e.lower() for e in find_estimates("\n".join(sources))}
    for estimate in find_estimates(text):
        if estimate.lower() not in source_estimates:
            found.append(_fact("estimate", scrubbed, estimate, _ESTIMATE_WHY))
    for claim in _claims_by_line(text, sources):
        if DATE_RE.fullmatch(claim):
            found.append(
                _fact(
                    "unsourced-date",
                    scrubbed,
                    claim,
                    "A date that is in none of your inputs: where does it come from?",
                )
            )
        else:
            found.append(_fact("invented-claim", scrubbed, claim, _INVENTED_WHY))
    return _dedupe(found)


_ESTIMATE_WHY = "A time or effort estimate: only engineering can size the work, and they have not yet."
_INVENTED_WHY = "A number or name that is in none of your inputs: the message must not state facts you did not give."


def find_promises(text: str, *, certainty: bool = True) -> list[ConsistencyFinding]:
    """Promises of a date, a scope or no impact (and, unless turned off, certainty words), outside slots,
    questions and hedged sentences ("we don't know yet whether we will ship by …")."""
    scrubbed = blank_slots(text)
    found: list[ConsistencyFinding] = []
    for kind, pattern in (
        ("date-promise", _DATE_PROMISE),
        ("scope-promise", _SCOPE_PROMISE),
        ("impact-promise", _IMPACT_PROMISE),
    ):
        for m in pattern.finditer(scrubbed):
            if not _asked_or_hedged(scrubbed, m.start(), m.end()):
                start = _word_start(text, m.start())
                found.append(_finding(kind, start, m.end(), text, _PROMISE_EXPLANATIONS[kind]))
    if certainty:
        for m in _CERTAINTY.finditer(scrubbed):
            if not _NEGATION_NEAR.search(scrubbed[: m.start()]) and not _is_question(scrubbed, m.start()):
                found.append(_finding("certainty", m.start(), m.end(), text, _PROMISE_EXPLANATIONS["certainty"]))
    return found


def _claims_by_line(text: str, sources: list[str]) -> list[str]:
    """Invented claims line by line, so a name can never run on into the next paragraph's heading."""
    lines = ("\n" + line for line in text.splitlines())  # the newline keeps "- Item" a sentence start
    return list(dict.fromkeys(c for line in lines for c in find_invented_claims(line, sources)))


def _finding(
    kind: str, start: int, end: int, text: str, explanation: str, rule_id: str | None = None
) -> ConsistencyFinding:
    return ConsistencyFinding(
        kind=kind,  # type: ignore[arg-type]
        text=text[start:end],
        explanation=explanation,
        start=start,
        end=end,
        rule_id=rule_id,
    )


def _fact(kind: str, scrubbed: str, token: str, explanation: str) -> ConsistencyFinding:
    """A finding for a token the guards returned, located in the (slot-free) message when possible."""
    match = re.search(rf"(?<!\w){re.escape(token)}(?!\w)", scrubbed)
    if match is None:
        return ConsistencyFinding(kind=kind, text=token, explanation=explanation)  # type: ignore[arg-type]
    return _finding(kind, match.start(), match.end(), scrubbed, explanation)


def _word_start(text: str, start: int) -> int:
    """Quote "we'll ship…", not "'ll ship…"."""
    if text[start : start + 1] in ("'", "’"):
        while start > 0 and text[start - 1].isalnum():
            start -= 1
    return start


def _sentence_bounds(text: str, start: int) -> tuple[int, int]:
    doc = Document(text)
    return doc.sentence_at(start)


def _is_question(text: str, start: int) -> bool:
    _, end = _sentence_bounds(text, start)
    return text[:end].rstrip().endswith("?")


def _asked_or_hedged(text: str, start: int, end: int) -> bool:
    """A question, or a sentence that says the point is still open before it ("we don't know yet whether")."""
    s_start, _ = _sentence_bounds(text, start)
    return _is_question(text, start) or bool(_HEDGE_BEFORE.search(text[s_start:start]))


def _dedupe(found: list[ConsistencyFinding]) -> list[ConsistencyFinding]:
    """One finding per span and family (promises and phrasing; facts), in text order."""
    kept: list[ConsistencyFinding] = []
    for item in found:
        if not any(_same_spot(k, item) for k in kept):
            kept.append(item)
    kept.sort(key=lambda f: (f.start if f.start is not None else len(f.text) << 20, f.kind))
    return kept


def _same_spot(a: ConsistencyFinding, b: ConsistencyFinding) -> bool:
    if (a.kind in _PROMISE_FAMILY) != (b.kind in _PROMISE_FAMILY):
        return False
    if a.start is None or b.start is None or a.end is None or b.end is None:
        return a.text == b.text
    return a.start < b.end and b.start < a.end


# ---------------------------------------------------------------- LLM chains (on the one call path, llm/calls.py)
_Wire = WireModel


class BriefQuestionAnswer(_Wire):
    topic: BriefTopic
    text: str


class BriefAnswer(_Wire):
    what_changed: str
    why: str
    unknowns: list[str]
    questions: list[BriefQuestionAnswer]
    opening_line: str


class OptionAnswer(_Wire):
    option: str
    trade_off: str


class StakeholderAnswer(_Wire):
    change: str
    impact: str
    options: list[OptionAnswer]
    decision_needed: str


def brief_hints(inp: ScopeChangeInput, flags: list[ComplexityFlag], findings: list[Finding]) -> str:
    """The offline findings on the change, short, as hints for the model."""
    lines = []
    if findings:
        lines.append(
            "- phrasing in the change note to restate without: "
            + "; ".join(f'"{f.text}" ({f.category})' for f in findings[:8])
        )
    if flags:
        lines.append("- possible complexity: " + "; ".join(f'{f.category} ("{f.trigger}")' for f in flags[:8]))
    if inp.moving_target:
        lines.append("- moving target: this feature already changed during the sprint")
    if not inp.who_why:
        lines.append(f"- who asked and why is missing: write {WHY_SLOT}")
    return "\n".join(lines) or "- nothing flagged"


def prepare_brief(
    inp: ScopeChangeInput,
    provider: Provider,
    hints: str | None = None,
    *,
    redact: bool | None = None,
    confidential_terms: tuple[str, ...] = (),
) -> PreparedCall:
    """The brief's request, redacted and rendered (what `llm_brief` sends and the estimate counts)."""
    if hints is None:
        _, _, findings = restate_change(inp.change)
        hints = brief_hints(inp, find_complexity(inp.change), findings)
    return prepare(
        provider,
        load_prompt("scope_brief"),
        "scope_brief",
        BriefAnswer,
        inp.prompt_fields(),
        {"hints": hints},
        redact=redact,
        confidential_terms=confidential_terms,
    )


def prepare_stakeholder(
    inp: ScopeChangeInput,
    brief: EngineeringBrief,
    provider: Provider,
    *,
    redact: bool | None = None,
    confidential_terms: tuple[str, ...] = (),
) -> tuple[PreparedCall, str]:
    """The stakeholder message's request for `brief` (redacted and rendered), and its hints."""
    hints = "\n".join(
        [f"- still unknown (only engineering can answer): {u}" for u in brief.unknowns[:6]]
        + ([f"- who asked and why is missing: write {WHY_SLOT}"] if not inp.who_why else [])
    )
    fields = {**inp.prompt_fields(), "what_changed": brief.what_changed}
    prepared = prepare(
        provider,
        load_prompt("stakeholder_message"),
        "stakeholder_message",
        StakeholderAnswer,
        fields,
        {"hints": hints},
        redact=redact,
        confidential_terms=confidential_terms,
    )
    return prepared, hints


def scope_token_estimate(inp: ScopeChangeInput, provider: Provider) -> dict[str, int]:
    """Prompt tokens of both scope-change requests, counted on the requests the chains build. The
    stakeholder request is built on the offline brief (the model's brief is not known before sending)."""
    brief = offline_brief(inp)
    return {
        "scope_brief": estimate_tokens(provider, prepare_brief(inp, provider)),
        "stakeholder_message": estimate_tokens(provider, prepare_stakeholder(inp, brief, provider)[0]),
    }


def llm_brief(
    inp: ScopeChangeInput,
    provider: Provider,
    *,
    notice: str | None = None,
    redact: bool | None = None,
    confidential_terms: tuple[str, ...] = (),
) -> TaskResult[EngineeringBrief]:
    """The brief through the model: prompts/scope_brief.md → BriefAnswer → guards → EngineeringBrief."""
    _, restatement, findings = restate_change(inp.change)
    flags = find_complexity(inp.change)
    hints = brief_hints(inp, flags, findings)
    prepared = prepare_brief(inp, provider, hints, redact=redact, confidential_terms=confidential_terms)
    answer, call = send(provider, prepared)
    prompt, redaction = prepared.prompt, prepared.redaction
    sources = [*inp.sources(), hints]
    values, guards = guard_fields(answer, ["what_changed", "why", "opening_line"], sources)
    unknowns = []
    for i, item in enumerate(answer.unknowns):
        text, found = guard_text(item, sources, field=f"unknowns[{i}]")
        unknowns.append(text)
        guards += found
    questions, found = _guarded_questions(answer.questions, inp, flags, sources)
    guards += found
    brief = EngineeringBrief(
        what_changed=values["what_changed"],
        why=values["why"],
        unknowns=unknowns,
        questions=questions,
        opening_line=values["opening_line"],
        moving_target=inp.moving_target,
        moving_target_note=_moving_target_note(inp),
        restatement=restatement,
        lint_findings=findings,
        complexity=flags,
        inputs=inp,
        source="model",
    )
    return llm_result("scope_brief", provider, prompt, brief, guards, call, redaction, notice)


def _guarded_questions(
    answers: list[BriefQuestionAnswer], inp: ScopeChangeInput, flags: list[ComplexityFlag], sources: list[str]
) -> tuple[list[BriefQuestion], list[GuardFinding]]:
    """Guard each question; drop any the linter still flags; keep 4–8 (topped up from the offline ones)."""
    kept: list[BriefQuestion] = []
    findings: list[GuardFinding] = []
    for i, q in enumerate(answers):
        text, found = guard_text(q.text, sources, field=f"questions[{i}]")
        findings += found
        leftover = find_trust_phrases(text)
        if leftover:
            findings.append(
                GuardFinding(
                    guard="trust-phrase",
                    text=leftover[0].text,
                    detail="question dropped: it still fails the linter",
                    action="repaired",
                    field=f"questions[{i}]",
                )
            )
            continue
        kept.append(BriefQuestion(topic=q.topic, text=text))
    if len(kept) > MAX_QUESTIONS:
        findings.append(
            GuardFinding(
                guard="schema",
                text=f"{len(kept)} questions",
                detail=f"kept the first {MAX_QUESTIONS}",
                action="repaired",
                field="questions",
            )
        )
        kept = kept[:MAX_QUESTIONS]
    if len(kept) < MIN_QUESTIONS:
        missing = MIN_QUESTIONS - len(kept)
        have = {q.text for q in kept}
        extra = [q for q in offline_questions(inp, flags) if q.text not in have][:missing]
        findings.append(
            GuardFinding(
                guard="schema",
                text=f"{len(kept)} questions",
                detail=f"added {len(extra)} offline question(s) to reach {MIN_QUESTIONS}",
                action="repaired",
                field="questions",
            )
        )
        kept += extra
    return kept, findings


def llm_stakeholder(
    inp: ScopeChangeInput,
    brief: EngineeringBrief,
    provider: Provider,
    *,
    notice: str | None = None,
    redact: bool | None = None,
    confidential_terms: tuple[str, ...] = (),
) -> TaskResult[StakeholderDraft]:
    """The stakeholder message through the model: prompts/stakeholder_message.md → guards → draft."""
    prepared, hints = prepare_stakeholder(inp, brief, provider, redact=redact, confidential_terms=confidential_terms)
    answer, call = send(provider, prepared)
    prompt, redaction = prepared.prompt, prepared.redaction
    sources = [*inp.sources(), brief.what_changed, hints]
    values, guards = guard_fields(answer, ["change", "impact", "decision_needed"], sources)
    if "[impact:" not in values["impact"]:
        values["impact"] = f"{values['impact'].rstrip()} {IMPACT_SLOT}".strip()
        guards.append(
            GuardFinding(
                guard="schema",
                text=answer.impact,
                field="impact",
                action="repaired",
                detail="the impact stays a visible [impact: …] slot until engineering has assessed it",
            )
        )
    options = []
    for i, o in enumerate(answer.options):
        values_o, found = guard_fields(o, ["option", "trade_off"], sources, prefix=f"options[{i}].")
        guards += found
        options.append(TradeOffOption(**values_o))
    draft = build_draft(values["change"], values["impact"], options, values["decision_needed"], source="model")
    return llm_result("stakeholder_message", provider, prompt, draft, guards, call, redaction, notice)


# ---------------------------------------------------------------- the task API
def prepare_scope_change(
    inp: ScopeChangeInput,
    provider: Provider | None = None,
    *,
    notice: str = OFFLINE_NOTICE,
    redact: bool | None = None,
    confidential_terms: tuple[str, ...] = (),
) -> ScopeChangeResult:
    """The brief, the stakeholder draft and the consistency check; offline when provider is None."""
    if provider is None:
        brief = offline_brief(inp)
        draft = offline_stakeholder_draft(inp, brief)
        brief_texts = {"what_changed": brief.what_changed, "opening_line": brief.opening_line}
        brief_texts.update({f"questions[{i}]": q.text for i, q in enumerate(brief.questions)})
        brief_result = offline_result("scope_brief", brief, self_check(brief_texts, inp.sources()), notice)
        draft_result = offline_result(
            "stakeholder_message", draft, self_check({"text": draft.text}, inp.sources()), notice
        )
    else:
        kwargs: dict[str, Any] = {
            "notice": notice,
            "redact": redact,
            "confidential_terms": confidential_terms,
        }
        brief_result = llm_brief(inp, provider, **kwargs)
        brief = brief_result.result
        draft_result = llm_stakeholder(inp, brief, provider, **kwargs)
        draft = draft_result.result
    report = ConsistencyReport(findings=check_consistency(brief, draft))
    consistency = offline_result(
        "consistency", report, [], "Deterministic check of the stakeholder message against the brief."
    )
    return ScopeChangeResult(
        engine="offline" if provider is None else "llm",
        inputs=inp,
        brief=brief_result,
        stakeholder=draft_result,
        consistency=consistency,
    )


# ---------------------------------------------------------------- small text helpers
def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in ".!?" else f"{text}."


def _first_clause(text: str) -> str:
    return first_sentence(text).rstrip(".")
