"""Questionnaire workbooks: written per agency, filled in the way people do, read back unchanged."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import shutil
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pandas.testing as pdt
import pytest
from conftest import REFERENCE_AUDIT, make_workspace
from openpyxl.packaging.custom import CustomPropertyList

from audit_analysis.clean.pipeline import clean, validate
from audit_analysis.intake.config import read_config
from audit_analysis.intake.raw_tables import ROW
from audit_analysis.intake.workbooks import HEADER_ROW, agency_file_names, read_returned_workbooks
from audit_analysis.problems import errors_in, warnings_in
from audit_analysis.run.questionnaires import (
    area_question,
    questionnaire_bytes,
    write_questionnaires,
)
from audit_analysis.vocabulary import parse_status

AUDIT = REFERENCE_AUDIT.name
GP = "General Practitioners"
ROUND_TRIP = (
    "Health Visitors and School Nurses",
    GP,
    "Education (schools)",
    "Children's Social Care",
    "Police",
    "Housing",
)
FIRST_CASE_ROW = HEADER_ROW + 1
TYPED_GRADES = {
    "Outstanding": ("Outstanding", 1, "outstanding"),
    "Good": ("GOOD ", 2, "good", "Good"),
    "Requires Improvement": ("req imp", "RI", 3, "Requires improvement"),
    "Inadequate": ("inadequate", 4, "Inadequate"),
}


@pytest.fixture(scope="session")
def written(tmp_path_factory) -> Path:
    """The reference audit's questionnaires, written once per test session."""
    paths = make_workspace(tmp_path_factory.mktemp("questionnaires"), REFERENCE_AUDIT).audit(AUDIT)
    write_questionnaires(paths, read_config(paths.raw))
    return paths.questionnaires


@pytest.fixture
def audit(tmp_path, written):
    """The reference audit in a throwaway project, with its questionnaires and a returns folder."""
    paths = make_workspace(tmp_path, REFERENCE_AUDIT).audit(AUDIT)
    shutil.copytree(written, paths.questionnaires)
    paths.returns.mkdir()
    return paths, read_config(paths.raw)


def _processed(paths, name: str) -> pd.DataFrame:
    return pd.read_csv(paths.processed / f"{name}.csv", dtype=str, keep_default_na=False)


def _submissions(paths) -> list[dict[str, str]]:
    with (paths.raw / "submissions.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _questionnaire(paths, config, agency: str) -> openpyxl.Workbook:
    return openpyxl.load_workbook(paths.questionnaires / agency_file_names(config)[agency])


def _columns(ws, header_row: int = HEADER_ROW) -> dict[str, int]:
    return {c.value.strip(): c.column for c in ws[header_row] if c.value}


def _case_rows(ws, header_row: int = HEADER_ROW) -> dict[str, int]:
    first = header_row + 1
    cases = {str(ws.cell(r, 1).value): r for r in range(first, ws.max_row + 1)}
    return {case: row for case, row in cases.items() if case != "None"}


def _fill(ws, config, returns: list[dict[str, str]], typed) -> None:
    """Type each return into its pre-filled case row, grades in the spellings people use."""
    columns, rows = _columns(ws), _case_rows(ws)
    for record in returns:
        row = rows[record["case_id"]]
        ws.cell(row, columns["Status"], record["status"].capitalize())
        for area in config.areas_with_overall:
            grade = record[area.key]
            ws.cell(row, columns[area.label], next(typed[grade]) if grade else None)
        ws.cell(row, columns["Evidence"], record["evidence"] or None)


def _save(book: openpyxl.Workbook, paths, name: str) -> Path:
    path = paths.returns / name
    book.save(path)
    return path


def _move_column_to_end(ws, header: str) -> None:
    column = _columns(ws)[header]
    end = ws.max_column + 1
    for row in range(1, ws.max_row + 1):
        ws.cell(row, end, ws.cell(row, column).value)
    ws.delete_cols(column)


def _returned(paths, config, agency: str, records: list[dict[str, str]]) -> openpyxl.Workbook:
    book = _questionnaire(paths, config, agency)
    typed = {grade: itertools.cycle(words) for grade, words in TYPED_GRADES.items()}
    _fill(book["Returns"], config, records, typed)
    return book


def test_filled_in_workbooks_clean_to_the_same_gradings_as_the_csv(audit):
    paths, config = audit
    clean(paths)
    expected = {name: _processed(paths, name) for name in ("gradings", "returns", "evidence")}
    expected = {name: t[t["agency"].isin(ROUND_TRIP)] for name, t in expected.items()}
    submissions = _submissions(paths)
    emptied = None
    for agency in ROUND_TRIP:
        records = [r for r in submissions if r["agency"] == agency]
        book, name = _returned(paths, config, agency, records), f"{agency} completed.xlsx"
        ws = book["Returns"]
        if agency == GP:
            ws.insert_rows(1)
            ws.insert_rows(FIRST_CASE_ROW + 4)
            ws.cell(FIRST_CASE_ROW + 3, ws.max_column + 2, "Checked by the named GP")
            name = "GP return v2 FINAL.xlsx"
        elif agency == "Housing":
            ws.title = "Housing audit"
        elif agency == "Children's Social Care":
            _move_column_to_end(ws, "Overall")
            ws.cell(HEADER_ROW, _columns(ws)["Status"], "Status   ")
        elif agency == "Police":
            row = _case_rows(ws)[records[0]["case_id"]]
            ws.cell(row, _columns(ws)["Evidence"]).value = None
            emptied = (records[0]["case_id"], agency)
        _save(book, paths, name)
    (paths.raw / "submissions.csv").unlink()

    result = clean(paths)

    assert not errors_in(result.problems)
    actual = {name: _processed(paths, name) for name in expected}
    keys = ["agency", "case_id", "area"]
    pdt.assert_frame_equal(
        actual["gradings"].sort_values(keys).reset_index(drop=True),
        expected["gradings"].sort_values(keys).reset_index(drop=True),
    )
    pdt.assert_frame_equal(
        actual["returns"].drop(columns="source").sort_values(keys[:2]).reset_index(drop=True),
        expected["returns"].drop(columns="source").sort_values(keys[:2]).reset_index(drop=True),
    )
    assert set(actual["returns"]["source"].str.split(" › ").str[0]) >= {
        "returns/GP return v2 FINAL.xlsx"
    }
    assert "returns/Housing completed.xlsx › Housing audit › row 7" in set(
        actual["returns"]["source"]
    )
    evidence = expected["evidence"]
    kept = evidence[(evidence["case_id"] + evidence["agency"]) != "".join(emptied)]
    assert len(kept) == len(evidence) - 1
    pdt.assert_frame_equal(
        actual["evidence"].sort_values(keys).reset_index(drop=True),
        kept.sort_values(keys).reset_index(drop=True),
    )


def test_untouched_case_rows_are_skipped_with_a_warning(audit):
    paths, config = audit
    (paths.raw / "submissions.csv").unlink()
    records = [r for r in _submissions_of(REFERENCE_AUDIT) if r["agency"] == "Housing"]
    _save(_returned(paths, config, "Housing", records), paths, "Housing.xlsx")

    tables, problems = read_returned_workbooks(paths.returns, config)

    assert sorted(tables[0].frame["case_id"]) == ["1", "7"]
    blank = [str(p) for p in warnings_in(problems)]
    assert len(blank) == 8
    assert blank[0].startswith(
        f"returns/Housing.xlsx › Returns › D{FIRST_CASE_ROW + 1}: case 2: left blank — no return"
    )


def _submissions_of(audit_dir: Path) -> list[dict[str, str]]:
    with (audit_dir / "submissions.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _one_return(paths, config, name: str = "GP.xlsx", agency: str = GP, **cells):
    """A workbook with case 1 filled in, plus any cells given as header=value."""
    book = _questionnaire(paths, config, agency)
    ws = book["Returns"]
    columns = _columns(ws)
    ws.cell(FIRST_CASE_ROW, columns["Status"], "Submitted")
    for header, value in cells.items():
        ws.cell(FIRST_CASE_ROW, columns[header.replace("_", " ")], value)
    return _save(book, paths, name)


def _problems(paths) -> list[str]:
    return [str(p) for p in errors_in(validate(paths).problems)]


def test_unknown_grade_names_workbook_sheet_and_cell(audit):
    paths, config = audit
    _one_return(paths, config, Recognition_and_Response="Satisfactory")

    problems = _problems(paths)

    assert (
        f"returns/GP.xlsx › Returns › E{FIRST_CASE_ROW}: 'Satisfactory' — is not a grade on the "
        "Ofsted four-point scale Accepted: Outstanding, Good, Requires Improvement, Inadequate, "
        "Not graded (blank = Not graded)."
    ) in problems


def test_workbook_of_an_agency_not_in_the_audit(audit):
    paths, config = audit
    book = _questionnaire(paths, config, GP)
    book["Returns"]["B3"] = "Chldren's Social Care"
    _save(book, paths, "social care.xlsx")

    problems = _problems(paths)

    assert any(
        p.startswith(
            'returns/social care.xlsx › Returns › B3: "Chldren\'s Social Care" — is '
            "not an agency taking part in this audit"
        )
        and 'did you mean "Children\'s Social Care"?' in p
        for p in problems
    ), problems


def test_file_name_is_the_fallback_when_the_workbook_names_no_agency(audit):
    paths, config = audit
    book = _questionnaire(paths, config, "Police")
    book["Returns"]["A3"] = None
    book.custom_doc_props = CustomPropertyList()
    book["Returns"].cell(FIRST_CASE_ROW, 4, "No involvement")
    _save(book, paths, "Met Police.xlsx")
    _save(book, paths, "Polce.xlsx")

    tables, problems = read_returned_workbooks(paths.returns, config)

    assert [t.frame["agency"].iloc[0] for t in tables] == ["Police"]
    assert any(
        str(p).startswith("returns/Polce.xlsx: 'Polce' — names no agency inside it")
        and "did you mean 'Police'?" in str(p)
        for p in errors_in(problems)
    )


def test_two_workbooks_for_one_agency_name_both_files(audit):
    paths, config = audit
    _one_return(paths, config, "GP.xlsx")
    _one_return(paths, config, "GP (2).xlsx")

    problems = _problems(paths)

    assert (
        "returns/GP.xlsx › Returns › B3: 'General Practitioners' — a second workbook for General "
        "Practitioners (the first is returns/GP (2).xlsx); this one is not read Accepted: one "
        "workbook per agency."
    ) in problems


def test_a_return_in_both_a_workbook_and_the_csv_names_both_places(audit):
    paths, config = audit
    _one_return(paths, config, Overall="Good")
    csv_row = next(
        n
        for n, r in enumerate(_submissions(paths), start=2)
        if r["agency"] == GP and r["case_id"] == "1"
    )

    problems = _problems(paths)

    assert any(
        p.startswith(
            f"returns/GP.xlsx › Returns › A{FIRST_CASE_ROW}: 'General Practitioners' — "
            "a second return for case 1 from General Practitioners"
        )
        and f"(the first is at submissions.csv › row {csv_row})" in p
        for p in problems
    ), problems


def test_formulas_are_read_as_text_never_evaluated(audit):
    paths, config = audit
    link = '=HYPERLINK("http://example.org","see notes")'
    _one_return(paths, config, Overall="=1+1", Evidence=link)

    tables, _ = read_returned_workbooks(paths.returns, config)
    problems = _problems(paths)

    row = tables[0].frame.set_index(ROW).loc[FIRST_CASE_ROW]
    assert (row["overall"], row["evidence"]) == ("=1+1", link)
    assert f"returns/GP.xlsx › Returns › K{FIRST_CASE_ROW}: '=1+1' — is not a grade" in "\n".join(
        problems
    )


def test_workbook_without_a_return_table_names_the_sheets_searched(audit):
    paths, config = audit
    book = _questionnaire(paths, config, GP)
    book["Returns"].delete_rows(HEADER_ROW)
    book["Returns"].title = "Sheet1"
    _save(book, paths, "GP.xlsx")

    problems = _problems(paths)

    assert any(
        p.startswith(
            "returns/GP.xlsx: no return table found (searched sheets 'Instructions', 'Sheet1')"
        )
        for p in problems
    ), problems


def test_unreadable_files_are_errors_and_lock_files_are_skipped(audit):
    paths, config = audit
    (paths.returns / "Police.xlsx").write_bytes(b"this is not a workbook")
    (paths.returns / "Housing.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (paths.returns / "~$Police.xlsx").write_bytes(b"lock")

    tables, problems = read_returned_workbooks(paths.returns, config)

    assert tables == []
    assert [p.file for p in errors_in(problems)] == ["returns/Housing.xls", "returns/Police.xlsx"]
    assert "cannot be opened as an Excel workbook" in str(problems[1])


def test_a_workbook_from_another_audit_is_refused(audit):
    paths, config = audit
    book = _questionnaire(paths, config, GP)
    book["Returns"]["F3"] = "croydon-2019-neglect"
    _save(book, paths, "GP.xlsx")

    tables, problems = read_returned_workbooks(paths.returns, config)

    assert tables == []
    assert str(problems[0]).startswith(
        "returns/GP.xlsx › Returns › F3: 'croydon-2019-neglect' — this workbook is a questionnaire"
    )


def test_questionnaire_layout(audit):
    paths, config = audit
    files = sorted(p.name for p in paths.questionnaires.iterdir())
    assert len(files) == len(config.agencies)
    assert "Children's Social Care.xlsx" in files
    book = _questionnaire(paths, config, GP)
    assert book.sheetnames == ["Instructions", "Returns"]
    ws = book["Returns"]

    headers = list(_columns(ws))
    assert headers[:5] == ["Case ID", "Age", "Gender", "Status", "Recognition and Response"]
    assert headers[10:12] == ["Overall", "Recognition and Response evidence"]
    assert headers[-1] == "Evidence"
    assert [ws.cell(FIRST_CASE_ROW, c).value for c in (1, 2, 3)] == [1, 2, "Male"]
    assert ws.max_row == HEADER_ROW + 10
    assert (ws["A3"].value, ws["B3"].value) == ("Agency", GP)
    assert {p.name: p.value for p in book.custom_doc_props} == {"Agency": GP, "Audit ID": AUDIT}
    assert ws.protection.sheet and not ws[f"D{FIRST_CASE_ROW}"].protection.locked
    assert ws[f"A{FIRST_CASE_ROW}"].protection.locked
    assert ws.freeze_panes == f"D{FIRST_CASE_ROW}"
    lists = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation}
    assert lists[f"D{FIRST_CASE_ROW}:D{HEADER_ROW + 10}"] == (
        '"Submitted,Incomplete,Not submitted,No involvement"'
    )
    assert lists[f"E{FIRST_CASE_ROW}:K{HEADER_ROW + 10}"] == (
        '"Outstanding,Good,Requires Improvement,Inadequate"'
    )
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.oddHeader.center.text == ws.oddFooter.center.text == "OFFICIAL-SENSITIVE"
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    cells = book["Instructions"].iter_rows(values_only=True)
    text = "\n".join(str(value) for row in cells for value in row if value)
    for expected in (
        config.title,
        config.board,
        "16 December 2016",
        "bscb-qa@example.org",
        "Voice of the Child",
        "Requires Improvement",
        "No involvement",
        "Leave the cell blank",
        "OFFICIAL-SENSITIVE",
        "Was the risk of neglect recognised",
    ):
        assert expected in text
    assert "{theme}" not in text


def test_key_area_questions_use_the_audits_theme():
    question = "Was the risk of {theme} recognised?"
    assert area_question(question, "Child sexual abuse") == (
        "Was the risk of child sexual abuse recognised?"
    )
    assert (
        area_question(question, "CSE and missing") == "Was the risk of CSE and missing recognised?"
    )
    assert area_question("Is there oversight?", "neglect") == "Is there oversight?"


def test_questionnaires_are_the_same_bytes_every_time(audit, monkeypatch):
    paths, config = audit
    cases = pd.DataFrame({"case_id": ["1", "2"], "age": [2, None], "gender": ["Male", "Female"]})
    first = questionnaire_bytes(config, GP, cases)
    later = time.time() + 3600
    monkeypatch.setattr(time, "time", lambda: later)
    assert questionnaire_bytes(config, GP, cases) == first
    written = _questionnaire(paths, config, GP).properties
    assert written.created == written.modified == dt.datetime(2016, 11, 30)


def test_every_drop_down_choice_is_accepted_by_cleaning(audit):
    paths, config = audit
    ws = _questionnaire(paths, config, GP)["Returns"]
    status, grades = (v.formula1.strip('"').split(",") for v in ws.data_validations.dataValidation)
    assert [parse_status(s) for s in status] == [
        "submitted",
        "incomplete",
        "not_submitted",
        "no_involvement",
    ]
    assert [config.scale.parse(g) for g in grades] == list(config.scale.grades)


def test_a_cleared_agency_cell_falls_back_to_the_properties_then_the_file_name(audit):
    paths, config = audit
    _one_return(paths, config, "return.xlsx", GP)
    for name, props in (("return.xlsx", True), ("Police.xlsx", False)):
        book = openpyxl.load_workbook(paths.returns / "return.xlsx")
        book["Returns"]["B3"] = None
        if not props:
            book.custom_doc_props = CustomPropertyList()
        _save(book, paths, name)

    tables, problems = read_returned_workbooks(paths.returns, config)

    assert errors_in(problems) == []
    assert not any("Audit ID" in str(p) for p in problems)
    assert {t.file: t.frame["agency"].iloc[0] for t in tables} == {
        "returns/Police.xlsx": "Police",
        "returns/return.xlsx": GP,
    }


def test_workbooks_in_subfolders_are_not_read_but_named(audit):
    paths, config = audit
    _one_return(paths, config, "GP.xlsx")
    (paths.returns / "chased" / "old").mkdir(parents=True)
    _one_return(paths, config, "chased/Police.xlsx", "Police")
    (paths.returns / "chased" / "old" / "Housing.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (paths.returns / "chased" / "covering letter.pdf").write_bytes(b"%PDF")
    (paths.returns / "chased" / "~$Police.xlsx").write_bytes(b"lock")

    tables, problems = read_returned_workbooks(paths.returns, config)

    assert [t.file for t in tables] == ["returns/GP.xlsx"]
    moved = [str(p) for p in warnings_in(problems) if "subfolder" in str(p)]
    assert moved == [
        "returns/chased/old/Housing.xls: workbooks in subfolders are not read; move it to "
        "returns/ if it is a return",
        "returns/chased/Police.xlsx: workbooks in subfolders are not read; move it to "
        "returns/ if it is a return",
    ]


def test_a_comments_column_beside_the_table_is_read_as_evidence_with_a_warning(audit):
    paths, config = audit
    path = _one_return(paths, config, Evidence="Records show a referral.")
    book = openpyxl.load_workbook(path)
    ws = book["Returns"]
    ws.cell(HEADER_ROW, 20, "Comments")
    ws.cell(FIRST_CASE_ROW, 20, "Chased the named GP.")
    ws.cell(FIRST_CASE_ROW + 1, 20, "No records found.")
    _save(book, paths, "GP.xlsx")

    tables, problems = read_returned_workbooks(paths.returns, config)

    frame = tables[0].frame.set_index(ROW)
    assert frame.loc[FIRST_CASE_ROW, "evidence"] == "Records show a referral.\nChased the named GP."
    assert frame.loc[FIRST_CASE_ROW + 1, "evidence"] == "No records found."
    assert tables[0].letters["evidence"] == "R"
    assert errors_in(problems) == []
    assert str(warnings_in(problems)[0]).startswith(
        f"returns/GP.xlsx › Returns › T{HEADER_ROW}: 'Comments' — a second evidence column: its "
        "text is read as evidence too, after the text in 'Evidence' (column R)"
    )
    (paths.raw / "submissions.csv").unlink()
    assert [p for p in _problems(paths) if p.startswith("returns/GP.xlsx")] == []


def test_header_problems_name_their_cell(audit):
    paths, config = audit
    book = openpyxl.load_workbook(_one_return(paths, config))
    ws = book["Returns"]
    ws.cell(HEADER_ROW, 19, "Reviewed by")
    ws.cell(HEADER_ROW, 20, "Status")
    ws.cell(HEADER_ROW, 21, "Voice of the Child notes")
    _save(book, paths, "GP.xlsx")

    _, problems = read_returned_workbooks(paths.returns, config)

    text = [str(p) for p in problems]
    assert (
        f"returns/GP.xlsx › Returns › T{HEADER_ROW}: two columns both mean 'status' "
        in "\n".join(text)
    )
    assert any(
        p.startswith(f"returns/GP.xlsx › Returns › S{HEADER_ROW}: unknown column, ignored")
        for p in text
    )
    assert any(
        p.startswith(f"returns/GP.xlsx › Returns › U{HEADER_ROW}: two evidence columns for")
        for p in text
    )


def test_a_workbook_not_read_reports_nothing_about_its_rows(audit):
    paths, config = audit
    _one_return(paths, config, "GP.xlsx")
    book = openpyxl.load_workbook(_one_return(paths, config, "GP (2).xlsx"))
    book["Returns"].cell(HEADER_ROW, 20, "Reviewed by")
    _save(book, paths, "GP (2).xlsx")

    tables, problems = read_returned_workbooks(paths.returns, config)

    assert [t.file for t in tables] == ["returns/GP (2).xlsx"]
    about_second = [str(p) for p in problems if p.file == "returns/GP.xlsx"]
    assert len(about_second) == 1 and "this one is not read" in about_second[0]
    assert len(warnings_in(problems)) == 10  # the first workbook's 9 blank cases, its column


def test_an_agency_cell_that_disagrees_with_the_file_name_is_a_warning(audit):
    paths, config = audit
    book = openpyxl.load_workbook(_one_return(paths, config, "GP.xlsx"))
    book["Returns"]["B3"] = "Police"
    _save(book, paths, "GP.xlsx")
    book["Returns"]["B3"] = None
    _save(book, paths, "Met Police.xlsx")

    tables, problems = read_returned_workbooks(paths.returns, config)

    assert {t.file: t.frame["agency"].iloc[0] for t in tables} == {
        "returns/GP.xlsx": "Police",
        "returns/Met Police.xlsx": GP,
    }
    mismatches = [str(p) for p in warnings_in(problems) if "file name" in str(p)]
    assert mismatches == [
        "returns/GP.xlsx › Returns › B3: 'Police' — the Agency cell names Police but the file "
        "name 'GP.xlsx' names General Practitioners; read as the return from Police Accepted: "
        "the file renamed, or the Agency cell corrected if the return is from General Practitioners.",
        f"returns/Met Police.xlsx: {GP!r} — the workbook's 'Agency' property names "
        "General Practitioners but the file name 'Met Police.xlsx' names Police; read as the "
        "return from General Practitioners Accepted: the file renamed, or the workbook's "
        "'Agency' property corrected if the return is from Police.",
    ]
