"""Reruns that cost only what changed, runs that work from one snapshot of their inputs, and
build folders that a killed run leaves behind.

Like test_runner.py these use tiny notebooks and a stub in place of the board-paper export.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import MINIMAL_AUDIT, make_workspace
from test_runner import FakeExport, write_notebook

from audit_analysis import paths as paths_module
from audit_analysis.cli import main
from audit_analysis.paths import building, remove_stale_builds
from audit_analysis.run import runner, states

MINIMAL = MINIMAL_AUDIT.name
COUNT_RETURNS = """\
from pathlib import Path
from audit_analysis.clean.pipeline import load
from audit_analysis.paths import Workspace

returns = len(load(Workspace.at(root).audit(audit_id)).returns)
table = Path(output_dir, "tables", NAME)
table.parent.mkdir(parents=True, exist_ok=True)
table.write_text(f"{returns}\\n")
"""


@pytest.fixture
def export(monkeypatch):
    fake = FakeExport()
    monkeypatch.setattr(runner, "export_board_paper", fake)
    return fake


@pytest.fixture
def workspace(tmp_path):
    ws = make_workspace(tmp_path, MINIMAL_AUDIT)
    write_notebook(ws.notebooks, "01_count.ipynb", COUNT_RETURNS.replace("NAME", '"one.csv"'))
    return ws


def run(workspace, **options):
    [result] = runner.run_audits(workspace, [MINIMAL], progress=False, **options)
    assert result.ok, result.summary()
    return result


def entry(workspace, mode="internal-draft"):
    manifest = json.loads((workspace.audit(MINIMAL).outputs / "manifest.json").read_text())
    return manifest["papers"][mode]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(".*") if ".building-" in p.name)


# -- incremental runs ------------------------------------------------------------------------


def test_a_rerun_with_nothing_changed_is_skipped_and_force_reruns(workspace, export, capsys):
    first = run(workspace)
    assert not first.up_to_date and len(export.calls) == 1
    again = run(workspace)
    assert again.up_to_date and len(export.calls) == 1  # nothing executed or exported
    assert again.html == first.html
    assert again.summary().startswith(f"{MINIMAL}: up to date (inputs unchanged")
    forced = run(workspace, force=True)
    assert not forced.up_to_date and len(export.calls) == 2

    assert main(["run", "-q", "--root", str(workspace.root), MINIMAL]) == 0
    assert "up to date" in capsys.readouterr().out
    assert len(export.calls) == 2


@pytest.mark.parametrize(
    "change",
    ["data", "settings", "themes", "commentary", "notebook", "pdf option", "deleted output"],
)
def test_what_makes_a_rerun(workspace, export, change):
    run(workspace)
    raw, paths = workspace.audit(MINIMAL).raw, workspace.audit(MINIMAL)
    options = {}
    if change == "data":
        (raw / "referrals.csv").write_text((raw / "referrals.csv").read_text() + "\n")
    elif change == "settings":
        (raw / "audit.yaml").write_text((raw / "audit.yaml").read_text() + "\n# edited\n")
    elif change == "themes":
        (raw / "themes.yaml").write_text("Neglect:\n  - neglect*\n")
    elif change == "notebook":
        notebook = workspace.notebooks / "01_count.ipynb"
        notebook.write_text(notebook.read_text().replace("one.csv", "two.csv"))
    elif change == "pdf option":
        options["pdf"] = False
    elif change == "commentary":
        (raw / "commentary.md").write_text("## Introduction\n\nRewritten.\n")
    elif change == "deleted output":
        (paths.tables / "one.csv").unlink()
    result = run(workspace, **options)
    assert not result.up_to_date and len(export.calls) == 2
    # Processed tables are made again only when what they are made from changed.
    recleaned = change in ("data", "settings", "themes")
    assert entry(workspace)["reused_processed_tables"] is not recleaned
    assert run(workspace, **options).up_to_date  # and then it is current again


def test_a_commentary_only_change_reruns_without_recleaning(workspace, export, monkeypatch):
    run(workspace)
    commentary = workspace.audit(MINIMAL).raw / "commentary.md"
    commentary.write_text(commentary.read_text() + "\n## Summary\n\nA new closing word.\n")
    cleaned = []
    monkeypatch.setattr(runner, "clean", lambda paths: cleaned.append(paths))

    result = run(workspace)

    assert not result.up_to_date and cleaned == []  # the runner reused the processed tables
    assert entry(workspace)["reused_processed_tables"] is True
    processed = workspace.audit(MINIMAL).processed
    assert (processed / "commentary.md").read_text().endswith("A new closing word.\n")
    assert (
        json.loads((processed / "manifest.json").read_text())["inputs"]
        == entry(workspace)["inputs"]
    )
    [state] = states.audit_states(workspace)
    assert (state.processed, state.paper) == ("current", "current (draft)")


def test_reused_tables_carry_a_validation_report_of_the_new_commentary(workspace, export):
    from audit_analysis.clean.pipeline import validate

    run(workspace)
    commentary = workspace.audit(MINIMAL).raw / "commentary.md"
    commentary.write_text(commentary.read_text() + "\n## Not a part\n\nLost words.\n")

    run(workspace)

    assert entry(workspace)["reused_processed_tables"] is True
    report = json.loads((workspace.audit(MINIMAL).processed / "validation_report.json").read_text())
    fresh = validate(workspace.audit(MINIMAL)).problems
    assert sorted(p["text"] for p in report["problems"]) == sorted(str(p) for p in fresh)
    assert any("'## Not a part'" in p["text"] for p in report["problems"])
    assert report["warnings"] == len(fresh)


def test_a_commentary_edit_with_an_error_is_refused_before_any_notebook(workspace, export):
    run(workspace)
    commentary = workspace.audit(MINIMAL).raw / "commentary.md"
    commentary.write_text(commentary.read_text() + "\n![chart](https://example.org/a.png)\n")

    [result] = runner.run_audits(workspace, [MINIMAL], progress=False)

    assert not result.ok and result.notebook is None
    assert "the inputs have errors; nothing was run" in result.error
    assert "this image is not embedded" in result.error


def test_exhibits_missing_from_the_last_run_are_made_again_not_carried(workspace, export):
    first = workspace.notebooks / "01_count.ipynb"
    _declare_reads(first, ["data", "themes", "code", "parameters"])
    run(workspace)
    paths = workspace.audit(MINIMAL)
    (paths.tables / "one.csv").unlink()  # a filed exhibit lost since
    commentary = paths.raw / "commentary.md"
    commentary.write_text(commentary.read_text() + "\nOne more word.\n")

    run(workspace)

    assert entry(workspace)["reused_notebooks"] == []
    assert (paths.tables / "one.csv").is_file()


def test_the_manifest_hashes_inputs_by_role(workspace, export):
    run(workspace)
    before = entry(workspace)["roles"]
    assert set(before) == {"data", "commentary", "themes", "notebooks", "code", "parameters"}
    commentary = workspace.audit(MINIMAL).raw / "commentary.md"
    commentary.write_text("## Introduction\n\nOnly this changed.\n")
    run(workspace)
    after = entry(workspace)["roles"]
    assert {role for role in before if before[role] != after[role]} == {"commentary"}


# -- one snapshot of the inputs --------------------------------------------------------------


def test_inputs_edited_mid_run_do_not_reach_the_run(workspace, export, monkeypatch):
    write_notebook(
        workspace.notebooks, "02_count.ipynb", COUNT_RETURNS.replace("NAME", '"two.csv"')
    )
    raw = workspace.audit(MINIMAL).raw
    original = (raw / "submissions.csv").read_bytes()
    execute = runner._execute

    def edit_after_the_first(notebook, output, *args):
        execute(notebook, output, *args)
        if notebook.name == "01_count.ipynb":  # the analyst saves a new return mid-run
            with (raw / "submissions.csv").open("a") as handle:
                handle.write("3,Police,no involvement,,,,,,,,\n")

    monkeypatch.setattr(runner, "_execute", edit_after_the_first)
    run(workspace)

    paths = workspace.audit(MINIMAL)
    counts = {(paths.tables / n).read_text() for n in ("one.csv", "two.csv")}
    assert len(counts) == 1  # both notebooks saw the same returns
    import hashlib

    recorded = entry(workspace)["inputs"]["submissions.csv"]
    assert recorded == hashlib.sha256(original).hexdigest()
    assert (raw / "submissions.csv").read_bytes() != original
    [state] = states.audit_states(workspace)
    assert state.paper == "stale (draft)"  # the edit is seen as a change, and reruns
    assert not run(workspace).up_to_date
    assert int((paths.tables / "one.csv").read_text()) == int(counts.pop()) + 1


# -- build folders left by killed runs -------------------------------------------------------


def _wait_for(pattern: str, folder: Path, seconds: float = 90) -> Path:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = list(folder.glob(pattern))
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"nothing matching {pattern} in {folder} after {seconds} s")


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_run_leaves_a_build_folder_the_next_run_removes(workspace, export, how):
    write_notebook(
        workspace.notebooks,
        "01_count.ipynb",
        "from pathlib import Path\nimport time\n"
        "Path(output_dir, 'started').touch()\ntime.sleep(300)",
    )
    command = [sys.executable, "-m", "audit_analysis.cli", "run", "-q"]
    process = subprocess.Popen(
        [*command, "--root", str(workspace.root), MINIMAL],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        started = _wait_for(".*.building-*/started", workspace.outputs)
    finally:
        os.killpg(process.pid, how)
        process.wait(timeout=30)
        os.killpg(process.pid, signal.SIGKILL) if _alive(process.pid) else None
    stale = started.parent
    assert stale.is_dir()  # what a killed run leaves
    # A killed publication run leaves one inside the outputs folder, which used to be copied on.
    published = workspace.audit(MINIMAL).outputs / ".publication.building-abc123"
    published.mkdir(parents=True)
    (published / "paper.html").write_text("half")

    write_notebook(workspace.notebooks, "01_count.ipynb", "x = 1")
    run(workspace)

    assert not stale.exists() and not published.exists()
    assert leftovers(workspace.root) == []
    assert not any(".building-" in name for name in entry(workspace)["files"])


def test_ctrl_c_stops_every_running_notebook_and_keeps_no_failure(workspace, export):
    sleeper = (
        "import os, time\nfrom pathlib import Path\n"
        "Path(output_dir, f'pid-{os.getpid()}').touch()\ntime.sleep(300)"
    )
    for name in ("02_sleep.ipynb", "03_sleep.ipynb"):
        write_notebook(workspace.notebooks, name, sleeper, declared={"needs": ["01_count.ipynb"]})
    process = subprocess.Popen(
        [sys.executable, "-m", "audit_analysis.cli", "run", "-q", "--root", str(workspace.root)]
        + [MINIMAL],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 90
        while len(pids := list(workspace.outputs.glob(".*.building-*/pid-*"))) < 2:
            assert time.monotonic() < deadline, "the two notebooks never both started"
            time.sleep(0.2)
        process.send_signal(signal.SIGINT)  # what Ctrl-C sends; kernels have their own session
        _, err = process.communicate(timeout=60)
    finally:
        os.killpg(process.pid, signal.SIGKILL) if _alive(process.pid) else None
    assert process.returncode == 130 and err.strip() == "audit-analysis: interrupted"
    assert not (workspace.audit(MINIMAL).outputs / ".failed").exists()
    kernels = [int(p.name.removeprefix("pid-")) for p in pids]
    assert [_process_alive(pid) for pid in kernels] == [False, False]


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _alive(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except OSError:
        return False
    return True


def test_a_live_build_is_never_removed(tmp_path):
    target = tmp_path / "outputs" / "audit"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom pathlib import Path\n"
            "from audit_analysis.paths import building\n"
            "with building(Path(sys.argv[1])) as staging:\n"
            "    (staging / 'ready').touch()\n    time.sleep(300)\n",
            str(target),
        ]
    )
    try:
        staging = _wait_for(".audit.building-*/ready", target.parent).parent
        assert remove_stale_builds(target.parent) == []
        assert staging.is_dir()
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert remove_stale_builds(target.parent) == [staging]
    assert sorted(p.name for p in target.parent.iterdir()) == []


def test_a_finished_build_leaves_no_lock_or_staging(tmp_path):
    target = tmp_path / "out"
    with building(target) as staging:
        (staging / "a.txt").write_text("a")
    with pytest.raises(RuntimeError), building(target) as staging:
        raise RuntimeError("failed")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert (target / "a.txt").read_text() == "a"


# -- an outputs folder the run may not write in ----------------------------------------------


def test_an_unwritable_outputs_folder_fails_clearly_and_leaves_nothing(
    workspace, export, monkeypatch
):
    outputs = workspace.outputs
    real_mkstemp = paths_module.tempfile.mkstemp

    def refuse(*args, dir=None, **kwargs):
        if Path(dir) == outputs:
            raise PermissionError(13, "Permission denied", str(Path(dir) / ".x.building-1.lock"))
        return real_mkstemp(*args, dir=dir, **kwargs)

    monkeypatch.setattr(paths_module.tempfile, "mkstemp", refuse)
    outputs.mkdir()
    [result] = runner.run_audits(workspace, [MINIMAL], progress=False)
    assert not result.ok
    assert result.summary().startswith(
        f"{MINIMAL}: FAILED: cannot write in {outputs} (Permission denied)"
    )
    assert ".failed" not in result.summary() and list(outputs.iterdir()) == []


def test_a_swap_that_fails_leaves_the_previous_outputs_and_no_build(workspace, export, monkeypatch):
    run(workspace)
    paths = workspace.audit(MINIMAL)
    before = sorted(p.relative_to(paths.outputs) for p in paths.outputs.rglob("*"))
    (paths.raw / "referrals.csv").write_text((paths.raw / "referrals.csv").read_text() + "\n")

    swap = paths_module._swap_in

    def refuse(staging, target):
        if target == paths.outputs:
            raise PermissionError(13, "Permission denied", str(target))
        swap(staging, target)

    monkeypatch.setattr(paths_module, "_swap_in", refuse)
    [result] = runner.run_audits(workspace, [MINIMAL], progress=False)

    assert not result.ok
    assert f"cannot write in {workspace.outputs} (Permission denied)" in result.summary()
    assert sorted(p.relative_to(paths.outputs) for p in paths.outputs.rglob("*")) == before
    assert leftovers(workspace.root) == []


# -- a notebook that does not read what changed is carried over --------------------------------

RANDOM_TABLE = """\
import secrets
from pathlib import Path

table = Path(output_dir, "tables", NAME)
table.parent.mkdir(parents=True, exist_ok=True)
table.write_text(secrets.token_hex(8))
"""


def _declare_reads(notebook: Path, reads: list[str]) -> None:
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    nb.metadata["audit_analysis"] = {"reads": reads}
    nbformat.write(nb, notebook)


def test_a_notebook_that_reads_no_commentary_is_carried_over_on_a_commentary_edit(
    workspace, export
):
    first = write_notebook(
        workspace.notebooks, "01_count.ipynb", RANDOM_TABLE.replace("NAME", '"one.csv"')
    )
    _declare_reads(first, ["data", "themes", "code", "parameters"])
    write_notebook(workspace.notebooks, "02_paper.ipynb", RANDOM_TABLE.replace("NAME", '"two.csv"'))
    paths = workspace.audit(MINIMAL)
    run(workspace)
    before = {
        name: (paths.outputs / name).read_bytes()
        for name in ("notebooks/01_count.ipynb", "tables/one.csv", "tables/two.csv")
    }

    commentary = paths.raw / "commentary.md"
    commentary.write_text(commentary.read_text() + "\nOne more word.\n")
    run(workspace)

    assert entry(workspace)["reused_notebooks"] == ["01_count.ipynb"]
    assert (paths.outputs / "notebooks/01_count.ipynb").read_bytes() == before[
        "notebooks/01_count.ipynb"
    ]
    assert (paths.tables / "one.csv").read_bytes() == before["tables/one.csv"]  # carried
    assert (paths.tables / "two.csv").read_bytes() != before["tables/two.csv"]  # ran again

    (paths.raw / "referrals.csv").write_text((paths.raw / "referrals.csv").read_text() + "\n")
    run(workspace)
    assert entry(workspace)["reused_notebooks"] == []
    assert (paths.tables / "one.csv").read_bytes() != before["tables/one.csv"]


def test_force_and_undeclared_notebooks_always_run(workspace, export):
    first = workspace.notebooks / "01_count.ipynb"
    _declare_reads(first, ["data"])
    run(workspace)
    run(workspace, force=True)
    assert entry(workspace)["reused_notebooks"] == []


def test_a_notebook_with_an_unknown_role_reads_everything(workspace, export):
    _declare_reads(workspace.notebooks / "01_count.ipynb", ["data", "no such role"])
    run(workspace)
    commentary = workspace.audit(MINIMAL).raw / "commentary.md"
    commentary.write_text("## Introduction\n\nNew.\n")
    run(workspace)
    assert entry(workspace)["reused_notebooks"] == []
