"""The case profile, the theme mapping and recommendations per scope."""

from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from audit_analysis.analysis import profile

CASES = pd.DataFrame(
    {
        "audit_id": "test",
        "case_id": ["10", "2", "1"],
        "age": pd.array([16, 4, None], dtype="Int64"),
        "gender": ["Male", "Female", "Male"],
        "ethnicity": ["White British", "", "Black African"],
        "disability": ["Yes", "No", "Not known"],
        "issues": [
            "Gang association, CSE; Truanting",
            "Father's substances misuse & domestic abuse; Anonymous referral",
            "Domestic Violence; Parental alcohol misuse; Parental alcohol misuse again",
        ],
    }
)
NO_CASES = CASES.iloc[0:0]


def counts(rows: dict[str, int], name: str, column: str = "children") -> pd.DataFrame:
    index = pd.Index(list(rows), dtype="str", name=name)
    return pd.DataFrame({column: list(rows.values())}, index=index, dtype="int64")


def test_cases_sort_naturally():
    assert profile.sorted_case_ids(["10", "2", "1", "C3", "2"]) == ["1", "2", "10", "C3"]


@pytest.mark.parametrize(
    ("age", "band"),
    [(0, "0–4"), (4, "0–4"), (5, "5–9"), (15, "10–15"), (16, "16+"), (None, "Not known")],
)
def test_age_band_edges(age, band):
    assert profile.age_band(age) == band


def test_age_bands_always_list_every_band():
    expected = counts({"0–4": 1, "5–9": 0, "10–15": 0, "16+": 1, "Not known": 1}, "age band")
    assert_frame_equal(profile.age_band_counts(CASES), expected)
    assert profile.age_band_counts(NO_CASES)["children"].tolist() == [0] * 5


def test_gender_and_disability_counts_in_fixed_order():
    gender = counts({"Male": 2, "Female": 1, "Other": 0, "Not known": 0}, "gender")
    assert_frame_equal(profile.gender_counts(CASES), gender)
    disability = counts({"Yes": 1, "No": 1, "Not known": 1}, "disability")
    assert_frame_equal(profile.disability_counts(CASES), disability)


def test_unexpected_gender_is_an_error():
    with pytest.raises(ValueError, match="Boy"):
        profile.gender_counts(CASES.replace({"gender": {"Male": "Boy"}}))


def test_ethnicity_counts_put_gaps_in_the_record_last():
    table = profile.ethnicity_counts(CASES)
    assert list(table.index) == ["Black African", "White British", "Not known"]


def test_case_profile_stacks_the_characteristics():
    table = profile.case_profile(CASES)
    assert table.index.names == ["characteristic", "category"]
    assert table.loc[("Gender", "Male"), "children"] == 2
    assert table.loc[("Age band", "16+"), "children"] == 1
    assert table.groupby(level="characteristic", sort=False)["children"].sum().tolist() == [3] * 4
    assert profile.case_profile(NO_CASES)["children"].sum() == 0


def test_packaged_themes_load_and_match_whole_words_or_prefixes():
    themes = profile.load_themes()
    assert {"Substance misuse", "Domestic abuse", "School attendance"} <= set(themes)
    hits = profile.issue_themes(CASES)
    assert list(hits.columns) == ["case_id", "issue", "theme"]
    assert hits["case_id"].drop_duplicates().tolist() == ["1", "2", "10"]
    by_issue = hits.groupby("issue", sort=False)["theme"].apply(list).to_dict()
    assert by_issue["Father's substances misuse & domestic abuse"] == [
        "Substance misuse",
        "Domestic abuse",
    ]
    assert by_issue["Gang association, CSE"] == ["Gangs, exploitation and missing"]
    assert by_issue["Truanting"] == ["School attendance"]
    assert by_issue["Anonymous referral"] == [profile.OTHER_THEME]


def test_a_case_counts_once_per_theme():
    themes = {"Alcohol": ["alcohol"], "Violence": ["domestic violence", "domestic abuse"]}
    expected = pd.DataFrame(
        {"cases": [2, 1, 2], "issues": [2, 2, 3]},
        index=pd.Index(["Violence", "Alcohol", "Other"], dtype="str", name="theme"),
        dtype="int64",
    )
    assert_frame_equal(profile.theme_counts(CASES, themes), expected)


def test_themes_with_no_cases_stay_in_and_ties_keep_mapping_order():
    themes = {"Zebra": ["zebra"], "Alcohol": ["alcohol"], "Gangs": ["gang*"]}
    table = profile.theme_counts(CASES, themes)
    assert list(table.index) == ["Alcohol", "Gangs", "Zebra", "Other"]
    assert table.loc["Zebra", "cases"] == 0


def test_phrase_rules():
    themes = {"Sen": ["sen"], "Gang": ["gang*"]}
    cases = CASES.assign(issues=["Sent home; SEN support; Gangs", "", None])
    hits = profile.issue_themes(cases, themes)
    assert hits.set_index("issue")["theme"].to_dict() == {
        "Sent home": "Other",
        "SEN support": "Sen",
        "Gangs": "Gang",
    }


def test_unmatched_issues_are_listed_for_the_auditor():
    table = profile.unmatched_issues(CASES, {"Alcohol": ["alcohol"]})
    assert list(table.columns) == ["case_id", "issue"]
    assert table["case_id"].tolist() == ["1", "2", "2", "10", "10"]


def test_no_cases_give_empty_theme_tables():
    assert profile.issue_themes(NO_CASES).empty
    table = profile.theme_counts(NO_CASES, {"Alcohol": ["alcohol"]})
    assert table["cases"].tolist() == [0, 0]
    assert list(profile.unmatched_issues(NO_CASES).columns) == ["case_id", "issue"]


def test_a_themes_file_from_the_audit_folder(tmp_path):
    path = tmp_path / "themes.yaml"
    path.write_text("Neglect:\n  - hygiene\n  - home alone\n", encoding="utf-8")
    assert profile.load_themes(path) == {"Neglect": ("hygiene", "home alone")}
    path.write_text("Neglect: hygiene\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Neglect"):
        profile.load_themes(path)
    path.write_text("Other:\n  - anything\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Other"):
        profile.load_themes(path)


def test_recommendations_per_scope_multi_agency_first_in_agency_order():
    recommendations = pd.DataFrame(
        {
            "audit_id": "test",
            "scope": ["Housing", "Multi-agency", "Police", "Housing"],
            "number": [1, 1, 1, 2],
            "text": "…",
            "owner": "",
            "due": "",
            "status": "",
        }
    )
    agencies = ["Police", "Schools", "Housing"]
    expected = counts({"Multi-agency": 1, "Police": 1, "Housing": 2}, "scope", "recommendations")
    assert_frame_equal(profile.recommendations_by_scope(recommendations, agencies), expected)
    full = profile.recommendations_by_scope(recommendations, agencies, include_empty=True)
    assert full["recommendations"].tolist() == [1, 1, 0, 2]
    none = profile.recommendations_by_scope(recommendations.iloc[0:0], agencies)
    assert none.empty and list(none.columns) == ["recommendations"]
    with pytest.raises(ValueError, match="Fire"):
        profile.recommendations_by_scope(
            recommendations.replace({"scope": {"Police": "Fire"}}), agencies
        )


def test_profile_functions_leave_their_input_alone():
    before = CASES.copy()
    profile.case_profile(CASES)
    profile.theme_counts(CASES)
    assert_frame_equal(CASES, before)


def test_reference_sample_matches_the_report(bromley_processed):
    cases = bromley_processed["cases"]
    assert profile.disability_counts(cases).loc["Yes", "children"] == 2
    assert profile.gender_counts(cases).loc[["Male", "Female"], "children"].tolist() == [6, 4]
    assert profile.age_band_counts(cases)["children"].sum() == 10
