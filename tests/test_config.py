"""audit.yaml: report dates and periods as precise as the report is, and illustrative inputs."""

from __future__ import annotations

import datetime as dt

import pytest

from audit_analysis.intake.config import parse_config

BASE = """id: a
title: T
board: B
theme: neglect
agencies: [{name: Police}]
"""


def _config(extra: str):
    config, problems = parse_config(BASE + extra)
    assert problems == [] and config is not None, problems
    return config


@pytest.mark.parametrize(
    ("written", "shown", "iso"),
    [
        ("2017", "2017", "2017"),
        ("2017-03", "March 2017", "2017-03"),
        ("2017-03-01", "1 March 2017", "2017-03-01"),
    ],
)
def test_a_report_date_may_be_a_year_a_month_or_a_day(written, shown, iso):
    config = _config(f"period: {{start: 2016-01-01, end: 2016-12-31}}\nreport_date: {written}\n")
    assert (config.report_date.describe(), config.report_date.isoformat()) == (shown, iso)


def test_a_report_date_that_is_none_of_them_is_an_error():
    _config, problems = parse_config(
        BASE + "period: {start: 2016-01-01, end: 2016-12-31}\nreport_date: March\n"
    )
    assert [p.column for p in problems] == ["report_date"]
    assert "a month (2017-03) or a year (2017)" in problems[0].message


def test_a_period_in_months_covers_both_months_and_reads_as_the_report_counts_it():
    period = _config("period: {start: 2015-11, end: 2016-11}\n").period
    assert (period.start, period.end) == (dt.date(2015, 11, 1), dt.date(2016, 11, 30))
    assert (period.by_month, period.months) == (True, 12)
    assert period.describe() == "November 2015 to November 2016"
    dated = _config("period: {start: 2015-11-01, end: 2016-11-30}\n").period
    assert (dated.by_month, dated.describe()) == (False, "1 November 2015 to 30 November 2016")


def test_a_period_half_in_months_is_an_error():
    _config, problems = parse_config(BASE + "period: {start: 2015-11, end: 2016-11-30}\n")
    assert "give both start and end as months (2015-11), or both as dates" in problems[0].message


def test_illustrative_inputs_are_named_from_a_fixed_list():
    config = _config(
        "period: {start: 2016-01-01, end: 2016-12-31}\nillustrative: {referrals: made up}\n"
    )
    assert config.illustrative == {"referrals": "made up"}
    _config_, problems = parse_config(
        BASE + "period: {start: 2016-01-01, end: 2016-12-31}\nillustrative: {refferals: x}\n"
    )
    assert (
        "unknown illustrative input refferals; accepted: case_assignment, area_grades, referrals"
        in (problems[0].message)
    )
