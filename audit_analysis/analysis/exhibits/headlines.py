"""The headline figures on the paper's first page: a few counts, each already in another exhibit.

Every figure here is a quantity some other exhibit shows (or the sum of two of them), recorded
under the same key, so the paper-wide disclosure decision covers the first page too.
"""

from __future__ import annotations

import pandas as pd

from audit_analysis.analysis import grading
from audit_analysis.analysis.exhibits.context import Context, Finish
from audit_analysis.analysis.exhibits.grading import OVERALL_AREA, grade_key, received_key
from audit_analysis.analysis.exhibits.model import Exhibit, keys_frame, quantity
from audit_analysis.analysis.exhibits.sample import AGENCIES_RETURNING, CASES
from audit_analysis.vocabulary import NOT_GRADED


def graded_key() -> str:
    return quantity("audits", area=OVERALL_AREA, graded="yes")


def good_or_better_key(scale) -> str:
    return grade_key(None, OVERALL_AREA, f"{scale.good_or_better[-1]} or better")


def headlines(ctx: Context) -> Finish:
    """Cases, agencies, audits, and the agencies' own overall grades at the two ends."""
    scale = ctx.scale
    overall = grading.overall_grade_distribution(
        ctx.audit.gradings, ctx.agencies, scale, totals=True
    ).loc[grading.ALL_AGENCIES]
    worst = scale.grades[-1]
    best = f"{scale.good_or_better[-1]} or better"
    graded = int(sum(overall[g] for g in scale.grades))
    good = int(sum(overall[g] for g in scale.good_or_better))
    ledger = ctx.ledger
    ledger.add(graded_key(), graded)
    ledger.relate(received_key(), [graded_key(), grade_key(None, OVERALL_AREA, NOT_GRADED)])
    ledger.relate(graded_key(), [grade_key(None, OVERALL_AREA, g) for g in scale.grades])
    ledger.add(good_or_better_key(scale), good)
    ledger.relate(
        good_or_better_key(scale), [grade_key(None, OVERALL_AREA, g) for g in scale.good_or_better]
    )
    rows = {
        "Children's cases audited": (len(ctx.case_ids), CASES),
        "Agencies that audited their work": (
            int(ledger.values[AGENCIES_RETURNING]),
            AGENCIES_RETURNING,
        ),
        "Audits received": (int(ledger.values[received_key()]), received_key()),
        "Audits graded overall by the agency": (graded, graded_key()),
        f"of which {best} (agency's own grade)": (good, good_or_better_key(scale)),
        f"of which {worst} (agency's own grade)": (
            int(overall[worst]),
            grade_key(None, OVERALL_AREA, worst),
        ),
    }
    table = pd.DataFrame(
        {"value": [v for v, _ in rows.values()]}, index=pd.Index(list(rows), name="figure")
    )
    keys = keys_frame(table, lambda r, _c: rows[r][1])

    def finish(hidden: set[str]) -> list[Exhibit]:
        mask = ctx.mask(keys, hidden)
        return [
            Exhibit(
                id="headline-figures",
                part="key_messages",
                title="Headline figures",
                table=table,
                hidden=mask,
                quantities=keys,
                caption="Headline figures",
                note=ctx.note_for(mask),
                notes=ctx.grade_notes(),
            )
        ]

    return finish
