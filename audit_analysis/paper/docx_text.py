"""The paper's Markdown as Word paragraphs: real heading styles, lists, quotes, emphasis, links.

Parsed by markdown-it (CommonMark, as Jupyter shows it, plus tables and strikethrough) with raw
HTML off: the paper's user text is HTML-escaped and data backslash-escaped, so entities and
escapes come out as the characters typed. Only http(s) and mailto links become live links, and
the address is printed after the text, since the paper is read on paper too; markdown-it
already refuses javascript:, vbscript:, file: and data: links, which stay visible as typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from markdown_it import MarkdownIt
from markdown_it.token import Token

MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
LIVE_LINKS = ("http://", "https://", "mailto:")
MONOSPACE = "Consolas"
LINK_COLOUR = RGBColor(0x05, 0x63, 0xC1)
LIST_INDENT = Cm(0.63)
HEADING_SIZES = {1: Pt(16), 2: Pt(13), 3: Pt(11.5)}
# Built-in styles a council template may lack: made on first use, as Word would define them.
_FALLBACK_STYLES = {
    "Title": {"size": Pt(22), "bold": True},
    "Caption": {"size": Pt(9), "bold": True},
    "Quote": {"italic": True, "indent": Cm(1)},
}


def style(document: Document, name: str):
    """The document's paragraph style `name`, defined if the template lacks it.

    Headings get their outline level, so Word's navigation pane lists them.
    """
    try:
        return document.styles[name]
    except KeyError:
        pass
    made = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    made.base_style = document.styles["Normal"]
    made.quick_style = True
    if name.startswith("Heading "):
        level = int(name.split()[-1])
        made.font.bold, made.font.size = True, HEADING_SIZES.get(level, Pt(11))
        made.paragraph_format.keep_with_next = True
        made.paragraph_format.space_before = Pt(12)
        outline = OxmlElement("w:outlineLvl")
        outline.set(qn("w:val"), str(level - 1))
        made.element.get_or_add_pPr().append(outline)
        return made
    spec = _FALLBACK_STYLES.get(name, {})
    made.font.size = spec.get("size")
    made.font.bold = spec.get("bold")
    made.font.italic = spec.get("italic")
    if "indent" in spec:
        made.paragraph_format.left_indent = spec["indent"]
    return made


def has_style(document: Document, name: str) -> bool:
    try:
        document.styles[name]
    except KeyError:
        return False
    return True


def heading_style(markdown_level: int) -> str:
    """`##` is the paper's top level (`#` is its title): Heading 1, `###` Heading 2, `####` 3."""
    return f"Heading {min(max(markdown_level - 1, 1), 3)}"


def add_field(paragraph: Paragraph, instruction: str, shown: str = "1") -> None:
    """A Word field (PAGE, NUMPAGES, …) that Word and LibreOffice update when laying out pages."""
    for kind, text in (("begin", None), (None, f" {instruction} "), ("separate", None)):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        else:
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = text
            run._r.append(code)
    paragraph.add_run(shown)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


def add_markdown(document: Document, text: str) -> None:
    """Append Markdown to the document as paragraphs (and tables, for Markdown tables)."""
    _Writer(document).write(MARKDOWN.parse(text))


@dataclass
class _List:
    ordered: bool
    number: int = 1


@dataclass
class _Writer:
    document: Document
    lists: list[_List] = field(default_factory=list)
    quotes: int = 0
    item_started: bool = False  # the next paragraph opens a list item
    paragraph: Paragraph | None = None

    def write(self, tokens: list[Token]) -> None:
        i = 0
        while i < len(tokens):
            token = tokens[i]
            kind = token.type
            if kind == "heading_open":
                self.paragraph = self.document.add_paragraph(
                    style=style(self.document, heading_style(int(token.tag[1:])))
                )
            elif kind == "paragraph_open":
                self.paragraph = self._new_paragraph()
            elif kind == "inline" and self.paragraph is not None:
                _Inline(self.paragraph).write(token.children or [])
            elif kind in ("bullet_list_open", "ordered_list_open"):
                start = int(token.attrs.get("start", 1)) if kind == "ordered_list_open" else 1
                self.lists.append(_List(kind == "ordered_list_open", start))
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.lists.pop()
            elif kind == "list_item_open":
                self.item_started = True
            elif kind == "blockquote_open":
                self.quotes += 1
            elif kind == "blockquote_close":
                self.quotes -= 1
            elif kind in ("fence", "code_block"):
                self._code(token.content)
            elif kind == "hr":
                self._rule()
            elif kind == "table_open":
                end = next(j for j in range(i, len(tokens)) if tokens[j].type == "table_close")
                self._table(tokens[i:end])
                i = end
            i += 1

    def _new_paragraph(self) -> Paragraph:
        document = self.document
        if self.quotes:
            return document.add_paragraph(style=style(document, "Quote"))
        if not self.lists:
            return document.add_paragraph()
        depth = len(self.lists)
        current = self.lists[-1]
        paragraph = document.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.left_indent = LIST_INDENT * depth
        fmt.space_after = Pt(2)
        if not self.item_started:
            return paragraph  # a further paragraph of the same item, under its text
        self.item_started = False
        bullets = "List Bullet" if depth == 1 else f"List Bullet {min(depth, 3)}"
        if not current.ordered and has_style(document, bullets):
            paragraph.style = document.styles[bullets]  # Word's own bullets
            fmt.left_indent = None
            return paragraph
        # Numbers as written, not Word numbering: recommendation numbers are references.
        marker = f"{current.number}." if current.ordered else "\u2022"
        current.number += 1
        fmt.first_line_indent = -LIST_INDENT
        fmt.tab_stops.add_tab_stop(LIST_INDENT * depth)
        paragraph.add_run(f"{marker}\t")
        return paragraph

    def _code(self, text: str) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.left_indent = LIST_INDENT * len(self.lists)
        lines = text.rstrip("\n").split("\n")
        for n, line in enumerate(lines):
            run = paragraph.add_run(line)
            run.font.name = MONOSPACE
            if n < len(lines) - 1:
                run.add_break()

    def _rule(self) -> None:
        paragraph = self.document.add_paragraph()
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "auto")):
            bottom.set(qn(f"w:{key}"), value)
        borders.append(bottom)
        paragraph._p.get_or_add_pPr().append(borders)

    def _table(self, tokens: list[Token]) -> None:
        """A Markdown table in the commentary: a Word table, its first row repeated on each page."""
        rows: list[list[tuple[Token, bool]]] = []
        for token in tokens:
            if token.type == "tr_open":
                rows.append([])
            elif token.type in ("th_open", "td_open"):
                right = "right" in str(token.attrs.get("style", ""))
                rows[-1].append((None, right))
            elif token.type == "inline" and rows and rows[-1]:
                rows[-1][-1] = (token, rows[-1][-1][1])
        width = max(len(r) for r in rows)
        table = self.document.add_table(rows=len(rows), cols=width)
        if has_style(self.document, "Table Grid"):
            table.style = self.document.styles["Table Grid"]
        for r, row in enumerate(rows):
            for c, (inline, right) in enumerate(row):
                paragraph = table.cell(r, c).paragraphs[0]
                if right:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                if inline is not None:
                    _Inline(paragraph, bold=r == 0).write(inline.children or [])
        repeat_header(table.rows[0])
        self.document.add_paragraph()


def repeat_header(row) -> None:
    """Mark a table row as a header row, repeated at the top of every page the table runs onto."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


class _Inline:
    """Runs of one paragraph from markdown-it's inline tokens."""

    def __init__(self, paragraph: Paragraph, *, bold: bool = False):
        self.paragraph = paragraph
        self.bold, self.italic, self.strike = int(bold), 0, 0
        self.link: tuple[str, object | None, list[str]] | None = None  # href, element, texts

    def write(self, tokens: list[Token]) -> None:
        for token in tokens:
            kind = token.type
            if kind == "text":
                self._text(token.content)
            elif kind == "softbreak":
                self._text(" ")
            elif kind == "hardbreak":
                self.paragraph.add_run().add_break()
            elif kind == "code_inline":
                self._text(token.content).font.name = MONOSPACE
            elif kind in ("strong_open", "strong_close"):
                self.bold += 1 if kind.endswith("open") else -1
            elif kind in ("em_open", "em_close"):
                self.italic += 1 if kind.endswith("open") else -1
            elif kind in ("s_open", "s_close"):
                self.strike += 1 if kind.endswith("open") else -1
            elif kind == "link_open":
                self._open_link(str(token.attrs.get("href", "")))
            elif kind == "link_close":
                self._close_link()
            elif kind == "image":
                self._text(f"[image: {token.content}]")
            elif kind == "html_inline":  # not produced with html off; shown as typed if it were
                self._text(token.content)

    def _text(self, text: str):
        run = self.paragraph.add_run(text)
        run.bold = bool(self.bold) or None
        run.italic = bool(self.italic) or None
        run.font.strike = bool(self.strike) or None
        if self.link is not None:
            href, element, texts = self.link
            texts.append(text)
            if element is not None:
                run.font.underline = True
                run.font.color.rgb = LINK_COLOUR
                element.append(run._r)  # moved from the paragraph into the link
        return run

    def _open_link(self, href: str) -> None:
        element = None
        if href.lower().startswith(LIVE_LINKS):
            part = self.paragraph.part
            rel = part.relate_to(href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
            element = OxmlElement("w:hyperlink")
            element.set(qn("r:id"), rel)
            element.set(qn("w:history"), "1")
            self.paragraph._p.append(element)
        self.link = (href, element, [])

    def _close_link(self) -> None:
        href, _, texts = self.link
        self.link = None
        shown = "".join(texts)
        address = href.removeprefix("mailto:")
        if shown.strip() != address:
            self._text(f" ({href})")
