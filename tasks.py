"""The project's tasks with nothing but Python: `python tasks.py report|test|lab|install|...`.

The route for Windows and macOS, where `make` may be missing (Windows: `py tasks.py test`);
the Makefile calls this too, so `make test` and `python tasks.py test` are the same thing.
Standard library only: it runs before anything is installed.

It creates `.venv` next to this file and installs the package there: the runtime for
`report` and `lab`, with the test tools for `test`, `lint` and `format`. Inside an active
conda environment (`conda env create -f environment.yml`) it uses that environment instead.
An install is redone only when pyproject.toml changes.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
MINIMUM_PYTHON = (3, 11)
KERNEL_NAME = "audit-analysis"
"""The Jupyter kernel the notebooks name; `install` registers it for this environment."""
DEFAULT_AUDIT = "bromley-2016-neglect"


class TaskError(Exception):
    """A step failed; the message says which (and how to fix it, when we know)."""

    def __init__(self, message: str, status: int = 1):
        super().__init__(message)
        self.status = status


def in_conda_environment() -> bool:
    prefix = os.environ.get("CONDA_PREFIX")
    return bool(prefix) and Path(prefix).resolve() == Path(sys.prefix).resolve()


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def project_python() -> Path:
    """The interpreter the project is installed in: the conda environment's, or .venv's."""
    return Path(sys.executable) if in_conda_environment() else venv_python()


def run(*command: object, **kwargs) -> None:
    """Run a command, showing it first; raise TaskError if it fails."""
    words = [str(part) for part in command]
    shown = subprocess.list2cmdline(words) if os.name == "nt" else shlex.join(words)
    print(f"+ {shown}", flush=True)
    try:
        completed = subprocess.run(words, cwd=ROOT, check=False, **kwargs)
    except FileNotFoundError as exc:
        raise TaskError(f"{words[0]} was not found") from exc
    if completed.returncode != 0:
        raise TaskError(f"exit status {completed.returncode}: {shown}", completed.returncode)


def _stamp(extra: str) -> Path:
    environment = Path(sys.prefix) if in_conda_environment() else VENV
    return environment / f".audit-analysis-installed-{extra}"


def _installed(extras: tuple[str, ...]) -> bool:
    """Whether one of these installs was made from today's pyproject.toml."""
    current = _pyproject_hash()
    return any(
        _stamp(extra).is_file() and _stamp(extra).read_text(encoding="utf-8") == current
        for extra in extras
    )


def _pyproject_hash() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def install(with_tests: bool = False) -> Path:
    """Create .venv (unless in conda) and install the package; return its interpreter."""
    if sys.version_info < MINIMUM_PYTHON:
        found = ".".join(map(str, sys.version_info[:3]))
        raise TaskError(
            f"Python {'.'.join(map(str, MINIMUM_PYTHON))} or newer is needed (this is {found})"
        )
    extra = "test" if with_tests else "runtime"
    python = project_python()
    if _installed(("test",) if with_tests else ("runtime", "test")):
        return python
    if not python.exists():
        print(f"Creating {VENV.name} with Python {sys.version.split()[0]}", flush=True)
        try:
            run(sys.executable, "-m", "venv", VENV)
        except TaskError as exc:
            shutil.rmtree(VENV, ignore_errors=True)
            raise TaskError(
                f"{exc}. On Debian or Ubuntu: sudo apt install python3-venv, then run this again"
            ) from exc
    what = "the package and its test tools" if with_tests else "the package"
    print(
        f"Installing {what} into {python.parent.parent.name} (a minute or two the first time)",
        flush=True,
    )
    target = ".[test]" if with_tests else "."
    run(python, "-m", "pip", "install", "--disable-pip-version-check", "-e", target)
    register_kernel(python)
    _stamp(extra).write_text(_pyproject_hash(), encoding="utf-8")
    return python


def register_kernel(python: Path) -> None:
    """Register this environment as the Jupyter kernel the notebooks name, for this user,
    so JupyterLab, VS Code and Anaconda's Jupyter offer it by name."""
    display = f"Python 3 ({KERNEL_NAME})"
    try:
        run(python, "-m", "ipykernel", "install", "--user", "--name", KERNEL_NAME,
            "--display-name", display)  # fmt: skip
    except TaskError as exc:
        print(f"warning: the Jupyter kernel was not registered: {exc}", file=sys.stderr)


def task_install(args, extra: list[str]) -> None:
    install(with_tests=args.test)


def task_report(args, extra: list[str]) -> None:
    """The board paper of an audit: final unless --draft; other flags go to `audit-analysis run`."""
    python = install()
    flags = extra if args.draft else ["--final", *extra]
    run(python, "-m", "audit_analysis.cli", "run", args.audit, *flags)


def task_test(args, extra: list[str]) -> None:
    python = install(with_tests=True)
    run(python, "-m", "pytest", "-n", "auto", "--dist", "loadfile", *extra)


def task_lab(args, extra: list[str]) -> None:
    """JupyterLab on the project folder (audit.yaml, commentary.md and the papers are in
    reach), its file browser opened on notebooks/."""
    python = install()
    run(python, "-m", "jupyterlab", f"--ServerApp.root_dir={ROOT}",
        "--LabApp.default_url=/lab/tree/notebooks", *extra)  # fmt: skip


def task_lint(args, extra: list[str]) -> None:
    python = install(with_tests=True)
    run(python, "-m", "ruff", "check", "audit_analysis", "tests", "tasks.py")
    run(python, "-m", "ruff", "format", "--check", "audit_analysis", "tests", "tasks.py")


def task_format(args, extra: list[str]) -> None:
    python = install(with_tests=True)
    run(python, "-m", "ruff", "format", "audit_analysis", "tests", "tasks.py")


def task_clean_outputs(args, extra: list[str]) -> None:
    """Delete generated folders in data/processed and outputs; raw data is never touched."""
    for parent in (ROOT / "data" / "processed", ROOT / "outputs"):
        for folder in sorted(p for p in parent.glob("*") if p.is_dir()):
            print(f"removing {folder.relative_to(ROOT)}")
            shutil.rmtree(folder)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tasks.py",
        description="Set up and run audit-analysis with nothing but Python.",
        epilog="report, test and lab pass any other options on "
        "(to `audit-analysis run`, pytest and JupyterLab).",
    )
    tasks = parser.add_subparsers(title="tasks", metavar="TASK", required=True)

    p = tasks.add_parser("install", help="create .venv and install the package")
    p.add_argument("--test", action="store_true", help="with the test tools too")
    p.set_defaults(task=task_install)

    p = tasks.add_parser("report", help="build an audit's board paper (default: the reference)")
    p.add_argument("audit", nargs="?", default=DEFAULT_AUDIT, help=f"default: {DEFAULT_AUDIT}")
    p.add_argument("--draft", action="store_true", help="a draft paper instead of a final one")
    p.set_defaults(task=task_report)

    tasks.add_parser("test", help="run the whole test suite").set_defaults(task=task_test)
    tasks.add_parser("lab", help="open the project in JupyterLab").set_defaults(task=task_lab)
    tasks.add_parser("lint", help="check style with ruff").set_defaults(task=task_lint)
    tasks.add_parser("format", help="format the code with ruff").set_defaults(task=task_format)
    p = tasks.add_parser("clean-outputs", help="delete generated data/processed and outputs")
    p.set_defaults(task=task_clean_outputs)
    return parser


PASSES_OPTIONS_ON = {"task_report", "task_test", "task_lab"}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.task.__name__ not in PASSES_OPTIONS_ON:
        parser.error(f"unrecognised arguments: {' '.join(extra)}")
    try:
        args.task(args, extra)
    except TaskError as exc:
        print(f"tasks.py: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        print("tasks.py: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
