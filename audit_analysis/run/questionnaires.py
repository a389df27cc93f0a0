"""Questionnaire workbooks out: one Excel file per agency, pre-filled with the sample's cases.

The workbook pre-fills what the auditor knows (the cases) and offers drop-downs for the rest;
intake/workbooks.py reads the returned files back with the same layout.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from pathlib import Path

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

from audit_analysis.clean.cleaning import clean_audit
from audit_analysis.intake.config import CONFIG_FILE, AuditConfig
from audit_analysis.intake.loading import read_raw_audit
from audit_analysis.intake.raw_tables import CASES
from audit_analysis.intake.workbooks import (
    AGENCY_LABEL,
    AUDIT_ID_LABEL,
    CASE_HEADERS,
    HEADER_ROW,
    INSTRUCTIONS_SHEET,
    RETURNS_SHEET,
    STATUS_MEANINGS,
    _Layout,
    agency_file_names,
)
from audit_analysis.paths import AuditPaths, building
from audit_analysis.people_files import protect_cell
from audit_analysis.problems import AuditDataError, error, errors_in
from audit_analysis.vocabulary import STATUS_LABELS, STATUSES

FONT = "Calibri"
BLUE, RED = "1F4E79", "C00000"
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_STYLE, PREFILLED_STYLE, INPUT_STYLE = "Return header", "Pre-filled", "Input"
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_EPOCH = (1980, 1, 1, 0, 0, 0)


# Writing ---------------------------------------------------------------------------------


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
    """Write a value as text: a case id, agency or title starting with =, +, -, @, tab or CR
    must not become a formula (people_files.protect_cell), yet reads back exactly as typed."""
    cell = ws.cell(row=row, column=col, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    protect_cell(cell)


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


__all__ = [
    "agency_file_names",
    "build_questionnaire",
    "questionnaire_bytes",
    "write_questionnaires",
]
