"""The data stages of one audit, from raw folder to processed tables.

Kept apart from the CLI so notebooks, the batch runner and tests call the same code.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from audit_analysis.clean.cleaning import CleanAudit, clean_audit
from audit_analysis.clean.processed import ProcessedAudit, is_stale, read_processed, write_processed
from audit_analysis.intake.loading import read_raw_audit
from audit_analysis.paths import AuditPaths, write_atomic
from audit_analysis.problems import AuditDataError, Problem, is_capped, render_json, render_text

Progress = Callable[[str], None]


def validate(paths: AuditPaths, progress: Progress | None = None) -> CleanAudit:
    """Read and check an audit's raw folder; writes nothing (see `full_report`)."""
    return clean_audit(read_raw_audit(paths.raw, progress), progress)


def full_report_path(paths: AuditPaths) -> Path:
    """Where the whole list of problems goes when the terminal shows only some of them:
    beside the processed folder (which a failed validation never creates), so it always exists."""
    return paths.processed.parent / f"{paths.audit_id}.validation-report.txt"


def full_report(paths: AuditPaths, problems: list[Problem]) -> Path | None:
    """Write every problem (text, and JSON beside it) when a capped listing left some out.

    Falls back to the system's temporary folder when data/processed/ cannot be written.
    """
    if not is_capped(problems):
        return None
    target = full_report_path(paths)
    text = render_text(paths.audit_id, problems, per_kind=None)
    for folder in (target.parent, Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            write_atomic(folder / target.name, text)
            write_atomic(
                folder / target.with_suffix(".json").name, render_json(paths.audit_id, problems)
            )
            return folder / target.name
        except OSError:
            continue
    return None


def clean(paths: AuditPaths, progress: Progress | None = None) -> CleanAudit:
    """Validate, then write the processed tables; raises AuditDataError (writing nothing) on errors."""
    result = validate(paths, progress)
    if not result.ok:
        raise AuditDataError(paths.audit_id, result.problems)
    write_processed(result, paths)
    return result


def load(paths: AuditPaths, refresh: bool = True) -> ProcessedAudit:
    """The processed audit, re-cleaned first when its raw inputs changed since the last clean."""
    if refresh and is_stale(paths):
        clean(paths)
    return read_processed(paths)
