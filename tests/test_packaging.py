"""House rules that keep a fresh checkout working: dependencies in step, clean notebooks, CI = README."""

from __future__ import annotations

import json
import re
import tomllib

import yaml
from conftest import PROJECT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _environment_requirements() -> list[str]:
    """environment.yml's conda packages, then those it installs with pip (not flags, not the project)."""
    environment = yaml.safe_load((PROJECT / "environment.yml").read_text())
    conda = [d for d in environment["dependencies"] if isinstance(d, str)]
    pip = [d for d in environment["dependencies"] if isinstance(d, dict)]
    from_pip = [r for d in pip for r in d.get("pip", []) if not r.startswith(("-", "."))]
    return conda + from_pip


def test_environment_yml_names_the_same_dependencies_as_pyproject():
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    declared = {
        _name(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]
    }
    conda = {_name(d) for d in _environment_requirements()} - {"python", "pip"}
    assert conda == declared, (
        f"only in pyproject: {declared - conda}; only in environment.yml: {conda - declared}"
    )


def test_dependency_versions_agree():
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    pins = {
        _name(r): r.replace(" ", "")
        for r in project["dependencies"] + project["optional-dependencies"]["test"]
    }
    conda = {_name(d): d.split("#")[0].replace(" ", "") for d in _environment_requirements()}
    assert {name: conda.get(name) for name in pins} == pins


def test_notebooks_are_committed_without_outputs_or_execution_counts():
    notebooks = sorted((PROJECT / "notebooks").glob("*.ipynb"))
    assert notebooks, "no notebooks found"
    for path in notebooks:
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert not cell.get("outputs"), f"{path.name} has outputs"
                assert cell.get("execution_count") is None, f"{path.name} has execution counts"


def test_every_notebook_has_one_parameters_cell_of_plain_literals():
    notebooks = sorted((PROJECT / "notebooks").glob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        nb = json.loads(path.read_text())
        tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, f"{path.name}: {len(tagged)} cells tagged 'parameters'"
        for line in "".join(tagged[0]["source"]).splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                assert re.fullmatch(
                    r"\w+\s*(: [\w |]+)?=\s*(\"[^\"]*\"|'[^']*'|True|False|None|-?\d+)\s*(#.*)?",
                    line.strip(),
                ), f"{path.name}: parameters must be plain literals, got {line!r}"


def test_ci_runs_the_readme_test_command_verbatim():
    readme = (PROJECT / "README.md").read_text()
    commands = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", readme, flags=re.S)
    quick_start = [line for block in commands for line in block.splitlines() if line.strip()]
    assert "make test" in quick_start
    ci = (PROJECT / ".ci" / "run").read_text().splitlines()
    assert "make test" in [line.strip() for line in ci]


def test_generated_folders_are_kept_but_ignored():
    ignore = (PROJECT / ".gitignore").read_text()
    for folder in ("data/processed", "outputs"):
        assert (PROJECT / folder).is_dir()
        assert f"{folder}/*" in ignore


def test_code_passes_the_linter_and_formatter():
    import subprocess
    import sys

    ruff = [sys.executable, "-m", "ruff"]
    targets = [str(PROJECT / "audit_analysis"), str(PROJECT / "tests")]
    check = subprocess.run([*ruff, "check", *targets], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    fmt = subprocess.run([*ruff, "format", "--check", *targets], capture_output=True, text=True)
    assert fmt.returncode == 0, fmt.stdout


def test_stages_import_only_the_stages_below_them():
    """The import-linter layers contract in pyproject.toml: cli → run → paper → analysis → clean → intake."""
    import subprocess
    import sys
    from pathlib import Path

    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], capture_output=True, text=True, cwd=PROJECT
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_no_module_imports_itself_through_others():
    """No import circle between modules, even through imports inside functions."""
    import grimp

    graph = grimp.build_graph("audit_analysis")
    modules = sorted(graph.modules)
    circles = [
        (a, b)
        for i, a in enumerate(modules)
        for b in modules[i + 1 :]
        if graph.chain_exists(importer=a, imported=b)
        and graph.chain_exists(importer=b, imported=a)
        and not b.startswith(a + ".")
        and not a.startswith(b + ".")
    ]
    assert circles == []
