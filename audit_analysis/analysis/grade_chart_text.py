"""The words of the grade charts: overall grades by agency, grades by key area, the share heatmap.

Each ``describe_*`` takes the chart's analysis table and its hidden-cell mask (True = shown as
'c'; see chart_tables for the fallback masks) and returns the :class:`ChartText` a renderer
prints: nothing here draws, and nothing in the renderer counts or words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from audit_analysis.analysis import chart_tables as tables
from audit_analysis.analysis import disclosure
from audit_analysis.analysis.chart_text import (
    MARKER,
    NO_VALUE,
    ChartText,
    area_labels,
    areas_phrase,
    count_or_marker,
    describe_rows,
    hidden_alt_note,
    n_text,
    no_data_text,
    one_line,
    plural,
    suppression_note,
)
from audit_analysis.analysis.grading import ALL_AGENCIES
from audit_analysis.vocabulary import OFSTED, GradeScale, KeyArea

OVERALL_GRADES_TITLE = "Overall grade given by each agency"
AREA_GRADES_TITLE = "Grades for each key area of practice"


def _row_tails(
    counts: pd.DataFrame, threshold: int | None, hidden: Sequence[bool] | None = None
) -> tuple[str, ...]:
    # Row totals are published (the findings state each agency's number of audits), shown as
    # c when small, or as the paper decided (`hidden`, one per row).
    return tuple(
        f"n = {count_or_marker(int(t), threshold, None if hidden is None else hidden[k])}"
        for k, t in enumerate(counts.sum(axis=1))
    )


def _grade_notes(hidden: pd.DataFrame, threshold: int | None) -> tuple[str, ...]:
    return (suppression_note(threshold, "segments"),) if hidden.to_numpy().any() else ()


def describe_overall_grades(
    table: pd.DataFrame,
    hidden: pd.DataFrame | None = None,
    scale: GradeScale | None = None,
    *,
    title: str = OVERALL_GRADES_TITLE,
    threshold: int | None = None,
    totals_hidden: Mapping[str, bool] | None = None,
) -> ChartText:
    """The words of the overall-grades chart (stacked bars, one per agency).

    ``table``: ``grading.overall_grade_distribution()`` (a totals row and status columns are
    left out); ``hidden``: shaped like it or like its grade columns, e.g.
    ``chart_tables.overall_grades_mask``. n = audits (returns with an overall grading);
    ``threshold`` says which totals print as 'c' and words the caption; ``totals_hidden``
    (each agency's total, and n under "All agencies") overrides it with the paper's decision.
    """
    if tables.is_empty(table):
        return no_data_text(title)
    counts, scale = tables.grade_counts(table, scale)
    if tables.all_zero(counts):
        return no_data_text(title)
    hidden = tables.mask_like(hidden, counts)
    n = int(counts.to_numpy().sum())
    n_agencies = plural(len(counts), "agency", "agencies")
    labels = tuple(str(i) for i in counts.index)
    n_hidden = None if totals_hidden is None else totals_hidden.get(ALL_AGENCIES)
    rows_hidden = None if totals_hidden is None else [totals_hidden[r] for r in labels]
    alt = (
        f"Stacked bar chart of the overall grade given by each agency, {n_agencies}, "
        f"{n_text(n, 'audits', threshold, n_hidden)}, on the {scale.label} "
        f"({', '.join(scale.all_grades)}). "
        + describe_rows(counts, hidden, labels, threshold, totals=True, totals_hidden=rows_hidden)
        + hidden_alt_note(hidden, threshold)
    )
    return ChartText(
        title=title,
        subtitle=f"{n_text(n, 'audits', threshold, n_hidden)} from {n_agencies} · {scale.label}",
        alt_text=one_line(alt),
        notes=_grade_notes(hidden, threshold),
        row_tails=_row_tails(counts, threshold, rows_hidden),
        row_labels=labels,
    )


def describe_area_grades(
    table: pd.DataFrame,
    hidden: pd.DataFrame | None = None,
    scale: GradeScale | None = None,
    *,
    areas: Sequence[KeyArea] | None = None,
    title: str = AREA_GRADES_TITLE,
    threshold: int | None = None,
    total_hidden: bool | None = None,
) -> ChartText:
    """The words of the key-area chart (stacked bars, one per area, all agencies together).

    ``table``: ``grading.area_grade_distribution()``; its index (area keys or labels) is
    named by ``areas`` (default the six standard areas). n = audits graded in each area.
    """
    if tables.is_empty(table):
        return no_data_text(title)
    counts, scale = tables.grade_counts(table, scale)
    if tables.all_zero(counts):
        return no_data_text(title)
    hidden = tables.mask_like(hidden, counts)
    labels = tuple(area_labels(counts.index, areas))
    per_area = counts.sum(axis=1)
    lo, hi = int(per_area.min()), int(per_area.max())
    n_areas = areas_phrase(labels)
    rows_hidden = None if total_hidden is None else [total_hidden] * len(counts)
    if lo == hi:
        n_line = f"{n_text(hi, 'audits', threshold, total_hidden)}, each covering {n_areas}"
    else:
        lo_text, hi_text = count_or_marker(lo, threshold), count_or_marker(hi, threshold)
        n_line = f"n = {lo_text} to {hi_text} audits per row, in {n_areas}"
    alt = (
        f"Stacked bar chart of grades by key area, {n_line}, on the {scale.label}. "
        + describe_rows(counts, hidden, labels, threshold, totals=True, totals_hidden=rows_hidden)
        + hidden_alt_note(hidden, threshold)
    )
    return ChartText(
        title=title,
        subtitle=f"{n_line} · {scale.label}",
        alt_text=one_line(alt),
        notes=_grade_notes(hidden, threshold),
        row_tails=_row_tails(counts, threshold, rows_hidden),
        row_labels=labels,
    )


def share_heatmap_title(scale: GradeScale = OFSTED) -> str:
    return f"Audits rated {scale.good_or_better[-1]} or better, by agency and key area"


def describe_share_heatmap(
    share: pd.DataFrame,
    counts: pd.DataFrame | None = None,
    hidden: pd.DataFrame | None = None,
    scale: GradeScale = OFSTED,
    *,
    small: pd.DataFrame | None = None,
    areas: Sequence[KeyArea] | None = None,
    title: str | None = None,
    n_audits: int | None = None,
    small_base: int = tables.SMALL_BASE,
    threshold: int | None = None,
    graded_hidden: bool | None = None,
) -> ChartText:
    """The words of the share heatmap: subtitle, notes, alt text and each cell's label.

    ``share``: ``grading.good_or_better_share()`` (NaN: nothing graded, labelled '–', never
    0 %); ``counts``: ``grading.graded_counts()``, when given cells read '67%' over '4/6' and
    n counts grades; ``hidden``: e.g. ``chart_tables.share_heatmap_mask``; ``small``: shares
    too few to compare (``chart_tables.small_base_mask``, which rests on ``small_base``).
    ``n_audits`` (the audits received) lets the subtitle say where the grades come from.
    """
    line = f"{scale.good_or_better[-1]} or better"
    title = title or share_heatmap_title(scale)
    if share is None or share.size == 0 or share.isna().all().all():
        return no_data_text(title)
    share = tables.share_table(share)
    graded = tables.share_counts(counts, share) if counts is not None else None
    good = tables.good_counts(share, graded) if graded is not None else None
    hidden = tables.mask_like(hidden, share)
    small = tables.mask_like(small, share)
    col_labels = tuple(area_labels(share.columns, areas))
    n_agencies = plural(len(share), "agency", "agencies")
    where = f"in {areas_phrase(col_labels)}"
    if n_audits is not None:
        if disclosure.is_small(int(n_audits), threshold):
            source = f"from {MARKER} audits by {n_agencies}"
        else:
            source = f"from {plural(int(n_audits), 'audit')} by {n_agencies}"
    else:
        source = f"from {n_agencies}"
    if graded is not None:
        n_graded = int(graded.to_numpy().sum())
        subtitle = f"{n_text(n_graded, 'grades', threshold, graded_hidden)} {where}, {source}"
    else:
        cells = int(share.notna().to_numpy().sum())
        subtitle = f"n = {cells} agency and area cells with grades {where}, {source}"
    notes = [
        f"{NO_VALUE} = no graded audit from that agency in that area; "
        "'Not graded' is left out of the shares."
    ]
    if small.to_numpy().any():
        notes.append(
            f"Pale, hatched cells: shares from fewer than {small_base} graded audits, "
            "too few to compare."
        )
    if hidden.to_numpy().any():
        notes.append(
            suppression_note(threshold, "cells")
            .split(" Dotted")[0]
            .replace("counts of", "shares resting on counts of")
            .replace("and any count", "or on any count")
        )
    cell_labels, parts = [], []
    for i, agency in enumerate(share.index):
        row, said = [], []
        for j, label in enumerate(col_labels):
            value = share.iat[i, j]
            if pd.isna(value):
                row.append(NO_VALUE)
                continue
            if hidden.iat[i, j]:
                row.append(MARKER)
                said.append(f"{label} {MARKER}")
                continue
            text, extra = f"{value:.0%}", ""
            if graded is not None and good is not None:
                text += f"\n{good.iat[i, j]}/{graded.iat[i, j]}"
                too_few = ", too few to compare" if small.iat[i, j] else ""
                extra = f" ({good.iat[i, j]} of {graded.iat[i, j]}{too_few})"
            row.append(text)
            said.append(f"{label} {value:.0%}{extra}")
        cell_labels.append(tuple(row))
        parts.append(f"{agency}: {', '.join(said) if said else 'nothing graded'}")
    small_note = (
        f" Shares from fewer than {small_base} graded audits are drawn pale and hatched, "
        "too few to compare."
        if small.to_numpy().any()
        else ""
    )
    alt = (
        f"Heatmap of the share of graded audits rated {line}, "
        f"{n_agencies} (rows) by {areas_phrase(col_labels)} (columns), {subtitle}; "
        f"darker blue means a higher share.{small_note} "
        + "; ".join(parts)
        + "."
        + hidden_alt_note(hidden, threshold)
    )
    return ChartText(
        title=title,
        subtitle=subtitle,
        alt_text=one_line(alt),
        notes=tuple(notes),
        row_labels=tuple(str(i) for i in share.index),
        column_labels=col_labels,
        cell_labels=tuple(cell_labels),
    )
