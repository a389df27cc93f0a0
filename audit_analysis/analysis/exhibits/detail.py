"""The auditor's working detail behind the paper (notebooks 02 and 03; internal version only)."""

from __future__ import annotations

import pandas as pd

from audit_analysis.analysis import profile, referrals
from audit_analysis.analysis.exhibits.context import Context, Finish
from audit_analysis.analysis.exhibits.model import COUNT, SHARE, TEXT, Exhibit, frame_like


def _plain(
    ctx: Context, id: str, part: str, title: str, table: pd.DataFrame, kind: str = COUNT
) -> Exhibit:
    if isinstance(table.index, pd.MultiIndex):
        names = " / ".join(str(n) for n in table.index.names)
        table = table.set_axis(pd.Index([" / ".join(map(str, i)) for i in table.index], name=names))
    blank = ctx.no_keys(table)
    return Exhibit(
        id=id,
        part=part,
        title=title,
        table=table,
        hidden=frame_like(table, False),
        quantities=blank,
        kind=kind,
        caption=title,
    )


def grading_detail(ctx: Context) -> Finish:
    counts = ctx.grade_counts
    tables = [
        (
            "good-or-better-share",
            "Share of graded returns at Good or better",
            counts.good_or_better_share(),
            SHARE,
        ),
        (
            "graded-counts",
            "Returns carrying a grade, by agency and key area",
            counts.graded(),
            COUNT,
        ),
        (
            "agency-area-grades",
            "Grades by agency and key area",
            counts.matrix.copy(),
            COUNT,
        ),
    ]
    return lambda _hidden: [_plain(ctx, i, "grading_detail", t, f, k) for i, t, f, k in tables]


def referral_detail(ctx: Context) -> Finish:
    refs, cases = ctx.audit.referrals, ctx.audit.cases
    tables = [
        (
            "referrals-by-period",
            "Referrals per case, by audit period",
            referrals.referrals_by_period(refs, ctx.case_ids),
            COUNT,
        ),
        (
            "re-referrals",
            "Cases referred twice or more during the period",
            referrals.re_referrals(refs),
            COUNT,
        ),
        (
            "referral-intervals",
            "Days between consecutive referrals, per case",
            referrals.referral_interval_summary(refs),
            COUNT,
        ),
        (
            "unmatched-issues",
            "Outline issues not matched to a theme",
            profile.unmatched_issues(cases, ctx.themes).set_index("case_id"),
            TEXT,
        ),
    ]
    return lambda _hidden: [_plain(ctx, i, "referral_detail", t, f, k) for i, t, f, k in tables]
