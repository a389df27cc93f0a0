"""Cleaning and validation: every kind of bad input gets a clear, located message, and nothing is written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import FIXTURES, MINIMAL_AUDIT, make_workspace

from audit_analysis.clean.cleaning import clean_audit, normalise_case_id, parse_date
from audit_analysis.clean.pipeline import clean, validate
from audit_analysis.intake.loading import read_raw_audit
from audit_analysis.problems import AuditDataError, errors_in, render_text

BROKEN = sorted(p for p in (FIXTURES / "broken").iterdir() if p.is_dir())


def _broken_workspace(tmp_path: Path, case: Path):
    workspace = make_workspace(tmp_path, MINIMAL_AUDIT)
    folder = workspace.audit(MINIMAL_AUDIT.name).raw
    for overlay in case.iterdir():
        if overlay.name != "expect.txt":
            shutil.copyfile(overlay, folder / overlay.name)
    if case.name == "folder-not-file":
        (folder / "submissions.csv").unlink()
        (folder / "submissions.csv").mkdir()
    return workspace


@pytest.mark.parametrize("case", BROKEN, ids=[c.name for c in BROKEN])
def test_broken_input_is_reported_and_nothing_is_written(tmp_path, case):
    workspace = _broken_workspace(tmp_path, case)
    paths = workspace.audit(MINIMAL_AUDIT.name)
    raw_before = {p.name: p.read_bytes() for p in paths.raw.iterdir() if p.is_file()}

    result = validate(paths)
    report = "\n".join(str(p) for p in result.problems) + "\n" + render_text("x", result.problems)
    expectations = (case / "expect.txt").read_text().splitlines()
    assert expectations, f"{case.name}/expect.txt lists no expected message"
    for expected in expectations:
        assert expected in report, f"{expected!r} not in:\n{report}"
    assert not result.ok

    with pytest.raises(AuditDataError):
        clean(paths)
    assert not paths.processed.exists()
    assert {p.name: p.read_bytes() for p in paths.raw.iterdir() if p.is_file()} == raw_before


def test_every_problem_is_reported_in_one_pass(tmp_path):
    workspace = _broken_workspace(tmp_path, FIXTURES / "broken" / "many-problems")
    errors = errors_in(validate(workspace.audit(MINIMAL_AUDIT.name)).problems)
    assert len(errors) >= 5


def test_failed_clean_leaves_previous_processed_tables(minimal_workspace):
    paths = minimal_workspace.audit(MINIMAL_AUDIT.name)
    clean(paths)
    before = (paths.processed / "gradings.csv").read_bytes()
    (paths.raw / "submissions.csv").write_text("case_id,agency\n1,Nobody\n")
    with pytest.raises(AuditDataError):
        clean(paths)
    assert (paths.processed / "gradings.csv").read_bytes() == before
    assert not list(paths.processed.parent.glob(".*building*"))


def test_gradings_are_long_with_one_row_per_case_agency_area(minimal_workspace):
    result = clean(minimal_workspace.audit(MINIMAL_AUDIT.name))
    gradings = result.gradings
    assert list(gradings.columns) == ["audit_id", "case_id", "agency", "status", "area", "grade"]
    assert len(gradings) == len(result.returns) * 7
    assert not gradings.duplicated(["case_id", "agency", "area"]).any()
    first = gradings[(gradings.case_id == "1") & (gradings.agency == "Children's Social Care")]
    assert first.set_index("area")["grade"].to_dict() == {
        "recognition_and_response": "Good",
        "voice_of_the_child": "Requires Improvement",
        "case_recording": "Requires Improvement",
        "assessment_analysis_planning": "Requires Improvement",
        "supervision_and_management": "Good",
        "intervention_and_review": "Inadequate",
        "overall": "Requires Improvement",
    }
    not_involved = gradings[(gradings.agency == "Police") & (gradings.case_id == "2")]
    assert set(not_involved.status) == {"no_involvement"} and set(not_involved.grade) == {
        "Not graded"
    }
    assert set(gradings[gradings.agency == "General Practitioners"].status) == {"not_submitted"}


def test_referrals_are_split_by_audit_period_and_categories_harmonised(minimal_workspace):
    referrals = clean(minimal_workspace.audit(MINIMAL_AUDIT.name)).referrals
    assert referrals["period"].tolist() == ["before", "during", "during", "during", "before"]
    assert referrals.loc[1, "date"] == pd.Timestamp("2016-03-05")
    assert set(referrals["category"]) == {"Neglect", "Domestic abuse", "Physical abuse"}


def test_header_matching_forgives_case_spacing_punctuation_and_report_wording(minimal_workspace):
    paths = minimal_workspace.audit(MINIMAL_AUDIT.name)
    (paths.raw / "submissions.csv").write_text(
        "Case No., AGENCY ,Status,Overall grade,Response and Recognition,Voice of Child,Record Keeping,"
        '"Assessment, Analysis, Planning",Supervision & Management,Intervention and Review,Voice of the Child evidence\n'
        "Case 01,csc,Submitted ,ri,1,2,3,4,good,GOOD,Child seen alone.\n",
        encoding="utf-8",
    )
    result = validate(paths)
    assert result.ok, [str(p) for p in result.problems]
    grades = result.gradings.set_index("area")["grade"]
    assert grades["overall"] == "Requires Improvement"
    assert grades["recognition_and_response"] == "Outstanding"
    assert grades["assessment_analysis_planning"] == "Inadequate"
    assert result.evidence.iloc[0][["area", "text"]].tolist() == [
        "voice_of_the_child",
        "Child seen alone.",
    ]


@pytest.mark.parametrize("name", ["cases-windows-1252.csv", "cases-utf8-bom.csv"])
def test_excel_encodings_are_read(minimal_workspace, name):
    paths = minimal_workspace.audit(MINIMAL_AUDIT.name)
    shutil.copyfile(FIXTURES / "encodings" / name, paths.raw / "cases.csv")
    result = validate(paths)
    assert result.ok, [str(p) for p in result.problems]
    assert result.cases.loc[0, "issues"] == "Mother’s partner – “Seán” £ debts"
    assert result.cases.loc[0, "ethnicity"] == "Irish Traveller"


def test_five_point_scale_is_used_when_chosen(minimal_workspace):
    paths = minimal_workspace.audit(MINIMAL_AUDIT.name)
    config = paths.raw / "audit.yaml"
    config.write_text(config.read_text() + "grade_scale: ofsted-2025\n")
    result = validate(paths)
    messages = [str(p) for p in errors_in(result.problems)]
    assert any(
        "'Requires Improvement' — is not a grade on the Ofsted five-point scale" in m
        for m in messages
    )
    (paths.raw / "submissions.csv").write_text(
        "case_id,agency,status,overall,recognition_and_response,voice_of_the_child,case_recording,"
        "assessment_analysis_planning,supervision_and_management,intervention_and_review\n"
        "1,CSC,submitted,strong standard ,Exceptional,Needs attention,Urgent improvement,Expected standard,,\n"
    )
    result = validate(paths)
    assert result.ok
    assert set(result.gradings.grade) == {
        "Strong standard",
        "Exceptional",
        "Needs attention",
        "Urgent improvement",
        "Expected standard",
        "Not graded",
    }


def test_blank_status_with_grades_is_taken_as_submitted_with_a_warning(minimal_workspace):
    paths = minimal_workspace.audit(MINIMAL_AUDIT.name)
    text = (paths.raw / "submissions.csv").read_text().replace("1,Police,submitted", "1,Police,")
    (paths.raw / "submissions.csv").write_text(text)
    result = validate(paths)
    assert result.ok
    assert any("taken as 'submitted'" in str(p) for p in result.problems)


def test_raw_files_are_never_written(minimal_workspace):
    paths = minimal_workspace.audit(MINIMAL_AUDIT.name)
    before = {
        p: (p.read_bytes(), p.stat().st_mtime_ns) for p in paths.raw.rglob("*") if p.is_file()
    }
    clean(paths)
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in paths.raw.rglob("*") if p.is_file()}
    assert before == after


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("Case 01", "1"), (" 7 ", "7"), ("case no. 10", "10"), ("br-016", "BR-016")],
)
def test_case_ids_are_normalised(typed, expected):
    assert normalise_case_id(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2016-03-05", (2016, 3, 5)),
        ("05/03/2016", (2016, 3, 5)),
        ("5.3.2016", (2016, 3, 5)),
        ("31/02/2016", None),
        ("", None),
    ],
)
def test_dates_are_iso_or_uk_day_first(typed, expected):
    parsed = parse_date(typed)
    assert ((parsed.year, parsed.month, parsed.day) if parsed else None) == expected


def test_clean_audit_without_config_reports_and_returns_empty_tables(tmp_path):
    folder = tmp_path / "no-config"
    folder.mkdir()
    result = clean_audit(read_raw_audit(folder))
    assert not result.ok
    assert "audit.yaml: not found" in str(result.problems[0])
    assert result.gradings.empty


def test_semicolon_csv_and_a_title_row_above_the_header_are_read(minimal_workspace):
    paths = minimal_workspace.audit(MINIMAL_AUDIT.name)
    (paths.raw / "cases.csv").write_text(
        'Sampled cases\n\ncase_id;age;gender;issues\n1;4;F;"Alcohol; domestic abuse"\n2;9;M;\n3;15;M;\n'
    )
    result = validate(paths)
    assert result.ok, [str(p) for p in result.problems]
    assert result.cases["case_id"].tolist() == ["1", "2", "3"]
    assert any("above the header row were skipped" in str(p) for p in result.problems)


def test_commentary_and_settings_saved_as_windows_1252_are_read(minimal_workspace):
    paths = minimal_workspace.audit(MINIMAL_AUDIT.name)
    (paths.raw / "commentary.md").write_bytes(
        "## Introduction\nThe board’s audit – £0\n".encode("cp1252")
    )
    config = (paths.raw / "audit.yaml").read_text().replace("Three fictional", "Three “fictional”")
    (paths.raw / "audit.yaml").write_bytes(config.encode("cp1252"))
    result = validate(paths)
    assert result.ok, [str(p) for p in result.problems]
    assert "The board’s audit – £0" in result.commentary
    assert result.config.sample == "Three “fictional” cases."


def test_excel_date_forms_and_two_digit_years():
    import datetime as dt

    today = dt.date(2026, 11, 26)
    for typed in (
        "05/03/2016 00:00",
        "5-Mar-16",
        "05-Mar-2016",
        "5 March 2016",
        "2016-03-05 00:00:00",
    ):
        assert parse_date(typed, today) == dt.date(2016, 3, 5), typed
    assert parse_date("1/1/99", today) == dt.date(1999, 1, 1)
    assert parse_date("1/1/27", today) == dt.date(2027, 1, 1)


def test_unknown_column_gets_a_suggestion(minimal_workspace):
    paths = minimal_workspace.audit(MINIMAL_AUDIT.name)
    text = (paths.raw / "submissions.csv").read_text().replace(",evidence\n", ",Evidance\n", 1)
    (paths.raw / "submissions.csv").write_text(text)
    messages = [str(p) for p in validate(paths).problems]
    assert any("'Evidance'" in m and "did you mean 'evidence'" in m for m in messages), messages


def test_returns_grading_only_some_key_areas_get_one_error_naming_key_areas(tmp_path):
    """No follow-on warnings ("this case has no returns") for a file that could not be read."""
    folder = tmp_path / MINIMAL_AUDIT.name
    shutil.copytree(MINIMAL_AUDIT, folder)
    submissions = folder / "submissions.csv"
    frame = pd.read_csv(submissions, dtype=str)
    frame.drop(columns=["case_recording", "supervision_and_management"]).to_csv(
        submissions, index=False
    )
    [problem] = clean_audit(read_raw_audit(folder)).problems
    assert problem.severity == "error" and problem.file == "submissions.csv"
    assert problem.message.startswith(
        "no column for key area(s) 'case_recording', 'supervision_and_management': add the "
        "column(s), or list the key areas this audit grades under `key_areas` in audit.yaml"
    )
    snippet = yaml.safe_load(problem.message.split("add to audit.yaml:  ")[1])
    assert snippet == {
        "key_areas": [
            {"key": "recognition_and_response", "label": "Recognition and Response"},
            {"key": "voice_of_the_child", "label": "Voice of the Child"},
            {"key": "assessment_analysis_planning", "label": "Assessment, Analysis and Planning"},
            {"key": "intervention_and_review", "label": "Intervention and Review"},
        ]
    }
    # the remedy it names works as written
    config = folder / "audit.yaml"
    config.write_text(config.read_text() + "\n" + problem.message.split("add to audit.yaml:  ")[1])
    assert errors_in(clean_audit(read_raw_audit(folder)).problems) == []


@pytest.mark.parametrize("marking", ["\u200b", "   ", "\u200b\u200d ", "OFFICIAL\u200b"])
def test_an_invisible_or_blank_protective_marking_is_refused_where_it_is(marking):
    from audit_analysis.intake.config import parse_config

    text = (MINIMAL_AUDIT / "audit.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    text = "\n".join(line for line in lines if not line.startswith("protective_marking"))
    config, problems = parse_config(text + f'\nprotective_marking: "{marking}"\n')
    assert config is None
    [problem] = [p for p in problems if p.column == "protective_marking"]
    assert problem.file == "audit.yaml"
    expected = "invisible characters" if "\u200b" in marking else "is blank"
    assert expected in problem.message
