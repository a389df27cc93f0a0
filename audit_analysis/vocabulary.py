"""The audit's controlled vocabulary: grade scales, key areas and return statuses.

Agencies type these by hand, so every term has the spellings people actually use.
Matching is on a normalised form (case, spacing and punctuation ignored).
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass, field

NOT_GRADED = "Not graded"

_NOT_GRADED_SPELLINGS = (
    "",
    "n/a",
    "na",
    "none",
    "no grade",
    "no grading",
    "no grading given",
    "not graded",
    "ungraded",
    "not applicable",
    "insufficient information",
    "insufficient info",
    "unable to grade",
    "-",
)


_BLANK_MARKS = frozenset({"", "-", "\u2013", "\u2014", "n/a", "N/A", "#N/A"})


def normalise_label(text: object) -> str:
    """Fold a typed label to a comparable key: 'Assessment, Analysis & Planning ' -> 'assessment analysis and planning'.

    Letters and digits of every script are kept (NFKC, then casefold), so 'Полиция' and 'Жильё'
    stay apart; only punctuation, symbols and spacing are dropped. Text with no letter or digit
    folds to '' and must never be used to match anything.
    """
    if text is None:
        return ""
    return _fold(str(text))


@functools.lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text.replace("&", " and ")).casefold()
    kept, previous = [], " "
    for c in folded:
        kind = unicodedata.category(c)[0]
        # a combining mark belongs to the letter before it; alone ('¨') it is punctuation
        previous = c if kind in "LN" or (kind == "M" and previous != " ") else " "
        kept.append(previous)
    return " ".join("".join(kept).split())


def has_letter_or_digit(text: object) -> bool:
    """True when a name has something to match on (a letter or digit of any script)."""
    return bool(normalise_label(text))


@dataclass(frozen=True)
class GradeScale:
    """An ordered grade scale, best first, plus the spellings each grade accepts.

    Scales are never pooled: a table carries the scale it was graded on.
    """

    key: str
    label: str
    grades: tuple[str, ...]
    good_or_better: tuple[str, ...]
    spellings: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def all_grades(self) -> tuple[str, ...]:
        """The grades in report order, with 'Not graded' last."""
        return (*self.grades, NOT_GRADED)

    @functools.cached_property
    def lookup(self) -> dict[str, str]:
        table = {normalise_label(g): g for g in self.grades}
        for grade, words in self.spellings.items():
            table.update({normalise_label(w): grade for w in words})
        table.update({normalise_label(w): NOT_GRADED for w in _NOT_GRADED_SPELLINGS})
        return table

    def parse(self, value: object) -> str | None:
        """The canonical grade for a typed value, or None when it is not on this scale."""
        if value is None or (isinstance(value, float) and value != value):
            return NOT_GRADED
        text = str(value)
        if re.fullmatch(r"\s*\d+\.0\s*", text):
            text = text.split(".")[0]
        folded = normalise_label(text)
        if not folded and text.strip() not in _BLANK_MARKS:
            return None
        return self.lookup.get(folded)


OFSTED = GradeScale(
    key="ofsted",
    label="Ofsted four-point scale",
    grades=("Outstanding", "Good", "Requires Improvement", "Inadequate"),
    good_or_better=("Outstanding", "Good"),
    spellings={
        "Outstanding": ("1", "O", "Outstanding (1)", "Grade 1"),
        "Good": ("2", "G", "Good (2)", "Grade 2"),
        "Requires Improvement": (
            "3",
            "RI",
            "R I",
            "Req Imp",
            "Req. Imp.",
            "Requires improvement to be good",
            "Requires improvements",
            "Required improvement",
            "Requiring improvement",
            "Requires Improvement (3)",
            "Grade 3",
        ),
        "Inadequate": ("4", "I", "Inadequate (4)", "Grade 4"),
    },
)

OFSTED_2025 = GradeScale(
    key="ofsted-2025",
    label="Ofsted five-point scale (November 2025)",
    grades=(
        "Exceptional",
        "Strong standard",
        "Expected standard",
        "Needs attention",
        "Urgent improvement",
    ),
    good_or_better=("Exceptional", "Strong standard", "Expected standard"),
    spellings={
        "Strong standard": ("Strong",),
        "Expected standard": ("Expected",),
        "Urgent improvement": ("Urgent improvement needed",),
    },
)

GRADE_SCALES: dict[str, GradeScale] = {s.key: s for s in (OFSTED, OFSTED_2025)}


@dataclass(frozen=True)
class KeyArea:
    """A key area of practice graded on each return."""

    key: str
    label: str
    description: str = ""
    aliases: tuple[str, ...] = ()


OVERALL = KeyArea(
    key="overall",
    label="Overall",
    description="The auditor's overall judgement of the agency's work with the child.",
    aliases=("Overall grade", "Overall grading", "Overall judgement", "Overall rating"),
)

DEFAULT_KEY_AREAS: tuple[KeyArea, ...] = (
    KeyArea(
        "recognition_and_response",
        "Recognition and Response",
        "Was the risk of neglect recognised, and was the response timely and proportionate?",
        ("Response and Recognition", "Recognition", "Recognition Response"),
    ),
    KeyArea(
        "voice_of_the_child",
        "Voice of the Child",
        "Are the child's views, wishes and lived experience recorded and acted on?",
        ("Voice of Child", "Child's Voice", "Voice"),
    ),
    KeyArea(
        "case_recording",
        "Case Recording",
        "Are records accurate, timely and detailed enough to follow the child's story?",
        ("Record Keeping", "Case Recording Record Keeping", "Recording", "Case Records"),
    ),
    KeyArea(
        "assessment_analysis_planning",
        "Assessment, Analysis and Planning",
        "Are needs and risks assessed and analysed, leading to clear plans?",
        ("Assessment Analysis Planning", "Assessment", "Assessment and Planning"),
    ),
    KeyArea(
        "supervision_and_management",
        "Supervision and Management",
        "Is there management oversight and reflective supervision of the work?",
        ("Management and Supervision", "Supervision", "Management Oversight"),
    ),
    KeyArea(
        "intervention_and_review",
        "Intervention and Review",
        "Did the help make a difference, and was it reviewed?",
        ("Review and Intervention", "Intervention", "Review"),
    ),
)

STATUSES: tuple[str, ...] = ("submitted", "incomplete", "not_submitted", "no_involvement")
STATUS_LABELS: dict[str, str] = {
    "submitted": "Submitted",
    "incomplete": "Incomplete",
    "not_submitted": "Not submitted",
    "no_involvement": "No involvement",
}
GRADED_STATUSES: tuple[str, ...] = ("submitted", "incomplete")

_STATUS_SPELLINGS: dict[str, tuple[str, ...]] = {
    "submitted": ("submitted", "complete", "completed", "returned", "received", "done", "yes"),
    "incomplete": ("incomplete", "partially complete", "partial", "part complete", "partly"),
    "not_submitted": (
        "not submitted",
        "not returned",
        "not received",
        "none received",
        "outstanding",
        "failed to submit",
        "no return",
        "missing",
    ),
    "no_involvement": (
        "no involvement",
        "no involvement in the audit period",
        "no involvement in period",
        "no contact",
        "not known to agency",
        "not involved",
        "no service in period",
    ),
}
_STATUS_LOOKUP = {normalise_label(w): k for k, ws in _STATUS_SPELLINGS.items() for w in ws}


def parse_status(value: object) -> str | None:
    """The canonical status key for a typed status, or None when unknown."""
    return _STATUS_LOOKUP.get(normalise_label(value))


def status_spellings() -> tuple[str, ...]:
    return tuple(STATUS_LABELS[k] for k in STATUSES)


def status_words() -> list[str]:
    """Every accepted spelling of a status, for near-miss suggestions."""
    return [w for words in _STATUS_SPELLINGS.values() for w in words]


def suggest(value: object, choices: list[str] | tuple[str, ...]) -> str | None:
    """The closest accepted choice to a mistyped value, if one is close enough."""
    text = normalise_label(value)
    if not text:
        return None
    folded = {normalise_label(c): c for c in choices}
    match = difflib.get_close_matches(text, list(folded), n=1, cutoff=0.75)
    return folded[match[0]] if match else None


def read_month_first(value: object) -> dt.date | None:
    """The date a text like 03/25/2016 is when read month first (US style), if it is one only
    that way; None for anything else. For a hint beside "not a date"."""
    match = re.fullmatch(r"\s*(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})\s*", str(value))
    if not match or int(match[3]) <= 12:  # 03/05/2016 reads day first too: nothing to say
        return None
    try:
        return dt.date(int(match[4]), int(match[1]), int(match[3]))
    except ValueError:
        return None


def case_sort_key(case_id: object) -> tuple[tuple[int, int, str], ...]:
    """Natural order of case ids, so case 10 follows case 9 and 'A2' precedes 'A10'."""
    parts = re.findall(r"\d+|\D+", str(case_id).strip())
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p.lower()) for p in parts)


def slug(text: str) -> str:
    """A file-name-safe form of a name: 'Health & Care' → 'health-care'.

    One function for every file named after an agency, so validation can find two agencies
    that would write the same file before a run does.
    """
    return "-".join("".join(c.lower() if c.isalnum() else " " for c in text).split())
