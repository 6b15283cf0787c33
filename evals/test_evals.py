"""The eval suite as tests: offline engine assertions per case, replay of every real recording, stale
detection, synthetic exclusion from scores, and the full replayed run time."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from assistant.evaluation import recordings as rec
from assistant.evaluation.cases import (
    OFFLINE_PASS,
    TASKS,
    CaseError,
    load_case_file,
    load_cases,
)
from assistant.evaluation.report import html_report, markdown, scorecard, scorecard_lines
from assistant.evaluation.runner import StaleRecording, TaskRun, replay_all, run_eval, run_offline

EVALS = Path(__file__).resolve().parent
ROOT = EVALS.parent
RECORDINGS = ROOT / "assistant" / "evaluation" / "suite" / "recordings"
CASES = load_cases()
REAL = [item for item in rec.load_all(RECORDINGS)[0] if not item.recording.provenance.synthetic]

# Offline assertions that fail because of a rule (or guard) weakness, reported to the rules' owner.
# strict: once the rule is fixed the case passes, the xfail turns into a failure, and the id is removed.
KNOWN_GAPS: dict[str, str] = yaml.safe_load((EVALS / "known_gaps.yaml").read_text(encoding="utf-8")) or {}


def _make_synthetic() -> ModuleType:
    if "make_synthetic" in sys.modules:
        return sys.modules["make_synthetic"]
    spec = importlib.util.spec_from_file_location("make_synthetic", EVALS / "make_synthetic.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_synthetic"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def synthetic_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Fresh synthetic recordings (hand-written error paths) in a temporary directory."""
    root = tmp_path_factory.mktemp("recordings")
    _make_synthetic().write_all(root)
    return root


# ---------------------------------------------------------------- the cases themselves
def test_suite_covers_every_task_and_theme() -> None:
    assert len(CASES) >= 60
    assert {t for c in CASES for t in c.task} == set(TASKS)
    tags = {t for c in CASES for t in c.tags}
    for theme in (
        "drive-by",
        "estimate-bargaining",
        "hidden-migration",
        "minor-tweak",
        "injection",
        "empty-context",
        "already-good",
    ):
        assert theme in tags, theme
    assert all(c.assertions_for(t) for c in CASES for t in c.task)


def test_malformed_cases_are_rejected_with_file_and_id(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("cases:\n  - id: x1\n    task: rewrite\n    input: {draft: hi}\n    expect: {flaged: [a]}\n")
    with pytest.raises(CaseError, match=r"bad\.yaml: case x1: .*unknown assertion type 'flaged'"):
        load_case_file(bad)
    bad.write_text(
        "cases:\n  - id: x2\n    task: complexity\n    input: {draft: hi}\n"
        "    expect: {complexity_categories: [teleport]}\n"
    )
    with pytest.raises(CaseError, match="unknown teleport"):
        load_case_file(bad)


# ---------------------------------------------------------------- offline engine, per case
@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=c.id, marks=pytest.mark.xfail(reason=KNOWN_GAPS[c.id], strict=True))
        if c.id in KNOWN_GAPS
        else pytest.param(c, id=c.id)
        for c in CASES
    ],
)
def test_offline_engine(case) -> None:
    runs = run_offline([case])
    assert {r.task for r in runs} == set(case.task) | ({OFFLINE_PASS} if case.assertions_for(OFFLINE_PASS) else set())
    failures = [f"{r.task}: {a.label} — {a.detail}" for r in runs for a in r.failed]
    failures += [f"{r.task}: {r.error}" for r in runs if r.status != "ok"]
    assert not failures, "\n".join(failures)


# ---------------------------------------------------------------- replay of every real recording
@pytest.fixture(scope="module")
def replayed() -> tuple[dict[str, TaskRun], list[StaleRecording], list[str]]:
    """Every recording replayed once, by path relative to evals/."""
    runs, stale, errors = replay_all(CASES, RECORDINGS)
    return {r.recording: r for r in runs if r.recording}, stale, errors


@pytest.mark.parametrize("item", REAL, ids=[f"{i.path.parent.name}:{i.path.stem}" for i in REAL])
def test_real_recording_replays(item: rec.LoadedRecording, replayed) -> None:
    """The path runs (no replay failure), the result is schema-valid and guarded, provenance is complete.
    Quality assertions for a weak model are in the scorecard, not asserted here."""
    recording = item.recording
    assert rec.missing_provenance(recording) == []
    assert recording.provenance.synthetic is False and recording.exchanges
    runs, stale, errors = replayed
    key = str(item.path.relative_to(RECORDINGS.parent))
    assert not [s for s in stale if s.path == key], "stale: re-record it"
    assert not [e for e in errors if e.startswith(key)], errors
    run = runs[key]
    assert run.status in ("ok", "error")
    if run.status == "ok":
        assert run.guards_ran
        assert all(r.passed for r in run.results if r.type == "schema_valid")
    else:
        assert run.error and not all(r.passed for r in run.results)  # an error scores as failed


def test_every_recording_is_readable_small_json() -> None:
    loaded, errors = rec.load_all(RECORDINGS)
    assert not errors
    total = sum(item.path.stat().st_size for item in loaded)
    assert total < 20 * 1024 * 1024
    for item in loaded:
        assert item.path.stat().st_size < 200 * 1024, item.path
        assert item.path.name == f"{item.recording.case_id}.{item.recording.task}.json"


# ---------------------------------------------------------------- staleness
def _edited_prompts(tmp_path: Path) -> Path:
    prompts = tmp_path / "prompts"
    shutil.copytree(ROOT / "assistant" / "llm" / "prompts", prompts)
    path = prompts / "rewrite.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nBe brief.\n", encoding="utf-8")
    return prompts


def test_editing_a_prompt_makes_its_recordings_stale(tmp_path: Path, synthetic_dir: Path) -> None:
    runs, stale, errors = replay_all(CASES, synthetic_dir)
    assert not stale and not errors and runs
    runs, stale, errors = replay_all(CASES, synthetic_dir, prompts_dir=_edited_prompts(tmp_path))
    assert stale and {s.task for s in stale} == {"rewrite"}
    assert all("prompt rewrite changed" in s.reason for s in stale)
    assert all(r.task != "rewrite" for r in runs)  # a stale recording is never replayed


def test_stale_recordings_fail_the_cli_run(tmp_path: Path, synthetic_dir: Path) -> None:
    env = {**os.environ, "ASSISTANT_PROMPTS_DIR": str(_edited_prompts(tmp_path))}
    command = [sys.executable, "-m", "assistant", "eval", "--recordings", str(synthetic_dir), "--task", "rewrite"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "STALE recordings" in result.stdout and "prompt rewrite changed" in result.stdout
    fresh = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr


def test_a_changed_case_input_makes_its_recordings_stale(synthetic_dir: Path) -> None:
    changed = [c.model_copy(deep=True) for c in CASES]
    target = next(c for c in changed if c.id == "drive-by-csv-export")
    target.input.draft += " Thanks!"
    _, stale, _ = replay_all(changed, synthetic_dir)
    assert {s.case_id for s in stale} == {"drive-by-csv-export"}
    assert all("case input changed" in s.reason for s in stale)


# ---------------------------------------------------------------- synthetic recordings
def test_synthetic_recordings_replay_but_are_not_scored(tmp_path: Path, synthetic_dir: Path) -> None:
    run = run_eval(recordings_dir=synthetic_dir)
    assert run.ok, run.run_errors
    card = scorecard(run)
    assert [e.engine for e in card.engines] == ["offline"]
    assert len(card.synthetic) == len(_make_synthetic().SCENARIOS)
    assert {r.status for r in card.synthetic} == {"ok", "error"}
    assert "excluded from scores" in "\n".join(scorecard_lines(run, card))

    # The flag, not the folder, decides: the same file marked real is scored.
    copy = tmp_path / "real"
    source = next(synthetic_dir.rglob("drive-by-csv-export.questions.json"))
    data = json.loads(source.read_text())
    data["provenance"]["synthetic"] = False
    target = copy / "openai" / "gpt-5.4-mini" / source.name
    target.parent.mkdir(parents=True)
    target.write_text(json.dumps(data))
    scored = scorecard(run_eval(recordings_dir=copy, task="questions"))
    engines = [e.engine for e in scored.engines]
    assert engines == ["offline", "openai/gpt-5.4-mini", "offline (same pairs as openai/gpt-5.4-mini)"]
    assert scored.engines[2].runs.total == 1
    assert scored.engines[1].runs.total == 1


def test_synthetic_error_paths_replay_as_recorded(synthetic_dir: Path) -> None:
    runs, stale, errors = replay_all(CASES, synthetic_dir)
    assert not stale and not errors
    by_note = {(r.case_id, r.task): r for r in runs}
    assert by_note[("drive-by-csv-export", "rewrite")].error.startswith("InvalidResponse")
    assert by_note[("drive-by-csv-export", "complexity")].error.startswith("InvalidResponse")
    assert by_note[("estimate-three-weeks", "rewrite")].error.startswith("TruncatedResponse")
    assert by_note[("estimate-three-weeks", "questions")].error.startswith("RateLimited")
    assert by_note[("drive-by-sso-asap", "rewrite")].error.startswith("AuthError")
    retried = by_note[("drive-by-csv-export", "questions")]
    assert retried.status == "ok" and retried.attempts == 2
    guarded = by_note[("drive-by-sso-asap", "complexity")]
    assert guarded.guards == {"invented-claim": 1, "estimate": 1} and guarded.passed
    quoted = by_note[("trust-hardcode-looks-live", "trust")]  # one exact quote kept, two findings dropped
    assert quoted.status == "ok" and quoted.guards == {"quote": 2} and quoted.passed
    assert "demo-pressure (model): 'hardcode the revenue numbers'" in quoted.output
    assert all(r.outcome_changed is None and not r.drift for r in runs)
    failed = [r for r in runs if r.status == "error"]
    assert all(not a.passed for r in failed for a in r.results)  # an error scores as failed


# ---------------------------------------------------------------- the whole run
def test_full_replayed_run_is_ok(capsys: pytest.CaptureFixture[str]) -> None:
    """Every case offline plus every recording replayed: no stale recording, no run error. Its wall and CPU
    times are printed, not asserted: even CPU time doubled on a loaded machine (8.8 s alone, 15.4 s beside
    another test run), and a timed test that can fail at random blocks every landing."""
    started, cpu = time.perf_counter(), time.process_time()
    run = run_eval()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    with capsys.disabled():
        replayed = sum(1 for r in run.runs if r.recording)
        print(
            f"\n[eval] {run.cases} cases, {len(run.runs)} task runs ({replayed} replayed recordings) "
            f"in {elapsed:.2f} s wall, {cpu:.2f} s CPU (replay {run.replay_seconds:.2f} s)"
        )
    assert run.ok, (run.stale[:5], run.run_errors[:5])
    assert run.cases >= 60


def test_reports_escape_everything() -> None:
    run = run_eval(case_id="inject-*")
    page = html_report(run)
    assert "<system>" not in page and "&lt;system&gt;" in page
    assert "<!-- assistant" not in page
    text = markdown(run)
    assert text.startswith("# Eval scorecard") and "<system>" not in text
