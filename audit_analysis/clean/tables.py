"""The processed tables, declared once: columns, types, allowed values and what a row is.

Cleaning builds its frames with these columns; processed.py derives the pandera schemas it
checks on write and on read, and the types it reads with; docs/data-format.md's table of the
processed files is generated from here (a test fails when they drift).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandera.pandas as pa

from audit_analysis.intake.config import AuditConfig
from audit_analysis.vocabulary import RECORDED_STATUSES

TEXT, COUNT, AGE, DATE = "text", "count", "age", "date"
DTYPES = {TEXT: str, COUNT: "int64", AGE: "Int64", DATE: "datetime64[ns]"}
GENDERS = ("Male", "Female", "Other", "Not known")
DISABILITY = ("Yes", "No", "Not known")
PERIODS = ("before", "during", "after")

Allowed = Callable[[AuditConfig], Sequence[str]]


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = TEXT
    allowed: Allowed | None = None
    allowed_text: str = ""
    nullable: bool = False
    unique: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    row: str
    columns: tuple[Column, ...]
    unique: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def file(self) -> str:
        return f"{self.name}.csv"


def _fixed(values: Sequence[str]) -> Allowed:
    return lambda _config: list(values)


AUDIT_ID = Column("audit_id", allowed=lambda config: [config.id], allowed_text="the audit's id")
CASE_ID = Column("case_id")
AGENCY = Column(
    "agency",
    allowed=lambda config: list(config.agency_names),
    allowed_text="an agency in audit.yaml",
)
STATUS = Column(
    "status", allowed=_fixed(RECORDED_STATUSES), allowed_text=", ".join(RECORDED_STATUSES)
)
AREA = Column(
    "area",
    allowed=lambda config: [a.key for a in config.areas_with_overall],
    allowed_text="a key area's key, or overall",
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "gradings",
            "(case, agency, area) of every return",
            (
                AUDIT_ID,
                CASE_ID,
                AGENCY,
                STATUS,
                AREA,
                Column(
                    "grade",
                    allowed=lambda config: list(config.scale.all_grades),
                    allowed_text="a grade of the audit's scale, or Not graded",
                ),
            ),
            unique=("case_id", "agency", "area"),
        ),
        Table(
            "returns",
            "return; `source` is where it was read from",
            (AUDIT_ID, CASE_ID, AGENCY, STATUS, Column("source")),
            unique=("case_id", "agency"),
        ),
        Table(
            "evidence",
            "non-blank evidence cell (`area` is `overall` for the return as a whole)",
            (AUDIT_ID, CASE_ID, AGENCY, AREA, Column("text")),
        ),
        Table(
            "cases",
            "case",
            (
                AUDIT_ID,
                Column("case_id", unique=True),
                Column("age", AGE, nullable=True, allowed_text="0 to 25, or blank"),
                Column("gender", allowed=_fixed(GENDERS), allowed_text=", ".join(GENDERS)),
                Column("ethnicity"),
                Column(
                    "disability", allowed=_fixed(DISABILITY), allowed_text=", ".join(DISABILITY)
                ),
                Column("issues"),
            ),
        ),
        Table(
            "referrals",
            "referral",
            (
                AUDIT_ID,
                CASE_ID,
                Column("date", DATE, allowed_text="ISO date"),
                Column("referrer"),
                Column("category"),
                Column("outcome"),
                Column("period", allowed=_fixed(PERIODS), allowed_text=", ".join(PERIODS)),
            ),
        ),
        Table(
            "recommendations",
            "recommendation; `heading` is the scope as written (e.g. MASH for Children's Social Care)",
            (
                AUDIT_ID,
                Column("scope", allowed_text="Multi-agency or an agency in audit.yaml"),
                Column("heading"),
                Column("number", COUNT, allowed_text="1 or more"),
                Column("text"),
                Column("owner"),
                Column("due"),
                Column("status"),
            ),
            unique=("scope", "number"),
        ),
        Table(
            "moderation",
            "return a moderation panel graded (optional `moderated` column of submissions.csv)",
            (
                AUDIT_ID,
                CASE_ID,
                AGENCY,
                Column(
                    "self_grade",
                    allowed=lambda config: list(config.scale.all_grades),
                    allowed_text="the agency's own overall grade",
                ),
                Column(
                    "moderated_grade",
                    allowed=lambda config: list(config.scale.grades),
                    allowed_text="a grade of the audit's scale",
                ),
            ),
            unique=("case_id", "agency"),
        ),
        Table(
            "concerns",
            "immediate concern raised during the audit (optional `concerns.csv`)",
            (
                AUDIT_ID,
                CASE_ID,
                AGENCY,
                Column("concern"),
                Column("date", DATE, allowed_text="ISO date"),
                Column("action"),
                Column("status", allowed=_fixed(("open", "closed")), allowed_text="open, closed"),
            ),
        ),
    )
}


def _checks(column: Column, config: AuditConfig) -> list[pa.Check]:
    if column.kind == AGE:
        return [pa.Check.in_range(0, 25)]
    if column.kind == COUNT:
        return [pa.Check.ge(1)]
    if column.allowed is None:
        return []
    return [pa.Check.isin(list(column.allowed(config)))]


def schema(table: Table, config: AuditConfig) -> pa.DataFrameSchema:
    """The pandera schema of one processed table for one audit."""
    return pa.DataFrameSchema(
        {
            c.name: pa.Column(
                DTYPES[c.kind], checks=_checks(c, config), nullable=c.nullable, unique=c.unique
            )
            for c in table.columns
        },
        unique=list(table.unique) or None,
        strict=True,
        ordered=True,
        coerce=True,
    )


def schemas(config: AuditConfig) -> dict[str, pa.DataFrameSchema]:
    return {name: schema(table, config) for name, table in TABLES.items()}


def markdown() -> str:
    """The processed files as a Markdown table, for docs/data-format.md."""
    lines = ["| file | columns | one row per |", "|---|---|---|"]
    for table in TABLES.values():
        lines.append(f"| `{table.file}` | `{', '.join(table.column_names)}` | {table.row} |")
    return "\n".join(lines)
