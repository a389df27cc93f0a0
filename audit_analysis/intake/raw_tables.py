"""The raw files' contract: which files an audit folder holds, their columns, and tables as read.

Shared by the CSV reader (loading.py) and the workbook reader (workbooks.py), so both match
headers the same way and remember where every value came from.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from audit_analysis.intake.config import AuditConfig
from audit_analysis.problems import Problem, error, warning
from audit_analysis.vocabulary import KeyArea, normalise_label, suggest

SUBMISSIONS = "submissions.csv"
CASES = "cases.csv"
REFERRALS = "referrals.csv"
RECOMMENDATIONS = "recommendations.csv"
CONCERNS = "concerns.csv"
COMMENTARY = "commentary.md"
THEMES = "themes.yaml"
PUBLICATION_COMMENTARY = "commentary-publication.md"
COMMENTARY_FILES = (COMMENTARY, PUBLICATION_COMMENTARY)
"""The auditor's words: what a commentary-only edit changes, and nothing else."""
RETURNS_DIR = "returns"

ROW = "_row"
csv.field_size_limit(2**31 - 1)  # evidence cells can be long; Excel allows 32,767 characters
EVIDENCE_WORDS = ("evidence", "notes", "comments", "comment", "note")


@dataclass(frozen=True)
class Column:
    key: str
    aliases: tuple[str, ...] = ()
    required: bool = True


@dataclass(frozen=True)
class TableSpec:
    file: str
    columns: tuple[Column, ...]

    @property
    def required(self) -> list[str]:
        return [c.key for c in self.columns if c.required]


CASE_ID = Column(
    "case_id", ("case id", "case", "case no", "case number", "case ref", "child id", "id")
)

CASES_SPEC = TableSpec(
    CASES,
    (
        CASE_ID,
        Column("age", ("age years", "age in years")),
        Column("gender", ("sex", "gender sex")),
        Column("ethnicity", ("ethnic group", "ethnic origin"), required=False),
        Column("disability", ("disabled", "disabilities", "send"), required=False),
        Column("issues", ("outline issues", "issue", "presenting issues"), required=False),
    ),
)

REFERRALS_SPEC = TableSpec(
    REFERRALS,
    (
        CASE_ID,
        Column("date", ("referral date", "date of referral", "date received")),
        Column("referrer", ("referred by", "referral source", "source")),
        Column("category", ("referral category", "reason", "category of referral")),
        Column("outcome", ("referral outcome", "decision", "outcome of referral")),
    ),
)

RECOMMENDATIONS_SPEC = TableSpec(
    RECOMMENDATIONS,
    (
        Column("scope", ("agency", "for", "recommendations for")),
        Column("number", ("no", "rec no", "recommendation number", "ref")),
        Column("text", ("recommendation", "recommendation text", "action")),
        Column("owner", ("lead", "responsible", "who"), required=False),
        Column("due", ("due date", "deadline", "by when", "target date"), required=False),
        Column("status", ("progress", "rag"), required=False),
    ),
)


CONCERNS_SPEC = TableSpec(
    CONCERNS,
    (
        CASE_ID,
        Column("agency", ("organisation", "service", "raised by", "agency name")),
        Column("concern", ("concern raised", "concerns", "immediate concern", "issue")),
        Column("date", ("date raised", "raised on", "date of concern")),
        Column("action", ("action taken", "actions", "response", "follow up"), required=False),
        Column("status", ("concern status", "open or closed", "state")),
    ),
)
"""The optional immediate-concerns log: a child found at risk now, and what was done."""


def submissions_spec(areas_with_overall: Iterable[KeyArea]) -> TableSpec:
    """Submissions are wide, one column per key area, so their contract depends on the audit's areas."""
    return TableSpec(
        SUBMISSIONS,
        (
            CASE_ID,
            Column("agency", ("organisation", "service", "agency name")),
            Column("status", ("return status", "audit status", "submission status")),
            *(Column(a.key, (a.label, *a.aliases)) for a in areas_with_overall),
            Column("evidence", EVIDENCE_WORDS, required=False),
            Column(
                "moderated",
                ("moderated grade", "moderated overall", "panel grade", "moderation grade"),
                required=False,
            ),
        ),
    )


@dataclass
class RawTable:
    """One table as read from one file, with canonical columns and where each came from.

    `frame` holds strings exactly as typed (stripped of nothing), plus `_row`: the row
    number a spreadsheet would show. `headers` maps each canonical column to the header
    the person wrote; `letters` (workbooks only) maps it to the column letter.
    """

    file: str
    frame: pd.DataFrame
    headers: dict[str, str]
    sheet: str | None = None
    letters: dict[str, str] = field(default_factory=dict)
    evidence_columns: dict[str, str] = field(default_factory=dict)

    def where(self, row: int | None, column: str | None) -> dict:
        """Keyword arguments locating a value, for a Problem."""
        header = self.headers.get(column, column) if column else None
        if self.sheet is None:
            return {"row": row, "column": header}
        if column in self.letters and row is not None:
            return {
                "sheet": self.sheet,
                "cell": f"{self.letters[column]}{row}",
                "column": header,
                "row": row,
            }
        return {"sheet": self.sheet, "row": row, "column": header}


@dataclass
class RawAudit:
    """Everything read from data/raw/<audit-id>/, before any value is judged."""

    audit_id: str
    folder: Path
    config: AuditConfig | None
    tables: dict[str, list[RawTable]]
    commentary: str
    problems: list[Problem]
    publication_commentary: str | None = None


def match_headers(
    headers: list[str], spec: TableSpec, file: str, sheet: str | None = None
) -> tuple[dict[int, str], dict[str, str], dict[int, str], list[Problem]]:
    """Map typed headers to canonical column keys, forgiving case, spacing and punctuation.

    Returns (position → key, key → typed header, position → evidence area key, problems).
    """
    lookup: dict[str, str] = {}
    for column in spec.columns:
        for spelling in (column.key, *column.aliases):
            lookup.setdefault(normalise_label(spelling), column.key)
    area_keys = {
        c.key: c for c in spec.columns if c.key not in {"case_id", "agency", "status", "evidence"}
    }
    positions: dict[int, str] = {}
    typed: dict[str, str] = {}
    evidence: dict[int, str] = {}
    problems: list[Problem] = []
    where = {"sheet": sheet} if sheet else {}
    for position, header in enumerate(headers):
        folded = normalise_label(header)
        if not folded:
            continue
        key = lookup.get(folded)
        if key is None and spec.file == SUBMISSIONS:
            key = _evidence_area(folded, lookup, area_keys)
            if key is not None:
                if key in evidence.values():
                    first = headers[next(p for p, k in evidence.items() if k == key)]
                    problems.append(
                        error(
                            file,
                            f"two evidence columns for '{key}' ('{first}' and '{header}'): "
                            "merge them into one",
                            column=header,
                            **where,
                        )
                    )
                else:
                    evidence[position] = key
                continue
        if key is None:
            close = suggest(header, list(lookup))
            problems.append(
                warning(
                    file,
                    "unknown column, ignored",
                    column=header,
                    suggestion=lookup[close] if close else None,
                    accepted=", ".join(c.key for c in spec.columns),
                    **where,
                )
            )
            continue
        if key in typed:
            problems.append(
                error(
                    file,
                    f"two columns both mean '{key}' ('{typed[key]}' and '{header}')",
                    column=header,
                    **where,
                )
            )
            continue
        positions[position] = key
        typed[key] = header
    missing = [key for key in spec.required if key not in typed]
    missing_areas = [k for k in missing if k in area_keys and k != "overall"]
    if spec.file == SUBMISSIONS and missing_areas:
        problems.append(_missing_areas_problem(missing_areas, area_keys, typed, file, where))
        missing = [k for k in missing if k not in missing_areas]
    for key in missing:
        problems.append(
            error(
                file,
                f"required column '{key}' is missing",
                accepted="a header row with " + ", ".join(spec.required),
                **where,
            )
        )
    return positions, typed, evidence, problems


def _missing_areas_problem(
    missing: list[str], area_keys: dict, typed: dict[str, str], file: str, where: dict
) -> Problem:
    """One error for key-area columns the returns do not have: the usual cause is an audit that
    grades other (or fewer) areas than the default six, and the remedy is `key_areas` in audit.yaml."""
    present = [key for key in area_keys if key in typed and key != "overall"]
    areas = ", ".join(
        f"{{key: {k}, label: {json.dumps(area_keys[k].aliases[0])}}}" for k in present
    )
    inferred = (
        f". The headers grade {len(present)} area(s); if those are all this audit grades, "
        f"add to audit.yaml:  key_areas: [{areas}]"
        if present
        else ""
    )
    return error(
        file,
        f"no column for key area(s) {', '.join(repr(k) for k in missing)}: add the column(s), or "
        f"list the key areas this audit grades under `key_areas` in audit.yaml{inferred}",
        accepted="a column for every key area of the audit (see key_areas in docs/data-format.md)",
        **where,
    )


def _evidence_area(folded: str, lookup: dict[str, str], area_keys: dict) -> str | None:
    """'Voice of the Child evidence' → 'voice_of_the_child'; plain 'Notes' was matched earlier."""
    for word in EVIDENCE_WORDS:
        for form in (f" {word}", f" {word}s"):
            if folded.endswith(form):
                stem = folded[: -len(form)].strip()
                key = lookup.get(stem)
                if key in area_keys:
                    return key
    return None
