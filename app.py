"""Streamlit front end: thin by design. Every result comes from the `assistant` package; this file
collects inputs, calls it, and renders what comes back.

Run: `streamlit run app.py`. Works with no key (offline engine); with a key in the environment or in
`st.secrets`, the LLM chains improve the text and the guards keep it honest.

Test seam: `st.session_state[HOOKS_KEY]` may hold a dict with `http_client` (a zero-argument factory
returning an `httpx2.Client`, e.g. `lambda: assistant.evaluation.replay.client_for(router)`) and `sleep` (used
between retries). The browser cannot set it; tests set it through `AppTest.session_state`.
"""

from __future__ import annotations

import difflib
import html
import os
import re
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import streamlit as st

from assistant.checks.offline import analyze
from assistant.llm.providers.errors import KEY_ENV_VARS, ProviderError
from assistant.llm.settings import DEFAULT_MODELS, PROVIDER_NAMES, Settings
from assistant.render.reports import analysis_markdown, grouped_questions, rewrite_markdown
from assistant.schemas import (
    Analysis,
    AnalyzeReport,
    ComplexityFlag,
    ComplexityReport,
    GuardFinding,
    PMContext,
    Question,
    QuestionSet,
    TaskResult,
)
from assistant.tasks.drafts import OFFLINE_NOTICE, TASK_NAMES, provider_from_settings, run_analyze, run_task
from assistant.text.reading import InputError

HOOKS_KEY = "provider_hooks"
PAGE_REWRITE = "Rewrite a draft"
PAGE_REVIEW = "Prepare for a design review"
PAGE_REHEARSE = "Rehearse a scope change"
PAGES = (PAGE_REWRITE, PAGE_REVIEW, PAGE_REHEARSE)
PROVIDER_LABELS = {
    "offline": "Offline (no key needed)",
    "openai": "OpenAI",
    "anthropic": "Anthropic",
    "openai-compatible": "OpenAI-compatible server",
}
EXAMPLE_DRAFT = "Can we just add CSV export by March 15? Should be simple."
MAX_DRAFT_CHARS = 20_000  # a long spec; keeps the as-you-type offline pass well under a second
# (session key, PMContext field, label, placeholder)
CONTEXT_FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("ctx_who", "who", "Who needs it", "e.g. the finance team at our three largest customers"),
    ("ctx_problem", "problem", "Problem it solves", "e.g. they copy tables into spreadsheets by hand"),
    ("ctx_why_now", "why_now", "Why now", "e.g. renewal talks start in April"),
    ("ctx_evidence", "evidence", "Evidence", "e.g. 14 support tickets since January"),
    ("ctx_success", "success", "What success looks like", "e.g. no more manual copying for month-end"),
    ("ctx_deadline", "deadline", "Deadline", "e.g. March 15"),
)
FLEX_OPTIONS = ("Not said", "It can move", "It cannot move")
# Widget values that must survive a visit to a page that does not render them.
PERSISTENT_KEYS = (
    "draft",
    "ctx_flex",
    "scope_original",
    "scope_change",
    "persona",
    *(key for key, *_ in CONTEXT_FIELDS),
    "scope_who_why",
    "scope_sprint",
    "scope_changed_before",
)
SEVERITY_STYLE = {
    "error": ("#ffd6d6", "🔴"),
    "warning": ("#ffe9b3", "🟠"),
    "suggestion": ("#e3ecff", "🔵"),
}
SLOT_RE = re.compile(r"\[(?:needs|impact|trade-off): [^\]]+\]")


SCOPE_FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("scope_who_why", "who_why", "Who asked for the change, and why", "e.g. Sales, for the Acme renewal"),
    ("scope_sprint", "sprint", "Where the sprint stands", "e.g. sprint ends Friday; export half built"),
    ("scope_changed_before", "changed_before", "How often this feature already changed", "e.g. 1, or never"),
)


@dataclass
class Ui:
    """What every page gets: the settings, the live toggle, and the sidebar slot for the estimate."""

    settings: Settings
    live: bool
    estimate: Any


# ---------------------------------------------------------------- HTML helpers (all user text escaped)
def esc(text: str) -> str:
    """HTML-escape user text for st.markdown(unsafe_allow_html=True): one line, no markdown or math."""
    return html.escape(text, quote=True).replace("$", "&#36;").replace("\n", "<br>")


def attr(text: str) -> str:
    return html.escape(" ".join(text.split()), quote=True).replace("$", "&#36;")


def box(inner: str) -> str:
    return (
        '<div style="white-space:pre-wrap;line-height:1.7;padding:0.6rem 0.8rem;border:1px solid #ddd;'
        f'border-radius:0.5rem;background:#fff">{inner}</div>'
    )


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    color: str
    title: str
    style: str = ""


def highlight(text: str, marks: Iterable[Mark]) -> str:
    """The text with each mark as <mark title=…>; overlapping marks keep the first (earliest) one."""
    out, pos = [], 0
    for m in sorted(marks, key=lambda m: (m.start, -m.end)):
        if m.start < pos or m.end > len(text) or m.end <= m.start:
            continue
        out.append(esc(text[pos : m.start]))
        out.append(
            f'<mark title="{attr(m.title)}" style="background:{m.color};padding:0 2px;'
            f'border-radius:3px;{m.style}">{esc(text[m.start : m.end])}</mark>'
        )
        pos = m.end
    out.append(esc(text[pos:]))
    return "".join(out)


def finding_marks(analysis: Analysis, *, flags: Iterable[ComplexityFlag] = ()) -> list[Mark]:
    marks = [
        Mark(f.start, f.end, SEVERITY_STYLE[f.severity][0], f"{f.severity}: {f.message} Why: {f.why}")
        for f in analysis.findings
    ]
    marks += [
        Mark(a.start, a.end, "#f1f1f1", f"Vague: {a.question}", "border-bottom:2px dotted #888;")
        for a in analysis.ambiguities
    ]
    marks += [
        Mark(f.start, f.end, "#e4f5e4", f"Possible complexity ({f.title}): {f.question}")
        for f in flags
        if f.start is not None and f.end is not None
    ]
    return marks


def mark_slots(text: str) -> str:
    marks = [
        Mark(
            m.start(),
            m.end(),
            "#fff3a3",
            "A fact only you can give: fill it in before sending.",
            "font-weight:600;border:1px dashed #c9a400;",
        )
        for m in SLOT_RE.finditer(text)
    ]
    return highlight(text, marks)


def word_diff(before: str, after: str) -> str:
    """An inline word diff (difflib): removed words struck through in red, added words in green.
    Words carry their trailing whitespace, so a replaced phrase shows as one block; whitespace alone
    never counts as a change."""
    a, b = re.findall(r"\s*\S+\s*|\s+", before), re.findall(r"\s*\S+\s*|\s+", after)
    matcher = difflib.SequenceMatcher(None, [w.strip() for w in a], [w.strip() for w in b], autojunk=False)
    out = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(esc("".join(b[j1:j2])))
            continue
        if op in ("delete", "replace"):
            out.append(f'<del style="background:#ffe0e0;color:#a00">{esc("".join(a[i1:i2]))}</del>')
        if op in ("insert", "replace"):
            added = esc("".join(b[j1:j2]))
            out.append(f'<ins style="background:#dcf5dc;color:#060;text-decoration:none">{added}</ins>')
    return "".join(out)


def legend() -> None:
    """What the highlights mean (shown before any result, so the page's HTML renderer loads early too)."""
    items = [
        ("error", SEVERITY_STYLE["error"][0], ""),
        ("warning", SEVERITY_STYLE["warning"][0], ""),
        ("vague term", "#f1f1f1", "border-bottom:2px dotted #888;"),
        ("possible complexity", "#e4f5e4", ""),
        ("[needs: …] slot to fill", "#fff3a3", "font-weight:600;border:1px dashed #c9a400;"),
    ]
    marks = " ".join(
        f'<mark style="background:{color};padding:0 3px;border-radius:3px;{style}">{esc(name)}</mark>'
        for name, color, style in items
    )
    st.markdown(f'<div style="font-size:0.85rem;color:#555">Highlights: {marks}</div>', unsafe_allow_html=True)


def show_html(inner: str) -> None:
    st.markdown(box(inner), unsafe_allow_html=True)


# ---------------------------------------------------------------- settings, keys and estimates
def secret(name: str) -> str | None:
    try:
        value = st.secrets.get(name)
    except Exception:  # no secrets file: that is fine
        return None
    return (str(value).strip() or None) if value else None


def key_source(provider: str) -> str | None:
    env = KEY_ENV_VARS.get(provider)
    if env is None:
        return None
    if os.environ.get(env, "").strip():
        return "environment"
    return "secrets" if secret(env) else None


def build_settings(provider: str, model: str, base_url: str, cache: bool) -> Settings:
    overrides: dict[str, Any] = {
        "provider": provider,
        "model": model or None,
        "base_url": base_url or None,
        "cache_enabled": cache,
    }
    for field, env in (
        ("openai_api_key", "OPENAI_API_KEY"),
        ("anthropic_api_key", "ANTHROPIC_API_KEY"),
        ("compat_api_key", "ASSISTANT_COMPAT_API_KEY"),
    ):
        if not os.environ.get(env, "").strip() and (value := secret(env)):
            overrides[field] = value
    return Settings(**overrides)


def env_settings() -> tuple[Settings, str | None]:
    """Settings from the environment, or the defaults and a one-line problem when a variable is invalid."""
    from pydantic import ValidationError

    try:
        return Settings(), None
    except ValidationError as error:
        first = error.errors()[0]
        name = "ASSISTANT_" + str(first["loc"][0]).upper() if first["loc"] else "a setting"
        return Settings.model_construct(), f"{name} is invalid ({first['msg']}): using the defaults."


def default_provider() -> str:
    env, _ = env_settings()
    if env.provider:
        return env.provider
    for name in ("openai", "anthropic"):
        if key_source(name):
            return name
    return "offline"


def hooks() -> dict[str, Any]:
    return st.session_state.get(HOOKS_KEY) or {}


def make_provider(settings: Settings) -> tuple[Any, str]:
    """The provider to send with (None for offline) and its notice; raises ProviderError on bad settings."""
    factory: Callable[[], Any] | None = hooks().get("http_client")
    return provider_from_settings(
        settings, http_client=factory() if factory else None, sleep=hooks().get("sleep", time.sleep)
    )


def counting_provider(settings: Settings) -> Any:
    """A provider used only to build requests for counting: nothing is sent, so no key is needed."""
    from assistant.llm.providers.anthropic_provider import AnthropicProvider
    from assistant.llm.providers.compatible import CompatibleProvider
    from assistant.llm.providers.openai_provider import OpenAIProvider

    cls = {"openai": OpenAIProvider, "anthropic": AnthropicProvider}.get(settings.provider or "", CompatibleProvider)
    return cls(
        model=settings.model or DEFAULT_MODELS[cls.name],
        base_url=settings.base_url,
        max_output_tokens=settings.max_output_tokens,
    )


def task_tokens(provider: Any, tasks: Iterable[str], draft: str, context: PMContext | None) -> list[int]:
    """Prompt tokens of each draft task (rewrite, questions, complexity), counted before sending."""
    from assistant.llm.chains import prompt_token_estimate

    analysis = analyze(draft, context)
    return [prompt_token_estimate(t, provider, draft, context, analysis) for t in tasks]


def prompt_tokens(provider: Any, prompt: str, answer_model: type, variables: dict[str, str]) -> int:
    """Prompt tokens of one call of a prompt file (the scope-change prompts), counted before sending."""
    from assistant.llm.budget import count_request_tokens
    from assistant.llm.prompt_files import load_prompt

    system, user = load_prompt(prompt).render(**variables)
    request = provider.build_request(system, user, answer_model)
    return count_request_tokens(request, provider=provider.name).tokens


def estimate_text(settings: Settings, counts: list[int], what: str = "") -> str:
    """Tokens and cost of the calls about to be sent: the input at list price, and the most with answers."""
    from assistant.llm.budget import estimate_cost

    provider, tokens, calls = counting_provider(settings), sum(counts), len(counts)
    cost = {
        "provider": provider.name,
        "model": provider.model,
        "prompt_tokens": tokens,
        "base_url": settings.base_url,
    }
    low = estimate_cost(**cost)
    high = estimate_cost(**cost, completion_tokens=settings.max_output_tokens * calls)
    approx = "about" if provider.name == "openai" else "≈"
    text = f"{approx} {tokens:,} prompt tokens in {calls} call{'s' if calls != 1 else ''}{what}"
    if low.usd is None:
        return f"{text}; cost unknown ({low.note})."
    return f"{text}; about ${low.usd:.4f} for the input, at most ${high.usd or 0:.4f} with full answers."


def show_estimate(ui: Ui, where: Any, count: Callable[[Any], list[int]], what: str = "") -> None:
    """Before sending: the token count and cost in the sidebar and next to the button (LLM providers)."""
    if ui.settings.provider == "offline":
        where.caption("Offline engine: no key needed, nothing leaves this machine, results in milliseconds.")
        return
    try:
        text = "Before sending: " + estimate_text(ui.settings, count(counting_provider(ui.settings)), what)
    except ProviderError as error:
        text = error.user_message
    where.caption(text)
    ui.estimate.caption(text)


# ---------------------------------------------------------------- inputs
def keep_widget_state() -> None:
    """Widgets not rendered in a run lose their state; reassigning keeps the draft across pages."""
    for key in PERSISTENT_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def draft_and_context(label: str) -> tuple[str, PMContext | None, Any]:
    """The draft (left) and the optional context fields beside it (right); returns the left column too."""
    left, right = st.columns([3, 2], gap="large")
    with left:
        draft = st.text_area(
            label,
            key="draft",
            height=300,
            max_chars=MAX_DRAFT_CHARS,
            placeholder=f"Paste your message here, e.g. “{EXAMPLE_DRAFT}”",
        )
    with right, st.expander("Context (optional): facts only you know", expanded=True):
        values: dict[str, Any] = {}
        for key, field, name, placeholder in CONTEXT_FIELDS:
            values[field] = st.text_input(name, key=key, placeholder=placeholder).strip() or None
        flex = st.radio("Can the deadline move?", FLEX_OPTIONS, key="ctx_flex", horizontal=True)
        values["deadline_flexible"] = None if flex == FLEX_OPTIONS[0] else flex == FLEX_OPTIONS[1]
    context = PMContext(**values)
    return draft, (context if context.as_text() else None), left


# ---------------------------------------------------------------- running
@dataclass
class Outcome:
    inputs: tuple[str, str]
    elapsed_s: float
    report: Any = None
    error: str | None = None


def inputs_key(draft: str, context: PMContext | None) -> tuple[str, str]:
    return draft, context.model_dump_json() if context else ""


def execute(
    page_key: str,
    label: str,
    work: Callable[[Any, str], Any],
    draft: str,
    context: PMContext | None,
    settings: Settings,
) -> None:
    """Run `work(provider, notice)` with visible progress; store the result or ONE clear error message."""
    started = time.perf_counter()
    outcome = Outcome(inputs_key(draft, context), 0.0)
    try:
        provider, _ = make_provider(settings)
        notice = (
            f"{OFFLINE_NOTICE} (Chosen in the sidebar.)"
            if provider is None
            else f"Using {provider.name} with model {provider.model}."
        )
        if provider is None:
            outcome.report = work(None, notice)
        else:
            with st.status(f"{label} with {provider.name} ({provider.model})…", expanded=False) as status:
                outcome.report = work(provider, notice)
                status.update(label=f"{label}: done in {time.perf_counter() - started:.1f} s", state="complete")
    except ProviderError as error:
        outcome.error = error.user_message
    except InputError as error:
        outcome.error = str(error)
    outcome.elapsed_s = time.perf_counter() - started
    st.session_state[page_key] = outcome


def run_controls(
    page_key: str,
    button: str,
    ui: Ui,
    draft: str,
    context: PMContext | None,
    work: Callable[[Any, str], Any],
    tasks: tuple[str, ...],
) -> None:
    cols = st.columns([2, 3], vertical_alignment="center")
    clicked = cols[0].button(button, type="primary", key=f"run_{page_key}", disabled=not draft.strip())
    if draft.strip():
        show_estimate(ui, cols[1], lambda provider: task_tokens(provider, tasks, draft, context))
    legend()
    if not draft.strip():
        # Also loads the code box's renderer before the first click, so the first result shows faster.
        st.caption("No draft at hand? Copy this example into the box (copy button on the right):")
        st.code(EXAMPLE_DRAFT, language=None, wrap_lines=True)
    settings, live = ui.settings, ui.live
    previous: Outcome | None = st.session_state.get(page_key)
    changed = previous is None or previous.inputs != inputs_key(draft, context)
    if clicked or (live and settings.provider == "offline" and draft.strip() and changed):
        execute(page_key, button, work, draft, context, settings)


def used_context(outcome: Outcome) -> PMContext | None:
    """The context the result was made with (the fields may have changed since)."""
    return PMContext.model_validate_json(outcome.inputs[1]) if outcome.inputs[1] else None


def current(page_key: str, draft: str, context: PMContext | None) -> Outcome | None:
    outcome: Outcome | None = st.session_state.get(page_key)
    if outcome is None:
        return None
    if outcome.error:
        st.error(outcome.error, icon="⚠️")
        st.caption("Your draft and context are kept: fix the setting or use the offline engine, then run again.")
        return None
    if outcome.inputs != inputs_key(draft, context):
        st.info("The draft or context changed since these results: run again to update them.")
    return outcome


# ---------------------------------------------------------------- result sections
def show_provenance(results: Iterable[TaskResult], elapsed_s: float, notice: str | None) -> None:
    results = list(results)
    if notice:
        st.caption(notice)
    if all(r.engine == "offline" for r in results):
        st.caption(f"Offline result in {elapsed_s * 1000:.0f} ms.")
        return
    parts = []
    for r in results:
        tokens = f"{r.tokens.prompt_tokens or '?'}+{r.tokens.completion_tokens or '?'} tokens"
        cost = f", ${r.cost_usd:.4f}" if r.cost_usd is not None else ""
        parts.append(f"{r.task}: {tokens}{cost}{', cached' if r.cached else ''}")
    model = results[0].model if results else ""
    st.caption(f"{results[0].provider} · {model} · {elapsed_s:.1f} s · " + " · ".join(parts))
    redacted = [r.redaction_summary for r in results if r.redaction_summary]
    if redacted:
        st.caption("Redacted before sending (restored here): " + redacted[0])


def show_guards(results: Iterable[TaskResult]) -> None:
    findings: list[tuple[str, GuardFinding]] = [(r.task, g) for r in results for g in r.guards.findings]
    if not findings:
        st.success("Guards passed: no trust phrases, invented facts or estimates in the output.", icon="🛡️")
        return
    st.warning(
        f"The guards found {len(findings)} issue{'s' if len(findings) != 1 else ''} in the output (shown, not hidden):",
        icon="🛡️",
    )
    for task, g in findings:
        where = f" in {g.field}" if g.field else ""
        st.markdown(
            f"- **{g.guard}** ({g.action}, {task}{where}): “{esc(g.text)}”. {esc(g.detail)}",
            unsafe_allow_html=True,
        )


def show_findings(draft: str, analysis: Analysis, flags: Iterable[ComplexityFlag] = ()) -> None:
    show_html(highlight(draft, finding_marks(analysis, flags=flags)))
    st.caption("Hover a highlight for the reason; open a finding below for why and what to say instead.")
    for f in analysis.findings:
        icon = SEVERITY_STYLE[f.severity][1]
        with st.expander(f"{icon} “{f.text}”: {f.severity}, {f.category} (line {f.line})"):
            st.markdown(f"**{esc(f.message)}**", unsafe_allow_html=True)
            st.markdown(f"Why: {esc(f.why)}", unsafe_allow_html=True)
            st.markdown("Try instead:\n" + "\n".join(f"- “{esc(r)}”" for r in f.replacements), unsafe_allow_html=True)
    if analysis.ambiguities:
        with st.expander(f"Vague terms engineers will ask about ({len(analysis.ambiguities)})"):
            for a in analysis.ambiguities:
                st.markdown(f"- “{esc(a.text)}”: {esc(a.question)}", unsafe_allow_html=True)


def show_missing_context(analysis: Analysis) -> None:
    missing = [e for e in analysis.missing_context if e.element != "invitation"]
    if not missing:
        st.success("Your draft or context covers who, problem, why now, evidence, success and deadline.")
        return
    lines = "\n".join(f"- **{e.label}**: {e.question}" for e in missing)
    st.info(f"**Missing context.** Fill these in the context fields and run again:\n\n{lines}", icon="📝")


def show_questions(questions: list[Question]) -> None:
    if not questions:
        st.caption("No questions.")
    for title, texts in grouped_questions(questions):
        st.markdown(f"**{title}**\n" + "\n".join(f"- {esc(t)}" for t in texts), unsafe_allow_html=True)


def show_flags(flags: list[ComplexityFlag]) -> None:
    if not flags:
        st.caption("No likely complexity found. Engineers may still see some: ask them.")
    for flag in flags:
        with st.container(border=True):
            source = "model" if flag.source == "model" else "rules"
            st.markdown(
                f"**{esc(flag.title)}** · `{flag.category}` · triggered by “{esc(flag.trigger)}” ({source})",
                unsafe_allow_html=True,
            )
            # Model-written fields are escaped: no markdown image or link can render (and fetch a URL).
            st.markdown(esc(flag.why), unsafe_allow_html=True)
            st.markdown(f"❓ **Ask engineering to confirm:** {esc(flag.question)}", unsafe_allow_html=True)
            st.markdown(f"✂️ **A smaller first version:** {esc(flag.smaller_version)}", unsafe_allow_html=True)


def full_analysis(report: AnalyzeReport) -> Analysis:
    """The offline analysis with the (possibly model-made) questions and flags of this result."""
    return report.analysis.model_copy(
        update={"questions": report.questions.result.questions, "complexity": report.complexity.result.flags}
    )


def guards_markdown(results: Iterable[TaskResult]) -> str:
    lines = [f'- {g.guard} ({g.action}, {r.task}): "{g.text}". {g.detail}' for r in results for g in r.guards.findings]
    return "# Guard findings\n\n" + ("\n".join(lines) if lines else "None: every guard passed.") + "\n"


def report_markdown(draft: str, context: PMContext | None, report: AnalyzeReport) -> str:
    """The whole result as Markdown: the renderers' own sections (# level each), the user's text untouched."""
    results = [report.rewrite, report.questions, report.complexity]
    engine = f"Engine: {report.engine} · provider: {report.provider}"
    engine += f" · model: {report.model}" if report.model else ""
    head = [f"_PM feasibility assistant. {engine}_", "", "# Original draft", ""]
    head += ["> " + line for line in draft.splitlines()]
    if context:
        head += ["", "# Context given", "", context.as_text()]
    parts = [
        "\n".join(head) + "\n",
        rewrite_markdown(report.rewrite.result),
        analysis_markdown(full_analysis(report)),
        guards_markdown(results),
    ]
    return "\n".join(parts)


# ---------------------------------------------------------------- pages
def page_rewrite(ui: Ui) -> None:
    st.subheader("Rewrite a draft")
    st.caption(
        "Paste a request to engineering. See what may land badly, why, and a rewrite that asks instead "
        "of tells, with [needs: …] slots for the facts only you have."
    )
    draft, context, left = draft_and_context("Your draft")

    def work(provider: Any, notice: str) -> AnalyzeReport:
        return run_analyze(draft, context, provider=provider, notice=notice)

    with left:
        run_controls("rewrite_result", "Check and rewrite", ui, draft, context, work, TASK_NAMES)
    outcome = current("rewrite_result", draft, context)
    if outcome is None:
        return
    report: AnalyzeReport = outcome.report
    results = [report.rewrite, report.questions, report.complexity]
    original = outcome.inputs[0]
    show_provenance(results, outcome.elapsed_s, report.notice)

    st.markdown("#### How it may land")
    show_findings(original, report.analysis)

    rewrite = report.rewrite.result
    st.markdown("#### Rewrite")
    left, right = st.columns(2, gap="medium")
    with left:
        st.markdown("**Original**")
        show_html(esc(original))
    with right:
        st.markdown("**Rewrite** (" + ("model" if rewrite.source == "model" else "offline templates") + ")")
        show_html(mark_slots(rewrite.text))
    if rewrite.slots:
        st.warning(
            f"Fill in {len(rewrite.slots)} [needs: …] slot{'s' if len(rewrite.slots) != 1 else ''} "
            "before sending: they mark facts only you can give.",
            icon="✍️",
        )
    st.markdown("**What changed** (removed in red, added in green)")
    show_html(word_diff(original, rewrite.text))
    with st.expander(f"Why each change ({len(rewrite.changes)})"):
        for c in rewrite.changes:
            st.markdown(f"- {esc(c.description)}: _{esc(c.reason)}_", unsafe_allow_html=True)
    st.markdown("**Copy the rewrite** (copy button at the top right of the box)")
    st.code(rewrite.text, language=None, wrap_lines=True)

    show_missing_context(report.analysis)
    show_guards(results)
    with st.expander(f"Questions for the design review ({len(report.questions.result.questions)})"):
        show_questions(report.questions.result.questions)
    with st.expander(f"Likely complexity ({len(report.complexity.result.flags)})"):
        show_flags(report.complexity.result.flags)
    st.download_button(
        "Download the whole result (Markdown)",
        report_markdown(original, used_context(outcome), report),
        file_name="pm-assistant-result.md",
        mime="text/markdown",
        key="download_rewrite",
    )


@dataclass
class ReviewReport:
    analysis: Analysis
    questions: TaskResult[QuestionSet]
    complexity: TaskResult[ComplexityReport]


def page_review(ui: Ui) -> None:
    st.subheader("Prepare for a design review")
    st.caption(
        "Open, non-leading questions grouped by theme, and the parts that may hide complexity: "
        "hypotheses for engineers to confirm, each with a smaller first version. No estimates."
    )
    draft, context, left = draft_and_context("The request or spec to review")
    tasks = ("questions", "complexity")

    def work(provider: Any, notice: str) -> ReviewReport:
        with ThreadPoolExecutor(len(tasks)) as pool:
            futures = [pool.submit(run_task, t, draft, context, provider=provider, notice=notice) for t in tasks]
            questions, complexity = (f.result() for f in futures)
        return ReviewReport(analyze(draft, context), questions, complexity)

    with left:
        run_controls("review_result", "Prepare questions", ui, draft, context, work, tasks)
    outcome = current("review_result", draft, context)
    if outcome is None:
        return
    report: ReviewReport = outcome.report
    results = [report.questions, report.complexity]
    show_provenance(results, outcome.elapsed_s, report.questions.notice)
    flags = report.complexity.result.flags
    show_findings(outcome.inputs[0], report.analysis, flags=flags)

    left, right = st.columns([1, 1], gap="large")
    with left:
        st.markdown("#### Questions to ask")
        show_questions(report.questions.result.questions)
    with right:
        st.markdown(f"#### Likely complexity ({len(flags)})")
        st.caption("Hypotheses for engineering to confirm, never estimates.")
        show_flags(flags)
    show_missing_context(report.analysis)
    show_guards(results)
    md = analysis_markdown(
        report.analysis.model_copy(update={"questions": report.questions.result.questions, "complexity": flags})
    )
    st.download_button(
        "Download questions and flags (Markdown)",
        md + "\n" + guards_markdown(results),
        file_name="design-review-prep.md",
        mime="text/markdown",
        key="download_review",
    )


def scope_inputs() -> Any:
    """The scope change as the PM describes it, or None until the original scope and the change are given."""
    from pydantic import ValidationError

    from assistant.tasks.scope import ScopeChangeInput

    left, right = st.columns([3, 2], gap="large")
    with left:
        original = st.text_area(
            "The original scope",
            key="scope_original",
            height=110,
            max_chars=MAX_DRAFT_CHARS // 2,
            placeholder="e.g. CSV export of the reports page, one fixed set of columns.",
        )
        change = st.text_area(
            "What changed",
            key="scope_change",
            height=110,
            max_chars=MAX_DRAFT_CHARS // 2,
            placeholder="e.g. Sales now also wants Excel export and scheduled emails.",
        )
    with right, st.expander("Context (optional): facts only you know", expanded=True):
        values = {field: st.text_input(label, key=key, placeholder=hint) for key, field, label, hint in SCOPE_FIELDS}
    if not original.strip() or not change.strip():
        return None
    try:
        return ScopeChangeInput(original=original, change=change, **values)
    except ValidationError as error:
        first = error.errors()[0]
        st.warning(f"{first['loc'][0]}: {first['msg']}")
        return None


def show_scope(result: Any) -> None:
    brief, draft = result.brief.result, result.stakeholder.result
    inp = result.inputs
    st.markdown("#### 1. Talk to the engineering lead first")
    st.markdown(f"**Open with:** “{esc(brief.opening_line)}”", unsafe_allow_html=True)
    if brief.moving_target and brief.moving_target_note:
        st.warning(brief.moving_target_note, icon="🔁")
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown("**What changed** (restated)")
        show_html(mark_slots(brief.what_changed))
        st.markdown("**Why**")
        show_html(mark_slots(brief.why))
        if brief.lint_findings:
            st.markdown("**Phrasing in your change note**")
            marks = [
                Mark(f.start, f.end, SEVERITY_STYLE[f.severity][0], f"{f.message} Why: {f.why}")
                for f in brief.lint_findings
            ]
            show_html(highlight(inp.change, marks))
            for c in brief.restatement:
                st.markdown(f"- {esc(c.description)} _{esc(c.reason)}_", unsafe_allow_html=True)
        st.markdown(
            "**What you don't know yet**\n" + "\n".join(f"- {esc(u)}" for u in brief.unknowns), unsafe_allow_html=True
        )
    with right:
        st.markdown("**Questions to assess the impact together**")
        st.markdown(
            "\n".join(f"{i}. {esc(q.text)} _({q.topic})_" for i, q in enumerate(brief.questions, 1)),
            unsafe_allow_html=True,
        )
        if brief.complexity:
            with st.expander(f"Likely complexity in the change ({len(brief.complexity)})"):
                show_flags(brief.complexity)

    st.markdown("#### 2. Then tell stakeholders the change and its trade-off")
    show_html(mark_slots(draft.text))
    if draft.slots:
        st.warning(
            f"Fill in {len(draft.slots)} slot{'s' if len(draft.slots) != 1 else ''} once the "
            "engineering lead has assessed the impact.",
            icon="✍️",
        )
    st.code(draft.text, language=None, wrap_lines=True)
    findings = result.consistency.result.findings
    if findings:
        st.error(f"The message promises what the brief left open ({len(findings)}):", icon="⚖️")
        for f in findings:
            st.markdown(f"- **{f.kind}** “{esc(f.text)}”: {esc(f.explanation)}", unsafe_allow_html=True)
    else:
        st.success(
            "Consistency check passed: no promised date, scope or certainty, no blame, no minimising, "
            "no estimate, no invented fact.",
            icon="⚖️",
        )
    show_guards([result.brief, result.stakeholder])


def rehearsal_markdown(state: Any) -> str:
    from assistant.cli.scope import debrief_text

    out = ["# Scope-change rehearsal", "", f"Persona: {state.persona}", "", "## Transcript", ""]
    out += [f"**{'You' if t.speaker == 'pm' else 'Lead'}:** {t.text}  " for t in state.transcript]
    if state.debrief is not None:
        out += ["", "## Debrief", "", "```text", debrief_text(state.debrief.result), "```"]
    return "\n".join(out) + "\n"


def show_debrief(state: Any) -> None:
    debrief = state.debrief.result
    st.markdown("#### Debrief")
    cols = st.columns(3)
    cols[0].metric("Rules score", f"{debrief.deterministic_score}/{debrief.max_score}")
    if debrief.model_score is not None:
        cols[1].metric("Model score", f"{debrief.model_score}/{debrief.max_score}")
    cols[2].metric("Your lines", debrief.pm_turns)
    st.caption(debrief.method)
    for item in debrief.items:
        with st.container(border=True):
            dots = "●" * item.score + "○" * (2 - item.score)
            st.markdown(f"**{item.label}** {dots} {item.score}/2 · _{item.source}_")
            st.markdown(esc(item.explanation), unsafe_allow_html=True)
            for quote in item.evidence:
                st.markdown(f"> {esc(quote)}", unsafe_allow_html=True)
    st.info(debrief.summary)
    if debrief.next_time:
        st.markdown("**Next time**\n" + "\n".join(f"- {esc(t)}" for t in debrief.next_time), unsafe_allow_html=True)
    show_guards([state.debrief])


def rehearsal_step(ui: Ui, action: Callable[[Any], None], label: str) -> None:
    """One step of the role-play (a line, or the end) on a copy of the state; errors are one message."""
    from assistant.tasks.rehearsal import Rehearsal

    st.session_state.pop("rehearsal_error", None)
    try:
        provider, _ = make_provider(ui.settings)
        session = Rehearsal.from_state(st.session_state["rehearsal"], provider)
        if provider is None:
            action(session)
        else:
            with st.spinner(f"{label} ({provider.name}, {provider.model})…"):
                action(session)
    except (ProviderError, InputError) as error:
        st.session_state["rehearsal_error"] = getattr(error, "user_message", str(error))
        return
    st.session_state["rehearsal"] = session.to_state()


def page_rehearse(ui: Ui) -> None:
    from assistant.tasks.rehearsal import PERSONAS, LeadTurnAnswer, Rehearsal, transcript_text
    from assistant.tasks.scope import (
        BriefAnswer,
        StakeholderAnswer,
        brief_hints,
        offline_brief,
        prepare_scope_change,
    )

    st.subheader("Rehearse a scope change")
    st.caption(
        "Scope changed mid-sprint? Prepare the talk with your engineering lead, draft the message to "
        "stakeholders with the impact left open, then practise the conversation and get a debrief."
    )
    inp = scope_inputs()

    def brief_counts(provider: Any) -> list[int]:
        fields = inp.prompt_fields()
        hints = brief_hints(inp, [], [])
        return [
            prompt_tokens(provider, "scope_brief", BriefAnswer, {**fields, "hints": hints}),
            prompt_tokens(
                provider,
                "stakeholder_message",
                StakeholderAnswer,
                {**fields, "hints": hints, "what_changed": inp.change},
            ),
        ]

    cols = st.columns([2, 3], vertical_alignment="center")
    clicked = cols[0].button("Prepare the brief", type="primary", key="run_scope_result", disabled=inp is None)
    if inp is not None:
        show_estimate(ui, cols[1], brief_counts, " (brief, then stakeholder message)")
    if clicked and inp is not None:
        execute(
            "scope_result",
            "Preparing the brief",
            lambda p, n: prepare_scope_change(inp, p, notice=n),
            inp.model_dump_json(),
            None,
            ui.settings,
        )
    outcome = current("scope_result", inp.model_dump_json() if inp else "", None)
    if outcome is not None:
        result = outcome.report
        show_provenance([result.brief, result.stakeholder], outcome.elapsed_s, result.brief.notice)
        show_scope(result)
        from assistant.cli.scope import scope_markdown

        st.download_button(
            "Download the brief and message (Markdown)",
            scope_markdown(result),
            file_name="scope-change.md",
            mime="text/markdown",
            key="download_scope",
        )

    st.divider()
    st.markdown("#### 3. Rehearse the conversation")
    state = st.session_state.get("rehearsal")
    if state is None:
        cols = st.columns([2, 1, 2], vertical_alignment="bottom")
        persona = cols[0].selectbox(
            "The engineering lead is", list(PERSONAS), key="persona", format_func=lambda p: PERSONAS[p]
        )
        if cols[1].button("Start the rehearsal", key="start_rehearsal", disabled=inp is None):
            st.session_state["rehearsal"] = Rehearsal.start(inp, persona).to_state()
            st.rerun()
        if inp is None:
            st.caption("Describe the original scope and the change above to start.")
        return

    st.caption(
        f"The engineering lead is {PERSONAS[state.persona]}. Say your lines as you would in person; "
        "end when you are done, for a scored debrief."
    )
    cols = st.columns([1, 1, 3])
    end = cols[0].button(
        "End and debrief", key="end_rehearsal", disabled=state.debrief is not None or not state.transcript
    )
    if cols[1].button("Start over", key="reset_rehearsal"):
        for key in ("rehearsal", "rehearsal_error", "unsent_line"):
            st.session_state.pop(key, None)
        st.rerun()
    if end:
        rehearsal_step(ui, lambda session: session.end(), "Scoring your lines")
        st.rerun()  # redraw the controls for the ended session
    if state.debrief is None and (line := st.chat_input("Your line to the engineering lead", key="pm_line")):
        st.session_state["unsent_line"] = line
        rehearsal_step(ui, lambda session: session.reply(line), "The lead is thinking")
        if "rehearsal_error" not in st.session_state:
            st.session_state.pop("unsent_line", None)
        st.rerun()  # redraw the controls with the new turn
    if state.debrief is None:
        variables = {
            **state.inputs.prompt_fields(),
            "transcript": transcript_text(state.transcript),
            "pm_line": "",
            "persona": PERSONAS[state.persona],
            "hints": "",
        }
        count = lambda provider: [prompt_tokens(provider, "lead_turn", LeadTurnAnswer, variables)]  # noqa: E731
        show_estimate(ui, cols[2], count, " for your next line")

    for turn in state.transcript:
        pm = turn.speaker == "pm"
        with st.chat_message("user" if pm else "assistant", avatar="🧑‍💼" if pm else "🛠️"):
            st.markdown(esc(turn.text), unsafe_allow_html=True)
            if not pm and turn.concern:
                st.caption(f"concern: {turn.concern}")
    if not state.transcript:
        opening = offline_brief(state.inputs).opening_line
        st.info(f"Try opening with: “{esc(opening)}”", icon="💬")
    if error := st.session_state.get("rehearsal_error"):
        st.error(error, icon="⚠️")
        if unsent := st.session_state.get("unsent_line"):
            st.caption("Your line was not sent; here it is to copy and send again:")
            st.code(unsent, language=None, wrap_lines=True)
    if state.debrief is not None:
        show_debrief(state)
        st.download_button(
            "Download the transcript and debrief (Markdown)",
            rehearsal_markdown(state),
            file_name="rehearsal.md",
            mime="text/markdown",
            key="download_rehearsal",
        )


# ---------------------------------------------------------------- layout
def sidebar() -> tuple[str, Ui]:
    with st.sidebar:
        st.title("PM assistant")
        page = st.radio("Page", PAGES, key="page")
        st.divider()
        st.subheader("Engine")
        if "provider" not in st.session_state:
            st.session_state["provider"] = default_provider()
        provider = st.selectbox("Provider", PROVIDER_NAMES, key="provider", format_func=PROVIDER_LABELS.get)
        env, problem = env_settings()
        if problem:
            st.warning(problem, icon="⚙️")
        model, base_url = "", ""
        if provider == "offline":
            st.caption("Works with no key: deterministic rules on this machine, nothing is sent anywhere.")
        else:
            model = st.text_input(
                "Model",
                value=env.model or "",
                key=f"model_{provider}",
                placeholder=DEFAULT_MODELS[provider],
                help="Empty: the default model.",
            )
            base_url = st.text_input(
                "Base URL",
                value=env.base_url or "",
                key=f"base_url_{provider}",
                placeholder="http://127.0.0.1:8000/v1" if provider == "openai-compatible" else "the provider's own",
                help="Needed for an OpenAI-compatible server; optional for the others.",
            )
            source = key_source(provider)
            env_var = KEY_ENV_VARS[provider]
            if source:
                st.success(f"Key found ({source}: {env_var}).", icon="🔑")
            elif provider == "openai-compatible":
                st.caption(f"No key ({env_var}): fine for a local server.")
            else:
                st.error(
                    f"No key: set {env_var} in the environment or in st.secrets, or use the offline engine.",
                    icon="🔑",
                )
        cache = st.toggle(
            "Cache model answers",
            value=env.cache_enabled,
            key="cache",
            help="Same request, same answer, no second charge.",
            disabled=provider == "offline",
        )
        live = st.toggle(
            "Update offline results as I type",
            value=True,
            key="live",
            help="Offline only: re-checks when you leave the box or press Ctrl+Enter.",
        )
        estimate = st.empty()
    try:
        settings = build_settings(provider, model, base_url, cache)
    except ValueError:  # an invalid environment variable (shown above): the sidebar's choices still apply
        settings = Settings.model_construct(
            provider=provider, model=model or None, base_url=base_url or None, cache_enabled=cache
        )
    return page, Ui(settings, live, estimate)


@st.cache_resource(show_spinner=False)
def warm_up() -> bool:
    """Load and compile the rules once per server process, at page load rather than on the first click."""
    run_analyze(EXAMPLE_DRAFT)
    return True


def main() -> None:
    st.set_page_config(page_title="PM feasibility assistant", page_icon="🧭", layout="wide")
    warm_up()
    keep_widget_state()
    page, ui = sidebar()
    {PAGE_REWRITE: page_rewrite, PAGE_REVIEW: page_review, PAGE_REHEARSE: page_rehearse}[page](ui)


if __name__ == "__main__":  # streamlit runs the script as __main__; tests import the helpers
    main()
