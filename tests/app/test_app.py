"""The Streamlit app, headless (streamlit.testing AppTest): offline end to end on each page, and the
LLM path with replayed responses (respx through assistant.evaluation.replay.client_for) injected by the app's
test seam, `st.session_state[app.HOOKS_KEY]`.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from streamlit.testing.v1 import AppTest

from assistant.evaluation.replay import anthropic_message, client_for, openai_chat_completion, openai_error

APP = str(Path(__file__).resolve().parents[2] / "app.py")
HOOKS_KEY = "provider_hooks"  # app.HOOKS_KEY (importing app.py would run it)
DRAFT = "Can we just add CSV export by March 15? Should be simple."
OPENAI_KEY = "sk-proj-APPTESTopenai0123456789abcdef"
ANTHROPIC_KEY = "sk-ant-api03-APPTESTanthropic0123456789"
OPENAI_URL = "https://api.openai.com/v1/chat/completions"
ANTHROPIC_URL = "https://api.anthropic.com/v1/messages"
KEY_VARS = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "ASSISTANT_COMPAT_API_KEY")

# What the replayed model answers, per schema. The rewrite invents "40 customers" (not in the draft):
# the invented-claim guard must replace it with a slot and the app must show that finding.
ANSWERS: dict[str, dict[str, Any]] = {
    "RewriteAnswer": {
        "text": "Could we talk about CSV export for 40 customers by March 15? "
        "[needs: who is asking for this?] What am I missing?",
        "changes": [{"description": "Asked instead of told", "reason": "Invites engineering's view."}],
    },
    "QuestionsAnswer": {
        "questions": [
            {"category": "complexity-drivers", "text": "Which columns does the export need?"},
            {"category": "smaller-version", "text": "Would exporting the current view be enough first?"},
        ]
    },
    "ComplexityAnswer": {
        "flags": [
            {
                "category": "import-export",
                "title": "Large exports",
                "trigger": "CSV export",
                "why": "Big tables may need streaming or a background job.",
                "question": "How many rows can an export hold?",
                "smaller_version": "Export only the visible page first.",
            }
        ]
    },
}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (*KEY_VARS, "ASSISTANT_PROVIDER", "ASSISTANT_MODEL", "ASSISTANT_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ASSISTANT_CACHE_DIR", str(tmp_path / "cache"))


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def texts(at: AppTest) -> str:
    """Everything the page shows as text, joined (markdown, captions, alerts, code)."""
    parts: list[str] = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "code", "subheader"):
        parts += [str(el.value) for el in getattr(at, kind)]
    parts += [el.label for el in at.expander]
    return "\n".join(parts)


def type_draft(at: AppTest, draft: str = DRAFT) -> None:
    at.text_area(key="draft").input(draft)
    at.run()


def test_first_load_is_offline_with_no_key() -> None:
    at = start()
    assert at.selectbox(key="provider").value == "offline"
    assert "Works with no key" in texts(at)
    assert at.button(key="run_rewrite_result").disabled  # nothing to run yet


def test_invalid_environment_is_a_warning_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_PROVIDER", "gpt")
    at = start()
    assert any(w.value.startswith("ASSISTANT_PROVIDER is invalid") for w in at.warning)
    type_draft(at)
    assert not at.exception and ">Can we just</mark>" in texts(at)


def test_rewrite_page_offline_end_to_end() -> None:
    at = start()
    at.toggle(key="live").set_value(False).run()  # only the button runs it
    type_draft(at)
    assert "How it may land" not in texts(at)
    started = time.perf_counter()
    at.button(key="run_rewrite_result").click().run()
    elapsed = time.perf_counter() - started
    assert not at.exception
    shown = texts(at)

    # the finding, highlighted inline with its reason as a tooltip, and explained in an expander
    assert '<mark title="error: &#x27;Can we just&#x27; frames the request' in shown
    assert ">Can we just</mark>" in shown
    assert any("“Can we just”" in e.label for e in at.expander)
    assert "Would it be possible to…" in shown
    # the rewrite beside the original, the slots marked, the word diff, the copyable text
    rewrite = at.code[0].value
    assert rewrite.startswith("Could we add CSV export by March 15?")
    assert "[needs: who is asking for this, and who will use it?]" in rewrite
    assert "font-weight:600;border:1px dashed" in shown and ">[needs: " in shown
    assert "<del " in shown and "<ins " in shown
    assert "Fill in 6 [needs: …] slots" in shown
    # missing context invites the PM to fill the fields and re-run; questions and flags; guards
    assert "Fill these in the context fields and run again" in shown
    assert "**Complexity drivers**" in shown and "**A smaller version**" in shown
    assert "**Import or export**" in shown
    assert "A smaller first version:** Export one fixed set of columns" in shown
    assert "Guards passed" in shown
    assert "Offline result in" in shown
    # the offline engine's own time (shown on the page) and the whole click-to-render, with room for a busy CI
    shown_ms = int(re.search(r"Offline result in (\d+) ms", shown).group(1))  # type: ignore[union-attr]
    assert shown_ms < 500
    assert elapsed < 3.0

    download = at.get("download_button")[0]
    assert "Download the whole result" in download.proto.label
    assert at.text_area(key="draft").value == DRAFT


def test_offline_updates_as_the_pm_types() -> None:
    at = start()
    type_draft(at)  # no click: the live toggle is on by default
    assert ">Can we just</mark>" in texts(at)
    type_draft(at, "Please add CSV export. Should be easy.")
    assert "Can we just" not in texts(at)


def test_context_fields_fill_the_slots() -> None:
    at = start()
    type_draft(at)
    assert "[needs: who is asking for this, and who will use it?]" in at.code[0].value
    at.text_input(key="ctx_who").input("the finance team at Acme")
    at.text_input(key="ctx_problem").input("they copy tables into spreadsheets by hand")
    at.radio(key="ctx_flex").set_value("It cannot move")
    at.run()
    rewrite = at.code[0].value
    assert "- Who needs it: the finance team at Acme" in rewrite
    assert "[needs: who is asking" not in rewrite
    assert "- The date can move: no" in rewrite
    assert "**Who needs it**" not in texts(at)  # no longer listed as missing


def test_user_text_is_html_escaped() -> None:
    at = start()
    type_draft(at, 'Can we just <script>alert("x")</script> add <b>export</b> for $5 and $6? Should be simple.')
    shown = "\n".join(str(m.value) for m in at.markdown)
    assert "<script>" not in shown and "<b>export" not in shown
    assert "&lt;script&gt;" in shown and "&#36;5" in shown


def load_app_module() -> Any:
    """app.py as a module, without running the page (main() runs only as __main__)."""
    spec = importlib.util.spec_from_file_location("pm_app", APP)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_highlight_escapes_text_and_titles() -> None:
    app = load_app_module()
    text = 'a <b>"x"</b> & $1\nnext'
    marks = [app.Mark(2, 5, "#fff", 'why <"quoted">'), app.Mark(3, 9, "#fff", "overlap: dropped")]
    out = app.highlight(text, marks)
    assert out == (
        'a <mark title="why &lt;&quot;quoted&quot;&gt;" style="background:#fff;padding:0 2px;'
        'border-radius:3px;">&lt;b&gt;</mark>&quot;x&quot;&lt;/b&gt; &amp; &#36;1<br>next'
    )


def test_word_diff_groups_replaced_words_and_ignores_whitespace() -> None:
    app = load_app_module()
    out = app.word_diff("Can we just add it?\nThanks", "Could we add it?\n\nThanks <3")
    assert out == (
        '<del style="background:#ffe0e0;color:#a00">Can </del>'
        '<ins style="background:#dcf5dc;color:#060;text-decoration:none">Could </ins>we '
        '<del style="background:#ffe0e0;color:#a00">just </del>add it?<br><br>Thanks '
        '<ins style="background:#dcf5dc;color:#060;text-decoration:none">&lt;3</ins>'
    )


def test_markdown_download_holds_the_whole_result() -> None:
    from assistant.schemas import PMContext
    from assistant.tasks.drafts import run_analyze

    app = load_app_module()
    context = PMContext(who="the finance team", deadline_flexible=False)
    md = app.report_markdown(DRAFT, context, run_analyze(DRAFT, context))
    for part in (
        "> Can we just add CSV export by March 15? Should be simple.",
        "# Context given\n\nWho needs it: the finance team\nDeadline can move: no",
        "# Rewritten draft\n\nCould we add CSV export by March 15?",
        "- Who needs it: the finance team",
        "[needs: what problem does this solve for them today?]",
        "\n## Trust-damaging phrases",
        "\n### Import or export (`import-export`)",
        "\n### Complexity drivers",
        "# Guard findings\n\nNone: every guard passed.",
    ):
        assert part in md


def test_review_page_offline_keeps_the_draft() -> None:
    at = start()
    type_draft(at)
    at.radio(key="page").set_value("Prepare for a design review").run()
    assert at.text_area(key="draft").value == DRAFT  # the draft follows the PM across pages
    at.button(key="run_review_result").click().run()
    assert not at.exception
    shown = texts(at)
    assert ">Can we just</mark>" in shown
    assert "Possible complexity (Import or export)" in shown  # the trigger highlighted in the draft
    for title in (
        "Complexity drivers",
        "Trade-offs",
        "A smaller version",
        "Risks and unknowns",
        "Dependencies",
    ):
        assert f"**{title}**" in shown
    assert "Ask engineering to confirm:** Which formats and fields are needed" in shown
    assert "Likely complexity (1)" in shown
    at.radio(key="page").set_value("Rewrite a draft").run()
    at.radio(key="page").set_value("Rehearse a scope change").run()
    at.radio(key="page").set_value("Rewrite a draft").run()
    assert at.text_area(key="draft").value == DRAFT
    assert not at.exception


# ---------------------------------------------------------------- the LLM path, replayed
def schema_name(request: httpx.Request) -> str:
    body = json.loads(request.content)
    if "tool_choice" in body:
        return body["tool_choice"]["name"]
    return body["response_format"]["json_schema"]["name"]


def replay(provider: str) -> tuple[respx.Router, respx.Route]:
    router = respx.Router(assert_all_called=False)

    def answer(request: httpx.Request) -> httpx.Response:
        name = schema_name(request)
        if provider == "anthropic":
            return httpx.Response(200, json=anthropic_message(ANSWERS[name], tool_name=name))
        return httpx.Response(200, json=openai_chat_completion(ANSWERS[name]))

    route = router.post(ANTHROPIC_URL if provider == "anthropic" else OPENAI_URL).mock(side_effect=answer)
    return router, route


def with_provider(provider: str, router: respx.Router, key: str | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if key:
        at.secrets["ANTHROPIC_API_KEY" if provider == "anthropic" else "OPENAI_API_KEY"] = key
    at.session_state[HOOKS_KEY] = {"http_client": lambda: client_for(router), "sleep": lambda s: None}
    at.run()
    at.selectbox(key="provider").set_value(provider).run()
    assert not at.exception
    return at


@pytest.mark.parametrize(("provider", "key"), [("openai", OPENAI_KEY), ("anthropic", ANTHROPIC_KEY)])
def test_llm_rewrite_replayed(provider: str, key: str) -> None:
    router, route = replay(provider)
    at = with_provider(provider, router, key)
    type_draft(at)
    shown = texts(at)
    assert "Key found (secrets" in shown
    assert "Before sending: " in shown and "prompt tokens in 3 calls" in shown
    assert "How it may land" not in shown  # LLM runs only on the button, never as the PM types
    assert not route.calls

    at.button(key="run_rewrite_result").click().run()
    assert not at.exception
    assert len(route.calls) == 3
    sent = route.calls[0].request.headers
    assert key in sent.get("authorization", "") + sent.get("x-api-key", "")  # the key from st.secrets
    shown = texts(at)
    rewrite = at.code[0].value
    assert rewrite.startswith("Could we talk about CSV export for [needs:")  # "40" became a slot
    assert "40 customers" not in rewrite
    assert "The guards found" in shown and "**invented-claim** (repaired, rewrite" in shown
    assert "“40”" in shown
    assert "Which columns does the export need?" in shown
    assert "**Large exports**" in shown and "(model)" in shown
    assert f"Using {provider} with model" in shown
    assert "rewrite: " in shown and "tokens" in shown
    assert key not in shown  # the key is never displayed


def test_llm_review_page_replayed_calls_two_chains() -> None:
    router, route = replay("openai")
    at = with_provider("openai", router, OPENAI_KEY)
    at.radio(key="page").set_value("Prepare for a design review").run()
    type_draft(at)
    assert "prompt tokens in 2 calls" in texts(at)
    at.button(key="run_review_result").click().run()
    assert not at.exception
    assert sorted(schema_name(c.request) for c in route.calls) == ["ComplexityAnswer", "QuestionsAnswer"]
    assert "Would exporting the current view be enough first?" in texts(at)


def test_provider_error_is_one_message_and_the_draft_stays() -> None:
    router = respx.Router(assert_all_called=False)
    router.post(OPENAI_URL).mock(
        return_value=httpx.Response(401, json=openai_error("Incorrect API key provided", type="invalid_api_key"))
    )
    at = with_provider("openai", router, OPENAI_KEY)
    at.text_input(key="ctx_who").input("the finance team")
    type_draft(at)
    at.button(key="run_rewrite_result").click().run()
    assert not at.exception
    assert len(at.error) == 1
    assert (
        at.error[0].value == "OpenAI rejected the API key (HTTP 401): check OPENAI_API_KEY holds a valid, active key."
    )
    assert "Your draft and context are kept" in texts(at)
    assert at.text_area(key="draft").value == DRAFT
    assert at.text_input(key="ctx_who").value == "the finance team"
    assert not at.code  # no stale or partial result

    # switching to offline and re-running recovers with the same draft
    at.selectbox(key="provider").set_value("offline").run()
    at.button(key="run_rewrite_result").click().run()
    assert not at.error and ">Can we just</mark>" in texts(at)


def test_missing_key_is_reported_not_raised() -> None:
    router = respx.Router(assert_all_called=True)
    at = with_provider("anthropic", router, None)
    assert "No key: set ANTHROPIC_API_KEY" in texts(at)
    type_draft(at)
    assert "prompt tokens in 3 calls" in texts(at)  # counting needs no key
    at.button(key="run_rewrite_result").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any(e.startswith("No API key for Anthropic: set ANTHROPIC_API_KEY") for e in errors)
    assert at.text_area(key="draft").value == DRAFT


def test_compatible_server_without_base_url_explains() -> None:
    router = respx.Router(assert_all_called=True)
    at = with_provider("openai-compatible", router, None)
    type_draft(at)
    at.button(key="run_rewrite_result").click().run()
    assert not at.exception
    assert any("needs ASSISTANT_BASE_URL" in e.value for e in at.error)


# ---------------------------------------------------------------- the scope-change rehearsal
ORIGINAL = "CSV export of the reports page: one fixed set of columns, for March 15."
CHANGE = "Sales now wants Excel export too, and scheduled emails. Just a minor tweak, shouldn't affect the timeline."
OPENING = (
    "Something has changed that might affect the sprint. Sales asked for Excel export and scheduled "
    "emails for the Acme renewal. What would this do to the sprint?"
)
SCOPE_ANSWERS: dict[str, dict[str, Any]] = {
    "BriefAnswer": {
        "what_changed": "Sales now also wants Excel export and scheduled emails.",
        "why": "Sales, for the Acme renewal.",
        "unknowns": ["What the change does to this sprint."],
        "questions": [
            {"topic": "components", "text": "Which parts of the export does this touch?"},
            {"topic": "rework", "text": "What of the CSV work would be redone?"},
            {"topic": "sprint-risk", "text": "What does this put at risk this sprint?"},
            {"topic": "smaller-alternative", "text": "Would Excel alone, without schedules, help first?"},
        ],
        "opening_line": "Something changed; I want to understand the impact before I tell anyone.",
    },
    "StakeholderAnswer": {
        "change": "Sales also asked for Excel export and scheduled emails.",
        "impact": "We are assessing the impact with engineering. [impact: what it changes in the sprint]",
        "options": [{"option": "Take it in now", "trade_off": "[trade-off: what moves]"}],
        "decision_needed": "Which option to take.",
    },
    "LeadTurnAnswer": {
        "text": "Thanks for telling me first. How much of the CSV work is affected?",
        "concern": "rework",
    },
    "DebriefAnswer": {
        "items": [
            {
                "criterion": "asked-before-asserting",
                "score": 2,
                "evidence": ["What would this do to the sprint?"],
                "explanation": "Asked about the impact first.",
            }
        ],
        "summary": "A calm, curious opening.",
        "next_time": ["Offer two options with their trade-offs."],
    },
}


def fill_scope(at: AppTest) -> None:
    at.radio(key="page").set_value("Rehearse a scope change").run()
    at.text_area(key="scope_original").input(ORIGINAL)
    at.text_area(key="scope_change").input(CHANGE)
    at.text_input(key="scope_who_why").input("Sales, for the Acme renewal")
    at.text_input(key="scope_changed_before").input("1")
    at.run()


def test_rehearsal_page_offline_end_to_end() -> None:
    at = start()
    fill_scope(at)
    at.button(key="run_scope_result").click().run()
    assert not at.exception
    shown = texts(at)
    # the brief: opening line, the minimising phrase flagged in the change note, questions, flags
    assert "Talk to the engineering lead first" in shown
    assert "already changed during the sprint" in shown  # moving target (changed once before)
    assert ">Just a minor tweak</mark>" in shown and ">shouldn&#x27;t affect the timeline</mark>" in shown
    assert "1. Which parts of the system does this change touch?" in shown
    assert "**Scheduled or background work**" in shown
    # the stakeholder message with visible slots, copyable, and the consistency check
    message = at.code[0].value
    assert "[impact: " in message and "[trade-off: " in message
    assert ">[impact: " in shown
    assert "Consistency check passed" in shown

    at.button(key="start_rehearsal").click().run()
    assert "Try opening with:" in texts(at)
    at.chat_input(key="pm_line").set_value(OPENING).run()
    at.chat_input(key="pm_line").set_value("It's just a small change, can you squeeze it in?").run()
    assert not at.exception
    speakers = [m.name for m in at.chat_message]
    assert speakers == ["user", "assistant", "user", "assistant"]
    lead = "\n".join(str(m.value) for m in at.chat_message[3].markdown)
    assert "worries me" in lead  # the scripted lead pushes back on "just a small change"

    at.button(key="end_rehearsal").click().run()
    assert not at.exception
    shown = texts(at)
    assert "Debrief" in shown
    assert "**Asked before asserting** ●● 2/2" in shown
    assert "**Did not bargain the estimate or trivialise** ○○ 0/2" in shown
    assert "> squeeze it in" in shown  # the PM's own words as evidence
    assert [m.value for m in at.metric][:1] == ["4/10"]
    assert not at.chat_input  # the role-play has ended

    at.button(key="reset_rehearsal").click().run()
    assert not at.chat_message and at.text_area(key="scope_change").value == CHANGE


def test_rehearsal_replayed_with_a_provider_error_mid_conversation() -> None:
    router = respx.Router(assert_all_called=False)
    failing = {"on": False}

    def answer(request: httpx.Request) -> httpx.Response:
        if failing["on"]:
            return httpx.Response(401, json=openai_error("Incorrect API key", type="invalid_api_key"))
        return httpx.Response(200, json=openai_chat_completion(SCOPE_ANSWERS[schema_name(request)]))

    route = router.post(OPENAI_URL).mock(side_effect=answer)
    at = with_provider("openai", router, OPENAI_KEY)
    fill_scope(at)
    assert "prompt tokens in 2 calls (brief, then stakeholder message)" in texts(at)
    at.button(key="run_scope_result").click().run()
    assert not at.exception
    assert "Which parts of the export does this touch?" in texts(at)
    assert "[impact: what it changes in the sprint]" in at.code[0].value

    at.button(key="start_rehearsal").click().run()
    assert "prompt tokens in 1 call for your next line" in texts(at)
    at.chat_input(key="pm_line").set_value(OPENING).run()
    assert "How much of the CSV work is affected?" in texts(at)

    failing["on"] = True
    at.chat_input(key="pm_line").set_value("Could we ship Excel first and schedules later?").run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert errors == ["OpenAI rejected the API key (HTTP 401): check OPENAI_API_KEY holds a valid, active key."]
    assert "Could we ship Excel first and schedules later?" in [c.value for c in at.code]  # the unsent line
    assert len(at.chat_message) == 2  # the failed line did not enter the transcript

    failing["on"] = False
    at.button(key="end_rehearsal").click().run()
    assert not at.exception and not at.error
    shown = texts(at)
    assert "Model score" in [m.label for m in at.metric]
    assert "_model_" in shown and "A calm, curious opening." in shown
    names = [schema_name(c.request) for c in route.calls]
    assert names[:3] == ["BriefAnswer", "StakeholderAnswer", "LeadTurnAnswer"] and names[-1] == "DebriefAnswer"
