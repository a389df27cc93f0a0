"""`outputs/<audit-id>/manifest.json`: what made each paper (internal and publication).

For each paper: the inputs' hashes (of the snapshot the run worked from), their digests by
role (which the next run compares to decide what to redo), code version, parameters, run
date and the sha256 of every file the run produced. `audit_states` and `reuse` read it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from audit_analysis import __version__
from audit_analysis.paths import AuditPaths, write_atomic
from audit_analysis.run.snapshot import Snapshot, role_digests, sha256_file

MANIFEST = "manifest.json"


def paper_mode(publication: bool, draft: bool = False) -> str:
    """The manifest key of a paper: internal or publication, draft or final."""
    return ("publication" if publication else "internal") + ("-draft" if draft else "")


def read_manifest(outputs: Path) -> dict:
    """The outputs folder's manifest; an empty one when absent or unreadable (hand-edited)."""
    try:
        manifest = json.loads((outputs / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def file_hashes(folder: Path) -> dict[str, str]:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): sha256_file(p) for p in files}


def write_manifest(
    staged: AuditPaths,
    paths: AuditPaths,
    parameters: dict,
    options,
    produced: dict[str, str],
    run: dict,
) -> None:
    """Record what made this paper; keep the other paper's entry, minus files this run replaced.

    `inputs` are the hashes of the snapshot the run worked from (not of the raw folder now),
    `roles` their digests by role, which the next run compares to decide what to redo.
    """
    snapshot: Snapshot = run["snapshot"]
    entry = {
        "paper": staged.paper("html", options.publication, not options.final).name,
        "run_date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "code_version": __version__,
        "inputs": snapshot.inputs,
        "notebooks": snapshot.notebook_hashes,
        "roles": role_digests(snapshot.inputs, snapshot.notebook_hashes, options.parameters),
        "run_options": options.parameters,
        "reused_processed_tables": run["reused_processed"],
        "reused_notebooks": run["carried"],
        "parameters": recorded_parameters(parameters, options.publication),
        "files": produced,
    }
    this = paper_mode(options.publication, not options.final)
    papers = {this: entry}
    for mode, previous in read_manifest(paths.outputs).get("papers", {}).items():
        if mode == this or not (staged.outputs / previous.get("paper", "")).is_file():
            continue
        carried = {
            name: sha
            for name, sha in previous.get("files", {}).items()
            if name not in produced and (staged.outputs / name).is_file()
        }
        papers[mode] = previous | {"files": carried}
    manifest = {"audit_id": paths.audit_id, "papers": dict(sorted(papers.items()))}
    write_atomic(staged.outputs / MANIFEST, json.dumps(manifest, indent=2) + "\n")


def recorded_parameters(parameters: dict, publication: bool) -> dict:
    """The run's parameters as the manifest records them: a publication's manifest is
    published, so it names no folder of this machine."""
    if not publication:
        return parameters
    return {k: v for k, v in parameters.items() if k not in ("root", "output_dir")}
