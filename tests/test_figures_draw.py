"""draw_* print exactly the words they are given and the table's counts (or 'c' where the mask
says), and carry the alt text unchanged: they count, hide and word nothing themselves."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from figure_helpers import GRADES, bar_axes, cell_texts, count_labels, notes_of, subtitle

from audit_analysis.analysis.chart_text import ChartText
from audit_analysis.paper import figures as F

SENTINEL = ChartText(
    title="TITLE sentinel",
    subtitle="SUBTITLE sentinel",
    alt_text="ALT sentinel, carried as given.",
    notes=("NOTE one sentinel", "NOTE two sentinel"),
)


def words_of(fig) -> tuple[str, str, list[str], str]:
    title = next(t.get_text() for t in fig.texts if t.get_gid() == "title")
    return title, subtitle(fig), notes_of(fig), fig.alt_text


def check_words(fig, text: ChartText) -> None:
    assert words_of(fig) == (text.title, text.subtitle, list(text.notes), text.alt_text)


def grades() -> pd.DataFrame:
    return pd.DataFrame([[0, 2, 6, 1, 1], [1, 0, 0, 0, 0]], index=["CSC", "Police"], columns=GRADES)


@pytest.mark.parametrize("draw", [F.draw_overall_grades, F.draw_area_grades])
def test_grade_bars_print_the_text_and_the_masks_c(draw):
    hidden = pd.DataFrame(False, index=["CSC", "Police"], columns=GRADES)
    hidden.loc["CSC", "Requires Improvement"] = True  # a 6: the mask decides, not the chart
    text = replace(SENTINEL, row_tails=("TAIL a", "TAIL b"), row_labels=("Row A", "Row B"))
    fig = draw(grades(), hidden, text, hidden_length=5)
    check_words(fig, text)
    ax = bar_axes(fig)
    assert sorted(count_labels(ax)) == sorted(["2", "c", "1", "1", "1"])
    assert [t.get_text() for t in ax.texts if t.get_gid() == "row-total"] == ["TAIL a", "TAIL b"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Row A", "Row B"]
    hidden_bar = [p for c in ax.containers for p in c.patches if p.get_gid() == "suppressed"]
    assert [p.get_width() for p in hidden_bar] == [5]


def test_counts_print_small_numbers_when_the_mask_hides_nothing():
    s = pd.Series({"A": 1, "B": 2})
    text = replace(SENTINEL, **{"row_labels": ("A label", "B label")})
    fig = F.draw_counts(s, None, text)
    check_words(fig, text)
    assert count_labels(bar_axes(fig)) == ["1", "2"]
    vertical = F.draw_counts(s, pd.Series([True, False], index=["A", "B"]), text, vertical=True)
    assert count_labels(bar_axes(vertical)) == ["c", "2"]


def test_returns_print_the_tails_given_and_none_when_there_are_none():
    table = pd.DataFrame(
        {"submitted": [5], "incomplete": [1], "not_submitted": [2], "no_involvement": [0]},
        index=["CSC"],
    )
    with_tails = replace(SENTINEL, **{"row_tails": ("TAIL sentinel",)})
    fig = F.draw_returns(table, None, with_tails)
    check_words(fig, with_tails)
    assert [t.get_text() for t in bar_axes(fig).texts if t.get_gid() == "row-total"] == [
        "TAIL sentinel"
    ]
    bare = F.draw_returns(table, None, SENTINEL)
    assert not [t for t in bar_axes(bare).texts if t.get_gid() == "row-total"]


def test_heatmap_and_grid_print_the_cell_labels_given():
    share = pd.DataFrame([[0.5, np.nan]], index=["CSC"], columns=["X", "Y"])
    text = replace(
        SENTINEL,
        **{
            "row_labels": ("Row sentinel",),
            "column_labels": ("Col one", "Col two"),
            "cell_labels": (("CELL a", "CELL b"),),
        },
    )
    fig = F.draw_share_heatmap(share, None, text)
    check_words(fig, text)
    ax = fig.axes[0]
    assert cell_texts(ax) == ["CELL a", "CELL b"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Col one", "Col two"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Row sentinel"]
    grid = pd.DataFrame({"CSC": ["Good", "No involvement"]}, index=["1", "2"])
    grid_text = replace(
        SENTINEL,
        **{
            "column_labels": ("c1", "c2"),
            "cell_labels": (("G sentinel", "N sentinel"),),
            "axis_label": "AXIS sentinel",
        },
    )
    fig = F.draw_case_grid(grid, grid_text)
    check_words(fig, grid_text)
    assert cell_texts(fig.axes[0]) == ["G sentinel", "N sentinel"]
    assert fig.axes[0].get_xlabel() == "AXIS sentinel"


def test_profile_and_themes_print_the_text_given():
    index = pd.MultiIndex.from_tuples([("Gender", "Male"), ("Gender", "Female")])
    fig = F.draw_case_profile(pd.DataFrame({"children": [4, 1]}, index=index), None, SENTINEL)
    check_words(fig, SENTINEL)
    themes = F.draw_themes(pd.Series({"Housing": 3, "Gangs": 0}), None, SENTINEL)
    check_words(themes, SENTINEL)
    assert count_labels(bar_axes(themes)) == ["3"]


def test_a_message_draws_no_axes_whatever_the_table():
    text = replace(SENTINEL, **{"message": "MESSAGE sentinel"})
    fig = F.draw_overall_grades(grades(), None, text)
    assert not fig.axes
    check_words(fig, text)
    assert [t.get_text() for t in fig.texts if t.get_gid() == "no-data"] == ["MESSAGE sentinel"]
