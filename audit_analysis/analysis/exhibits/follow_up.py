"""Children needing follow-up: the immediate-concerns log, for the internal paper only.

Case-level and about children at risk now, so it is never built for a publication version
(build.py lists it with the internal-only builders): not in its exhibits, files or paper.
"""

from __future__ import annotations

import pandas as pd

from audit_analysis.analysis.exhibits.context import Context, Finish
from audit_analysis.analysis.exhibits.model import TEXT, Exhibit
from audit_analysis.analysis.findings import count_noun, join_words
from audit_analysis.vocabulary import GRADED_STATUSES, OVERALL, case_sort_key


def _unlogged(ctx: Context) -> list[str]:
    """Cases with a return graded overall at the scale's lowest grade and no concern logged."""
    gradings = ctx.audit.gradings
    worst = ctx.scale.grades[-1]
    graded = gradings.loc[
        gradings["status"].isin(GRADED_STATUSES)
        & (gradings["area"] == OVERALL.key)
        & (gradings["grade"] == worst)
    ]
    logged = set(_concerns(ctx)["case_id"])
    return sorted({c for c in graded["case_id"] if c not in logged}, key=case_sort_key)


def _concerns(ctx: Context) -> pd.DataFrame:
    concerns = ctx.audit.concerns
    if concerns is None:
        return pd.DataFrame(columns=["case_id", "agency", "concern", "date", "action", "status"])
    return concerns


def concerns(ctx: Context) -> Finish:
    """Each concern raised, open ones first, and the cases graded at the worst with none logged."""
    log = _concerns(ctx)
    keys = list(
        zip(
            [status != "open" for status in log["status"].tolist()],
            map(case_sort_key, log["case_id"].tolist()),
            strict=True,
        )
    )
    open_first = log.iloc[sorted(range(len(log)), key=keys.__getitem__)]
    table = pd.DataFrame(
        {
            "Agency": open_first["agency"].to_numpy(),
            "Concern raised": open_first["concern"].to_numpy(),
            "Date": pd.to_datetime(open_first["date"]).dt.strftime("%-d %b %Y").to_numpy(),
            "Action taken": open_first["action"].replace("", "None recorded").to_numpy(),
            "Status": open_first["status"].str.capitalize().to_numpy(),
        },
        index=pd.Index(open_first["case_id"].astype(str).to_numpy(), name="Case"),
    )
    n_open = int((log["status"] == "open").sum())
    unlogged = _unlogged(ctx)
    worst = ctx.scale.grades[-1]
    if log.empty:
        sentences = ["No immediate concerns were recorded in this audit's concerns log."]
    else:
        sentences = [
            f"{count_noun(len(log), 'concern')} about a child's safety "
            f"{'was' if len(log) == 1 else 'were'} raised during the audit: "
            f"{n_open} still open, {len(log) - n_open} closed."
        ]
    if unlogged:
        which = count_noun(len(unlogged), "case")
        sentences.append(
            f"{which} with an {worst} return {'has' if len(unlogged) == 1 else 'have'} no "
            f"concern recorded (case{'s' if len(unlogged) > 1 else ''} {join_words(unlogged)}): "
            "the board should ask what has been done for "
            f"{'this child' if len(unlogged) == 1 else 'these children'} since."
        )

    def finish(hidden: set[str]) -> list[Exhibit]:
        return [
            Exhibit(
                id="concerns",
                part="follow_up",
                title="Children needing follow-up",
                table=table,
                hidden=ctx.mask(ctx.no_keys(table), hidden),
                quantities=ctx.no_keys(table),
                kind=TEXT,
                caption="Immediate concerns raised during the audit, open first",
                sentences=(" ".join(sentences),),
                show_table=not table.empty,
            )
        ]

    return finish
