"""The tables a chart draws, shaped from the analysis tables, and which of their cells are hidden.

Both halves of a chart — its words (the ``describe_*`` functions) and its drawing (the paper's
``draw_*``) — read the same table through these functions, so they never disagree about which
rows and columns there are. The ``*_mask`` functions are the fallback disclosure a chart uses
when its caller has only a threshold: a bool frame (or series) shaped like the chart's table,
True where the count is hidden.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from audit_analysis.analysis import disclosure
from audit_analysis.analysis.grading import (
    ALL_AGENCIES,
    NO_INVOLVEMENT,
    NOT_SUBMITTED,
    overall_distribution_mask,
)
from audit_analysis.vocabulary import GRADE_SCALES, STATUSES, GradeScale

SMALL_BASE = 3
"""A heatmap share resting on fewer graded audits than this (1/1 = 100 %) is too few to compare."""

MaskLike = pd.DataFrame | pd.Series | None


# ------------------------------------------------------------------------------ shaping


def counts_frame(table: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """The named columns as whole numbers (a missing column is 0)."""
    out = pd.DataFrame(index=table.index)
    for col in columns:
        values = table[col] if col in table.columns else 0
        out[col] = pd.to_numeric(values, errors="coerce").fillna(0).round().astype(int)
    return out


def without_totals_row(table: pd.DataFrame) -> pd.DataFrame:
    """The table without its 'All agencies' row: drawn as a bar it would dwarf the agencies."""
    return table.loc[[str(i) != ALL_AGENCIES for i in table.index]]


def all_zero(values: pd.DataFrame | pd.Series) -> bool:
    return bool(len(values) == 0 or (np.asarray(values, dtype=float) == 0).all())


def is_empty(table: pd.DataFrame | pd.Series | None) -> bool:
    return table is None or len(table) == 0


def scale_for(columns: Sequence[object], scale: GradeScale | None) -> GradeScale:
    """The grade scale whose grades are the columns, checking a given one is there."""
    cols = {str(c) for c in columns}
    if scale is None:
        matches = [s for s in GRADE_SCALES.values() if set(s.grades) <= cols]
        if len(matches) != 1:
            raise ValueError(
                f"cannot tell the grade scale from the columns {sorted(cols)}; "
                f"pass scale= (one of {', '.join(GRADE_SCALES)})"
            )
        return matches[0]
    missing = [g for g in scale.grades if g not in cols]
    if missing:
        raise ValueError(
            f"the table has no column for {', '.join(missing)} on the {scale.label}; "
            f"its columns are {', '.join(map(str, columns))}"
        )
    return scale


def grade_counts(table: pd.DataFrame, scale: GradeScale | None) -> tuple[pd.DataFrame, GradeScale]:
    """A grade chart's bars: the scale's grades then Not graded, per row, totals row dropped."""
    table = without_totals_row(table)
    scale = scale_for(table.columns, scale)
    return counts_frame(table, list(scale.all_grades)), scale


def status_counts(table: pd.DataFrame) -> pd.DataFrame:
    """The returns chart's table: one column per return status, totals row dropped."""
    table = without_totals_row(table)
    missing = [s for s in STATUSES if s not in table.columns]
    if missing:
        raise ValueError(f"the returns table has no column for {', '.join(missing)}")
    return counts_frame(table, list(STATUSES))


def share_table(share: pd.DataFrame) -> pd.DataFrame:
    """The heatmap's shares as floats, totals row dropped."""
    return without_totals_row(share).astype(float)


def share_counts(counts: pd.DataFrame, share: pd.DataFrame) -> pd.DataFrame:
    """The graded counts behind a heatmap, shaped like its (shaped) shares."""
    counts = counts.reindex(index=share.index, columns=share.columns)
    return counts_frame(counts, list(share.columns))


def as_series(
    counts: pd.Series | pd.DataFrame | Mapping | None, column: str | None = None
) -> pd.Series:
    """A single series of whole-number counts from a Series, a mapping or a DataFrame's column."""
    if counts is None:
        return pd.Series(dtype=int)
    if isinstance(counts, pd.DataFrame):
        if column is not None and column in counts.columns:
            counts = counts[column]
        elif counts.shape[1] == 1:
            counts = counts.iloc[:, 0]
        else:
            raise ValueError(f"expected one column of counts, got {list(counts.columns)}")
    s = pd.Series(counts)
    return pd.to_numeric(s, errors="coerce").fillna(0).round().astype(int)


def themes_shown(counts: pd.Series | pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(every theme's cases, the themes drawn): themes with no cases add nothing to a chart."""
    s = as_series(counts, "cases")
    return s, s[s != 0]


def profile_panels(
    profile: pd.DataFrame | Mapping[str, pd.Series | pd.DataFrame] | None,
) -> dict[str, pd.Series]:
    """Each characteristic's counts (heading → series), all-zero panels left out."""
    if isinstance(profile, pd.DataFrame) and isinstance(profile.index, pd.MultiIndex):
        column = "children" if "children" in profile.columns else profile.columns[0]
        values = profile[column]
        panels = {
            str(name): as_series(values.xs(name, level=0))
            for name in dict.fromkeys(profile.index.get_level_values(0))
        }
    else:
        panels = {str(k): as_series(v, "children") for k, v in (profile or {}).items()}
    return {k: v for k, v in panels.items() if not all_zero(v)}


def profile_panels_drawn(panels: Mapping[str, pd.Series]) -> dict[str, pd.Series]:
    """The panels a profile chart draws: one whose children all fall in one category compares
    nothing (ethnicity 'Not recorded' for all 10), so it is said in words instead."""
    return {k: v for k, v in panels.items() if int((v != 0).sum()) != 1}


# ------------------------------------------------------------------------------ masks


def mask_like(hidden: MaskLike, like: pd.DataFrame | pd.Series) -> pd.DataFrame | pd.Series:
    """A bool mask shaped like ``like``: the given one where it has the cell, else False."""
    if hidden is None:
        if isinstance(like, pd.Series):
            return pd.Series(False, index=like.index)
        return pd.DataFrame(False, index=like.index, columns=like.columns)
    if isinstance(like, pd.Series):
        if isinstance(hidden, pd.DataFrame):
            hidden = hidden.iloc[:, 0]
        shaped = hidden.reindex(like.index)
    else:
        shaped = hidden.reindex(index=like.index, columns=like.columns)
    return shaped.astype(object).where(shaped.notna(), False).astype(bool)


def _check_threshold(threshold: int | None) -> None:
    if threshold is not None and threshold < 1:
        raise ValueError(f"threshold must be 1 or more, not {threshold}")


def chart_mask(
    counts: pd.DataFrame,
    threshold: int | None,
    suppressed: MaskLike = None,
    *,
    row_groups: Sequence[Sequence[str]] | None = None,
    column_totals: bool = False,
) -> pd.DataFrame:
    """Where a chart of counts shows 'c': the caller's mask plus primary suppression, or else
    disclosure.suppression_mask with the totals the chart publishes. Zeros are never hidden."""
    _check_threshold(threshold)
    mask = pd.DataFrame(False, index=counts.index, columns=counts.columns)
    if suppressed is not None:
        extra = suppressed.to_frame() if isinstance(suppressed, pd.Series) else suppressed
        if isinstance(suppressed, pd.Series) and counts.shape[1] == 1:
            extra = extra.set_axis(counts.columns, axis=1)
        mask |= mask_like(extra, counts)
        if threshold is not None:
            mask |= (counts >= 1) & (counts <= threshold)
    elif threshold is not None:
        mask |= disclosure.suppression_mask(
            counts, threshold, row_groups=row_groups, column_totals=column_totals
        ).astype(bool)
    return mask & (counts > 0)


def overall_grades_mask(
    table: pd.DataFrame,
    scale: GradeScale | None,
    threshold: int | None,
    suppressed: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The overall-grades chart's hidden cells, shaped like grade_counts(table).

    Without ``suppressed`` this is grading.overall_distribution_mask when the table carries
    the status columns (the paper's tables hide the same), else each column total is treated
    as published."""
    counts, scale = grade_counts(table, scale)
    if suppressed is None and threshold is not None:
        body = without_totals_row(table)
        if {NOT_SUBMITTED, NO_INVOLVEMENT} <= set(map(str, body.columns)):
            full = counts_frame(body, [*scale.all_grades, NOT_SUBMITTED, NO_INVOLVEMENT])
            suppressed = overall_distribution_mask(full, scale, threshold)
        else:
            suppressed = disclosure.suppression_mask(counts, threshold, column_totals=True)
    return chart_mask(counts, threshold, suppressed)


def area_grades_mask(
    table: pd.DataFrame,
    scale: GradeScale | None,
    threshold: int | None,
    suppressed: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The area-grades chart's hidden cells: each area's total is treated as published."""
    counts, _ = grade_counts(table, scale)
    return chart_mask(counts, threshold, suppressed)


def share_heatmap_mask(
    share: pd.DataFrame,
    counts: pd.DataFrame | None,
    threshold: int | None,
    suppressed: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Which heatmap shares are hidden, shaped like share_table(share).

    The caller's mask (e.g. grading.good_or_better_share_mask) and, with a threshold, any
    share whose good, not-good or graded count is from 1 to the threshold: 1 of 1 would say
    100 %. A cell with no share is never 'hidden'."""
    _check_threshold(threshold)
    share = share_table(share)
    if threshold is not None and counts is None and suppressed is None:
        raise ValueError("a heatmap for publication needs counts= (the graded audits per cell)")
    hidden = pd.DataFrame(False, index=share.index, columns=share.columns)
    if suppressed is not None:
        hidden |= mask_like(suppressed, share)
    if threshold is not None and counts is not None:
        graded = share_counts(counts, share)
        good = good_counts(share, graded)
        hidden |= disclosure.share_mask([good, graded - good, graded], threshold)
    return hidden & share.notna()


def good_counts(share: pd.DataFrame, graded: pd.DataFrame) -> pd.DataFrame:
    """The graded audits at or above the line behind each share (share × graded)."""
    return (share * graded).round().fillna(0).astype(int)


def small_base_mask(
    share: pd.DataFrame,
    counts: pd.DataFrame | None,
    hidden: pd.DataFrame,
    small_base: int = SMALL_BASE,
) -> pd.DataFrame:
    """Shown shares resting on fewer than ``small_base`` graded audits: too few to compare."""
    share = share_table(share)
    if counts is None:
        return pd.DataFrame(False, index=share.index, columns=share.columns)
    graded = share_counts(counts, share)
    hidden = mask_like(hidden, share)
    return (graded < small_base) & share.notna() & ~hidden


def returns_mask(
    table: pd.DataFrame, threshold: int | None, suppressed: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The returns chart's hidden cells, shaped like status_counts(table); each status total
    and each agency's row are treated as published."""
    return chart_mask(status_counts(table), threshold, suppressed, column_totals=True)


def series_mask(
    s: pd.Series, threshold: int | None, suppressed: MaskLike = None, *, sums_to_n: bool = True
) -> pd.Series:
    """A single series' hidden counts; ``sums_to_n`` when n (the published total) is their sum."""
    frame = s.to_frame("count")
    hidden = chart_mask(frame, threshold, suppressed, row_groups=[], column_totals=sums_to_n)
    return hidden["count"]


def counts_mask(
    counts: pd.Series | pd.DataFrame | Mapping,
    threshold: int | None,
    suppressed: MaskLike = None,
    *,
    column: str | None = None,
    n: int | None = None,
) -> pd.Series:
    """A counts chart's hidden bars: with no ``n`` given, n is the bars' sum and published."""
    return series_mask(as_series(counts, column), threshold, suppressed, sums_to_n=n is None)


def profile_mask(
    profile: pd.DataFrame | Mapping[str, pd.Series | pd.DataFrame],
    threshold: int | None,
    suppressed: MaskLike = None,
) -> dict[str, pd.Series]:
    """Each profile panel's hidden counts (heading → bool series); every panel sums to n.

    ``suppressed`` may be a mask shaped like a MultiIndex profile, to reuse the tables' own."""
    hidden = {}
    for heading, s in profile_panels(profile).items():
        given = None
        if isinstance(suppressed, pd.DataFrame | pd.Series) and isinstance(
            suppressed.index, pd.MultiIndex
        ):
            given = as_series(suppressed.xs(heading, level=0)).astype(bool)
        hidden[heading] = series_mask(s, threshold, given)
    return hidden
