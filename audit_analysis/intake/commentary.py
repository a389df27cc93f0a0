"""The auditor's narrative (`commentary.md`), split into the board paper's parts.

Commentary is human-written and lives in the raw folder, so a rerun never loses it and
editing it needs no notebook change. It is user-supplied text bound for HTML and Word: it is
made safe here, once, for every renderer (`safe_markdown`): raw HTML is escaped, links to
anything but web pages, e-mail addresses and telephone numbers are shown as text, while
Markdown formatting is kept.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser

from audit_analysis.intake.config import AuditConfig
from audit_analysis.light_imports import skip_slow_optional_imports
from audit_analysis.vocabulary import normalise_label

skip_slow_optional_imports()  # before anything here, or a kernel's warm-up, loads nbconvert

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
PLACEHOLDER_MARK = "Commentary to be added"
"""Begins every placeholder: a paper that shows one is a draft, however it is exported."""
PLACEHOLDER = f"*{PLACEHOLDER_MARK}: write a `## {{heading}}` section in commentary.md.*"


class MissingCommentaryError(Exception):
    """A final (board) paper was asked for while it is unfinished: commentary sections are
    missing, or audit.yaml still holds the scaffold's [placeholders]."""

    def __init__(self, audit_id: str, missing: list[str], message: str | None = None):
        self.missing = missing
        super().__init__(
            message
            or f"{audit_id}: commentary.md has no section for: {', '.join(missing)}. "
            "Add a '## <heading>' section for each, or export a draft."
        )


@dataclass(frozen=True)
class Commentary:
    """commentary.md, split by `## ` heading and keyed to the paper's parts; each section is
    already safe Markdown (see `safe_markdown`), whatever renders it."""

    sections: dict[str, str]
    unmatched: tuple[str, ...] = ()

    def get(self, key: str) -> str | None:
        return self.sections.get(key)


def escape_html_in_markdown(text: str) -> str:
    """Neutralise raw HTML while keeping Markdown: `<script>` shows as text, `**bold**` still renders."""
    return text.replace("&", "&amp;").replace("<", "&lt;")


SAFE_LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
"""Links a reader may follow; `javascript:`, `vbscript:`, `data:`, `file:` and the rest are not."""
SAFE_IMAGE_PREFIXES = ("data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp")
# '](destination' of an inline link or image, and '[label]: destination' of a reference
# definition (its destination may be on the next line; it may sit in a quote or list item).
_INLINE_DESTINATION = re.compile(r"\]\(\s*(?P<dest>[^\s)]*)")
_DEFINITION = re.compile(
    r"^(?P<lead>[ \t>*+\-\d.)]*)\[(?P<label>(?:[^\]\\\n]|\\.){1,999})\]:[ \t]*\n?[ \t]*(?P<dest>\S+)",
    re.MULTILINE,
)


def link_scheme(destination: str) -> str | None:
    """The scheme a browser would see in a link destination, through case, whitespace,
    entity and backslash tricks ('  JaVa&#x09;Script\\:' → 'javascript'); None when relative."""
    text = html.unescape(html.unescape(destination))
    text = re.sub(r"\\(?=[!-/:-@\[-`{-~])", "", text)
    text = "".join(c for c in text if c > " " and not c.isspace() and c != "\x7f")
    match = re.match(r"<?([A-Za-z][A-Za-z0-9+.\-]*):", text)
    return match.group(1).lower() if match else None


def is_safe_link(destination: str) -> bool:
    """A destination that cannot run code: relative, web, e-mail, telephone, or an embedded
    picture (data:image/png and the like, never data:text/html or an SVG, which can hold script)."""
    scheme = link_scheme(destination)
    if scheme == "data":
        text = "".join(c for c in html.unescape(destination) if not c.isspace()).lower()
        return text.lstrip("<").startswith(SAFE_IMAGE_PREFIXES)
    return scheme is None or scheme in SAFE_LINK_SCHEMES


_INLINE_IMAGE = re.compile(r"!\[(?:[^\]\\]|\\.)*\]\(\s*<?(?P<src>[^\s)>]*)")
_REFERENCE_IMAGE = re.compile(r"!\[(?P<text>(?:[^\]\\]|\\.)*)\](?:\[(?P<label>[^\]]*)\])?")


def images_not_embedded(text: str) -> list[tuple[int, str]]:
    """(line, source) of every Markdown image that is not embedded as a data:image URI.

    The paper must open offline (from an e-mail or a USB stick), so a remote or local
    image would stop the export; validation names the line instead.
    """
    definitions = {
        normalise_label(m.group("label")) or m.group("label"): m.group("dest")
        for m in _DEFINITION.finditer(text)
    }
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _INLINE_IMAGE.finditer(line):
            found.append((number, match.group("src")))
        for match in _REFERENCE_IMAGE.finditer(line):
            if line[match.end() : match.end() + 1] == "(":
                continue
            label = match.group("label") or match.group("text")
            dest = definitions.get(normalise_label(label) or label)
            if dest is not None:
                found.append((number, dest.strip("<>")))
    return [(n, src) for n, src in found if not src.lower().startswith(SAFE_IMAGE_PREFIXES)]


def unsafe_links(text: str) -> list[tuple[int, str]]:
    """(line, destination) of every link that `safe_markdown` will show as text."""
    found = []
    for pattern in (_INLINE_DESTINATION, _DEFINITION):
        for match in pattern.finditer(text):
            if not is_safe_link(match.group("dest")):
                found.append((text.count("\n", 0, match.start()) + 1, match.group("dest")))
    return sorted(found)


def safe_markdown(text: str) -> str:
    """Commentary as Markdown that no renderer can turn into running code or a live unsafe link.

    Raw HTML is escaped; a link or image whose destination is unsafe loses the bracket that
    makes it a link, so it shows as the text that was typed. The result is checked by rendering
    it as the paper does; if a trick got through, every link in the text is shown as text.
    """
    escaped = escape_html_in_markdown(text)

    def inline(match: re.Match) -> str:
        if is_safe_link(match.group("dest")):
            return match.group(0)
        return "]\\(" + match.group(0)[2:]

    def definition(match: re.Match) -> str:
        if is_safe_link(match.group("dest")):
            return match.group(0)
        return match.group("lead") + "\\" + match.group(0)[len(match.group("lead")) :]

    neutral = _DEFINITION.sub(definition, _INLINE_DESTINATION.sub(inline, escaped))
    if unsafe_links_in(neutral):
        neutral = neutral.replace("[", "\\[").replace("]", "\\]")
    return neutral


def unsafe_links_in(markdown: str) -> list[str]:
    """The unsafe link and image destinations a Markdown text renders to, as the paper renders
    it: with nbconvert's own renderer, whose math parsing moves where links are and which keeps
    harmful links as written (mistune's default renderer would hide them as `#harmful-link`)."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    collector = _Destinations()
    collector.feed(markdown2html_mistune(markdown))
    collector.close()
    return [value for value in collector.found if not is_safe_link(value)]


class _Destinations(HTMLParser):
    """Every href and src in a piece of HTML (attribute values arrive with entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "xlink:href", "action", "formaction") and value is not None:
                self.found.append(value)


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
            sections[key] = safe_markdown(body)
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


_NUMBER_WORDS = (
    *("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen"),
    *("sixteen", "seventeen", "eighteen", "nineteen", "twenty"),
)
_IDIOMS: tuple[tuple[str, int], ...] = (
    (r"a single|single|sole|lone|the only|only one|a lone", 1),
    (r"both|twice|a couple|couple of|a pair|pair of|twins|either of the", 2),
    (r"thrice|triplets", 3),
    (r"a handful|handful of", 2),
)
"""Idioms that say how many without a digit (the number is the smallest it implies)."""
_FRACTIONS = (
    r"\b(?:half|halves|a third|one third|two thirds|a quarter|one quarter|three quarters|"
    r"a fifth|one fifth)\b|(?<![\d/])\d+\s*/\s*\d+(?![\d/])|"
    r"\b\d+\s+(?:in|out of)\s+(?:every\s+)?\d+\b|[\u00bc-\u00be\u2150-\u215e]"
)
_ROMAN = r"(?<![\w(])(?=[IVX]{2,}\b)X{0,2}(?:IX|IV|V?I{0,3})\b(?!\))"
_PERCENT = r"(\d+(?:\.\d+)?)\s*(?:%|per\s*cent|percent)"
_NOT_A_COUNT = r"no one|one another|any one|every one|someone|one-off|one of a kind"


def _roman_value(token: str) -> int:
    values = {"I": 1, "V": 5, "X": 10}
    total = 0
    for this, after in zip(token, [*token[1:], ""], strict=True):
        total += -values[this] if after and values[after] > values[this] else values[this]
    return total


def small_numbers(text: str, threshold: int, bases: Iterable[int] = ()) -> list[str]:
    """Where a text says a number from 1 to the threshold — digits, words, idioms ("a single",
    "both", "twice", "a handful"), roman numerals, fractions, or a percentage that is a small
    count of one of `bases` (the paper's totals; with none given, every percentage but 0 and
    100) — each as '"phrase" (line N: the line)', the line counted within the text."""
    bases = [b for b in bases if b > 0]
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for phrase in _small_phrases(line, threshold, bases):
            shown = line.strip() if len(line.strip()) <= 90 else line.strip()[:87] + "…"
            found.append(f'"{phrase}" (line {number}: {shown})')
    return found


def _small_phrases(line: str, threshold: int, bases: list[int]) -> list[str]:
    spans: list[tuple[int, str]] = []
    cleared = re.sub(_NOT_A_COUNT, lambda m: " " * len(m.group(0)), line, flags=re.I)
    words = "|".join(_NUMBER_WORDS[:threshold])
    digits_or_words = r"(?<![\w.,/%])(?:[1-9]\d*)(?![\w/%]|[.,]\d|\s*(?:%|per\s*cent))|\b(?:" + (
        words + r")\b"
    )
    for match in re.finditer(digits_or_words, cleared, flags=re.IGNORECASE):
        token = match.group(0)
        value = int(token) if token.isdigit() else _NUMBER_WORDS.index(token.lower()) + 1
        if 1 <= value <= threshold:
            spans.append((match.start(), _with_next_word(cleared, match)))
    for pattern, value in _IDIOMS:
        if value <= threshold:
            for match in re.finditer(rf"\b(?:{pattern})\b", cleared, flags=re.IGNORECASE):
                spans.append((match.start(), _with_next_word(cleared, match)))
    for match in re.finditer(_FRACTIONS, cleared, flags=re.IGNORECASE):
        if match.group(0)[0].isdigit() or not re.match(
            r"\w", cleared[match.end() : match.end() + 1]
        ):
            spans.append((match.start(), _with_next_word(cleared, match)))
    for match in re.finditer(_ROMAN, cleared):
        if match.group(0) and 1 <= _roman_value(match.group(0)) <= threshold:
            spans.append((match.start(), match.group(0)))
    for match in re.finditer(_PERCENT, cleared, flags=re.IGNORECASE):
        if _small_share(float(match.group(1)), threshold, bases):
            spans.append((match.start(), match.group(0)))
    return [phrase for _, phrase in sorted(spans)]


def _with_next_word(line: str, match: re.Match) -> str:
    """The phrase and the word after it ("one child"), so the auditor sees what it counts."""
    after = re.match(r"\s+([A-Za-z][\w'-]*)", line[match.end() :])
    return match.group(0) + (f" {after.group(1)}" if after else "")


def _small_share(percent: float, threshold: int, bases: list[int]) -> bool:
    """A percentage of a total whose count (or whose complement) is from 1 to the threshold."""
    if not 0 < percent < 100:
        return False
    if not bases:
        return True
    counts = [(round(percent * base / 100), base) for base in bases]
    return any(1 <= n <= threshold or 1 <= base - n <= threshold for n, base in counts)


def sections_with_small_numbers(
    commentary: Commentary, threshold: int, bases: Iterable[int] = ()
) -> dict[str, list[str]]:
    """Sections of the commentary that would disclose small numbers in a publication version:
    each with its phrases and the lines they are on (see small_numbers)."""
    bases = list(bases)
    flagged = {}
    for key, body in commentary.sections.items():
        numbers = small_numbers(body, threshold, bases)
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
    return body


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
