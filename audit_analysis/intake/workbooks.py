"""Returned questionnaire workbooks read back in, wherever their tables ended up.

Agencies fill in a spreadsheet by hand, in a hurry: the reader finds the return table by its
headers, so a typed grade, an inserted row or a renamed sheet never means the auditor retypes
a return. Values are passed on as typed: judging them is cleaning's job. The layout constants
live here because the writer (run/questionnaires.py) and this reader must agree on them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter

from audit_analysis.intake.config import AuditConfig
from audit_analysis.intake.raw_tables import (
    CASES_SPEC,
    ROW,
    RawTable,
    TableSpec,
    match_headers,
    submissions_spec,
)
from audit_analysis.problems import Problem, error, warning
from audit_analysis.vocabulary import normalise_label, suggest

INSTRUCTIONS_SHEET = "Instructions"
RETURNS_SHEET = "Returns"
AGENCY_LABEL = "Agency"
AUDIT_ID_LABEL = "Audit ID"
CASE_HEADERS = ("Case ID", "Age", "Gender")
PREFILLED = ("age", "gender")
STATUS_HEADER = "Status"
OVERALL_EVIDENCE_HEADER = "Evidence"
HEADER_ROW = 6
HEADER_SEARCH_ROWS = 60
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
OTHER_SPREADSHEETS = (".xls", ".ods", ".csv", ".numbers", ".xlsb")
STATUS_MEANINGS = {
    "submitted": "You audited your agency's records for this child and graded what you could.",
    "incomplete": "You started the audit but could not finish it; grade what you could.",
    "not_submitted": "Your agency worked with the child or family but is not returning an audit.",
    "no_involvement": "Your agency had no contact with the child or family in the audit period.",
}


@dataclass(frozen=True)
class _Layout:
    """Where everything sits on the Returns sheet, worked out once from the config."""

    headers: tuple[str, ...]
    status_col: int
    grade_cols: tuple[int, ...]
    evidence_cols: tuple[int, ...]

    @classmethod
    def of(cls, config: AuditConfig) -> _Layout:
        areas = config.areas_with_overall
        evidence = [f"{a.label} evidence" for a in config.areas] + [OVERALL_EVIDENCE_HEADER]
        headers = (*CASE_HEADERS, STATUS_HEADER, *(a.label for a in areas), *evidence)
        status = len(CASE_HEADERS) + 1
        grades = tuple(range(status + 1, status + 1 + len(areas)))
        return cls(headers, status, grades, tuple(range(grades[-1] + 1, len(headers) + 1)))

    def widths(self) -> dict[int, float]:
        """Narrow case and grade columns, wide evidence columns: evidence is what gets read."""
        widths = {1: 9, 2: 6, 3: 9, self.status_col: 15}
        widths.update({col: 13 for col in self.grade_cols})
        return widths | {col: 34 for col in self.evidence_cols}

    @property
    def input_cols(self) -> tuple[int, ...]:
        return (self.status_col, *self.grade_cols, *self.evidence_cols)


def agency_file_names(config: AuditConfig) -> dict[str, str]:
    """A workbook file name per agency, safe on every file system and unique in the audit."""
    names: dict[str, str] = {}
    for agency in config.agency_names:
        stem = _safe_stem(agency)
        name, n = f"{stem}.xlsx", 2
        while name.lower() in {v.lower() for v in names.values()}:
            name, n = f"{stem} ({n}).xlsx", n + 1
        names[agency] = name
    return names


def _safe_stem(name: str) -> str:
    stem = re.sub(r"[^\w\s&'(),.+-]+", "-", name)
    return " ".join(stem.split()).strip(" .-") or "agency"


# Reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Sheet:
    """A worksheet's cells as text, row by row (row 1 first), read once."""

    title: str
    rows: list[list[str]]


@dataclass(frozen=True)
class _Found:
    """A return table located in a workbook: its sheet, header row and matched columns."""

    sheet: _Sheet
    header_row: int
    positions: dict[int, str]
    evidence: dict[int, str]
    problems: list[Problem]
    extra_evidence: tuple[int, ...] = ()

    @property
    def width(self) -> int:
        return len(self.positions) + len(self.evidence)

    @property
    def headers(self) -> list[str]:
        return self.sheet.rows[self.header_row - 1]


@dataclass(frozen=True)
class _Identity:
    """Whose return a workbook is, and where it says so (for pointing at it in a problem)."""

    agency: str | None
    where: dict
    problems: list[Problem]


@dataclass(frozen=True)
class _Workbook:
    """One returned workbook as read: its table (None when unusable), whose it is, and the
    problems found, split so a workbook that is not read reports only why."""

    table: RawTable | None
    identity: _Identity
    problems: list[Problem]
    row_problems: list[Problem]


def read_returned_workbooks(
    returns_dir: Path, config: AuditConfig
) -> tuple[list[RawTable], list[Problem]]:
    """Read every returned questionnaire in returns/ into submissions-shaped RawTables.

    One workbook per agency: a second workbook for an agency is an error and is not read,
    so its rows are not reported a second time as duplicate returns, and nothing about its
    table or rows (blank cases, unknown columns) is reported either: only whose it is and
    why it is not read. Only returns/ itself is read: a spreadsheet in a subfolder (say
    returns/chased/) gets a warning naming it, so a return filed away is never silently lost.
    """
    tables: list[RawTable] = []
    problems: list[Problem] = []
    owner: dict[str, str] = {}
    for path in sorted(returns_dir.iterdir(), key=lambda p: p.name.lower()):
        if path.name.startswith((".", "~$")):
            continue
        if path.is_dir():
            problems += _in_subfolder(returns_dir, path)
            continue
        if not path.is_file():
            continue
        label = f"{returns_dir.name}/{path.name}"
        if path.suffix.lower() not in WORKBOOK_SUFFIXES:
            problems.append(_not_a_workbook(label, path))
            continue
        book = _read_workbook(path, label, config)
        agency = book.identity.agency
        if book.table is None or agency is None:
            problems += book.problems
            continue
        if agency in owner:
            problems += book.identity.problems
            problems.append(
                error(
                    label,
                    f"a second workbook for {agency} (the first is "
                    f"{owner[agency]}); this one is not read",
                    value=agency,
                    accepted="one workbook per agency",
                    **book.identity.where,
                )
            )
            continue
        problems += book.problems + book.row_problems
        owner[agency] = label
        tables.append(book.table)
    return tables, problems


def _in_subfolder(returns_dir: Path, folder: Path) -> list[Problem]:
    """A warning per spreadsheet anywhere under a subfolder of returns/: none of them is read."""
    problems = []
    for path in sorted(folder.rglob("*"), key=lambda p: p.as_posix().lower()):
        inside = path.relative_to(returns_dir)
        if any(part.startswith((".", "~$")) for part in inside.parts) or not path.is_file():
            continue
        if path.suffix.lower() in (*WORKBOOK_SUFFIXES, *OTHER_SPREADSHEETS):
            problems.append(
                warning(
                    f"{returns_dir.name}/{inside.as_posix()}",
                    f"workbooks in subfolders are not read; move it to {returns_dir.name}/ "
                    "if it is a return",
                )
            )
    return problems


def _not_a_workbook(label: str, path: Path) -> Problem:
    if path.suffix.lower() in OTHER_SPREADSHEETS:
        return error(
            label,
            "is not an .xlsx workbook, so it is not read",
            accepted="open it in Excel and save it as 'Excel Workbook (.xlsx)'",
        )
    return warning(label, "is not a workbook; ignored", accepted=".xlsx questionnaire workbooks")


def _read_workbook(path: Path, label: str, config: AuditConfig) -> _Workbook:
    """One returned workbook; its table is None when it cannot be used."""
    try:
        sheets, properties = _read_cells(path)
    except Exception as exc:  # a damaged or foreign file raises many kinds of error
        problem = error(
            label,
            f"cannot be opened as an Excel workbook ({type(exc).__name__}: {exc})",
            accepted="an .xlsx saved by Excel, without a password to open",
        )
        return _Workbook(None, _Identity(None, {}, []), [problem], [])
    found, problems = _find_return(sheets, label, config)
    identity = _identify(properties, path, label, config, found)
    problems += identity.problems
    if found is None or identity.agency is None:
        return _Workbook(None, identity, problems, [])
    table, row_problems = _table(found, label, identity.agency)
    return _Workbook(table, identity, problems, row_problems)


def _read_cells(path: Path) -> tuple[list[_Sheet], dict[str, str]]:
    """Every sheet's cells as text, and the workbook's custom properties; formulas stay text."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        properties = {
            normalise_label(p.name): cell_text(p.value).strip() for p in book.custom_doc_props
        }
        sheets = []
        for ws in book.worksheets:
            ws.reset_dimensions()
            rows = [[cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
            sheets.append(_Sheet(ws.title, rows))
    finally:
        book.close()
    return sheets, properties


def _workbook_spec(config: AuditConfig) -> TableSpec:
    """The submissions contract, less the agency (the workbook says whose it is), plus the
    pre-filled age and gender, so their headers are recognised rather than reported."""
    spec = submissions_spec(config.areas_with_overall)
    columns = [replace(c, required=False) if c.key == "agency" else c for c in spec.columns]
    prefilled = [replace(c, required=False) for c in CASES_SPEC.columns if c.key in PREFILLED]
    return replace(spec, columns=(*columns, *prefilled))


def _find_return(
    sheets: list[_Sheet], label: str, config: AuditConfig
) -> tuple[_Found | None, list[Problem]]:
    """The sheet and row holding the return's headers, wherever they were moved to."""
    spec = _workbook_spec(config)
    candidates = [f for sheet in sheets if (f := _header_row(sheet, spec, label)) is not None]
    if not candidates:
        names = ", ".join(f"'{sheet.title}'" for sheet in sheets)
        return None, [
            error(
                label,
                f"no return table found (searched sheets {names})",
                accepted="a header row with "
                + ", ".join(_Layout.of(config).headers[:4])
                + " and a column per key area, as in the questionnaire sent",
            )
        ]
    if len(candidates) > 1:
        sheets = " and ".join(f"'{c.sheet.title}'" for c in candidates)
        return None, [
            error(
                label,
                f"two sheets hold a return table ({sheets}); delete the one that is not the return",
                sheet=candidates[1].sheet.title,
            )
        ]
    found = candidates[0]
    return found, found.problems


def _header_row(sheet: _Sheet, spec: TableSpec, label: str) -> _Found | None:
    """The row matching most contract columns, if it has a case id and two more.

    A second column of overall evidence (a 'Comments' or 'Notes' column added beside the
    table) is read as evidence too, its text after the Evidence column's, with a warning
    naming its cell: evidence is free text, so the two join without choosing between them,
    and refusing the whole return over an agency's extra comments would lose more than it
    protects. Two columns for anything else (two Status or Overall columns, or two for one
    area's evidence, as for CSVs) stay an error; every header problem names its cell.
    """
    best: _Found | None = None
    for number, headers in enumerate(sheet.rows[:HEADER_SEARCH_ROWS], start=1):
        if sum(1 for h in headers if h.strip()) < 3:
            continue
        overall = [i for i, h in enumerate(headers) if _means_evidence(h, spec)]
        extra = tuple(overall[1:])
        masked = ["" if i in extra else h for i, h in enumerate(headers)]
        positions, _typed, evidence, problems = match_headers(masked, spec, label, sheet.title)
        located = _at_cells(problems, headers, number, {*positions, *evidence, *extra})
        found = _Found(sheet, number, positions, evidence, located, extra)
        if (
            "case_id" in positions.values()
            and found.width >= 3
            and (best is None or found.width > best.width)
        ):
            best = found
    if best is not None:
        best = replace(best, problems=best.problems + _extra_evidence(best, label))
    return best


def _means_evidence(header: str, spec: TableSpec) -> bool:
    """Whether a header is one of the spellings of the overall 'evidence' column."""
    folded = normalise_label(header)
    for column in spec.columns:
        if folded in {normalise_label(s) for s in (column.key, *column.aliases)}:
            return column.key == "evidence"
    return False


def _at_cells(
    problems: list[Problem], headers: list[str], row: int, matched: set[int]
) -> list[Problem]:
    """Header problems pointed at their cell: each names its header, in column order."""
    taken = set(matched)
    located = []
    for problem in problems:
        pos = next(
            (i for i, h in enumerate(headers) if h == problem.column and i not in taken), None
        )
        if pos is None:
            located.append(replace(problem, row=row))
            continue
        taken.add(pos)
        located.append(replace(problem, row=row, cell=f"{get_column_letter(pos + 1)}{row}"))
    return located


def _extra_evidence(found: _Found, label: str) -> list[Problem]:
    """A warning per overall evidence column after the first (see _header_row)."""
    if not found.extra_evidence:
        return []
    earlier = next(pos for pos, key in found.positions.items() if key == "evidence")
    return [
        warning(
            label,
            "a second evidence column: its text is read as evidence too, after the text in "
            f"'{found.headers[earlier].strip()}' (column {get_column_letter(earlier + 1)})",
            value=found.headers[pos],
            sheet=found.sheet.title,
            cell=f"{get_column_letter(pos + 1)}{found.header_row}",
            accepted="evidence written in the questionnaire's evidence columns",
        )
        for pos in found.extra_evidence
    ]


def cell_text(value: object) -> str:
    """A cell's value as the text typed: numbers without '.0', formulas as their text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    text = getattr(value, "text", None)
    return text if isinstance(text, str) else str(value)


def _labelled_cells(found: _Found) -> dict[str, tuple[str, str]]:
    """'Agency' and 'Audit ID' above the table: each label's value (the first text to its
    right, unless that is the next label) and that value's cell. A label whose value was
    cleared is left out, so the workbook's properties or file name are used instead."""
    labels = {normalise_label(AGENCY_LABEL), normalise_label(AUDIT_ID_LABEL)}
    cells: dict[str, tuple[str, str]] = {}
    for number, row in enumerate(found.sheet.rows[: found.header_row - 1], start=1):
        for i, text in enumerate(row):
            key = normalise_label(text)
            if key not in labels or key in cells:
                continue
            value = next((j for j in range(i + 1, len(row)) if row[j].strip()), None)
            if value is not None and normalise_label(row[value]) not in labels:
                cells[key] = (row[value].strip(), f"{get_column_letter(value + 1)}{number}")
    return cells


def _identify(
    props: dict[str, str], path: Path, label: str, config: AuditConfig, found: _Found | None
) -> _Identity:
    """Whose return this is: the Agency cell, else the workbook properties, else the file name.

    When the file name is another agency's (the Agency cell says Police in GP.xlsx), the
    Agency cell (or properties) still decides, with a warning naming both.
    """
    cells = _labelled_cells(found) if found else {}
    agency_key, audit_key = normalise_label(AGENCY_LABEL), normalise_label(AUDIT_ID_LABEL)
    if audit_key in cells or props.get(audit_key):
        audit_id, cell = cells.get(audit_key) or (props[audit_key], None)
        if audit_id != config.id:
            where = {"sheet": found.sheet.title, "cell": cell} if cell and found else {}
            return _Identity(
                None,
                where,
                [
                    error(
                        label,
                        "this workbook is a questionnaire for another audit",
                        value=audit_id,
                        accepted=config.id,
                        **where,
                    )
                ],
            )
    by_name = _agency_by_file_name(path, config)
    if agency_key in cells:
        typed, cell = cells[agency_key]
        where = {"sheet": found.sheet.title, "cell": cell} if found else {}
        source = f"the {AGENCY_LABEL} cell"
    elif props.get(agency_key):
        typed, where = props[agency_key], {}
        source = f"the workbook's '{AGENCY_LABEL}' property"
    else:
        if by_name is not None:
            return _Identity(by_name, {}, [])
        message = "names no agency inside it, and its file name is not an agency in this audit"
        return _Identity(None, {}, [_unknown_agency(label, path.stem, config, message, {})])
    agency = config.agency_lookup.get(normalise_label(typed))
    if agency is None:
        message = "is not an agency taking part in this audit"
        return _Identity(None, where, [_unknown_agency(label, typed, config, message, where)])
    problems = []
    if by_name is not None and by_name != agency:
        problems.append(
            warning(
                label,
                f"{source} names {agency} but the file name '{path.name}' names {by_name}; "
                f"read as the return from {agency}",
                value=typed,
                accepted=f"the file renamed, or {source} corrected if the return is from {by_name}",
                **where,
            )
        )
    return _Identity(agency, where, problems)


def _agency_by_file_name(path: Path, config: AuditConfig) -> str | None:
    """The agency a file name names: an agency's name or alias, or its questionnaire's name."""
    stem = normalise_label(path.stem)
    by_file = {normalise_label(Path(n).stem): a for a, n in agency_file_names(config).items()}
    return config.agency_lookup.get(stem) or by_file.get(stem)


def _unknown_agency(
    label: str, typed: str, config: AuditConfig, message: str, where: dict
) -> Problem:
    close = suggest(typed, [s for a in config.agencies for s in (a.name, *a.aliases)])
    return error(
        label,
        message + " (add it, or an alias, to audit.yaml)",
        value=typed,
        suggestion=config.agency_lookup[normalise_label(close)] if close else None,
        accepted=", ".join(config.agency_names),
        **where,
    )


def _table(found: _Found, label: str, agency: str) -> tuple[RawTable, list[Problem]]:
    """The rows under the header, as typed, with the agency filled in and blank rows skipped.

    The agency is not a column of the sheet, so problems about it point at the row's case ID.
    """
    columns = {p: k for p, k in found.positions.items() if k not in ("agency", *PREFILLED)}
    columns |= {pos: f"evidence:{area}" for pos, area in found.evidence.items()}
    columns |= dict.fromkeys(found.extra_evidence, "evidence")
    columns = dict(sorted(columns.items()))
    case_pos = next(pos for pos, key in columns.items() if key == "case_id")
    inputs = [pos for pos in columns if pos != case_pos]
    records, problems = [], []
    rows = found.sheet.rows[found.header_row :]
    for number, values in enumerate(rows, start=found.header_row + 1):
        texts = {pos: values[pos] if pos < len(values) else "" for pos in columns}
        if not any(texts[pos].strip() for pos in inputs):
            if texts[case_pos].strip():
                problems.append(_left_blank(label, found, number, texts[case_pos]))
            continue
        record: dict[str, str] = {}
        for pos, key in columns.items():
            text = texts[pos]
            if key not in record:
                record[key] = text
            elif text.strip():  # a second evidence column: its text after the first's
                record[key] = f"{record[key]}\n{text}" if record[key].strip() else text
        records.append(record | {"agency": agency, ROW: number})
    keys = list(dict.fromkeys(columns.values()))
    order = ["case_id", "agency", *(k for k in keys if k != "case_id"), ROW]
    first: dict[str, int] = {}
    for pos, key in columns.items():
        first.setdefault(key, pos)
    letters = {key: get_column_letter(pos + 1) for key, pos in first.items()}
    headers = {key: found.headers[pos] for key, pos in first.items()}
    letters["agency"], headers["agency"] = letters["case_id"], headers["case_id"]
    frame = pd.DataFrame.from_records(records, columns=order)
    return RawTable(label, frame, headers, sheet=found.sheet.title, letters=letters), problems


def _left_blank(label: str, found: _Found, row: int, case_id: str) -> Problem:
    """A pre-filled case the agency did not touch: no return, but the auditor must see it."""
    status = next((p for p, k in found.positions.items() if k == "status"), None)
    where = {"cell": f"{get_column_letter(status + 1)}{row}"} if status is not None else {}
    return warning(
        label,
        f"case {case_id.strip()}: left blank — no return recorded",
        sheet=found.sheet.title,
        row=row,
        accepted="a status (No involvement if the agency had no contact), grades and evidence",
        **where,
    )


__all__ = ["agency_file_names", "cell_text", "read_returned_workbooks"]
