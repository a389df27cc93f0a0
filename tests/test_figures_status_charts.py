"""The returns chart and the case-by-agency grid, as drawn."""

from __future__ import annotations

import pandas as pd
import pytest
from figure_helpers import (
    bar_axes,
    cell_texts,
    containers,
    mesh_cells,
    subtitle,
)
from matplotlib.colors import to_hex

from audit_analysis.paper import figures as F
from audit_analysis.vocabulary import (
    OFSTED,
)

# ---------------------------------------------------------------------------- returns, grid


def test_returns_chart_draws_the_audits_due_and_writes_no_involvement():
    table = pd.DataFrame(
        {
            "expected": [10, 10],
            "submitted": [5, 1],
            "incomplete": [2, 0],
            "not_submitted": [1, 0],
            "no_involvement": [2, 9],
        },
        index=pd.Index(["Education (schools)", "CAMHS"], name="agency"),
    )
    fig = F.plot_returns(table)
    ax = bar_axes(fig)
    bars = containers(ax)
    assert list(bars) == ["Submitted", "Incomplete", "Not submitted"]
    assert [p.get_width() for p in bars["Submitted"].patches] == [5, 1]
    assert bars["Not submitted"].patches[0].get_hatch() == "xxx"
    tails = [t.get_text() for t in ax.texts if t.get_gid() == "row-total"]
    assert tails == ["7 of 8 · 2 no involvement", "1 of 1 · 9 no involvement"]
    assert subtitle(fig).startswith("n = 8 audits received of 9 due")
    assert "9 No involvement" in fig.alt_text


def test_case_grid_cells_show_grades_and_statuses():
    grid = pd.DataFrame(
        {
            "CSC": ["Requires Improvement", "Inadequate", "Not graded"],
            "Police": ["No involvement", "Not submitted", ""],
        },
        index=pd.Index(["1", "2", "3"], name="case_id"),
    )
    fig = F.plot_case_grid(grid)
    ax = fig.axes[0]
    palette = F.grade_palette(OFSTED)
    layers = mesh_cells(ax)  # (case column, agency row) → (layer, fill)
    assert layers[(1, 0)] == ("Inadequate", palette["Inadequate"] + "ff")
    assert layers[(0, 1)][0] == "No involvement" and layers[(0, 1)][1].endswith("00")  # no fill
    assert (2, 1) not in layers  # no return: blank
    outlined = {p.get_gid(): p for p in ax.patches}
    assert outlined["Not submitted"].get_hatch() == "xxx"
    assert to_hex(outlined["Not graded"].get_edgecolor()) == F.FAINT
    assert cell_texts(ax) == ["RI", "Inad", "NG", F.NO_VALUE, "NS"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "3"]
    # n counts the audits shown, graded overall or not ("with an overall grading" was wrong
    # for Not graded ones).
    assert subtitle(fig) == "n = 3 audits · 3 cases × 2 agencies"
    assert "n = 3 audits, 2 of them graded overall and 1 not graded." in fig.alt_text
    with pytest.raises(ValueError, match="Excellent"):
        F.plot_case_grid(grid.replace("Inadequate", "Excellent"))


def test_case_grid_is_withheld_from_publication():
    grid = pd.DataFrame({"CSC": ["Good"]}, index=["1"])
    fig = F.plot_case_grid(grid, threshold=5)
    assert not fig.axes
    assert "not shown in the publication version" in fig.alt_text
