"""The immediate-concerns log: read and checked like the other raw files, internal paper only."""

from __future__ import annotations

import pytest
from conftest import MINIMAL_AUDIT, SAMPLE_AUDIT, make_workspace

from audit_analysis.analysis.exhibits import build_exhibits
from audit_analysis.analysis.exhibits.files import write_exhibits
from audit_analysis.clean.pipeline import clean, validate
from audit_analysis.clean.processed import read_processed
from audit_analysis.paper.report import BoardPaper
from audit_analysis.problems import errors_in, warnings_in

LOG = (
    "case_id,agency,concern raised,date,action taken,status\n"
    "2,CSC,Threshold met but not progressed,14/12/2016,Referred back to the MASH manager,Open\n"
    "Case 01,Police,Child left home alone,2016-12-15,Strategy discussion held,resolved\n"
)


@pytest.fixture
def paths(minimal_workspace):
    return minimal_workspace.audit(MINIMAL_AUDIT.name)


def _concern_messages(paths, log: str | None) -> tuple[list[str], list[str]]:
    if log is not None:
        (paths.raw / "concerns.csv").write_text(log, encoding="utf-8")
    problems = [p for p in validate(paths).problems if p.file == "concerns.csv"]
    return [str(p) for p in errors_in(problems)], [str(p) for p in warnings_in(problems)]


def test_a_concern_log_is_cleaned_into_its_processed_table(paths):
    (paths.raw / "concerns.csv").write_text(LOG, encoding="utf-8")
    clean(paths)
    concerns = read_processed(paths).concerns
    assert concerns[["case_id", "agency", "status"]].values.tolist() == [
        ["1", "Police", "closed"],
        ["2", "Children's Social Care", "open"],
    ]
    assert concerns["date"].dt.strftime("%Y-%m-%d").tolist() == ["2016-12-15", "2016-12-14"]


def test_every_bad_value_is_an_error_naming_row_column_and_value(paths):
    log = (
        "case_id,agency,concern,date,action,status\n"
        "9,CSC,Something,2016-12-01,,open\n"
        "1,Polise,Something,2016-12-01,,open\n"
        "1,Police,,2016-12-01,,open\n"
        "1,Police,Something,31/31/2016,,open\n"
        "1,Police,Something,2016-12-01,,maybe\n"
        "1,Police,Something,2016-12-01,,closed\n"
    )
    errors, warnings = _concern_messages(paths, log)
    assert errors == [
        "concerns.csv › row 2 › column 'case_id': '9' — is not a case in cases.csv "
        "Accepted: 1, 2, 3.",
        "concerns.csv › row 3 › column 'agency': 'Polise' — is not an agency in audit.yaml — "
        "did you mean 'Police'? Accepted: Children's Social Care, Police, General Practitioners.",
        "concerns.csv › row 4 › column 'concern': the concern raised is blank",
        "concerns.csv › row 5 › column 'date': '31/31/2016' — is not a date Accepted: a date "
        "from 1990 to 2100, ISO (2016-03-05) or day-first (05/03/2016, 5 Mar 2016).",
        "concerns.csv › row 6 › column 'status': 'maybe' — is not a concern status "
        "Accepted: Open or Closed.",
    ]
    assert "concerns.csv › row 7 › column 'action': a closed concern records no action taken" in (
        warnings
    )


def test_validate_warns_about_an_inadequate_return_with_no_concern_recorded(paths):
    _errors, warnings = _concern_messages(paths, None)
    assert len(warnings) == 1
    assert warnings[0].startswith(
        "concerns.csv: case 2 has an Inadequate return (from Children's Social Care) but no "
        "concern is recorded for it"
    )
    _errors, warnings = _concern_messages(paths, LOG)  # case 2 now logged
    assert warnings == []


def test_children_needing_follow_up_is_internal_only(paths, tmp_path):
    (paths.raw / "concerns.csv").write_text(LOG, encoding="utf-8")
    clean(paths)
    audit = read_processed(paths)
    internal = build_exhibits(audit)
    log = internal["concerns"]
    assert log.table["Status"].tolist() == ["Open", "Closed"]  # open first
    assert log.table.index.tolist() == ["2", "1"]
    assert log.sentences == (
        "2 concerns about a child's safety were raised during the audit: 1 still open, 1 closed.",
    )
    paper = BoardPaper(audit, internal, tmp_path / "internal")
    assert paper.follow_up()[0].text == "## Children needing follow-up"

    # The minimal audit's three children cannot be published at all (the intruder check
    # refuses it), so the publication half uses the four-child sample audit with the same log.
    sample = make_workspace(tmp_path / "sample", SAMPLE_AUDIT).audit(SAMPLE_AUDIT.name)
    (sample.raw / "concerns.csv").write_text(
        LOG.replace(",CSC,", ",Children's Social Care,").replace(",Police,", ",HV,"),
        encoding="utf-8",
    )
    clean(sample)
    audit = read_processed(sample)
    config = audit.config.model_copy(update={"disclosure_threshold": 2})
    published = build_exhibits(
        audit.__class__(**{**audit.__dict__, "config": config}), publication=True
    )
    assert "concerns" not in published and len(audit.concerns) == 2
    write_exhibits(published, tmp_path / "tables")
    files = " ".join(p.read_text(encoding="utf-8-sig") for p in (tmp_path / "tables").iterdir())
    assert "Threshold met but not progressed" not in files
    assert BoardPaper(audit, published, tmp_path / "pub").follow_up() == []
