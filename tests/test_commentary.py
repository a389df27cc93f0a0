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
