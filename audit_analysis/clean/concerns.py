"""The immediate-concerns log (`concerns.csv`): a child the audit found at risk now, and what was done.

Optional. When an audit finds a child at risk it is referred back at once, outside the audit's
timetable; the log records that it was, so the board sees every child followed up. Cleaning
checks each entry like any other raw row, and warns about a case graded Inadequate by some
agency with no concern recorded for it.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from audit_analysis.clean.tables import TABLES
from audit_analysis.clean.values import records_of
from audit_analysis.intake.config import AuditConfig
from audit_analysis.intake.raw_tables import CASES, CONCERNS, ROW, RawTable
from audit_analysis.problems import Problem, warning
from audit_analysis.vocabulary import (
    GRADED_STATUSES,
    OVERALL,
    case_sort_key,
    normalise_label,
    suggest,
)

CONCERNS_COLUMNS = TABLES["concerns"].column_names
CONCERN_STATUSES = ("open", "closed")
_STATUS_SPELLINGS = {
    "open": ("open", "ongoing", "in progress", "pending", "active", "not yet resolved"),
    "closed": ("closed", "resolved", "complete", "completed", "done", "actioned"),
}
_STATUS_LOOKUP = {normalise_label(w): k for k, ws in _STATUS_SPELLINGS.items() for w in ws}


def clean_concerns(
    audit_id: str,
    config: AuditConfig,
    tables: list[RawTable],
    case_ids: set[str],
    check,
    *,
    case_id_of: Callable[[object], str],
    text_of: Callable[[object], str],
    date_of: Callable[[object], object],
    date_formats: str,
) -> pd.DataFrame:
    """One row per concern, every problem recorded on `check` (cleaning's checker)."""
    records = []
    for table in tables:
        for raw in records_of(table.frame):
            row = raw[ROW]
            bad = False
            case_id = case_id_of(raw.get("case_id"))
            if case_id not in case_ids:
                check.error(
                    table,
                    row,
                    "case_id",
                    f"is not a case in {CASES}" if case_id else "case id is blank",
                    value=case_id or None,
                    accepted=", ".join(sorted(case_ids, key=case_sort_key)),
                )
                bad = True
            typed_agency = text_of(raw.get("agency"))
            agency = config.agency_lookup.get(normalise_label(typed_agency))
            if agency is None:
                close = suggest(typed_agency, [*config.agency_lookup])
                check.error(
                    table,
                    row,
                    "agency",
                    "is not an agency in audit.yaml" if typed_agency else "agency is blank",
                    value=typed_agency or None,
                    suggestion=config.agency_lookup[close] if close else None,
                    accepted=", ".join(config.agency_names),
                )
                bad = True
            concern = text_of(raw.get("concern"))
            if not concern:
                check.error(table, row, "concern", "the concern raised is blank")
                bad = True
            typed_date = text_of(raw.get("date"))
            date = date_of(typed_date)
            if date is None:
                check.error(
                    table,
                    row,
                    "date",
                    "is not a date" if typed_date else "the date the concern was raised is blank",
                    value=typed_date or None,
                    accepted=date_formats,
                )
                bad = True
            typed_status = text_of(raw.get("status"))
            status = _STATUS_LOOKUP.get(normalise_label(typed_status))
            if status is None:
                check.error(
                    table,
                    row,
                    "status",
                    "is not a concern status" if typed_status else "status is blank",
                    value=typed_status or None,
                    accepted="Open or Closed",
                )
                bad = True
            action = text_of(raw.get("action", ""))
            if status == "closed" and not action:
                check.warn(table, row, "action", "a closed concern records no action taken")
            if bad:
                continue
            records.append(
                {
                    "audit_id": audit_id,
                    "case_id": case_id,
                    "agency": agency,
                    "concern": concern,
                    "date": date,
                    "action": action,
                    "status": status,
                }
            )
    concerns = pd.DataFrame.from_records(records, columns=CONCERNS_COLUMNS)
    concerns["date"] = pd.to_datetime(concerns["date"])
    keys = list(
        zip(
            map(case_sort_key, concerns["case_id"].tolist()),
            concerns["date"].tolist(),
            strict=True,
        )
    )
    order = sorted(range(len(concerns)), key=keys.__getitem__)
    return concerns.iloc[order].reset_index(drop=True)


def unlogged_inadequate(
    gradings: pd.DataFrame, concerns: pd.DataFrame, config: AuditConfig
) -> list[Problem]:
    """A warning per case with a return graded overall at the scale's lowest grade and no
    concern logged for it."""
    worst = config.scale.grades[-1]
    graded = gradings.loc[
        gradings["status"].isin(GRADED_STATUSES)
        & (gradings["area"] == OVERALL.key)
        & (gradings["grade"] == worst)
    ]
    logged = set(concerns["case_id"].unique())
    agencies_of: dict[str, dict[str, None]] = {}  # each case's agencies, in table order
    for case_id, agency in zip(graded["case_id"].tolist(), graded["agency"].tolist(), strict=True):
        if case_id not in logged:
            agencies_of.setdefault(case_id, {})[agency] = None
    problems = []
    for case_id in sorted(agencies_of, key=lambda c: (case_sort_key(c), c)):  # as groupby did
        agencies = list(agencies_of[case_id])
        problems.append(
            warning(
                CONCERNS,
                f"case {case_id} has an {worst} return (from {', '.join(agencies)}) but no "
                "concern is recorded for it: record what was done for this child.",
                accepted="a row in concerns.csv: case, agency, concern, date, action, status",
            )
        )
    return problems
