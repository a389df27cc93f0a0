"""Return rates and grade tables, on small hand-made audits and on the reference audit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from audit_analysis.analysis import grading
from audit_analysis.vocabulary import DEFAULT_KEY_AREAS, OFSTED, OFSTED_2025, OVERALL

AREAS = DEFAULT_KEY_AREAS[:2]
RECOGNITION, VOICE = (a.label for a in AREAS)
AGENCIES = ["Police", "Housing", "Schools", "Women's Aid"]
GRADE_COLUMNS = ["Outstanding", "Good", "Requires Improvement", "Inadequate", "Not graded"]
DISTRIBUTION_COLUMNS = [*GRADE_COLUMNS, "of which incomplete", "not submitted", "no involvement"]


def make_gradings(returns: list[tuple[str, str, str, str, str, str]]) -> pd.DataFrame:
    """Rows of (case, agency, status, recognition, voice, overall) → the processed long table."""
    keys = [AREAS[0].key, AREAS[1].key, OVERALL.key]
    rows = [
        {
            "audit_id": "test",
            "case_id": case,
            "agency": agency,
            "status": status,
            "area": key,
            "grade": grade,
        }
        for case, agency, status, *grades in returns
        for key, grade in zip(keys, grades, strict=True)
    ]
    return pd.DataFrame(rows, columns=["audit_id", "case_id", "agency", "status", "area", "grade"])


NG = "Not graded"
GRADINGS = make_gradings(
    [
        ("1", "Police", "submitted", "Good", "Inadequate", "Good"),
        ("2", "Police", "incomplete", NG, NG, NG),
        ("10", "Police", "submitted", "Outstanding", "Good", "Requires Improvement"),
        ("1", "Housing", "no_involvement", NG, NG, NG),
        ("2", "Housing", "no_involvement", NG, NG, NG),
        ("1", "Schools", "submitted", "Inadequate", NG, "Inadequate"),
        ("2", "Schools", "incomplete", "Good", "Good", "Good"),
        ("10", "Schools", "not_submitted", NG, NG, NG),
    ]
)
RETURNS = GRADINGS.loc[GRADINGS["area"] == OVERALL.key, ["audit_id", "case_id", "agency", "status"]]


def frame(rows: dict[str, list], columns: list[str], name: str, dtype: str = "int64"):
    index = pd.Index(list(rows), dtype="str", name=name)
    return pd.DataFrame(list(rows.values()), index=index, columns=columns).astype(dtype)


def test_overall_distribution_counts_grades_of_graded_returns_and_others_by_status():
    expected = frame(
        {
            "Police": [0, 1, 1, 0, 1, 1, 0, 0],
            "Housing": [0, 0, 0, 0, 0, 0, 0, 2],
            "Schools": [0, 1, 0, 1, 0, 1, 1, 0],
        },
        DISTRIBUTION_COLUMNS,
        "agency",
    )
    expected.columns = pd.Index(DISTRIBUTION_COLUMNS, dtype="str")
    assert_frame_equal(grading.overall_grade_distribution(GRADINGS, AGENCIES, OFSTED), expected)


def test_agencies_without_returns_are_listed_and_optionally_shown_as_zeros():
    assert grading.agencies_without_returns(RETURNS, AGENCIES) == ["Women's Aid"]
    table = grading.overall_grade_distribution(
        GRADINGS, AGENCIES, OFSTED, include_agencies_without_returns=True
    )
    assert list(table.index) == AGENCIES
    assert (table.loc["Women's Aid"] == 0).all()


def test_totals_row_adds_every_agency():
    table = grading.overall_grade_distribution(GRADINGS, AGENCIES, OFSTED, totals=True)
    assert table.index[-1] == grading.ALL_AGENCIES
    assert table.loc[grading.ALL_AGENCIES].tolist() == [0, 2, 1, 1, 1, 2, 1, 2]


def test_distribution_follows_the_audit_scale():
    gradings = make_gradings([("1", "Police", "submitted", "Strong", "Strong", "Needs attention")])
    gradings["grade"] = gradings["grade"].replace("Strong", "Strong standard")
    table = grading.overall_grade_distribution(gradings, ["Police"], OFSTED_2025)
    assert list(table.columns[:6]) == [*OFSTED_2025.grades, NG]
    assert table.loc["Police", "Needs attention"] == 1


def test_empty_gradings_give_an_empty_table_with_the_columns():
    empty = GRADINGS.iloc[0:0]
    table = grading.overall_grade_distribution(empty, AGENCIES, OFSTED)
    assert list(table.columns) == DISTRIBUTION_COLUMNS
    assert table.empty
    totals = grading.overall_grade_distribution(empty, AGENCIES, OFSTED, totals=True)
    assert totals.loc[grading.ALL_AGENCIES].tolist() == [0] * 8


def test_unknown_agency_or_grade_is_an_error_not_a_silent_zero():
    with pytest.raises(ValueError, match="Fire Service"):
        grading.overall_grade_distribution(
            GRADINGS.replace({"agency": {"Police": "Fire Service"}}), AGENCIES, OFSTED
        )
    with pytest.raises(ValueError, match="Excellent"):
        grading.overall_grade_distribution(
            GRADINGS.replace({"grade": {"Good": "Excellent"}}), AGENCIES, OFSTED
        )


def test_two_overall_grades_for_one_return_is_an_error():
    doubled = pd.concat([GRADINGS, GRADINGS.iloc[[2]]])
    with pytest.raises(ValueError, match="More than one overall grade"):
        grading.overall_grade_distribution(doubled, AGENCIES, OFSTED)


def test_return_rates_leave_no_involvement_out_of_the_shares():
    table = grading.return_rates(RETURNS, AGENCIES, totals=True)
    counts = frame(
        {
            "Police": [3, 2, 1, 0, 0],
            "Housing": [2, 0, 0, 0, 2],
            "Schools": [3, 1, 1, 1, 0],
            grading.ALL_AGENCIES: [8, 3, 2, 1, 2],
        },
        ["expected", "submitted", "incomplete", "not_submitted", "no_involvement"],
        "agency",
    )
    assert_frame_equal(table.iloc[:, :5], counts, check_column_type=False)
    assert table.loc["Police", "share_returned"] == 1.0
    assert table.loc["Schools", "share_returned"] == pytest.approx(2 / 3)
    assert table.loc["Schools", "share_complete"] == pytest.approx(1 / 3)
    assert np.isnan(table.loc["Housing", "share_returned"])
    assert table.loc[grading.ALL_AGENCIES, "share_returned"] == pytest.approx(5 / 6)


def test_area_distribution_counts_only_submitted_and_incomplete_returns():
    table = grading.area_grade_distribution(GRADINGS, AREAS, OFSTED)
    expected = frame(
        {
            RECOGNITION: [1, 2, 0, 1, 1],
            VOICE: [0, 2, 0, 1, 2],
            "Overall": [0, 2, 1, 1, 1],
        },
        GRADE_COLUMNS,
        "area",
    )
    expected.columns = pd.Index(GRADE_COLUMNS, dtype="str", name="grade")
    assert_frame_equal(table, expected)
    assert table.to_numpy().sum() == 3 * 5


def test_area_distribution_for_one_agency_and_for_an_agency_with_nothing_graded():
    police = grading.area_grade_distribution(GRADINGS, AREAS, OFSTED, agency="Police")
    assert police.loc[VOICE].tolist() == [0, 1, 0, 1, 1]
    housing = grading.area_grade_distribution(
        GRADINGS, AREAS, OFSTED, agency="Housing", include_overall=False
    )
    assert list(housing.index) == [RECOGNITION, VOICE]
    assert housing.to_numpy().sum() == 0


def test_long_counts_have_every_combination_in_order():
    long = grading.agency_area_grade_counts(GRADINGS, AGENCIES, AREAS, OFSTED)
    assert list(long.columns) == ["agency", "area", "grade", "count"]
    assert len(long) == 3 * 3 * 5
    assert long["agency"].drop_duplicates().tolist() == ["Police", "Housing", "Schools"]
    assert long["area"].drop_duplicates().tolist() == [RECOGNITION, VOICE, "Overall"]
    row = long.query("agency == 'Schools' and area == @VOICE and grade == 'Good'")
    assert row["count"].tolist() == [1]
    assert long["count"].dtype == "int64"


def test_matrix_is_the_long_counts_pivoted():
    matrix = grading.agency_area_grade_matrix(GRADINGS, AGENCIES, AREAS, OFSTED)
    assert matrix.index.names == ["agency", "area"]
    assert list(matrix.columns) == GRADE_COLUMNS
    assert matrix.loc[("Police", RECOGNITION)].tolist() == [1, 1, 0, 0, 1]
    assert matrix.loc[("Housing", "Overall")].tolist() == [0, 0, 0, 0, 0]


def test_good_or_better_share_is_nan_when_nothing_was_graded():
    share = grading.good_or_better_share(GRADINGS, AGENCIES, AREAS, OFSTED)
    expected = frame(
        {
            "Police": [1.0, 0.5, 0.5],
            "Housing": [np.nan, np.nan, np.nan],
            "Schools": [0.5, 1.0, 0.5],
        },
        [RECOGNITION, VOICE, "Overall"],
        "agency",
        "float64",
    )
    expected.columns = pd.Index([RECOGNITION, VOICE, "Overall"], dtype="str", name="area")
    assert_frame_equal(share, expected)


def test_graded_share_counts_areas_left_ungraded():
    share = grading.graded_share(GRADINGS, AGENCIES, AREAS, OFSTED)
    assert share.loc["Police"].tolist() == pytest.approx([2 / 3, 2 / 3, 2 / 3])
    assert share.loc["Schools", VOICE] == 0.5
    assert share.loc["Housing"].isna().all()
    counts = grading.graded_counts(GRADINGS, AGENCIES, AREAS, OFSTED)
    assert counts.loc["Police"].tolist() == [2, 2, 2]


def test_share_masks_hide_shares_resting_on_small_counts():
    mask = grading.good_or_better_share_mask(GRADINGS, AGENCIES, AREAS, OFSTED, threshold=1)
    assert mask.loc["Police", RECOGNITION]
    assert not mask.loc["Housing"].any()
    assert (
        not grading.good_or_better_share_mask(GRADINGS, AGENCIES, AREAS, OFSTED, None).any().any()
    )
    graded = grading.graded_share_mask(GRADINGS, AGENCIES, AREAS, OFSTED, threshold=1)
    assert graded.loc["Police", RECOGNITION]
    assert graded.shape == (3, 3)


def test_case_grid_shows_grade_status_or_blank_in_natural_case_order():
    grid = grading.case_agency_grid(GRADINGS, AGENCIES, case_ids=["3"])
    expected = pd.DataFrame(
        [
            ["Good", "No involvement", "Inadequate"],
            [NG, "No involvement", "Good"],
            ["", "", ""],
            ["Requires Improvement", "", "Not submitted"],
        ],
        index=pd.Index(["1", "2", "3", "10"], dtype="str", name="case_id"),
        columns=pd.Index(["Police", "Housing", "Schools"], dtype="str", name="agency"),
        dtype="str",
    )
    assert_frame_equal(grid, expected)


def test_overall_distribution_mask_protects_the_number_of_audits():
    table = grading.overall_grade_distribution(GRADINGS, AGENCIES, OFSTED, totals=True)
    assert not grading.overall_distribution_mask(table, OFSTED, None).any().any()
    mask = grading.overall_distribution_mask(table, OFSTED, threshold=1)
    assert mask.shape == table.shape
    assert mask.loc[:, GRADE_COLUMNS].any().any(), "threshold 1 hides the ones"
    for agency in table.index:
        hidden_grades = int(mask.loc[agency, GRADE_COLUMNS].sum())
        assert hidden_grades != 1 or (table.loc[agency, GRADE_COLUMNS] > 0).sum() == 1


def test_functions_leave_their_input_alone():
    before = GRADINGS.copy()
    grading.overall_grade_distribution(GRADINGS, AGENCIES, OFSTED, totals=True)
    grading.good_or_better_share(GRADINGS, AGENCIES, AREAS, OFSTED)
    grading.case_agency_grid(GRADINGS, AGENCIES)
    assert_frame_equal(GRADINGS, before)


REFERENCE_TABLE = {  # the last column: audits submitted outside the audit period (section 5.1)
    "Health Visitors and School Nurses": [0, 2, 2, 0, 2, 0, 0, 0, 4],
    "General Practitioners": [0, 1, 2, 0, 4, 1, 0, 0, 0],
    "CAMHS": [0, 1, 0, 0, 0, 0, 0, 0, 0],
    "Princess Royal University Hospital": [0, 1, 0, 0, 1, 0, 0, 0, 0],
    "Bromley Drugs and Alcohol Service": [0, 0, 1, 0, 0, 0, 0, 0, 0],
    "Education (schools)": [1, 3, 0, 2, 1, 2, 2, 1, 0],
    "Education Welfare Service": [0, 0, 0, 0, 1, 0, 0, 0, 0],
    "Bromley Children's Project": [0, 3, 1, 0, 0, 0, 0, 0, 0],
    "CAF Early Help": [0, 2, 0, 0, 2, 0, 0, 0, 0],
    "Children's Social Care": [0, 0, 8, 2, 0, 0, 0, 0, 0],
    "Police": [0, 0, 0, 0, 2, 0, 0, 0, 0],
    "Youth Offending Service": [0, 0, 0, 1, 0, 0, 0, 0, 0],
    "Housing": [0, 0, 2, 0, 0, 0, 0, 0, 0],
    "London Community Rehabilitation Company": [0, 0, 0, 0, 0, 0, 1, 0, 0],
}


def test_reproduces_the_reference_report_table(bromley_processed):
    config = bromley_processed["config"]
    table = grading.overall_grade_distribution(
        bromley_processed["gradings"], config.agency_names, config.scale
    )
    columns = [*DISTRIBUTION_COLUMNS, "outside the audit period"]
    expected = frame(REFERENCE_TABLE, columns, "agency")
    expected.columns = pd.Index(columns, dtype="str")
    assert_frame_equal(table, expected)


def test_audits_outside_the_period_are_counted_apart_and_only_when_used():
    outside = pd.DataFrame(
        [
            ["a", "1", "Police", "submitted", "overall", "Good"],
            ["a", "2", "Police", "outside_period", "overall", "Not graded"],
        ],
        columns=["audit_id", "case_id", "agency", "status", "area", "grade"],
    )
    table = grading.overall_grade_distribution(outside, ["Police"], OFSTED)
    assert table.loc["Police", "Good"] == 1 and table.loc["Police", "Not graded"] == 0
    assert table.loc["Police", "outside the audit period"] == 1
    rates = grading.return_rates(outside.drop(columns=["area", "grade"]), ["Police"])
    assert rates.loc["Police", ["expected", "submitted", "outside_period"]].tolist() == [2, 1, 1]
    assert "outside the audit period" not in grading.overall_grade_distribution(
        outside.iloc[:1], ["Police"], OFSTED
    )
