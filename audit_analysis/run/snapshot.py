"""One frozen copy of a run's inputs, and their hashes grouped by the role they play.

A run copies the audit's raw folder and the notebooks once, at its start, and works only from
that copy: an analyst saving `submissions.csv` mid-run cannot give a paper whose notebooks
disagree. The manifest records the copy's hashes.

Hashes are grouped by role so a rerun can tell what changed and redo only what depends on it:
`data` (the returns and settings), `commentary`, `themes`, `notebooks`, `code` (the package's
source and version) and `parameters` (the run's mode). A paper whose every role matches the
last successful run's is up to date; a commentary-only change need not re-clean the data.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from audit_analysis import __version__
from audit_analysis.paths import PACKAGE_DIR, AuditPaths, Workspace

# The raw folder's file names (intake.raw_tables), spelt here so that deciding whether a run is
# up to date does not import pandas; tests/test_runner_incremental.py checks they agree.
COMMENTARY = "commentary.md"
PUBLICATION_COMMENTARY = "commentary-publication.md"
THEMES = "themes.yaml"

SNAPSHOT = ".inputs"
"""The snapshot's folder inside the staging folder; removed before the outputs are swapped in."""
ROLES = ("data", "commentary", "themes", "notebooks", "code", "parameters")
COMMENTARY_FILES = (COMMENTARY, PUBLICATION_COMMENTARY)
PACKAGED_THEMES = PACKAGE_DIR / "intake" / THEMES
_CODE_SUFFIXES = (".py", ".yaml", ".j2", ".css", ".json")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    return _sha256(path.read_bytes())


def _digest(hashes: dict[str, str]) -> str:
    return _sha256(json.dumps(hashes, sort_keys=True).encode("utf-8"))


def input_files(raw: Path) -> list[Path]:
    """The files of a raw folder that are inputs (as `loading.file_hashes` counts them)."""
    return sorted(p for p in raw.rglob("*") if p.is_file() and not p.name.startswith((".", "~$")))


def input_hashes(raw: Path) -> dict[str, str]:
    """SHA-256 of every input file by its path in the audit folder, as `loading.file_hashes`."""
    hashes = {}
    for path in input_files(raw):
        try:
            digest = _sha256(path.read_bytes())
        except OSError as exc:
            digest = f"unreadable: {exc.strerror or exc}"
        hashes[path.relative_to(raw).as_posix()] = digest
    return hashes


def role_of(name: str) -> str:
    """The role of one raw file, by its path in the audit folder."""
    if name in COMMENTARY_FILES:
        return "commentary"
    if name == THEMES:
        return "themes"
    return "data"


@cache
def code_digest() -> str:
    """The package's version and source: a code change makes every paper stale."""
    files = sorted(p for p in PACKAGE_DIR.rglob("*") if p.is_file() and p.suffix in _CODE_SUFFIXES)
    hashes = {p.relative_to(PACKAGE_DIR).as_posix(): _sha256(p.read_bytes()) for p in files}
    return _digest({"version": __version__, **hashes})


def role_digests(inputs: dict[str, str], notebooks: dict[str, str], parameters: dict) -> dict:
    """One digest per role: what a rerun compares to decide what to redo."""
    by_role: dict[str, dict[str, str]] = {role: {} for role in ROLES}
    for name, sha in inputs.items():
        by_role[role_of(name)][name] = sha
    by_role["themes"]["(packaged)"] = _sha256(PACKAGED_THEMES.read_bytes())
    digests = {role: _digest(by_role[role]) for role in ("data", "commentary", "themes")}
    digests["notebooks"] = _digest(notebooks)
    digests["code"] = code_digest()
    digests["parameters"] = _digest(parameters)
    return digests


def changed_roles(previous: dict, current: dict) -> set[str]:
    """The roles whose inputs differ (all of them when the previous run recorded none)."""
    return {role for role in ROLES if previous.get(role) != current.get(role)}


def data_unchanged(processed_inputs: dict[str, str], inputs: dict[str, str]) -> bool:
    """True when two raw folders differ at most in their commentary."""

    def data(hashes: dict[str, str]) -> dict[str, str]:
        return {k: v for k, v in hashes.items() if k not in COMMENTARY_FILES}

    return data(processed_inputs) == data(inputs)


@dataclass(frozen=True)
class Snapshot:
    """A run's frozen inputs: a project folder of their own, and their hashes."""

    workspace: Workspace
    paths: AuditPaths
    inputs: dict[str, str]
    notebooks: tuple[Path, ...]
    notebook_hashes: dict[str, str]


def take_snapshot(
    workspace: Workspace, audit_id: str, notebooks: tuple[Path, ...], folder: Path
) -> Snapshot:
    """Copy the raw folder and notebooks into `folder`, hashing the very bytes copied."""
    source = workspace.audit(audit_id).raw
    frozen = Workspace(folder)
    paths = frozen.audit(audit_id)
    inputs = {}
    for path in input_files(source):
        data = path.read_bytes()
        name = path.relative_to(source).as_posix()
        copy = paths.raw / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(data)
        shutil.copystat(path, copy)
        inputs[name] = _sha256(data)
    frozen.notebooks.mkdir(parents=True, exist_ok=True)
    copies, notebook_hashes = [], {}
    for notebook in notebooks:
        data = notebook.read_bytes()
        copy = frozen.notebooks / notebook.name
        copy.write_bytes(data)
        copies.append(copy)
        notebook_hashes[notebook.name] = _sha256(data)
    return Snapshot(frozen, paths, inputs, tuple(copies), notebook_hashes)
