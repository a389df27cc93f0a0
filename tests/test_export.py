"""The board paper: what a board member, a printer and an offline laptop need from it."""

import base64
import io
import re
import warnings
from importlib.metadata import entry_points

import matplotlib
import nbformat
import pytest
from bs4 import BeautifulSoup
from nbconvert.nbconvertapp import NbConvertApp
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from pdf_text import page_fonts, page_lines, page_text
from pypdf import PdfReader

from audit_analysis.intake.commentary import PLACEHOLDER
from audit_analysis.paper import export
from audit_analysis.paper.export import BoardPaperHTMLExporter, css_string, export_board_paper

matplotlib.use("Agg")

MARKING = "OFFICIAL-SENSITIVE <b>&</b>"
MARKING_HTML = "OFFICIAL-SENSITIVE &lt;b&gt;&amp;&lt;/b&gt;"
META = {
    "title": "Neglect audit <2016> & actions",
    "board": "Anytown Safeguarding Children Partnership",
    "period": "1 November 2015 to 30 November 2016",
    "run_date": "2026-11-26",
    "protective_marking": MARKING,
    "audit_id": "MACA-2016-04",
    "publication": False,
}
FIGURE_ALT = "Bar chart: cases rated good or better, by agency"
HTML_IMG_ALT = "Line chart: cases audited by month"


def _png() -> str:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 1), dpi=40)
    ax.bar(["Police", "Health"], [3, 5])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def _display(data, metadata=None):
    return new_output("display_data", data=data, metadata=metadata or {})


def _notebook(*extra_outputs) -> nbformat.NotebookNode:
    png = _png()
    table = (
        "<table><thead><tr><th>Agency</th><th>Cases</th><th>Rating</th></tr></thead>"
        "<tbody><tr><td>Police</td><td>34</td><td>Good</td></tr>"
        "<tr><td>Health</td><td>1,041</td><td>Requires improvement</td></tr></tbody></table>"
    )
    findings = new_code_cell("SECRET_CODE = load_returns()", execution_count=1)
    findings.outputs = [
        _display({"text/markdown": "### Agency ratings\n\nMost cases were **good**."}),
        _display({"text/html": table, "text/plain": "<table>"}),
        _display({"image/png": png, "text/plain": "<Figure>"}, {"image/png": {"alt": FIGURE_ALT}}),
        _display({"text/html": f'<img alt="{HTML_IMG_ALT}" src="data:image/png;base64,{png}">'}),
        new_output("stream", name="stderr", text="100%|#####| tqdm noise\n"),
        new_output("stream", name="stdout", text="debug print\n"),
        new_output("execute_result", data={"text/plain": "plain result"}, execution_count=1),
        *extra_outputs,
    ]
    wide = new_code_cell("crosstab", execution_count=2)
    head = "".join(f"<th>Agency {i}</th>" for i in range(12))
    cells = "".join(f"<td>{i * 7}</td>" for i in range(12))
    crosstab = (
        f"<table><thead><tr><th>Theme</th>{head}</tr></thead>"
        f"<tbody><tr><th>Voice of the child</th>{cells}</tr></tbody></table>"
    )
    wide.outputs = [_display({"text/html": crosstab})]
    removed = new_code_cell("x = 1", metadata={"tags": ["remove-cell"]})
    removed.outputs = [_display({"text/markdown": "REMOVED CELL"})]
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Neglect\n\n## Key findings\n\nThe board is asked to note them."),
            findings,
            new_markdown_cell("### Themes by agency"),
            wide,
            removed,
            new_markdown_cell("## Actions\n\n1. Review referrals."),
        ]
    )
    nb.metadata["audit_analysis"] = dict(META)
    return nb


@pytest.fixture(scope="module")
def html() -> str:
    return BoardPaperHTMLExporter().from_notebook_node(_notebook())[0]


@pytest.fixture(scope="module")
def soup(html) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


@pytest.fixture(scope="module")
def paper(tmp_path_factory):
    """Both formats, as `jupyter nbconvert --to boardpaper_html|pdf audit.ipynb` makes them.

    In-process: a fresh interpreter would cost ~4 s just importing nbformat.
    """
    folder = tmp_path_factory.mktemp("paper")
    nbformat.write(_notebook(), folder / "audit.ipynb")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        for to in ("boardpaper_html", "boardpaper_pdf"):
            app = NbConvertApp()
            app.initialize(["--to", to, "audit.ipynb"])
            app.start()
    return folder


def test_no_code_prompts_streams_or_removed_cells(html):
    assert "SECRET_CODE" not in html
    assert "In&nbsp;[" not in html and "Out[" not in html
    assert "tqdm noise" not in html and "debug print" not in html
    assert "REMOVED CELL" not in html
    assert "plain result" in html


def test_title_block_shows_the_details_escaped(soup, html):
    block = soup.select_one(".bp-titleblock")
    assert block.select_one("h1").get_text() == META["title"]
    text = block.get_text(" ")
    for field in (META["board"], META["period"], "26 November 2026", META["audit_id"], MARKING):
        assert field in text
    assert "Neglect audit &lt;2016&gt; &amp; actions" in html
    assert META["title"] not in html and MARKING not in html


def test_marking_is_a_banner_at_top_and_bottom_and_on_every_printed_page(soup, html):
    banners = soup.select("body > .bp-marking")
    assert [b.get_text() for b in banners] == [MARKING, MARKING]
    assert banners[0] is soup.body.find(True) and banners[1] is soup.body.find_all(True)[-1]
    assert f'@top-center {{ content: "{css_string(MARKING)}"; }}' in html
    assert f'@bottom-center {{ content: "{css_string(MARKING)}"; }}' in html


def test_contents_link_to_the_headings(soup):
    links = soup.select("nav.bp-toc a")
    assert [a.get_text() for a in links] == [
        "Key findings",
        "Agency ratings",
        "Themes by agency",
        "Actions",
    ]
    for a in links:
        target = soup.find(id=a["href"].removeprefix("#"))
        assert target is not None and target.name in ("h2", "h3")
        assert target.get_text() == a.get_text()
    assert "¶" not in soup.select_one("main").get_text()


def test_self_contained_with_no_external_references(soup, html):
    assert not soup.find_all("script") and not soup.find_all("link")
    for tag in soup.find_all(src=True):
        assert tag["src"].startswith("data:")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html)
    outside_data = re.sub(r"data:[\w/+.-]+;base64,[\w+/=]+", "data:", html)
    assert not re.search(r"require\.js|mathjax|mermaid|googleapis|cdn", outside_data, re.I)


def test_images_carry_their_alt_text(soup):
    assert [img.get("alt") for img in soup.select("main img")] == [FIGURE_ALT, HTML_IMG_ALT]
    assert soup.select_one("figure img")["alt"] == FIGURE_ALT


def test_number_columns_are_right_aligned(soup):
    table = soup.select_one("main table")
    aligned = [c.get_text() for c in table.select(".bp-num")]
    assert aligned == ["Cases", "34", "1,041"]


def test_draft_is_marked():
    html = BoardPaperHTMLExporter(draft=True).from_notebook_node(_notebook())[0]
    assert "<title>DRAFT: " in html and 'class="bp-draft"' in html
    assert '@top-right { content: "DRAFT"; }' in html
    assert '<div aria-hidden="true" class="bp-draft-mark">DRAFT</div>' in html


def test_a_complete_paper_carries_no_draft_mark(html):
    assert "DRAFT" not in html and 'class="bp-draft' not in html


def _with_missing_commentary(where: str) -> nbformat.NotebookNode:
    nb = _notebook()
    placeholder = PLACEHOLDER.format(heading="Police")
    if where == "markdown":
        nb.cells.append(new_markdown_cell(f"## Police\n\n{placeholder}"))
    else:
        nb.cells[1].outputs.append(_display({"text/markdown": placeholder}))
    return nb


@pytest.mark.parametrize("where", ["markdown", "output"])
def test_missing_commentary_makes_a_draft_however_it_is_exported(where):
    html = BoardPaperHTMLExporter().from_notebook_node(_with_missing_commentary(where))[0]
    assert "<title>DRAFT: " in html and 'class="bp-draft-mark"' in html


def test_a_paper_with_missing_commentary_says_draft_on_every_pdf_page(tmp_path):
    nbformat.write(_with_missing_commentary("output"), tmp_path / "audit.ipynb")
    pdf = tmp_path / "audit.pdf"
    export_board_paper(tmp_path / "audit.ipynb", tmp_path / "audit.html", pdf, draft=False)
    pages = PdfReader(pdf).pages
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert page_text(page).count("DRAFT") >= 2, f"page {number}: no mark and header"


def test_details_may_come_as_an_output_instead_of_metadata():
    nb = _notebook()
    del nb.metadata["audit_analysis"]
    details = {**META, "author": "Audit lead"}
    nb.cells[1].outputs.append(_display({export.PAPER_MIME: details}))
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*not able to be represented")
        html = BoardPaperHTMLExporter().from_notebook_node(nb)[0]
    facts = BeautifulSoup(html, "html.parser").select_one(".bp-facts").get_text(" ")
    assert "Audit lead" in facts and MARKING in facts and "26 November 2026" in facts
    assert export.PAPER_MIME not in html


def test_external_resources_are_refused():
    outside = _display({"text/html": '<img alt="logo" src="https://example.org/logo.png">'})
    with pytest.raises(ValueError, match="not self-contained"):
        BoardPaperHTMLExporter().from_notebook_node(_notebook(outside))


def test_css_string_cannot_break_out_of_the_style_element():
    escaped = css_string('a "b" </style> \\')
    assert re.fullmatch(r"(?:[A-Za-z0-9]|\\[0-9a-f]{6})*", escaped)


def test_wide_tables_get_small_type_and_a_landscape_page_with_their_heading(soup):
    wide = soup.select("main table")[-1]
    assert "bp-wide" in wide["class"]
    cell = wide.find_parent(class_="jp-Cell")
    assert "bp-landscape" in cell["class"]
    assert "bp-landscape" in cell.find_previous_sibling(class_="jp-Cell")["class"]


def test_pdf_is_a4_marked_and_numbered_on_every_page(paper):
    reader = PdfReader(paper / "audit.pdf")
    pages = reader.pages
    assert len(pages) >= 3  # title and contents; findings; the wide table, in landscape
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages]
    assert sizes[0] == sizes[-1] == (595, 842)  # portrait again after the wide table
    assert (842, 595) in sizes and set(sizes) == {(595, 842), (842, 595)}
    for number, page in enumerate(pages, start=1):
        text = page_text(page)
        assert text.count(MARKING) >= 2, f"page {number} lacks the marking top and bottom"
        assert f"Page {number} of {len(pages)}" in text
        assert "SECRET_CODE" not in text
    assert reader.metadata.title == META["title"]


def test_pdf_is_set_in_the_shipped_typeface_whatever_the_machine_has(paper):
    fonts = set().union(*(page_fonts(page) for page in PdfReader(paper / "audit.pdf").pages))
    monospace = {font for font in fonts if "Mono" in font}  # the plain-text result, in <pre>
    assert monospace and fonts - monospace == {"Lato", "Lato-Bold"}


def test_nbconvert_finds_the_exporters(paper):
    registered = {ep.name for ep in entry_points(group="nbconvert.exporters")}
    assert {"boardpaper_html", "boardpaper_pdf"} <= registered, "pip install -e . first"
    html = (paper / "audit.html").read_text(encoding="utf-8")
    assert html.count(f'<div class="bp-marking" role="note">{MARKING_HTML}</div>') == 2
    assert "SECRET_CODE" not in html


def test_export_board_paper_writes_the_files_and_nothing_else(tmp_path):
    nbformat.write(_notebook(), tmp_path / "audit.ipynb")
    export_board_paper(tmp_path / "audit.ipynb", tmp_path / "out" / "audit.html", None)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["audit.html"]
    assert MARKING_HTML in (tmp_path / "out" / "audit.html").read_text(encoding="utf-8")


def test_failed_pdf_leaves_no_half_written_paper(tmp_path, monkeypatch):
    nbformat.write(_notebook(), tmp_path / "audit.ipynb")
    (tmp_path / "audit.html").write_text("last good paper")

    def broken(html, pdf_path=None):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(export, "html_to_pdf", broken)
    with pytest.raises(RuntimeError):
        export_board_paper(tmp_path / "audit.ipynb", tmp_path / "audit.html", tmp_path / "a.pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit.html", "audit.ipynb"]
    assert (tmp_path / "audit.html").read_text() == "last good paper"


def _table(rows, head=("Agency", "Cases")) -> str:
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _sections_notebook(count=14) -> nbformat.NotebookNode:
    """Agency sections as the report displays them: heading, findings sentence, table, text;
    each a separate output of one cell, with more text between them every time."""
    cell = new_code_cell("agency_sections()", execution_count=1)
    words = "Practice was recorded and reviewed in supervision with the family. "
    for n in range(count):
        cell.outputs += [
            _display({"text/markdown": f"### Agency {n}"}),
            _display({"text/markdown": f"The analysis is based on {n + 2} audits."}),
            _display({"text/html": _table([(f"Area {n}.{i}", i) for i in range(8)])}),
            _display({"text/markdown": words * (4 + 5 * n % 23)}),
        ]
    nb = new_notebook(cells=[new_markdown_cell("## Agencies' practice"), cell])
    nb.metadata["audit_analysis"] = dict(META)
    return nb


def test_heading_outputs_are_kept_with_their_lead_in_and_table(tmp_path):
    html = BoardPaperHTMLExporter().from_notebook_node(_sections_notebook(1))[0]
    soup = BeautifulSoup(html, "html.parser")
    outputs = soup.select("main .jp-OutputArea-child")
    kept = ["bp-keep-with-next" in out["class"] for out in outputs]
    assert kept == [True, True, False, False]  # heading, sentence | table, text

    pdf = tmp_path / "sections.pdf"
    nbformat.write(_sections_notebook(), tmp_path / "sections.ipynb")
    export_board_paper(tmp_path / "sections.ipynb", tmp_path / "s.html", pdf)
    pages = [page_text(page) for page in PdfReader(pdf).pages]
    assert len(pages) >= 6
    for n in range(14):
        on = [i for i, text in enumerate(pages) if f"Agency {n}\n" in text + "\n"]
        rows = [i for i, text in enumerate(pages) if f"Area {n}.0" in text]
        assert on and on == rows, f"heading 'Agency {n}' is on page {on}, its table on {rows}"


def test_a_long_lead_in_is_not_kept_with_the_table():
    """Only a sentence or two goes over with a heading: keeping more leaves pages half empty."""
    nb = _sections_notebook(1)
    nb.cells[1].outputs[1] = _display({"text/markdown": "A long introduction. " * 30})
    html = BoardPaperHTMLExporter().from_notebook_node(nb)[0]
    outputs = BeautifulSoup(html, "html.parser").select("main .jp-OutputArea-child")
    assert ["bp-keep-with-next" in out["class"] for out in outputs] == [True, False, False, False]


def _styled(table_html) -> BeautifulSoup:
    nb = _notebook(_display({"text/html": table_html}))
    html = BoardPaperHTMLExporter().from_notebook_node(nb)[0]
    return BeautifulSoup(html, "html.parser").select("main table")[1]


def test_suppressed_counts_keep_their_column_right_aligned():
    rows = [
        ("Police", "c", "c", "4"),
        ("Health", "12", "c", "\u2013"),
        ("Schools", "\u2013", "c", "c"),
    ]
    table = _styled(_table(rows, head=("Agency", "Good", "Inadequate", "Not graded")))
    for row in table.select("tbody tr"):
        cells = row.find_all("td")
        assert "bp-num" not in cells[0].get("class", [])
        assert all("bp-num" in cell["class"] for cell in cells[1:]), row
    assert [th.get_text() for th in table.select("th.bp-num")] == [
        "Good",
        "Inadequate",
        "Not graded",
    ]


def test_short_columns_beside_running_text_keep_their_header_on_one_line():
    outline = "Concerns about father's substance misuse & domestic abuse; housing issues"
    rows = [(str(n), f"{n + 2} M", outline) for n in range(1, 4)]
    table = _styled(_table(rows, head=("Case", "Age and gender", "Outline issues")))
    nowrap = [th.get_text() for th in table.select("thead th.bp-nowrap")]
    assert nowrap == ["Case", "Age and gender"]
    for row in table.select("tbody tr"):
        assert ["bp-nowrap" in cell.get("class", []) for cell in row.find_all("td")] == [
            True,
            True,
            False,
        ]
    # Without running text beside them, headers wrap as usual.
    table = _styled(_table([("Police", "3 M")], head=("Agency", "Age and gender")))
    assert not table.select(".bp-nowrap")


def test_long_tables_may_break_between_rows_and_short_ones_stay_whole():
    outline = "Concerns about father's substance misuse & domestic abuse; housing issues"
    long_text = _styled(_table([(str(n), outline) for n in range(10)], head=("Case", "Outline")))
    short_text = _styled(_table([(str(n), outline) for n in range(3)], head=("Case", "Outline")))
    numbers = _styled(_table([(f"Area {n}", n) for n in range(8)]))
    assert "bp-breakable" in long_text["class"]
    assert "bp-breakable" not in short_text.get("class", [])
    assert "bp-breakable" not in numbers.get("class", [])


def test_report_date_is_shown_above_the_date_of_analysis():
    nb = _notebook()
    nb.metadata["audit_analysis"]["report_date"] = "2017-03-01"
    html = BoardPaperHTMLExporter().from_notebook_node(nb)[0]
    facts = [
        (div.dt.get_text(), div.dd.get_text())
        for div in BeautifulSoup(html, "html.parser").select(".bp-facts > div")
    ]
    labels = [label for label, _ in facts]
    assert ("Date of report", "1 March 2017") in facts
    assert labels.index("Date of report") == labels.index("Date of analysis") - 1

    nb.metadata["audit_analysis"]["report_date"] = "March <2017> & after"
    html = BoardPaperHTMLExporter().from_notebook_node(nb)[0]
    assert "March &lt;2017&gt; &amp; after" in html and "<2017>" not in html

    for empty in ("", None):
        nb.metadata["audit_analysis"]["report_date"] = empty
        html = BoardPaperHTMLExporter().from_notebook_node(nb)[0]
        assert "Date of report" not in html and "26 November 2026" in html


def test_no_line_is_broken_after_its_first_word_before_italics():
    """WeasyPrint broke "2. Fictional: remind ... leads. <em>(owner; due)</em>" after
    "Fictional:" at some widths; the space moved inside the <em> it breaks where it should."""
    item = (
        "Fictional: remind all agencies of the escalation policy, with a short briefing for "
        "designated leads. <em>(Partnership business manager; due 2026-07-31; In progress)</em>"
    )
    widths = [f"{100 + w / 4}mm" for w in range(0, 300)]
    lists = "".join(f'<ol style="width: {w}"><li>{item}</li></ol>' for w in widths)
    html = export._finish(f'<nav class="bp-toc"></nav><main class="bp-content">{lists}</main>')
    assert "leads.<em> (Partnership" in html
    pages = PdfReader(io.BytesIO(export.html_to_pdf(html))).pages
    lines = [line for page in pages for line in page_lines(page)]
    assert "Fictional:" not in lines and lines.count("(Partnership business manager; due") == 0
