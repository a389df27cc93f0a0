"""What a rerun can take from the last successful run instead of making again.

The manifest hashes a run's inputs by role (`snapshot.ROLES`). Comparing them with the last
successful run of the same paper says what changed, and so what can be reused:

- nothing changed and the outputs are intact: the run is skipped, "up to date";
- the raw data is unchanged (commentary aside): the processed tables are reused, not re-cleaned;
- only the commentary (or notebooks) changed: the filed exhibits and charts (`tables/`,
  `figures/`) are carried into the new build, where the analysis stage reuses them if their own
  provenance still matches, and a notebook that declares it does not read what changed is
  carried over as executed, not run again.

A notebook declares what it reads in its metadata, `"audit_analysis": {"reads": ["data",
"themes", "code", "parameters"]}`; one that declares nothing reads everything, and always runs.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from audit_analysis.paths import AuditPaths, building
from audit_analysis.run.snapshot import (
    COMMENTARY_FILES,
    PUBLICATION_COMMENTARY,
    ROLES,
    Snapshot,
    changed_roles,
    code_digest,
    data_unchanged,
    input_hashes,
    role_digests,
    sha256_file,
)

PROCESSED_MANIFEST = "manifest.json"
"""clean.processed.MANIFEST, spelt here so `list` and an up-to-date run never import pandas."""
EXHIBIT_FOLDERS = ("tables", "figures")
RENDER_ONLY = frozenset({"commentary", "notebooks"})
"""Roles whose change leaves every exhibit as it was: only the words around them change."""


def read_json(path: Path) -> dict:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _intact(outputs: Path, files: dict[str, str]) -> bool:
    return all(
        (outputs / name).is_file() and sha256_file(outputs / name) == sha
        for name, sha in files.items()
    )


def up_to_date(paths: AuditPaths, previous: dict | None, options) -> bool:
    """The last successful run of this paper had the same inputs, and its files are intact."""
    if not previous or "roles" not in previous:
        return False
    notebooks = {nb.name: sha256_file(nb) for nb in options.notebooks}
    roles = role_digests(input_hashes(paths.raw), notebooks, options.parameters)
    if changed_roles(previous["roles"], roles):
        return False
    wanted = [paths.paper("html", *options.version).name]
    if options.pdf:
        wanted.append(paths.paper("pdf", *options.version).name)
    files = previous.get("files", {})
    return all(name in files for name in wanted) and _intact(paths.outputs, files)


# -- processed tables -------------------------------------------------------------------------


def prepare_processed(audit: AuditPaths, snapshot: Snapshot, clean) -> bool:
    """The snapshot's processed tables: reused from data/processed when only commentary changed
    since this code made them (True), else made by `clean` from the snapshot (False)."""
    manifest = read_json(audit.processed / PROCESSED_MANIFEST)
    reusable = (
        manifest.get("code_digest") == code_digest()
        and isinstance(manifest.get("inputs"), dict)
        and data_unchanged(manifest["inputs"], snapshot.inputs)
    )
    if reusable:
        try:
            if _reuse_processed(audit, snapshot, manifest):
                return True
        except OSError:
            pass
        shutil.rmtree(snapshot.paths.processed, ignore_errors=True)
    clean(snapshot.paths)
    return False


def _reuse_processed(audit: AuditPaths, snapshot: Snapshot, manifest: dict) -> bool:
    from audit_analysis.intake.files import read_text_file

    texts = {}
    for name in COMMENTARY_FILES:
        if (snapshot.paths.raw / name).is_file():
            text, problems = read_text_file(snapshot.paths.raw / name, name)
            if problems:
                return False  # cleaning reports them
            texts[name] = text or ""
    target = snapshot.paths.processed
    shutil.copytree(audit.processed, target)
    for name in COMMENTARY_FILES:  # the processed copies have the raw files' names
        if name in texts:
            (target / name).write_text(texts[name], encoding="utf-8")
        elif name == PUBLICATION_COMMENTARY:
            (target / name).unlink(missing_ok=True)
    manifest = manifest | {"inputs": snapshot.inputs}
    (target / PROCESSED_MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    from audit_analysis.clean.processed import renew_commentary_problems

    return renew_commentary_problems(snapshot.paths)  # False: errors, for the clean to report


def publish_processed(snapshot: Snapshot, audit: AuditPaths) -> None:
    """data/processed/<audit-id> becomes the tables this run used, marked with the code that
    made them, so a later commentary-only run may reuse them."""
    source = snapshot.paths.processed
    manifest = read_json(source / PROCESSED_MANIFEST)
    manifest["code_digest"] = code_digest()
    with building(audit.processed) as staging:
        shutil.copytree(source, staging, dirs_exist_ok=True)
        (staging / PROCESSED_MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")


# -- exhibits and executed notebooks ----------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """What this run may take from the last one."""

    changed: frozenset[str]
    previous: dict

    @property
    def exhibits(self) -> bool:
        return bool(self.previous) and self.changed <= RENDER_ONLY


def plan(
    previous: dict | None, snapshot: Snapshot, parameters: dict, outputs: Path, *, force: bool
) -> Plan:
    """What changed since the last run of this paper. Its exhibits and charts are reused only
    while intact: notebooks carried over would not rebuild a missing chart, and the notebooks
    running side by side would each rebuild it at once."""
    if force or not previous or "roles" not in previous:
        return Plan(frozenset(ROLES), {})
    roles = role_digests(snapshot.inputs, snapshot.notebook_hashes, parameters)
    exhibits = {
        name: sha
        for name, sha in previous.get("files", {}).items()
        if name.split("/")[0] in EXHIBIT_FOLDERS
    }
    if not _intact(outputs, exhibits):
        return Plan(frozenset(ROLES), {})
    return Plan(frozenset(changed_roles(previous["roles"], roles)), previous)


def carry_exhibits(outputs: Path, staging: Path) -> None:
    """Copy the last run's filed exhibits and charts into the new build, for the analysis stage
    to reuse when their provenance matches (it rebuilds them otherwise)."""
    for folder in EXHIBIT_FOLDERS:
        if (outputs / folder).is_dir() and not (staging / folder).exists():
            shutil.copytree(outputs / folder, staging / folder)


def declared(notebook: Path) -> dict:
    """What a notebook declares about itself: its metadata's `audit_analysis` (README)."""
    metadata = read_json(notebook).get("metadata", {})
    found = metadata.get("audit_analysis", {}) if isinstance(metadata, dict) else {}
    return found if isinstance(found, dict) else {}


def notebook_reads(notebook: Path) -> frozenset[str]:
    """The roles a notebook declares it reads; every role when it declares none."""
    reads = declared(notebook).get("reads")
    if not isinstance(reads, list) or not all(r in ROLES for r in reads):
        return frozenset(ROLES)
    return frozenset(reads)


def carry_notebook(plan: Plan, notebook: Path, outputs: Path, output: Path) -> bool:
    """Copy the last run's executed notebook when nothing it reads changed and it is itself
    unchanged and intact; False when it must run."""
    if not plan.exhibits:
        return False
    name = f"notebooks/{notebook.name}"
    same_notebook = plan.previous.get("notebooks", {}).get(notebook.name) == sha256_file(notebook)
    reads = notebook_reads(notebook) - {"notebooks"}
    sha = plan.previous.get("files", {}).get(name)
    if (
        not same_notebook
        or plan.changed & reads
        or sha is None
        or not _intact(outputs, {name: sha})
    ):
        return False
    output.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(outputs / name, output)
    return True
