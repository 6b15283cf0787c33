"""Rehearse a scope change: the PM talks, a model (or a script, offline) plays the engineering lead,
and a debrief scores the PM's lines with evidence quoted from them.

Offline, the lead's lines are scripted: chosen from the persona, the complexity flags of the change and
how the PM's line reads (deterministic, varied by turn index). The debrief always computes the
deterministic signals; with a model it adds the model's judgement, and every score item says which.
`Rehearsal.to_state()` / `from_state()` make a session serialisable (CLI, Streamlit).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.checks.complexity import find_complexity
from assistant.checks.context import check_context
from assistant.checks.guards import find_estimates, guard_text
from assistant.checks.lint import find_trust_phrases
from assistant.checks.rule_data import compile_pattern, rule_data
from assistant.llm.calls import PreparedCall, WireModel, estimate_tokens, llm_result, prepare, send
from assistant.llm.prompt_files import load_prompt
from assistant.schemas import Finding, GuardFinding, Source, TaskResult
from assistant.tasks.results import offline_result, self_check
from assistant.tasks.scope import OFFLINE_NOTICE, ScopeChangeInput, find_promises
from assistant.text.document import Document
from assistant.text.reading import InputError
from assistant.text.words import content_words

if TYPE_CHECKING:
    from assistant.llm.providers.base import Provider

Persona = Literal["supportive", "skeptical", "overloaded"]
_SCRIPT = rule_data("rehearsal")  # rules/rehearsal.yaml: personas, criteria, signals
_PERSONA_DATA: dict[str, dict[str, Any]] = _SCRIPT["personas"]
PERSONAS: dict[str, str] = {name: persona["description"] for name, persona in _PERSONA_DATA.items()}
LeadConcern = Literal[
    "context",
    "rework",
    "sprint-commitments",
    "complexity",
    "moving-target",
    "tech-debt",
    "smaller-version",
    "trade-off",
    "pushback",
    "wrap-up",
]
Criterion = Literal["shared-context", "asked-before-asserting", "no-bargaining", "owned-trade-off", "offered-options"]
CRITERIA: dict[str, str] = {name: criterion["label"] for name, criterion in _SCRIPT["criteria"].items()}
MAX_SCORE = 2
MAX_LINE_CHARS = 4000


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Turn(_Model):
    speaker: Literal["pm", "lead"]
    text: str
    concern: LeadConcern | None = None


class LeadTurn(_Model):
    """The engineering lead's answer to one PM line."""

    index: int = Field(ge=0, description="0-based number of the lead's turn")
    persona: Persona
    text: str
    concern: LeadConcern
    source: Source = "offline"


class ScoreItem(_Model):
    """One rubric score, from the deterministic signals or from the model, with quotes of the PM's lines."""

    criterion: Criterion
    label: str
    score: int = Field(ge=0, le=MAX_SCORE)
    source: Literal["deterministic", "model"]
    evidence: list[str] = Field(default_factory=list)
    explanation: str


class Debrief(_Model):
    method: str
    pm_turns: int
    items: list[ScoreItem]
    summary: str
    next_time: list[str] = Field(default_factory=list)
    deterministic_score: int
    model_score: int | None = None
    max_score: int = MAX_SCORE * len(CRITERIA)


class RehearsalState(_Model):
    """Everything a rehearsal needs to continue later: serialise with `model_dump_json()`."""

    version: int = 1
    inputs: ScopeChangeInput
    persona: Persona = "supportive"
    transcript: list[Turn] = Field(default_factory=list)
    lead_results: list[TaskResult[LeadTurn]] = Field(default_factory=list)
    debrief: TaskResult[Debrief] | None = None
    notice: str | None = None


class RehearsalEnded(InputError):
    """The rehearsal has ended: start a new one to keep practising."""


# ---------------------------------------------------------------- what a PM line shows
_SIGNALS: dict[str, Any] = _SCRIPT["signals"]
_SENTENCE_OPENERS, _OWN, _TRADE_OFF, _OPTION = (
    compile_pattern(_SIGNALS[name]) for name in ("curiosity_openers", "ownership", "trade_off", "option")
)


class LineSignals(BaseModel):
    """Deterministic signals in the PM's lines (used by the scripted lead and by the debrief)."""

    questions: list[str] = Field(default_factory=list)
    assertions: list[str] = Field(default_factory=list)
    bargaining: list[Finding] = Field(default_factory=list)
    estimates: list[str] = Field(default_factory=list)
    blame: list[Finding] = Field(default_factory=list)
    rigid: list[Finding] = Field(default_factory=list)
    ownership: list[str] = Field(default_factory=list)
    trade_offs: list[str] = Field(default_factory=list)
    options: list[str] = Field(default_factory=list)
    context: dict[str, str] = Field(default_factory=dict)
    change_words: list[str] = Field(default_factory=list)
    change_sentence: str | None = None


def line_signals(lines: list[str], inp: ScopeChangeInput) -> LineSignals:
    """What the PM's lines show: questions, assertions, bargaining, blame, ownership, options, context."""
    signals = LineSignals()
    change_words = content_words(inp.change)
    best_overlap: set[str] = set()
    source_estimates = {e.lower() for e in find_estimates("\n".join(inp.sources()))}
    questions: list[str] = []
    for line in lines:
        doc = Document(line)
        for start, end in doc.sentences:
            sentence = line[start:end].strip()
            if sentence.endswith("?") or _SENTENCE_OPENERS.match(sentence):
                questions.append(sentence)
            if _OWN.search(sentence):
                signals.ownership.append(sentence)
            if _TRADE_OFF.search(sentence):
                signals.trade_offs.append(sentence)
            if _OPTION.search(sentence):
                signals.options.append(sentence)
            overlap = change_words & content_words(sentence)
            if len(overlap) > len(best_overlap):
                best_overlap, signals.change_sentence = overlap, sentence
        for finding in find_trust_phrases(doc):
            if finding.severity == "suggestion":
                continue
            if finding.category == "blame":
                signals.blame.append(finding)
            elif finding.rule_id == "minimizing-change.wont-affect-timeline":
                signals.assertions.append(finding.text)
            elif finding.category == "deadline-rigidity":
                signals.rigid.append(finding)
            elif finding.category in ("trivializing", "estimate-pressure", "minimizing-change"):
                signals.bargaining.append(finding)
        signals.assertions += [p.text for p in find_promises(line, certainty=False)]
        signals.estimates += [e for e in find_estimates(line) if e.lower() not in source_estimates]
    pressure = [f.text for f in signals.bargaining] + signals.estimates
    signals.questions = [q for q in questions if not any(p in q for p in pressure)]  # a bargain isn't curiosity
    signals.change_words = sorted(best_overlap)
    report = check_context("\n".join(lines))
    signals.context = {
        e.element: e.evidence or ""
        for e in report.elements
        if e.present and e.element in ("who", "problem", "why-now", "evidence", "deadline")
    }
    return signals


# ---------------------------------------------------------------- the scripted lead (offline)
def _by_persona(field: str) -> dict[str, Any]:
    """One field of every persona's script (lists become tuples: the lead picks by turn index)."""
    return {
        name: tuple(value) if isinstance(value := persona[field], list) else value
        for name, persona in _PERSONA_DATA.items()
    }


_OPENING = _by_persona("opening")
_ACK_QUESTION = _by_persona("ack_question")
_ACK_OPTIONS = _by_persona("ack_options")
_ACK_STATEMENT = _by_persona("ack_statement")
_CONTEXT_ASK = _by_persona("context_ask")
_COMPLEXITY_TEXT = _by_persona("complexity")
_NO_FLAG_TEXT = _by_persona("no_flag")
_WRAP_UP = _by_persona("wrap_up")
_AGENDA_ORDER = _by_persona("agenda_order")
_AGENDA_TEXT: dict[str, dict[str, str]] = {
    concern: {name: persona["agenda"][concern] for name, persona in _PERSONA_DATA.items()}
    for concern in next(iter(_PERSONA_DATA.values()))["agenda"]
}
_PUSHBACK: dict[str, dict[str, str]] = {
    kind: {name: persona["pushback"][kind] for name, persona in _PERSONA_DATA.items()}
    for kind in next(iter(_PERSONA_DATA.values()))["pushback"]
}


def _agenda(inp: ScopeChangeInput, persona: str, pm_lines: list[str]) -> list[tuple[str, str]]:
    """The concerns this lead raises, in the persona's order: (concern, text). The trade-off question is
    left out once the PM has said they will own the trade-off."""
    flags = find_complexity(inp.change)
    owned = bool(line_signals(pm_lines, inp).ownership)
    items: list[tuple[str, str]] = []
    for concern in _AGENDA_ORDER[persona]:
        if (concern == "moving-target" and not inp.moving_target) or (concern == "trade-off" and owned):
            continue
        if concern == "complexity":
            chosen = flags[:1] if persona == "overloaded" else flags[:2]
            items += [
                (
                    "complexity",
                    _COMPLEXITY_TEXT[persona].format(
                        title=f.title.lower(), trigger=f.trigger, why=f.why, question=f.question
                    ),
                )
                for f in chosen
            ] or [("complexity", _NO_FLAG_TEXT[persona])]
            continue
        items.append((concern, _AGENDA_TEXT[concern][persona]))
    return items


def scripted_lead_turn(inp: ScopeChangeInput, persona: str, transcript: list[Turn], pm_line: str) -> LeadTurn:
    """The scripted lead's answer: from the persona, the flags, the PM's line and the turn index.

    Pushback first (blame, bargaining, minimising, asserting the impact, rigid dates); else ask for context
    if none was shared; else the concern the PM's line touches, or the persona's next concern not yet raised.
    """
    index = sum(1 for t in transcript if t.speaker == "lead")
    signals = line_signals([pm_line], inp)
    pushback = _pushback(signals, persona)
    if pushback is not None:
        return LeadTurn(index=index, persona=persona, text=pushback, concern="pushback")  # type: ignore[arg-type]

    pm_lines = [t.text for t in transcript if t.speaker == "pm"] + [pm_line]
    said = [t.text for t in transcript if t.speaker == "lead"]
    context = line_signals(pm_lines, inp).context
    open_items = [item for item in _agenda(inp, persona, pm_lines) if not any(item[1] in s for s in said)]
    touched = [item for item in open_items if _TOPICS.get(item[0]) and _TOPICS[item[0]].search(pm_line)]
    if (
        index < 2
        and "context" not in {t.concern for t in transcript}
        and not {"who", "problem", "why-now"} & set(context)
    ):
        concern, body = "context", _CONTEXT_ASK[persona]
    elif touched or open_items:
        concern, body = (touched or open_items)[0]
    else:
        wrap = _WRAP_UP[persona]
        concern, body = "wrap-up", wrap[index % len(wrap)]
    if index == 0:
        prefix = _OPENING[persona]
    else:
        choices = (
            _ACK_OPTIONS[persona]
            if any(not o.endswith("?") for o in signals.options)
            else _ACK_QUESTION[persona]
            if signals.questions
            else _ACK_STATEMENT[persona]
        )
        prefix = choices[index % len(choices)]
    return LeadTurn(index=index, persona=persona, text=f"{prefix} {body}", concern=concern)  # type: ignore[arg-type]


_TOPICS = {concern: compile_pattern(value) for concern, value in _SCRIPT["topics"].items()}


def _pushback(signals: LineSignals, persona: str) -> str | None:
    """The lead's pushback when the line blames, bargains, minimises, asserts the impact or is rigid."""
    for kind, phrases in (
        ("blame", [f.text for f in signals.blame]),
        (
            "estimate",
            [f.text for f in signals.bargaining if f.category == "estimate-pressure"] + signals.estimates,
        ),
        ("minimizing", [f.text for f in signals.bargaining if f.category != "estimate-pressure"]),
        ("assertion", signals.assertions),
        ("rigid", [f.text for f in signals.rigid]),
    ):
        if phrases:
            return _PUSHBACK[kind][persona].format(phrase=phrases[0])
    return None


# ---------------------------------------------------------------- the deterministic debrief
_TIPS: dict[str, str] = {name: criterion["tip"] for name, criterion in _SCRIPT["criteria"].items()}


def deterministic_scores(pm_lines: list[str], inp: ScopeChangeInput) -> list[ScoreItem]:
    """The rubric scored from rules alone: linter findings, questions, context found, option words."""
    if not pm_lines:
        return [_item(c, 0, [], "No PM lines to score.") for c in CRITERIA]
    s = line_signals(pm_lines, inp)
    items = []

    described = len(s.change_words) >= 2
    context = {k: v for k, v in s.context.items() if k in ("who", "problem", "why-now", "evidence")}
    score = int(described) + int(bool(context))
    facts = [context[k] for k in ("who", "problem", "evidence") if k in context] or list(context.values())
    evidence = ([s.change_sentence] if described and s.change_sentence else []) + facts[:2]
    found = ", ".join(sorted(context)) or "none"
    items.append(
        _item(
            "shared-context",
            score,
            evidence,
            f"Described the change: {'yes' if described else 'no'} (words shared with the change: "
            f"{', '.join(s.change_words[:5]) or 'none'}); context found by the context check: {found}.",
        )
    )

    if not s.questions:
        score, why = 0, "No questions found (no '?' and no curiosity opener)."
    elif s.assertions:
        score, why = 1, f'{len(s.questions)} question(s), but also asserted the impact: "{s.assertions[0]}".'
    else:
        score, why = 2, f"{len(s.questions)} question(s) and no claim about the impact."
    items.append(_item("asked-before-asserting", score, s.questions[:3] + s.assertions[:2], why))

    bad = [f.text for f in s.bargaining] + s.estimates
    if bad:
        score, why = 0, f"Linter or estimate findings: {', '.join(repr(b) for b in bad[:4])}."
    else:
        score, why = 2, f"No bargaining, estimate or trivialising phrase in {len(pm_lines)} line(s)."
    items.append(_item("no-bargaining", score, bad[:4], why))

    if s.blame:
        score, why = 0, f'Blamed engineering: "{s.blame[0].text}".'
        evidence = [f.text for f in s.blame[:2]]
    else:
        score = int(bool(s.ownership)) + int(bool(s.trade_offs))
        why = f"Ownership phrases: {len(s.ownership)}; trade-off mentions: {len(s.trade_offs)}; no blame found."
        evidence = _unique(s.ownership[:2] + s.trade_offs[:2])
    items.append(_item("owned-trade-off", score, evidence, why))

    score = min(len(s.options), MAX_SCORE)
    items.append(_item("offered-options", score, s.options[:3], f"{len(s.options)} sentence(s) with option words."))
    return items


def _item(criterion: str, score: int, evidence: list[str], why: str, source: str = "deterministic") -> ScoreItem:
    return ScoreItem(
        criterion=criterion,  # type: ignore[arg-type]
        label=CRITERIA[criterion],
        score=score,
        source=source,  # type: ignore[arg-type]
        evidence=_unique([_clip(e) for e in evidence if e]),
        explanation=why,
    )


def deterministic_debrief(pm_lines: list[str], inp: ScopeChangeInput) -> Debrief:
    """The offline debrief: deterministic signals only, and it says so."""
    items = deterministic_scores(pm_lines, inp)
    total = sum(i.score for i in items)
    method = "Deterministic signals only (offline): linter findings, questions, context and option words. "
    method += "No model judgement was used."
    return Debrief(
        method=method,
        pm_turns=len(pm_lines),
        items=items,
        summary=_summary(items, total),
        next_time=[_TIPS[i.criterion] for i in items if i.score < MAX_SCORE][:3],
        deterministic_score=total,
    )


def _summary(items: list[ScoreItem], total: int) -> str:
    best = [i.label.lower() for i in items if i.score == MAX_SCORE]
    weak = [i.label.lower() for i in items if i.score < MAX_SCORE]
    out = f"Deterministic score {total}/{MAX_SCORE * len(CRITERIA)}."
    if best:
        out += " Done well: " + "; ".join(best) + "."
    if weak:
        out += " To practise: " + "; ".join(weak) + "."
    return out


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _clip(text: str, width: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# ---------------------------------------------------------------- LLM chains (on the one call path, llm/calls.py)
_Wire = WireModel


class LeadTurnAnswer(_Wire):
    text: str
    concern: LeadConcern


class ScoreAnswer(_Wire):
    criterion: Criterion
    score: Literal[0, 1, 2]
    evidence: list[str]
    explanation: str


class DebriefAnswer(_Wire):
    items: list[ScoreAnswer]
    summary: str
    next_time: list[str]


def transcript_text(transcript: list[Turn]) -> str:
    """The conversation as "PM: …" / "Lead: …" lines, for prompts."""
    return "\n".join(f"{'PM' if t.speaker == 'pm' else 'Lead'}: {t.text}" for t in transcript) or "(nothing yet)"


def _lead_hints(inp: ScopeChangeInput, pm_line: str) -> str:
    lines = []
    flags = find_complexity(inp.change)
    if flags:
        lines.append("- possible complexity: " + "; ".join(f'{f.category} ("{f.trigger}")' for f in flags[:6]))
    if inp.moving_target:
        lines.append("- moving target: this feature already changed during the sprint")
    s = line_signals([pm_line], inp)
    for label, phrases in (
        ("blames the team", [f.text for f in s.blame]),
        ("bargains or minimises", [f.text for f in s.bargaining] + s.estimates),
        ("asserts the impact", s.assertions),
    ):
        if phrases:
            lines.append(f"- the PM's line {label}: " + "; ".join(f'"{p}"' for p in phrases[:3]))
    return "\n".join(lines) or "- nothing flagged"


def _signals_text(items: list[ScoreItem]) -> str:
    return "\n".join(f"- {i.criterion}: {i.score}/{MAX_SCORE}. {i.explanation}" for i in items)


def _norm(text: str) -> str:
    text = text.replace("’", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.split()).strip(" \"'").lower()


# ---------------------------------------------------------------- the session
class Rehearsal:
    """A role-play session. `start` → `reply` (one LeadTurn per PM line) → `end` (the Debrief)."""

    def __init__(
        self,
        state: RehearsalState,
        provider: Provider | None = None,
        *,
        redact: bool | None = None,
        confidential_terms: tuple[str, ...] = (),
    ) -> None:
        self.state = state
        self.provider = provider
        self.redact = redact
        self.confidential_terms = confidential_terms

    @classmethod
    def start(
        cls,
        inp: ScopeChangeInput,
        persona: Persona = "supportive",
        provider: Provider | None = None,
        *,
        notice: str | None = None,
        redact: bool | None = None,
        confidential_terms: tuple[str, ...] = (),
    ) -> Rehearsal:
        """A new session; the PM speaks first."""
        if persona not in PERSONAS:
            raise InputError(f"unknown persona {persona!r}; choose one of {', '.join(PERSONAS)}")
        notice = notice or (OFFLINE_NOTICE if provider is None else None)
        state = RehearsalState(inputs=inp, persona=persona, notice=notice)
        return cls(state, provider, redact=redact, confidential_terms=confidential_terms)

    @classmethod
    def from_state(
        cls, state: RehearsalState | dict[str, Any] | str, provider: Provider | None = None, **kwargs: Any
    ) -> Rehearsal:
        """Continue a session from `to_state()` (the model, its dict, or its JSON)."""
        if isinstance(state, str):
            state = RehearsalState.model_validate_json(state)
        elif isinstance(state, dict):
            state = RehearsalState.model_validate(state)
        return cls(state.model_copy(deep=True), provider, **kwargs)

    def to_state(self) -> RehearsalState:
        return self.state.model_copy(deep=True)

    @property
    def transcript(self) -> list[Turn]:
        return list(self.state.transcript)

    @property
    def ended(self) -> bool:
        return self.state.debrief is not None

    @property
    def pm_lines(self) -> list[str]:
        return [t.text for t in self.state.transcript if t.speaker == "pm"]

    @property
    def last_result(self) -> TaskResult | None:
        """The latest TaskResult (lead turn or debrief), with provider, tokens and guards."""
        if self.state.debrief is not None:
            return self.state.debrief
        return self.state.lead_results[-1] if self.state.lead_results else None

    def reply(self, pm_line: str) -> LeadTurn:
        """The lead's answer to the PM's line, in character."""
        if self.ended:
            raise RehearsalEnded("the rehearsal has ended; start a new one to practise again")
        pm_line = pm_line.strip()
        if not pm_line:
            raise InputError("the line is empty: say something to the engineering lead")
        if len(pm_line) > MAX_LINE_CHARS:
            raise InputError(f"the line is over {MAX_LINE_CHARS} characters; say it in shorter turns")
        state = self.state
        if self.provider is None:
            turn = scripted_lead_turn(state.inputs, state.persona, state.transcript, pm_line)
            sources = [*state.inputs.sources(), *self.pm_lines, pm_line, *_flag_texts(state.inputs)]
            result = offline_result(
                "lead_turn", turn, self_check({"text": turn.text}, sources), state.notice or OFFLINE_NOTICE
            )
        else:
            result = self._model_turn(pm_line)
            turn = result.result
        state.transcript += [
            Turn(speaker="pm", text=pm_line),
            Turn(speaker="lead", text=turn.text, concern=turn.concern),
        ]
        state.lead_results.append(result)
        return turn

    def end(self) -> Debrief:
        """End the role-play and score the PM's lines (again: the same debrief)."""
        if self.state.debrief is not None:
            return self.state.debrief.result
        pm_lines = self.pm_lines
        offline = deterministic_debrief(pm_lines, self.state.inputs)
        if self.provider is None or not pm_lines:
            notice = self.state.notice or OFFLINE_NOTICE
            self.state.debrief = offline_result("debrief", offline, [], notice)
        else:
            self.state.debrief = self._model_debrief(offline)
        return self.state.debrief.result

    # -- model calls --------------------------------------------------------------------------
    def prepare_turn(self, pm_line: str, provider: Provider | None = None) -> tuple[PreparedCall, str]:
        """The lead's next request for `pm_line` (redacted and rendered, nothing sent), and its hints."""
        provider = provider or self.provider
        if provider is None:
            raise ValueError("an offline rehearsal sends no request")
        state = self.state
        hints = _lead_hints(state.inputs, pm_line)
        fields = {
            **state.inputs.prompt_fields(),
            "transcript": transcript_text(state.transcript),
            "pm_line": pm_line,
        }
        prepared = prepare(
            provider,
            load_prompt("lead_turn"),
            "lead_turn",
            LeadTurnAnswer,
            fields,
            {"persona": PERSONAS[state.persona], "hints": hints},
            redact=self.redact,
            confidential_terms=self.confidential_terms,
        )
        return prepared, hints

    def turn_token_estimate(self, pm_line: str, provider: Provider | None = None) -> int:
        """Prompt tokens of the lead's next request for `pm_line`, counted on the request `reply` sends."""
        prepared, _ = self.prepare_turn(pm_line, provider)
        return estimate_tokens(provider or self.provider, prepared)  # type: ignore[arg-type]

    def _model_turn(self, pm_line: str) -> TaskResult[LeadTurn]:
        assert self.provider is not None
        state = self.state
        prepared, hints = self.prepare_turn(pm_line)
        answer, call = send(self.provider, prepared)
        prompt, redaction = prepared.prompt, prepared.redaction
        sources = [*state.inputs.sources(), transcript_text(state.transcript), pm_line, hints]
        text, guards = guard_text(answer.text, sources, field="text")
        text, found = _without_estimates(text)
        guards += found
        index = sum(1 for t in state.transcript if t.speaker == "lead")
        turn = LeadTurn(index=index, persona=state.persona, text=text, concern=answer.concern, source="model")
        return llm_result("lead_turn", self.provider, prompt, turn, guards, call, redaction, state.notice)

    def _model_debrief(self, offline: Debrief) -> TaskResult[Debrief]:
        assert self.provider is not None
        state = self.state
        signals = _signals_text(offline.items)
        fields = {
            "change": state.inputs.change,
            "transcript": transcript_text(state.transcript),
            "signals": signals,
        }
        prepared = prepare(
            self.provider,
            load_prompt("debrief"),
            "debrief",
            DebriefAnswer,
            fields,
            redact=self.redact,
            confidential_terms=self.confidential_terms,
        )
        answer, call = send(self.provider, prepared)
        prompt, redaction = prepared.prompt, prepared.redaction
        sources = [*state.inputs.sources(), transcript_text(state.transcript), signals]
        model_items, guards = self._model_items(answer, sources)
        summary, found = guard_text(answer.summary, sources, field="summary")
        guards += found
        tips = []
        for i, tip in enumerate(answer.next_time[:3]):
            text, found = guard_text(tip, sources, field=f"next_time[{i}]")
            guards += found
            tips.append(text)
        model_total = sum(i.score for i in model_items) if model_items else None
        debrief = Debrief(
            method="Deterministic signals (rules: linter findings, questions, context and option words) plus "
            "the "
            "model's judgement; each score item says which it comes from.",
            pm_turns=offline.pm_turns,
            items=offline.items + model_items,
            summary=f"{summary} {_summary(offline.items, offline.deterministic_score)}".strip(),
            next_time=tips or offline.next_time,
            deterministic_score=offline.deterministic_score,
            model_score=model_total,
        )
        return llm_result("debrief", self.provider, prompt, debrief, guards, call, redaction, state.notice)

    def _model_items(self, answer: DebriefAnswer, sources: list[str]) -> tuple[list[ScoreItem], list[GuardFinding]]:
        """The model's scores, one per criterion; evidence not found in the PM's own lines is dropped."""
        pm_text = _norm("\n".join(self.pm_lines))
        items: list[ScoreItem] = []
        guards: list[GuardFinding] = []
        seen: set[str] = set()
        for i, a in enumerate(answer.items):
            if a.criterion in seen:
                continue
            seen.add(a.criterion)
            evidence = []
            for quote in a.evidence:
                if _norm(quote) and _norm(quote) in pm_text:
                    evidence.append(quote.strip())
                else:
                    guards.append(
                        GuardFinding(
                            guard="invented-claim",
                            text=quote,
                            action="repaired",
                            field=f"items[{i}].evidence",
                            detail="not a quote of the PM's lines: dropped from the evidence",
                        )
                    )
            explanation, found = guard_text(a.explanation, sources, field=f"items[{i}].explanation")
            guards += found
            items.append(_item(a.criterion, a.score, evidence, explanation, source="model"))
        return items, guards


def _without_estimates(text: str) -> tuple[str, list[GuardFinding]]:
    """The lead never sizes the work, even with a number the PM offered (which the guards accept)."""
    findings = []
    for estimate in find_estimates(text):
        text = text.replace(estimate, "[needs: engineering's view of the effort]")
        findings.append(
            GuardFinding(
                guard="estimate",
                text=estimate,
                detail="The lead must not size the work in a rehearsal, even with the PM's number.",
                action="repaired",
                field="text",
            )
        )
    return text, findings


def _flag_texts(inp: ScopeChangeInput) -> list[str]:
    return [f"{f.trigger} {f.why} {f.question} {f.smaller_version}" for f in find_complexity(inp.change)]
