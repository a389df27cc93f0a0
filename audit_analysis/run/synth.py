"""`audit-analysis synth`: a synthetic audit for tests, demos and benchmarks.

Every value is drawn from one seeded generator, so a seed always gives the same bytes. The
distributions are loosely those of a real neglect audit (Bromley 2017): most agencies had no
contact with most children, grades cluster on Good and Requires Improvement, and children have
a few referrals before the audit period and one or two during it. No real person is described.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import random
import shutil
import tempfile
from pathlib import Path

from audit_analysis.intake.commentary import GENERAL_PARTS, OPTIONAL_PARTS, heading_of
from audit_analysis.intake.config import CONFIG_FILE, parse_config
from audit_analysis.intake.raw_tables import (
    CASES_SPEC,
    COMMENTARY,
    RECOMMENDATIONS_SPEC,
    REFERRALS_SPEC,
    submissions_spec,
)
from audit_analysis.paths import Workspace
from audit_analysis.problems import errors_in
from audit_analysis.run.scaffold import AGENCIES, check_audit_id

DEFAULT_AGENCIES = 15
PERIOD = (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
EXTRA_AGENCIES = ("Voluntary Sector Family Support", "Neighbourhood Policing Team")
"""Beyond the scaffold's 13, so the benchmark's 15-agency audits have real-sounding names."""

STATUS_WEIGHTS = {
    "Submitted": 55,
    "No involvement": 35,
    "Incomplete": 5,
    "Not submitted": 5,
}
OFSTED_WEIGHTS = {"Outstanding": 8, "Good": 45, "Requires Improvement": 35, "Inadequate": 12}
ISSUES = (
    "Parental substance misuse",
    "Mother's alcohol misuse",
    "Domestic abuse witnessed by the children",
    "Coercive control by father",
    "Mother's mental health",
    "Postnatal depression",
    "Child self harm",
    "Low mood and CAMHS involvement",
    "Overcrowded housing",
    "Family evicted and in temporary accommodation",
    "Rent arrears and debt",
    "Missing episodes",
    "Concerns about gang involvement",
    "Autism diagnosis",
    "Developmental delay",
    "Poor school attendance",
    "Excluded from school",
    "Poor hygiene and unkempt",
    "Home alone at night",
    "Missed health appointments",
    "Extensive history of neglect",
    "Previous referrals to Children's Social Care",
    "Acrimonious parental separation",
    "Parent avoidant of professionals",
    "Disguised compliance",
    "Offending by older sibling",
    "Pregnancy of young mother",
    "Chronic illness",
)
CATEGORIES = (
    "Neglect",
    "Domestic abuse",
    "Parental substance misuse",
    "Parental mental health",
    "Physical abuse",
    "Emotional abuse",
    "School attendance",
)
CATEGORY_WEIGHTS = (40, 20, 12, 10, 6, 6, 6)
OUTCOMES = (
    "No further action",
    "Advice and information",
    "Referred to Early Help",
    "Referral and assessment",
    "Strategy discussion",
)
OUTCOME_WEIGHTS = (35, 25, 20, 15, 5)
REFERRERS = ("Police", "School", "Health Visitor", "GP", "Hospital", "Anonymous", "Neighbour")
ETHNICITIES = ("White British", "Black British", "Asian British", "Mixed", "Other", "")
EVIDENCE = (
    "The child's voice was recorded in direct work.",
    "Assessment analysed the impact of neglect on the child's development.",
    "Supervision notes show management oversight and challenge.",
    "Information was shared with partners promptly.",
    "The plan lacked timescales and was not reviewed.",
    "Case recording was not up to date.",
    "",
)


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _agencies(count: int) -> list[tuple[str, tuple[str, ...]]]:
    pool = [*AGENCIES, *((name, ()) for name in EXTRA_AGENCIES)]
    if not 1 <= count <= len(pool):
        raise ValueError(f"--agencies must be from 1 to {len(pool)}, not {count}")
    return pool[:count]


def _csv(header: list[str], rows: list[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _audit_yaml(audit_id: str, cases: int, agencies: list[tuple[str, tuple[str, ...]]]) -> str:
    quoted = json.dumps  # JSON strings are valid YAML scalars
    listed = "\n".join(
        f"  - name: {quoted(name)}\n    aliases: [{', '.join(quoted(a) for a in aliases)}]"
        for name, aliases in agencies
    )
    return (
        f"# A synthetic audit made by `audit-analysis synth`: no real child is described.\n"
        f"id: {audit_id}\n"
        f"title: {quoted(f'A synthetic audit of {cases} neglect cases')}\n"
        f"board: Synthetic Safeguarding Children Partnership\n"
        f"theme: neglect\n"
        f"author: Synthetic Auditor\n"
        f"report_date: {PERIOD[1] + dt.timedelta(days=60)}\n"
        f"period:\n  start: {PERIOD[0]}\n  end: {PERIOD[1]}\n"
        f"sample: {quoted(f'{cases} children referred for neglect, drawn at random.')}\n"
        f"protective_marking: OFFICIAL-SENSITIVE\n"
        f"grade_scale: ofsted\n"
        f"disclosure_threshold: 2\n"
        f"provenance: {quoted('Synthetic: generated by audit-analysis synth.')}\n"
        f"agencies:\n{listed}\n"
    )


def _submissions(rng: random.Random, cases: int, agencies: list[str], areas: list[str]) -> str:
    rows = []
    for case in range(1, cases + 1):
        for agency in agencies:
            status = _weighted(rng, STATUS_WEIGHTS)
            grades = [""] * len(areas)
            evidence = ""
            if status in ("Submitted", "Incomplete"):
                overall = _weighted(rng, OFSTED_WEIGHTS)
                # Area grades mostly follow the overall grade, as agencies' returns do.
                grades = [overall] + [
                    overall if rng.random() < 0.6 else _weighted(rng, OFSTED_WEIGHTS)
                    for _ in areas[1:]
                ]
                if status == "Incomplete":
                    grades[-2:] = ["", ""]
                evidence = rng.choice(EVIDENCE)
            rows.append([case, agency, status, *grades, evidence])
    return _csv(["case_id", "agency", "status", *areas, "evidence"], rows)


def _cases(rng: random.Random, cases: int) -> str:
    rows = []
    for case in range(1, cases + 1):
        issues = "; ".join(rng.sample(ISSUES, rng.randint(1, 3)))
        rows.append(
            [
                case,
                rng.randint(0, 17),
                rng.choices(("M", "F", "Not known"), weights=(48, 48, 4))[0],
                rng.choice(ETHNICITIES),
                rng.choices(("No", "Yes", "Not known"), weights=(80, 15, 5))[0],
                issues,
            ]
        )
    return _csv(["case_id", "age", "gender", "ethnicity", "disability", "issues"], rows)


def _referrals(rng: random.Random, cases: int) -> str:
    start, end = PERIOD
    history_start = start.replace(year=start.year - 4)
    before_days = (start - history_start).days
    during_days = (end - start).days + 1
    rows = []
    for case in range(1, cases + 1):
        before = rng.sample(range(before_days), rng.randint(0, 4))
        during = rng.sample(range(during_days), rng.randint(1, 2))
        dates = sorted(
            [history_start + dt.timedelta(days=d) for d in before]
            + [start + dt.timedelta(days=d) for d in during]
        )
        for date in dates:
            rows.append(
                [
                    case,
                    date.isoformat(),
                    rng.choice(REFERRERS),
                    rng.choices(CATEGORIES, weights=CATEGORY_WEIGHTS)[0],
                    rng.choices(OUTCOMES, weights=OUTCOME_WEIGHTS)[0],
                ]
            )
    return _csv(["case_id", "date", "referrer", "category", "outcome"], rows)


def _recommendations(rng: random.Random, agencies: list[str]) -> str:
    rows = []
    for scope in ["Multi-agency", *agencies[:3]]:
        for number in range(1, rng.randint(2, 4) + 1):
            rows.append(
                [
                    scope,
                    number,
                    f"{scope} to review how neglect is identified and escalated (action {number}).",
                    "Synthetic Partnership" if scope == "Multi-agency" else scope,
                    (PERIOD[1] + dt.timedelta(days=90 * number)).isoformat(),
                    rng.choice(("Open", "In progress", "Complete")),
                ]
            )
    return _csv(["scope", "number", "text", "owner", "due", "status"], rows)


def _commentary(agencies: list[str]) -> str:
    """Every part a final paper asks for, general and per agency, plus the optional ones."""
    general = [key for key, _ in GENERAL_PARTS]
    keys = [*general[:-1], *(f"agency:{a}" for a in agencies), general[-1]]
    keys += [key for key, _ in OPTIONAL_PARTS]
    sections = []
    for key in keys:
        heading = key.removeprefix("agency:") if key.startswith("agency:") else heading_of(key)
        sections.append(
            f"## {heading}\n\nSynthetic commentary on {heading.lower()}: "
            "practice was mostly good, with recording and supervision to improve.\n"
        )
    return "\n".join(sections)


def synth_files(audit_id: str, cases: int, seed: int, agencies: int = DEFAULT_AGENCIES) -> dict:
    """The files of a synthetic audit, by name: pure, so tests can check them without disk."""
    if cases < 1:
        raise ValueError(f"--cases must be at least 1, not {cases}")
    chosen = _agencies(agencies)
    config_text = _audit_yaml(audit_id, cases, chosen)
    config, problems = parse_config(config_text, folder_name=audit_id)
    if config is None or errors_in(problems):
        raise ValueError(f"the synthetic audit.yaml does not load: {problems}")
    rng = random.Random(seed)
    names = [name for name, _ in chosen]
    areas = [c.key for c in submissions_spec(config.areas_with_overall).columns[3:-1]]
    return {
        CONFIG_FILE: config_text,
        submissions_spec(config.areas_with_overall).file: _submissions(rng, cases, names, areas),
        CASES_SPEC.file: _cases(rng, cases),
        REFERRALS_SPEC.file: _referrals(rng, cases),
        RECOMMENDATIONS_SPEC.file: _recommendations(rng, names),
        COMMENTARY: _commentary(names),
    }


def write_synthetic_audit(
    workspace: Workspace, audit_id: str, cases: int, seed: int, agencies: int = DEFAULT_AGENCIES
) -> Path:
    """Write data/raw/<audit-id>/ whole (built aside, renamed in); never over an existing one."""
    check_audit_id(audit_id)
    folder = workspace.raw / audit_id
    if folder.exists():
        raise FileExistsError(f"{folder} already exists; choose another audit id")
    files = synth_files(audit_id, cases, seed, agencies)
    workspace.raw.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{audit_id}.new-", dir=workspace.raw))
    try:
        for name, content in files.items():
            (staging / name).write_text(content, encoding="utf-8", newline="\n")
        staging.chmod(0o755)
        os.rename(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder
