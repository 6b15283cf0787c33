"""Every command puts its result alone on stdout, in every format, and its notices on stderr; every
subcommand's help has a one-line description, an example and the exit-code rule."""

from __future__ import annotations

import argparse
import importlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import respx
from cli_replay import OPENAI_URL, openai_route, use_replay
from scope_demo import DEMO_INPUT

from assistant.cli.main import build_parser, main
from assistant.cli.options import PROVIDER_CHOICES
from assistant.evaluation.replay import openai_chat_completion

ROOT = Path(__file__).resolve().parents[2]
DRAFT = "Can we just add CSV export by March 15? Should be simple.\n"
OFFLINE_NOTICE = "assistant: No provider chosen and no API key found"
SCOPE = ["--original-text", DEMO_INPUT.original, "--change-text", DEMO_INPUT.change]
OPENING = "Something has changed that might affect the sprint. Finance asked for archived projects."

# (command, formats, exit code) for the draft commands: only lint and analyze judge the draft (exit 1).
DRAFT_COMMANDS = [
    ("lint", ("text", "json"), 1),
    ("ambiguity", ("text", "json"), 0),
    ("context", ("text", "json"), 0),
    ("complexity", ("text", "json", "markdown"), 0),
    ("questions", ("text", "json", "markdown"), 0),
    ("rewrite", ("text", "json", "markdown"), 0),
    ("analyze", ("text", "json", "markdown"), 1),
]
TASKS_WITH_NOTICE = {"complexity", "questions", "rewrite", "analyze"}
CASES = [pytest.param(c, f, code, id=f"{c}-{f}") for c, formats, code in DRAFT_COMMANDS for f in formats]


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "ASSISTANT_PROVIDER", "ASSISTANT_MODEL", "ASSISTANT_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ASSISTANT_CACHE_DIR", str(tmp_path / "cache"))


def assert_result_alone(out: str, fmt: str) -> None:
    """stdout holds the result and nothing else: JSON parses whole, Markdown opens with a heading."""
    assert out.strip(), "nothing on stdout"
    if fmt == "json":
        json.loads(out)  # the notice may be a field of the object, but nothing is printed around it
        return
    assert "assistant:" not in out and "No provider chosen" not in out and "Offline engine:" not in out
    if fmt == "markdown":
        assert out.startswith("# "), out[:80]


@pytest.mark.parametrize(("command", "fmt", "code"), CASES)
def test_draft_commands_print_the_result_alone_on_stdout_and_notices_on_stderr(
    command: str, fmt: str, code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, "--text", DRAFT, "--format", fmt]) == code
    out, err = capsys.readouterr()
    assert_result_alone(out, fmt)
    assert err == (f"{err.splitlines()[0]}\n" if command in TASKS_WITH_NOTICE else "")
    if command in TASKS_WITH_NOTICE:
        assert err.startswith(OFFLINE_NOTICE)


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_scope_change_prints_the_result_alone_on_stdout(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scope-change", *SCOPE, "--format", fmt]) == 0
    out, err = capsys.readouterr()
    assert_result_alone(out, fmt)
    assert err.startswith(OFFLINE_NOTICE) and err.count("\n") == 1


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_rehearse_keeps_prompts_tips_and_notices_off_stdout(
    fmt: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{OPENING}\n/end\n"))
    assert main(["rehearse", *SCOPE, "--format", fmt]) == 0
    out, err = capsys.readouterr()
    assert_result_alone(out, fmt)
    assert "tip, an opening that keeps trust" in err and OFFLINE_NOTICE in err
    if fmt == "text":
        assert out.startswith(f"you> {OPENING}\nlead> ") and "\nDebrief\n" in out
    else:
        assert "lead> " in err  # the conversation is shown, but not where the JSON goes


def test_eval_prints_the_scorecard_on_stdout_and_the_report_path_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "eval.md"
    assert main(["eval", "--task", "rewrite", "--case", "drive*", "--report", str(report)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("Eval suite: ") and str(report) not in out
    assert err == f"assistant: report written to {report}\n" and report.exists()


def test_a_model_result_opens_with_the_model_that_wrote_it_and_nothing_goes_to_stderr(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    router = respx.Router()
    use_replay(monkeypatch, router, tmp_path)
    openai_route(router)
    assert main(["scope-change", *SCOPE, "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["engine"] == "llm" and err == ""


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_lint_through_a_model_adds_its_verified_findings_on_stdout_and_names_the_model_on_stderr(
    fmt: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    router = respx.Router()
    use_replay(monkeypatch, router, tmp_path)
    answer = {
        "findings": [
            {"category": "deadline-rigidity", "quote": "by March 15", "why": "It fixes the date."},
            {"category": "blame", "quote": "engineering is slow", "why": "Not in the draft."},
        ]
    }
    router.post(OPENAI_URL).mock(return_value=httpx.Response(200, json=openai_chat_completion(answer)))
    assert main(["lint", "--text", DRAFT, "--format", fmt]) == 1  # the rules' error-level phrase still decides
    out, err = capsys.readouterr()
    assert_result_alone(out, fmt)
    assert "deadline-rigidity.model" in out and "engineering is slow" not in out
    assert err.startswith("assistant: model findings from openai gpt-") and "prompt sha256:" in err
    assert 'quote: "engineering is slow" (repaired). The quote is not the draft\'s exact words' in err


def test_lint_keeps_the_offline_findings_when_the_model_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    router = respx.Router()
    use_replay(monkeypatch, router, tmp_path)
    router.post(OPENAI_URL).mock(return_value=httpx.Response(401, json={"error": {"message": "bad key"}}))
    assert main(["lint", "--text", DRAFT]) == 1
    out, err = capsys.readouterr()
    assert "trivializing" in out and ".model" not in out
    assert err.startswith("assistant: the model's trust check failed, offline findings only: ")


def test_the_commit_hook_never_sends_a_file_to_a_model() -> None:
    import yaml

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["entry"] == "assistant lint" and hook["args"] == ["--provider", "offline"]


def test_analyze_markdown_redirected_to_a_file_starts_with_the_report(tmp_path: Path) -> None:
    """The README's `assistant analyze draft.txt --format markdown > out.md`, through a real shell."""
    (tmp_path / "draft.txt").write_text(DRAFT, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ANTHROPIC_", "ASSISTANT_"))}
    command = f"{sys.executable} -m assistant analyze draft.txt --format markdown > out.md"
    done = subprocess.run(command, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1  # the draft has error-level phrases
    assert (tmp_path / "out.md").read_text(encoding="utf-8").startswith("# Draft analysis\n")
    assert done.stderr.startswith(OFFLINE_NOTICE)


def test_text_given_on_the_command_line_is_checked_like_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--text", "   "]) == 2
    assert "--text: the text is empty" in capsys.readouterr().err
    assert main(["lint", "draft.txt", "--text", DRAFT]) == 2
    assert "not both" in capsys.readouterr().err
    assert main(["lint", "--text", DRAFT]) == 1
    assert capsys.readouterr().out.startswith("--text:1:1: error trivializing.can-we-just")


# ---------------------------------------------------------------- help and the parser
def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_every_subcommand_help_has_a_description_an_example_and_the_exit_codes(name: str) -> None:
    text = subcommands()[name].format_help()
    parser = subcommands()[name]
    assert parser.description and parser.description.endswith(".")
    example = text.split("Example:\n", 1)[1].splitlines()[0].strip()
    assert example.startswith(f"assistant {name}")
    assert "Exit codes" in text and "2    a usage, input or provider error" in text


def test_every_command_that_can_call_a_model_takes_the_same_model_options() -> None:
    model_options = {"--provider", "--model", "--base-url", "--no-cache", "--confidential"}
    for name in ("lint", "complexity", "questions", "rewrite", "analyze", "scope-change", "rehearse"):
        options = {s for a in subcommands()[name]._actions for s in a.option_strings}
        assert model_options <= options, name
        assert "--format" in options


def test_the_parser_is_built_from_command_modules_with_register() -> None:
    cli_main = importlib.import_module("assistant.cli.main")
    assert all(callable(getattr(m, "register", None)) for m in cli_main.COMMAND_MODULES)
    assert {"lint", "rewrite", "scope-change", "rehearse", "eval"} <= set(subcommands())


def test_provider_choices_match_the_settings() -> None:
    from assistant.llm.settings import PROVIDER_NAMES

    assert set(PROVIDER_CHOICES) == set(PROVIDER_NAMES)


def test_no_command_left_prints_usage_on_stderr_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("usage: assistant")
