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
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.image import Image
from docx.opc.exceptions import OpcError
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor, Twips

from audit_analysis.paper.docx_tables import add_table, measuring_font
from audit_analysis.paper.docx_text import add_field, add_markdown, style
from audit_analysis.paper.record import Block, Picture, TableData, Text, read_record
from audit_analysis.paths import write_atomic

A4_WIDTH, A4_HEIGHT = Twips(11906), Twips(16838)  # Word's own A4: 210 x 297 mm
MARGIN = Cm(2.0)
FONT = "Arial"
DEFAULT_MARKING = "OFFICIAL-SENSITIVE"  # as the HTML paper: an unmarked paper is the worse mistake
DRAFT_COLOUR = RGBColor(0xC0, 0x00, 0x00)
PICTURE_HEIGHT_SHARE = 0.85  # of the text height: room left for the caption
_TEMPLATE_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOCUMENT_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\ufffe\uffff]")


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
    details = {k: printable(v) if isinstance(v, str) else v for k, v in details.items()}
    document = open_base(template)
    if template is None:
        _house_style(document)
    marking = str(details.get("protective_marking") or "").strip() or DEFAULT_MARKING
    _mark_every_page(document, marking, draft)
    _title_block(document, details, marking, draft)
    width, height = text_area(document)
    font = measuring_font(document.styles["Normal"].font.name, FONT)
    for block in map(_printable_block, blocks):
        if isinstance(block, Text):
            add_markdown(document, block.markdown)
        elif isinstance(block, TableData):
            add_table(document, block, width, font)
        elif isinstance(block, Picture):
            _picture(document, block, width, Emu(int(height * PICTURE_HEIGHT_SHARE)))
        else:
            raise TypeError(f"not a paper block: {block!r}")
    _properties(document, details, marking)
    return write_atomic(Path(out), _reproducible(document))


def printable(text: str) -> str:
    """Text a Word file can hold: a vertical tab or form feed (Word's line and page breaks, as
    pasted from Word into a spreadsheet) becomes a line break; other control characters go."""
    return _CONTROL.sub("", text.replace("\x0b", "\n").replace("\x0c", "\n"))


def _printable_block(block: Block) -> Block:
    def clean(value):
        return printable(value) if isinstance(value, str) else value

    if isinstance(block, Text):
        return Text(printable(block.markdown))
    if isinstance(block, TableData):
        frame = block.frame.map(clean).rename(index=clean, columns=clean)
        return replace(block, frame=frame, caption=printable(block.caption), note=clean(block.note))
    if isinstance(block, Picture):
        return replace(block, alt_text=printable(block.alt_text), caption=printable(block.caption))
    return block


def validate_template(path: str | Path) -> Path:
    """The template's path, if it is a Word document or template that opens; else a located error."""
    _open_template(Path(path))
    return Path(path)


def open_base(template: str | Path | None) -> Document:
    """python-docx's blank document, or the template with its body cleared (sections kept)."""
    if template is None:
        return docx.Document()
    document = _open_template(Path(template))
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return document


def _open_template(path: Path) -> Document:
    """Open a .docx, or a .dotx (the same package under a template content type)."""
    if not path.exists():
        raise DocxTemplateError(f"Word template {path}: no such file")
    if not path.is_file():
        raise DocxTemplateError(f"Word template {path}: is a folder, expected a .docx file")
    if path.suffix.lower() not in (".docx", ".dotx"):
        raise DocxTemplateError(
            f"Word template {path}: a {path.suffix or 'file without extension'}, expected a "
            ".docx (or .dotx) saved by Word; save a .doc or .dot as .docx first"
        )
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
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError, OpcError) as exc:
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
