"""The cases file: one row per sampled child, and the cases no agency returned on."""

from __future__ import annotations

import re

import pandas as pd

from audit_analysis.clean.tables import TABLES
from audit_analysis.clean.values import Checker, clean_text, normalise_case_id, records_of
from audit_analysis.intake.raw_tables import ROW, RawTable
from audit_analysis.vocabulary import case_sort_key, normalise_label

CASES_COLUMNS = TABLES["cases"].column_names

GENDERS = {
    "m": "Male",
    "male": "Male",
    "boy": "Male",
    "f": "Female",
    "female": "Female",
    "girl": "Female",
    "other": "Other",
    "non binary": "Other",
    "nonbinary": "Other",
    "": "Not known",
    "not known": "Not known",
    "unknown": "Not known",
    "u": "Not known",
    "not recorded": "Not known",
}
YES_NO = {
    "yes": "Yes",
    "y": "Yes",
    "true": "Yes",
    "1": "Yes",
    "no": "No",
    "n": "No",
    "false": "No",
    "0": "No",
    "": "Not known",
    "not known": "Not known",
    "unknown": "Not known",
    "not recorded": "Not known",
}


def clean_cases(audit_id: str, tables: list[RawTable], check: Checker) -> pd.DataFrame:
    """The cases table: one row per case id, its age, gender and disability read as typed."""
    records = []
    seen: dict[str, int] = {}
    for table in tables:
        for raw in records_of(table.frame):
            row = raw[ROW]
            case_id = normalise_case_id(raw.get("case_id"))
            if not case_id:
                check.error(table, row, "case_id", "case id is blank")
                continue
            if case_id in seen:
                check.error(
                    table,
                    row,
                    "case_id",
                    f"case listed twice (first on row {seen[case_id]})",
                    value=case_id,
                )
                continue
            seen[case_id] = row
            age_text = clean_text(raw.get("age"))
            age_match = re.fullmatch(r"(\d{1,2})(?:\.0)?\s*(?:y|yr|yrs|years?)?", age_text.lower())
            age = int(age_match.group(1)) if age_match else None
            if age is None or age > 25:
                check.error(
                    table,
                    row,
                    "age",
                    "is not an age in whole years",
                    value=age_text,
                    accepted="a whole number from 0 to 25",
                )
            gender = GENDERS.get(normalise_label(raw.get("gender")))
            if gender is None:
                check.error(
                    table,
                    row,
                    "gender",
                    "is not a recognised gender",
                    value=clean_text(raw.get("gender")),
                    accepted="Male, Female, Other, Not known (or M, F, blank)",
                )
            disability = YES_NO.get(normalise_label(raw.get("disability", "")))
            if disability is None:
                check.error(
                    table,
                    row,
                    "disability",
                    "is not yes or no",
                    value=clean_text(raw.get("disability")),
                    accepted="Yes, No, Not known (or blank)",
                )
            issues = [
                clean_text(i)
                for i in re.split(r"[;\n•]", str(raw.get("issues", "")))
                if clean_text(i)
            ]
            records.append(
                {
                    "audit_id": audit_id,
                    "case_id": case_id,
                    "age": age,
                    "gender": gender,
                    "ethnicity": clean_text(raw.get("ethnicity", "")) or "Not recorded",
                    "disability": disability,
                    "issues": "; ".join(issues),
                }
            )
    cases = pd.DataFrame.from_records(records, columns=CASES_COLUMNS)
    cases["age"] = cases["age"].astype("Int64")
    return cases.sort_values(
        "case_id", key=lambda s: s.map(case_sort_key), kind="stable"
    ).reset_index(drop=True)


def cases_without_returns(
    case_tables: list[RawTable], returns: pd.DataFrame, check: Checker
) -> None:
    """A sampled child no agency returned on is usually a typo in a case id."""
    returned = set(returns["case_id"])
    for table in case_tables:
        for raw in records_of(table.frame):
            case_id = normalise_case_id(raw.get("case_id"))
            if case_id and case_id not in returned:
                check.warn(
                    table,
                    raw[ROW],
                    "case_id",
                    "this case has no returns from any agency",
                    value=case_id,
                )
