"""The `assistant` command line: formats, exit codes, stdin, context files and clear input errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from assistant.cli.main import main

DRAFT = "Can we just add CSV export by March 15? Should be simple.\n"


@pytest.fixture(autouse=True)
def _no_keys(monkeypatch, tmp_path):
    for name in (
        "OPENAI_API_KEY",
        "ANTHROPIC_API_KEY",
        "ASSISTANT_PROVIDER",
        "ASSISTANT_MODEL",
        "ASSISTANT_BASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ASSISTANT_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def draft(tmp_path):
    path = tmp_path / "draft.txt"
    path.write_text(DRAFT, encoding="utf-8")
    return path


def test_lint_text_output_uses_file_line_col_severity_rule(draft, capsys):
    assert main(["lint", str(draft)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{draft}:1:1: error trivializing.can-we-just: ")
    assert out[1].startswith(f"{draft}:1:41: error trivializing.should-be-simple: ")


def test_lint_json_is_a_versioned_object(draft, capsys):
    assert main(["lint", str(draft), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["version"] == 1
    assert [f["rule_id"] for f in data["findings"]] == [
        "trivializing.can-we-just",
        "trivializing.should-be-simple",
    ]
    first = data["findings"][0]
    assert (first["start"], first["end"], first["line"], first["column"]) == (0, 11, 1, 1)


def test_lint_exits_zero_without_error_level_findings(tmp_path, capsys):
    path = tmp_path / "ok.txt"
    path.write_text("Quick question: could you look at the export page layout?", encoding="utf-8")
    assert main(["lint", str(path)]) == 0
    assert "interruption.quick-question" in capsys.readouterr().out


def test_lint_reads_stdin_with_dash():
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "lint", "-", "--format", "json"],
        input=DRAFT.encode(),
        capture_output=True,
        check=False,
    )
    assert result.returncode == 1
    assert json.loads(result.stdout)["findings"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\t  ", "empty"),
        (b"caf\xe9 au lait", "not valid UTF-8"),
        (b"\x00\x01\x02binary", "binary"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(tmp_path, capsys, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    assert main(["lint", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_missing_file_and_directory_are_clear_errors(tmp_path, capsys):
    assert main(["analyze", str(tmp_path / "nope.txt")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["analyze", str(tmp_path)]) == 2
    assert "directory" in capsys.readouterr().err


def test_file_over_the_limit_names_size_and_limit(tmp_path, capsys):
    path = tmp_path / "big.txt"
    path.write_bytes(b"word " * 1_100_000)
    assert main(["lint", str(path)]) == 2
    err = capsys.readouterr().err
    assert "5.5 MB" in err and "2.0 MB" in err and "--max-bytes" in err


def test_five_megabyte_file_under_a_raised_limit_is_analysed(tmp_path, capsys):
    path = tmp_path / "big.txt"
    path.write_text("Plain words about the roadmap. " * 170_000 + "Can we just add it? " * 50, encoding="utf-8")
    assert path.stat().st_size > 5_000_000
    assert main(["lint", str(path), "--max-bytes", "6000000", "--format", "json", "--no-ambiguity"]) == 1
    assert len(json.loads(capsys.readouterr().out)["findings"]) == 50


def test_usage_errors_exit_2():
    with pytest.raises(SystemExit) as excinfo:
        main(["lint", "--format", "yaml", "x"])
    assert excinfo.value.code == 2
    assert main([]) == 2
    with pytest.raises(SystemExit) as excinfo:
        main(["rewrite", "x", "--provider", "nope"])
    assert excinfo.value.code == 2


def test_analyze_text_report_has_every_section_and_the_offline_notice_on_stderr(draft, capsys):
    assert main(["analyze", str(draft)]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("Trust-damaging phrases")
    for heading in ("Trust-damaging phrases", "Context", "Likely complexity", "Questions"):
        assert heading in out
    assert "offline engine" in err and "offline engine" not in out


def test_analyze_json_says_it_used_the_offline_engine(draft, capsys):
    main(["analyze", str(draft), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert data["engine"] == "offline" and data["provider"] == "offline"
    assert "no API key" in data["notice"]
    assert data["rewrite"]["result"]["slots"]


def test_analyze_markdown(draft, capsys):
    main(["analyze", str(draft), "--format", "markdown"])
    out = capsys.readouterr().out
    assert out.startswith("# Draft analysis") and "## Questions for the design review" in out


def test_context_json_reports_each_element_with_present_flag(draft, capsys):
    assert main(["context", str(draft), "--format", "json"]) == 0
    elements = json.loads(capsys.readouterr().out)["elements"]
    assert [e["element"] for e in elements] == [
        "who",
        "problem",
        "why-now",
        "evidence",
        "success",
        "deadline",
        "invitation",
    ]
    assert {e["element"]: e["present"] for e in elements}["deadline"] is True


def test_context_file_fills_gaps(draft, tmp_path, capsys):
    context = tmp_path / "context.yaml"
    context.write_text("who: Acme finance team\nwhy-now: renewal in April\n", encoding="utf-8")
    main(["rewrite", str(draft), "--context-file", str(context), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert "Acme finance team" in data["result"]["text"]


def test_bad_context_file_is_a_clear_error(draft, tmp_path, capsys):
    context = tmp_path / "context.yaml"
    context.write_text("who: [unclosed\n", encoding="utf-8")
    assert main(["rewrite", str(draft), "--context-file", str(context)]) == 2
    assert "not valid YAML" in capsys.readouterr().err


def test_complexity_and_questions_commands(draft, capsys):
    assert main(["complexity", str(draft), "--format", "json"]) == 0
    flags = json.loads(capsys.readouterr().out)["result"]["flags"]
    assert [f["category"] for f in flags] == ["import-export"]
    assert main(["questions", str(draft)]) == 0
    assert "Is there a smaller version" in capsys.readouterr().out


def test_missing_key_for_a_chosen_provider_is_one_line(draft, capsys):
    assert main(["rewrite", str(draft), "--provider", "anthropic"]) == 2
    err = capsys.readouterr().err
    assert "ANTHROPIC_API_KEY" in err and "Traceback" not in err


def test_offline_cli_imports_no_heavy_module():
    code = (
        "import sys; from assistant.cli.main import main; main(['lint', '-']);"
        "heavy = [m for m in ('openai', 'anthropic', 'langchain_core', 'streamlit', 'httpx2', 'tiktoken')"
        " if m in sys.modules]; print('HEAVY', heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code], input=DRAFT.encode(), capture_output=True, check=False)
    assert "HEAVY []" in result.stdout.decode()


def test_utf16_text_gets_a_save_as_utf8_message(tmp_path, capsys):
    path = tmp_path / "utf16.txt"
    path.write_text("Can we just add it?", encoding="utf-16")
    assert main(["lint", str(path)]) == 2
    assert "UTF-16" in capsys.readouterr().err


def test_a_nul_byte_late_in_the_file_is_still_binary(tmp_path, capsys):
    path = tmp_path / "late-nul.txt"
    path.write_bytes(b"a" * 9000 + b"\x00tail")
    assert main(["lint", str(path)]) == 2
    assert "binary" in capsys.readouterr().err


def test_truncate_checks_the_first_bytes_and_says_so(tmp_path, capsys):
    path = tmp_path / "long.txt"
    path.write_text("Can we just add it? " * 100, encoding="utf-8")
    assert main(["lint", str(path), "--max-bytes", "100", "--truncate", "--format", "json"]) == 1
    captured = capsys.readouterr()
    assert "truncated from 2,000 to 100 bytes" in captured.err
    assert len(json.loads(captured.out)["findings"]) == 5


def test_rewrite_slots_full_asks_for_every_missing_fact(tmp_path, capsys):
    path = tmp_path / "long.txt"
    path.write_text(
        "Could the webhook payload also include the full order object for each refund? "
        "We would want it in the 2.x line without a major bump. It would save a second call per order.",
        encoding="utf-8",
    )
    assert main(["rewrite", str(path), "--format", "json"]) == 0
    default = json.loads(capsys.readouterr().out)["result"]["slots"]
    assert main(["rewrite", str(path), "--slots", "full", "--format", "json"]) == 0
    full = json.loads(capsys.readouterr().out)["result"]["slots"]
    assert len(default) == 3 < len(full)
