"""Charts stay readable from a handful of cases to a thousand: none taller than an A4 page's
text area, and no two pieces of text on one overlapping (measured in the drawn figure)."""

from __future__ import annotations

import itertools
import math

import pytest
from conftest import make_workspace
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text
from synthetic_audit import write_synthetic_audit

from audit_analysis.analysis.exhibits import build_exhibits
from audit_analysis.clean.pipeline import clean
from audit_analysis.clean.processed import read_processed
from audit_analysis.paper import exhibit_figures

A4_TEXT_HEIGHT_IN = (297 - 24 - 22) / 25.4  # the paper's @page margins (boardpaper.css)
OVERLAP_PX = 1.0  # text boxes may touch, not overlap by more than this


@pytest.fixture(scope="module", params=["reference", 4, 11, 30, 60, 1000])
def exhibits(request, tmp_path_factory):
    """The reference audit's exhibits, or a made-up audit's of that many cases (11: the largest
    drawn as a case × agency grid; 30: the largest with a bar per case)."""
    if request.param == "reference":
        return build_exhibits(request.getfixturevalue("bromley_processed")["audit"])
    root = tmp_path_factory.mktemp(f"synthetic-{request.param}")
    folder = write_synthetic_audit(root / f"synth-{request.param}", request.param)
    paths = make_workspace(root / "project", folder).audit(folder.name)
    clean(paths)
    return build_exhibits(read_processed(paths))


def _texts(fig):
    """(label, centre, unrotated width and height, angle) of every visible text, as drawn.

    A rotated label's box is measured upright and turned about its centre, so two 45° column
    labels side by side do not count as overlapping just because their upright boxes would.
    """
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    found, seen = [], set()
    for text in fig.findobj(lambda a: isinstance(a, Text)):
        if id(text) in seen or not text.get_visible() or not str(text.get_text()).strip():
            continue
        seen.add(id(text))
        box = text.get_window_extent(renderer)
        if box.width <= 0 or box.height <= 0:
            continue
        angle = text.get_rotation()
        if angle % 180:
            text.set_rotation(0)
            upright = text.get_window_extent(renderer)
            text.set_rotation(angle)
            size = (upright.width, upright.height)
        else:
            size = (box.width, box.height)
        centre = ((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)
        found.append((str(text.get_text()), centre, size, angle % 180))
    return found


def _overlaps(fig) -> list[str]:
    clashes = []
    for (a, ca, sa, ta), (b, cb, sb, tb) in itertools.combinations(_texts(fig), 2):
        theta = math.radians(ta if ta == tb else 0)
        if ta != tb:  # different angles: compare the boxes as drawn (conservative)
            sa, sb = _drawn(sa, ta), _drawn(sb, tb)
        dx, dy = cb[0] - ca[0], cb[1] - ca[1]
        along = abs(dx * math.cos(theta) + dy * math.sin(theta))
        across = abs(-dx * math.sin(theta) + dy * math.cos(theta))
        if (sa[0] + sb[0]) / 2 - along > OVERLAP_PX and (sa[1] + sb[1]) / 2 - across > OVERLAP_PX:
            clashes.append(f"{a!r} overlaps {b!r}")
    return clashes


def _drawn(size, angle):
    """The upright box of a `size` (w, h) text turned by `angle` degrees."""
    c, s = abs(math.cos(math.radians(angle))), abs(math.sin(math.radians(angle)))
    return (size[0] * c + size[1] * s, size[0] * s + size[1] * c)


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
