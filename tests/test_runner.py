"""`audit-analysis run`: notebooks executed with papermill into outputs swapped in whole.

These use their own two tiny notebooks (each kernel start costs a second or two) and a stub
in place of the board-paper export; the real notebooks and exporter are tested end to end.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from conftest import MINIMAL_AUDIT, REFERENCE_AUDIT, make_workspace
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from audit_analysis import __version__
from audit_analysis.cli import main
from audit_analysis.paths import Workspace
from audit_analysis.run import runner, states
from audit_analysis.run.snapshot import sha256_file

MINIMAL = MINIMAL_AUDIT.name
PARAMETERS = """\
audit_id = "bromley-2016-neglect"
root = ".."
output_dir = "../outputs/bromley-2016-neglect"
publication = False
final = False
"""
WRITE_TABLE = """\
from pathlib import Path

table = Path(output_dir, "tables", NAME)
table.parent.mkdir(parents=True, exist_ok=True)
table.write_text(f"{audit_id},{publication},{final},{Path.cwd().name}\\n")
"""


RECORD_PAPER = """\
Path(output_dir, "paper.json").write_text("{}")  # as publish_details(paper) starts the record
"""


def write_notebook(folder: Path, name: str, *cells: str, declared: dict | None = None) -> Path:
    """A notebook of `cells` after the parameters; `declared` is its audit_analysis metadata."""
    nb = new_notebook(
        cells=[
            new_markdown_cell(f"# {name}"),
            new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
            *(new_code_cell(source) for source in cells),
        ],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            **({"audit_analysis": declared} if declared else {}),
        },
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    nbformat.write(nb, path)
    return path


def good_notebooks(folder: Path) -> None:
    write_notebook(folder, "01_tables.ipynb", WRITE_TABLE.replace("NAME", '"one.csv"'))
    write_notebook(
        folder,
        "02_report.ipynb",
        WRITE_TABLE.replace("NAME", '"two.csv"'),
        RECORD_PAPER,
    )


def failing_notebooks(folder: Path, fail_for: str = MINIMAL, first: bool = True) -> None:
    """02_grading fails in its 5th cell (In [5]) for `fail_for` only."""
    if first:
        write_notebook(folder, "01_tables.ipynb", WRITE_TABLE.replace("NAME", '"one.csv"'))
    write_notebook(
        folder,
        "02_grading.ipynb",
        WRITE_TABLE.replace("NAME", '"two.csv"'),
        f"grades = {{}} if audit_id == {fail_for!r} else {{'overall': 'Good'}}",
        "grades['overall']",
    )


class FakeExport:
    """Stands in for export.export_board_paper: writes both files, remembers its calls."""

    def __init__(self):
        self.calls = []
        self.docx_calls = []

    def __call__(self, notebook, html, pdf, *, draft):
        self.calls.append(
            {"notebook": Path(notebook), "html": Path(html), "pdf": pdf, "draft": draft}
        )
        Path(html).write_text(f"<p>paper from {Path(notebook).name}</p>")
        if pdf is not None:
            Path(pdf).write_bytes(b"%PDF-1.7 stub")

    def docx(self, output_dir, docx, *, draft, template=None):
        """Stands in for the Word export, which needs the blocks the real notebook 04 records."""
        self.docx_calls.append(
            {
                "output_dir": Path(output_dir),
                "docx": Path(docx),
                "draft": draft,
                "template": template,
            }
        )
        Path(docx).write_bytes(b"PK stub")


@pytest.fixture
def export(monkeypatch):
    fake = FakeExport()
    monkeypatch.setattr(runner, "export_board_paper", fake)
    monkeypatch.setattr(runner, "export_docx_paper", fake.docx)
    return fake


@pytest.fixture
def workspace(tmp_path):
    ws = make_workspace(tmp_path, MINIMAL_AUDIT)
    good_notebooks(ws.notebooks)
    return ws


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    """One successful run, shared by the tests that only look at it."""
    ws = make_workspace(tmp_path_factory.mktemp("ran"), MINIMAL_AUDIT)
    good_notebooks(ws.notebooks)
    fake = FakeExport()
    capture = tmp_path_factory.mktemp("stderr") / "stderr.txt"
    cwd = os.getcwd()
    with pytest.MonkeyPatch.context() as mp, capture.open("w") as err:
        mp.setattr(runner, "export_board_paper", fake)
        mp.setattr(runner, "export_docx_paper", fake.docx)
        with _redirect_fd(2, err), contextlib.redirect_stderr(err):
            [result] = runner.run_audits(ws, [MINIMAL], progress=False)
    return SimpleNamespace(
        workspace=ws,
        result=result,
        exports=fake.calls,
        docx_exports=fake.docx_calls,
        stderr=capture.read_text(),
        cwd_kept=os.getcwd() == cwd,
    )


@pytest.fixture
def ran_copy(ran, tmp_path):
    """A copy of the shared run to change."""
    shutil.copytree(ran.workspace.root, tmp_path / "copy")
    return Workspace(tmp_path / "copy")


@contextlib.contextmanager
def _redirect_fd(fd: int, to):
    """Capture a file descriptor, as capfd does: kernels write to the stderr they inherit."""
    saved = os.dup(fd)
    os.dup2(to.fileno(), fd)
    try:
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_run_executes_notebooks_with_parameters_and_exports_from_the_last(ran):
    workspace, result = ran.workspace, ran.result
    assert result.ok, result.summary()
    paths = workspace.audit(MINIMAL)
    executed = [nbformat.read(p, as_version=4) for p in sorted(paths.notebooks.glob("*.ipynb"))]
    injected = executed[0].metadata.papermill.parameters
    staging = Path(injected["output_dir"])
    assert staging.parent == workspace.outputs  # the staging folder
    # The notebooks ran from the run's snapshot of its inputs, inside the staging folder.
    assert [nb.metadata.papermill.input_path for nb in executed] == [
        str(staging / ".inputs" / "notebooks" / "01_tables.ipynb"),
        str(staging / ".inputs" / "notebooks" / "02_report.ipynb"),
    ]
    assert injected["audit_id"] == MINIMAL and injected["root"] == str(staging / ".inputs")
    assert injected["publication"] is False and injected["final"] is False
    assert not (paths.outputs / ".inputs").exists()  # the snapshot is not published
    # Ran with the notebooks folder as working directory, wrote into what became outputs/<id>.
    assert (paths.tables / "two.csv").read_text() == f"{MINIMAL},False,False,notebooks\n"
    assert ran.cwd_kept  # not papermill's cwd=, which would chdir the whole process

    [call] = ran.exports
    assert call["notebook"].name == "02_report.ipynb" and call["draft"] is True
    assert result.html == paths.paper("html", draft=True)
    assert result.pdf == paths.paper("pdf", draft=True)
    assert result.html.is_file() and result.pdf.is_file()
    assert str(result.html) in result.summary() and " s: " in result.summary()
    [docx] = ran.docx_exports  # from the staging folder the last notebook wrote into
    assert docx["output_dir"] == Path(injected["output_dir"]) and docx["template"] is None
    assert docx["docx"].name == paths.paper("docx", draft=True).name and docx["draft"] is True
    assert result.docx == paths.paper("docx", draft=True) and result.docx.is_file()
    assert str(result.docx) in result.summary()
    assert [p.name for p in workspace.outputs.iterdir()] == [MINIMAL]  # no staging left over
    assert ran.stderr == ""  # progress=False: no bar, and no kernel chatter either


def test_the_manifest_records_inputs_parameters_and_files(ran):
    workspace = ran.workspace
    paths = workspace.audit(MINIMAL)
    entry = json.loads((paths.outputs / "manifest.json").read_text())["papers"]["internal-draft"]
    processed = json.loads((paths.processed / "manifest.json").read_text())
    injected = nbformat.read(paths.notebooks / "01_tables.ipynb", as_version=4).metadata.papermill
    assert entry["inputs"] == processed["inputs"] and entry["code_version"] == __version__
    assert entry["parameters"] == injected.parameters and entry["run_date"]
    assert set(entry["notebooks"]) == {"01_tables.ipynb", "02_report.ipynb"}
    assert set(entry["files"]) == {
        "notebooks/01_tables.ipynb",
        "notebooks/02_report.ipynb",
        "tables/one.csv",
        "tables/two.csv",
        "paper.json",
        paths.paper("html", draft=True).name,
        paths.paper("pdf", draft=True).name,
        paths.paper("docx", draft=True).name,
    }
    assert entry["files"]["tables/two.csv"] == sha256_file(paths.tables / "two.csv")


def test_a_paper_turns_stale_when_its_inputs_change(ran_copy, capsys):
    [state] = states.audit_states(ran_copy)
    assert (state.processed, state.paper) == ("current", "current (draft)")
    (ran_copy.audit(MINIMAL).raw / "commentary.md").write_text("## Introduction\n\nChanged.\n")
    [state] = states.audit_states(ran_copy)
    assert (state.processed, state.paper) == ("stale", "stale (draft)")

    assert main(["list", "--root", str(ran_copy.root)]) == 0
    assert capsys.readouterr().out.splitlines()[1].split() == [MINIMAL, "stale", "stale", "(draft)"]


def test_a_failed_export_keeps_the_previous_paper(ran_copy, monkeypatch):
    def broken(notebook, html, pdf, *, draft):
        Path(html).write_text("<p>half")
        raise RuntimeError("no fonts")

    monkeypatch.setattr(runner, "export_board_paper", broken)
    (ran_copy.notebooks / "01_tables.ipynb").unlink()
    paths = ran_copy.audit(MINIMAL)
    before = snapshot(paths.outputs)

    [result] = runner.run_audits(ran_copy, [MINIMAL], progress=False)

    assert result.summary().startswith(
        f"{MINIMAL}: FAILED in 02_report.ipynb: exporting the board paper: RuntimeError: no fonts"
    )
    assert result.kept == paths.outputs / ".failed" / "02_report.ipynb" and result.kept.is_file()
    after = snapshot(paths.outputs)
    assert {k: v for k, v in after.items() if not k.startswith(".failed/")} == before


def test_a_paper_open_in_a_viewer_fails_the_run_with_a_message_not_a_traceback(
    ran_copy, export, monkeypatch
):
    """On Windows, a PDF open in a viewer stops its folder being replaced."""
    paths = ran_copy.audit(MINIMAL)
    (ran_copy.notebooks / "01_tables.ipynb").unlink()
    before = snapshot(paths.outputs)
    rename = Path.rename

    def locked(self, target):
        if self == paths.outputs:
            raise PermissionError(13, "The process cannot access the file")
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", locked)
    [result] = runner.run_audits(ran_copy, [MINIMAL], progress=False)

    assert result.summary() == (
        f"{MINIMAL}: FAILED: cannot replace {paths.outputs}: a file in it is open in another "
        "program (a PDF viewer, Excel?). Close it and run again; nothing was changed."
    )
    assert snapshot(paths.outputs) == before
    assert sorted(p.name for p in paths.outputs.parent.iterdir()) == [MINIMAL]


def test_a_publication_run_keeps_the_internal_paper_and_questionnaires(ran_copy, export):
    workspace = ran_copy
    paths = workspace.audit(MINIMAL)
    (workspace.notebooks / "01_tables.ipynb").unlink()  # one kernel start is enough here
    paths.questionnaires.mkdir()
    (paths.questionnaires / "Police.xlsx").write_bytes(b"workbook")
    (paths.outputs / ".failed").mkdir()
    (paths.outputs / ".failed" / "02_report.ipynb").write_text("{}")
    internal = paths.paper("html", draft=True).read_bytes()
    internal_tables = snapshot(paths.tables)

    config = paths.raw / "audit.yaml"
    config.write_text(config.read_text() + "disclosure_threshold: 5\n")
    [result] = runner.run_audits(workspace, [MINIMAL], publication=True, pdf=False, progress=False)

    published = paths.for_version(publication=True)
    assert published.outputs == paths.outputs / "publication"
    assert result.ok and result.pdf is None
    assert result.html == published.paper("html", publication=True, draft=True)
    assert export.calls[-1]["draft"] is True and export.calls[-1]["pdf"] is None
    assert result.html.is_file()
    # The internal version is untouched: its paper, figures and tables never mix with these.
    assert paths.paper("html", draft=True).read_bytes() == internal
    assert snapshot(paths.tables) == internal_tables
    assert not (published.tables / "one.csv").exists()  # this run made no tables
    assert (paths.questionnaires / "Police.xlsx").read_bytes() == b"workbook"
    papers = json.loads((published.outputs / "manifest.json").read_text())["papers"]
    assert set(papers) == {"publication-draft"}
    assert papers["publication-draft"]["parameters"]["publication"] is True
    [state] = states.audit_states(workspace)
    # The settings changed after the internal paper was made, so it is now stale.
    assert (state.internal, state.publication) == ("stale (draft)", "current (draft)")
    assert state.paper == "stale (draft); publication current (draft)"


def test_the_word_template_reaches_the_word_export(ran_copy, export, tmp_path):
    (ran_copy.notebooks / "01_tables.ipynb").unlink()  # one kernel start is enough here
    template = tmp_path / "council.docx"
    [result] = runner.run_audits(
        ran_copy, [MINIMAL], pdf=False, progress=False, docx_template=template
    )
    assert result.ok, result.summary()
    [call] = export.docx_calls
    assert call["template"] == template and call["docx"].name == result.docx.name


def test_a_failed_run_leaves_the_previous_outputs_and_names_the_cell(workspace, export, capfd):
    paths = workspace.audit(MINIMAL)
    paths.outputs.mkdir(parents=True)
    (paths.outputs / "old.txt").write_text("previous run")
    paths.paper("html").write_text("<p>previous paper</p>")
    before = snapshot(paths.outputs)
    for old in workspace.notebooks.iterdir():
        old.unlink()
    failing_notebooks(workspace.notebooks)

    [result] = runner.run_audits(workspace, [MINIMAL], progress=True)

    assert not result.ok and not export.calls
    kept = paths.outputs / ".failed" / "02_grading.ipynb"
    assert result.kept == kept and kept.is_file()
    assert result.summary() == (
        f"{MINIMAL}: FAILED in 02_grading.ipynb, cell 5 (In [5]): KeyError: 'overall'"
        f" — executed notebook kept at {kept}"
    )
    after = snapshot(paths.outputs)
    assert {k: v for k, v in after.items() if not k.startswith(".failed/")} == before
    assert sorted(p.name for p in workspace.outputs.iterdir()) == [MINIMAL]
    assert "KeyError" in json.dumps(nbformat.read(kept, as_version=4).cells[-1].outputs)
    assert f"{MINIMAL}/02_grading.ipynb" in capfd.readouterr().err  # the progress bar


MEET = """\
import time
from pathlib import Path

Path(output_dir, "tables").mkdir(parents=True, exist_ok=True)
Path(output_dir, "tables", MINE).write_text("here")
deadline = time.monotonic() + 60
while not Path(output_dir, "tables", OTHER).exists():
    assert time.monotonic() < deadline, "the other notebook did not run alongside this one"
    time.sleep(0.05)
"""


def test_notebooks_that_need_only_the_first_run_side_by_side(tmp_path, export):
    workspace = make_workspace(tmp_path, MINIMAL_AUDIT)
    after_first = {"needs": ["01_tables.ipynb"]}
    write_notebook(workspace.notebooks, "01_tables.ipynb", WRITE_TABLE.replace("NAME", '"1.csv"'))
    for mine, other in (("02", "03"), ("03", "02")):
        cell = MEET.replace("MINE", f'"{mine}.csv"').replace("OTHER", f'"{other}.csv"')
        write_notebook(workspace.notebooks, f"{mine}_meet.ipynb", cell, declared=after_first)

    [result] = runner.run_audits(workspace, [MINIMAL], progress=False)

    assert result.ok, result.summary()  # each found the other's file: they ran at once
    tables = workspace.audit(MINIMAL).tables
    assert sorted(p.name for p in tables.iterdir()) == ["02.csv", "03.csv", "1.csv"]


def test_a_failure_beside_a_running_notebook_is_reported_with_its_cell(tmp_path, export):
    workspace = make_workspace(tmp_path, MINIMAL_AUDIT)
    after_first = {"needs": ["01_tables.ipynb"]}
    write_notebook(workspace.notebooks, "01_tables.ipynb", WRITE_TABLE.replace("NAME", '"1.csv"'))
    write_notebook(workspace.notebooks, "02_fails.ipynb", "x = 1", "1 / 0", declared=after_first)
    write_notebook(
        workspace.notebooks,
        "03_fine.ipynb",
        WRITE_TABLE.replace("NAME", '"3.csv"'),
        declared=after_first,
    )

    [result] = runner.run_audits(workspace, [MINIMAL], progress=False)

    assert not result.ok and not export.calls
    assert (result.notebook, result.cell) == ("02_fails.ipynb", "cell 4 (In [4])")
    assert result.error == "ZeroDivisionError: division by zero"
    assert not workspace.audit(MINIMAL).tables.exists()  # nothing of the failed run is kept


def test_a_cell_interrupted_by_ctrl_c_is_an_interruption_not_a_failure_to_keep(tmp_path, export):
    """On Windows Ctrl-C reaches the kernels too: the running cell raises KeyboardInterrupt."""
    workspace = make_workspace(tmp_path, MINIMAL_AUDIT)
    write_notebook(workspace.notebooks, "01_stopped.ipynb", "raise KeyboardInterrupt")

    [result] = runner.run_audits(workspace, [MINIMAL], progress=False)

    assert (result.ok, result.error, result.notebook) == (False, "interrupted", "01_stopped.ipynb")
    assert result.kept is None
    assert not (workspace.audit(MINIMAL).outputs / ".failed").exists()


def test_invalid_inputs_fail_before_any_notebook(workspace, export):
    (workspace.audit(MINIMAL).raw / "cases.csv").write_text("case_id,age,gender\n1,four,F\n")

    [result] = runner.run_audits(workspace, [MINIMAL], progress=False)

    assert not result.ok and not export.calls and not workspace.audit(MINIMAL).outputs.exists()
    assert "nothing was run" in result.summary() and "'four'" in result.summary()


def test_parallel_audits_one_failure_does_not_stop_the_other(tmp_path, export, capsys):
    workspace = make_workspace(tmp_path, REFERENCE_AUDIT, MINIMAL_AUDIT)
    failing_notebooks(workspace.notebooks, fail_for=MINIMAL, first=False)
    args = ["run", "--root", str(workspace.root), "--all", "--jobs", "2", "--no-pdf", "-q"]

    assert main(args) == 1

    out, err = capsys.readouterr()
    assert out.startswith(f"{REFERENCE_AUDIT.name}: board paper written in ")
    assert err.startswith(f"{MINIMAL}: FAILED in 02_grading.ipynb, cell 5")
    assert workspace.audit(REFERENCE_AUDIT.name).paper("html", draft=True).is_file()
    assert not workspace.audit(MINIMAL).paper("html", draft=True).exists()


def test_results_come_in_the_order_asked(workspace, monkeypatch):
    def fake_run(ws, audit_id, options, bar):
        return runner.RunResult(audit_id, ok=audit_id != "b", seconds=0.0)

    monkeypatch.setattr(runner, "_run_audit", fake_run)
    results = runner.run_audits(workspace, ["c", "b", "a", "c"], jobs=3, progress=False)
    assert [(r.audit_id, r.ok) for r in results] == [
        ("c", True),
        ("b", False),
        ("a", True),
        ("c", True),
    ]


def test_no_notebooks_is_a_failure_not_a_crash(tmp_path):
    workspace = make_workspace(tmp_path, MINIMAL_AUDIT)
    [result] = runner.run_audits(workspace, [MINIMAL], progress=False)
    assert not result.ok and "no notebooks matching" in result.summary()


def test_states_of_an_audit_never_run(tmp_path):
    workspace = make_workspace(tmp_path, MINIMAL_AUDIT)
    [state] = states.audit_states(workspace)
    assert (state.audit_id, state.processed, state.paper) == (MINIMAL, "missing", "missing")
