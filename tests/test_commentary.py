"""Commentary: split by heading, matched to the paper's parts, escaped, placeholders and final checks."""

from __future__ import annotations

import pytest
from conftest import MINIMAL_AUDIT

from audit_analysis.intake.commentary import (
    MissingCommentaryError,
    commentary_markdown,
    missing_parts,
    parse_commentary,
    require_complete,
)
from audit_analysis.intake.config import parse_config

CONFIG, _ = parse_config((MINIMAL_AUDIT / "audit.yaml").read_text())

TEXT = """Preamble is ignored.

## Introduction
Why we audited.

## The Sample
Ten children.

## MASH
Threshold decisions relied on the parent's account.

### A sub-heading stays in its section
More.

## Something else
Not a part of the paper.

## Summary

"""


def test_sections_are_matched_to_parts_by_heading_and_alias():
    commentary = parse_commentary(TEXT, CONFIG)
    assert commentary.get("introduction") == "Why we audited."
    assert commentary.get("audit_sample") == "Ten children."
    assert commentary.get("agency:Children's Social Care").startswith("Threshold decisions")
    assert "### A sub-heading" in commentary.get("agency:Children's Social Care")
    assert commentary.unmatched == ("Something else",)
    assert commentary.get("summary") is None


def test_missing_sections_show_a_placeholder_and_fail_a_final_paper():
    commentary = parse_commentary(TEXT, CONFIG)
    assert missing_parts(commentary, ["Children's Social Care", "Police"]) == [
        "methodology",
        "limitations",
        "agency:Police",
        "summary",
    ]
    assert "Commentary to be added" in commentary_markdown(commentary, "agency:Police")
    with pytest.raises(MissingCommentaryError) as raised:
        require_complete("minimal-audit", commentary, ["Children's Social Care", "Police"])
    assert "Methodology, Limitations, Police, Summary" in str(raised.value)


def test_raw_html_in_commentary_is_escaped_but_markdown_kept():
    commentary = parse_commentary(
        "## Introduction\n**Bold** <script>alert(1)</script> & more\n", CONFIG
    )
    shown = commentary_markdown(commentary, "introduction")
    assert "<script>" not in shown and "&lt;script>" in shown
    assert "**Bold**" in shown and "&amp; more" in shown


def test_a_section_holding_only_the_skeleton_prompt_counts_as_missing():
    commentary = parse_commentary("## Introduction\n<!-- Write the introduction here -->\n", CONFIG)
    assert commentary.get("introduction") is None


def test_key_messages_and_the_board_s_decisions_are_optional_front_parts():
    text = "## Key Messages\n- One.\n\n## The board is asked to\n- Note it.\n"
    commentary = parse_commentary(text, CONFIG)
    assert commentary.sections == {"key_messages": "- One.", "board_asks": "- Note it."}
    assert commentary.unmatched == ()
    assert "key_messages" not in missing_parts(commentary, [])
    other = parse_commentary("## Recommendations to the Board\nAgree.\n", CONFIG)
    assert other.sections == {"board_asks": "Agree."}


# -- small numbers a publication must not print ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("A single child was known to Housing.", '"A single child"'),
        ("Only one child had a plan.", '"Only one child"'),
        ("Both girls were referred.", '"Both girls"'),
        ("She was referred twice.", '"twice"'),
        ("A couple of children moved.", '"A couple of"'),
        ("A handful of families declined.", '"A handful of"'),
        ("Two of the agencies did not reply.", '"Two of"'),
        ("Cases III and IV were stepped down.", '"III"'),
        ("Half of the children were under 5.", '"Half of"'),
        ("¾ of referrals came from schools.", '"¾ of"'),
        ("1/3 of the audits were late.", '"1/3 of"'),
        ("20% of the children were disabled.", '"20%"'),
        ("3 children were subject to a plan.", '"3 children"'),
    ],
)
def test_small_numbers_in_words_idioms_numerals_and_fractions_are_caught(text, phrase):
    from audit_analysis.intake.commentary import small_numbers

    found = small_numbers(f"Context line.\n{text}", threshold=5, bases=[10])
    assert found and found[0].startswith(f"{phrase} (line 2: {text[:20]}")


def test_numbers_that_count_no_one_small_pass():
    from audit_analysis.intake.commentary import small_numbers

    text = (
        "No one was missed. Police returned 48 audits on 12/03/2016 (ii) on behalf of the board; "
        "50% of the 48 audits were Good. I think 2.5 days is typical. The 100% return rate held."
    )
    assert small_numbers(text, threshold=5, bases=[48]) == []


def test_sections_with_small_numbers_name_each_phrase_with_its_line():
    from audit_analysis.intake.commentary import sections_with_small_numbers

    commentary = parse_commentary(
        "## Introduction\nWe audited 12 cases.\nBoth boys were known.\n", CONFIG
    )
    assert sections_with_small_numbers(commentary, 5) == {
        "introduction": ['"Both boys" (line 2: Both boys were known.)']
    }
