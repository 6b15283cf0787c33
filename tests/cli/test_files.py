"""`assistant lint` and `analyze --format json` over a docs repo: several files, directories and globs,
front matter and code blocks skipped, one summary line, the same exit codes, GitHub annotations, the
nearest config file, and the pre-commit hook through `pre-commit try-repo` (offline)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli.config import config_in, find_config
from assistant.cli.files import blank_front_matter
from assistant.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
TRIVIAL = "Can we just add CSV export? It should be fast.\n"
RIGID = "I hear you, but the deadline doesn't change.\n"
CLEAN = "Finance admins asked for CSV export in 14 tickets; what would it take?\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small docs repo: Markdown with front matter and a fence, a text file, a clean spec, a .py file."""
    (tmp_path / "docs" / "sub").mkdir(parents=True)
    (tmp_path / "specs" / "api").mkdir(parents=True)
    (tmp_path / "docs" / "prd.md").write_text(
        "---\ntitle: can we just ship it\n---\n# PRD\n\n" + TRIVIAL + "\n```\ncan we just\n```\n"
    )
    (tmp_path / "docs" / "sub" / "notes.txt").write_text(RIGID)
    (tmp_path / "docs" / "script.py").write_text("# can we just\n")
    (tmp_path / "docs" / "empty.md").write_text("")
    (tmp_path / "specs" / "api" / "spec.md").write_text(CLEAN)
    (tmp_path / "README.md").write_text(CLEAN)
    monkeypatch.chdir(tmp_path)
    config_in.cache_clear()
    return tmp_path


def _lint_json(capsys, *args: str) -> tuple[int, dict]:
    code = main(["lint", *args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_directories_files_and_globs_in_one_run_with_one_summary(repo, capsys):
    code = main(["lint", "docs/", "README.md", "specs/**/*.md"])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[-1] == "5 files checked, 2 with findings: 2 trust findings (2 errors), 1 vague term."
    assert sum("checked" in line for line in out) == 1
    assert out[0].startswith("docs/prd.md:6:1: error trivializing.can-we-just:")
    assert any(line.startswith("docs/sub/notes.txt:1:17: error deadline-rigidity") for line in out)
    assert not any("script.py" in line for line in out)  # a directory expands to Markdown and text only


def test_front_matter_and_fenced_code_are_never_flagged_and_lines_stay_true(repo, capsys):
    code, report = _lint_json(capsys, "docs/prd.md")
    assert code == 1
    assert [(f["rule_id"], f["line"], f["column"]) for f in report["findings"]] == [("trivializing.can-we-just", 6, 1)]
    text = (repo / "docs" / "prd.md").read_text()
    start = report["findings"][0]["start"]
    assert text[start : start + 11] == "Can we just"


def test_blank_front_matter_keeps_offsets():
    text = "---\ntitle: x\n---\nBody\n"
    blanked = blank_front_matter(text)
    assert len(blanked) == len(text) and blanked.count("\n") == text.count("\n")
    assert blanked.endswith("Body\n") and "title" not in blanked
    assert blank_front_matter("--- not front matter\n") == "--- not front matter\n"
    assert blank_front_matter("+++\ntitle = 'x'\n+++\nBody").endswith("Body")


def test_exit_zero_when_no_error_level_finding(repo, capsys):
    assert main(["lint", "README.md", "specs/"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("2 files checked, 0 with findings")


def test_one_named_file_keeps_the_one_draft_json_and_several_get_per_file_reports(repo, capsys):
    _, one = _lint_json(capsys, "README.md")
    assert set(one) == {"version", "findings", "ambiguities"}
    code, many = _lint_json(capsys, "docs", "README.md")
    assert code == 1
    assert [f["path"] for f in many["files"]] == ["docs/prd.md", "docs/sub/notes.txt", "README.md"]
    assert many["summary"] == {
        "files": 4,  # the empty file is checked and clean
        "files_with_findings": 2,
        "errors": 2,
        "warnings": 0,
        "suggestions": 0,
        "ambiguities": 1,
    }


def test_github_format_writes_workflow_annotations(repo, capsys):
    assert main(["lint", "docs", "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("::error file=docs/prd.md,line=6,col=1,endColumn=12,title=trivializing.can-we-just::")
    assert any(line.startswith("::notice file=docs/prd.md,line=6,col=42") for line in lines)
    assert lines[-1].startswith("3 files checked")


def test_a_missing_path_or_empty_glob_is_a_usage_error(repo, capsys):
    assert main(["lint", "docs", "nope.md"]) == 2
    assert "nope.md: no such file or directory" in capsys.readouterr().err
    assert main(["lint", "specs/**/*.txt"]) == 2
    assert "no file matches this pattern" in capsys.readouterr().err


def test_stdin_and_text_still_check_one_draft(repo, capsys):
    assert main(["lint", "--text", "Can we just add it?"]) == 1
    assert capsys.readouterr().out.startswith("--text:1:1: error trivializing.can-we-just")
    assert main(["lint", "--text", "x", "README.md", "docs"]) == 2


def test_config_found_by_walking_up_sets_threshold_disabled_rules_and_excludes(repo, capsys):
    (repo / ".assistant.toml").write_text(
        'disable = ["deadline-rigidity"]\nexclude = ["specs/**"]\nambiguity = false\n'
    )
    (repo / "docs" / "sub" / "pyproject.toml").write_text('[tool.assistant]\nmin_severity = "error"\n')
    code, many = _lint_json(capsys, "docs", "specs", "README.md")
    assert code == 1
    paths = [f["path"] for f in many["files"]]
    assert "specs/api/spec.md" not in paths
    by_path = {f["path"]: f["report"] for f in many["files"]}
    assert by_path["docs/prd.md"]["ambiguities"] == []  # ambiguity = false at the root
    # the nearer pyproject.toml wins for docs/sub: its own threshold, not the root's disabled rules
    assert [f["rule_id"] for f in by_path["docs/sub/notes.txt"]["findings"]] == [
        "deadline-rigidity.deadline-doesnt-change"
    ]
    assert find_config(repo / "docs" / "prd.md").source == repo / ".assistant.toml"


def test_config_include_limits_what_a_directory_expands_to(repo, capsys):
    (repo / ".assistant.toml").write_text('include = ["docs/sub/*.txt"]\n')
    _, many = _lint_json(capsys, "docs")
    assert [f["path"] for f in many["files"]] == ["docs/sub/notes.txt"]


def test_command_line_flags_win_over_the_config(repo, capsys):
    (repo / ".assistant.toml").write_text('min_severity = "error"\n')
    (repo / "docs" / "warn.md").write_text("Can we just add it? We'll figure it out later.\n")
    _, default = _lint_json(capsys, "docs/warn.md", "README.md")
    _, flagged = _lint_json(capsys, "docs/warn.md", "README.md", "--min-severity", "suggestion")
    _, ignored = _lint_json(capsys, "docs/warn.md", "README.md", "--no-config")
    assert len(flagged["files"][0]["report"]["findings"]) >= len(default["files"][0]["report"]["findings"])
    assert ignored["files"][0]["report"] == flagged["files"][0]["report"]


def test_a_bad_config_is_one_clear_line(repo, capsys):
    (repo / ".assistant.toml").write_text('min_severity = "loud"\n')
    assert main(["lint", "docs"]) == 2
    assert "min_severity must be one of suggestion, warning, error, not 'loud'" in capsys.readouterr().err


def test_analyze_json_over_several_paths(repo, capsys, no_keys):
    code = main(["analyze", "docs", "README.md", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [f["path"] for f in report["files"]] == ["docs/prd.md", "docs/sub/notes.txt", "README.md"]
    assert report["files"][0]["report"]["analysis"]["findings"][0]["rule_id"] == "trivializing.can-we-just"
    assert main(["analyze", "docs", "README.md"]) == 2
    assert "only with --format json" in capsys.readouterr().err


def test_pre_commit_try_repo_flags_a_draft_offline(repo):
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")
    assert pre_commit, "pre-commit is in the test extra: pip install -e '.[test]'"
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(repo / ".pre-commit-home"),
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    }
    env = {k: v for k, v in env.items() if not k.startswith("GIT_")}
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "add", "docs/prd.md", "README.md"], cwd=repo, check=True, env=env)
    flagged = subprocess.run(
        [pre_commit, "try-repo", str(ROOT), "assistant-lint", "--files", "docs/prd.md"],
        cwd=repo, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    clean = subprocess.run(
        [pre_commit, "try-repo", str(ROOT), "assistant-lint", "--files", "README.md"],
        cwd=repo, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert flagged.returncode == 1, flagged.stdout + flagged.stderr
    assert "docs/prd.md:6:1: error trivializing.can-we-just" in flagged.stdout
    assert clean.returncode == 0, clean.stdout + clean.stderr


def test_a_directory_with_no_text_files_is_a_clear_error_but_an_excluded_one_is_not(repo, capsys):
    (repo / "code").mkdir()
    (repo / "code" / "x.py").write_text("can we just\n")
    assert main(["lint", "code"]) == 2
    assert "code: is a directory with no Markdown or text files to check" in capsys.readouterr().err
    (repo / ".assistant.toml").write_text('exclude = ["specs"]\n')
    config_in.cache_clear()  # one CLI run reads each directory's config once; this test runs two
    assert main(["lint", "specs"]) == 0
    assert (
        capsys.readouterr().out.strip()
        == "0 files checked, 0 with findings: No trust-damaging phrases or vague terms found."
    )


def test_semantic_layer_can_be_turned_off_by_config_or_flag(repo, capsys, monkeypatch):
    import assistant.checks.lint as lint_module

    seen: list[object] = []
    real = lint_module.lint

    def spy(text, **kwargs):
        seen.append(kwargs.get("semantic"))
        return real(text, **{**kwargs, "semantic": False})

    monkeypatch.setattr(lint_module, "lint", spy)
    main(["lint", "README.md", "specs"])
    main(["lint", "README.md", "specs", "--no-semantic"])
    (repo / ".assistant.toml").write_text("semantic = false\n")
    config_in.cache_clear()
    main(["lint", "README.md", "specs"])
    capsys.readouterr()
    assert seen == [None, None, False, False, False, False]
