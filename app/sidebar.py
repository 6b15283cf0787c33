"""The sidebar every page shares: the engine (provider, model, address, key), the confidential terms that
never leave the machine, and the two toggles. Returns the `Engine` the pages run with.
"""

from __future__ import annotations

import streamlit as st

from app.engine import Engine, current_hooks, default_choice, environment_settings, make_engine
from assistant.llm.providers.registry import OFFLINE, get_info, provider_names, title

ENGINE_KEY = "engine"


def sidebar() -> Engine:
    """Draw the sidebar and return the engine it selects (also kept for the pages in session state)."""
    with st.sidebar:
        st.subheader("Engine")
        if "provider" not in st.session_state:
            st.session_state["provider"] = default_choice()
        choice = st.selectbox("Provider", provider_names(), key="provider", format_func=title)
        env, _ = environment_settings()
        model = base_url = api_key = ""
        if choice == OFFLINE:
            st.caption("Works with no key: deterministic rules on this machine, nothing is sent anywhere.")
        else:
            info = get_info(choice)
            model = st.text_input("Model", value=env.model or "", key=f"model_{choice}", placeholder=info.default_model)
            base_url = st.text_input(
                "Base URL",
                value=env.base_url or "",
                key=f"base_url_{choice}",
                placeholder="http://127.0.0.1:8000/v1" if info.needs_base_url else "the provider's own",
                help="The server's address: needed for a local server, optional otherwise.",
            )
            if info.needs_key:
                api_key = st.text_input(
                    "API key",
                    type="password",
                    key=f"api_key_{choice}",
                    placeholder="or in .streamlit/secrets.toml",
                    help=f"Kept in this browser session only. Or set {info.key_env} in .streamlit/secrets.toml.",
                )
        status = st.empty()  # the key or address status, right under the fields it is about
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
            value=env.cache_enabled,
            key="cache",
            help="Same request, same answer, no second charge.",
            disabled=choice == OFFLINE,
        )
        live = st.toggle(
            "Update offline results as I type",
            value=True,
            key="live",
            help="Offline only: re-checks when you leave the box or press Ctrl+Enter.",
        )
        every_slot = st.toggle(
            "Ask for every missing fact",
            value=False,
            key="every_slot",
            help="Offline rewrite: a [needs: …] slot for each missing fact (who, problem, why now, evidence, "
            "success, date). Off: who and the problem for a short message, the first three otherwise.",
        )
        engine = make_engine(
            choice,
            model=model,
            base_url=base_url,
            api_key=api_key,
            cache=cache,
            confidential=confidential,
            live=live,
            every_slot=every_slot,
            hooks=current_hooks(),
        )
        if engine.env_problem:
            st.warning(engine.env_problem, icon="⚙️")
        if engine.problem:
            where = "“API key” above" if engine.missing == "key" else "“Base URL” above"
            status.warning(f"{engine.problem}: type it into {where}. Until then the offline engine answers.", icon="🔑")
        elif choice != OFFLINE:
            status.success("Ready: results come from the model, checked by the guards.", icon="🔑")
        if engine.confidential_terms and choice != OFFLINE:
            st.caption(f"{len(engine.confidential_terms)} confidential term(s) are replaced before sending.")
    st.session_state[ENGINE_KEY] = engine
    return engine


def page_engine() -> Engine:
    """The engine the sidebar selected in this run (pages call this)."""
    return st.session_state[ENGINE_KEY]
