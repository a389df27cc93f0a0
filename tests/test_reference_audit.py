"""Back-test: the reference audit reproduces the Bromley report's published overall gradings."""

from __future__ import annotations

import io

import pandas as pd
import pandas.testing as pdt

PUBLISHED = """agency|Outstanding|Good|Requires Improvement|Inadequate|Not graded|of which incomplete|not submitted|no involvement
Health Visitors and School Nurses|0|2|2|0|2|0|0|4
General Practitioners|0|1|2|0|4|1|0|0
CAMHS|0|1|0|0|0|0|0|0
Princess Royal University Hospital|0|1|0|0|1|0|0|0
Bromley Drugs and Alcohol Service|0|0|1|0|0|0|0|0
Education (schools)|1|3|0|2|1|2|2|1
Education Welfare Service|0|0|0|0|1|0|0|0
Bromley Children's Project|0|3|1|0|0|0|0|0
CAF Early Help|0|2|0|0|2|0|0|0
Children's Social Care|0|0|8|2|0|0|0|0
Police|0|0|0|0|2|0|0|0
Youth Offending Service|0|0|0|1|0|0|0|0
Housing|0|0|2|0|0|0|0|0
London Community Rehabilitation Company|0|0|0|0|0|0|1|0
"""


def _table_from_gradings(gradings: pd.DataFrame) -> pd.DataFrame:
    """Counted independently of audit_analysis.grading, straight from gradings.csv."""
    overall = gradings[gradings["area"] == "overall"]
    graded = overall[overall["status"].isin(["submitted", "incomplete"])]
    grades = ["Outstanding", "Good", "Requires Improvement", "Inadequate", "Not graded"]
    table = pd.crosstab(graded["agency"], graded["grade"]).reindex(columns=grades, fill_value=0)
    table["of which incomplete"] = graded[graded["status"] == "incomplete"].groupby("agency").size()
    table = table.reindex(overall["agency"].unique(), fill_value=0).fillna(0)
    by_status = overall.groupby(["agency", "status"]).size().unstack(fill_value=0)
    for status, column in (
        ("not_submitted", "not submitted"),
        ("no_involvement", "no involvement"),
    ):
        table[column] = by_status.get(status, pd.Series(dtype=int)).reindex(
            table.index, fill_value=0
        )
    table.index.name = "agency"
    table.columns.name = None
    return table.astype("int64")


def test_published_overall_gradings_come_out_of_gradings_csv(bromley_processed):
    expected = pd.read_csv(io.StringIO(PUBLISHED), sep="|", index_col="agency")
    pdt.assert_frame_equal(_table_from_gradings(bromley_processed["gradings"]), expected)


def test_reference_audit_has_its_ten_cases_and_twenty_four_recommendations(bromley_processed):
    assert bromley_processed["cases"]["case_id"].tolist() == [str(i) for i in range(1, 11)]
    assert len(bromley_processed["recommendations"]) == 24
    assert (bromley_processed["recommendations"]["scope"] == "Multi-agency").sum() == 3


def test_agencies_without_contact_are_listed_with_no_returns(bromley_processed):
    config = bromley_processed["config"]
    with_returns = set(bromley_processed["returns"]["agency"])
    for agency in ("Bromley Early Years", "Women's Aid", "Bromley Changes", "Adult Social Care"):
        assert agency in config.agency_names and agency not in with_returns


def test_reference_referrals_fall_before_and_during_the_period(bromley_processed):
    periods = bromley_processed["referrals"]["period"].value_counts()
    assert periods["before"] > 0 and periods["during"] > 0
    assert set(bromley_processed["referrals"].query("period == 'during'")["case_id"]) == {
        str(i) for i in range(1, 11)
    }
