"""Charts stay readable from a handful of cases to a thousand: none taller than an A4 page's
text area, and no two pieces of text on one overlapping (measured in the drawn figure)."""

from __future__ import annotations

import itertools

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from conftest import make_workspace
from synthetic_audit import write_synthetic_audit

from audit_analysis.analysis.exhibits import build_exhibits
from audit_analysis.clean.pipeline import clean
from audit_analysis.clean.processed import read_processed
from audit_analysis.paper import exhibit_figures

A4_TEXT_HEIGHT_IN = (297 - 24 - 22) / 25.4  # the paper's @page margins (boardpaper.css)
OVERLAP_PX = 1.0  # text boxes may touch, not overlap by more than this


@pytest.fixture(scope="module", params=[4, 60, 1000])
def exhibits(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(f"synthetic-{request.param}")
    folder = write_synthetic_audit(root / f"synth-{request.param}", request.param)
    paths = make_workspace(root / "project", folder).audit(folder.name)
    clean(paths)
    return build_exhibits(read_processed(paths))


def _texts(fig):
    """(label, window extent) of every visible, non-empty text in the drawn figure."""
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    found = []
    for text in fig.findobj(lambda a: hasattr(a, "get_text") and hasattr(a, "get_window_extent")):
        if not text.get_visible() or not str(text.get_text()).strip():
            continue
        box = text.get_window_extent(renderer)
        if box.width > 0 and box.height > 0:
            found.append((str(text.get_text()), box))
    return found


def _overlaps(fig) -> list[str]:
    clashes = []
    for (a, box_a), (b, box_b) in itertools.combinations(_texts(fig), 2):
        width = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
        height = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
        if width > OVERLAP_PX and height > OVERLAP_PX:
            clashes.append(f"{a!r} overlaps {b!r}")
    return clashes


def test_no_chart_is_taller_than_an_a4_page_and_no_labels_overlap(exhibits):
    problems = []
    for exhibit in exhibits.values():
        if exhibit.chart is None:
            continue
        fig = exhibit_figures.draw(exhibit, exhibits.threshold)
        width, height = fig.get_size_inches()
        if height > A4_TEXT_HEIGHT_IN:
            problems.append(f"{exhibit.id}: {height:.1f} in tall")
        problems += [f"{exhibit.id}: {clash}" for clash in _overlaps(fig)[:3]]
    assert problems == []
