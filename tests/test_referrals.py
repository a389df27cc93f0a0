"""Appendix 1: referrals per case, their categories and outcomes, repeat referrals, intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from audit_analysis.analysis import referrals

CASE_IDS = ["1", "2", "3", "10"]
REFERRALS = pd.DataFrame(
    {
        "audit_id": "test",
        "case_id": ["1", "1", "10", "10", "10", "2", "10"],
        "date": pd.to_datetime(
            [
                "2015-01-01",
                "2015-03-02",
                "2015-06-01",
                "2016-01-01",
                "2016-01-31",
                "2016-02-01",
                "2017-01-01",
            ]
        ),
        "referrer": "School",
        "category": ["Neglect", "Domestic abuse", "Neglect", "Neglect", None, "Missing", "Neglect"],
        "outcome": [
            "No further action",
            "CAF",
            "No further action",
            "CAF",
            "No further action",
            "No further action",
            "CAF",
        ],
        "period": ["before", "before", "before", "during", "during", "during", "after"],
    }
)
NO_REFERRALS = REFERRALS.iloc[0:0]


def one_column(rows: dict[str, int], name: str) -> pd.DataFrame:
    index = pd.Index(list(rows), dtype="str", name=name)
    return pd.DataFrame({"referrals": list(rows.values())}, index=index, dtype="int64")


def test_referrals_by_period_list_every_case_in_natural_order():
    table = referrals.referrals_by_period(REFERRALS, CASE_IDS)
    expected = pd.DataFrame(
        [[2, 0, 0], [0, 1, 0], [0, 0, 0], [1, 2, 1]],
        index=pd.Index(["1", "2", "3", "10"], dtype="str", name="case_id"),
        columns=pd.Index(["before", "during", "after"], dtype="str"),
        dtype="int64",
    )
    assert_frame_equal(table, expected)


def test_referrals_before_the_period_include_cases_with_none():
    expected = one_column({"1": 2, "2": 0, "3": 0, "10": 1}, "case_id")
    assert_frame_equal(referrals.referrals_per_case(REFERRALS, CASE_IDS), expected)
    every = referrals.referrals_per_case(REFERRALS, CASE_IDS, period=None)
    assert every["referrals"].tolist() == [2, 1, 0, 4]


def test_categories_descending_with_ties_alphabetical():
    expected = one_column({"Neglect": 2, "Domestic abuse": 1}, "category")
    assert_frame_equal(referrals.referral_categories(REFERRALS), expected)


def test_missing_categories_count_as_not_recorded():
    table = referrals.referral_categories(REFERRALS, period="during")
    expected = one_column({"Missing": 1, "Neglect": 1, "Not recorded": 1}, "category")
    assert_frame_equal(table, expected)


def test_outcomes_of_referrals_during_the_period():
    expected = one_column({"No further action": 2, "CAF": 1}, "outcome")
    assert_frame_equal(referrals.referral_outcomes(REFERRALS), expected)


def test_re_referrals_within_the_period():
    assert_frame_equal(referrals.re_referrals(REFERRALS), one_column({"10": 2}, "case_id"))
    everything = referrals.re_referrals(REFERRALS, period=None)
    assert everything["referrals"].tolist() == [2, 4]
    assert list(everything.index) == ["1", "10"]


def test_intervals_between_consecutive_referrals_of_a_case():
    table = referrals.referral_intervals(REFERRALS)
    assert list(table.columns) == ["case_id", "date", "previous_date", "days"]
    assert table["case_id"].tolist() == ["1", "10", "10", "10"]
    assert table["days"].tolist() == [60, 214, 30, 336]
    during = referrals.referral_intervals(REFERRALS, periods=["during"])
    assert during["days"].tolist() == [30]


def test_interval_summary_per_case_and_pooled():
    table = referrals.referral_interval_summary(REFERRALS)
    assert list(table.index) == ["1", "2", "10", referrals.ALL_CASES]
    assert table.loc["1"].tolist() == [2, 1, 60.0, 60.0, 60.0]
    assert table.loc["2", "intervals"] == 0 and np.isnan(table.loc["2", "median_days"])
    assert table.loc["10"].tolist() == [4, 3, 214.0, 30.0, 336.0]
    assert table.loc[referrals.ALL_CASES].tolist() == [7, 4, 137.0, 30.0, 336.0]


def test_no_referrals_give_empty_tables_with_their_columns():
    by_case = referrals.referrals_per_case(NO_REFERRALS, CASE_IDS)
    assert by_case["referrals"].tolist() == [0, 0, 0, 0]
    for table in (
        referrals.referral_categories(NO_REFERRALS),
        referrals.referral_outcomes(NO_REFERRALS),
        referrals.re_referrals(NO_REFERRALS),
    ):
        assert table.empty and list(table.columns) == ["referrals"]
    intervals = referrals.referral_intervals(NO_REFERRALS)
    assert intervals.empty and list(intervals.columns) == list(referrals.INTERVAL_COLUMNS)
    summary = referrals.referral_interval_summary(NO_REFERRALS)
    assert list(summary.index) == [referrals.ALL_CASES]
    assert summary.loc[referrals.ALL_CASES, "referrals"] == 0


def test_no_cases_and_no_referrals():
    assert referrals.referrals_by_period(NO_REFERRALS, []).empty


def test_unknown_period_is_an_error():
    with pytest.raises(ValueError, match="later"):
        referrals.referral_categories(REFERRALS.replace({"period": {"after": "later"}}))
    with pytest.raises(ValueError, match="soon"):
        referrals.referral_outcomes(REFERRALS, period="soon")


def test_inputs_are_not_changed():
    before = REFERRALS.copy()
    referrals.referral_intervals(REFERRALS)
    referrals.referral_interval_summary(REFERRALS)
    assert_frame_equal(REFERRALS, before)


def test_reference_referrals_cover_every_case(bromley_processed):
    cases = bromley_processed["cases"]["case_id"]
    table = referrals.referrals_per_case(bromley_processed["referrals"], cases)
    assert list(table.index) == [str(i) for i in range(1, 11)]
