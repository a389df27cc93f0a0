"""Chart words (analysis stage): describe_* give exact sentences for small hand-made tables.

The hidden mask is an input: the words say 'c' exactly where it is True, whatever the
counts, and never work out a mask of their own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from audit_analysis.analysis import chart_tables
from audit_analysis.analysis.chart_text import ChartText
from audit_analysis.analysis.count_chart_text import (
    describe_case_profile,
    describe_referral_categories,
    describe_referrals_per_case,
    describe_themes,
)
from audit_analysis.analysis.grade_chart_text import (
    describe_area_grades,
    describe_overall_grades,
    describe_share_heatmap,
)
from audit_analysis.analysis.status_chart_text import describe_case_grid, describe_returns
from audit_analysis.vocabulary import OFSTED

GRADES = list(OFSTED.all_grades)
SCALE = "Ofsted four-point scale"
C_NOTE_1 = (
    "c: to protect the children's privacy, counts of 1, and any count from which one could "
    "be worked out, are hidden. Dotted {} are drawn at a fixed length and do not show the value."
)
C_ALT_1 = (
    " c marks a count of 1, or one from which such a count could be worked out, hidden to "
    "protect privacy."
)


def grades_table() -> pd.DataFrame:
    return pd.DataFrame([[0, 2, 6, 1, 1], [1, 0, 0, 0, 0]], index=["CSC", "Police"], columns=GRADES)


def test_overall_grades_internal():
    text = describe_overall_grades(grades_table())
    assert text == ChartText(
        title="Overall grade given by each agency",
        subtitle=f"n = 11 audits from 2 agencies · {SCALE}",
        alt_text=(
            "Stacked bar chart of the overall grade given by each agency, 2 agencies, "
            f"n = 11 audits, on the {SCALE} (Outstanding, Good, Requires Improvement, "
            "Inadequate, Not graded). CSC (n = 10): 2 Good, 6 Requires Improvement, "
            "1 Inadequate, 1 Not graded; Police (n = 1): 1 Outstanding."
        ),
        row_tails=("n = 10", "n = 1"),
        row_labels=("CSC", "Police"),
    )


def test_overall_grades_say_c_exactly_where_the_mask_says():
    hidden = pd.DataFrame(False, index=["CSC", "Police"], columns=GRADES)
    hidden.loc["CSC", "Inadequate"] = hidden.loc["Police", "Outstanding"] = True
    text = describe_overall_grades(grades_table(), hidden, threshold=1)
    # The mask hides CSC's Inadequate but not its Not graded: the words follow the mask.
    assert "CSC (n = 10): 2 Good, 6 Requires Improvement, c Inadequate, 1 Not graded;" in (
        text.alt_text
    )
    assert text.alt_text.endswith("Police (n = c): c Outstanding." + C_ALT_1)
    assert text.row_tails == ("n = 10", "n = c")
    assert text.notes == (C_NOTE_1.format("segments"),)


def test_area_grades_name_areas_and_the_range_of_n():
    table = grades_table().set_axis(["voice_of_the_child", "overall"])
    text = describe_area_grades(table)
    assert text.subtitle == f"n = 1 to 10 audits per row, in 1 key area and overall · {SCALE}"
    assert text.row_labels == ("Voice of the Child", "Overall")
    assert text.alt_text.startswith(
        "Stacked bar chart of grades by key area, n = 1 to 10 audits per row, in 1 key area "
        f"and overall, on the {SCALE}. Voice of the Child (n = 10): 2 Good,"
    )


def test_share_heatmap_words_and_cell_labels():
    share = pd.DataFrame(
        [[0.5, np.nan], [1.0, 0.25]], index=["CSC", "Police"], columns=["Voice", "Overall"]
    )
    counts = pd.DataFrame([[2, 0], [4, 8]], index=share.index, columns=share.columns)
    hidden = pd.DataFrame([[False, False], [False, True]], index=share.index, columns=share.columns)
    small = chart_tables.small_base_mask(share, counts, hidden)
    text = describe_share_heatmap(share, counts, hidden, small=small, threshold=2, n_audits=12)
    assert text.cell_labels == (("50%\n1/2", "–"), ("100%\n4/4", "c"))
    assert text.column_labels == ("Voice", "Overall")
    assert text.subtitle == "n = 14 grades in 1 key area and overall, from 12 audits by 2 agencies"
    assert text.notes == (
        "– = no graded audit from that agency in that area; 'Not graded' is left out of the shares.",
        "Pale, hatched cells: shares from fewer than 3 graded audits, too few to compare.",
        "c: to protect the children's privacy, shares resting on counts of 1 to 2, or on any "
        "count from which one could be worked out, are hidden.",
    )
    assert text.alt_text == (
        "Heatmap of the share of graded audits rated Good or better, 2 agencies (rows) by "
        "1 key area and overall (columns), n = 14 grades in 1 key area and overall, from 12 "
        "audits by 2 agencies; darker blue means a higher share. Shares from fewer than 3 "
        "graded audits are drawn pale and hatched, too few to compare. CSC: Voice 50% (1 of 2, "
        "too few to compare); Police: Voice 100% (4 of 4), Overall c. c marks a count of 1 to "
        "2, or one from which such a count could be worked out, hidden to protect privacy."
    )


def returns_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "submitted": [5, 0],
            "incomplete": [1, 0],
            "not_submitted": [2, 0],
            "no_involvement": [0, 8],
        },
        index=["CSC", "Police"],
    )


def test_returns_internal_have_tails_and_publication_none():
    text = describe_returns(returns_table())
    assert text.subtitle == "n = 6 audits received of 8 due from 2 agencies"
    assert text.row_tails == ("6 of 8", "none due · 8 no involvement")
    assert text.alt_text.endswith(
        "CSC: 5 Submitted, 1 Incomplete, 2 Not submitted; Police: 8 No involvement."
    )
    hidden = pd.DataFrame(False, index=["CSC", "Police"], columns=returns_table().columns)
    hidden.loc["CSC", ["incomplete", "not_submitted"]] = True
    published = describe_returns(returns_table(), hidden, threshold=1)
    assert published.row_tails == ()
    assert "CSC: 5 Submitted, c Incomplete, c Not submitted;" in published.alt_text
    assert published.notes[-1] == C_NOTE_1.format("segments")


def test_case_grid_codes_and_withheld_version():
    grid = pd.DataFrame(
        {"CSC": ["Good", "Not submitted"], "Police": ["No involvement", ""]}, index=["1", "2"]
    )
    text = describe_case_grid(grid)
    assert text.cell_labels == (("Good", "NS"), ("–", ""))
    assert text.subtitle == "n = 1 audit · 2 cases × 2 agencies"
    assert text.alt_text == (
        "Grid of the overall grade each agency gave each case, 2 agencies (rows) by 2 cases "
        "(columns), n = 1 audit, 1 of them graded overall and 0 not graded. CSC: case 1 Good, "
        "case 2 Not submitted; Police: case 1 No involvement."
    )
    withheld = describe_case_grid(grid, publication=True)
    assert withheld.message == "Case-level detail is not shown in the publication version"
    assert withheld.alt_text == (
        "Overall grade by case and agency: case-level detail is not shown in the publication "
        "version."
    )


def test_count_charts():
    per_case = pd.Series({"1": 3, "2": 0, "3": 1})
    hidden = pd.Series([False, False, True], index=per_case.index)
    text = describe_referrals_per_case(per_case, hidden, threshold=1)
    assert text.alt_text == (
        "Bar chart of referrals received before the audit period, by case, n = 4 referrals "
        "for 3 cases. Case 1: 3 referrals; case 2: no referrals; case 3: c referrals." + C_ALT_1
    )
    assert text.axis_label == "Case" and text.notes == (C_NOTE_1.format("bars"),)
    categories = describe_referral_categories(pd.DataFrame({"referrals": [2, 1]}, index=["A", "B"]))
    assert categories.subtitle == "n = 3 referrals" and categories.row_labels == ("A", "B")
    themes = describe_themes(pd.Series({"Housing": 4, "Gangs": 0, "Other": 2}), n_cases=5)
    assert themes.row_labels == ("Housing", "Other")
    assert themes.alt_text == (
        "Bar chart of issues in the case outlines, n = 5 cases. Housing: 4 cases; Other: "
        "2 cases. A case can have several issues, so the bars need not add up to n. Other: "
        "issues that match no theme. Themes with no cases are not shown."
    )


def test_case_profile_says_left_out_panels_and_hidden_counts():
    index = pd.MultiIndex.from_tuples(
        [("Gender", "Male"), ("Gender", "Female"), ("Ethnicity", "Not recorded")]
    )
    profile = pd.DataFrame({"children": [4, 1, 5]}, index=index)
    hidden = {"Gender": pd.Series([False, True], index=["Male", "Female"])}
    text = describe_case_profile(profile, hidden, threshold=1)
    assert text.subtitle == "n = 5 children"
    assert text.notes == (
        "Ethnicity is not shown: not recorded for any child.",
        C_NOTE_1.format("bars"),
    )
    assert text.alt_text == (
        "Bar charts of the children in the audit sample, n = 5 children. Gender – Male: "
        "4 children, Female: c children. Ethnicity is not shown: not recorded for any child."
        + C_ALT_1
    )


def test_empty_tables_give_a_message_not_a_chart():
    empty = describe_overall_grades(pd.DataFrame(columns=GRADES, dtype="int64"))
    assert empty.message == "No data to show" and empty.subtitle == "n = 0"
    assert empty.alt_text == "Overall grade given by each agency: no data to show."
    alone = describe_case_profile(
        pd.DataFrame(
            {"children": [5]}, index=pd.MultiIndex.from_tuples([("Ethnicity", "Not recorded")])
        )
    )
    assert alone.message == "Every child is in the same category"
    assert alone.notes == ("Ethnicity is not shown: not recorded for any child.",)
