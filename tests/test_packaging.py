"""House rules that keep a fresh checkout working: dependencies in step, clean notebooks, CI = README."""

from __future__ import annotations

import ast
import json
import re
import sys
import tomllib
from importlib.metadata import packages_distributions

import yaml
from conftest import PROJECT
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

PYPI_TO_CONDA_FORGE = {"playwright": "playwright-python"}
"""Where conda-forge names a package differently from PyPI."""
NOT_PACKAGES = {"python", "pip"}
PIP_ONLY = {"axe-playwright-python"}
"""Not on conda-forge: environment.yml's pip block installs them."""


def _pyproject() -> dict:
    return tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))


def _environment() -> dict:
    return yaml.safe_load((PROJECT / "environment.yml").read_text(encoding="utf-8"))


def _declared() -> dict[str, SpecifierSet]:
    """pyproject's runtime and test requirements: conda-forge name → version floor."""
    project = _pyproject()["project"]
    declared = {}
    for line in project["dependencies"] + project["optional-dependencies"]["test"]:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        declared[PYPI_TO_CONDA_FORGE.get(name, name)] = requirement.specifier
    return declared


def _conda_packages() -> dict[str, SpecifierSet]:
    """environment.yml's conda packages: name → version constraint (conda's `name>=x`)."""
    packages = {}
    for line in _environment()["dependencies"]:
        if isinstance(line, str):
            name, constraint = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*(.*)", line.strip()).groups()
            packages[canonicalize_name(name)] = SpecifierSet(constraint)
    return packages


def _pip_packages() -> dict[str, SpecifierSet]:
    """The requirements environment.yml's pip block installs (not the package itself)."""
    [pip] = [d["pip"] for d in _environment()["dependencies"] if isinstance(d, dict)]
    wanted = [Requirement(line) for line in pip if not line.startswith("-e ")]
    return {canonicalize_name(r.name): r.specifier for r in wanted}


def test_environment_yml_names_the_same_packages_with_the_same_floors_as_pyproject():
    declared = _declared()
    conda = {n: s for n, s in _conda_packages().items() if n not in NOT_PACKAGES}
    conda |= _pip_packages()
    assert sorted(conda) == sorted(declared), (
        f"only in pyproject: {sorted(set(declared) - set(conda))}; "
        f"only in environment.yml: {sorted(set(conda) - set(declared))}"
    )
    assert conda == declared
    floors = [s for s in declared.values() if s]
    assert floors and all(len(s) == 1 and next(iter(s)).operator == ">=" for s in floors)


def test_environment_yml_python_is_the_one_pyproject_requires():
    requires = SpecifierSet(_pyproject()["project"]["requires-python"])
    assert _conda_packages()["python"] == requires


def test_environment_yml_pip_block_holds_only_lines_pip_accepts():
    """pip rejects most options in a requirements list (`--no-deps` made the env fail)."""
    [pip] = [d["pip"] for d in _environment()["dependencies"] if isinstance(d, dict)]
    assert pip[-1] == "-e ."  # the package itself; conda (and the lines before) the rest
    assert set(_pip_packages()) == PIP_ONLY
    for line in pip:
        target = line.removeprefix("-e ").strip()
        assert target == "." or Requirement(target)


def test_every_imported_library_is_declared():
    """Each third-party import in the package is a runtime dependency; in tests, either."""
    project = _pyproject()["project"]
    runtime = {canonicalize_name(Requirement(r).name) for r in project["dependencies"]}
    test = {
        canonicalize_name(Requirement(r).name) for r in project["optional-dependencies"]["test"]
    }
    providers = packages_distributions()
    local = {p.stem for p in (PROJECT / "tests").glob("*.py")} | {"audit_analysis"}
    for folder, allowed in (("audit_analysis", runtime), ("tests", runtime | test)):
        undeclared = {}
        for path in sorted((PROJECT / folder).rglob("*.py")):
            for module in _imported_modules(path) - local - sys.stdlib_module_names:
                names = {canonicalize_name(d) for d in providers.get(module, [module])}
                if not names & allowed:
                    undeclared.setdefault(module, path.name)
        assert undeclared == {}, f"{folder}: imported but not declared in pyproject.toml"


def _imported_modules(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module.split(".")[0])
    return modules


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


def test_ci_runs_the_suite_with_only_the_fonts_a_bare_debian_has():
    ci = (PROJECT / ".ci" / "run").read_text()
    assert 'export FONTCONFIG_FILE="$PWD/.ci/fonts-dejavu-only.conf"' in ci
    assert ci.index("FONTCONFIG_FILE") < ci.index("\nmake test")
    conf = (PROJECT / ".ci" / "fonts-dejavu-only.conf").read_text()
    assert re.findall(r"<dir>(.*?)</dir>", conf) == ["/usr/share/fonts/truetype/dejavu"]


def test_generated_folders_are_kept_but_ignored():
    ignore = (PROJECT / ".gitignore").read_text()
    for folder in ("data/processed", "outputs"):
        assert (PROJECT / folder).is_dir()
        assert f"{folder}/*" in ignore


def test_code_passes_the_linter_and_formatter():
    import subprocess
    import sys

    ruff = [sys.executable, "-m", "ruff"]
    targets = [str(PROJECT / "audit_analysis"), str(PROJECT / "tests"), str(PROJECT / "tasks.py")]
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


def test_no_module_is_too_long_to_hold_in_ones_head():
    """About 600 lines at most: split a module along its seams beyond that."""
    lengths = {
        str(path.relative_to(PROJECT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in (PROJECT / "audit_analysis").rglob("*.py")
    }
    assert {path: n for path, n in lengths.items() if n > 600} == {}
