"""Files written for people to open in Excel: formulae defused, UTF-8 with a BOM.

Protection belongs at this boundary only. Processed tables and the paper keep text exactly as
typed ("+ve engagement" stays "+ve engagement"); a CSV or workbook a person opens must not turn
"=HYPERLINK(…)" into a live formula (OWASP CSV injection), and Excel on Windows reads UTF-8
only when the file starts with a byte-order mark.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from audit_analysis.paths import write_atomic

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = "\ufeff"


def defuse_formula(value: object) -> object:
    """Text a spreadsheet would run as a formula, prefixed with an apostrophe; anything else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return f"'{value}"
    return value


def protect_cell(cell) -> None:
    """Keep an openpyxl cell's text from running as a formula, without changing the text.

    The cell is stored as text and carries Excel's quote prefix (the apostrophe Excel shows
    in the formula bar but does not store), so "+Housing Options" reads back exactly as typed
    and stays text when someone edits the cell.
    """
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True


def _has_formula(values: pd.Series | pd.Index) -> bool:
    """Whether any text in `values` would run as a formula, asking once per distinct value:
    a large audit's tidy tables repeat the same labels across a million cells."""
    if isinstance(values, pd.RangeIndex):
        return False
    _codes, distinct = pd.factorize(values)
    return any(defuse_formula(value) is not value for value in distinct.tolist())


def defuse_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell, header and index label defused."""
    out = frame.copy(deep=False)  # copy-on-write: the caller's frame is never changed
    for column in out.columns:
        if out[column].dtype == object or (
            pd.api.types.is_string_dtype(out[column]) and _has_formula(out[column])
        ):  # mapping an object column also settles its type (numbers written as numbers)
            out[column] = out[column].map(defuse_formula)
    if _has_formula(out.columns):
        out.columns = out.columns.map(defuse_formula)
    if _has_formula(out.index):
        out.index = out.index.map(defuse_formula)
    return out


def csv_for_people(frame: pd.DataFrame, *, index: bool = True) -> str:
    """The CSV text (with its BOM) of a table meant for a person."""
    return UTF8_BOM + defuse_frame(frame).to_csv(index=index, lineterminator="\r\n")


def write_csv_for_people(frame: pd.DataFrame, path: Path, *, index: bool = True) -> Path:
    """Write a table for a person to open in Excel, atomically."""
    return write_atomic(Path(path), csv_for_people(frame, index=index))
