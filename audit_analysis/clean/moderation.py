"""Moderated grades: a panel's overall grade beside the agency's own, when the partnership moderates.

Optional: a `moderated` column in submissions.csv. Most partnerships publish self-assessed grades;
many moderate a sample. Where a panel graded a return, the paper shows whether it agreed.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from audit_analysis.clean.tables import TABLES
from audit_analysis.clean.values import records_of
from audit_analysis.intake.config import AuditConfig
from audit_analysis.intake.raw_tables import ROW, RawTable
from audit_analysis.vocabulary import GRADED_STATUSES, NOT_GRADED, OVERALL, normalise_label

MODERATED = "moderated"
MODERATION_COLUMNS = TABLES["moderation"].column_names


def clean_moderation(
    audit_id: str,
    config: AuditConfig,
    tables: list[RawTable],
    gradings: pd.DataFrame,
    check,
    *,
    case_id_of: Callable[[object], str],
    text_of: Callable[[object], str],
) -> pd.DataFrame:
    """One row per return a panel graded: the agency's overall grade and the panel's."""
    overall = gradings.loc[gradings["area"] == OVERALL.key]
    own = dict(
        zip(
            zip(overall["case_id"].tolist(), overall["agency"].tolist(), strict=True),
            zip(overall["status"].tolist(), overall["grade"].tolist(), strict=True),
            strict=True,
        )
    )
    records = []
    for table in tables:
        if MODERATED not in table.frame.columns:
            continue
        for raw in records_of(table.frame):
            typed = text_of(raw.get(MODERATED))
            if not typed:
                continue
            row = raw[ROW]
            grade = config.scale.parse(typed)
            if grade is None or grade == NOT_GRADED:
                check.error(
                    table,
                    row,
                    MODERATED,
                    f"is not a grade on the {config.scale.label}",
                    value=typed,
                    accepted=", ".join(config.scale.grades) + ", or blank when not moderated",
                )
                continue
            case_id = case_id_of(raw.get("case_id"))
            agency = config.agency_lookup.get(normalise_label(raw.get("agency")))
            status, self_grade = own.get((case_id, agency), (None, None))
            if status is None:
                continue  # the return itself is in error, reported by cleaning
            if status not in GRADED_STATUSES:
                check.error(
                    table,
                    row,
                    MODERATED,
                    "a return that is not an audit cannot be moderated",
                    value=typed,
                    accepted="a moderated grade on a submitted or incomplete return only",
                )
                continue
            records.append(
                {
                    "audit_id": audit_id,
                    "case_id": case_id,
                    "agency": agency,
                    "self_grade": self_grade,
                    "moderated_grade": grade,
                }
            )
    return pd.DataFrame.from_records(records, columns=MODERATION_COLUMNS)
