"""The app's rendering helpers and downloads, called directly: escaping, the word diff, the legend's
entries, the confidential-term parsing, and the Markdown download holding the whole result."""

from __future__ import annotations

from app_helpers import DRAFT

from app import components
from app.downloads import report_markdown
from app.engine import parse_terms
from assistant.schemas import PMContext
from assistant.tasks.drafts import run_analyze


def test_highlight_escapes_text_and_titles() -> None:
    text = 'a <b>"x"</b> & $1\nnext'
    marks = [components.Mark(2, 5, "#fff", 'why <"quoted">'), components.Mark(3, 9, "#fff", "overlap: dropped")]
    assert components.highlight(text, marks) == (
        'a <mark title="why &lt;&quot;quoted&quot;&gt;" style="background:#fff;padding:0 2px;'
        'border-radius:3px;">&lt;b&gt;</mark>&quot;x&quot;&lt;/b&gt; &amp; &#36;1<br>next'
    )


def test_word_diff_groups_replaced_words_and_ignores_whitespace() -> None:
    assert components.word_diff("Can we just add it?\nThanks", "Could we add it?\n\nThanks <3") == (
        '<del style="background:#ffe0e0;color:#a00">Can </del>'
        '<ins style="background:#dcf5dc;color:#060;text-decoration:none">Could </ins>we '
        '<del style="background:#ffe0e0;color:#a00">just </del>add it?<br><br>Thanks '
        '<ins style="background:#dcf5dc;color:#060;text-decoration:none">&lt;3</ins>'
    )


def test_every_highlight_colour_has_a_legend_entry() -> None:
    colours = {style[0] for style in components.SEVERITY_STYLE.values()}
    colours |= {components.VAGUE_STYLE[0], components.COMPLEXITY_COLOR, components.SLOT_STYLE[0]}
    assert {colour for _, colour, _ in components.LEGEND_ITEMS.values()} == colours
    assert "suggestion" in components.LEGEND_ITEMS


def test_confidential_terms_one_per_line_or_comma_separated() -> None:
    assert parse_terms("Acme, Project Falcon\n\n  Globex ,Acme\n") == ("Acme", "Project Falcon", "Globex")
    assert parse_terms("  \n , ") == ()


def test_markdown_download_holds_the_whole_result() -> None:
    context = PMContext(who="the finance team", deadline_flexible=False)
    report = run_analyze(DRAFT, context)
    md = report_markdown(DRAFT, context, report)
    for part in (
        "> Can we just add CSV export by March 15? Should be simple.",
        "# Context given\n\nWho needs it: the finance team\nDeadline can move: no",
        "# Rewritten draft\n\n" + report.rewrite.result.text.splitlines()[0],
        "- Who needs it: the finance team",
        "\n## Trust-damaging phrases",
        "\n### Import or export (`import-export`)",
        "\n### Complexity drivers",
        "# Guard findings\n\nNone: every guard passed.",
    ):
        assert part in md
