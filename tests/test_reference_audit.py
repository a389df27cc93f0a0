"""Back-test: the reference audit says what the Bromley report says, and nothing it does not.

Each test names the report's section it checks (the text copy is in ../shared/reference/).
"""

from __future__ import annotations

import io

import pandas as pd
import pandas.testing as pdt
import pytest

from audit_analysis.analysis.exhibits import build_exhibits
from audit_analysis.paper.blocks import Chart, Markdown, Table
from audit_analysis.paper.report import BoardPaper

PUBLISHED = """agency|Outstanding|Good|Requires Improvement|Inadequate|Not graded|of which incomplete|not submitted|no involvement|outside the audit period
Health Visitors and School Nurses|0|2|2|0|2|0|0|0|4
General Practitioners|0|1|2|0|4|1|0|0|0
CAMHS|0|1|0|0|0|0|0|0|0
Princess Royal University Hospital|0|1|0|0|1|0|0|0|0
Bromley Drugs and Alcohol Service|0|0|1|0|0|0|0|0|0
Education (schools)|1|3|0|2|1|2|2|1|0
Education Welfare Service|0|0|0|0|1|0|0|0|0
Bromley Children's Project|0|3|1|0|0|0|0|0|0
CAF Early Help|0|2|0|0|2|0|0|0|0
Children's Social Care|0|0|8|2|0|0|0|0|0
Police|0|0|0|0|2|0|0|0|0
Youth Offending Service|0|0|0|1|0|0|0|0|0
Housing|0|0|2|0|0|0|0|0|0
London Community Rehabilitation Company|0|0|0|0|0|0|1|0|0
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
        ("outside_period", "outside the audit period"),
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


@pytest.fixture(scope="module")
def exhibits(bromley_processed):
    return build_exhibits(bromley_processed["audit"])


@pytest.fixture(scope="module")
def paper(bromley_processed, exhibits, tmp_path_factory):
    return BoardPaper(bromley_processed["audit"], exhibits, tmp_path_factory.mktemp("paper"))


def _text(blocks) -> str:
    return "\n".join(b.text for b in blocks if isinstance(b, Markdown))


def test_health_visitors_received_10_submissions_6_within_the_timeframe(
    bromley_processed, exhibits
):
    """5.1: "10 audit submissions were received … within the audit timeframe … Good for 2
    cases, Requires Improvement for 2 cases and no grading for 2 cases"."""
    hv = bromley_processed["returns"].query("agency == 'Health Visitors and School Nurses'")
    assert len(hv) == 10
    assert hv["status"].value_counts().to_dict() == {"submitted": 6, "outside_period": 4}
    sentence = exhibits["areas-health-visitors-and-school-nurses"].sentences[0]
    assert sentence == (
        "10 audit submissions were received; 4 concerned children the agency did not work with "
        "within the audit period and are counted apart. The analysis is based on 6 audits. "
        "Overall gradings were 2 Good and 2 Requires Improvement; 2 audits were not graded "
        "overall."
    )
    assert "no involvement" not in sentence


def test_the_audit_period_is_the_report_s_12_months(bromley_processed, paper):
    """3.2: "the 12 month audit period (November 2015 to November 2016)"."""
    period = bromley_processed["config"].period
    assert (period.by_month, period.months) == (True, 12)
    assert paper.details()["period"] == "November 2015 to November 2016 (12 months)"


def test_no_report_date_is_invented(bromley_processed, paper):
    """The report is dated only "Multi Agency Audit 2017"."""
    assert paper.details()["report_date"] == "2017"
    assert "report date" not in bromley_processed["config"].provenance.split("Illustrative")[1]


def test_agencies_taking_part_as_the_report_counts_them(paper, exhibits):
    """Sections 5-17 and 3.5: 13 agencies audited; 4 had no contact; London CRC could not."""
    facts = exhibits["audit-facts"].table["value"].to_dict()
    assert facts == {
        "Cases audited": 10,
        "Agencies that submitted audits": 13,
        "Agencies with no contact with the sample": 4,
        "Agencies that could not complete an audit": 1,
    }
    text = _text(paper.introduction())
    assert "**Agencies:** 13 submitted audits; 4 had no contact with the sample; " in text
    assert "taking part" not in text


def test_no_denominator_the_report_never_gives(paper):
    """No "returns expected", "due" or "analysed" totals across agencies: only their sums, said so."""
    text = "\n".join(_text(part) for part in paper.parts())
    captions = " ".join(b.caption for part in paper.parts() for b in part if isinstance(b, Table))
    for phrase in (
        "were expected from",
        "Returns expected",
        " due from",
        "The analysis is based on 48",
    ):
        assert phrase not in text + captions, phrase
    assert "Added together, the figures of the 14 agencies that recorded returns" in text
    assert all(not isinstance(b, Chart) or b.name != "returns" for p in paper.parts() for b in p)


def test_area_grades_go_no_further_than_the_text(bromley_processed):
    """6.1.7: GP case recording is described, not graded. Section 10 names no Inadequate area
    grade for schools (only overall)."""
    g = bromley_processed["gradings"]
    gp = g.query("agency == 'General Practitioners' and area == 'case_recording'")
    assert set(gp["grade"]) == {"Not graded"}
    schools = g.query("agency == 'Education (schools)' and area != 'overall'")
    assert "Inadequate" not in set(schools["grade"])


def test_glossary_uses_the_report_s_words(paper):
    """20: "MASH – Multi Agency Support Hub"."""
    glossary = _text(paper.glossary())
    assert "**MASH**: Multi Agency Support Hub" in glossary
    assert "Safeguarding Hub" not in glossary


def test_recommendations_keep_the_report_s_headings_and_order(paper, bromley_processed):
    """19: Multi Agency, MASH, GP, Health Visitor & School Nurses, BDAS, EWS, CAF, YOS, Housing."""
    headings = [
        line[4:] for line in _text(paper.recommendations()).splitlines() if line.startswith("### ")
    ]
    assert headings == [
        "Multi-agency",
        "MASH",
        "General Practitioners",
        "Health Visitors and School Nurses",
        "Bromley Drugs and Alcohol Service",
        "Education Welfare Service",
        "CAF Early Help",
        "Youth Offending Service",
        "Housing",
    ]
    mash = bromley_processed["recommendations"].query("heading == 'MASH'")
    assert set(mash["scope"]) == {"Children's Social Care"} and len(mash) == 4


def test_two_children_with_a_disability_and_the_theme_chart_says_why_it_counts_three(exhibits):
    """2.1: "The sample group included 2 children with disabilities"; case 7's outline names
    "Disability within sibling group"."""
    assert "2 children had a disability" in exhibits["case-profile"].sentences[0]
    themes = exhibits["issue-themes"]
    assert themes.table.loc["Disability and SEND", "cases"] == 3
    assert any("a sibling's" in note for note in themes.notes)


@pytest.mark.parametrize(
    ("section", "words"),
    [
        ("18.1", "high degree of coherence among agencies"),
        ("18.1", "significant support and intervention intermittently over the years"),
        ("18.4", "including at CAF level"),
        ("18.5", "measurable milestones that reflect observed improvement for the child"),
        ("18.6", "early intervention in these areas was not promoted"),
        ("18.8", "professionals become habituated to neglect as ingrained"),
        ("18.8", "particularly demanding to work with over long periods"),
    ],
)
def test_summary_keeps_each_paragraph_of_the_report(paper, section, words):
    assert words in _text(paper.summary()), section


def test_children_s_social_care_keeps_the_nuance_of_14_1_8(paper):
    """14.1.8: partner audits "did often cohere with the outcome decision", so the deficit lay
    in the evidence basis and analysis, not the decision."""
    text = _text(paper.agency("Children's Social Care"))
    assert "often cohered with the outcome decision" in text
    assert "rather than in the decision itself" in text


def test_reconstructed_inputs_are_marked_illustrative_wherever_they_are_used(exhibits):
    marked = {key for key, e in exhibits.items() if any("Illustrative" in n for n in e.notes)}
    assert {
        "referrals-before-per-case",
        "referral-categories-before",
        "referral-outcomes-during",
        "case-agency-grid",
        "area-grades",
        "good-or-better-heatmap",
        "graded-share",
        "grades-by-agency-and-area",
        "areas-children-s-social-care",
    } <= marked
    assert not marked & {"overall-grades", "returns", "audit-facts", "recommendations-by-scope"}


def test_every_grade_exhibit_says_the_grades_are_self_assessed(exhibits):
    for key in ("overall-grades", "area-grades", "good-or-better-heatmap", "headline-figures"):
        assert "Self-assessed by each agency, not moderated." in exhibits[key].notes, key
    shares = exhibits["graded-share"].table
    assert shares.loc["General Practitioners", "Case Recording"] == "none graded"
    assert 0 not in set(shares.to_numpy().ravel())


def test_key_messages_and_the_board_s_decisions_come_first(paper, exhibits):
    blocks = paper.key_messages()
    text = _text(blocks)
    assert text.startswith("## Key messages\n")
    assert "were not externally moderated" in text
    assert "### The board is asked to…" in text
    assert "Note the findings of the audit." in text
    headline = exhibits["headline-figures"].table["value"].to_dict()
    assert headline == {
        "Children's cases audited": 10,
        "Agencies that audited their work": 13,
        "Audits received": 48,
        "Audits graded overall by the agency": 35,
        "of which Inadequate (agency's own grade)": 5,
    }


def test_cases_with_an_inadequate_return_are_flagged_for_follow_up(exhibits):
    """Children's Social Care cases 3 and 6 (14.1.20), schools' and YOS's Inadequate returns:
    the report records no follow-up, so the paper asks for it."""
    sentence = exhibits["concerns"].sentences[0]
    assert "4 cases with an Inadequate return have no concern recorded (cases 3, 4, 6 and 10)" in (
        sentence
    )
