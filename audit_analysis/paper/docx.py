"""The board paper as a Word document (.docx), because committee papers go through Word templates.

`render_docx` takes the title block (`BoardPaper.details()`) and the paper's blocks (Markdown
text, tables, pictures: see `record.py`) and writes an A4 document: title block; protective
marking in the header and footer of every page, with "Page X of Y" and a DRAFT mark; the
Markdown's headings as Word's Heading 1–3 (so the navigation pane lists them); tables as
Word tables whose header rows repeat on each page; charts fitted to the text width, with
their alt text. With `template=`, a council's own .docx (or .dotx) is the base: its body is
cleared, its styles, page setup and header content (a logo) are kept and the marking added.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import numbers
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

import docx
import pandas as pd
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.image import Image
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor, Twips

from audit_analysis.analysis.disclosure import MARKER as SUPPRESSED
from audit_analysis.paper.docx_text import (
    add_field,
    add_markdown,
    has_style,
    repeat_header,
    style,
)
from audit_analysis.paper.record import Block, Picture, TableData, Text, read_record
from audit_analysis.paths import write_atomic

A4_WIDTH, A4_HEIGHT = Twips(11906), Twips(16838)  # Word's own A4: 210 x 297 mm
MARGIN = Cm(2.0)
FONT = "Arial"
DEFAULT_MARKING = "OFFICIAL-SENSITIVE"  # as the HTML paper: an unmarked paper is the worse mistake
TABLE_TEXT, WIDE_TABLE_TEXT = Pt(9), Pt(8)
WIDE_TABLE_COLUMNS = 7  # as the HTML paper: more columns than this get smaller type
LONG_TABLE_ROWS = 15  # as the HTML paper: longer tables may break between rows
CELL_PADDING = Cm(0.42)  # Word's default cell margins (0.38 cm), and a hair
HEADER_FILL = "E7E6E6"
DRAFT_COLOUR = RGBColor(0xC0, 0x00, 0x00)
PICTURE_HEIGHT_SHARE = 0.85  # of the text height: room left for the caption
_NUMBER = re.compile(r"[-+\u2212]?[£$€]?\d[\d,]*(?:\.\d+)?\s?%?")
_BLANK = {"", "-", "\u2013", "\u2014"}
_TEMPLATE_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOCUMENT_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class DocxTemplateError(ValueError):
    """The --docx-template file cannot serve as the paper's base."""


def export_docx(
    output_dir: str | Path, out: str | Path, *, draft: bool, template: str | Path | None = None
) -> Path:
    """The Word paper of a run, from the blocks notebook 04 recorded in `output_dir`."""
    details, blocks = read_record(output_dir)
    return render_docx(details, blocks, out, draft=draft, template=template)


def render_docx(
    details: dict,
    blocks: Iterable[Block],
    out: str | Path,
    *,
    draft: bool = False,
    template: str | Path | None = None,
) -> Path:
    """Write the paper to `out` (whole or not at all); returns `out`."""
    document = open_base(template)
    if template is None:
        _house_style(document)
    marking = str(details.get("protective_marking") or "").strip() or DEFAULT_MARKING
    _mark_every_page(document, marking, draft)
    _title_block(document, details, marking, draft)
    width, height = text_area(document)
    font = _measuring_font(document.styles["Normal"].font.name)
    for block in blocks:
        if isinstance(block, Text):
            add_markdown(document, block.markdown)
        elif isinstance(block, TableData):
            _table(document, block, width, font)
        elif isinstance(block, Picture):
            _picture(document, block, width, Emu(int(height * PICTURE_HEIGHT_SHARE)))
        else:
            raise TypeError(f"not a paper block: {block!r}")
    _properties(document, details, marking)
    return write_atomic(Path(out), _reproducible(document))


def validate_template(path: str | Path) -> Path:
    """The template's path, if it is a Word document or template that opens; else a located error."""
    path = Path(path)
    if not path.exists():
        raise DocxTemplateError(f"Word template {path}: no such file")
    if not path.is_file():
        raise DocxTemplateError(f"Word template {path}: is a folder, expected a .docx file")
    if path.suffix.lower() not in (".docx", ".dotx"):
        raise DocxTemplateError(
            f"Word template {path}: a {path.suffix or 'file without extension'}, expected a "
            ".docx (or .dotx) saved by Word; save a .doc or .dot as .docx first"
        )
    _open_template(path)
    return path


def open_base(template: str | Path | None) -> Document:
    """python-docx's blank document, or the template with its body cleared (sections kept)."""
    if template is None:
        return docx.Document()
    document = _open_template(validate_template(template))
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return document


def _open_template(path: Path) -> Document:
    """Open a .docx, or a .dotx (the same package under a template content type)."""
    try:
        with zipfile.ZipFile(path) as package:
            parts = {info.filename: package.read(info) for info in package.infolist()}
        types = parts.get("[Content_Types].xml", b"")
        parts["[Content_Types].xml"] = types.replace(_TEMPLATE_TYPE, _DOCUMENT_TYPE)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
            for name, data in parts.items():
                package.writestr(name, data)
        return docx.Document(buffer)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocxTemplateError(
            f"Word template {path}: cannot be opened as a Word document ({exc})"
        ) from exc


def text_area(document: Document) -> tuple[Emu, Emu]:
    """Width and height inside the margins of the last section (the one the body flows into)."""
    section = document.sections[-1]
    width = section.page_width - section.left_margin - section.right_margin
    height = section.page_height - section.top_margin - section.bottom_margin
    return Emu(width), Emu(height)


def _house_style(document: Document) -> None:
    """A4 portrait, 2 cm margins, and Arial (Liberation Sans where Arial is missing) throughout,
    in place of the blank document's theme fonts, which LibreOffice lacks."""
    for section in document.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = A4_WIDTH, A4_HEIGHT
        for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
            setattr(section, side, MARGIN)
        section.header_distance = section.footer_distance = Cm(1.0)
    fonts = document.styles.element.xpath("//w:rFonts")
    for element in fonts:
        for attribute in list(element.attrib):
            if attribute.endswith("Theme") or attribute.endswith("theme"):
                del element.attrib[attribute]
        for script in ("ascii", "hAnsi", "cs"):
            element.set(qn(f"w:{script}"), FONT)
    document.styles["Normal"].font.name = FONT
    document.styles["Normal"].font.size = Pt(10.5)


def _mark_every_page(document: Document, marking: str, draft: bool) -> None:
    """The marking at the top and bottom of every page of every section, kept apart from any
    header content a template brings; page numbers at the foot; DRAFT at the top of a draft."""
    odd_and_even = document.settings.odd_and_even_pages_header_footer
    for n, section in enumerate(document.sections):
        headers = [(section.header, section.footer)]
        if section.different_first_page_header_footer:
            headers.append((section.first_page_header, section.first_page_footer))
        if odd_and_even:
            headers.append((section.even_page_header, section.even_page_footer))
        for header, footer in headers:
            if n and header.is_linked_to_previous and footer.is_linked_to_previous:
                continue  # shows the previous section's, already marked
            if draft:
                _line(header, "DRAFT", WD_ALIGN_PARAGRAPH.RIGHT, colour=DRAFT_COLOUR)
            _line(header, marking, WD_ALIGN_PARAGRAPH.CENTER)
            _line(footer, marking, WD_ALIGN_PARAGRAPH.CENTER)
            pages = _line(footer, "Page ", WD_ALIGN_PARAGRAPH.CENTER, bold=False)
            add_field(pages, "PAGE")
            pages.add_run(" of ")
            add_field(pages, "NUMPAGES")


def _line(part, text: str, align, *, bold: bool = True, colour: RGBColor | None = None):
    """A paragraph in a header or footer: the empty one a new header starts with, else a new one."""
    paragraphs = part.paragraphs
    blank = len(paragraphs) == 1 and not paragraphs[0].text and not _has_drawing(paragraphs[0])
    paragraph = paragraphs[0] if blank else part.add_paragraph()
    paragraph.alignment = align
    run = paragraph.add_run(text)
    run.bold = bold
    if colour is not None:
        run.font.color.rgb = colour
    return paragraph


def _has_drawing(paragraph) -> bool:
    return bool(paragraph._p.xpath(".//w:drawing | .//w:pict | .//w:fldChar"))


def _title_block(document: Document, details: dict, marking: str, draft: bool) -> None:
    if draft:
        run = document.add_paragraph().add_run("DRAFT")
        run.bold, run.font.color.rgb = True, DRAFT_COLOUR
    if details.get("board"):
        document.add_paragraph().add_run(str(details["board"])).bold = True
    document.add_paragraph(
        str(details.get("title") or "Case audit"), style=style(document, "Title")
    )
    facts = [
        ("Theme", details.get("theme")),
        ("Audit period", details.get("period")),
        ("Date of report", _long_date(details.get("report_date"))),
        ("Date of analysis", _long_date(details.get("run_date"))),
        ("Audit reference", details.get("audit_id")),
        ("Author", details.get("author")),
        ("Protective marking", marking),
    ]
    if details.get("publication"):
        threshold = details.get("disclosure_threshold")
        facts.append(("Version", f"publication: counts from 1 to {threshold} are hidden"))
    for label, value in facts:
        if value:
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(0)
            paragraph.add_run(f"{label}: ").bold = True
            paragraph.add_run(str(value))
    document.add_paragraph()


def _long_date(value) -> str:
    """'2017-03-01' as '1 March 2017'; anything else as it is."""
    try:
        day = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value or "")
    return f"{day.day} {day:%B %Y}"


def cell_text(value: object, percent: bool = False) -> str:
    """A value as the HTML paper prints it: missing as a dash, shares as 45%, `c` as it is."""
    if isinstance(value, str):
        return value
    if value is None or (not isinstance(value, bool) and pd.isna(value)):
        return "\u2013"
    if percent and isinstance(value, numbers.Real) and not isinstance(value, bool):
        return f"{value:.0%}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _is_number(text: str) -> bool:
    return text == SUPPRESSED or bool(_NUMBER.fullmatch(text))


def _grid(table: TableData) -> tuple[list[list[str]], list[list[str]], list[bool]]:
    """Header rows, body rows (as text, index first) and which columns hold numbers."""
    frame = table.frame
    show_index = not (isinstance(frame.index, pd.RangeIndex) and frame.index.name is None)
    levels = frame.columns.nlevels
    corner = [str(n) if n is not None else "" for n in frame.index.names] if show_index else []
    if show_index and levels == 1 and not any(corner) and frame.columns.name is not None:
        corner = [str(frame.columns.name)] + [""] * (len(corner) - 1)
    header = []
    for level in range(levels):
        labels = [
            str(c[level] if isinstance(c, tuple) else c) if c is not None else ""
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


def _table(document: Document, table: TableData, width: Emu, font: str) -> None:
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
            lines.append(widest if r < header_rows else _text_width(text, heavy, points, font))
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


def _measuring_font(name: str | None) -> str:
    """The font to measure table text in: the body font if installed, else one with Arial's
    widths, else matplotlib's own DejaVu Sans (wider than Arial: columns err on the roomy side)."""
    from matplotlib.font_manager import fontManager

    installed = {font.name for font in fontManager.ttflist}
    candidates = ([name] if name else []) + [FONT, "Liberation Sans"]
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


def _picture(document: Document, picture: Picture, width: Emu, height: Emu) -> None:
    """The chart at its own size, shrunk to fit the text area; alt text in the drawing's descr."""
    png = picture.png_bytes()
    image = Image.from_blob(png)
    scale = min(1.0, width / image.width, height / image.height)
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.keep_with_next = bool(picture.caption)
    shape = paragraph.add_run().add_picture(
        io.BytesIO(png), width=Emu(int(image.width * scale)), height=Emu(int(image.height * scale))
    )
    properties = shape._inline.docPr
    properties.set("descr", picture.alt_text)
    properties.set("title", picture.caption or picture.name)
    if picture.name:
        properties.set("name", picture.name)
    if picture.caption:
        document.add_paragraph(picture.caption, style=style(document, "Caption"))


def _properties(document: Document, details: dict, marking: str) -> None:
    """File properties: title, author, marking; dated by the run, so a rerun gives the same file."""
    props = document.core_properties
    props.title = str(details.get("title") or "")
    props.subject = str(details.get("theme") or "")
    props.author = str(details.get("author") or details.get("board") or "")
    props.category = marking
    props.keywords = marking
    props.comments = ""
    props.last_modified_by = "audit-analysis"
    props.revision = 1
    try:
        when = dt.datetime.fromisoformat(str(details.get("run_date"))[:10])
    except ValueError:
        when = dt.datetime(2000, 1, 1)
    props.created = props.modified = when.replace(tzinfo=dt.UTC)


def _reproducible(document: Document) -> bytes:
    """The saved package with fixed zip dates: the same paper gives the same bytes."""
    saved = io.BytesIO()
    document.save(saved)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(saved) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info))
    return out.getvalue()
