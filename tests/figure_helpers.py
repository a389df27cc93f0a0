"""Reading charts as matplotlib built them: bars, count labels, subtitles, notes, cells.

Shared by the tests/test_figures_*.py files (not a test module itself)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.collections import QuadMesh  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.container import BarContainer  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from audit_analysis.vocabulary import OFSTED  # noqa: E402

GRADES = list(OFSTED.all_grades)
AGENCIES = [
    "Children's Social Care",
    "The Princess Royal University Hospital, Kings College NHS Trust",
    "Education (schools)",
    "CAMHS",
]


def overall_table() -> pd.DataFrame:
    """Shaped like grading.overall_grade_distribution(): grades, then status columns."""
    rows = [
        [0, 0, 8, 2, 0, 0, 0, 0],
        [0, 1, 0, 0, 1, 0, 0, 8],
        [1, 3, 0, 2, 1, 2, 1, 2],
        [0, 1, 0, 0, 0, 0, 0, 9],
    ]
    columns = [*GRADES, "of which incomplete", "not submitted", "no involvement"]
    return pd.DataFrame(rows, index=pd.Index(AGENCIES, name="agency"), columns=columns)


def texts(fig, gid: str | None = None) -> list[Text]:
    found = [t for t in fig.findobj(Text) if t.get_text()]
    return [t for t in found if gid is None or t.get_gid() == gid]


def subtitle(fig) -> str:
    return next(t.get_text() for t in fig.texts if t.get_gid() == "subtitle")


def bar_axes(fig):
    return next(ax for ax in fig.axes if ax.containers)


def containers(ax) -> dict[str, BarContainer]:
    return {c.get_label(): c for c in ax.containers if isinstance(c, BarContainer)}


def notes_of(fig) -> list[str]:
    """The caption lines under a chart, top to bottom, each on one line."""
    notes = [t for t in fig.texts if t.get_gid() == "note"]
    notes.sort(key=lambda t: -t.get_position()[1])
    return [t.get_text().replace("\n", " ") for t in notes]


def count_labels(ax) -> list[str]:
    return [t.get_text() for t in ax.texts if t.get_gid() == "count"]


def cell_texts(ax) -> list[str]:
    """A grid's cell labels in reading order (row by row), whichever layer drew them."""
    cells = [t for t in ax.texts if t.get_gid() == "cell"]
    cells.sort(key=lambda t: (t.get_position()[1], t.get_position()[0]))
    return [t.get_text() for t in cells]


def mesh_cells(ax) -> dict[tuple[int, int], tuple[str, str]]:
    """(column, row) → (layer gid, fill colour) for every cell a seaborn layer drew."""
    out = {}
    for mesh in ax.findobj(QuadMesh):
        rows, cols = mesh.get_array().shape
        faces = mesh.get_facecolors().reshape(rows, cols, 4)
        shown = ~np.ma.getmaskarray(mesh.get_array())
        for i, j in zip(*np.nonzero(shown), strict=True):
            out[(int(j), int(i))] = (mesh.get_gid(), to_hex(faces[i, j], keep_alpha=True))
    return out
