"""`audit-analysis new <audit-id>`: a new audit folder, ready to fill in.

The folder is written aside and renamed into place, so it appears complete or not at all,
and an existing folder is never touched: it may hold returns that exist nowhere else.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from audit_analysis.intake.commentary import expected_parts, heading_of
from audit_analysis.intake.config import CONFIG_FILE, DEFAULT_MARKING, parse_config
from audit_analysis.intake.raw_tables import (
    CASES_SPEC,
    COMMENTARY,
    RECOMMENDATIONS_SPEC,
    REFERRALS_SPEC,
    TableSpec,
    submissions_spec,
)
from audit_analysis.paths import Workspace
from audit_analysis.problems import errors_in

AUDIT_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
README = "README.md"

# The agencies of a typical safeguarding children partnership, with the names their returns
# use. Aliases must be unique across agencies (config checks), so "Early Help" is one agency.
AGENCIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Children's Social Care",
        (
            "CSC",
            "MASH",
            "Childrens Social Care",
            "Social Care",
            "Multi Agency Safeguarding Hub",
            "Children's Services",
        ),
    ),
    ("Police", ("Police Service", "CAIT", "Child Abuse Investigation Team", "Public Protection")),
    (
        "Health Visitors and School Nurses",
        (
            "HV",
            "HVs",
            "Health Visitor",
            "Health Visitors",
            "Health Visiting",
            "School Nurse",
            "School Nurses",
            "School Nursing",
            "0-19 Service",
        ),
    ),
    (
        "General Practitioners",
        ("GP", "GPs", "General Practitioner", "General Practice", "Primary Care"),
    ),
    (
        "CAMHS",
        (
            "Child and Adolescent Mental Health Services",
            "Child and Adolescent Mental Health Service",
        ),
    ),
    ("Acute Hospital", ("Hospital", "A&E", "Emergency Department", "ED", "Paediatrics")),
    ("Education (schools)", ("Education", "Schools", "School", "Education - schools")),
    ("Early Help", ("CAF", "Early Help Service", "Early Intervention", "Family Support")),
    ("Housing", ("Housing Options", "Housing Department", "Housing Service")),
    (
        "Youth Offending Service",
        ("YOS", "YOT", "Youth Offending Team", "Youth Justice Service", "YJS"),
    ),
    ("Drug and Alcohol Service", ("Substance Misuse Service", "Drugs and Alcohol Service")),
    ("Probation Service", ("Probation", "National Probation Service", "NPS")),
    ("Adult Social Care", ("ASC", "Adult Services", "Adults Social Care")),
)

CONFIG_TEMPLATE = """\
# Settings of the audit {name}; docs/data-format.md describes every key.
# A misspelt key is reported as an error, never ignored. Replace each [bracketed] placeholder.

# The audit's id: lowercase letters, digits and hyphens, the same as its folder name.
id: {audit_id}
# The title and the board or partnership, as printed on the paper.
title: {title}
board: {board}
# The practice theme audited, e.g. neglect, domestic abuse, child sexual exploitation.
theme: {theme}
# The lead auditor, and the date printed on the paper (YYYY-MM-DD); null leaves them to the run.
author: null
report_date: null
# The period the agencies reviewed their records for.
period:
  start: {start}
  end: {end}
# How the cases were chosen, in a sentence or two for the paper's "Audit sample".
sample: >-
  [How many children, their ages, the referral or threshold they share, and what the sample
  was balanced for.]
# Printed at the top and bottom of every page of the paper and the questionnaires.
protective_marking: {marking}
# ofsted: Outstanding, Good, Requires Improvement, Inadequate; ofsted-2025: the five-point scale.
grade_scale: ofsted
# The graded key areas; null means the six standard ones (docs/data-format.md shows how to list
# your own). The submissions.csv columns follow them.
key_areas: null
# For the publication paper: counts from 1 up to this number are shown as "c" (DfE convention);
# null turns suppression off. Set it (e.g. 2) before publishing outside the partnership.
disclosure_threshold: null
# Printed on each agency's questionnaire workbook (`audit-analysis questionnaires`).
questionnaire:
  deadline: {deadline}
  return_to: {return_to}
# Where the data came from, when not straight from the agencies' returns.
provenance: ""

# One entry per agency asked to audit the cases: delete those not involved, add your own.
# A return's agency may be written as the name or any alias (case and punctuation are ignored);
# an alias may belong to one agency only.
agencies:
{agencies}
"""

README_TEMPLATE = """\
# {audit_id}

The returns of one multi-agency case audit, as received (layout: `docs/data-format.md`).

- **Raw data, never edited by the tool.** `audit-analysis clean {audit_id}` reads these files and
  writes tidy tables to `data/processed/{audit_id}/`. Fix a problem here, by hand, and run it again.
- **Never commit it if it is real.** These are children's case records, held under the protective
  marking in `audit.yaml`. Keep the folder out of git and share it only as that marking allows.

To do: fill in `{config}`, one row per case in `{cases}`, one row per agency return in
`{submissions}` (or put returned questionnaires in `returns/`), the `{referrals}` and
`{recommendations}`, and the narrative in `{commentary}`; then run
`audit-analysis validate {audit_id}`.
"""

SECTION_PLACEHOLDER = "<!-- Write the {heading} commentary here; this line is not shown. -->"


class InvalidAuditIdError(ValueError):
    """An audit id that cannot name a folder the same way on every system and in every URL."""


def check_audit_id(audit_id: str) -> str:
    if not AUDIT_ID.fullmatch(audit_id) or len(audit_id) > 64:
        raise InvalidAuditIdError(
            f"'{audit_id}' is not a valid audit id: use up to 64 lowercase letters, digits and hyphens, "
            "e.g. croydon-2026-neglect"
        )
    return audit_id


def _quoted(text: str) -> str:
    """A YAML scalar for any text: JSON strings are valid YAML."""
    return json.dumps(text, ensure_ascii=False)


def _flow_list(items: tuple[str, ...], indent: int, width: int = 100) -> str:
    """A YAML [list] wrapped between items, continuation lines indented under the first."""
    lines, line = [], ""
    for item in (_quoted(i) for i in items):
        if line and indent + len(line) + len(item) + 2 > width:
            lines.append(line + ",")
            line = ""
        line = f"{line}, {item}" if line else item
    lines.append(line)
    return "[" + ("\n" + " " * indent).join(lines) + "]"


def _twelve_months_to(day: dt.date) -> dt.date:
    try:
        start = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        start = day.replace(year=day.year - 1, day=28)
    return start + dt.timedelta(days=1)


def audit_yaml(
    audit_id: str, title: str | None = None, board: str | None = None, today: dt.date | None = None
) -> str:
    """The text of a new audit.yaml: the 12 months to `today`, returns due in four weeks."""
    today = today or dt.date.today()
    agencies = "\n".join(
        f"  - name: {_quoted(name)}\n    aliases: {_flow_list(aliases, indent=14)}"
        for name, aliases in AGENCIES
    )
    return CONFIG_TEMPLATE.format(
        name=audit_id,
        audit_id=_quoted(audit_id),
        title=_quoted(title or "[Title of the audit]"),
        board=_quoted(board or "[Name of the safeguarding children partnership]"),
        theme=_quoted("[theme]"),
        start=_twelve_months_to(today).isoformat(),
        end=today.isoformat(),
        marking=DEFAULT_MARKING,
        deadline=(today + dt.timedelta(weeks=4)).isoformat(),
        return_to=_quoted("[email address for returns]"),
        agencies=agencies,
    )


def header_csv(spec: TableSpec) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(c.key for c in spec.columns)
    return out.getvalue()


def commentary_skeleton(agencies: tuple[str, ...]) -> str:
    """One `## ` section per part of the paper, in paper order, each with a hidden prompt."""
    sections = [
        f"## {heading_of(key)}\n\n{SECTION_PLACEHOLDER.format(heading=heading_of(key))}\n"
        for key in expected_parts(agencies)
    ]
    return "\n".join(sections)


def scaffold_audit(
    workspace: Workspace, audit_id: str, title: str | None = None, board: str | None = None
) -> Path:
    """Create data/raw/<audit-id>/ with audit.yaml, header-only CSVs, commentary.md, README.md."""
    check_audit_id(audit_id)
    folder = workspace.raw / audit_id
    if folder.exists():
        raise FileExistsError(
            f"{folder} already exists; choose another audit id or edit it by hand"
        )
    text = audit_yaml(audit_id, title, board)
    config, problems = parse_config(text, folder_name=audit_id)
    if config is None or errors_in(problems):
        raise ValueError(f"the audit.yaml template does not load: {problems}")
    specs = (
        submissions_spec(config.areas_with_overall),
        CASES_SPEC,
        REFERRALS_SPEC,
        RECOMMENDATIONS_SPEC,
    )
    files = {
        CONFIG_FILE: text,
        **{spec.file: header_csv(spec) for spec in specs},
        COMMENTARY: commentary_skeleton(config.agency_names),
        README: README_TEMPLATE.format(
            audit_id=audit_id,
            config=CONFIG_FILE,
            commentary=COMMENTARY,
            **{
                name: spec.file
                for name, spec in zip(
                    ("submissions", "cases", "referrals", "recommendations"), specs, strict=True
                )
            },
        ),
    }
    workspace.raw.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{audit_id}.new-", dir=workspace.raw))
    try:
        for name, content in files.items():
            (staging / name).write_text(content, encoding="utf-8")
        os.rename(staging, folder)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if (
            isinstance(exc, OSError) and folder.exists()
        ):  # made meanwhile: rename did not replace it
            raise FileExistsError(f"{folder} already exists") from exc
        raise
    return folder
