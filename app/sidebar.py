"""The sidebar every page shares: the engine (provider, model, address, key), the confidential terms that
never leave the machine, and the two toggles. Returns the `Engine` the pages run with.
"""

from __future__ import annotations

import streamlit as st

from app.engine import Engine, current_hooks, default_choice, environment_settings, make_engine
from assistant.llm.providers.errors import KEY_ENV_VARS, label
from assistant.llm.settings import DEFAULT_MODELS, PROVIDER_NAMES

ENGINE_KEY = "engine"


def provider_label(name: str) -> str:
    if name == "offline":
        return "Offline (no key needed)"
    text = label(name)
    return text[:1].upper() + text[1:]


def sidebar() -> Engine:
    """Draw the sidebar and return the engine it selects (also kept for the pages in session state)."""
    with st.sidebar:
        st.subheader("Engine")
        if "provider" not in st.session_state:
            st.session_state["provider"] = default_choice()
        choice = st.selectbox("Provider", PROVIDER_NAMES, key="provider", format_func=provider_label)
        env, _ = environment_settings()
        model = base_url = api_key = ""
        if choice == "offline":
            st.caption("Works with no key: deterministic rules on this machine, nothing is sent anywhere.")
        else:
            model = st.text_input(
                "Model", value=env.model or "", key=f"model_{choice}", placeholder=DEFAULT_MODELS[choice]
            )
            base_url = st.text_input(
                "Base URL",
                value=env.base_url or "",
                key=f"base_url_{choice}",
                placeholder="http://127.0.0.1:8000/v1" if choice == "openai-compatible" else "the provider's own",
                help="Needed for an OpenAI-compatible server; optional for the others.",
            )
            api_key = st.text_input(
                "API key",
                type="password",
                key=f"api_key_{choice}",
                placeholder="found in the environment or secrets" if choice != "openai-compatible" else "optional",
                help=f"Kept in this browser session only. Or set {KEY_ENV_VARS[choice]} in .streamlit/secrets.toml.",
            )
        confidential = st.text_area(
            "Confidential terms",
            key="confidential",
            height=80,
            placeholder="e.g. Acme, Project Falcon",
            help="Customer names, codenames: one per line or comma-separated. Replaced by placeholders before "
            "anything is sent to a model, and put back in the result.",
        )
        cache = st.toggle(
            "Cache model answers",
            value=env.cache_enabled if env.cache_enabled is not None else True,
            key="cache",
            help="Same request, same answer, no second charge.",
            disabled=choice == "offline",
        )
        live = st.toggle(
            "Update offline results as I type",
            value=True,
            key="live",
            help="Offline only: re-checks when you leave the box or press Ctrl+Enter.",
        )
        engine = make_engine(
            choice,
            model=model,
            base_url=base_url,
            api_key=api_key,
            cache=cache,
            confidential=confidential,
            live=live,
            hooks=current_hooks(),
        )
        if engine.env_problem:
            st.warning(engine.env_problem, icon="⚙️")
        if engine.problem:
            st.warning(f"{engine.problem}. {engine.key_hint}", icon="🔑")
        elif choice != "offline":
            st.success("Ready: results come from the model, checked by the guards.", icon="🔑")
        if engine.confidential_terms and choice != "offline":
            st.caption(f"{len(engine.confidential_terms)} confidential term(s) are replaced before sending.")
    st.session_state[ENGINE_KEY] = engine
    return engine


def page_engine() -> Engine:
    """The engine the sidebar selected in this run (pages call this)."""
    return st.session_state[ENGINE_KEY]
