"""The command line: Unix exit codes, errors on stderr, no tracebacks for a user's mistake."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import MINIMAL_AUDIT

from audit_analysis.cli import main


def test_validate_ok_prints_report_and_exits_zero(minimal_workspace, capsys):
    assert main(["validate", "--root", str(minimal_workspace.root), MINIMAL_AUDIT.name]) == 0
    assert "0 error(s)" in capsys.readouterr().out


def test_validate_errors_go_to_stderr_with_exit_one(minimal_workspace, capsys):
    paths = minimal_workspace.audit(MINIMAL_AUDIT.name)
    (paths.raw / "cases.csv").write_text("case_id,age,gender\n1,four,F\n")
    assert main(["validate", "--root", str(minimal_workspace.root), MINIMAL_AUDIT.name]) == 1
    captured = capsys.readouterr()
    assert "cases.csv › row 2 › column 'age': 'four'" in captured.err
    assert "Traceback" not in captured.err


def test_clean_writes_processed_tables(minimal_workspace, capsys):
    assert main(["clean", "-q", "--root", str(minimal_workspace.root), MINIMAL_AUDIT.name]) == 0
    assert (minimal_workspace.audit(MINIMAL_AUDIT.name).processed / "gradings.csv").is_file()
    assert capsys.readouterr().err == ""


def test_unknown_audit_is_a_usage_error(minimal_workspace, capsys):
    assert main(["validate", "--root", str(minimal_workspace.root), "no-such-audit"]) == 2
    err = capsys.readouterr().err
    assert "no audit 'no-such-audit'" in err and MINIMAL_AUDIT.name in err


def test_help_and_bad_usage_follow_argparse_conventions():
    ok = subprocess.run(
        [sys.executable, "-m", "audit_analysis.cli", "--help"], capture_output=True, text=True
    )
    assert ok.returncode == 0 and "validate" in ok.stdout and "questionnaires" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "audit_analysis.cli", "frobnicate"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "invalid choice" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.parametrize("command", ["validate", "clean", "run", "questionnaires"])
def test_commands_need_an_audit_or_all(minimal_workspace, capsys, command):
    assert main([command, "--root", str(minimal_workspace.root)]) == 2
    assert "name an audit id, or use --all" in capsys.readouterr().err
