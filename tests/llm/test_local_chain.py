"""End to end against a REAL local OpenAI-compatible server (llama-cpp-python running SmolLM2-135M).

The model is small and weak; what is tested is that the whole path works (prompt file → provider →
grammar-constrained JSON → schema → guards) and that the guards leave nothing invented, no estimate and
no trust-damaging phrase in what the PM would see, whatever the model wrote.
"""

from __future__ import annotations

import pytest

from assistant.checks.guards import find_estimates, find_invented_claims
from assistant.checks.lint import find_trust_phrases
from assistant.checks.offline import analyze
from assistant.evaluation.local_server import LOCAL_MODEL_ALIAS, running_local_server
from assistant.llm.chains import TASKS, hints_for
from assistant.llm.prompt_files import load_prompt
from assistant.llm.providers.compatible import CompatibleProvider
from assistant.schemas import COMPLEXITY_CATEGORIES
from assistant.tasks.drafts import run_analyze, run_task

pytestmark = pytest.mark.slow

DRAFT = (
    "Can we just add CSV export of projects by March 15? Should be simple. "
    "Acme's finance team asked for it because they copy the table by hand."
)


@pytest.fixture(scope="module")
def provider():
    with running_local_server() as base_url:
        yield CompatibleProvider(
            base_url=base_url, model=LOCAL_MODEL_ALIAS, max_output_tokens=1024, timeout=300, max_attempts=1
        )


def test_rewrite_through_the_real_local_server_is_guarded(provider):
    result = run_task("rewrite", DRAFT, provider=provider)
    assert result.engine == "llm" and result.provider == "openai-compatible"
    assert result.prompt_version == load_prompt("rewrite").version
    assert result.tokens.prompt_tokens and result.tokens.prompt_tokens > 0
    text = result.result.text
    assert not [f for f in find_trust_phrases(text) if f.severity != "suggestion"]
    sources = [DRAFT, hints_for(analyze(DRAFT), TASKS["rewrite"].hints)]
    assert find_invented_claims(text, sources) == []
    assert not set(find_estimates(text)) - set(find_estimates(DRAFT))


def test_complexity_flags_from_the_real_local_server_use_known_categories(provider):
    result = run_task("complexity", DRAFT, provider=provider)
    for flag in result.result.flags:
        assert flag.category in COMPLEXITY_CATEGORIES
        assert not find_estimates(" ".join((flag.why, flag.question, flag.smaller_version)))


def test_analyze_through_the_real_local_server_returns_every_part(provider):
    report = run_analyze(DRAFT, provider=provider)
    assert report.engine == "llm"
    assert report.analysis.findings  # the offline pass is part of every report
    for part in (report.rewrite, report.questions, report.complexity):
        assert part.engine == "llm" and part.prompt_version
