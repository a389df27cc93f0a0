"""A made-up audit of any size, written as a valid raw folder (until `audit-analysis synth` lands).

Seeded, so the same size gives the same files. Nothing in it is real: names of agencies are
generic and every case is invented.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import yaml

AGENCIES = (
    "Children's Social Care",
    "Police",
    "General Practitioners",
    "Health Visitors and School Nurses",
    "Education (schools)",
    "CAMHS",
    "Acute Hospital",
    "Drug and Alcohol Service",
    "Education Welfare Service",
    "Early Help",
    "Youth Justice Service",
    "Housing",
    "Probation Service",
    "Children's Centres",
)
AREAS = (
    "recognition_and_response",
    "voice_of_the_child",
    "case_recording",
    "assessment_analysis_planning",
    "supervision_and_management",
    "intervention_and_review",
)
GRADES = ("Outstanding", "Good", "Requires Improvement", "Inadequate", "")
GRADE_WEIGHTS = (1, 8, 6, 2, 1)
ISSUES = (
    "Neglect",
    "Neglect of basic care",
    "Parental alcohol misuse",
    "Domestic abuse",
    "Parental mental health",
    "Poor school attendance",
    "Housing issues",
    "Missed health appointments",
    "Child left home alone",
    "Previous referrals",
    "Child's low mood",
    "Disability",
    "Poverty",
    "Missing episodes",
)
CATEGORIES = ("Neglect", "Domestic abuse", "Physical abuse", "Emotional abuse", "Sexual abuse")
OUTCOMES = ("No further action", "Step down to early help", "Referral and assessment", "Strategy")
REFERRERS = ("School", "Police", "GP", "Health visitor", "Anonymous", "Hospital")


def write_synthetic_audit(folder: Path, cases: int, *, seed: int = 12) -> Path:
    """Write `folder` (named as the audit id) with `cases` invented children's cases."""
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    config = {
        "id": folder.name,
        "title": f"A made-up audit of {cases} cases",
        "board": "Testshire Safeguarding Children Partnership",
        "theme": "neglect",
        "period": {"start": dt.date(2025, 1, 1), "end": dt.date(2025, 12, 31)},
        "sample": f"{cases} invented children's cases, drawn at random for testing.",
        "agencies": [{"name": name} for name in AGENCIES],
    }
    (folder / "audit.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    case_rows, submissions, referrals = [], [], []
    for case in range(1, cases + 1):
        issues = "; ".join(rng.sample(ISSUES, rng.randint(1, 4)))
        gender = rng.choice("FM")
        case_rows.append(
            f'{case},{rng.randint(0, 17)},{gender},{rng.choice(["No", "Yes"])},"{issues}"'
        )
        involved = rng.sample(AGENCIES, rng.randint(2, 8))
        for agency in AGENCIES:
            if agency not in involved:
                if rng.random() < 0.3:
                    submissions.append(f'{case},"{agency}",no_involvement' + "," * 7)
                continue
            grades = [rng.choices(GRADES, GRADE_WEIGHTS)[0] for _ in range(len(AREAS) + 1)]
            submissions.append(f'{case},"{agency}",submitted,' + ",".join(grades))
        for _ in range(rng.randint(0, 6)):
            date = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 1090))
            referrals.append(
                f"{case},{date.isoformat()},{rng.choice(REFERRERS)},"
                f"{rng.choice(CATEGORIES)},{rng.choice(OUTCOMES)}"
            )
    (folder / "cases.csv").write_text(
        "case_id,age,gender,disability,issues\n" + "\n".join(case_rows) + "\n", encoding="utf-8"
    )
    (folder / "submissions.csv").write_text(
        "case_id,agency,status," + ",".join(AREAS) + ",overall\n" + "\n".join(submissions) + "\n",
        encoding="utf-8",
    )
    (folder / "referrals.csv").write_text(
        "case_id,date,referrer,category,outcome\n" + "\n".join(referrals) + "\n", encoding="utf-8"
    )
    (folder / "recommendations.csv").write_text(
        "scope,number,text,owner,due,status\n"
        "Multi-agency,1,Use one neglect assessment tool across agencies.,Board manager,2026-06-30,\n",
        encoding="utf-8",
    )
    (folder / "commentary.md").write_text(
        "## Introduction\n\nA made-up audit for testing layouts at size.\n", encoding="utf-8"
    )
    return folder
