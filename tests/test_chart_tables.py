"""Chart tables and masks (analysis stage): the fallback disclosure a chart uses with only a
threshold, and the shaping both halves of a chart read."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from audit_analysis.analysis import chart_tables, grading
from audit_analysis.vocabulary import OFSTED

GRADES = list(OFSTED.all_grades)


def test_overall_mask_is_the_tables_mask_when_statuses_are_there():
    table = pd.DataFrame(
        [[0, 2, 6, 1, 1, 0, 0], [1, 0, 0, 0, 0, 0, 9]],
        index=["CSC", "Police"],
        columns=[*GRADES, "not submitted", "no involvement"],
    )
    mask = chart_tables.overall_grades_mask(table, None, 1)
    expected = grading.overall_distribution_mask(table, OFSTED, 1)[GRADES] & (table[GRADES] > 0)
    pd.testing.assert_frame_equal(mask, expected)
    assert mask.loc["CSC"].tolist() == [False, False, False, True, True]


def test_overall_mask_without_statuses_treats_column_totals_as_published():
    table = pd.DataFrame(
        [[0, 2, 6, 1, 1], [1, 0, 0, 0, 0]], index=["CSC", "Police"], columns=GRADES
    )
    mask = chart_tables.overall_grades_mask(table, None, 1)
    assert mask.to_numpy().tolist() == [
        [False, False, False, True, True],
        [True, False, False, False, False],
    ]
    # A caller's mask is used, plus primary suppression; a zero is never hidden.
    given = pd.DataFrame(True, index=table.index, columns=GRADES)
    assert chart_tables.overall_grades_mask(table, None, 1, given).to_numpy().sum() == 5
    with pytest.raises(ValueError, match="1 or more"):
        chart_tables.overall_grades_mask(table, None, 0)


def test_heatmap_mask_hides_small_good_not_good_or_graded_counts():
    share = pd.DataFrame([[0.5, np.nan], [1.0, 0.25]], index=["A", "B"], columns=["X", "Y"])
    counts = pd.DataFrame([[2, 0], [4, 8]], index=share.index, columns=share.columns)
    mask = chart_tables.share_heatmap_mask(share, counts, 2)
    assert mask.to_numpy().tolist() == [[True, False], [False, True]]  # 1/2; 2/8 good
    with pytest.raises(ValueError, match="counts"):
        chart_tables.share_heatmap_mask(share, None, 2)
    small = chart_tables.small_base_mask(share, counts, mask)
    assert small.to_numpy().tolist() == [[False, False], [False, False]]  # the 1/2 is hidden
    small = chart_tables.small_base_mask(share, counts, mask & False)
    assert small.to_numpy().tolist() == [[True, False], [False, False]]


def test_returns_and_counts_masks():
    returns = pd.DataFrame(
        {
            "submitted": [5, 0],
            "incomplete": [1, 0],
            "not_submitted": [2, 0],
            "no_involvement": [0, 8],
        },
        index=["CSC", "Police"],
    )
    assert chart_tables.returns_mask(returns, 2).loc["CSC"].tolist() == [False, True, True, False]
    # 3 is small; 7 goes too, or n = 19 would give the 3 back.
    s = pd.Series({"a": 9, "b": 3, "c": 7, "d": 0})
    assert chart_tables.counts_mask(s, 5).tolist() == [False, True, True, False]
    # With n given (categories overlap), the sum is not published: only the small one goes.
    assert chart_tables.counts_mask(s, 5, n=10).tolist() == [False, True, False, False]


def test_profile_panels_drawn_leave_out_one_category_panels():
    index = pd.MultiIndex.from_tuples(
        [("Gender", "Male"), ("Gender", "Female"), ("Ethnicity", "Not recorded"), ("Age", "0-4")]
    )
    profile = pd.DataFrame({"children": [4, 1, 5, 0]}, index=index)
    panels = chart_tables.profile_panels(profile)
    assert list(panels) == ["Gender", "Ethnicity"]  # all-zero Age gone
    assert list(chart_tables.profile_panels_drawn(panels)) == ["Gender"]
    masks = chart_tables.profile_mask(profile, 1)
    assert masks["Gender"].tolist() == [True, True]  # 1, and 4 which n = 5 gives back
