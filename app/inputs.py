"""The input widgets: a draft box with its limit stated beside it, the optional context fields, the
scope-change fields. Over the limit the text stays in the box and one message says what to do.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from pydantic import ValidationError

from app.state import CONTEXT_FIELDS, EXAMPLE_DRAFT, FLEX_OPTIONS, MAX_DRAFT_CHARS, SCOPE_FIELDS
from assistant.schemas import PMContext
from assistant.tasks.scope import ScopeChangeInput


def limited_text(label: str, key: str, limit: int, *, height: int, placeholder: str) -> str | None:
    """A text box that takes any paste; its limit is stated under it. Returns None over the limit."""
    text = st.text_area(label, key=key, height=height, placeholder=placeholder)
    if len(text) <= limit:
        st.caption(f"{len(text):,} of {limit:,} characters at most.")
        return text
    st.error(
        f"This text has {len(text):,} characters; the app checks up to {limit:,}. Shorten it here, or check "
        "the whole file from a terminal with `assistant analyze draft.txt` (files up to 2 MB).",
        icon="✂️",
    )
    return None


def context_fields() -> PMContext | None:
    """The optional facts only the PM knows, in an expander; None when none is given."""
    values: dict[str, Any] = {}
    with st.expander("Context (optional): facts only you know", expanded=True):
        for key, name, label, placeholder in CONTEXT_FIELDS:
            values[name] = st.text_input(label, key=key, placeholder=placeholder).strip() or None
        flex = st.radio("Can the deadline move?", FLEX_OPTIONS, key="ctx_flex", horizontal=True)
        values["deadline_flexible"] = None if flex == FLEX_OPTIONS[0] else flex == FLEX_OPTIONS[1]
    context = PMContext(**values)
    return context if context.as_text() else None


def draft_input(label: str) -> str | None:
    """The draft box (None over the limit)."""
    return limited_text(
        label, "draft", MAX_DRAFT_CHARS, height=240, placeholder=f"Paste your message here, e.g. “{EXAMPLE_DRAFT}”"
    )


def scope_inputs() -> ScopeChangeInput | None:
    """The scope change as the PM describes it, or None until the original scope and the change are given."""
    left, right = st.columns([3, 2], gap="large")
    limit = MAX_DRAFT_CHARS // 2
    with left:
        original = limited_text(
            "The original scope",
            "scope_original",
            limit,
            height=110,
            placeholder="e.g. CSV export of the reports page, one fixed set of columns.",
        )
        change = limited_text(
            "What changed",
            "scope_change",
            limit,
            height=110,
            placeholder="e.g. Sales now also wants Excel export and scheduled emails.",
        )
    with right, st.expander("Context (optional): facts only you know", expanded=True):
        values = {name: st.text_input(label, key=key, placeholder=hint) for key, name, label, hint in SCOPE_FIELDS}
    if not (original or "").strip() or not (change or "").strip():
        return None
    try:
        return ScopeChangeInput(original=original, change=change, **values)
    except ValidationError as error:
        first = error.errors()[0]
        st.warning(f"{first['loc'][0]}: {first['msg']}")
        return None
