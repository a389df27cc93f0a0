"""Typed values made comparable: whitespace, case ids, dates as Excel writes them.

Pure functions of one value, and the checker that collects problems, shared by every table's
cleaning.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

import pandas as pd

from audit_analysis.intake.raw_tables import RawTable
from audit_analysis.problems import Problem, error, warning
from audit_analysis.vocabulary import read_month_first

DATE_FORMATS = "a date from 1990 to 2100, ISO (2016-03-05) or day-first (05/03/2016, 5 Mar 2016)"


def clean_text(value: object) -> str:
    """Trim and collapse whitespace (incl. non-breaking spaces) in a typed value."""
    return " ".join(str(value).replace("\u00a0", " ").split()) if value is not None else ""


def normalise_case_id(value: object) -> str:
    """'Case 01', ' 1 ', 'case no. 1' → '1'; other ids are trimmed and upper-cased."""
    text = clean_text(value)
    match = re.fullmatch(r"(?i)(?:case\s*(?:no\.?|number|#)?\s*)?0*(\d+)(?:\.0+)?", text)
    if match:
        return match.group(1)
    return text.upper()


EARLIEST_YEAR, LATEST_YEAR = 1990, 2100
_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"


def parse_date(value: object, today: dt.date | None = None) -> dt.date | None:
    """ISO or UK day-first dates, as Excel writes them into CSV; None when not a plausible date.

    Accepts 2016-03-05, 05/03/2016, 5.3.16, 05-Mar-2016 and 5 March 2016, with or without a
    time. Two-digit years up to next year are this century, later ones the last (99 → 1999).
    Years outside 1990–2100 are typos or placeholders (31/12/9999), not referral dates.
    """
    text = clean_text(value)
    if match := re.fullmatch(rf"(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){_TIME}", text):
        year, month, day = map(int, match.groups())
    elif match := re.fullmatch(
        rf"(\d{{1,2}})[/.\-](\d{{1,2}})[/.\-](\d{{4}}|\d{{2}}){_TIME}", text
    ):
        day, month, year = map(int, match.groups())
    elif match := re.fullmatch(
        rf"(\d{{1,2}})[ \-]([A-Za-z]{{3,9}})[ \-,]*(\d{{4}}|\d{{2}}){_TIME}", text
    ):
        month = _MONTHS.get(match.group(2)[:3].lower())
        if month is None or (
            len(match.group(2)) > 3 and match.group(2).lower() not in _full_months()
        ):
            return None
        day, year = int(match.group(1)), int(match.group(3))
    else:
        return None
    if len(str(year)) <= 2:
        pivot = (today or dt.date.today()).year % 100 + 1
        year += 2000 if year <= pivot else 1900
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def not_a_date(text: str) -> str:
    """'is not a date', with a hint when the text reads as a US-style month-first date."""
    date = read_month_first(text)
    if date is None:
        return "is not a date"
    return (
        f"is not a date: it looks month-first (US style); day first it is {date:%d/%m/%Y}, "
        f"or write {date.isoformat()}"
    )


def _full_months() -> set[str]:
    return {m.lower() for m in calendar.month_name if m} | {"sept"}


def by_value(values: pd.Series, function) -> pd.Series:
    """`values.map(function)`, calling it once per distinct value: a million referrals hold
    only a few thousand distinct dates, referrers and case ids."""
    distinct = pd.unique(values)
    return values.map(dict(zip(distinct, map(function, distinct), strict=True)))


class Checker:
    """Collects problems while cleaning; one per audit run."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def error(
        self, table: RawTable, row: int | None, column: str | None, message: str, **extra
    ) -> None:
        self.problems.append(error(table.file, message, **table.where(row, column), **extra))

    def warn(
        self, table: RawTable, row: int | None, column: str | None, message: str, **extra
    ) -> None:
        self.problems.append(warning(table.file, message, **table.where(row, column), **extra))


def records_of(frame: pd.DataFrame) -> list[dict]:
    """The rows as dicts of plain Python values; several times faster than `to_dict('records')`."""
    columns = list(frame.columns)
    return (
        [
            dict(zip(columns, values, strict=True))
            for values in zip(*(frame[c].tolist() for c in columns), strict=True)
        ]
        if columns
        else []
    )


def place_of(table: RawTable, row: int) -> str:
    if table.sheet is not None:
        return f"{table.file} › {table.sheet} › row {row}"
    return f"{table.file} › row {row}"
