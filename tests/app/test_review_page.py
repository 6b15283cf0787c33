"""The design-review page, headless: a compact summary beside the draft, questions and flags below; offline
and with the two chains replayed; the draft follows the PM across pages."""

from __future__ import annotations

import pytest
from app_helpers import DRAFT, KEYS, open_page, replay, schema_name, start, texts, type_draft, with_provider


def test_review_page_offline_summary_then_details_and_the_draft_stays() -> None:
    at = start()
    type_draft(at)
    open_page(at, "review")
    assert at.text_area(key="draft").value == DRAFT  # the draft follows the PM across pages
    at.button(key="run_review_result").click().run()
    assert not at.exception
    shown = [str(m.value) for m in at.markdown]
    assert shown.index("#### Summary") < shown.index("#### Details") < shown.index("#### Questions to ask")
    summary = "\n".join(shown[shown.index("#### Summary") : shown.index("#### Details")])
    assert "questions to ask** in 5 themes: Complexity drivers, Trade-offs, A smaller version" in summary
    assert "**Likely complexity** (1): “Import or export”" in summary
    page = texts(at)
    assert ">Can we just</mark>" in page
    assert "Possible complexity (Import or export)" in page  # the trigger highlighted in the draft
    for title in ("Complexity drivers", "Trade-offs", "A smaller version", "Risks and unknowns", "Dependencies"):
        assert f"**{title}**" in page
    assert "Ask engineering to confirm:** Which formats and fields are needed" in page
    assert "#### Likely complexity (1)" in page
    legend = shown[0]
    for entry in ("error", "warning", "suggestion", "vague term", "possible complexity"):
        assert f">{entry}</mark>" in legend
    open_page(at, "rehearse")
    open_page(at, "rewrite")
    assert at.text_area(key="draft").value == DRAFT
    assert not at.exception


def test_llm_review_page_replayed_calls_two_chains(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(*KEYS["openai"])
    router, route = replay("openai")
    at = with_provider("openai", router, "review")
    type_draft(at)
    assert "prompt tokens in 2 calls" in texts(at)
    at.button(key="run_review_result").click().run()
    assert not at.exception
    assert sorted(schema_name(c.request) for c in route.calls) == ["ComplexityAnswer", "QuestionsAnswer"]
    assert "Would exporting the current view be enough first?" in texts(at)
    assert "**Likely complexity** (1): “Large exports”" in texts(at)


def test_review_page_with_a_missing_key_runs_offline() -> None:
    router, route = replay("anthropic")
    at = with_provider("anthropic", router, "review")
    type_draft(at)
    assert at.button(key="run_review_result").label == "Run offline instead"
    at.button(key="run_review_result").click().run()
    assert not route.calls and not at.error
    assert any("**Anthropic needs an API key**, so this is the offline result." in i.value for i in at.info)
    assert "#### Questions to ask" in texts(at)
