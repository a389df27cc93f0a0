"""The auditor's narrative (`commentary.md`), split into the board paper's parts.

Commentary is human-written and lives in the raw folder, so a rerun never loses it and
editing it needs no notebook change. It is user-supplied text bound for HTML: any raw
HTML in it is escaped, while Markdown formatting is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from audit_analysis.intake.config import AuditConfig
from audit_analysis.vocabulary import normalise_label

GENERAL_PARTS: tuple[tuple[str, str], ...] = (
    ("introduction", "Introduction"),
    ("audit_sample", "Audit sample"),
    ("methodology", "Methodology"),
    ("limitations", "Limitations"),
    ("summary", "Summary"),
)
OPTIONAL_PARTS: tuple[tuple[str, str], ...] = (
    ("key_messages", "Key messages"),
    ("board_asks", "Recommendations to the board"),
    ("returns", "Returns and completion"),
    ("overall_gradings", "Overall gradings"),
    ("key_areas", "Grades by key area"),
    ("coherence", "Coherence across agencies"),
    ("referral_history", "Referral history"),
    ("glossary", "Glossary"),
)
"""Parts the auditor may comment on; a final paper does not require them."""
_PART_SPELLINGS = {
    "key_messages": ("key messages", "key findings", "headlines", "main messages"),
    "board_asks": (
        "recommendations to the board",
        "the board is asked to",
        "board is asked to",
        "asks of the board",
        "decisions for the board",
        "for the board",
    ),
    "introduction": ("introduction", "intro", "background"),
    "audit_sample": ("audit sample", "sample", "the sample"),
    "methodology": ("methodology", "method", "methods"),
    "limitations": ("limitations", "limits", "caveats"),
    "summary": ("summary", "conclusions", "summary and conclusions", "overview"),
    "returns": ("returns and completion", "returns", "completion"),
    "overall_gradings": ("overall gradings", "overall grades", "gradings"),
    "key_areas": ("grades by key area", "key areas", "key area grades"),
    "coherence": ("coherence across agencies", "coherence", "coherency amongst agencies"),
    "referral_history": ("referral history", "referrals", "appendix 1 referral history"),
    "glossary": ("glossary", "abbreviations"),
}
_NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
PLACEHOLDER = "*Commentary to be added: write a `## {heading}` section in commentary.md.*"


class MissingCommentaryError(Exception):
    """A final (board) paper was asked for while commentary sections are still missing."""

    def __init__(self, audit_id: str, missing: list[str], message: str | None = None):
        self.missing = missing
        super().__init__(
            message
            or f"{audit_id}: commentary.md has no section for: {', '.join(missing)}. "
            "Add a '## <heading>' section for each, or export a draft."
        )


@dataclass(frozen=True)
class Commentary:
    """commentary.md, split by `## ` heading and keyed to the paper's parts."""

    sections: dict[str, str]
    unmatched: tuple[str, ...] = ()

    def get(self, key: str) -> str | None:
        return self.sections.get(key)


def escape_html_in_markdown(text: str) -> str:
    """Neutralise raw HTML while keeping Markdown: `<script>` shows as text, `**bold**` still renders."""
    return text.replace("&", "&amp;").replace("<", "&lt;")


def split_sections(text: str) -> dict[str, str]:
    """`## Heading` → body, in file order; text before the first heading is ignored."""
    sections: dict[str, str] = {}
    heading = None
    lines: list[str] = []
    for line in text.splitlines():
        match = re.match(r"^##\s+(.+?)\s*#*\s*$", line)
        if match and not line.startswith("###"):
            if heading is not None:
                sections[heading] = "\n".join(lines).strip()
            heading, lines = match.group(1), []
        elif heading is not None:
            lines.append(line)
    if heading is not None:
        sections[heading] = "\n".join(lines).strip()
    return sections


def part_key(heading: str, config: AuditConfig) -> str | None:
    """The paper part a heading belongs to: a general part, or `agency:<canonical name>`."""
    folded = normalise_label(heading)
    for key, spellings in _PART_SPELLINGS.items():
        if folded in {normalise_label(s) for s in spellings}:
            return key
    agency = config.agency_lookup.get(folded)
    return f"agency:{agency}" if agency else None


def parse_commentary(text: str, config: AuditConfig) -> Commentary:
    sections: dict[str, str] = {}
    unmatched = []
    for heading, body in split_sections(_without_html_comments(text)).items():
        key = part_key(heading, config)
        if key is None:
            unmatched.append(heading)
        elif body:
            sections[key] = body
    return Commentary(sections, tuple(unmatched))


def _without_html_comments(text: str) -> str:
    """Skeleton prompts are HTML comments: a section holding only a prompt is still unwritten."""
    return re.sub(r"<!--.*?-->", "", text, flags=re.S)


def heading_of(key: str) -> str:
    if key.startswith("agency:"):
        return key.split(":", 1)[1]
    return dict(GENERAL_PARTS + OPTIONAL_PARTS)[key]


def accepted_headings(agencies: Iterable[str]) -> str:
    return ", ".join([*(h for _, h in GENERAL_PARTS + OPTIONAL_PARTS), *agencies])


def small_numbers(text: str, threshold: int) -> list[str]:
    """Numbers from 1 to the threshold in a text, as digits or words: what a publication must not print."""
    words = _NUMBER_WORDS[:threshold]
    pattern = r"(?<![\w.,])(?:[1-9]\d*)(?![\w.,]\d)|\b(?:" + "|".join(words) + r")\b"
    found = []
    for match in re.finditer(pattern, text, flags=re.IGNORECASE):
        token = match.group(0)
        value = int(token) if token.isdigit() else _NUMBER_WORDS.index(token.lower()) + 1
        if 1 <= value <= threshold:
            found.append(token)
    return found


def sections_with_small_numbers(commentary: Commentary, threshold: int) -> dict[str, list[str]]:
    """Sections of the commentary that would disclose small numbers in a publication version."""
    flagged = {}
    for key, body in commentary.sections.items():
        numbers = small_numbers(body, threshold)
        if numbers:
            flagged[key] = numbers
    return flagged


def expected_parts(agencies_with_returns: Iterable[str]) -> list[str]:
    """Every part a final paper needs commentary for, in paper order."""
    general = [key for key, _ in GENERAL_PARTS]
    return [*general[:-1], *(f"agency:{a}" for a in agencies_with_returns), general[-1]]


def missing_parts(commentary: Commentary, agencies_with_returns: Iterable[str]) -> list[str]:
    return [key for key in expected_parts(agencies_with_returns) if commentary.get(key) is None]


def commentary_markdown(commentary: Commentary, key: str) -> str:
    """The part's commentary ready to display, or a visible placeholder in a draft."""
    body = commentary.get(key)
    if body is None:
        return PLACEHOLDER.format(heading=heading_of(key))
    return escape_html_in_markdown(body)


def require_complete(
    audit_id: str, commentary: Commentary, agencies_with_returns: Iterable[str]
) -> None:
    """For a final paper: raise, naming every missing section and every unknown heading."""
    missing = [heading_of(k) for k in missing_parts(commentary, agencies_with_returns)]
    if missing or commentary.unmatched:
        message = (
            f"{audit_id}: commentary.md has no section for: {', '.join(missing)}."
            if missing
            else f"{audit_id}: commentary.md has sections the paper cannot place."
        )
        if commentary.unmatched:
            message += (
                f" Headings that match no part of the paper: {', '.join(commentary.unmatched)}."
            )
        raise MissingCommentaryError(audit_id, missing, message + " Fix it, or export a draft.")
