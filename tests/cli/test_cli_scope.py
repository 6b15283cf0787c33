"""The `scope-change` and `rehearse` commands: offline end to end (in process and as a subprocess with piped
stdin), text inputs, one-line errors, no score without PM lines, and a replayed model run."""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import respx
from cli_replay import BRIEF_ANSWER, OPENAI_URL, STAKEHOLDER_ANSWER
from scope_demo import DEMO_INPUT

from assistant.cli.main import main
from assistant.cli.scope import register
from assistant.evaluation.replay import client_for, openai_chat_completion
from assistant.tasks import drafts as engine
from assistant.tasks.rehearsal import Debrief, Rehearsal, RehearsalState
from assistant.tasks.scope import ScopeChangeResult

ROOT = Path(__file__).resolve().parents[2]
OPENING = "Something has changed that might affect the sprint. I want to understand the impact first."


@pytest.fixture(autouse=True)
def no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "ASSISTANT_PROVIDER", "ASSISTANT_MODEL", "ASSISTANT_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def files(tmp_path: Path) -> list[str]:
    original, change = tmp_path / "original.txt", tmp_path / "change.txt"
    original.write_text(DEMO_INPUT.original, encoding="utf-8")
    change.write_text(DEMO_INPUT.change, encoding="utf-8")
    return ["--original", str(original), "--change", str(change)]


def run_rehearse(monkeypatch: pytest.MonkeyPatch, args: list[str], stdin: str) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(["rehearse", *args])


def subprocess_run(args: list[str], stdin: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ANTHROPIC_", "ASSISTANT_"))}
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def test_register_adds_scope_change_and_rehearse_to_any_parser() -> None:
    parser = argparse.ArgumentParser(prog="assistant")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["rehearse", "--original", "o", "--change", "c", "--persona", "overloaded"])
    assert args.command == "rehearse" and args.persona == "overloaded" and callable(args.handler)
    args = parser.parse_args(["scope-change", "--original", "o", "--change", "c", "--changed-before", "2"])
    assert args.command == "scope-change" and args.format == "text" and args.changed_before == "2"


# ---------------------------------------------------------------- scope-change
def test_scope_change_offline_prints_the_brief_the_draft_and_the_consistency_check(
    files: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scope-change", *files, "--who-why", "Finance asked, for the audit."]) == 0
    out, err = capsys.readouterr()
    assert "Brief for the engineering lead (engine: offline)" in out
    assert 'Open with: "Something has changed that might affect the sprint.' in out
    assert '"Just a minor tweak to the spec" (minimizing-change.minor-tweak)' in out
    assert "Questions to assess the impact together:" in out
    assert "Stakeholder message draft" in out and "[impact:" in out and "[trade-off:" in out
    assert "Consistency check of the message against the brief\n  No problems" in out
    assert "offline engine" in err and "offline engine" not in out


def test_scope_change_json_is_a_scope_change_result(files: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scope-change", *files, "--changed-before", "2", "--sprint", "Ends May 10.", "--format", "json"]) == 0
    result = ScopeChangeResult.model_validate_json(capsys.readouterr().out)
    assert result.engine == "offline"
    assert result.inputs.changed_before == 2 and result.brief.result.moving_target
    assert result.inputs.sprint == "Ends May 10."
    assert result.consistency.result.findings == []


def test_scope_change_markdown_has_a_section_per_part(files: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scope-change", *files, "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    for heading in ("# Scope change", "## Brief for the engineering lead", "## Stakeholder message draft"):
        assert heading in out
    assert "## Consistency check\n\nNo problems found." in out


def test_scope_change_reads_one_input_from_stdin(
    files: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Add archived projects to the export.")))
    assert main(["scope-change", files[0], files[1], "--change", "-", "--format", "json"]) == 0
    assert ScopeChangeResult.model_validate_json(capsys.readouterr().out).inputs.change.startswith("Add archived")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--original", "/no/such/file.txt"], "/no/such/file.txt: no such file"),
        (["--provider", "openai"], "No API key for OpenAI: set OPENAI_API_KEY"),
        (["--provider", "openai-compatible"], "needs ASSISTANT_BASE_URL"),
    ],
)
def test_scope_change_errors_are_one_line_on_stderr_with_exit_2(
    files: list[str], extra: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scope-change", *files, *extra]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and message in captured.err and "Traceback" not in captured.err


def test_scope_change_through_a_replayed_model_without_the_cache(
    files: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    brief = {**BRIEF_ANSWER, "opening_line": "Something has changed, and I think it takes 3 days."}
    promising = {**STAKEHOLDER_ANSWER, "decision_needed": "Which option to take; either way we will deliver by May 10."}
    router = respx.Router()
    route = router.post(OPENAI_URL).mock(
        side_effect=[
            httpx.Response(200, json=openai_chat_completion(brief)),
            httpx.Response(200, json=openai_chat_completion(promising)),
        ]
    )
    real = engine.provider_from_settings
    monkeypatch.setattr(engine, "provider_from_settings", lambda s: real(s, http_client=client_for(router)))
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-cli-scope-0123456789")
    monkeypatch.setenv("ASSISTANT_CACHE_DIR", str(tmp_path / "cache"))

    assert main(["scope-change", *files, "--provider", "openai", "--model", "gpt-5.4-mini", "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert route.call_count == 2
    assert "(engine: llm)" in out and "Guards on the model's output" in out
    assert "[date-promise]" in out  # the model's "we will deliver by May 10" is caught
    assert "sk-test-cli-scope" not in out
    assert not (tmp_path / "cache").exists()


# ---------------------------------------------------------------- rehearse
def test_rehearse_in_process_plays_until_slash_end_and_prints_the_debrief(
    files: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin = f"{OPENING}\n\nCan you get it done in two days?\n/end\nthis line is never read\n"
    assert run_rehearse(monkeypatch, [*files, "--persona", "skeptical"], stdin) == 0
    out = capsys.readouterr().out
    assert out.count("lead> ") == 2  # the empty line is skipped, /end stops
    assert "I'm not going to agree to a number" in out
    assert "Debrief" in out and "Deterministic signals only" in out and "[deterministic]" in out
    assert "never read" not in out


def test_rehearse_json_debrief_and_saved_state_can_be_resumed(
    files: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "session.json"
    stdin = f"{OPENING}\nWhat would we have to drop to make room?\n"
    assert run_rehearse(monkeypatch, [*files, "--format", "json", "--save", str(saved)], stdin) == 0
    out, err = capsys.readouterr()
    debrief = Debrief.model_validate_json(out)  # stdout is the debrief alone; the conversation went to stderr
    assert debrief.pm_turns == 2 and err.count("lead> ") == 2
    state = RehearsalState.model_validate_json(saved.read_text(encoding="utf-8"))
    assert [t.speaker for t in state.transcript] == ["pm", "lead", "pm", "lead"]
    assert Rehearsal.from_state(state).ended


def test_rehearse_refuses_stdin_for_the_inputs(files: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rehearse", "--original", "-", "--change", files[3]]) == 2
    assert "rehearse reads your lines from stdin" in capsys.readouterr().err


def test_rehearse_as_a_subprocess_with_piped_stdin_ends_on_slash_end(files: list[str]) -> None:
    done = subprocess_run(["rehearse", *files, "--persona", "overloaded"], f"{OPENING}\nIt's a tiny tweak.\n/end\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"you> {OPENING}\nlead> ")  # the banner and tip went to stderr
    assert "Rehearsal with your engineering lead" not in done.stdout and "rehearsal with" in done.stderr
    assert f"you> {OPENING}" in done.stdout  # piped lines are echoed so the transcript reads as a conversation
    assert 'Please don\'t call it "a tiny tweak"' in done.stdout
    assert "Did not bargain the estimate or trivialise: 0/2 [deterministic]" in done.stdout


def test_rehearse_as_a_subprocess_ends_cleanly_at_end_of_input(files: list[str]) -> None:
    done = subprocess_run(["rehearse", *files], f"{OPENING}\nWho else should we talk to?")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "error" not in done.stderr
    assert done.stdout.count("lead> ") == 2 and "PM turns scored: 2" in done.stdout


def test_rehearse_with_a_missing_key_is_a_one_line_error(files: list[str]) -> None:
    done = subprocess_run(["rehearse", *files, "--provider", "anthropic"], "")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "ANTHROPIC_API_KEY" in done.stderr
    assert json.dumps(done.stdout) == '""'


# ---------------------------------------------------------------- through the main CLI
def test_main_cli_runs_scope_change_offline(files: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scope-change", *files, "--format", "json"]) == 0
    assert ScopeChangeResult.model_validate_json(capsys.readouterr().out).engine == "offline"


def test_main_cli_runs_rehearse_with_piped_stdin(files: list[str]) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ANTHROPIC_", "ASSISTANT_"))}
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "rehearse", *files, "--persona", "supportive"],
        input=f"{OPENING}\n/end\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0 and "error" not in done.stderr, done.stderr
    assert "lead> Thanks for coming to me before telling anyone else." in done.stdout
    assert "PM turns scored: 1" in done.stdout


# ---------------------------------------------------------------- text inputs, no lines
def test_scope_change_takes_the_scope_and_the_change_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--original-text", DEMO_INPUT.original, "--change-text", DEMO_INPUT.change, "--format", "json"]
    assert main(["scope-change", *args]) == 0
    result = ScopeChangeResult.model_validate_json(capsys.readouterr().out)
    assert result.inputs.original == DEMO_INPUT.original and result.inputs.change == DEMO_INPUT.change


def test_a_file_and_text_for_the_same_input_is_a_usage_error(files: list[str]) -> None:
    with pytest.raises(SystemExit) as excinfo:
        main(["scope-change", *files, "--change-text", "Also archived projects."])
    assert excinfo.value.code == 2


def test_empty_change_text_is_one_clear_line(files: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scope-change", files[0], files[1], "--change-text", "  "]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "--change-text: the text is empty" in err and err.count("\n") == 1


def test_rehearse_takes_text_inputs_and_reads_the_lines_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--original-text", DEMO_INPUT.original, "--change-text", DEMO_INPUT.change]
    assert run_rehearse(monkeypatch, args, f"{OPENING}\n/end\n") == 0
    assert "PM turns scored: 1" in capsys.readouterr().out


@pytest.mark.parametrize(
    "stdin", ["", "\n\n", "/end\n", "\n/end\nnever read\n"], ids=["eof", "blank", "end", "blank-end"]
)
def test_rehearse_with_no_pm_lines_prints_no_score(
    files: list[str], stdin: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    saved = tmp_path / "session.json"
    assert run_rehearse(monkeypatch, [*files, "--save", str(saved)], stdin) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "no lines from you" in err and "score" in err and "/10" not in err and "Debrief" not in err
    assert not saved.exists()
