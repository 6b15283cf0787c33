"""Provider fault matrix: each provider (openai, anthropic, openai-compatible) × each fault, through the
real chain (`run_task`) and the real CLI (`assistant rewrite FILE --provider …`).

The per-provider unit tests live in tests/test_providers.py; this file checks the whole path end to end:
the exact number of HTTP attempts (bounded retries, one schema repair), the error class, and that the
PM reads one line naming the cause and what to do, with no key and no traceback. The scenarios live in
scripts/fault_matrix_table.py, which also writes docs/fault_matrix.md from real runs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import respx
from fault_matrix_table import (
    DOC,
    DRAFT,
    FAULTS,
    FAULTS_BY_ID,
    KEYS,
    PROVIDERS,
    Fault,
    cli_args,
    cli_env,
    document,
    expected_words,
    injecting,
    make_router,
    run_fault,
)

from assistant.cli.main import main
from assistant.tasks import drafts as engine

MATRIX = [pytest.param(p, f, id=f"{p}-{f.id}") for f in FAULTS for p in PROVIDERS]
FAILURES = [pytest.param(p, f, id=f"{p}-{f.id}") for f in FAULTS if f.error is not None for p in PROVIDERS]


def _assert_clean_line(text: str, provider: str) -> None:
    """One line, no credential, no traceback text."""
    assert "\n" not in text.strip()
    for leak in (KEYS[provider], "sk-test-", "Bearer", "Traceback", 'File "', "Error:"):
        assert leak not in text, leak


@pytest.mark.parametrize(("provider", "fault"), MATRIX)
def test_fault_makes_exactly_the_expected_http_attempts_and_raises_its_error_class(provider: str, fault: Fault) -> None:
    outcome = run_fault(provider, fault)

    assert outcome.http_calls == fault.attempts
    assert outcome.sleeps == list(fault.sleeps)
    if fault.error is None:
        assert outcome.error is None and outcome.repaired is fault.repaired
    else:
        assert type(outcome.error) is fault.error
        if fault.error.retryable:
            assert outcome.error.attempts == fault.attempts


@pytest.mark.parametrize(("provider", "fault"), FAILURES)
def test_fault_message_is_one_line_naming_the_cause_and_the_fix_without_secrets(provider: str, fault: Fault) -> None:
    message = run_fault(provider, fault).message

    for words in expected_words(fault, provider):
        assert words in message, (words, message)
    _assert_clean_line(message, provider)
    assert ": " in message and message.endswith(".")  # "<cause>: <what to do>."


@pytest.mark.parametrize("provider", PROVIDERS)
def test_retries_resend_the_same_request_and_the_repair_attempt_says_what_was_wrong(provider: str) -> None:
    retried = run_fault(provider, FAULTS_BY_ID["503"]).request_bodies
    assert len(retried) == 3 and len(set(retried)) == 1

    first, repair = run_fault(provider, FAULTS_BY_ID["schema-invalid-once"]).request_bodies
    assert "did not match the JSON schema" not in first.decode()
    assert "did not match the JSON schema" in repair.decode()


@pytest.fixture
def draft_file(tmp_path: Path) -> Path:
    path = tmp_path / "draft.txt"
    path.write_text(DRAFT, encoding="utf-8")
    return path


def _cli(
    provider: str, fault: Fault, path: Path, monkeypatch: pytest.MonkeyPatch, *extra: str, **env: str
) -> tuple[int, respx.Route, list[float]]:
    """Run `assistant rewrite` with the provider's fake key in the environment and the fault injected."""
    for name, value in {**cli_env(provider), **env}.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    router, route = make_router(provider, fault)
    sleeps: list[float] = []
    monkeypatch.setattr(engine, "provider_from_settings", injecting(router, sleeps))
    return main([*cli_args(provider, path), *extra]), route, sleeps


@pytest.mark.parametrize(("provider", "fault"), MATRIX)
def test_cli_exits_2_with_one_line_on_stderr_for_every_fault(
    provider: str, fault: Fault, draft_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, route, sleeps = _cli(provider, fault, draft_file, monkeypatch)
    out, err = capsys.readouterr()

    assert route.call_count == fault.attempts and sleeps == list(fault.sleeps)
    if fault.error is None:
        assert code == 0 and err == "" and "CSV export" in out
        return
    assert code == 2 and out == ""
    assert err.startswith("assistant: error: ") and err.endswith("\n") and err.count("\n") == 1
    for words in expected_words(fault, provider):
        assert words in err
    _assert_clean_line(err, provider)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_cli_max_attempts_setting_bounds_the_retries(
    provider: str, draft_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, route, sleeps = _cli(provider, FAULTS_BY_ID["503"], draft_file, monkeypatch, ASSISTANT_MAX_ATTEMPTS="1")
    assert code == 2 and route.call_count == 1 and sleeps == []
    assert "after" not in capsys.readouterr().err  # one attempt: no "after N attempts"


def test_cli_json_output_after_a_repaired_answer_says_it_was_repaired(
    draft_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, route, _ = _cli("anthropic", FAULTS_BY_ID["schema-invalid-once"], draft_file, monkeypatch, "--format", "json")
    result = json.loads(capsys.readouterr().out)
    assert code == 0 and route.call_count == 2
    assert result["schema_repaired"] is True and result["attempts"] == 2


def test_fault_matrix_document_is_generated_from_the_current_code() -> None:
    assert DOC.read_text(encoding="utf-8") == document(), "run: /work/venv/bin/python scripts/fault_matrix_table.py"
