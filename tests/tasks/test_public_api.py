"""The small public API: offline by default, the same result types as every other surface."""

from __future__ import annotations

import subprocess
import sys

import assistant
from assistant.tasks.scope import ScopeChangeInput

DRAFT = "Can we just add CSV export by March 15? Should be simple."


def test_task_functions_answer_offline_by_default():
    assert assistant.rewrite(DRAFT).result.slots
    assert assistant.questions(DRAFT).result.questions
    assert [f.category for f in assistant.complexity(DRAFT).result.flags] == ["import-export"]
    for result in (assistant.rewrite(DRAFT), assistant.questions(DRAFT), assistant.complexity(DRAFT)):
        assert result.engine == "offline"


def test_scope_change_returns_brief_draft_and_consistency_check():
    result = assistant.scope_change(
        ScopeChangeInput(original="CSV export of active projects.", change="Just a minor tweak: add archived ones.")
    )
    assert result.brief.result.questions and "[impact:" in result.stakeholder.result.text
    assert result.consistency.result is not None


def test_importing_the_package_loads_no_model_code():
    code = "import sys, assistant; print([m for m in ('openai', 'anthropic', 'langchain_core') if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
