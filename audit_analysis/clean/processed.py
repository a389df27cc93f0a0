"""The processed tables of an audit: their schemas, and writing and reading them.

The schemas are the contract between cleaning and everything downstream; they are
checked on write (so a bug in cleaning cannot publish a bad table) and on read (so
the analysis never runs on a hand-edited or stale file that breaks the contract).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pandera

from audit_analysis import __version__
from audit_analysis.clean.cleaning import CleanAudit
from audit_analysis.clean.tables import AGE, COUNT, DATE, TABLES, schemas
from audit_analysis.intake.config import AuditConfig, parse_config
from audit_analysis.intake.loading import file_hashes
from audit_analysis.intake.raw_tables import COMMENTARY_FILES, PUBLICATION_COMMENTARY, THEMES
from audit_analysis.intake.themes import load_themes
from audit_analysis.paths import AuditPaths, building, write_atomic
from audit_analysis.problems import (
    AuditDataError,
    Problem,
    errors_in,
    problems_from_json,
    render_json,
    render_text,
)

MANIFEST = "manifest.json"
CONFIG_COPY = "audit.yaml"
COMMENTARY_COPY = "commentary.md"
REPORT_TEXT = "validation_report.txt"
REPORT_JSON = "validation_report.json"
MAY_NEED_QUOTES = re.compile(r'[,"\r\n]')
TABLE_COLUMNS = {name: table.column_names for name, table in TABLES.items()}


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
    concerns: pd.DataFrame | None = None
    moderation: pd.DataFrame | None = None

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
    validated = {}
    with building(paths.processed) as staging:
        for name, frame in clean.tables().items():
            valid = checks[name].validate(frame, lazy=True)
            out = valid.copy()  # text exactly as typed: defused only in files for people
            for column in TABLES[name].columns:
                if column.kind == DATE:
                    out[column.name] = out[column.name].dt.strftime("%Y-%m-%d")
            _write_csv(out, staging / f"{name}.csv")
            validated[name] = _validated_key(staging / f"{name}.csv", name, clean.config)
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
            "validated": validated,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return paths.processed


def _csv_field(value: str) -> str:
    """One field as the csv module writes it (quoted only when it must be)."""
    if value and not MAY_NEED_QUOTES.search(value):
        return value  # what the csv module writes for it: asking it costs ~3 µs a value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([value, ""])
    return buffer.getvalue()[: -len(",\n")]


def _write_csv(frame: pd.DataFrame, path: Path, rows_at_once: int = 100_000) -> None:
    """The bytes `frame.to_csv(path, index=False, lineterminator="\n")` writes, sooner.

    A large audit's gradings are a million rows of a few hundred distinct values, and the
    csv module takes ~2 s over them field by field: a table of text quotes each distinct
    value once and joins its rows. Other tables go through pandas as they are.
    """
    if frame.empty or not all(pd.api.types.is_string_dtype(frame[c]) for c in frame.columns):
        frame.to_csv(path, index=False, lineterminator="\n")
        return
    fields = []
    for column in frame.columns:
        codes, distinct = pd.factorize(frame[column].to_numpy(dtype=object))
        quoted = np.array([*map(_csv_field, distinct), ""], dtype=object)  # missing: ""
        fields.append(quoted[codes])
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(map(_csv_field, frame.columns)) + "\n")
        for start in range(0, len(frame), rows_at_once):
            part = [column[start : start + rows_at_once].tolist() for column in fields]
            out.write("\n".join(map(",".join, zip(*part, strict=True))) + "\n")


def _validated_key(file: Path, name: str, config: AuditConfig) -> str:
    """What a processed file's check on write vouches for: these bytes, under this table's
    declaration for this audit's settings, by this code and pandera. The manifest records it so
    the read right after a clean need not check the same bytes again (a large audit's gradings
    take a second); a hand-edited file, settings or code no longer match and are checked."""
    contract = [
        __version__,
        pandera.__version__,
        name,
        list(TABLES[name].unique),
        [
            [
                c.name,
                c.kind,
                c.nullable,
                c.unique,
                None if c.allowed is None else list(c.allowed(config)),
            ]
            for c in TABLES[name].columns
        ],
    ]
    digest = hashlib.sha256(json.dumps(contract, sort_keys=True).encode("utf-8"))
    with file.open("rb") as handle:
        return hashlib.file_digest(handle, lambda: digest).hexdigest()


def read_processed(paths: AuditPaths) -> ProcessedAudit:
    """Read an audit's processed tables, checked against their schemas (unless the manifest
    vouches that these exact bytes passed the same schema when this code wrote them)."""
    folder = paths.processed
    if not (folder / MANIFEST).is_file():
        raise FileNotFoundError(
            f"{folder} has no processed tables; run `audit-analysis clean {paths.audit_id}` first"
        )
    config, problems = parse_config((folder / CONFIG_COPY).read_text(encoding="utf-8"))
    if config is None or errors_in(problems):
        raise AuditDataError(paths.audit_id, problems)
    checks = schemas(config)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    validated = manifest.get("validated", {})
    frames = {}
    for name in TABLE_COLUMNS:
        frame = pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
        for column in TABLES[name].columns:
            if column.kind == AGE:
                frame[column.name] = pd.to_numeric(frame[column.name]).astype("Int64")
            elif column.kind == DATE:
                frame[column.name] = pd.to_datetime(frame[column.name], format="%Y-%m-%d").astype(
                    "datetime64[ns]"
                )
            elif column.kind == COUNT:
                frame[column.name] = frame[column.name].astype("int64")
        if validated.get(name) == _validated_key(folder / f"{name}.csv", name, config):
            frames[name] = frame  # these very bytes passed this very schema when written
        else:
            frames[name] = checks[name].validate(frame, lazy=True)
    return ProcessedAudit(
        config=config,
        commentary=(folder / COMMENTARY_COPY).read_text(encoding="utf-8"),
        manifest=manifest,
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
    if any(not (paths.processed / f"{name}.csv").is_file() for name in TABLE_COLUMNS):
        return True  # written before a table was added to the declaration
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    return (
        manifest.get("inputs") != file_hashes(paths.raw)
        or manifest.get("code_version") != __version__
    )


def recorded_validation(paths: AuditPaths) -> tuple[list[Problem], dict[str, int]] | None:
    """The problems and table sizes the last clean recorded, while they still describe the raw
    inputs: `audit-analysis run` has just cleaned, so notebook 01 need not clean again."""
    if is_stale(paths) or not (paths.processed / REPORT_JSON).is_file():
        return None
    problems = problems_from_json((paths.processed / REPORT_JSON).read_text(encoding="utf-8"))
    manifest = json.loads((paths.processed / MANIFEST).read_text(encoding="utf-8"))
    return problems, manifest["rows"]


def renew_commentary_problems(paths: AuditPaths) -> bool:
    """After a commentary edit, when the processed tables are reused rather than cleaned: the
    validation report's commentary problems made again from the new texts, the rest kept.
    False (nothing written) when the new commentary has errors: a clean must report them."""
    from audit_analysis.clean.cleaning import commentary_problems

    folder = paths.processed
    config, _ = parse_config((folder / CONFIG_COPY).read_text(encoding="utf-8"))
    recorded = problems_from_json((folder / REPORT_JSON).read_text(encoding="utf-8"))
    kept = [p for p in recorded if p.file not in COMMENTARY_FILES]
    publication = folder / PUBLICATION_COMMENTARY
    problems = kept + commentary_problems(
        config,
        (folder / COMMENTARY_COPY).read_text(encoding="utf-8"),
        publication.read_text(encoding="utf-8") if publication.is_file() else None,
    )
    if errors_in(problems):
        return False
    write_atomic(folder / REPORT_TEXT, render_text(paths.audit_id, problems, per_kind=None))
    write_atomic(folder / REPORT_JSON, render_json(paths.audit_id, problems))
    return True
