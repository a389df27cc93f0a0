"""`audit-analysis synth`: synthetic audits that validate, the same bytes for the same seed."""

from __future__ import annotations

import csv
import io

import pytest

from audit_analysis.clean.pipeline import validate
from audit_analysis.cli import main
from audit_analysis.intake.commentary import parse_commentary
from audit_analysis.intake.config import parse_config
from audit_analysis.paths import Workspace
from audit_analysis.problems import errors_in, warnings_in
from audit_analysis.run.synth import synth_files, write_synthetic_audit
from audit_analysis.vocabulary import STATUSES


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(("cases", "seed", "agencies"), [(1, 0, 1), (12, 7, 15), (60, 3, 5)])
def test_synthetic_audit_validates_with_no_errors_or_warnings(tmp_path, cases, seed, agencies):
    workspace = Workspace(tmp_path)
    write_synthetic_audit(workspace, "syn", cases, seed, agencies)
    result = validate(workspace.audit("syn"))
    assert errors_in(result.problems) == []
    assert warnings_in(result.problems) == []
    assert len(result.cases) == cases
    assert result.returns["agency"].nunique() <= agencies


def test_counts_are_exact():
    files = synth_files("syn", cases=25, seed=4, agencies=6)
    assert len(_rows(files["cases.csv"])) == 25
    submissions = _rows(files["submissions.csv"])
    assert len(submissions) == 25 * 6  # one return per case and agency
    assert {r["case_id"] for r in submissions} == {str(n) for n in range(1, 26)}
    referrals = _rows(files["referrals.csv"])
    assert {r["case_id"] for r in referrals} == {str(n) for n in range(1, 26)}  # 1+ during
    config, _ = parse_config(files["audit.yaml"], folder_name="syn")
    assert len(config.agency_names) == 6


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    first, second = Workspace(tmp_path / "a"), Workspace(tmp_path / "b")
    write_synthetic_audit(first, "syn", 40, 11)
    write_synthetic_audit(second, "syn", 40, 11)
    names = sorted(p.name for p in (first.raw / "syn").iterdir())
    assert names == sorted(p.name for p in (second.raw / "syn").iterdir())
    for name in names:
        assert (first.raw / "syn" / name).read_bytes() == (second.raw / "syn" / name).read_bytes()
    assert (
        synth_files("syn", 40, 12)["submissions.csv"]
        != synth_files("syn", 40, 11)["submissions.csv"]
    )


def test_distributions_cover_statuses_grades_periods_and_themes(tmp_path):
    workspace = Workspace(tmp_path)
    write_synthetic_audit(workspace, "syn", 200, 5)
    result = validate(workspace.audit("syn"))
    assert set(result.returns["status"]) == set(STATUSES)
    overall = result.gradings.query("area == 'overall' and status == 'submitted'")["grade"]
    assert set(overall) == {"Outstanding", "Good", "Requires Improvement", "Inadequate"}
    assert set(result.referrals["period"]) == {"before", "during"}
    from audit_analysis.analysis.profile import issue_themes

    themes = issue_themes(result.cases)
    assert "Other" not in set(themes["theme"])  # every outline issue hits a packaged theme


def test_commentary_has_every_section_a_final_paper_needs():
    files = synth_files("syn", cases=5, seed=1, agencies=4)
    config, _ = parse_config(files["audit.yaml"], folder_name="syn")
    commentary = parse_commentary(files["commentary.md"], config)
    from audit_analysis.intake.commentary import missing_parts

    assert missing_parts(commentary, config.agency_names) == []
    assert commentary.unmatched == ()


def test_cli_writes_and_refuses_to_overwrite(tmp_path, capsys):
    args = ["synth", "--root", str(tmp_path), "syn", "--cases", "3", "--seed", "2"]
    assert main(args) == 0
    assert "synthetic audit of 3 case(s), seed 2" in capsys.readouterr().out
    assert main(args) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["synth", "--root", str(tmp_path), "Bad Id"]) == 2
    assert main(["synth", "--root", str(tmp_path), "other", "--agencies", "16"]) == 2
    assert "--agencies must be from 1 to 15" in capsys.readouterr().err
