"""The state of every audit's processed tables and papers, as `audit-analysis list` shows it."""

from __future__ import annotations

from dataclasses import dataclass

from audit_analysis import __version__
from audit_analysis.paths import AuditPaths, Workspace
from audit_analysis.run.manifest import paper_mode, read_manifest
from audit_analysis.run.reuse import PROCESSED_MANIFEST
from audit_analysis.run.runner import CURRENT, MISSING, STALE
from audit_analysis.run.snapshot import input_hashes


@dataclass(frozen=True)
class AuditState:
    """An audit as `audit-analysis list` shows it: each state is current, stale or missing."""

    audit_id: str
    processed: str
    internal: str
    publication: str

    @property
    def paper(self) -> str:
        if self.publication == MISSING:
            return self.internal
        return f"{self.internal}; publication {self.publication}"


def paper_state(
    paths: AuditPaths, publication: bool = False, inputs: dict | None = None, draft: bool = False
) -> str:
    """current when the paper was made from today's raw inputs by this code version."""
    version = paths.for_version(publication)
    entry = read_manifest(version.outputs).get("papers", {}).get(paper_mode(publication, draft))
    if entry is None or not version.paper("html", publication, draft).is_file():
        return MISSING
    inputs = input_hashes(paths.raw) if inputs is None else inputs
    same = entry.get("inputs") == inputs and entry.get("code_version") == __version__
    return CURRENT if same else STALE


def _best_state(paths: AuditPaths, publication: bool, inputs: dict) -> str:
    """The board's (final) paper when there is one, else the draft."""
    final = paper_state(paths, publication, inputs)
    if final != MISSING:
        return final
    draft = paper_state(paths, publication, inputs, draft=True)
    return draft if draft == MISSING else f"{draft} (draft)"


def processed_state(paths: AuditPaths) -> str:
    if not (paths.processed / PROCESSED_MANIFEST).is_file():
        return MISSING
    from audit_analysis.clean.processed import is_stale

    return STALE if is_stale(paths) else CURRENT


def audit_states(workspace: Workspace) -> list[AuditState]:
    """Every audit under data/raw, with the state of its processed tables and papers."""
    states = []
    for audit_id in workspace.audit_ids():
        paths = workspace.audit(audit_id)
        inputs = input_hashes(paths.raw)
        states.append(
            AuditState(
                audit_id,
                processed=processed_state(paths),
                internal=_best_state(paths, False, inputs),
                publication=_best_state(paths, True, inputs),
            )
        )
    return states
