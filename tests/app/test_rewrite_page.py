"""The rewrite page, headless (AppTest): the summary first (how it may land, one rewrite view with a diff
toggle and a copy button, what is missing), the details below, each once; offline and replayed."""

from __future__ import annotations

import html
import re

import pytest
from app_helpers import DRAFT, KEYS, replay, start, texts, type_draft, with_provider


def offline_rewrite(draft: str = DRAFT) -> str:
    """The offline engine's rewrite of the draft, as the package makes it (the app must show exactly this)."""
    from assistant.tasks.drafts import run_analyze

    return run_analyze(draft).rewrite.result.text


def first_line(text: str) -> str:
    return html.escape(text.splitlines()[0], quote=True)


def summary_html(at) -> str:  # type: ignore[no-untyped-def]
    """The markdown inside the summary container (rendered before the details)."""
    shown = [str(m.value) for m in at.markdown]
    return "\n".join(shown[shown.index("#### Summary") : shown.index("#### Details")])


def test_first_load_is_offline_with_no_key() -> None:
    at = start()
    assert at.selectbox(key="provider").value == "offline"
    assert "Works with no key" in texts(at)
    assert at.button(key="run_rewrite_result").disabled  # nothing to run yet
    assert at.button(key="run_rewrite_result").label == "Check and rewrite"
    legend = next(str(m.value) for m in at.markdown if "Highlights:" in str(m.value))
    for entry in ("error", "warning", "suggestion", "vague term", "[needs: …] slot to fill"):
        assert f">{entry}</mark>" in legend


def test_invalid_environment_is_a_warning_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_PROVIDER", "gpt")
    at = start()
    assert any(w.value.startswith("ASSISTANT_PROVIDER is invalid") for w in at.warning)
    type_draft(at)
    assert not at.exception and ">Can we just</mark>" in texts(at)


def test_summary_comes_first_and_each_part_is_shown_once() -> None:
    at = start()
    at.toggle(key="live").set_value(False).run()  # only the button runs it
    type_draft(at)
    assert "#### Summary" not in texts(at)
    at.button(key="run_rewrite_result").click().run()
    assert not at.exception
    shown = [str(m.value) for m in at.markdown]
    assert shown.index("#### Summary") < shown.index("#### Details")

    summary = summary_html(at)
    # how it may land: the phrases, in one line
    assert "**How it may land:** 2 phrases may cost trust: 🔴 “Can we just” · 🔴 “Should be simple”" in summary
    # the rewrite, once, with its slots marked; no code box repeats it
    rewrite_boxes = [m for m in shown if first_line(offline_rewrite()) in m]
    assert len(rewrite_boxes) == 1 and rewrite_boxes[0] in summary
    assert "font-weight:600;border:1px dashed" in rewrite_boxes[0] and ">[needs: " in rewrite_boxes[0]
    assert not [c for c in at.code if "CSV export" in c.value]
    assert "Fill in 2 [needs: …] slots" in texts(at)  # a two-sentence draft keeps the short form
    # what is missing, in the summary only
    assert "**What is missing** (5): fill these in the context fields and run again." in summary
    assert sum("What is missing" in m for m in shown) == 1
    # the details: the draft highlighted once, the reason as a tooltip, one expander per finding
    drafts = [m for m in shown if ">Can we just</mark>" in m]
    assert len(drafts) == 1
    assert '<mark title="error: &#x27;Can we just&#x27; frames the request' in drafts[0]
    assert any("“Can we just”" in e.label for e in at.expander)
    assert "**Complexity drivers**" in texts(at) and "**Import or export**" in texts(at)
    assert "that the checks know of" in texts(at) and "Guards passed" not in texts(at)
    # the time is shown (how fast it is belongs to the benchmarks, not to a test on a shared machine)
    assert re.search(r"Offline result in \d+ ms", texts(at))
    assert "Download the whole result" in at.get("download_button")[0].proto.label


def test_diff_toggle_swaps_the_one_rewrite_view() -> None:
    at = start()
    type_draft(at)
    assert "<del " not in summary_html(at)
    at.toggle(key="show_diff").set_value(True).run()
    summary = summary_html(at)
    assert '<del style="background:#ffe0e0;color:#a00">just </del>' in summary
    assert "<ins " in summary
    assert sum(first_line(offline_rewrite()) in m.value for m in at.markdown) == 0  # the diff replaced the view


def test_copy_button_carries_the_rewrite_as_escaped_script_data() -> None:
    at = start()
    type_draft(at, 'Can we just add </script><b>"export"</b>? Should be simple.')
    frames = [el for el in at.get("iframe")]
    assert len(frames) == 1
    source = frames[0].proto.srcdoc
    assert "navigator.clipboard.writeText(text)" in source
    assert "\\u003c/script>\\u003cb>" in source and "</script><b>" not in source


def test_offline_updates_as_the_pm_types() -> None:
    at = start()
    type_draft(at)  # no click: the live toggle is on by default
    assert ">Can we just</mark>" in texts(at)
    type_draft(at, "Please add CSV export. Should be easy.")
    assert "Can we just" not in texts(at)


def test_context_fields_fill_the_slots() -> None:
    at = start()
    type_draft(at)
    assert "[needs: who is asking for this, and who will use it?]" in summary_html(at)
    at.text_input(key="ctx_who").input("the finance team at Acme")
    at.text_input(key="ctx_problem").input("they copy tables into spreadsheets by hand")
    at.radio(key="ctx_flex").set_value("It cannot move")
    at.run()
    summary = summary_html(at)
    assert "- Who needs it: the finance team at Acme" in summary
    assert "[needs: who is asking" not in summary
    assert "- Whether the date can move: no" in summary
    assert "**Who needs it**" not in summary  # no longer listed as missing


def test_user_text_is_html_escaped() -> None:
    at = start()
    type_draft(at, 'Can we just <script>alert("x")</script> add <b>export</b> for $5 and $6? Should be simple.')
    shown = "\n".join(str(m.value) for m in at.markdown)
    assert "<script>" not in shown and "<b>export" not in shown
    assert "&lt;script&gt;" in shown and "&#36;5" in shown


def test_limit_is_stated_and_a_longer_paste_is_kept_with_one_message() -> None:
    at = start()
    type_draft(at)
    assert "57 of 20,000 characters at most." in texts(at)
    long = "Can we just add CSV export? " * 900  # 25,200 characters
    type_draft(at, long)
    assert at.text_area(key="draft").value == long  # never an empty box
    errors = [e.value for e in at.error]
    assert errors == [
        "This text has 25,200 characters; the app checks up to 20,000. Shorten it here, or check the whole "
        "file from a terminal with `assistant analyze draft.txt` (files up to 2 MB)."
    ]
    assert at.button(key="run_rewrite_result").disabled
    assert "#### Summary" not in texts(at)


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_llm_rewrite_replayed(provider: str, monkeypatch: pytest.MonkeyPatch) -> None:
    env, key = KEYS[provider]
    monkeypatch.setenv(env, key)  # as Streamlit does with a top-level entry of .streamlit/secrets.toml
    router, route = replay(provider)
    at = with_provider(provider, router)
    type_draft(at)
    shown = texts(at)
    assert "Ready: results come from the model" in shown
    assert "Before sending: " in shown and "prompt tokens in 4 calls" in shown
    assert "#### Summary" not in shown  # a model runs only on the button, never as the PM types
    assert not route.calls

    at.button(key="run_rewrite_result").click().run()
    assert not at.exception
    assert len(route.calls) == 4  # rewrite, questions, complexity and the model's own trust findings
    sent = route.calls[0].request.headers
    assert key in sent.get("authorization", "") + sent.get("x-api-key", "")
    summary = summary_html(at)
    assert "Could we talk about CSV export for <mark" in summary and ">[needs: " in summary  # "40" became a slot
    assert "40 customers" not in summary
    shown = texts(at)
    assert "The guards found" in shown and "**invented-claim** (repaired, rewrite" in shown
    assert "Which columns does the export need?" in shown
    assert "**Large exports**" in shown and "(model)" in shown
    by_model = "“by March 15”: warning, deadline-rigidity (line 1, found by the model)"
    assert any(e.label.endswith(by_model) for e in at.expander)  # the model's verified trust finding
    assert f"Using {provider} with model" in shown
    assert key not in shown  # the key is never displayed


def test_key_typed_in_the_sidebar_is_used() -> None:
    router, route = replay("openai")
    at = with_provider("openai", router)
    assert at.button(key="run_rewrite_result").label == "Run offline instead"
    at.text_input(key="api_key_openai").input(OPENAI := KEYS["openai"][1]).run()
    type_draft(at)
    assert at.button(key="run_rewrite_result").label == "Check and rewrite"
    at.button(key="run_rewrite_result").click().run()
    assert len(route.calls) == 4
    assert route.calls[0].request.headers["authorization"] == f"Bearer {OPENAI}"
    assert OPENAI not in texts(at)


def test_missing_key_runs_offline_and_says_where_the_key_goes() -> None:
    router, route = replay("openai")
    at = with_provider("openai", router)
    type_draft(at)
    button = at.button(key="run_rewrite_result")
    assert button.label == "Run offline instead"
    assert "Before sending" not in texts(at) and "#### Summary" not in texts(at)  # no live run for a model choice
    button.click().run()
    assert not at.exception and not at.error
    assert not route.calls  # nothing was sent
    summary = summary_html(at)
    assert first_line(offline_rewrite()) in summary  # the offline result
    hint = [i.value for i in at.info if "so this is the offline result" in i.value]
    assert hint == [
        "**OpenAI needs an API key**, so this is the offline result. To use OpenAI, paste your API key into "
        'the “API key” field in the sidebar, or add the line `OPENAI_API_KEY = "…"` to '
        "`.streamlit/secrets.toml` next to `app.py` and restart the app."
    ]
    assert "OpenAI needs an API key, so the offline engine answered." in texts(at)


def test_compatible_server_without_base_url_runs_offline_and_asks_for_the_address() -> None:
    router, route = replay("openai")
    at = with_provider("openai-compatible", router)
    type_draft(at)
    assert at.button(key="run_rewrite_result").label == "Run offline instead"
    at.button(key="run_rewrite_result").click().run()
    assert not at.exception and not route.calls
    assert any("“Base URL” field" in i.value for i in at.info)


def test_provider_error_is_one_message_and_the_draft_stays(monkeypatch: pytest.MonkeyPatch) -> None:
    import httpx
    import respx

    from assistant.evaluation.replay import openai_error

    monkeypatch.setenv(*KEYS["openai"])
    router = respx.Router(assert_all_called=False)
    router.post("https://api.openai.com/v1/chat/completions").mock(
        return_value=httpx.Response(401, json=openai_error("Incorrect API key provided", type="invalid_api_key"))
    )
    at = with_provider("openai", router)
    at.text_input(key="ctx_who").input("the finance team")
    type_draft(at)
    at.button(key="run_rewrite_result").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "OpenAI rejected the API key (HTTP 401): check OPENAI_API_KEY holds a valid, active key."
    ]
    assert "Your inputs are kept" in texts(at)
    assert at.text_area(key="draft").value == DRAFT
    assert at.text_input(key="ctx_who").value == "the finance team"
    assert "#### Summary" not in texts(at)  # no stale or partial result

    at.selectbox(key="provider").set_value("offline").run()
    at.button(key="run_rewrite_result").click().run()
    assert not at.error and ">Can we just</mark>" in texts(at)


def test_asking_for_every_missing_fact_reruns_the_rewrite_with_a_slot_for_each() -> None:
    long_draft = (
        "Could the webhook payload also include the full order object for each refund? "
        "We would want it in the 2.x line without a major bump. It would save a second call per order."
    )
    at = start()
    type_draft(at, long_draft)
    assert len(at.session_state["rewrite_result"].report.rewrite.result.slots) == 3
    at.toggle(key="every_slot").set_value(True).run()  # live offline results follow the setting too
    assert not at.exception
    full = at.session_state["rewrite_result"].report.rewrite.result.slots
    assert len(full) > 3 and full == offline_rewrite_full(long_draft)


def offline_rewrite_full(draft: str) -> list[str]:
    from assistant.tasks.drafts import run_analyze

    return run_analyze(draft, form="full").rewrite.result.slots
