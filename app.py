"""Streamlit front end: a frame of three pages. Run it with `streamlit run app.py`.

Each page is one file under app/pages/; the sidebar (engine, confidential terms) is app/sidebar.py, the
widgets app/inputs.py, the result sections app/components.py, session state app/state.py. Every result
comes from the `assistant` package; the app collects inputs, calls it and renders what comes back. It works
with no key (offline engine); with a key in the sidebar, the environment or `.streamlit/secrets.toml`, a
model improves the text and the guards keep it honest.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app.sidebar import sidebar
from app.state import EXAMPLE_DRAFT, keep_widget_state
from assistant.tasks.drafts import run_analyze

PAGES = Path(__file__).resolve().parent / "app" / "pages"


@st.cache_resource(show_spinner=False)
def warm_up() -> bool:
    """Load and compile the rules once per server process, at page load rather than on the first click."""
    run_analyze(EXAMPLE_DRAFT)
    return True


st.set_page_config(page_title="PM feasibility assistant", page_icon="🧭", layout="wide")
warm_up()
keep_widget_state()
navigation = st.navigation(
    [
        st.Page(PAGES / "rewrite.py", title="Rewrite a draft", icon="✍️", default=True),
        st.Page(PAGES / "review.py", title="Prepare for a design review", icon="🔎"),
        st.Page(PAGES / "rehearse.py", title="Rehearse a scope change", icon="🎭"),
    ]
)
sidebar()
navigation.run()
