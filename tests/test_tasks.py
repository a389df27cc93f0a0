"""tasks.py: the project's tasks with nothing but Python (Windows, macOS), as `make` runs them."""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from pathlib import Path

import pytest
from conftest import PROJECT


@pytest.fixture
def tasks(monkeypatch):
    """tasks.py loaded as a module, its installs and commands recorded instead of run."""
    spec = importlib.util.spec_from_file_location("tasks", PROJECT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.ran = []
    monkeypatch.setattr(module, "install", lambda with_tests=False: Path("py"))
    monkeypatch.setattr(module, "run", lambda *command: module.ran.append(list(command)))
    return module


def test_report_builds_the_final_paper_of_the_reference_audit_by_default(tasks):
    assert tasks.main(["report"]) == 0
    cli = [Path("py"), "-m", "audit_analysis.cli", "run"]
    assert tasks.ran == [[*cli, "bromley-2016-neglect", "--final"]]


def test_report_passes_a_draft_and_other_flags_on(tasks):
    assert tasks.main(["report", "lambeth-2026-dv", "--draft", "--publication"]) == 0
    assert tasks.ran[0][-2:] == ["lambeth-2026-dv", "--publication"]


def test_test_runs_the_whole_suite_with_any_pytest_options(tasks):
    assert tasks.main(["test", "-k", "export"]) == 0
    assert tasks.ran == [
        [Path("py"), "-m", "pytest", "-n", "auto", "--dist", "loadfile", "-k", "export"]
    ]


def test_lab_opens_the_project_folder_at_the_notebooks(tasks):
    assert tasks.main(["lab"]) == 0
    [command] = tasks.ran
    assert f"--ServerApp.root_dir={PROJECT}" in command
    assert "--LabApp.default_url=/lab/tree/notebooks" in command


def test_a_failing_step_exits_with_its_status_and_no_traceback(tasks, monkeypatch, capsys):
    def fails(*command):
        raise tasks.TaskError("exit status 5: pytest", 5)

    monkeypatch.setattr(tasks, "run", fails)
    assert tasks.main(["test"]) == 5
    assert capsys.readouterr().err == "tasks.py: exit status 5: pytest\n"


def test_tasks_that_take_no_options_refuse_them(tasks):
    with pytest.raises(SystemExit) as exit_:
        tasks.main(["lint", "--fix"])
    assert exit_.value.code == 2


def test_the_environment_is_dot_venv_on_windows_too(tasks, monkeypatch):
    monkeypatch.delenv("CONDA_PREFIX", raising=False)
    monkeypatch.setattr(tasks.os, "name", "nt")
    assert tasks.project_python() == PROJECT / ".venv" / "Scripts" / "python.exe"
    monkeypatch.setattr(tasks.os, "name", "posix")
    assert tasks.project_python() == PROJECT / ".venv" / "bin" / "python"


def test_an_active_conda_environment_is_used_instead_of_dot_venv(tasks, monkeypatch):
    monkeypatch.setenv("CONDA_PREFIX", sys.prefix)
    assert tasks.project_python() == Path(sys.executable)
    assert tasks._stamp("runtime") == Path(sys.prefix) / ".audit-analysis-installed-runtime"


def test_tasks_py_needs_nothing_but_the_standard_library():
    tree = ast.parse((PROJECT / "tasks.py").read_text(encoding="utf-8"))
    imported = {
        name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (
            [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
        )
        if name
    }
    assert imported - {"__future__"} <= sys.stdlib_module_names


def test_the_makefile_runs_the_same_tasks():
    makefile = (PROJECT / "Makefile").read_text(encoding="utf-8")
    recipes = dict(re.findall(r"^([a-z-]+):.*\n\t(.+)$", makefile, flags=re.M))
    for target in ("install", "test", "lab", "lint", "format", "clean-outputs"):
        assert recipes[target] == f"$(TASKS) {target}"
    assert recipes["report"] == "$(TASKS) report $(AUDIT) $(RUN_FLAGS)"
    assert "TASKS := $(PYTHON) tasks.py" in makefile


def test_the_notebooks_name_the_kernel_the_install_registers(tasks):
    import json

    for path in sorted((PROJECT / "notebooks").glob("*.ipynb")):
        kernelspec = json.loads(path.read_text(encoding="utf-8"))["metadata"]["kernelspec"]
        assert kernelspec["name"] == tasks.KERNEL_NAME == "audit-analysis", path.name
