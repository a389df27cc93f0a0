"""Cleaning referrals.csv, column by column: a referral history may hold a million rows."""

from __future__ import annotations

import pandas as pd

from audit_analysis.clean.tables import TABLES
from audit_analysis.clean.values import (
    DATE_FORMATS,
    Checker,
    by_value,
    clean_text,
    normalise_case_id,
    not_a_date,
    parse_date,
)
from audit_analysis.intake.config import AuditConfig
from audit_analysis.intake.raw_tables import CASES, ROW, RawTable
from audit_analysis.vocabulary import case_sort_key, normalise_label

REFERRALS_COLUMNS = TABLES["referrals"].column_names


def harmonise(values: pd.Series) -> pd.Series:
    """Spell free-text categories one way: 'neglect' and 'Neglect ' count as the same category.

    The spelling used most often wins; on a tie, the one met first.
    """
    folded = by_value(values, normalise_label)
    counts = (
        pd.DataFrame({"key": folded, "text": values}).groupby(["key", "text"], sort=False).size()
    )
    preferred = {key: text for key, text in counts.groupby(level="key", sort=False).idxmax()}
    return folded.map(preferred)


def clean_referrals(
    audit_id: str, config: AuditConfig, tables: list[RawTable], case_ids: set[str], check: Checker
) -> pd.DataFrame:
    """Column by column (a referrals file may hold a million rows); problems row by row."""
    parts = []
    accepted_cases = ", ".join(sorted(case_ids, key=case_sort_key))
    for table in tables:
        raw = table.frame
        if raw.empty:
            continue
        rows = raw[ROW]
        case_id = by_value(raw["case_id"], normalise_case_id)
        unknown = ~case_id.isin(case_ids) if case_ids else pd.Series(False, index=raw.index)
        for i in raw.index[unknown]:
            check.error(
                table,
                int(rows[i]),
                "case_id",
                f"is not a case in {CASES}" if case_id[i] else "case id is blank",
                value=case_id[i] or None,
                accepted=accepted_cases,
            )
        typed_date = by_value(raw["date"], clean_text)
        date = by_value(typed_date, parse_date)
        undated = date.isna() & ~unknown
        for i in raw.index[undated]:
            check.error(
                table,
                int(rows[i]),
                "date",
                not_a_date(typed_date[i]),
                value=typed_date[i],
                accepted=DATE_FORMATS,
            )
        keep = ~unknown & ~undated
        when = pd.to_datetime(date[keep])
        start, end = pd.Timestamp(config.period.start), pd.Timestamp(config.period.end)
        period = pd.Series("during", index=when.index, dtype=object)
        period[when < start] = "before"
        period[when > end] = "after"
        for i in period.index[period == "after"]:
            check.warn(
                table,
                int(rows[i]),
                "date",
                "is after the end of the audit period",
                value=typed_date[i],
            )
        part = pd.DataFrame(
            {"audit_id": audit_id, "case_id": case_id[keep], "date": when, "period": period}
        )
        for column in ("referrer", "category", "outcome"):
            text = by_value(raw[column], clean_text)[keep] if column in raw else None
            if text is None:
                text = pd.Series("", index=part.index, dtype=object)
            for i in text.index[text == ""]:
                check.warn(
                    table, int(rows[i]), column, f"{column} is blank; shown as 'Not recorded'"
                )
            part[column] = text.where(text != "", "Not recorded")
        parts.append(part)
    referrals = (
        pd.concat(parts, ignore_index=True)[REFERRALS_COLUMNS]
        if parts
        else pd.DataFrame(columns=REFERRALS_COLUMNS)
    )
    for column in ("referrer", "category", "outcome"):
        if not referrals.empty:
            referrals[column] = harmonise(referrals[column])
    referrals["date"] = pd.to_datetime(referrals["date"])
    rank = {c: i for i, c in enumerate(sorted(set(referrals["case_id"]), key=case_sort_key))}
    referrals["_rank"] = referrals["case_id"].map(rank)
    referrals = referrals.sort_values(["_rank", "date"], kind="stable")
    return referrals.drop(columns="_rank").reset_index(drop=True)
