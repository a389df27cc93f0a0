"""Questionnaire workbooks: one Excel file per agency out, the returned files read back in.

Agencies do not fill in CSV files; they fill in a spreadsheet, by hand, in a hurry.
The workbook written here pre-fills what the auditor knows (the cases) and offers
drop-downs for the rest; the reader finds the return table by its headers wherever
it ended up, so a typed grade, an inserted row or a renamed sheet never means the
auditor retypes a return. Values are passed on as typed: judging them is cleaning's job.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import (
    Alignment,
    Border,
    Font,
    NamedStyle,
    PatternFill,
    Protection,
    Side,
)
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from .cleaning import clean_audit
from .config import CONFIG_FILE, AuditConfig
from .loading import (
    CASES,
    CASES_SPEC,
    ROW,
    RawTable,
    TableSpec,
    match_headers,
    read_raw_audit,
    submissions_spec,
)
from .paths import AuditPaths, building
from .problems import AuditDataError, Problem, error, errors_in, warning
from .vocabulary import STATUS_LABELS, STATUSES, normalise_label, suggest

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

FONT = "Calibri"
BLUE, RED = "1F4E79", "C00000"
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_STYLE, PREFILLED_STYLE, INPUT_STYLE = "Return header", "Pre-filled", "Input"
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_EPOCH = (1980, 1, 1, 0, 0, 0)


# Writing ---------------------------------------------------------------------------------


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


def write_questionnaires(
    paths: AuditPaths, config: AuditConfig, cases: pd.DataFrame | None = None
) -> list[Path]:
    """Write one questionnaire workbook per agency to outputs/<audit-id>/questionnaires/.

    The folder is rebuilt whole, so an agency dropped from audit.yaml loses its old file.
    """
    if cases is None:
        cases = _sample_cases(paths)
    names = agency_file_names(config)
    written = []
    with building(paths.questionnaires) as staging:
        for agency in config.agency_names:
            (staging / names[agency]).write_bytes(questionnaire_bytes(config, agency, cases))
            written.append(paths.questionnaires / names[agency])
    return written


def _sample_cases(paths: AuditPaths) -> pd.DataFrame:
    """The cleaned cases.csv; its own errors (not the returns') stop the questionnaires."""
    clean = clean_audit(read_raw_audit(paths.raw))
    blocking = [p for p in errors_in(clean.problems) if p.file in (CASES, CONFIG_FILE)]
    if not blocking and clean.cases.empty:
        blocking = [error(CASES, "has no cases; the questionnaires list the sample's cases")]
    if blocking:
        raise AuditDataError(paths.audit_id, blocking)
    return clean.cases


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


def questionnaire_bytes(config: AuditConfig, agency: str, cases: pd.DataFrame) -> bytes:
    """The agency's workbook as bytes, identical for identical inputs."""
    book = build_questionnaire(config, agency, cases)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()
    return _fixed_zip_times(buffer.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """Zip entries carry the time they were written; pin it so reruns give the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = item.external_attr
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


def build_questionnaire(config: AuditConfig, agency: str, cases: pd.DataFrame) -> Workbook:
    """The agency's questionnaire: an Instructions sheet and a Returns sheet."""
    book = Workbook()
    _set_properties(book, config, agency)
    _add_styles(book)
    _write_instructions(book.active, config, agency)
    _write_returns(book.create_sheet(RETURNS_SHEET), config, agency, cases)
    return book


def _add_styles(book: Workbook) -> None:
    """The table's cell styles, named once: cheaper than styling each cell, and visible in Excel."""
    styles = (
        (
            HEADER_STYLE,
            _font(bold=True, color="FFFFFF"),
            PatternFill("solid", fgColor=BLUE),
            Alignment(wrap_text=True, vertical="center", horizontal="center"),
            True,
        ),
        (
            PREFILLED_STYLE,
            _font(),
            PatternFill("solid", fgColor="E7E6E6"),
            Alignment(vertical="top", horizontal="left", indent=1),
            True,
        ),
        (INPUT_STYLE, _font(), PatternFill("solid", fgColor="FFFFFF"), _WRAP_TOP, False),
    )
    for name, font, fill, alignment, locked in styles:
        book.add_named_style(
            NamedStyle(
                name,
                font=font,
                fill=fill,
                alignment=alignment,
                border=_BORDER,
                protection=Protection(locked=locked),
            )
        )


def _set_properties(book: Workbook, config: AuditConfig, agency: str) -> None:
    """Name the agency and audit inside the file, so a renamed file still says whose it is."""
    fixed = dt.datetime.combine(config.period.end, dt.time())
    props = book.properties
    props.title = f"{config.title}: return from {agency}"
    props.subject = agency
    props.creator = props.lastModifiedBy = config.board
    props.keywords = config.id
    props.category = config.protective_marking
    props.created = props.modified = fixed
    book.custom_doc_props.append(StringProperty(name=AGENCY_LABEL, value=agency))
    book.custom_doc_props.append(StringProperty(name=AUDIT_ID_LABEL, value=config.id))


def _font(**style) -> Font:
    return Font(name=FONT, **style)


def _text(ws: Worksheet, row: int, col: int, value: object, **style) -> None:
    """Write a value as text: a case id or title starting with '=' must not become a formula."""
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    for name, setting in style.items():
        setattr(cell, name, setting)


def _fit_height(ws: Worksheet, row: int, text: str, width: float, size: int = 11) -> None:
    """Room for wrapped text: spreadsheet programs do not grow a row when they open a file."""
    per_line = max(1, int(width * 1.3 * 11 / size))
    lines = sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))
    if lines > 1 or size > 11:
        ws.row_dimensions[row].height = lines * size * 1.35 + 2


def _long_date(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"


def _return_line(config: AuditConfig) -> str:
    deadline, to = config.questionnaire.deadline, config.questionnaire.return_to
    when = f" by {_long_date(deadline)}" if deadline else ""
    return f"Return this workbook{when} to {to or 'the audit lead'}."


def _page_setup(ws: Worksheet, config: AuditConfig, agency: str, landscape: bool) -> None:
    """A4, one page wide, with the protective marking top and bottom of every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    marking = config.protective_marking.replace("&", "&&")
    for part in (ws.oddHeader.center, ws.oddFooter.center):
        part.text, part.font = marking, f"{FONT},Bold"
    ws.oddFooter.left.text = agency.replace("&", "&&")
    ws.oddFooter.right.text = "Page &P of &N"


def _write_instructions(ws: Worksheet, config: AuditConfig, agency: str) -> None:
    ws.title = INSTRUCTIONS_SHEET
    widths = (34, 90)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    bold, heading = _font(bold=True), _font(bold=True, size=12, color=BLUE)
    period = config.period
    banner = [
        (config.protective_marking, _font(bold=True, color=RED)),
        (config.title, _font(bold=True, size=14)),
        (config.board, _font()),
    ]
    lines: list[tuple[str, str, Font]] = [
        ("Questionnaire for", agency, bold),
        ("Audit period", f"{_long_date(period.start)} to {_long_date(period.end)}", bold),
        ("Return", _return_line(config), bold),
        ("", "", bold),
        ("How to fill it in", "", heading),
        *((f"{n}.", text, bold) for n, text in enumerate(_how_to(config), start=1)),
        ("", "", bold),
        ("Key areas", "What it asks", heading),
        *((a.label, a.description, bold) for a in config.areas_with_overall),
        ("", "", bold),
        (f"Grades ({config.scale.label})", "", heading),
        *((grade, "", bold) for grade in config.scale.grades),
        ("(blank)", "Not graded: leave the cell blank, e.g. too little to judge on.", bold),
        ("", "", bold),
        ("Statuses", "When to choose it", heading),
        *((STATUS_LABELS[s], STATUS_MEANINGS[s], bold) for s in STATUSES),
    ]
    for row, (text, font) in enumerate(banner, start=1):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        _text(ws, row, 1, text, font=font, alignment=_WRAP_TOP)
        _fit_height(ws, row, text, sum(widths), int(font.size or 11))
    for row, (label, text, font) in enumerate(lines, start=len(banner) + 1):
        _text(ws, row, 1, label or None, font=font, alignment=_WRAP_TOP)
        _text(ws, row, 2, text or None, alignment=_WRAP_TOP)
        _fit_height(ws, row, text, widths[1])
    _page_setup(ws, config, agency, landscape=False)


def _how_to(config: AuditConfig) -> list[str]:
    grades = ", ".join(config.scale.grades)
    return [
        f"Go to the '{RETURNS_SHEET}' sheet. It has one row per case in the sample; the case ID, "
        "age and gender are filled in for you (grey cells).",
        f"For every case choose a Status from the drop-down ({', '.join(STATUS_LABELS.values())}).",
        f"Grade each key area and Overall from the drop-down ({grades}). Leave the cell blank if "
        "you cannot grade it.",
        "Write the evidence for your grades in the evidence columns: what you found in the "
        "records and its impact on the child. The cells wrap; there is no length limit.",
        "Please keep the columns as they are and write in the evidence cells, not beside the "
        "table: notes outside the table are not read.",
        "The sheet is protected, without a password, only so that the pre-filled cells are not "
        "changed by accident.",
        _return_line(config) + " Keep it as an Excel workbook (.xlsx); the file name may change.",
    ]


def _write_returns(ws: Worksheet, config: AuditConfig, agency: str, cases: pd.DataFrame) -> None:
    layout = _Layout.of(config)
    id_col = layout.grade_cols[0]
    _text(ws, 1, 1, config.protective_marking, font=_font(bold=True, color=RED))
    _text(ws, 2, 1, f"{agency}: case audit return", font=_font(bold=True, size=14))
    ws.row_dimensions[2].height = 21
    _text(ws, 3, 1, AGENCY_LABEL, font=_font(bold=True))
    _text(ws, 3, 2, agency)
    _text(ws, 3, id_col, AUDIT_ID_LABEL, font=_font(bold=True))
    _text(ws, 3, id_col + 1, config.id)
    _text(ws, 4, 1, f"{config.title}. {_return_line(config)}")
    _text(
        ws,
        HEADER_ROW - 1,
        1,
        "Choose a status and a grade per area from the drop-downs "
        f"(blank = not graded), then write your evidence. See '{INSTRUCTIONS_SHEET}'.",
        font=_font(italic=True, color=BLUE),
    )
    for col, header in enumerate(layout.headers, start=1):
        _text(ws, HEADER_ROW, col, header, style=HEADER_STYLE)
    ws.row_dimensions[HEADER_ROW].height = 45
    first = HEADER_ROW + 1
    for row, case in enumerate(cases.itertuples(index=False), start=first):
        age = None if pd.isna(case.age) else int(case.age)
        for col, value in enumerate((_case_id(case.case_id), age, case.gender), start=1):
            _text(ws, row, col, value, style=PREFILLED_STYLE)
        for col in layout.input_cols:
            ws.cell(row=row, column=col).style = INPUT_STYLE
    last = max(first, first + len(cases) - 1)
    _validations(ws, config, layout, first, last)
    for col, width in layout.widths().items():
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(row=first, column=len(CASE_HEADERS) + 1)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_area = f"A1:{get_column_letter(len(layout.headers))}{last}"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    _page_setup(ws, config, agency, landscape=True)


def _case_id(case_id: object) -> int | str:
    """Plain numbers as numbers, so Excel does not flag every case as 'number stored as text'."""
    text = str(case_id)
    return int(text) if text.isdigit() and not text.startswith("0") else text


def _validations(
    ws: Worksheet, config: AuditConfig, layout: _Layout, first: int, last: int
) -> None:
    """Drop-downs that stop a mistyped status or grade at the keyboard; blank is always allowed."""
    choices = (
        (
            layout.status_col,
            layout.status_col,
            "Status",
            [STATUS_LABELS[s] for s in STATUSES],
            "Choose a status from the list.",
        ),
        (
            layout.grade_cols[0],
            layout.grade_cols[-1],
            "Grade",
            list(config.scale.grades),
            f"Choose a grade from the list ({', '.join(config.scale.grades)}), or leave the cell "
            "blank if not graded.",
        ),
    )
    for start, end, title, items, message in choices:
        check = DataValidation(
            type="list",
            formula1='"' + ",".join(items) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=title,
            error=message,
            showInputMessage=True,
            promptTitle=title,
            prompt="Choose from the list.",
        )
        check.add(f"{get_column_letter(start)}{first}:{get_column_letter(end)}{last}")
        ws.add_data_validation(check)


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


__all__ = [
    "agency_file_names",
    "build_questionnaire",
    "cell_text",
    "questionnaire_bytes",
    "read_returned_workbooks",
    "write_questionnaires",
]
