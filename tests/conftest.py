"""Shared fixtures: throwaway project folders holding copies of the test audits."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from audit_analysis.paths import Workspace

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REFERENCE_AUDIT = PROJECT / "data" / "raw" / "bromley-2016-neglect"
MINIMAL_AUDIT = FIXTURES / "raw" / "minimal-audit"
SAMPLE_AUDIT = FIXTURES / "raw" / "sample-2026-dv"


def make_workspace(root: Path, *audits: Path) -> Workspace:
    """A project folder under `root` with copies of the given raw audit folders."""
    for audit in audits:
        shutil.copytree(audit, root / "data" / "raw" / audit.name)
    (root / "data" / "raw").mkdir(parents=True, exist_ok=True)
    return Workspace(root)


@pytest.fixture
def minimal_workspace(tmp_path: Path) -> Workspace:
    return make_workspace(tmp_path, MINIMAL_AUDIT)


@pytest.fixture(scope="session")
def bromley_processed(tmp_path_factory):
    """The reference audit cleaned once per test session, as processed tables."""
    from audit_analysis.clean.pipeline import clean
    from audit_analysis.clean.processed import read_processed

    workspace = make_workspace(tmp_path_factory.mktemp("bromley"), REFERENCE_AUDIT)
    paths = workspace.audit(REFERENCE_AUDIT.name)
    clean(paths)
    audit = read_processed(paths)
    return {
        "config": audit.config,
        "gradings": audit.gradings,
        "returns": audit.returns,
        "evidence": audit.evidence,
        "cases": audit.cases,
        "referrals": audit.referrals,
        "recommendations": audit.recommendations,
        "audit": audit,
    }
