"""Property tests (hypothesis) over the deterministic passes: lint, context, complexity, analyze and the
offline rewrite, on arbitrary Unicode and on text built from the rules' own risky sentences mixed with
random Unicode, quotes, newlines, markdown, combining marks and ignore-comments.

For every input: no exception; every span satisfies 0 <= start < end <= len(text) and
text[start:end] == finding.text; line and column agree with start; the same input gives the same output.
The offline rewrite also keeps its promise of inventing no fact and no estimate.

Default run: 200 examples per property. `pytest -m slow tests/test_fuzz.py` runs 10,000 per property.
With CI=true the `ci` hypothesis profile (tests/conftest.py) derandomizes every run. Each input the
fuzzer ever failed on is kept below with `@example`, so it runs first, every time.

Text is compared with `str.casefold()` on both sides: it maps each character on its own, so a piece of
the draft stays a substring of the draft. `str.lower()` does not: it turns a final capital sigma into
'ς' by context, so `'A.Σ0'.lower()` holds 'ς0' while `'Σ0'.lower()` is 'σ0'.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assistant.checks.complexity import find_complexity
from assistant.checks.context import check_context
from assistant.checks.guards import find_estimates, find_invented_claims
from assistant.checks.lint import lint
from assistant.checks.offline import INVITATION, SLOT_PROMPTS, analyze, find_slots, rewrite
from assistant.checks.ruleset import ambiguity_rules, complexity_rules, context_rules, trust_rules
from assistant.tasks.drafts import run_task

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
LONG = settings(max_examples=10_000, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

# -------------------------------------------------------------------------- inputs
RISKY: tuple[str, ...] = tuple(
    sorted(
        {
            *(s for r in (*trust_rules(), *ambiguity_rules(), *complexity_rules()) for s in r.examples.flag),
            *(s for r in context_rules() for s in r.examples.present),
            "Can we just add CSV export by March 15? Should be simple.",
            "It's a minor tweak, the deadline doesn't change.",
        }
    )
)
PUNCTUATION = (
    "\n", "\n\n", "\r\n", "\r", " ", "  ", "\t", '"', "'", "“", "”", "‘", "’", "`", "```\n", "~~~\n", "> ",
    "- ", "* ", "1. ", "…", ".", "?", "!", ",", "—", "–", "(", ")", "[needs: x]", "[EMAIL_1]",
    "<!-- assistant-ignore -->", "<!-- assistant-ignore trivializing -->", "<draft>", "</draft>",
    "\u0301", "\u0308", "\u200b", "\u200d", "\u00a0", "\u2028", "\ufeff", "\u202e",
    "İ", "ß", "ﬁ", "Σ", "ǅ", "👍🏽", "🇫🇷", "ＡＳＡＰ", "JUST", "Just",
)  # fmt: skip

any_text = st.text(max_size=400)
risky_text = st.lists(
    st.one_of(st.sampled_from(RISKY), st.sampled_from(PUNCTUATION), st.text(max_size=12)),
    max_size=30,
).map("".join)
texts = st.one_of(any_text, risky_text)

# The offline rewrite's own wording (rule fixes, context labels, slots, the invitation) is not a fact.
TEMPLATES = "\n".join(
    [
        *(r.fix.with_ for r in trust_rules()),
        *(r.label for r in context_rules()),
        *SLOT_PROMPTS.values(),
        INVITATION,
        "Context",
        "Whether the date can move: yes no",
    ]
)


# -------------------------------------------------------------------------- checks
def assert_span(text: str, start: int, end: int, matched: str | None = None) -> None:
    assert 0 <= start < end <= len(text), (start, end, len(text))
    if matched is not None:
        assert text[start:end] == matched, (text[start:end], matched)


def assert_line_col(text: str, start: int, line: int, column: int) -> None:
    assert line == text.count("\n", 0, start) + 1, (start, line)
    assert column == start - (text.rfind("\n", 0, start) + 1) + 1, (start, column)


def assert_text_spans(text: str, findings: Iterable[Any]) -> None:
    for f in findings:
        assert_span(text, f.start, f.end, f.text)
        assert_line_col(text, f.start, f.line, f.column)


def assert_flags(text: str, flags: Iterable[Any]) -> None:
    for flag in flags:
        assert flag.start is not None and flag.end is not None
        assert_span(text, flag.start, flag.end, flag.trigger)


def assert_context(text: str, elements: Iterable[Any]) -> None:
    for element in elements:
        if element.start is not None:
            assert element.present and element.end is not None
            assert_span(text, element.start, element.end)
            assert element.evidence and element.evidence in text
        elif not element.present:
            assert element.question


def dumped(value: Any) -> Any:
    if isinstance(value, list):
        return [dumped(v) for v in value]
    return value.model_dump(mode="json")


def assert_deterministic(run: Callable[[str], Any], text: str) -> Any:
    first = run(text)
    assert dumped(run(text)) == dumped(first)
    return first


def check_lint(text: str) -> None:
    report = assert_deterministic(lint, text)
    assert_text_spans(text, report.findings)
    assert_text_spans(text, report.ambiguities)
    ambiguity_spans = [(a.start, a.end) for a in report.ambiguities]
    assert ambiguity_spans == sorted(ambiguity_spans)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(ambiguity_spans))


def check_context_pass(text: str) -> None:
    report = assert_deterministic(check_context, text)
    assert_context(text, report.elements)


def check_complexity(text: str) -> None:
    flags = assert_deterministic(find_complexity, text)
    assert_flags(text, flags)
    assert len({f.category for f in flags}) == len(flags)  # one flag per category


def check_analyze(text: str) -> None:
    analysis = assert_deterministic(analyze, text)
    assert_text_spans(text, analysis.findings)
    assert_text_spans(text, analysis.ambiguities)
    assert_flags(text, analysis.complexity)
    assert_context(text, analysis.context)


def fold(text: str) -> str:
    """Caseless form for comparing pieces with the text they came from (per character, so substrings stay)."""
    return text.casefold()


def _squash(estimate: str) -> str:
    """An estimate compared case- and white-space-insensitively ("0\\x85h" in the draft is "0\\nh" rewritten)."""
    return " ".join(fold(estimate).split())


def check_rewrite(text: str) -> None:
    result = assert_deterministic(rewrite, text)
    assert result.slots == find_slots(result.text)
    known = fold(f"{text}\n{TEMPLATES}")
    for claim in find_invented_claims(result.text, [text, TEMPLATES]):
        # A claim may be pieces of the draft glued by punctuation (pinned below); never a new word or number.
        assert all(fold(piece) in known for piece in re.findall(r"[^\W_]+", claim)), claim
    # Each source on its own: glued together, an unclosed "[" in the draft would open a slot over the templates.
    source_estimates = {_squash(e) for e in find_estimates(text) + find_estimates(TEMPLATES)}
    assert {_squash(e) for e in find_estimates(result.text)} <= source_estimates


CHECKS: dict[str, Callable[[str], None]] = {
    "lint": check_lint,
    "context": check_context_pass,
    "complexity": check_complexity,
    "analyze": check_analyze,
    "rewrite": check_rewrite,
}


# Inputs the fuzzer failed on once: each runs first in the default and the long run.
FOUND = (
    ":Can we just add it?",  # the rewrite's own 'Could' was reported as invented
    "Plan B shouldn't affect the timeline.2 teams asked.",  # _tidy fused 'B .2' into the claim 'B.2'
    "A0  A.\u03a30",  # the check itself: 'A.Σ0'.lower() has a final sigma, 'Σ0'.lower() does not
    "[A:0D",  # the check itself: the draft's unclosed '[' glued to the templates blanked its own '0D'
    "Aa: EXPECTED tO bE lOW.iTS A 0",  # 'Aa, My guess is …': a template's capital after an address read as a name
    "0 DAY iNSTEAD oF 1",  # 'The estimate is 1 DAY': the draft's unit given to a bare number made a new estimate
)


def with_found_examples(test: Callable[..., None]) -> Callable[..., None]:
    """`@example` for every input in FOUND."""
    for text in reversed(FOUND):
        test = example(text)(test)
    return test


# -------------------------------------------------------------------------- default run (~200 each)
@DEFAULT
@given(texts)
def test_lint_spans_are_exact_with_consistent_line_col_and_deterministic(text: str) -> None:
    check_lint(text)


@DEFAULT
@given(texts)
def test_context_evidence_spans_lie_inside_the_text_and_are_deterministic(text: str) -> None:
    check_context_pass(text)


@DEFAULT
@given(texts)
def test_complexity_triggers_are_exact_spans_one_per_category_and_deterministic(text: str) -> None:
    check_complexity(text)


@DEFAULT
@given(texts)
def test_analyze_never_raises_and_every_span_is_exact(text: str) -> None:
    check_analyze(text)


@DEFAULT
@with_found_examples
@given(texts)
def test_offline_rewrite_never_raises_invents_no_fact_or_estimate_and_is_deterministic(text: str) -> None:
    check_rewrite(text)


@pytest.mark.parametrize("name", list(CHECKS))
@pytest.mark.parametrize(
    "text",
    ["", " ", "\n", "İ" * 50, "e\u0301" * 30, "“just”", "```\nCan we just\n", "\r\nCan we just add it?\r\n"],
    ids=["empty", "space", "newline", "dotted-I", "combining", "curly-quoted", "open-fence", "crlf"],
)
def test_edge_inputs_hold_every_property(name: str, text: str) -> None:
    CHECKS[name](text)


def test_offline_self_check_does_not_report_the_rewrites_own_wording_as_invented() -> None:
    """Found by this fuzzer: ':Can we just add it?' was rewritten ':Could we…' and 'Could' reported."""
    assert run_task("rewrite", ":Can we just add it?").guards.findings == []


def test_the_rewrite_check_case_folds_a_final_sigma_the_same_way_on_both_sides() -> None:
    """Found by the long run (issue 14): lower() of the whole text and of a piece disagree on 'Σ'."""
    assert "A.Σ0".lower() == "a.ς0" and "Σ0".lower() == "σ0"  # why lower() could not be used
    assert fold("Σ0") in fold("A0  A.Σ0")
    check_rewrite("A0  A.Σ0")


def test_offline_rewrite_does_not_fuse_tokens_into_a_new_claim() -> None:
    """Found by this fuzzer: _tidy fused 'B .2' into 'B.2', an invented claim (fixed in f607e83)."""
    result = run_task("rewrite", "Plan B shouldn't affect the timeline.2 teams asked.")
    assert "B.2" not in result.result.text and result.guards.findings == []


# -------------------------------------------------------------------------- long run (10,000 each)
@pytest.mark.slow
@pytest.mark.parametrize("name", list(CHECKS))
def test_long_fuzz_run_holds_every_property_on_ten_thousand_inputs(name: str) -> None:
    check, calls = CHECKS[name], []
    started = time.perf_counter()

    @LONG
    @with_found_examples
    @given(texts)
    def run(text: str) -> None:
        calls.append(len(text))
        check(text)

    run()
    elapsed = time.perf_counter() - started
    calls = calls[len(FOUND) :]  # the explicit examples run first; count the generated ones
    print(f"\nfuzz {name}: {len(calls):,} examples in {elapsed:.0f} s, longest input {max(calls):,} chars")
    assert len(calls) >= 10_000


# -------------------------------------------------------------------------- the CI profile
@pytest.mark.parametrize(("ci", "expected"), [("true", "ci True None True"), ("", "default False")])
def test_ci_true_loads_the_derandomized_profile_with_no_database(ci: str, expected: str) -> None:
    code = (
        "import sys; sys.path.insert(0, 'tests'); import conftest; from hypothesis import settings; s = settings();"
        "print(conftest.HYPOTHESIS_PROFILE, s.derandomize, *((s.database, s.print_blob) if s.derandomize else ()))"
    )
    env = {**os.environ, "CI": ci}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == expected, done.stderr
