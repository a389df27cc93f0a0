"""The processed tables of an audit: their schemas, and writing and reading them.

The schemas are the contract between cleaning and everything downstream; they are
checked on write (so a bug in cleaning cannot publish a bad table) and on read (so
the analysis never runs on a hand-edited or stale file that breaks the contract).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from audit_analysis import __version__
from audit_analysis.clean.cleaning import (
    CASES_COLUMNS,
    EVIDENCE_COLUMNS,
    GRADINGS_COLUMNS,
    RECOMMENDATIONS_COLUMNS,
    REFERRALS_COLUMNS,
    RETURNS_COLUMNS,
    CleanAudit,
)
from audit_analysis.intake.config import AuditConfig, parse_config
from audit_analysis.intake.loading import file_hashes
from audit_analysis.intake.raw_tables import PUBLICATION_COMMENTARY, THEMES
from audit_analysis.intake.themes import load_themes
from audit_analysis.paths import AuditPaths, building
from audit_analysis.problems import AuditDataError, errors_in, render_json, render_text
from audit_analysis.vocabulary import STATUSES

MANIFEST = "manifest.json"
CONFIG_COPY = "audit.yaml"
COMMENTARY_COPY = "commentary.md"
REPORT_TEXT = "validation_report.txt"
REPORT_JSON = "validation_report.json"
TABLE_COLUMNS = {
    "gradings": GRADINGS_COLUMNS,
    "returns": RETURNS_COLUMNS,
    "evidence": EVIDENCE_COLUMNS,
    "cases": CASES_COLUMNS,
    "referrals": REFERRALS_COLUMNS,
    "recommendations": RECOMMENDATIONS_COLUMNS,
}


def _text(**kwargs) -> pa.Column:
    return pa.Column(str, **kwargs)


def schemas(config: AuditConfig) -> dict[str, pa.DataFrameSchema]:
    """The processed tables' schemas for one audit (its grade scale, areas and agencies)."""
    agencies = list(config.agency_names)
    strict = {"strict": True, "ordered": True, "coerce": True}
    key = {"nullable": False}
    return {
        "gradings": pa.DataFrameSchema(
            {
                "audit_id": _text(checks=pa.Check.eq(config.id)),
                "case_id": _text(**key),
                "agency": _text(checks=pa.Check.isin(agencies)),
                "status": _text(checks=pa.Check.isin(STATUSES)),
                "area": _text(checks=pa.Check.isin([a.key for a in config.areas_with_overall])),
                "grade": _text(checks=pa.Check.isin(list(config.scale.all_grades))),
            },
            unique=["case_id", "agency", "area"],
            **strict,
        ),
        "returns": pa.DataFrameSchema(
            {
                "audit_id": _text(checks=pa.Check.eq(config.id)),
                "case_id": _text(**key),
                "agency": _text(checks=pa.Check.isin(agencies)),
                "status": _text(checks=pa.Check.isin(STATUSES)),
                "source": _text(),
            },
            unique=["case_id", "agency"],
            **strict,
        ),
        "evidence": pa.DataFrameSchema(
            {c: _text() for c in EVIDENCE_COLUMNS},
            **strict,
        ),
        "cases": pa.DataFrameSchema(
            {
                "audit_id": _text(),
                "case_id": _text(unique=True),
                "age": pa.Column("Int64", pa.Check.in_range(0, 25), nullable=True),
                "gender": _text(checks=pa.Check.isin(["Male", "Female", "Other", "Not known"])),
                "ethnicity": _text(),
                "disability": _text(checks=pa.Check.isin(["Yes", "No", "Not known"])),
                "issues": _text(),
            },
            **strict,
        ),
        "referrals": pa.DataFrameSchema(
            {
                "audit_id": _text(),
                "case_id": _text(),
                "date": pa.Column("datetime64[ns]"),
                "referrer": _text(),
                "category": _text(),
                "outcome": _text(),
                "period": _text(checks=pa.Check.isin(["before", "during", "after"])),
            },
            **strict,
        ),
        "recommendations": pa.DataFrameSchema(
            {
                "audit_id": _text(),
                "scope": _text(),
                "number": pa.Column("int64", pa.Check.ge(1)),
                "text": _text(),
                "owner": _text(),
                "due": _text(),
                "status": _text(),
            },
            unique=["scope", "number"],
            **strict,
        ),
    }


@dataclass(frozen=True)
class ProcessedAudit:
    """An audit's processed tables and settings, as the analysis and notebooks use them."""

    config: AuditConfig
    gradings: pd.DataFrame
    returns: pd.DataFrame
    evidence: pd.DataFrame
    cases: pd.DataFrame
    referrals: pd.DataFrame
    recommendations: pd.DataFrame
    commentary: str
    manifest: dict
    themes: dict[str, tuple[str, ...]] | None = None
    publication_commentary: str | None = None

    @property
    def audit_id(self) -> str:
        return self.config.id


def write_processed(clean: CleanAudit, paths: AuditPaths) -> Path:
    """Write the tidy tables, a copy of the settings and a manifest, swapped in whole.

    Refuses when there are errors: the previous processed folder stays as it was.
    """
    if not clean.ok or clean.config is None:
        raise AuditDataError(clean.audit_id, clean.problems)
    checks = schemas(clean.config)
    with building(paths.processed) as staging:
        for name, frame in clean.tables().items():
            valid = checks[name].validate(frame, lazy=True)
            out = (
                valid.copy()
            )  # text exactly as typed: formulae are defused only in files for people
            if name == "referrals":
                out["date"] = out["date"].dt.strftime("%Y-%m-%d")
            out.to_csv(staging / f"{name}.csv", index=False, lineterminator="\n")
        (staging / CONFIG_COPY).write_bytes((paths.raw / CONFIG_COPY).read_bytes())
        (staging / COMMENTARY_COPY).write_text(clean.commentary, encoding="utf-8")
        if clean.publication_commentary is not None:
            (staging / PUBLICATION_COMMENTARY).write_text(
                clean.publication_commentary, encoding="utf-8"
            )
        if (paths.raw / THEMES).is_file():
            (staging / THEMES).write_bytes((paths.raw / THEMES).read_bytes())
        (staging / REPORT_TEXT).write_text(
            render_text(clean.audit_id, clean.problems, per_kind=None), encoding="utf-8"
        )
        (staging / REPORT_JSON).write_text(
            render_json(clean.audit_id, clean.problems), encoding="utf-8"
        )
        manifest = {
            "audit_id": clean.audit_id,
            "code_version": __version__,
            "grade_scale": clean.config.grade_scale,
            "inputs": file_hashes(paths.raw),
            "rows": {name: len(frame) for name, frame in clean.tables().items()},
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return paths.processed


def read_processed(paths: AuditPaths) -> ProcessedAudit:
    """Read an audit's processed tables, checked against their schemas."""
    folder = paths.processed
    if not (folder / MANIFEST).is_file():
        raise FileNotFoundError(
            f"{folder} has no processed tables; run `audit-analysis clean {paths.audit_id}` first"
        )
    config, problems = parse_config((folder / CONFIG_COPY).read_text(encoding="utf-8"))
    if config is None or errors_in(problems):
        raise AuditDataError(paths.audit_id, problems)
    checks = schemas(config)
    frames = {}
    for name in TABLE_COLUMNS:
        frame = pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
        if name == "cases":
            frame["age"] = pd.to_numeric(frame["age"]).astype("Int64")
        if name == "referrals":
            frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d")
        if name == "recommendations":
            frame["number"] = frame["number"].astype("int64")
        frames[name] = checks[name].validate(frame, lazy=True)
    return ProcessedAudit(
        config=config,
        commentary=(folder / COMMENTARY_COPY).read_text(encoding="utf-8"),
        manifest=json.loads((folder / MANIFEST).read_text(encoding="utf-8")),
        themes=load_themes(folder / THEMES) if (folder / THEMES).is_file() else None,
        publication_commentary=(
            (folder / PUBLICATION_COMMENTARY).read_text(encoding="utf-8")
            if (folder / PUBLICATION_COMMENTARY).is_file()
            else None
        ),
        **frames,
    )


def is_stale(paths: AuditPaths) -> bool:
    """True when the raw inputs changed since the processed tables were written (or none exist)."""
    manifest_path = paths.processed / MANIFEST
    if not manifest_path.is_file():
        return True
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    return (
        manifest.get("inputs") != file_hashes(paths.raw)
        or manifest.get("code_version") != __version__
    )
