"""Cleaning recommendations.csv: scopes, numbers, owners and due dates, every problem located."""

from __future__ import annotations

import re

import pandas as pd

from audit_analysis.clean.tables import TABLES
from audit_analysis.clean.values import (
    DATE_FORMATS,
    Checker,
    clean_text,
    not_a_date,
    parse_date,
    records_of,
)
from audit_analysis.intake.config import MULTI_AGENCY, AuditConfig
from audit_analysis.intake.raw_tables import (
    ROW,
    RawTable,
)
from audit_analysis.vocabulary import (
    normalise_label,
    suggest,
)

RECOMMENDATIONS_COLUMNS = TABLES["recommendations"].column_names
MULTI_AGENCY_SPELLINGS = {
    normalise_label(s)
    for s in ("Multi-agency", "Multi agency", "Multiagency", "Partnership", "All agencies", "Board")
}


def clean_recommendations(
    audit_id: str, config: AuditConfig, tables: list[RawTable], check: Checker
) -> pd.DataFrame:
    records = []
    seen: dict[tuple[str, int], int] = {}
    for table in tables:
        for raw in records_of(table.frame):
            row = raw[ROW]
            typed_scope = clean_text(raw.get("scope"))
            if normalise_label(typed_scope) in MULTI_AGENCY_SPELLINGS:
                scope = MULTI_AGENCY
            else:
                scope = config.agency_lookup.get(normalise_label(typed_scope))
                if scope is None:
                    spellings = [
                        MULTI_AGENCY,
                        *(s for a in config.agencies for s in (a.name, *a.aliases)),
                    ]
                    close = suggest(typed_scope, spellings)
                    check.error(
                        table,
                        row,
                        "scope",
                        "is neither 'Multi-agency' nor an agency in audit.yaml",
                        value=typed_scope,
                        suggestion=(
                            config.agency_lookup.get(normalise_label(close), close)
                            if close
                            else None
                        ),
                        accepted="Multi-agency, " + ", ".join(config.agency_names),
                    )
            typed_number = clean_text(raw.get("number"))
            number_match = re.fullmatch(r"0*([1-9]\d{0,3})(?:\.0)?", typed_number.strip("/ "))
            if not number_match:
                check.error(
                    table,
                    row,
                    "number",
                    "is not a recommendation number",
                    value=typed_number,
                    accepted="a whole number from 1 to 9999",
                )
            text = clean_text(raw.get("text"))
            if not text:
                check.error(table, row, "text", "recommendation text is blank")
            due_text = clean_text(raw.get("due", ""))
            due = parse_date(due_text) if due_text else None
            if due_text and due is None:
                check.error(
                    table, row, "due", not_a_date(due_text), value=due_text, accepted=DATE_FORMATS
                )
            if scope is None or not number_match or not text:
                continue
            number = int(number_match.group(1))
            if (scope, number) in seen:
                check.error(
                    table,
                    row,
                    "number",
                    f"recommendation {number} for {scope} appears twice (first on row {seen[scope, number]})",
                    value=typed_number,
                )
                continue
            seen[scope, number] = row
            records.append(
                {
                    "audit_id": audit_id,
                    "scope": scope,
                    "heading": MULTI_AGENCY if scope == MULTI_AGENCY else typed_scope,
                    "number": number,
                    "text": text,
                    "owner": clean_text(raw.get("owner", "")),
                    "due": due.isoformat() if due else "",
                    "status": clean_text(raw.get("status", "")),
                }
            )
    recommendations = pd.DataFrame.from_records(records, columns=RECOMMENDATIONS_COLUMNS)
    # The report's own order of scopes (its headings), as the file lists them.
    rank = {scope: i for i, scope in enumerate(dict.fromkeys(recommendations["scope"]))}
    order = sorted(
        recommendations.index,
        key=lambda i: (rank[recommendations.at[i, "scope"]], recommendations.at[i, "number"]),
    )
    return recommendations.loc[order].reset_index(drop=True).astype({"number": "int64"})
