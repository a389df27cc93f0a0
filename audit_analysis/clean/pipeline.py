"""The data stages of one audit, from raw folder to processed tables.

Kept apart from the CLI so notebooks, the batch runner and tests call the same code.
"""

from __future__ import annotations

from audit_analysis.clean.cleaning import CleanAudit, clean_audit
from audit_analysis.clean.processed import ProcessedAudit, is_stale, read_processed, write_processed
from audit_analysis.intake.loading import read_raw_audit
from audit_analysis.paths import AuditPaths
from audit_analysis.problems import AuditDataError


def validate(paths: AuditPaths) -> CleanAudit:
    """Read and check an audit's raw folder; writes nothing."""
    return clean_audit(read_raw_audit(paths.raw))


def clean(paths: AuditPaths) -> CleanAudit:
    """Validate, then write the processed tables; raises AuditDataError (writing nothing) on errors."""
    result = validate(paths)
    if not result.ok:
        raise AuditDataError(paths.audit_id, result.problems)
    write_processed(result, paths)
    return result


def load(paths: AuditPaths, refresh: bool = True) -> ProcessedAudit:
    """The processed audit, re-cleaned first when its raw inputs changed since the last clean."""
    if refresh and is_stale(paths):
        clean(paths)
    return read_processed(paths)
