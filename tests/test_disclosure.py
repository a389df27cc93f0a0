"""Small-count suppression: primary (1 to threshold), secondary (no lone hidden cell in a total)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from audit_analysis.analysis import disclosure


def table(rows: dict[str, list[int]], columns=("A", "B", "C")) -> pd.DataFrame:
    index = pd.Index(list(rows), dtype="str", name="agency")
    return pd.DataFrame(list(rows.values()), index=index, columns=list(columns), dtype="int64")


@pytest.mark.parametrize(
    ("count", "threshold", "small"),
    [
        (0, 5, False),
        (1, 5, True),
        (5, 5, True),
        (6, 5, False),
        (3, None, False),
        (np.nan, 5, False),
    ],
)
def test_is_small_covers_one_to_threshold_and_never_zero(count, threshold, small):
    assert disclosure.is_small(count, threshold) is small


def test_primary_and_secondary_suppression_along_rows():
    counts = table({"a": [3, 10, 0], "b": [2, 7, 9], "c": [2, 3, 9], "d": [0, 0, 8]})
    expected = pd.DataFrame(
        [[True, True, False], [True, True, False], [True, True, False], [False] * 3],
        index=counts.index,
        columns=counts.columns,
    )
    assert_frame_equal(disclosure.suppression_mask(counts, 5), expected)


def test_secondary_picks_the_smallest_shown_cell_first_in_order_on_ties():
    counts = table({"a": [1, 9, 9]})
    assert disclosure.suppression_mask(counts, 5).loc["a"].tolist() == [True, True, False]


def test_without_published_row_totals_only_small_counts_are_hidden():
    counts = table({"a": [3, 10, 0]})
    mask = disclosure.suppression_mask(counts, 5, row_groups=[])
    assert mask.loc["a"].tolist() == [True, False, False]


def test_row_groups_limit_secondary_suppression_to_the_published_sums():
    counts = table({"a": [3, 10, 8]})
    mask = disclosure.suppression_mask(counts, 5, row_groups=[["A", "C"]])
    assert mask.loc["a"].tolist() == [True, False, True]


def test_row_and_column_totals_hide_a_full_rectangle():
    counts = table({"a": [2, 8], "b": [9, 7]}, columns=("A", "B"))
    mask = disclosure.suppression_mask(counts, 5, column_totals=True)
    assert mask.to_numpy().all()


def test_a_totals_row_is_not_part_of_its_own_column_sums():
    counts = table({"a": [2, 8], "b": [9, 7], "Total": [11, 15]}, columns=("A", "B"))
    mask = disclosure.suppression_mask(counts, 5, column_totals=True, total_row="Total")
    assert mask.loc[["a", "b"]].to_numpy().all()
    assert not mask.loc["Total"].any()


def test_columns_outside_the_counts_are_never_hidden():
    counts = table({"a": [3, 10, 1]})
    mask = disclosure.suppression_mask(counts, 5, columns=["A", "B"])
    assert mask.loc["a"].tolist() == [True, True, False]


def test_threshold_none_switches_everything_off():
    counts = table({"a": [1, 2, 3]})
    assert not disclosure.suppression_mask(counts, None).any().any()
    assert_frame_equal(disclosure.suppress(counts, None), counts)
    assert disclosure.suppressed_keys({"x": 1}, None, [["x"]]) == set()
    assert disclosure.suppression_note(None) == ""


def test_suppress_shows_c_and_keeps_zeros_and_large_counts():
    counts = table({"a": [3, 10, 0], "b": [0, 0, 8]})
    shown = disclosure.suppress(counts, 5)
    assert shown.loc["a"].tolist() == ["c", "c", 0]
    assert shown.loc["b"].tolist() == [0, 0, 8]


def test_empty_table_gives_an_empty_mask():
    empty = table({})
    assert disclosure.suppression_mask(empty, 5).shape == (0, 3)


def test_suppressed_keys_start_from_cells_already_hidden():
    values = {"good": 9, "inadequate": 8, "not graded": 7}
    assert disclosure.suppressed_keys(values, 5, [list(values)]) == set()
    hidden = disclosure.suppressed_keys(values, 5, [list(values)], hidden={"good"})
    assert hidden == {"good", "not graded"}


def test_share_mask_hides_shares_behind_any_small_count():
    index = pd.Index(["a", "b"], name="agency")
    good = pd.DataFrame({"X": [2, 8], "Y": [0, 9]}, index=index)
    rest = pd.DataFrame({"X": [9, 9], "Y": [0, 3]}, index=index)
    mask = disclosure.share_mask([good, rest], 5)
    assert mask.to_numpy().tolist() == [[True, False], [False, True]]
    assert not disclosure.share_mask([good, rest], None).any().any()


def test_suppression_note_names_the_range():
    assert "1 to 5" in disclosure.suppression_note(5)
    assert '"c"' in disclosure.suppression_note(5)


def test_inputs_are_not_changed():
    counts = table({"a": [3, 10, 0]})
    before = counts.copy()
    disclosure.suppress(counts, 5)
    assert_frame_equal(counts, before)
