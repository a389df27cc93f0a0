"""Moderation: where a panel graded an audit too, how often it agreed with the agency's own grade.

Built only when the audit has moderated grades (the optional `moderated` column); without them
every grade exhibit says the grades are self-assessed and not moderated (context.py).
"""

from __future__ import annotations

import pandas as pd

from audit_analysis.analysis.exhibits.context import Context, Finish
from audit_analysis.analysis.exhibits.model import Exhibit, keys_frame, quantity
from audit_analysis.vocabulary import NOT_GRADED

ALL = "All agencies"
RESULTS = {
    "agreed": "Panel agreed",
    "higher": "Panel graded higher",
    "lower": "Panel graded lower",
    "ungraded": "Agency gave no grade",
}


def result(self_grade: str, moderated: str, grades: tuple[str, ...]) -> str:
    """How the panel's grade stands to the agency's: grades run best first."""
    if self_grade == NOT_GRADED:
        return "ungraded"
    if self_grade == moderated:
        return "agreed"
    return "higher" if grades.index(moderated) < grades.index(self_grade) else "lower"


def _key(agency: str | None, outcome: str | None = None) -> str:
    return quantity("moderated", agency=agency, result=outcome)


def moderation(ctx: Context) -> Finish:
    mod = ctx.audit.moderation
    if mod is None or mod.empty:
        return lambda _hidden: []
    outcomes = [
        result(s, m, ctx.scale.grades)
        for s, m in zip(mod["self_grade"], mod["moderated_grade"], strict=True)
    ]
    counts = pd.crosstab(mod["agency"], pd.Series(outcomes, name="result", index=mod.index))
    agencies = [a for a in ctx.agencies if a in counts.index]
    table = counts.reindex(index=agencies, columns=list(RESULTS), fill_value=0).astype("int64")
    table.loc[ALL] = table.sum()
    table.insert(0, "moderated", table.sum(axis=1))
    table.index.name, table.columns.name = "agency", "result"

    def key(row, column) -> str:
        who = None if row == ALL else str(row)
        return _key(who) if column == "moderated" else _key(who, str(column))

    keys = keys_frame(table, key)
    ctx.record(table, keys)
    for row in table.index:
        ctx.ledger.relate(keys.loc[row, "moderated"], [keys.loc[row, c] for c in RESULTS])
    for column in table.columns:
        ctx.ledger.relate(keys.loc[ALL, column], [keys.loc[a, column] for a in agencies])
    shown = table.rename(columns={"moderated": "Audits moderated", **RESULTS})
    keys.columns = shown.columns

    def finish(hidden: set[str]) -> list[Exhibit]:
        mask = ctx.mask(keys, hidden)
        n_text = ctx.n_text(_key(None), "audit", hidden)
        return [
            Exhibit(
                id="moderation",
                part="overall_grades",
                title="Moderated grades: the panel's overall grade beside the agency's own",
                table=shown,
                hidden=mask,
                quantities=keys,
                caption=f"Audits a moderation panel also graded ({n_text})",
                n=int(table.loc[ALL, "moderated"]),
                n_text=n_text,
                note=ctx.note_for(mask),
            )
        ]

    return finish
