"""`audit-analysis new`: a new audit folder that loads, with the contract's headers."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
import yaml

from audit_analysis.clean.pipeline import validate
from audit_analysis.cli import main
from audit_analysis.intake.commentary import split_sections
from audit_analysis.intake.config import AuditConfig, load_config, scaffold_placeholders
from audit_analysis.intake.raw_tables import (
    CASES_SPEC,
    RECOMMENDATIONS_SPEC,
    REFERRALS_SPEC,
    submissions_spec,
)
from audit_analysis.paths import Workspace
from audit_analysis.run.scaffold import InvalidAuditIdError, audit_yaml, scaffold_audit


def headers(path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


def test_new_audit_loads_with_every_setting_and_the_given_title(tmp_path):
    folder = scaffold_audit(
        Workspace(tmp_path), "croydon-2026-neglect", title='Neglect: "10 cases"'
    )

    assert folder == tmp_path / "data" / "raw" / "croydon-2026-neglect"
    config, problems = load_config(folder)
    assert problems == [] and config is not None
    assert config.id == "croydon-2026-neglect" and config.title == 'Neglect: "10 cases"'
    assert config.board.startswith("[")  # a placeholder to replace
    assert config.protective_marking == "OFFICIAL-SENSITIVE" and config.grade_scale == "ofsted"
    assert config.disclosure_threshold is None and config.questionnaire.deadline is not None
    assert config.period.end == dt.date.today() and config.period.start < config.period.end
    assert {"Children's Social Care", "Police", "General Practitioners"} <= set(config.agency_names)
    assert config.agency_lookup["mash"] == "Children's Social Care"
    assert config.agency_lookup["yos"] == "Youth Offending Service"
    written = yaml.safe_load((folder / "audit.yaml").read_text(encoding="utf-8"))
    assert set(written) == set(AuditConfig.model_fields)  # every key shown, to be explained


def test_the_settings_name_the_audit_and_list_their_placeholders(tmp_path):
    folder = scaffold_audit(Workspace(tmp_path), "lambeth-2026-dv")
    text = (folder / "audit.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("# Settings of the audit lambeth-2026-dv; ")
    config, _ = load_config(folder)
    assert scaffold_placeholders(config) == {
        "title": "[Title of the audit]",
        "board": "[Name of the safeguarding children partnership]",
        "theme": "[theme]",
        "sample": "[How many children, their ages, the referral or threshold they share, and "
        "what the sample was balanced for.]",
        "questionnaire.return_to": "[email address for returns]",
    }


def test_csv_headers_follow_the_loading_contract(tmp_path):
    folder = scaffold_audit(Workspace(tmp_path), "new-audit")
    config, _ = load_config(folder)

    assert headers(folder / "submissions.csv") == [
        "case_id",
        "agency",
        "status",
        *(a.key for a in config.areas),
        "overall",
        "evidence",
    ]
    for spec in (
        submissions_spec(config.areas_with_overall),
        CASES_SPEC,
        REFERRALS_SPEC,
        RECOMMENDATIONS_SPEC,
    ):
        assert headers(folder / spec.file) == [c.key for c in spec.columns]
    problems = validate(Workspace(tmp_path).audit("new-audit")).problems
    assert not [p for p in problems if "column" in p.message]  # only "no rows yet"


def test_commentary_has_a_section_per_part_and_a_readme_warns_about_real_data(tmp_path):
    folder = scaffold_audit(Workspace(tmp_path), "new-audit")
    config, _ = load_config(folder)

    sections = split_sections((folder / "commentary.md").read_text(encoding="utf-8"))
    assert list(sections) == [
        "Introduction",
        "Audit sample",
        "Methodology",
        "Limitations",
        *config.agency_names,
        "Summary",
    ]
    assert all(body.startswith("<!--") for body in sections.values())
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "never edited by the tool" in readme and "Never commit" in readme


def test_refuses_an_existing_folder_and_leaves_it_alone(tmp_path):
    workspace = Workspace(tmp_path)
    folder = workspace.raw / "taken"
    folder.mkdir(parents=True)
    (folder / "submissions.csv").write_text("returns that exist nowhere else\n")

    with pytest.raises(FileExistsError):
        scaffold_audit(workspace, "taken")
    assert [p.name for p in folder.iterdir()] == ["submissions.csv"]
    assert [p.name for p in workspace.raw.iterdir()] == ["taken"]  # no staging left behind


@pytest.mark.parametrize(
    "bad", ["Bromley-2016", "bromley_2016", "bromley 2016", "-x", "x-", "", "../x", "é"]
)
def test_refuses_an_invalid_id(tmp_path, bad):
    with pytest.raises(InvalidAuditIdError, match="lowercase letters, digits and hyphens"):
        scaffold_audit(Workspace(tmp_path), bad)
    assert not (tmp_path / "data").exists()


def test_a_year_with_29_february():
    config = yaml.safe_load(audit_yaml("leap", today=dt.date(2028, 2, 29)))
    assert config["period"] == {"start": dt.date(2027, 3, 1), "end": dt.date(2028, 2, 29)}


def test_new_via_the_command_line(tmp_path, capsys):
    root = str(tmp_path)
    assert main(["new", "--root", root, "sutton-2026-dv", "--board", "Sutton SCP"]) == 0
    assert "sutton-2026-dv" in capsys.readouterr().out
    assert load_config(tmp_path / "data" / "raw" / "sutton-2026-dv")[0].board == "Sutton SCP"

    assert main(["new", "--root", root, "sutton-2026-dv"]) == 2
    assert "already exists" in capsys.readouterr().err


def test_an_invalid_id_is_a_usage_error_on_the_command_line(tmp_path, capsys):
    assert main(["new", "--root", str(tmp_path), "Sutton_2026"]) == 2
    assert "lowercase letters" in capsys.readouterr().err
