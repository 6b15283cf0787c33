"""The trust-phrase linter: spans, quoting rules, inline silencing, severities and the ambiguity group."""

from __future__ import annotations

from assistant import lint
from assistant.checks.lint import find_ambiguities, find_trust_phrases

DRIVE_BY = "Can we just add CSV export by March 15? Should be simple."


def test_drive_by_request_flags_can_we_just_and_should_be_simple():
    findings = lint(DRIVE_BY).findings
    assert [f.rule_id for f in findings] == ["trivializing.can-we-just", "trivializing.should-be-simple"]
    assert all(f.severity == "error" for f in findings)


def test_finding_spans_are_code_point_offsets_that_point_at_the_match():
    text = "Émile 🚀 says: can we just ship it?\nIt should be simple."
    for finding in lint(text).findings:
        assert text[finding.start : finding.end] == finding.text


def test_line_and_column_are_one_based():
    text = "Hello team.\n\nCould you just add a toggle?"
    (finding,) = lint(text, ambiguity=False).findings
    assert (finding.line, finding.column) == (3, 1)
    assert finding.start == text.index("Could")


def test_every_finding_carries_message_why_and_replacements():
    for finding in lint("The estimate feels padded. Why so long? Just a minor tweak to the spec.").findings:
        assert finding.message and finding.why and finding.replacements
        assert finding.text in finding.message


def test_quoted_text_is_not_flagged():
    text = 'Last time someone wrote "should be simple" and it took a quarter.'
    assert not lint(text).findings


def test_curly_quoted_text_code_spans_and_block_quotes_are_not_flagged():
    text = "The phrase “can we just” is banned.\n`can we just` appears in code.\n> Can we just add it?\n"
    assert not lint(text).findings


def test_single_quoted_phrases_are_quotes_but_apostrophes_are_not():
    quoted = "Retro: agreed to ban 'can't you just' and 'should be quick' from ticket descriptions."
    assert not lint(quoted, ambiguity=False).findings
    assert not lint("Removing 'quick win' from the title, we don't know that yet.", ambiguity=False).findings
    # An apostrophe opens no quote: the phrase after "it's" and "users'" is still heard.
    assert lint("it's simple, can't you just add the users' export today?", ambiguity=False).findings


def test_the_same_span_is_reported_once_per_category():
    findings = lint("tbh 8 days for the SSO toggle feels padded.", ambiguity=False).findings
    spans = [(f.category, f.start, f.end) for f in findings]
    assert spans and len(spans) == len(set(spans))


def test_inline_ignore_comment_silences_the_named_rule_on_its_line():
    text = "Can we just add SSO? <!-- assistant-ignore trivializing.can-we-just -->"
    assert not lint(text, ambiguity=False).findings


def test_inline_ignore_comment_with_other_rule_id_keeps_the_finding():
    text = "Can we just add SSO? <!-- assistant-ignore blame -->"
    assert [f.rule_id for f in lint(text, ambiguity=False).findings] == ["trivializing.can-we-just"]


def test_ignore_comment_applies_to_the_next_line_only():
    text = "<!-- assistant-ignore -->\nCan we just add SSO?\nCan we just add SAML?"
    findings = lint(text, ambiguity=False).findings
    assert [f.line for f in findings] == [3]


def test_benign_uses_of_risky_words_are_not_flagged():
    benign = [
        "I just noticed the export drops the last column.",
        "The API should be simple to use for partners.",
        "The deadline is fixed. What would you need to hit it, and what trade-offs should I know about?",
        "Is there a smaller version we could ship in three weeks?",
        "Users can simply drag files into the window.",
        "It seems like a lot of users want this.",
        "Add padding to the buttons on mobile.",
        "A quick fix was deployed on Monday to stop the crash.",
    ]
    for sentence in benign:
        assert not find_trust_phrases(sentence, "warning"), sentence


def test_single_words_just_and_simple_alone_are_never_flagged():
    assert not lint("Just so you know, the simple view is live.", ambiguity=False).findings


def test_min_severity_filters_lower_findings():
    text = "Quick question: can we just add SSO?"
    all_ids = {f.rule_id for f in lint(text).findings}
    errors_only = {f.rule_id for f in lint(text, min_severity="error").findings}
    assert "interruption.quick-question" in all_ids
    assert errors_only == {"trivializing.can-we-just"}


def test_report_has_errors_only_for_error_severity():
    assert lint(DRIVE_BY).has_errors
    assert not lint("Quick question: when is the review?").has_errors


def test_lint_report_json_is_versioned():
    data = lint(DRIVE_BY).model_dump(mode="json")
    assert data["version"] == 1
    assert set(data) == {"version", "findings", "ambiguities"}
    assert {
        "rule_id",
        "category",
        "severity",
        "message",
        "why",
        "replacements",
        "text",
        "start",
        "end",
        "line",
        "column",
    } <= set(data["findings"][0])


def test_ambiguities_are_reported_with_the_engineer_question():
    (finding,) = find_ambiguities("The dashboard should be fast.")
    assert finding.category == "vague-quality"
    assert finding.text == "fast"
    assert finding.question.endswith("?")


def test_measurable_requirement_gets_no_ambiguity():
    assert not find_ambiguities("The project list loads in under 2 seconds at p95 for 10,000 projects.")


def test_each_ambiguity_category_is_detected():
    text = "Make it seamless. Support many file types, etc. Add PDF if possible."
    categories = {a.category for a in find_ambiguities(text)}
    assert categories == {"vague-quality", "vague-quantity", "open-ended", "optionality"}


def test_ambiguity_group_can_be_left_out():
    assert not lint("The dashboard should be fast.", ambiguity=False).ambiguities


def test_lint_is_deterministic():
    text = DRIVE_BY + " Six weeks seems like a lot. The team dropped the ball."
    assert lint(text) == lint(text)
