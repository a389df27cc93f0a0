"""Turn an executed audit notebook into a board paper: self-contained HTML and an A4 PDF.

The paper's details (the title block) come from the notebook, as metadata
(``nb.metadata["audit_analysis"]``) or as an output of type ``PAPER_MIME``, which is
dropped from the paper; ``resources["audit_analysis"]`` overrides any of them::

    {"title": ..., "board": ..., "period": ..., "run_date": "2026-11-26",
     "report_date": "2017-03-01" or "", "protective_marking": "OFFICIAL-SENSITIVE",
     "audit_id": ..., "author": ...}

Both exporters are registered with nbconvert, so ``jupyter nbconvert --to boardpaper_html``
and ``--to boardpaper_pdf`` work too.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from pathlib import Path

import markupsafe
import nbformat
from bs4 import BeautifulSoup, NavigableString, Tag
from nbconvert.exporters import HTMLExporter
from traitlets import Bool, default
from traitlets.config import Config

from audit_analysis.analysis.disclosure import MARKER as SUPPRESSED
from audit_analysis.intake.commentary import PLACEHOLDER_MARK, is_safe_link
from audit_analysis.paper.report import KEY_MESSAGES, PAPER_MIME
from audit_analysis.paper.typeface import embed_fonts
from audit_analysis.paths import write_atomic

logger = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"
METADATA_KEY = "audit_analysis"
DEFAULT_MARKING = "OFFICIAL-SENSITIVE"
REMOVE_CELL_TAGS = {"remove-cell", "hide"}
REMOVE_OUTPUT_TAGS = {"remove-output"}
WIDE_TABLE_COLUMNS = 7  # more columns than this: smaller type
PORTRAIT_TABLE_COLUMNS = 10  # more than this: a landscape page

_NUMBER = r"[-+\u2212]?[£$€]?\d[\d,]*(?:\.\d+)?\s?%?"
_NUMERIC_CELL = re.compile(rf"{_NUMBER}(?:\s*\({_NUMBER}\))?")
# Neither numbers nor words: they take the alignment of the rest of their column, and the
# suppression marker stands for a number, so a column of nothing else is a number column too.
_BLANK_CELLS = {"", "-", "\u2013", "\u2014", "n/a", "nan", "none"}
SHORT_CELL = 12  # a column whose values are all this short keeps its header on one line...
SHORT_HEADER = 20  # ...if the header is this short and another column holds running text
LONG_CELL = 60  # a value longer than this is running text
LONG_TABLE_ROWS = 15  # longer tables may break between rows...
LONG_TEXT_ROWS = 6  # ...and so may tables this long with running text in them
LEAD_IN = 300  # characters (about three lines) of text kept with a heading and its exhibit
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_EXHIBITS = ("table", "img", "svg", "figure")
# WeasyPrint sometimes breaks a line early (even after its first word) where text ending in
# a space runs into one of these; the space moved inside the element lays out correctly.
_INLINE = {"em", "strong", "i", "b", "span", "small", "mark", "abbr", "cite", "q", "u", "s"}
# Attributes that make a browser fetch something: all must be data: URIs to open offline.
_RESOURCE_ATTRS = {"src", "srcset", "poster", "data", "background"}
_CSS_URL = re.compile(r"url\(\s*(?!['\"]?(?:data:|#))|@import", re.IGNORECASE)


class BoardPaperHTMLExporter(HTMLExporter):
    """The board paper as one HTML file: no code; title block, contents, marking top and bottom."""

    export_from_notebook = "Board paper (HTML)"

    draft = Bool(
        False,
        help="Mark the paper DRAFT on every page (a paper with missing commentary always is).",
    ).tag(config=True)

    @default("template_name")
    def _template_name_default(self):
        return "boardpaper"

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self):
        return [str(TEMPLATES)]

    @default("embed_images")
    def _embed_images_default(self):
        return True  # images in Markdown cells become data URIs too

    @property
    def default_config(self):
        c = Config(
            {
                "BoardPaperHTMLExporter": {
                    "exclude_input": True,
                    "exclude_input_prompt": True,
                    "exclude_output_prompt": True,
                },
                "TagRemovePreprocessor": {
                    "enabled": True,
                    "remove_cell_tags": REMOVE_CELL_TAGS,
                    "remove_all_outputs_tags": REMOVE_OUTPUT_TAGS,
                },
            }
        )
        c2 = super().default_config.copy()
        c2.merge(c)
        return c2

    def default_filters(self):
        yield from super().default_filters()
        yield ("css_string", css_string)

    def from_notebook_node(self, nb, resources=None, **kw):
        resources = dict(resources or {})
        name = resources.get("metadata", {}).get("name", "")
        draft = self.draft or has_placeholders(nb)
        resources["paper"] = paper_details(
            nb, resources.get(METADATA_KEY), draft=draft, fallback_title=name
        )
        html, resources = super().from_notebook_node(nb, resources, **kw)
        return _finish(html), resources

    def _init_preprocessors(self):
        super()._init_preprocessors()
        self.register_preprocessor(_drop_hidden_outputs, enabled=True)


class BoardPaperPDFExporter(BoardPaperHTMLExporter):
    """The same board paper as an A4 PDF, rendered by WeasyPrint (no browser needed)."""

    export_from_notebook = "Board paper (PDF)"

    @default("file_extension")
    def _file_extension_default(self):
        return ".pdf"

    @default("template_extension")
    def _template_extension_default(self):
        return ".html.j2"

    def from_notebook_node(self, nb, resources=None, **kw):
        html, resources = super().from_notebook_node(nb, resources, **kw)
        return html_to_pdf(html), resources


def export_board_paper(
    notebook_path: Path | str,
    html_path: Path | str,
    pdf_path: Path | str | None = None,
    *,
    draft: bool = False,
) -> None:
    """Write the board paper as HTML (and PDF) from an executed notebook.

    Both are rendered before either is written, and each is written to a temporary file
    then renamed, so a failure never leaves a half-written or mismatched paper.
    """
    notebook_path = Path(notebook_path)
    nb = nbformat.read(notebook_path, as_version=4)
    resources = {"metadata": {"name": notebook_path.stem, "path": str(notebook_path.parent)}}
    html, _ = BoardPaperHTMLExporter(draft=draft).from_notebook_node(nb, resources)
    pdf = html_to_pdf(html) if pdf_path is not None else None
    write_atomic(Path(html_path), html.encode("utf-8"))
    if pdf is not None:
        write_atomic(Path(pdf_path), pdf)


def html_to_pdf(html: str, pdf_path: Path | str | None = None) -> bytes:
    """Render board-paper HTML to PDF bytes, writing them atomically to ``pdf_path`` if given.

    Only data: URIs are fetched: the paper must not depend on (or leak to) the network.
    """
    import weasyprint  # slow to import; only PDF users pay for it

    fetcher = weasyprint.URLFetcher(allowed_protocols={"data"})
    # PDF/UA-1: tagged, with the document's language and title; table headers keep their scope.
    pdf = weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant="pdf/ua-1")
    if pdf_path is not None:
        write_atomic(Path(pdf_path), pdf)
    return pdf


def paper_details(nb, overrides=None, *, draft=False, fallback_title="") -> dict:
    """The title block: notebook metadata, then any ``PAPER_MIME`` output, then ``overrides``."""
    meta = dict(nb.metadata.get(METADATA_KEY, {}))
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            details = output.get("data", {}).get(PAPER_MIME)
            meta.update(json.loads(details) if isinstance(details, str) else details or {})
    meta.update(overrides or {})
    marking = str(meta.get("protective_marking") or "").strip()
    if not marking:
        # Case audits hold personal data: an unmarked paper is the worse mistake.
        logger.warning("No protective_marking in metadata; using %s", DEFAULT_MARKING)
        marking = DEFAULT_MARKING
    run_date = meta.get("run_date")
    iso = _as_date(run_date)
    return {
        "title": str(meta.get("title") or fallback_title or "Case audit"),
        "board": str(meta.get("board") or ""),
        "period": str(meta.get("period") or ""),
        "report_date": _long_date(meta.get("report_date")),
        "run_date": _long_date(run_date),
        "run_date_iso": iso.isoformat() if iso else "",
        "audit_id": str(meta.get("audit_id") or ""),
        "author": str(meta.get("author") or ""),
        "marking": marking,
        "draft": bool(draft or meta.get("draft")),  # either may mark it; neither may unmark
    }


def has_placeholders(nb) -> bool:
    """Whether the paper shows a missing-commentary placeholder, in Markdown or an output."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            texts = [cell.source]
        else:
            texts = [
                value
                for output in cell.get("outputs", [])
                if output.get("output_type") in ("display_data", "execute_result")
                for mime, value in output.get("data", {}).items()
                if mime.startswith("text/")
            ]
        for text in texts:
            if PLACEHOLDER_MARK in ("".join(text) if isinstance(text, list) else str(text)):
                return True
    return False


def _drop_hidden_outputs(nb, resources):
    """Streams are logging, warnings and progress bars, not findings; PAPER_MIME is for us."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [
                out
                for out in cell.outputs
                if out.output_type != "stream" and PAPER_MIME not in out.get("data", {})
            ]
    return nb, resources


def css_string(value) -> markupsafe.Markup:
    """Escape text for a CSS string: every character but ASCII letters and digits as \\hhhhhh.

    Nothing is left that could close the string, the rule or the <style> element. (Spaces
    are escaped too: CSS swallows one space after an escape.)
    """
    return markupsafe.Markup(
        "".join(c if c.isascii() and c.isalnum() else f"\\{ord(c):06x}" for c in str(value))
    )


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _long_date(value) -> str:
    """'2017-03-01' as '1 March 2017'; anything that is not a date as it is, None as ''."""
    iso = _as_date(value)
    return f"{iso.day} {iso:%B %Y}" if iso else str(value or "")


def _finish(html: str) -> str:
    """Fill in the contents, lay out tables and headings for print, embed the fonts, refuse
    network resources."""
    soup = BeautifulSoup(html, features="html.parser")
    for link in soup.select("a.anchor-link"):  # the ¶ after each heading: noise on paper
        link.decompose()
    _key_messages_first(soup)
    for heading in soup.select("main.bp-content h2"):
        if heading.get_text(" ", strip=True).startswith("Appendix"):
            cell = heading.find_parent(class_="jp-Cell")
            if cell is not None:  # reference matter: set smaller, as reports do
                cell["class"] = [*cell.get("class", []), "bp-appendix"]
    _add_contents(soup)
    _keep_headings_with_content(soup)
    labels: set[str] = set()
    for table in soup.select(".bp-content table"):
        _style_table(table)
        _scope_headers(table)
        _scroll_region(soup, table, labels)
    _fix_spaces_before_inline(soup)
    _unlink_unsafe(soup)
    for style in soup.find_all("style"):
        if style.string:
            style.string = embed_fonts(style.string)
    _check_self_contained(soup)
    return str(soup)


def _key_messages_first(soup) -> None:
    """The key messages go on page 1, under the title block and before the contents."""
    nav, main = soup.select_one("nav.bp-toc"), soup.select_one("main.bp-content")
    if nav is None or main is None:
        return
    heading = next(
        (h for h in main.find_all("h2") if h.get_text(" ", strip=True) == KEY_MESSAGES), None
    )
    cell = heading.find_parent(class_="jp-Cell") if heading is not None else None
    if cell is None:
        return
    heading["id"] = heading.get("id") or "key-messages"
    front = soup.new_tag(
        "section", attrs={"class": "bp-front bp-content", "aria-labelledby": heading["id"]}
    )
    nav.insert_before(front)
    front.append(cell.extract())


def _unlink_unsafe(soup) -> None:
    """A last check after intake.commentary.safe_markdown: a `javascript:`, `vbscript:` or
    `data:` link that reached the page anyway shows as its text, never as a live link."""
    for tag in soup.find_all(("a", "area")):
        if any(not is_safe_link(str(tag[a])) for a in ("href", "xlink:href") if tag.has_attr(a)):
            tag.unwrap()


def _add_contents(soup) -> None:
    nav, main = soup.select_one("nav.bp-toc"), soup.select_one("main.bp-content")
    headings = main.find_all(["h2", "h3"]) if main else []
    if not headings:
        nav.decompose()
        return
    used = {tag["id"] for tag in soup.find_all(id=True) if tag.name not in ("h2", "h3")}
    top, sub, last = soup.new_tag("ul"), None, None
    for h in headings:
        text = h.get_text(" ", strip=True)
        base = h.get("id") or re.sub(r"[^\w-]+", "-", text).strip("-") or "section"
        anchor, n = base, 1
        while anchor in used:
            n += 1
            anchor = f"{base}-{n}"
        used.add(anchor)
        h["id"] = anchor
        item = soup.new_tag("li")
        item.append(soup.new_tag("a", href=f"#{anchor}", string=text))
        if h.name == "h3" and last is not None:
            if sub is None:
                sub = soup.new_tag("ul")
                last.append(sub)
            sub.append(item)
        else:
            top.append(item)
            sub, last = None, (item if h.name == "h2" else None)
    nav.append(top)


def _keep_headings_with_content(soup) -> None:
    """No heading alone at the foot of a page: it goes over with what follows it.

    The paper is a run of blocks: Markdown cells and the outputs of code cells (a notebook
    often displays a heading, a findings sentence, a table and a chart as separate outputs
    of one cell). A block that ends with a heading, and the short lead-in text between it
    and a table or figure, get ``bp-keep-with-next`` (``break-after: avoid``), so the
    heading, its lead-in and the exhibit's top share a page. Nothing is made unbreakable:
    a long run of text after a heading may still break after its first lines.
    """
    blocks = soup.select(".bp-content .jp-MarkdownCell, .bp-content .jp-OutputArea-child")
    kinds = [_block_kind(block) for block in blocks]
    for i, kind in enumerate(kinds):
        if kind != "heading":
            continue
        keep, j, text = [blocks[i]], i + 1, 0
        while j < len(blocks) and kinds[j] == "lead":
            text += len(blocks[j].get_text(" ", strip=True))
            if text > LEAD_IN:
                break
            j += 1
        if j < len(blocks) and kinds[j] == "exhibit":
            keep += blocks[i + 1 : j]
        for block in keep:
            if "bp-keep-with-next" not in block.get("class", []):
                block["class"] = [*block.get("class", []), "bp-keep-with-next"]


def _block_kind(block) -> str:
    """'heading' (ends with one), 'exhibit' (a table or figure), 'lead' (a few paragraphs)."""
    parts = block.select(".jp-RenderedMarkdown > *, .jp-RenderedHTML > *") or [
        tag for tag in block.find_all(True, recursive=False)
    ]
    if parts and parts[-1].name in _HEADINGS:
        return "heading"
    if block.find(_EXHIBITS):
        return "exhibit"
    if parts and all(tag.name == "p" for tag in parts):
        return "lead"
    return "other"


def _fix_spaces_before_inline(soup) -> None:
    """Move the space in ``text <em>more</em>`` inside: ``text<em> more</em>`` (see _INLINE).

    It renders the same everywhere; WeasyPrint then breaks the line where it should.
    """
    main = soup.select_one("main.bp-content")
    for tag in main.find_all(_INLINE) if main else []:
        before = tag.previous_sibling
        if type(before) is not NavigableString or tag.find_parent(("pre", "textarea")):
            continue  # no text before it (or a comment), or white space that is kept as is
        kept = str(before).rstrip(" \t\n\r\f")
        if kept == str(before) or not (kept or isinstance(before.previous_sibling, Tag)):
            continue  # no space to move, or only the collapsed space that opens a block
        target = tag
        while target.contents and isinstance(target.contents[0], Tag):
            if target.contents[0].name not in _INLINE:
                break
            target = target.contents[0]
        first = target.contents[0] if target.contents else None
        if type(first) is NavigableString:
            first.replace_with(NavigableString(" " + str(first).lstrip(" \t\n\r\f")))
        else:
            target.insert(0, NavigableString(" "))
        if kept:
            before.replace_with(NavigableString(kept))
        else:
            before.extract()


def _style_table(table) -> None:
    """Right-align all-number columns; keep short columns' headers on one line beside running
    text; let long tables break across pages; give wide tables smaller type or a landscape page.
    """
    grid = []  # (in the header?, column, cell) for every cell spanning one column
    width = 0
    for row in table.find_all("tr"):
        col = 0
        for cell in row.find_all(["td", "th"], recursive=False):
            span = int(cell.get("colspan", 1) or 1)
            if span == 1:
                grid.append((row.parent.name == "thead", col, cell))
            col += span
        width = max(width, col)
    numeric: dict[int, bool] = {}
    longest: dict[int, int] = {}
    for in_head, col, cell in grid:
        text = cell.get_text(strip=True)
        if in_head:
            continue
        longest[col] = max(longest.get(col, 0), len(text))
        if cell.name == "td" and text.lower() not in _BLANK_CELLS:
            number = text == SUPPRESSED or bool(_NUMERIC_CELL.fullmatch(text))
            numeric[col] = numeric.get(col, True) and number
    running_text = any(n > LONG_CELL for n in longest.values())
    for in_head, col, cell in grid:
        added = ["bp-num"] if numeric.get(col) else []
        short = col in longest and longest[col] <= SHORT_CELL
        fits = not in_head or len(cell.get_text(strip=True)) <= SHORT_HEADER
        if running_text and short and fits:
            added.append("bp-nowrap")
        if added:
            cell["class"] = [*cell.get("class", []), *added]
    if width > WIDE_TABLE_COLUMNS:
        table["class"] = [*table.get("class", []), "bp-wide"]
    rows = len(table.select("tbody > tr"))
    if rows > LONG_TABLE_ROWS or (running_text and rows >= LONG_TEXT_ROWS):
        # Kept whole, it could leave most of a page blank: break it between rows instead.
        table["class"] = [*table.get("class", []), "bp-breakable"]
    cell = table.find_parent(class_="jp-Cell")
    on_paper = table.find_parent(class_="bp-chart-data") is None  # a chart's data: screen only
    if width > PORTRAIT_TABLE_COLUMNS and cell is not None and on_paper:
        # On the cell, not the table, so pages break around it; its heading goes with it.
        turned = [cell]
        heading = cell.find_previous_sibling(class_="jp-Cell")
        if heading is not None and "bp-keep-with-next" in heading["class"]:
            turned.append(heading)
        for tag in turned:
            tag["class"] = [*tag["class"], "bp-landscape"]


def _scope_headers(table) -> None:
    """Header cells say what they head: a column in the table head, a row in its body."""
    for cell in table.find_all("th"):
        if not cell.get("scope"):
            in_head = cell.find_parent(("thead", "tbody")) is None or (
                cell.find_parent(("thead", "tbody")).name == "thead"
            )
            cell["scope"] = "col" if in_head else "row"


def _scroll_region(soup, table, labels: set[str]) -> None:
    """A table too wide for a phone scrolls sideways in a box a keyboard can reach and a screen
    reader names (WCAG 2.1.1): a focusable region named by the table's caption, uniquely."""
    if table.find_parent(class_="bp-table-scroll"):
        return
    caption = table.find("caption")
    base = (caption.get_text(" ", strip=True) if caption else "") or "Table"
    if table.find_parent("details", class_="bp-chart-data"):
        base = f"Data table: {base}"
    label, n = base, 1
    while label in labels:
        n += 1
        label = f"{base} ({n})"
    labels.add(label)
    box = soup.new_tag("div", attrs={"class": "bp-table-scroll", "role": "region", "tabindex": "0"})
    box["aria-label"] = label
    table.wrap(box)


def _check_self_contained(soup) -> None:
    """Raise if the page would fetch anything: it must open offline, from an email or USB stick."""
    bad = [
        f"<{tag.name} {attr}={str(tag[attr])[:60]!r}>"
        for tag in soup.find_all(True)
        if tag.name != "a"  # a link the reader may follow is fine; a resource the page loads is not
        for attr in _resource_attrs(tag)
        if not str(tag[attr]).strip().startswith(("data:", "#"))
    ]
    css = [tag.string or "" for tag in soup.find_all("style")]
    css += [tag["style"] for tag in soup.find_all(style=True)]
    bad += [f"CSS {m.group(0)!r}" for text in css for m in _CSS_URL.finditer(text)]
    if bad:
        raise ValueError(
            "Board paper is not self-contained; embed these as data: URIs "
            "(e.g. IPython.display.Image(data, alt=...)): " + "; ".join(bad[:5])
        )


def _resource_attrs(tag) -> set[str]:
    attrs = set(tag.attrs) & _RESOURCE_ATTRS
    if tag.name in ("link", "image", "use", "feimage"):  # <link href>, SVG <image href>
        attrs |= set(tag.attrs) & {"href", "xlink:href"}
    return attrs
