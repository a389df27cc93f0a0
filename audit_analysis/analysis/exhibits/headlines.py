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


def headlines(ctx: Context) -> Finish:
    """Cases, agencies, audits, and how many the agencies themselves graded at the worst.

    No pooled "Good or better": unmoderated self-grades added across agencies would read as
    a league table (and its sum would force more counts to be hidden in a publication)."""
    scale = ctx.scale
    overall = ctx.overall_grades.loc[grading.ALL_AGENCIES]
    worst = scale.grades[-1]
    graded = int(sum(overall[g] for g in scale.grades))
    ledger = ctx.ledger
    ledger.add(graded_key(), graded)
    ledger.relate(received_key(), [graded_key(), grade_key(None, OVERALL_AREA, NOT_GRADED)])
    ledger.relate(graded_key(), [grade_key(None, OVERALL_AREA, g) for g in scale.grades])
    rows = {
        "Children's cases audited": (len(ctx.case_ids), CASES),
        "Agencies that audited their work": (
            int(ledger.values[AGENCIES_RETURNING]),
            AGENCIES_RETURNING,
        ),
        "Audits received": (int(ledger.values[received_key()]), received_key()),
        "Audits graded overall by the agency": (graded, graded_key()),
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
