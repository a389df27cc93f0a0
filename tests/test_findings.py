"""Numbers in words: exact sentences, plurals, zeros, lists and the publication wording."""

from __future__ import annotations

import pandas as pd
import pytest

from audit_analysis.analysis import findings
from audit_analysis.vocabulary import OFSTED, OVERALL

NG = "Not graded"
AGENCIES = ["Children's Social Care", "Schools", "Health *Visiting*", "Police", "Women's Aid"]


def make_gradings(returns: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """Rows of (case, agency, status, overall grade) → gradings with the overall row only."""
    rows = [
        {
            "audit_id": "test",
            "case_id": case,
            "agency": agency,
            "status": status,
            "area": OVERALL.key,
            "grade": grade,
        }
        for case, agency, status, grade in returns
    ]
    return pd.DataFrame(rows, columns=["audit_id", "case_id", "agency", "status", "area", "grade"])


CSC = [(str(c), "Children's Social Care", "submitted", "Requires Improvement") for c in range(1, 9)]
CSC += [("9", "Children's Social Care", "submitted", "Inadequate")]
CSC += [("10", "Children's Social Care", "submitted", "Inadequate")]
SCHOOLS = [
    ("1", "Schools", "submitted", "Outstanding"),
    ("2", "Schools", "incomplete", "Good"),
    ("3", "Schools", "submitted", "Good"),
    ("4", "Schools", "incomplete", "Inadequate"),
    ("5", "Schools", "submitted", NG),
    ("6", "Schools", "not_submitted", NG),
    ("7", "Schools", "not_submitted", NG),
    ("8", "Schools", "no_involvement", NG),
]
HEALTH = [(str(c), "Health *Visiting*", "no_involvement", NG) for c in range(1, 5)]
POLICE = [("1", "Police", "submitted", NG), ("2", "Police", "not_submitted", NG)]
GRADINGS = make_gradings(CSC + SCHOOLS + HEALTH + POLICE)


def test_list_and_plural_helpers():
    assert findings.join_words([]) == ""
    assert findings.join_words(["1 Good"]) == "1 Good"
    assert findings.join_words(["a", "b", "c"]) == "a, b and c"
    assert findings.count_noun(1, "audit") == "1 audit"
    assert findings.count_noun(2, "audit") == "2 audits"
    assert findings.count_noun(0, "audit") == "no audits"
    assert findings.count_noun(3, "child", "children", hidden=True) == "some children"


def test_markdown_special_characters_are_escaped():
    assert (
        findings.escape_markdown("Health *Visiting* [HV] $5") == r"Health \*Visiting\* \[HV\] \$5"
    )


def test_agency_paragraph_like_the_report():
    assert findings.agency_findings(GRADINGS, AGENCIES, "Children's Social Care", OFSTED) == (
        "The analysis is based on 10 audits. "
        "Overall gradings were 8 Requires Improvement and 2 Inadequate."
    )


def test_agency_paragraph_with_incomplete_ungraded_missing_and_no_involvement():
    assert findings.agency_findings(GRADINGS, AGENCIES, "Schools", OFSTED) == (
        "The analysis is based on 5 audits, 2 of them incomplete. "
        "Overall gradings were 1 Outstanding, 2 Good and 1 Inadequate; 1 audit was not graded "
        "overall. "
        "2 audits were not submitted. 1 return recorded no involvement in the audit period."
    )


def test_agency_with_nothing_graded_or_nothing_submitted():
    assert findings.agency_findings(GRADINGS, AGENCIES, "Police", OFSTED) == (
        "The analysis is based on 1 audit. No audit was graded overall. 1 audit was not submitted."
    )
    assert findings.agency_findings(GRADINGS, AGENCIES, "Health *Visiting*", OFSTED) == (
        "No audits were submitted. 4 returns recorded no involvement in the audit period."
    )
    assert findings.agency_findings(GRADINGS, AGENCIES, "Women's Aid", OFSTED) == (
        "No audits were received."
    )
    missing = make_gradings([("1", "Police", "not_submitted", NG)])
    assert findings.agency_findings(missing, AGENCIES, "Police", OFSTED) == (
        "No audits were submitted: 1 audit was expected but not returned."
    )


def test_an_audit_not_graded_overall_but_graded_by_area_is_not_called_ungraded():
    # The area table under the paragraph shows these grades, so "No audits were graded."
    # would contradict it.
    rows = [
        {"audit_id": "t", "case_id": "1", "agency": "Police", "status": "submitted",
         "area": area, "grade": grade}
        for area, grade in (("recognition", "Good"), ("voice", "Inadequate"), (OVERALL.key, NG))
    ]  # fmt: skip
    gradings = pd.DataFrame(rows)
    assert findings.agency_findings(gradings, AGENCIES, "Police", OFSTED) == (
        "The analysis is based on 1 audit. No audit was graded overall."
    )
    whole = findings.audit_findings(gradings, AGENCIES, OFSTED)
    assert "No audit was graded overall." in whole
    assert "No audits were graded" not in whole


def test_an_agency_with_nothing_returned_reads_naturally_in_publication_mode():
    missing = make_gradings([("1", "Police", "not_submitted", NG)])
    assert findings.agency_findings(missing, AGENCIES, "Police", OFSTED, threshold=5) == (
        "No audits were submitted: some audits were expected but not returned."
    )


def test_single_audit_reads_in_the_singular():
    one = make_gradings([("1", "Police", "incomplete", "Good")])
    assert findings.agency_findings(one, AGENCIES, "Police", OFSTED) == (
        "The analysis is based on 1 audit, which was incomplete. The overall grading was Good."
    )


def test_unknown_agency_is_an_error():
    with pytest.raises(ValueError, match="Fire"):
        findings.agency_findings(GRADINGS, AGENCIES, "Fire", OFSTED)


def test_findings_by_agency_in_audit_order():
    paragraphs = findings.findings_by_agency(GRADINGS, AGENCIES, OFSTED)
    assert list(paragraphs) == AGENCIES[:4]
    every = findings.findings_by_agency(
        GRADINGS, AGENCIES, OFSTED, include_agencies_without_returns=True
    )
    assert every["Women's Aid"] == "No audits were received."


def test_audit_paragraph():
    assert findings.audit_findings(GRADINGS, AGENCIES, OFSTED) == (
        "Added together, the figures of the 4 agencies that recorded returns come to 24 returns. "
        "Together they hold 16 audits, 2 of them incomplete. "
        "Overall gradings were 1 Outstanding, 2 Good, 8 Requires Improvement and 3 Inadequate; "
        "2 audits were not graded overall. 3 audits were not submitted. "
        "5 returns recorded no involvement in the audit period. "
        "By the agencies' own grades, not moderated and not comparable between agencies, "
        "3 of the 14 audits graded overall were Good or better. "
        "1 agency in the audit made no returns: Women's Aid."
    )


def test_audit_with_no_returns():
    empty = GRADINGS.iloc[0:0]
    assert findings.audit_findings(empty, AGENCIES, OFSTED) == (
        "No returns were recorded for this audit."
    )


def test_publication_mode_says_some_and_hides_what_a_total_would_give_away():
    text = findings.agency_findings(
        GRADINGS, AGENCIES, "Children's Social Care", OFSTED, threshold=5
    )
    assert text == (
        "The analysis is based on 10 audits. "
        "Overall gradings were some Requires Improvement and some Inadequate."
    )
    police = findings.agency_findings(GRADINGS, AGENCIES, "Police", OFSTED, threshold=5)
    assert "1" not in police
    assert police == (
        "The analysis is based on some audits. No audit was graded overall. "
        "Some audits were not submitted."
    )


def test_publication_mode_hides_the_good_or_better_count_when_grades_are_hidden():
    text = findings.audit_findings(GRADINGS, AGENCIES, OFSTED, threshold=2)
    assert "or better" not in text
    assert "some Outstanding" in text


REFERRALS = pd.DataFrame(
    {
        "audit_id": "test",
        "case_id": ["1", "1", "2", "3", "3", "3"],
        "date": pd.to_datetime(
            ["2015-01-01", "2016-01-01", "2015-06-01", "2015-02-01", "2016-02-01", "2016-03-02"]
        ),
        "referrer": "School",
        "category": ["Neglect", "Neglect", "Domestic abuse", "Neglect", "Neglect", "Neglect"],
        "outcome": ["NFA", "CAF", "NFA", "NFA", "CAF", "No further action"],
        "period": ["before", "during", "before", "before", "during", "during"],
    }
)


def test_referral_paragraph():
    assert findings.referral_findings(REFERRALS, ["1", "2", "3", "4"]) == (
        "3 of the 4 children had been referred before the audit period. "
        "3 referrals were received before the audit period; the most common category was Neglect. "
        "During the audit period 3 referrals were made about 2 children; 1 was referred more "
        "than once. Their outcomes were CAF (2) and No further action (1). "
        "The median time between one referral and the next for the same child was 365 days."
    )


def test_referral_paragraph_without_referrals_or_cases():
    assert findings.referral_findings(REFERRALS.iloc[0:0], ["1", "2"]) == (
        "No referrals were recorded for the audited children."
    )
    assert findings.referral_findings(REFERRALS.iloc[0:0], []) == "No cases were audited."
    before_only = REFERRALS.loc[REFERRALS["period"] == "before"]
    text = findings.referral_findings(before_only, ["1", "2", "3"])
    assert text.startswith("All 3 children had been referred before the audit period.")
    assert "No referrals were made during the audit period." in text


def test_referral_paragraph_in_publication_mode():
    text = findings.referral_findings(REFERRALS, ["1", "2", "3", "4"], threshold=2)
    assert text.startswith("Some of the 4 children had been referred")
    assert "about some children; some were referred more than once" in text
    assert "CAF (some) and No further action (some)" in text
    assert "median" in text
    assert "median" not in findings.referral_findings(REFERRALS, ["1", "2", "3", "4"], threshold=3)


CASES = pd.DataFrame(
    {
        "audit_id": "test",
        "case_id": ["1", "2", "3"],
        "age": [2, 9, 16],
        "gender": ["Male", "Female", "Male"],
        "ethnicity": "Not recorded",
        "disability": ["No", "Yes", "No"],
        "issues": ["Domestic abuse; Alcohol misuse", "Domestic violence", "Truanting"],
    }
)


def test_profile_paragraph():
    assert findings.profile_findings(CASES) == (
        "The sample was 3 children aged 2 to 16. "
        "By age band: 1 aged 0–4, 1 aged 5–9 and 1 aged 16+. "
        "By gender: 2 male and 1 female. 1 child had a disability. "
        "In the outline issues, the most frequent themes were Domestic abuse (2 cases), "
        "Substance misuse (1) and School attendance (1)."
    )


THEMES = {t: [t.lower()] for t in ("Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta")}


def themed_cases(issues: list[str]) -> pd.DataFrame:
    n = len(issues)
    return pd.DataFrame(
        {
            "audit_id": "test",
            "case_id": [str(i + 1) for i in range(n)],
            "age": [5] * n,
            "gender": ["Male"] * n,
            "ethnicity": "Not recorded",
            "disability": ["No"] * n,
            "issues": issues,
        }
    )


def theme_sentence(text: str) -> str:
    return text[text.index("In the outline issues") :] if "outline issues" in text else ""


def test_themes_tied_across_the_cut_are_counted_not_ranked():
    cases = themed_cases(["alpha; beta", "alpha; gamma", "delta; epsilon"])
    text = findings.profile_findings(cases, themes=THEMES)
    # Alpha (2 cases) leads; 4 themes share 1 case each, so none of them is "most frequent".
    assert theme_sentence(text) == (
        "In the outline issues, the most frequent theme was Alpha (2 cases); "
        "4 other themes each appeared in 1 case."
    )


def test_themes_all_tied_name_no_most_frequent():
    few = themed_cases(["alpha", "beta; gamma"])
    assert theme_sentence(findings.profile_findings(few, themes=THEMES)) == (
        "In the outline issues, Alpha, Beta and Gamma each appeared in 1 case."
    )
    many = themed_cases(["alpha; beta; gamma", "delta; epsilon; zeta; eta"])
    assert theme_sentence(findings.profile_findings(many, themes=THEMES)) == (
        "In the outline issues, 7 themes each appeared in 1 case."
    )
    assert "most frequent" not in findings.profile_findings(many, themes=THEMES)


def test_themes_without_ties_keep_the_top_three():
    cases = themed_cases(["alpha; beta; gamma", "alpha; beta", "alpha"])
    assert theme_sentence(findings.profile_findings(cases, themes=THEMES)) == (
        "In the outline issues, the most frequent themes were Alpha (3 cases), Beta (2) "
        "and Gamma (1)."
    )
    # A fourth theme with 1 case ties Gamma at the cut: both are counted, neither ranked.
    cases = themed_cases(["alpha; beta; gamma", "alpha; beta", "alpha; delta"])
    assert theme_sentence(findings.profile_findings(cases, themes=THEMES)) == (
        "In the outline issues, the most frequent themes were Alpha (3 cases) and Beta (2); "
        "2 other themes each appeared in 1 case."
    )


def test_tied_themes_say_some_in_publication_mode():
    cases = themed_cases(["alpha; beta", "alpha; gamma", "delta; epsilon"])
    text = findings.profile_findings(cases, themes=THEMES, threshold=2)
    assert theme_sentence(text) == (
        "In the outline issues, the most frequent theme was Alpha (some cases); "
        "4 other themes each appeared in some cases."
    )


def test_profile_paragraph_in_publication_mode_drops_exact_ages():
    text = findings.profile_findings(CASES, threshold=5)
    assert "aged 2 to 16" not in text
    assert text.startswith("The sample was 3 children. By age band: some aged 0–4")
    assert "Some children had a disability." in text


def test_profile_paragraph_without_cases():
    assert findings.profile_findings(CASES.iloc[0:0]) == "No cases were audited."


def test_reference_audit_paragraphs(bromley_processed):
    config = bromley_processed["config"]
    gradings = bromley_processed["gradings"]
    text = findings.agency_findings(
        gradings, config.agency_names, "General Practitioners", config.scale
    )
    assert text == (
        "The analysis is based on 7 audits, 1 of them incomplete. Overall gradings were 1 Good "
        "and 2 Requires Improvement; 4 audits were not graded overall."
    )
    csc = findings.agency_findings(
        gradings, config.agency_names, "Children's Social Care", config.scale
    )
    assert csc == (
        "The analysis is based on 10 audits. "
        "Overall gradings were 8 Requires Improvement and 2 Inadequate."
    )
