"""Page: rehearse a scope change, in the order a PM does it: 1. describe the change, 2. talk to the
engineering lead first, 3. then tell stakeholders, 4. rehearse the conversation and read the debrief."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from app import components as ui
from app.downloads import rehearsal_markdown, scope_markdown
from app.engine import Engine, estimate_text
from app.inputs import scope_inputs
from app.sidebar import page_engine
from app.state import Outcome, current, run
from assistant.llm.providers.errors import ProviderError
from assistant.tasks.rehearsal import PERSONAS, Rehearsal
from assistant.tasks.scope import (
    ScopeChangeInput,
    ScopeChangeResult,
    offline_brief,
    prepare_scope_change,
    scope_token_estimate,
)
from assistant.text.reading import InputError

PAGE_KEY = "scope_result"
BUTTON = "Prepare the brief"


def show_brief(result: ScopeChangeResult) -> None:
    brief, inp = result.brief.result, result.inputs
    st.markdown(f"**Open with:** “{ui.esc(brief.opening_line)}”", unsafe_allow_html=True)
    if brief.moving_target and brief.moving_target_note:
        st.warning(brief.moving_target_note, icon="🔁")
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown("**What changed** (restated)")
        ui.show_html(ui.mark_slots(brief.what_changed))
        st.markdown("**Why**")
        ui.show_html(ui.mark_slots(brief.why))
        if brief.lint_findings:
            st.markdown("**Phrasing in your change note**")
            marks = [
                ui.Mark(f.start, f.end, ui.SEVERITY_STYLE[f.severity][0], f"{f.message} Why: {f.why}")
                for f in brief.lint_findings
            ]
            ui.show_html(ui.highlight(inp.change, marks))
            for c in brief.restatement:
                st.markdown(f"- {ui.esc(c.description)} _{ui.esc(c.reason)}_", unsafe_allow_html=True)
        st.markdown(
            "**What you don't know yet**\n" + "\n".join(f"- {ui.esc(u)}" for u in brief.unknowns),
            unsafe_allow_html=True,
        )
    with right:
        st.markdown("**Questions to assess the impact together**")
        st.markdown(
            "\n".join(f"{i}. {ui.esc(q.text)} _({q.topic})_" for i, q in enumerate(brief.questions, 1)),
            unsafe_allow_html=True,
        )
        if brief.complexity:
            with st.expander(f"Likely complexity in the change ({len(brief.complexity)})"):
                ui.show_flags(brief.complexity)


def show_message(result: ScopeChangeResult) -> None:
    draft = result.stakeholder.result
    ui.show_html(ui.mark_slots(draft.text))
    ui.copy_button(draft.text, "Copy the message")
    ui.slot_warning(draft.slots, "once the engineering lead has assessed the impact")
    findings = result.consistency.result.findings
    if findings:
        st.error(f"The message promises what the brief left open ({len(findings)}):", icon="⚖️")
        for f in findings:
            st.markdown(f"- **{f.kind}** “{ui.esc(f.text)}”: {ui.esc(f.explanation)}", unsafe_allow_html=True)
    else:
        st.success(
            "Consistency check passed: no promised date, scope or certainty, no blame, no minimising, "
            "no estimate, no invented fact.",
            icon="⚖️",
        )
    ui.show_guards([result.brief, result.stakeholder])
    st.download_button(
        "Download the brief and message (Markdown)",
        scope_markdown(result),
        file_name="scope-change.md",
        mime="text/markdown",
        key="download_scope",
    )


def show_debrief(state: Any) -> None:
    debrief = state.debrief.result
    st.markdown("#### Debrief")
    metrics = [("Rules score", f"{debrief.deterministic_score}/{debrief.max_score}")]
    if debrief.model_score is not None:
        metrics.append(("Model score", f"{debrief.model_score}/{debrief.max_score}"))
    metrics.append(("Your lines", str(debrief.pm_turns)))
    for column, (name, value) in zip(st.columns(len(metrics)), metrics, strict=True):
        column.metric(name, value)
    st.caption(debrief.method)
    for item in debrief.items:
        with st.container(border=True):
            dots = "●" * item.score + "○" * (2 - item.score)
            st.markdown(f"**{item.label}** {dots} {item.score}/2 · _{item.source}_")
            st.markdown(ui.esc(item.explanation), unsafe_allow_html=True)
            for quote in item.evidence:
                st.markdown(f"> {ui.esc(quote)}", unsafe_allow_html=True)
    st.info(debrief.summary)
    if debrief.next_time:
        tips = "\n".join(f"- {ui.esc(t)}" for t in debrief.next_time)
        st.markdown(f"**Next time**\n{tips}", unsafe_allow_html=True)
    ui.show_guards([state.debrief])
    st.download_button(
        "Download the transcript and debrief (Markdown)",
        rehearsal_markdown(state),
        file_name="rehearsal.md",
        mime="text/markdown",
        key="download_rehearsal",
    )


def rehearsal_step(engine: Engine, action: Callable[[Rehearsal], object], label: str) -> None:
    """One step of the role-play (a line, or the end) on a copy of the state; errors are one message."""
    st.session_state.pop("rehearsal_error", None)
    try:
        provider, _ = engine.provider()
        session = Rehearsal.from_state(st.session_state["rehearsal"], provider, **engine.task_options())
        if provider is None:
            action(session)
        else:
            with st.spinner(f"{label} ({provider.name}, {provider.model})…"):
                action(session)
    except (ProviderError, InputError) as error:
        st.session_state["rehearsal_error"] = getattr(error, "user_message", str(error))
        return
    st.session_state["rehearsal"] = session.to_state()


def persona_picker() -> str:
    names = list(PERSONAS)
    return st.radio(
        "The engineering lead is",
        names,
        key="persona",
        format_func=lambda p: p.capitalize(),
        captions=[PERSONAS[p].partition(": ")[2] or PERSONAS[p] for p in names],
    )


def rehearsal(engine: Engine, inp: ScopeChangeInput | None) -> None:
    st.markdown("#### 4. Rehearse the conversation")
    state = st.session_state.get("rehearsal")
    if state is None:
        persona = persona_picker()
        if st.button("Start the rehearsal", key="start_rehearsal", disabled=inp is None):
            assert inp is not None
            st.session_state["rehearsal"] = Rehearsal.start(inp, persona).to_state()
            st.rerun()
        if inp is None:
            st.caption("Describe the original scope and the change in step 1 to start.")
        return

    st.caption(
        f"The engineering lead is {PERSONAS[state.persona]}. Say your lines as you would in person; "
        "end when you are done, for a scored debrief."
    )
    if engine.problem:
        st.caption(f"{engine.problem}: the offline lead answers and the rules score your lines.")
    cols = st.columns([1, 1, 3])
    end = cols[0].button(
        "End and debrief", key="end_rehearsal", disabled=state.debrief is not None or not state.transcript
    )
    if cols[1].button("Start over", key="reset_rehearsal"):
        for key in ("rehearsal", "rehearsal_error", "unsent_line"):
            st.session_state.pop(key, None)
        st.rerun()
    if end:
        rehearsal_step(engine, lambda session: session.end(), "Scoring your lines")
        st.rerun()  # redraw the controls for the ended session
    if state.debrief is None and (line := st.chat_input("Your line to the engineering lead", key="pm_line")):
        st.session_state["unsent_line"] = line
        rehearsal_step(engine, lambda session: session.reply(line), "The lead is thinking")
        if "rehearsal_error" not in st.session_state:
            st.session_state.pop("unsent_line", None)
        st.rerun()  # redraw the controls with the new turn

    if state.debrief is None:
        count = lambda provider: [Rehearsal.from_state(state, provider).turn_token_estimate("", provider)]  # noqa: E731
        if text := estimate_text(engine, count, " for your next line"):
            cols[2].caption(text)
    for turn in state.transcript:
        pm = turn.speaker == "pm"
        with st.chat_message("user" if pm else "assistant", avatar="🧑‍💼" if pm else "🛠️"):
            st.markdown(ui.esc(turn.text), unsafe_allow_html=True)
            if not pm and turn.concern:
                st.caption(f"concern: {turn.concern}")
    if not state.transcript:
        st.info(f"Try opening with: “{ui.esc(offline_brief(state.inputs).opening_line)}”", icon="💬")
    if error := st.session_state.get("rehearsal_error"):
        st.error(error, icon="⚠️")
        if unsent := st.session_state.get("unsent_line"):
            st.caption("Your line was not sent; here it is to copy and send again:")
            st.code(unsent, language=None, wrap_lines=True)
    if state.debrief is not None:
        show_debrief(state)


def page() -> None:
    engine = page_engine()
    st.subheader("Rehearse a scope change")
    st.caption(
        "Scope changed mid-sprint? Prepare the talk with your engineering lead, draft the message to "
        "stakeholders with the impact left open, then practise the conversation and get a debrief."
    )
    st.markdown("#### 1. Describe the change")
    inp = scope_inputs()
    inputs = inp.model_dump_json() if inp else ""
    cols = st.columns([2, 3], vertical_alignment="center")
    clicked = cols[0].button(engine.button(BUTTON), type="primary", key=f"run_{PAGE_KEY}", disabled=inp is None)
    if inp is not None:
        what = " (brief, then stakeholder message)"
        if text := estimate_text(engine, lambda provider: list(scope_token_estimate(inp, provider).values()), what):
            cols[1].caption(text)
    ui.legend(("error", "warning", "suggestion", "slot"))
    if clicked and inp is not None:
        run(
            PAGE_KEY,
            inputs,
            lambda provider, notice: prepare_scope_change(inp, provider, notice=notice, **engine.task_options()),
            engine,
            BUTTON,
        )
    outcome: Outcome | None = current(PAGE_KEY, inputs) if inp else None
    st.markdown("#### 2. Talk to the engineering lead first")
    if outcome is None:
        st.caption("Prepare the brief in step 1: an opening line, what changed, and questions to ask together.")
    else:
        if outcome.offline_because:
            st.info(f"**{outcome.offline_because}**, so this is the offline result. {outcome.hint}", icon="🔑")
        ui.show_provenance(
            [outcome.report.brief, outcome.report.stakeholder], outcome.elapsed_s, outcome.report.brief.notice
        )
        show_brief(outcome.report)
    st.markdown("#### 3. Then tell stakeholders the change and its trade-off")
    if outcome is None:
        st.caption("The message to stakeholders appears here, with the impact left open for the lead to assess.")
    else:
        show_message(outcome.report)
    st.divider()
    rehearsal(engine, inp)


page()
