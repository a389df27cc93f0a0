"""Tables of the Word paper: caption above, header rows repeated on every page, numbers to the
right, `c` for a hidden count, the suppression note below, shares as percentages.

Column widths are worked out here rather than left to Word's autofit, which LibreOffice
ignores: from the printed width of each column's words and values, measured in the font.
"""

from __future__ import annotations

import functools
import re

import pandas as pd
from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt

from audit_analysis.analysis.disclosure import MARKER as SUPPRESSED
from audit_analysis.paper.blocks import cell_text, header_label
from audit_analysis.paper.docx_text import has_style, repeat_header, style
from audit_analysis.paper.record import TableData

TABLE_TEXT, WIDE_TABLE_TEXT = Pt(9), Pt(8)
WIDE_TABLE_COLUMNS = 7  # as the HTML paper: more columns than this get smaller type
LONG_TABLE_ROWS = 15  # as the HTML paper: longer tables may break between rows
CELL_PADDING = Cm(0.42)  # Word's default cell margins (0.38 cm), and a hair
HEADER_FILL = "E7E6E6"
_NUMBER = re.compile(r"[-+\u2212]?[£$€]?\d[\d,]*(?:\.\d+)?\s?%?")
_BLANK = {"", "-", "\u2013", "\u2014"}


def _is_number(text: str) -> bool:
    return text == SUPPRESSED or bool(_NUMBER.fullmatch(text))


def _grid(table: TableData) -> tuple[list[list[str]], list[list[str]], list[bool]]:
    """Header rows, body rows (as text, index first) and which columns hold numbers."""
    frame = table.frame
    show_index = not (isinstance(frame.index, pd.RangeIndex) and frame.index.name is None)
    levels = frame.columns.nlevels
    names = frame.index.names if show_index else []
    corner = [header_label(n) if n is not None else "" for n in names]
    if show_index and levels == 1 and not any(corner) and frame.columns.name is not None:
        corner = [header_label(frame.columns.name)] + [""] * (len(corner) - 1)
    header = []
    for level in range(levels):
        labels = [
            header_label(c[level] if isinstance(c, tuple) else c) if c is not None else ""
            for c in frame.columns
        ]
        header.append((corner if level == levels - 1 else [""] * len(corner)) + labels)
    body = []
    for label, row in zip(frame.index, frame.itertuples(index=False), strict=True):
        labels = [str(v) for v in (label if isinstance(label, tuple) else (label,))]
        cells = [cell_text(v, table.percent) for v in row]
        body.append((labels if show_index else []) + cells)
    width = len(header[0])
    numeric = []
    for col in range(width):
        values = [r[col] for r in body if r[col].strip().lower() not in _BLANK]
        is_label = col < len(corner)
        numeric.append(not is_label and bool(values) and all(_is_number(v) for v in values))
    return header, body, numeric


def add_table(document: Document, table: TableData, width: Emu, font: str) -> None:
    """Caption above, header rows repeated on each page, numbers to the right, note below."""
    header, body, numeric = _grid(table)
    rows, columns = header + body, len(header[0])
    labels = columns - table.frame.shape[1]  # index columns, printed bold like the header
    size = WIDE_TABLE_TEXT if columns > WIDE_TABLE_COLUMNS else TABLE_TEXT
    bold = [[r < len(header) or c < labels for c in range(columns)] for r in range(len(rows))]
    widths = _column_widths(rows, bold, width, size, len(header), font)
    caption = document.add_paragraph(table.caption, style=style(document, "Caption"))
    caption.paragraph_format.keep_with_next = True
    grid = document.add_table(rows=len(rows), cols=columns)
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    if has_style(document, "Table Grid"):
        grid.style = document.styles["Table Grid"]
    else:
        _borders(grid)
    for column, share in zip(grid.columns, widths, strict=True):
        column.width = share
    keep_together = len(body) <= LONG_TABLE_ROWS
    for r, (row, values) in enumerate(zip(grid.rows, rows, strict=True)):
        if r < len(header):
            repeat_header(row)
        _cant_split(row)
        for c, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            cell.width = widths[c]
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            # A short table stays on one page: every row but the last keeps with the next.
            paragraph.paragraph_format.keep_with_next = keep_together and r < len(rows) - 1 or None
            if numeric[c]:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = paragraph.add_run(text)
            run.font.size = size
            run.bold = bold[r][c] or None
            if r < len(header):
                _shade(cell, HEADER_FILL)
    if table.note:
        note = document.add_paragraph()
        run = note.add_run(table.note)
        run.italic, run.font.size = True, Pt(9)
    else:
        document.add_paragraph().paragraph_format.space_after = Pt(0)


def _column_widths(
    rows: list[list[str]], bold: list[list[bool]], width: Emu, size, header_rows: int, font: str
) -> list[Emu]:
    """Word's autofit, done here because LibreOffice keeps the widths it is given: every column
    at least as wide as its longest word, then the rest shared by how much more each needs to
    keep its longest value on one line (headers may wrap, so their words count, not their
    lines). Text is measured in the body font, or Arial's metrics when it is not installed."""
    points = size.pt
    least, most = [], []
    for col in range(len(rows[0])):
        words, lines = [0.0], [0.0]
        for r, (row, weight) in enumerate(zip(rows, bold, strict=True)):
            text, heavy = row[col], weight[col]
            widest = max((_text_width(w, heavy, points, font) for w in text.split()), default=0)
            words.append(widest)
            longest = max(_text_width(line, heavy, points, font) for line in text.split("\n"))
            lines.append(widest if r < header_rows else longest)
        least.append(Pt(max(words)) + CELL_PADDING)
        most.append(Pt(max(lines)) + CELL_PADDING)
    spare = width - sum(least)
    wanted = sum(most) - sum(least)
    if spare <= 0:
        widths = [w * width / sum(least) for w in least]
    elif spare >= wanted:
        widths = [w * width / sum(most) for w in most]
    else:
        widths = [lo + (hi - lo) * spare / wanted for lo, hi in zip(least, most, strict=True)]
    return [Emu(int(w)) for w in widths]


def measuring_font(name: str | None, fallback: str) -> str:
    """The font to measure table text in: the body font if installed, else one with Arial's
    widths, else matplotlib's own DejaVu Sans (wider than Arial: columns err on the roomy side)."""
    from matplotlib.font_manager import fontManager

    installed = {font.name for font in fontManager.ttflist}
    candidates = ([name] if name else []) + [fallback, "Liberation Sans"]
    return next((f for f in candidates if f in installed), "DejaVu Sans")


@functools.cache
def _text_width(text: str, bold: bool, points: float, family: str) -> float:
    """The printed width of `text` in points."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    font = FontProperties(family=family, weight="bold" if bold else "normal", size=points)
    return text_to_path.get_text_width_height_descent(text, font, ismath=False)[0]


def _cant_split(row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _borders(grid) -> None:
    """Single lines around every cell, for a template without Word's "Table Grid" style."""
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{side}")
        for key, value in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", "auto")):
            line.set(qn(f"w:{key}"), value)
        borders.append(line)
    grid._tbl.tblPr.append(borders)
