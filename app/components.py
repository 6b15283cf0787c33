"""Rendering pieces every page shares: escaped HTML boxes, highlights, the word diff, the legend, and the
result sections (findings, questions, complexity flags, guards, provenance).

Every user- or model-written text goes through `esc` before it is rendered as HTML, so no markdown image or
link written by a model can render (and fetch a URL).
"""

from __future__ import annotations

import difflib
import html
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import streamlit as st

from assistant.render.reports import NO_QUESTIONS, grouped_questions, guard_banner
from assistant.schemas import Analysis, ComplexityFlag, GuardFinding, Question, TaskResult

SEVERITY_STYLE = {
    "error": ("#ffd6d6", "🔴"),
    "warning": ("#ffe9b3", "🟠"),
    "suggestion": ("#e3ecff", "🔵"),
}
VAGUE_STYLE = ("#f1f1f1", "border-bottom:2px dotted #888;")
COMPLEXITY_COLOR = "#e4f5e4"
SLOT_STYLE = ("#fff3a3", "font-weight:600;border:1px dashed #c9a400;")
SLOT_RE = re.compile(r"\[(?:needs|impact|trade-off): [^\]]+\]")
# Legend entries by the kind of highlight a page shows: (name, colour, extra style).
LEGEND_ITEMS: dict[str, tuple[str, str, str]] = {
    "error": ("error", SEVERITY_STYLE["error"][0], ""),
    "warning": ("warning", SEVERITY_STYLE["warning"][0], ""),
    "suggestion": ("suggestion", SEVERITY_STYLE["suggestion"][0], ""),
    "vague": ("vague term", *VAGUE_STYLE),
    "complexity": ("possible complexity", COMPLEXITY_COLOR, ""),
    "slot": ("[needs: …] slot to fill", *SLOT_STYLE),
}


# ---------------------------------------------------------------- HTML helpers (all user text escaped)
def esc(text: str) -> str:
    """HTML-escape user text for st.markdown(unsafe_allow_html=True): one line, no markdown or math."""
    return html.escape(text, quote=True).replace("$", "&#36;").replace("\n", "<br>")


def attr(text: str) -> str:
    """Text for an HTML attribute (a tooltip): escaped, on one line."""
    return html.escape(" ".join(text.split()), quote=True).replace("$", "&#36;")


def box(inner: str) -> str:
    return (
        '<div style="white-space:pre-wrap;line-height:1.7;padding:0.6rem 0.8rem;border:1px solid #ddd;'
        f'border-radius:0.5rem;background:#fff">{inner}</div>'
    )


def show_html(inner: str) -> None:
    st.markdown(box(inner), unsafe_allow_html=True)


@dataclass(frozen=True)
class Mark:
    """One highlighted span: where, its colour, its tooltip."""

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
        Mark(a.start, a.end, VAGUE_STYLE[0], f"Vague: {a.question}", VAGUE_STYLE[1]) for a in analysis.ambiguities
    ]
    marks += [
        Mark(f.start, f.end, COMPLEXITY_COLOR, f"Possible complexity ({f.title}): {f.question}")
        for f in flags
        if f.start is not None and f.end is not None
    ]
    return marks


def mark_slots(text: str) -> str:
    marks = [
        Mark(m.start(), m.end(), SLOT_STYLE[0], "A fact only you can give: fill it in before sending.", SLOT_STYLE[1])
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


def legend(kinds: Sequence[str]) -> None:
    """What each highlight on this page means, one entry per kind the page can show."""
    marks = " ".join(
        f'<mark style="background:{color};padding:0 3px;border-radius:3px;{style}">{esc(name)}</mark>'
        for name, color, style in (LEGEND_ITEMS[k] for k in kinds)
    )
    st.markdown(f'<div style="font-size:0.85rem;color:#555">Highlights: {marks}</div>', unsafe_allow_html=True)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# ---------------------------------------------------------------- result sections
def how_it_may_land(analysis: Analysis) -> None:
    """The summary's first line: how many phrases may land badly, and which."""
    if not analysis.findings:
        st.success("No phrase in the draft is likely to land badly.", icon="✅")
        return
    phrases = " · ".join(f"{SEVERITY_STYLE[f.severity][1]} “{esc(f.text)}”" for f in analysis.findings)
    st.markdown(
        f"**How it may land:** {plural(len(analysis.findings), 'phrase')} may cost trust: {phrases}",
        unsafe_allow_html=True,
    )


# Which detection layer found a finding, as shown beside it (a rule says nothing: it is the default).
FOUND_BY = {"rule": "", "semantic": ", found by the sentence classifier", "model": ", found by the model"}


def show_findings(draft: str, analysis: Analysis, flags: Iterable[ComplexityFlag] = ()) -> None:
    """The draft with every finding highlighted, then one expander per finding with why and what instead."""
    show_html(highlight(draft, finding_marks(analysis, flags=flags)))
    st.caption("Hover a highlight for the reason; open a finding below for why and what to say instead.")
    for f in analysis.findings:
        icon = SEVERITY_STYLE[f.severity][1]
        found_by = FOUND_BY[f.source]
        with st.expander(f"{icon} “{f.text}”: {f.severity}, {f.category} (line {f.line}{found_by})"):
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
        st.success("Your draft or context covers who, problem, why now, evidence, success and deadline.", icon="✅")
        return
    lines = "\n".join(f"- **{e.label}**: {esc(e.question)}" for e in missing)
    st.markdown(
        f"**What is missing** ({len(missing)}): fill these in the context fields and run again.\n\n{lines}",
        unsafe_allow_html=True,
    )


def show_questions(questions: list[Question]) -> None:
    if not questions:
        st.caption(NO_QUESTIONS)
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
            st.markdown(esc(flag.why), unsafe_allow_html=True)
            st.markdown(f"❓ **Ask engineering to confirm:** {esc(flag.question)}", unsafe_allow_html=True)
            st.markdown(f"✂️ **A smaller first version:** {esc(flag.smaller_version)}", unsafe_allow_html=True)


def show_guards(results: Iterable[TaskResult]) -> None:
    findings: list[tuple[str, GuardFinding]] = [(r.task, g) for r in results for g in r.guards.findings]
    if not findings:
        st.info(guard_banner(0), icon="🛡️")
        return
    st.warning(f"The guards found {plural(len(findings), 'issue')} in the output (shown, not hidden):", icon="🛡️")
    for task, g in findings:
        where = f" in {g.field}" if g.field else ""
        st.markdown(
            f"- **{g.guard}** ({g.action}, {task}{where}): “{esc(g.text)}”. {esc(g.detail)}",
            unsafe_allow_html=True,
        )


def show_provenance(results: Sequence[TaskResult], elapsed_s: float, notice: str | None) -> None:
    """Which engine answered, how long it took and, through a model, tokens, cost and what was redacted."""
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
    st.caption(f"{results[0].provider} · {results[0].model or ''} · {elapsed_s:.1f} s · " + " · ".join(parts))
    redacted = [r.redaction_summary for r in results if r.redaction_summary]
    if redacted:
        st.caption("Redacted before sending (restored here): " + redacted[0])


def slot_warning(slots: Sequence[str], what: str = "before sending: they mark facts only you can give") -> None:
    if slots:
        st.warning(f"Fill in {plural(len(slots), '[needs: …] slot')} {what}.", icon="✍️")


def copy_button(text: str, label: str = "Copy the rewrite") -> None:
    """A button that puts `text` on the clipboard (Streamlit has no copy widget). The text enters the frame
    only as a JSON string with every `<` escaped, so no model-written text can become markup or script."""
    payload = json.dumps(text, ensure_ascii=True).replace("<", "\\u003c")
    st.iframe(
        f"""<button id="copy" style="font:14px sans-serif;padding:6px 14px;border:1px solid #ccc;
        border-radius:8px;background:#fff;cursor:pointer">📋 {html.escape(label)}</button>
        <script>
        const text = {payload};
        const button = document.getElementById("copy");
        button.addEventListener("click", async () => {{
          try {{ await navigator.clipboard.writeText(text); button.textContent = "✅ Copied"; }}
          catch (e) {{ button.textContent = "Select the text above and copy it (Ctrl+C)"; }}
        }});
        </script>""",
        height=44,
    )
