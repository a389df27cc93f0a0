"""The Word paper: a small hand-made paper rendered to .docx and read back with python-docx."""

from __future__ import annotations

import io
import zipfile

import docx
import pandas as pd
import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from matplotlib.figure import Figure

from audit_analysis.cli import main
from audit_analysis.paper.blocks import cell_text
from audit_analysis.paper.docx import DocxTemplateError, render_docx, validate_template
from audit_analysis.paper.docx_tables import _grid
from audit_analysis.paper.record import PaperRecord, Picture, TableData, Text, read_record

MARKING = "OFFICIAL-SENSITIVE"
DETAILS = {
    "audit_id": "test-2026-neglect",
    "title": "An audit of 3 cases",
    "board": "Test Safeguarding Partnership",
    "theme": "neglect",
    "period": "1 January 2026 to 31 March 2026",
    "author": "A. Auditor",
    "run_date": "2026-11-30",
    "report_date": "2026-12-01",
    "protective_marking": MARKING,
    "publication": False,
    "disclosure_threshold": None,
}
GRADES = pd.DataFrame(
    {"Good": [3, "c", 0], "Inadequate": [1, 2, 12]},
    index=pd.Index(["Police", "Health <visitors>", "All agencies"], name="agency"),
)
SHARES = pd.DataFrame(
    {"Overall": [0.5, None, "c"]}, index=pd.Index(["Police", "Housing", "CAMHS"], name="agency")
)


def _zip_of_text() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("notes.txt", "not a Word document")
    return buffer.getvalue()


ZIP_OF_TEXT = _zip_of_text()
ALT_TEXT = "Bar chart of grades: Good 3, Inadequate 1."


def png(width: int = 600, height: int = 300, dpi: int = 100) -> bytes:
    """A blank PNG of `width` x `height` pixels that says it is `dpi` dots per inch."""
    buffer = io.BytesIO()
    Figure(figsize=(width / dpi, height / dpi)).savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def blocks() -> list:
    return [
        Text("## Introduction\n\nThe **audit** looked at *three* cases."),
        Text("### Police \\[North\\]\n\n#### Detail"),
        TableData(GRADES, "Grades by agency (n = 18 audits)", note="c: fewer than 5."),
        TableData(SHARES, "Share graded Good", percent=True),
        Picture(png(), ALT_TEXT, "grades", "Grades by agency"),
        Text(
            "Read [the guidance](https://example.org/guide), not "
            "[this](javascript:alert(1)) nor [notes](notes.html); mail <ask@example.org>.\n\n"
            "Escaped: \\*not bold\\*, &lt;script&gt; and 5 \\$ \\_x\\_.\n\n"
            "- first point\n- second point\n\n"
            "3. third recommendation\n4. fourth recommendation\n\n"
            "> A quoted comment."
        ),
    ]


@pytest.fixture(scope="module")
def paper(tmp_path_factory):
    path = tmp_path_factory.mktemp("docx") / "paper.docx"
    render_docx(DETAILS, blocks(), path)
    return docx.Document(path)


def body_paragraphs(document):
    return [p for p in document.paragraphs if p.text.strip()]


def test_headings_are_word_headings_from_the_markdown_levels(paper):
    headings = [(p.style.name, p.text) for p in paper.paragraphs if p.style.name.startswith("Head")]
    assert headings == [
        ("Heading 1", "Introduction"),
        ("Heading 2", "Police [North]"),
        ("Heading 3", "Detail"),
    ]
    title = [p.text for p in paper.paragraphs if p.style.name == "Title"]
    assert title == ["An audit of 3 cases"]


def test_title_block_gives_board_theme_period_author_and_dates(paper):
    text = "\n".join(p.text for p in paper.paragraphs)
    for line in (
        "Test Safeguarding Partnership",
        "Theme: neglect",
        "Audit period: 1 January 2026 to 31 March 2026",
        "Author: A. Auditor",
        "Date of report: 1 December 2026",
        "Date of analysis: 30 November 2026",
        f"Protective marking: {MARKING}",
    ):
        assert line in text.splitlines()
    assert "DRAFT" not in text


def test_every_section_is_marked_top_and_bottom_with_page_x_of_y(paper):
    assert len(paper.sections) >= 1
    for section in paper.sections:
        assert [p.text for p in section.header.paragraphs] == [MARKING]
        footer = [p.text for p in section.footer.paragraphs]
        assert footer[0] == MARKING
        assert footer[1].startswith("Page ") and " of " in footer[1]
        codes = [t.text.strip() for t in section.footer._element.iter(qn("w:instrText"))]
        assert codes == ["PAGE", "NUMPAGES"]


def test_pages_are_a4_portrait_with_2_cm_margins(paper):
    section = paper.sections[0]
    assert (section.page_width.mm, section.page_height.mm) == pytest.approx((210, 297), abs=0.1)
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert section.left_margin.cm == pytest.approx(2, abs=0.01)
    assert section.right_margin.cm == pytest.approx(2, abs=0.01)


def test_a_draft_is_marked_draft_in_the_header_and_title_block(tmp_path):
    path = render_docx(DETAILS, blocks()[:1], tmp_path / "draft.docx", draft=True)
    document = docx.Document(path)
    for section in document.sections:
        assert [p.text for p in section.header.paragraphs] == ["DRAFT", MARKING]
    assert document.paragraphs[0].text == "DRAFT"


def test_a_missing_marking_falls_back_to_official_sensitive(tmp_path):
    details = DETAILS | {"protective_marking": "  "}
    document = docx.Document(render_docx(details, [], tmp_path / "p.docx"))
    assert document.sections[0].header.paragraphs[0].text == "OFFICIAL-SENSITIVE"


def test_tables_are_word_tables_with_repeated_header_and_right_aligned_numbers(paper):
    grades, shares = paper.tables
    cells = [[c.text for c in row.cells] for row in grades.rows]
    assert cells == [
        ["Agency", "Good", "Inadequate"],  # as the HTML paper names it
        ["Police", "3", "1"],
        ["Health <visitors>", "c", "2"],
        ["All agencies", "0", "12"],
    ]
    header = grades.rows[0]._tr.trPr.find(qn("w:tblHeader"))
    assert header is not None and header.get(qn("w:val")) == "true"
    assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in grades.rows[1:])
    aligned = [[c.paragraphs[0].alignment for c in row.cells] for row in grades.rows[1:]]
    right = WD_ALIGN_PARAGRAPH.RIGHT
    assert aligned == [[None, right, right]] * 3
    texts = [p.text for p in paper.paragraphs]
    caption = texts.index("Grades by agency (n = 18 audits)")
    assert paper.paragraphs[caption].style.name == "Caption"
    assert "c: fewer than 5." in texts
    assert [[c.text for c in row.cells] for row in shares.rows][1:] == [
        ["Police", "50%"],
        ["Housing", "\u2013"],
        ["CAMHS", "c"],
    ]


@pytest.mark.parametrize(
    ("value", "percent", "shown"),
    [(0.456, True, "46%"), (3, False, "3"), (3.0, False, "3"), (None, False, "\u2013"),
     (float("nan"), True, "\u2013"), ("c", True, "c"), (2.5, False, "2.5"),
     (10 / 3, False, "3.3")],
)  # fmt: skip
def test_cells_print_as_the_html_paper_prints_them(value, percent, shown):
    assert cell_text(value, percent) == shown


def test_word_headers_are_named_in_words_as_the_html_papers_are():
    frame = pd.DataFrame({"median_days": [12.25]}, index=pd.Index(["1"], name="case_id"))
    header, body, _ = _grid(TableData(frame, "Intervals"))
    assert header == [["Case", "Median days between referrals"]]
    assert body == [["1", "12.2"]]


def test_pictures_carry_the_alt_text_and_fit_the_text_width(paper):
    [shape] = paper.inline_shapes
    properties = shape._inline.docPr
    assert properties.get("descr") == ALT_TEXT
    assert properties.get("title") == "Grades by agency"
    assert shape.width == Cm(15.24)  # 600 px at 100 dpi: its own size, inside 17 cm
    assert "Grades by agency" in [p.text for p in paper.paragraphs if p.style.name == "Caption"]


def test_a_picture_wider_than_the_page_is_shrunk_to_the_text_width(tmp_path):
    wide = Picture(png(3000, 600, 100), "A wide chart.", "wide")
    document = docx.Document(render_docx(DETAILS, [wide], tmp_path / "w.docx"))
    [shape] = document.inline_shapes
    assert abs(shape.width - Cm(17)) < Cm(0.01)
    assert abs(shape.height - Cm(17) / 5) < Cm(0.01)


def test_links_are_live_only_for_http_and_mailto_and_print_their_address(paper):
    [paragraph] = [p for p in paper.paragraphs if p.text.startswith("Read ")]
    assert paragraph.text == (
        "Read the guidance (https://example.org/guide), not [this](javascript:alert(1)) "
        "nor notes (notes.html); mail ask@example.org."
    )
    links = [(h.text, h.address) for h in paragraph.hyperlinks]
    assert links == [
        ("the guidance", "https://example.org/guide"),
        ("ask@example.org", "mailto:ask@example.org"),
    ]


def test_markdown_emphasis_escapes_lists_and_quotes(paper):
    texts = {p.text: p for p in body_paragraphs(paper)}
    intro = texts["The audit looked at three cases."]
    assert [(r.text, r.bold, r.italic) for r in intro.runs] == [
        ("The ", None, None),
        ("audit", True, None),
        (" looked at ", None, None),
        ("three", None, True),
        (" cases.", None, None),
    ]
    assert "Escaped: *not bold*, <script> and 5 $ _x_." in texts
    assert texts["first point"].style.name == "List Bullet"
    assert texts["second point"].style.name == "List Bullet"
    assert "3.\tthird recommendation" in texts and "4.\tfourth recommendation" in texts
    assert texts["A quoted comment."].style.name == "Quote"


def test_control_characters_from_pasted_text_do_not_break_the_paper(tmp_path):
    frame = pd.DataFrame({"Evidence": ["Seen\x0bat home\x01"]}, index=pd.Index(["1"], name="Case"))
    pasted = [
        Text("Notes:\x0bline two\x07."),
        TableData(frame, "Evidence\x02 by case", note="\x00"),
        Picture(png(), "Alt\x1f text", "chart", "Chart\x0c title"),
    ]
    document = docx.Document(render_docx(DETAILS, pasted, tmp_path / "p.docx"))
    texts = [p.text for p in document.paragraphs]
    assert "Notes: line two." in texts and "Evidence by case" in texts
    assert document.tables[0].cell(1, 1).text == "Seen\nat home"
    assert document.inline_shapes[0]._inline.docPr.get("descr") == "Alt text"


def test_the_same_paper_gives_the_same_bytes(tmp_path):
    first = render_docx(DETAILS, blocks(), tmp_path / "a.docx").read_bytes()
    assert render_docx(DETAILS, blocks(), tmp_path / "b.docx").read_bytes() == first


@pytest.fixture
def template(tmp_path):
    """A council's template: its own Heading 1 font, a header line (its logo), body text."""
    base = docx.Document()
    base.styles["Heading 1"].font.name = "Georgia"
    base.styles["Heading 1"].font.size = Pt(20)
    base.sections[0].header.paragraphs[0].text = "Test Council"
    base.add_paragraph("Template instructions: delete me")
    path = tmp_path / "council.docx"
    base.save(path)
    return path


def test_a_council_template_gives_its_styles_and_header(tmp_path, template):
    path = render_docx(DETAILS, blocks()[:1], tmp_path / "p.docx", template=template)
    document = docx.Document(path)
    heading = next(p for p in document.paragraphs if p.text == "Introduction")
    assert heading.style.name == "Heading 1"
    assert heading.style.font.name == "Georgia" and heading.style.font.size == Pt(20)
    assert "Template instructions: delete me" not in [p.text for p in document.paragraphs]
    assert [p.text for p in document.sections[0].header.paragraphs] == ["Test Council", MARKING]
    assert document.sections[0].footer.paragraphs[0].text == MARKING


def test_a_template_without_heading_styles_gets_them_with_outline_levels(tmp_path):
    base = docx.Document()
    for name in ("Heading 1", "Heading 2", "Caption", "Table Grid"):
        base.styles[name].delete()
    base.save(tmp_path / "bare.docx")
    path = render_docx(DETAILS, blocks()[:3], tmp_path / "p.docx", template=tmp_path / "bare.docx")
    document = docx.Document(path)
    headings = {p.text: p.style for p in document.paragraphs if p.style.name.startswith("Head")}
    levels = {
        text: s.element.pPr.find(qn("w:outlineLvl")).get(qn("w:val"))
        for text, s in headings.items()
        if text != "Detail"  # Heading 3 is the template's own
    }
    assert levels == {"Introduction": "0", "Police [North]": "1"}
    assert document.tables[0].style.name != "Table Grid"  # borders drawn on the table instead
    assert document.tables[0]._tbl.tblPr.find(qn("w:tblBorders")) is not None


def test_a_dotx_template_opens_too(tmp_path, template):
    dotx = tmp_path / "council.dotx"
    dotx.write_bytes(template.read_bytes())
    assert validate_template(dotx) == dotx
    document = docx.Document(render_docx(DETAILS, [], tmp_path / "p.docx", template=dotx))
    assert document.sections[0].header.paragraphs[0].text == "Test Council"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.docx", None, "no such file"),
        ("council.doc", b"old Word", "a .doc, expected a .docx"),
        ("broken.docx", b"not a zip", "cannot be opened as a Word document"),
        ("notes.docx", ZIP_OF_TEXT, "cannot be opened as a Word document"),
    ],
)
def test_a_bad_template_is_named_with_what_is_wrong(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DocxTemplateError) as raised:
        validate_template(path)
    assert str(raised.value).startswith(f"Word template {path}: ")
    assert message in str(raised.value)


def test_run_refuses_a_missing_template_as_a_usage_error(minimal_workspace, tmp_path, capsys):
    missing = tmp_path / "nowhere.docx"
    argv = ["run", "minimal-audit", "--root", str(minimal_workspace.root)]
    assert main([*argv, "--docx-template", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err == f"audit-analysis: error: Word template {missing}: no such file\n"


def test_run_passes_a_valid_template_to_the_runner(minimal_workspace, template, monkeypatch):
    from audit_analysis.run import runner

    seen = {}

    def fake_run_audits(workspace, audit_ids, **options):
        seen.update(options)
        return []

    monkeypatch.setattr(runner, "run_audits", fake_run_audits)
    argv = ["run", "minimal-audit", "--root", str(minimal_workspace.root)]
    assert main([*argv, "--docx-template", str(template)]) == 0
    assert seen["docx_template"] == template


def test_the_record_gives_back_the_blocks_it_was_given(tmp_path):
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "grades.png").write_bytes(png())
    record = PaperRecord(tmp_path, DETAILS)
    record.add(blocks()[:4])
    record.add([Picture(tmp_path / "figures" / "grades.png", ALT_TEXT, "grades", "Grades")])

    details, read = read_record(tmp_path)

    assert details == DETAILS
    assert read[:2] == blocks()[:2]
    assert [b.caption for b in read[2:4]] == [
        "Grades by agency (n = 18 audits)",
        "Share graded Good",
    ]
    assert read[2].frame.index.name == "agency" and read[3].percent is True
    assert read[2].frame.to_dict() == GRADES.to_dict()
    assert read[3].frame.to_dict() == {"Overall": {"Police": 0.5, "Housing": None, "CAMHS": "c"}}
    assert read[4] == Picture(tmp_path / "figures" / "grades.png", ALT_TEXT, "grades", "Grades")


def test_show_records_the_blocks_it_shows_once_the_paper_is_started(tmp_path, monkeypatch, capsys):
    from audit_analysis.paper import blocks as paper_blocks

    monkeypatch.setattr(paper_blocks, "_recording", None)
    png_file = tmp_path / "figures" / "grades.png"
    png_file.parent.mkdir()
    png_file.write_bytes(png())
    shown = [
        paper_blocks.Markdown("## Overall gradings"),
        paper_blocks.Table(GRADES, "overall-grades", "Grades (n = 18 audits)", note="c: small."),
        paper_blocks.Chart("grades", png_file, ALT_TEXT, "Grades by agency"),
    ]
    paper_blocks.show(shown[:1])  # before the paper starts: shown, not recorded
    paper_blocks.record_paper(tmp_path, DETAILS)
    paper_blocks.show(shown)
    capsys.readouterr()

    details, read = read_record(tmp_path)

    assert details == DETAILS
    assert read[0] == Text("## Overall gradings")
    assert (read[1].caption, read[1].note, read[1].percent, read[1].name) == (
        "Grades (n = 18 audits)",
        "c: small.",
        False,
        "overall-grades",
    )
    assert read[1].frame.to_dict() == GRADES.to_dict()
    assert read[2] == Picture(png_file, ALT_TEXT, "grades", "Grades by agency")
    assert len(read) == 3


def test_no_record_is_an_error_naming_the_file_and_the_fix(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"paper\.json: no record.*publish_details"):
        read_record(tmp_path)
