"""The paper's typeface travels with the package: charts, HTML and PDF use it on any machine."""

from __future__ import annotations

import base64
import re

import matplotlib

matplotlib.use("Agg")

from matplotlib.font_manager import FontProperties, findfont  # noqa: E402

from audit_analysis.paper import figures, typeface  # noqa: E402
from audit_analysis.paper.export import BoardPaperHTMLExporter  # noqa: E402


def test_the_shipped_faces_are_there_with_their_open_font_licence():
    assert [p.name for p in typeface.font_files()] == [
        "Lato-Regular.ttf",
        "Lato-Bold.ttf",
        "Lato-Italic.ttf",
    ]
    assert all(p.stat().st_size > 50_000 for p in typeface.font_files())
    licence = (typeface.FONT_DIR / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL Open Font License, Version 1.1" in licence
    assert 'Reserved Font Name "Lato"' in licence


def test_charts_draw_with_the_shipped_files_not_a_system_font():
    assert figures.STYLE["font.sans-serif"] == ["Lato", "DejaVu Sans"]
    with matplotlib.rc_context(figures.STYLE):
        regular = findfont(FontProperties(family=["sans-serif"]), fallback_to_default=False)
        bold = findfont(FontProperties(family=["sans-serif"], weight="bold"))
    assert regular == str(typeface.FONT_DIR / "Lato-Regular.ttf")
    assert bold == str(typeface.FONT_DIR / "Lato-Bold.ttf")


def test_embed_fonts_inlines_each_shipped_file_as_a_data_uri():
    css = '@font-face { src: url("fonts/Lato-Bold.ttf") format("truetype"); }'
    embedded = typeface.embed_fonts(css)
    [uri] = re.findall(r'url\("data:font/ttf;base64,([^"]+)"\)', embedded)
    assert base64.b64decode(uri) == (typeface.FONT_DIR / "Lato-Bold.ttf").read_bytes()
    assert typeface.embed_fonts("a { background: url(x.png) }") == "a { background: url(x.png) }"


def test_the_html_paper_carries_its_three_faces_and_asks_for_them_first():
    nb = __import__("nbformat").v4.new_notebook()
    nb.metadata["audit_analysis"] = {"title": "T", "protective_marking": "OFFICIAL"}
    html = BoardPaperHTMLExporter().from_notebook_node(nb)[0]
    faces = re.findall(r"@font-face\s*{[^}]*}", html)
    assert len(faces) == 3
    assert all('font-family: "Lato"' in face and "data:font/ttf;base64," in face for face in faces)
    assert 'font-family: "Lato", "DejaVu Sans", sans-serif;' in html
