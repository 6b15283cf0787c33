"""`PromptSpec.render` fills prompts exactly as the langchain-core template would, without importing it."""

from __future__ import annotations

import string
import subprocess
import sys

import pytest

from assistant.llm.prompt_files import PROMPTS_DIR, load_prompt

NAMES = sorted(p.stem for p in PROMPTS_DIR.glob("*.md"))
TRICKY = "a {brace} }} {{ and <draft> tags, 100% \\n"


@pytest.mark.parametrize("name", NAMES)
def test_render_matches_the_langchain_template(name: str) -> None:
    prompt = load_prompt(name)
    fields = {f for part in (prompt.system, prompt.user) for _, f, _, _ in string.Formatter().parse(part) if f}
    variables = {field: f"{field}: {TRICKY}" for field in fields}
    messages = prompt.chat_template().format_messages(**variables)
    assert prompt.render(**variables) == (messages[0].content, messages[1].content)


def test_rendering_imports_no_langchain() -> None:
    code = (
        "import sys; from assistant.llm.prompt_files import load_prompt; "
        "load_prompt('rewrite').render(draft='d', context='c', hints='h'); "
        "print(any(m.startswith(('langchain', 'langsmith')) for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
