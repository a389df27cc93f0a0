"""End to end: run the real notebooks on two audits, then open the real board papers.

The HTML is opened in a real headless browser (Chromium) with every request watched;
the PDF is read back as text. Runs once per session (about a minute and a half).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import MINIMAL_AUDIT, PROJECT, REFERENCE_AUDIT, SAMPLE_AUDIT, make_workspace
from pdf_text import page_text
from pypdf import PdfReader

from audit_analysis.run.runner import run_audits

pytestmark = pytest.mark.e2e

BROWSERS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
REFERENCE_NUMBERS = [
    ("Children's Social Care", "8", "2"),
    ("Education (schools)", "1", "3", "2"),
]


def _browser() -> str | None:
    found = next((b for b in BROWSERS if Path(b).exists()), None) or shutil.which("chromium")
    if found is None and os.environ.get("AUDIT_ANALYSIS_REQUIRE_BROWSER"):
        pytest.fail(
            "no Chromium found, and AUDIT_ANALYSIS_REQUIRE_BROWSER is set (CI must install it)"
        )
    return found


@pytest.fixture(scope="module")
def papers(tmp_path_factory):
    """Both audits run through `audit-analysis run` in a copy of the project, plus a publication run."""
    root = tmp_path_factory.mktemp("e2e")
    workspace = make_workspace(root, REFERENCE_AUDIT, SAMPLE_AUDIT)
    shutil.copytree(PROJECT / "notebooks", root / "notebooks")
    results = run_audits(
        workspace, [REFERENCE_AUDIT.name, SAMPLE_AUDIT.name], jobs=2, final=True, progress=False
    )
    publication = run_audits(workspace, [SAMPLE_AUDIT.name], publication=True, progress=False)
    for result in [*results, *publication]:
        assert result.ok, result.summary()
    return workspace


WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP, PHONE = 1280, 320  # CSS pixels wide; 320 is WCAG's reflow width


def _open_in_browser(html_path: Path, *, width: int = DESKTOP, axe: bool = False):
    """Load the paper in headless Chromium; return (page facts, console errors, requests that left
    the machine). With `axe`, facts["axe"] holds axe-core's WCAG 2.2 AA (and best-practice)
    violations, as "rule: element" strings; axe.min.js comes from the installed package."""
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = _browser()
    if executable is None:
        pytest.skip("no Chromium on this machine (CI installs it)")
    console_errors, outside = [], []
    with sync_api.sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        browser = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=executable,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page()
        page.set_viewport_size({"width": width, "height": 900})
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: console_errors.append(str(e)))

        def watch(route):
            url = route.request.url
            if url.startswith(("file:", "data:", "about:")):
                route.continue_()
            else:
                outside.append(url)
                route.abort()

        page.route("**/*", watch)
        page.goto(html_path.as_uri(), wait_until="load")
        facts = page.evaluate(
            """() => ({
                images: [...document.images].map(i => ({
                    loaded: i.complete && i.naturalWidth > 0, alt: i.getAttribute('alt') || ''})),
                headings: [...document.querySelectorAll('h2, h3')].map(h => h.textContent.trim()),
                text: document.body.innerText,
                tocLinks: [...document.querySelectorAll('nav a[href^="#"]')].map(a => a.getAttribute('href')),
                ids: [...document.querySelectorAll('[id]')].map(e => e.id),
            })"""
        )
        if axe:  # the charts' folded data tables too
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            facts["axe"] = _axe_violations(page)
        browser.close()
    return facts, console_errors, outside


def _axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    options = {
        "runOnly": {"type": "tag", "values": [*WCAG_22_AA, "best-practice"]},
        "resultTypes": ["violations"],
    }
    response = Axe().run(page, options=options).response
    return [
        f"{rule['id']}: {node['target']} {node.get('failureSummary', '')[:160]}"
        for rule in response["violations"]
        for node in rule["nodes"]
    ]


def test_run_leaves_paper_notebooks_figures_and_manifest(papers):
    outputs = papers.audit(REFERENCE_AUDIT.name).outputs
    assert (outputs / f"{REFERENCE_AUDIT.name}-board-paper.html").is_file()
    assert (outputs / f"{REFERENCE_AUDIT.name}-board-paper.pdf").is_file()
    assert (outputs / f"{REFERENCE_AUDIT.name}-board-paper.docx").is_file()
    assert not (outputs / f"{REFERENCE_AUDIT.name}-board-paper-draft.html").exists()
    executed = sorted(p.name for p in (outputs / "notebooks").glob("*.ipynb"))
    assert executed == sorted(p.name for p in (PROJECT / "notebooks").glob("0*.ipynb"))
    nb = json.loads((outputs / "notebooks" / "04_board_paper.ipynb").read_text())
    assert nb["metadata"]["papermill"]["parameters"]["audit_id"] == REFERENCE_AUDIT.name
    for stem in ("overall-grades", "area-grades", "referrals-before-per-case", "case-agency-grid"):
        assert (outputs / "figures" / f"{stem}.png").is_file()
        assert (outputs / "figures" / f"{stem}.svg").is_file()
        assert "n = " in (outputs / "figures" / f"{stem}.txt").read_text()
    manifest = json.loads((outputs / "manifest.json").read_text())
    assert "audit.yaml" in json.dumps(manifest)


def test_html_paper_opens_offline_in_a_browser_with_everything_loaded(papers):
    html = papers.audit(REFERENCE_AUDIT.name).paper("html")
    facts, console_errors, outside = _open_in_browser(html)
    assert outside == [], f"requests left the machine: {outside}"
    assert console_errors == []
    assert facts["images"] and all(i["loaded"] for i in facts["images"]), "an image failed to load"
    assert all(i["alt"].strip() for i in facts["images"]), "an image has no alt text"
    for heading in (
        "Introduction",
        "Overall gradings",
        "Children's Social Care",
        "Recommendations",
        "Summary",
    ):
        assert any(heading in h for h in facts["headings"]), (
            f"{heading} missing from {facts['headings']}"
        )
    text = facts["text"]
    assert "OFFICIAL-SENSITIVE" in text and "Bromley Safeguarding Children Board" in text
    assert "Overall gradings were 8 Requires Improvement and 2 Inadequate" in text
    assert "import " not in text, "code leaked into the paper"
    assert facts["tocLinks"] and all(link[1:] in facts["ids"] for link in facts["tocLinks"])


def test_pdf_paper_is_a4_marked_on_every_page_with_the_reference_numbers(papers):
    reader = PdfReader(papers.audit(REFERENCE_AUDIT.name).paper("pdf"))
    pages = [page_text(page) for page in reader.pages]
    assert len(pages) > 5
    for number, (page, text) in enumerate(zip(reader.pages, pages, strict=True), start=1):
        short, long = sorted((float(page.mediabox.width), float(page.mediabox.height)))
        assert abs(short - 595.3) < 2 and abs(long - 841.9) < 2, f"page {number} is not A4"
        assert text.count("OFFICIAL-SENSITIVE") >= 2, (
            f"page {number} lacks the marking top and bottom"
        )
        assert f"Page {number} of {len(pages)}" in text
    whole = "\n".join(pages)
    for heading in ("Introduction", "Overall gradings", "Recommendations", "Appendix 1"):
        assert heading in whole
    # the report's overall table row for CSC (the agency's name may wrap in its cell)
    assert re.search(r"Children's\s+Social(\s+Care)?\s+0\s+0\s+8\s+2\s+0\b", whole), whole
    # a board reads the key messages and its decisions first, in a paper of 25 pages at most
    assert len(pages) <= 25, len(pages)
    assert "Key messages" in pages[0] and "Contents" not in pages[0]
    assert "The board is asked to" in pages[0] + pages[1]
    assert "November 2015 to November 2016 (12 months)" in pages[0]
    assert re.search(r"Date of report\s+2017\n", pages[0])


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_html_paper_passes_axe_at_desktop_and_phone_width(papers, width):
    """WCAG 2.2 AA (and axe's best practice) in the real browser, wide and at 320 px reflow."""
    sample = papers.audit(SAMPLE_AUDIT.name)
    draft = sample.for_version(publication=True).paper("html", publication=True, draft=True)
    for paper in (papers.audit(REFERENCE_AUDIT.name).paper("html"), sample.paper("html"), draft):
        facts, _, _ = _open_in_browser(paper, width=width, axe=True)
        assert facts["axe"] == [], f"{paper.name} at {width} px: " + "\n".join(facts["axe"])


def test_every_chart_has_a_short_alt_text_and_a_data_table(papers):
    facts, _, _ = _open_in_browser(papers.audit(REFERENCE_AUDIT.name).paper("html"))
    alts = [i["alt"] for i in facts["images"]]
    assert alts and max(len(a) for a in alts) <= 300
    html = papers.audit(REFERENCE_AUDIT.name).paper("html").read_text()
    assert html.count('<details class="bp-chart-data">') == len(alts)


def test_pdf_paper_is_pdf_ua_1_with_table_headers_kept(papers):
    """PDF/UA-1 declared in the XMP metadata; tables tagged with header cells that data cells
    point to, by column and (for scope="row") by row."""
    reader = PdfReader(papers.audit(REFERENCE_AUDIT.name).paper("pdf"))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfuaid:part(>|=\")1", xmp), xmp[:500]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert str(root["/Lang"]) == "en-GB"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    kinds, cells = _structure(root["/StructTreeRoot"])
    assert {"/Table", "/TR", "/TH", "/TD", "/Caption"} <= kinds
    # the "Children's Social Care" row of a grade table: its cells name the row's header too
    headers = [list(cell["/A"]["/Headers"]) for cell in cells if "/Headers" in cell.get("/A", {})]
    assert headers and any(len(h) >= 2 for h in headers)


def _structure(node, kinds=None, cells=None):
    """Every structure type in the tagged PDF, and every TD element."""
    kinds, cells = (set() if kinds is None else kinds), ([] if cells is None else cells)
    node = node.get_object()
    if hasattr(node, "get") and "/S" in node:
        kinds.add(str(node["/S"]))
        if node["/S"] == "/TD":
            cells.append(node)
    kids = node.get("/K") if hasattr(node, "get") else None
    for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if hasattr(kid, "get"):
            _structure(kid, kinds, cells)
    return kinds, cells


def test_word_paper_has_the_html_papers_headings_tables_and_figures(papers):
    import docx
    from bs4 import BeautifulSoup
    from docx.oxml.ns import qn

    paths = papers.audit(REFERENCE_AUDIT.name)
    document = docx.Document(paths.paper("docx"))
    html = BeautifulSoup(paths.paper("html").read_text(), "html.parser").body  # front and main

    def words(text: str) -> str:
        return " ".join(text.split())

    expected = [(h.name, words(h.get_text(" "))) for h in html.find_all(["h2", "h3"])]
    level = {"Heading 1": "h2", "Heading 2": "h3"}
    headings = [
        (level[p.style.name], words(p.text))
        for p in document.paragraphs
        if p.style.name.startswith("Heading")
    ]
    assert len(expected) > 20 and headings == expected
    alt_texts = [img["alt"] for img in html.find_all("img")]
    assert [shape._inline.docPr.get("descr") for shape in document.inline_shapes] == alt_texts
    tables = [t for t in html.find_all("table") if not t.find_parent("details")]
    assert len(document.tables) == len(tables)  # the charts' data tables are the HTML's only
    for section in document.sections:  # a final paper: marked, paged, no DRAFT
        assert [p.text for p in section.header.paragraphs] == ["OFFICIAL-SENSITIVE"]
        assert section.footer.paragraphs[0].text == "OFFICIAL-SENSITIVE"
        codes = [t.text.strip() for t in section.footer._element.iter(qn("w:instrText"))]
        assert codes == ["PAGE", "NUMPAGES"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Overall gradings were 8 Requires Improvement and 2 Inadequate" in text
    rows = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    # overall grades: 4 grades, Not graded, incomplete, not submitted, outside the period, none
    assert ["Children's Social Care", "0", "0", "8", "2", "0", "0", "0", "0", "0"] in rows

    sample = papers.audit(SAMPLE_AUDIT.name).for_version(publication=True)
    public = docx.Document(sample.paper("docx", publication=True, draft=True))
    assert [p.text for p in public.sections[0].header.paragraphs] == ["DRAFT", "OFFICIAL-SENSITIVE"]
    cells = {c.text for table in public.tables for row in table.rows for c in row.cells}
    assert "c" in cells
    assert "Evidence from the returns" not in "\n".join(p.text for p in public.paragraphs)


def test_second_audit_on_the_five_point_scale(papers):
    html = papers.audit(SAMPLE_AUDIT.name).paper("html")
    facts, console_errors, outside = _open_in_browser(html)
    assert outside == [] and console_errors == []
    assert "Strong standard" in facts["text"]
    assert "Requires Improvement" not in facts["text"]


def test_publication_version_suppresses_small_numbers_and_leaves_out_evidence(papers):
    paths = papers.audit(SAMPLE_AUDIT.name)
    internal = paths.paper("html").read_text()
    published_paths = paths.for_version(publication=True)
    published = published_paths.paper("html", publication=True, draft=True).read_text()
    assert "Evidence from the returns" in internal
    assert "Evidence from the returns" not in published
    assert ">c<" in published
    assert "Appendix 2" not in published
    text = "\n".join(
        page_text(p)
        for p in PdfReader(published_paths.paper("pdf", publication=True, draft=True)).pages
    )
    assert "OFFICIAL-SENSITIVE" in text


def test_final_export_fails_naming_missing_commentary_and_keeps_old_outputs(tmp_path):
    workspace = make_workspace(tmp_path, MINIMAL_AUDIT)
    shutil.copytree(PROJECT / "notebooks", tmp_path / "notebooks")
    outputs = workspace.audit(MINIMAL_AUDIT.name).outputs
    outputs.mkdir(parents=True)
    (outputs / "previous.txt").write_text("an earlier run")

    [result] = run_audits(workspace, [MINIMAL_AUDIT.name], final=True, pdf=False, progress=False)

    assert not result.ok
    summary = result.summary()
    assert "MissingCommentaryError" in summary
    assert "Methodology" in summary and "Limitations" in summary
    assert result.notebook is None  # refused by the check before any notebook, not in one
    assert (outputs / "previous.txt").read_text() == "an earlier run"
    assert not workspace.audit(MINIMAL_AUDIT.name).paper("html").exists()
    assert not (outputs / "notebooks").exists()


def test_a_commentary_edit_reruns_only_the_paper_notebook(papers, tmp_path):
    """Exhibits, notebooks 01–03 and the cleaned tables are reused; the paper shows the new
    words, and the commentary checks the auditor sees in notebook 04 stay out of it."""
    shutil.copytree(papers.root, tmp_path / "copy")
    workspace = type(papers)(tmp_path / "copy")
    paths = workspace.audit(SAMPLE_AUDIT.name)
    commentary = paths.raw / "commentary.md"
    commentary.write_text(
        commentary.read_text().replace("## Summary\n", "## Summary\n\nA sentence added today.\n", 1)
    )
    figures = {p.name: p.read_bytes() for p in (paths.outputs / "figures").iterdir()}

    [result] = run_audits(workspace, [SAMPLE_AUDIT.name], final=True, progress=False)

    assert result.ok, result.summary()
    entry = json.loads((paths.outputs / "manifest.json").read_text())["papers"]["internal"]
    assert entry["reused_notebooks"] == [
        "01_clean_and_validate.ipynb",
        "02_grading.ipynb",
        "03_referrals_and_profile.ipynb",
    ]
    assert entry["reused_processed_tables"] is True
    assert {p.name: p.read_bytes() for p in (paths.outputs / "figures").iterdir()} == figures
    html = paths.paper("html").read_text()
    assert "A sentence added today." in html
    assert "The commentary:" not in html
    assert "The commentary:" not in (paths.outputs / "paper.json").read_text()  # nor in Word
    executed = json.loads((paths.outputs / "notebooks" / "04_board_paper.ipynb").read_text())
    assert "The commentary:** no problems found." in json.dumps(executed)
