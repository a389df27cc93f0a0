"""Status charts: the audits each agency returned (stacked bars) and the case-by-agency grid
of overall grades (a seaborn heatmap, one layer per grade or status)."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from audit_analysis.analysis import chart_tables as tables
from audit_analysis.analysis.chart_text import ChartText
from audit_analysis.analysis.status_chart_text import (
    CASE_GRID_TITLE,
    NOT_SUBMITTED_CODE,
    RETURNS_TITLE,
    case_grid_cells,
    describe_case_grid,
    describe_returns,
    grade_code,
)
from audit_analysis.paper.figures.bars import hbars, row_height, row_labels
from audit_analysis.paper.figures.grade_charts import hidden_legend_entry
from audit_analysis.paper.figures.layout import PAD, RIGHT, Page, draw_no_data
from audit_analysis.paper.figures.style import (
    FAINT,
    FONT_SIZE,
    INK,
    MUTED,
    NO_VALUE,
    STATUS_COLOURS,
    STATUS_EDGES,
    STATUS_HATCHES,
    STYLE,
    grade_hatches,
    grade_palette,
    set_hatch,
    swatch,
    text_colour_for,
)
from audit_analysis.vocabulary import NOT_GRADED, OFSTED, STATUS_LABELS, GradeScale

DUE = ("submitted", "incomplete", "not_submitted")
"""The statuses of an audit due; 'no involvement' is not a missing audit and is not drawn."""


def draw_returns(
    table: pd.DataFrame,
    hidden: pd.DataFrame | None,
    text: ChartText,
    *,
    hidden_length: float = 1,
) -> Figure:
    """Stacked horizontal bars: the audits due from each agency, by what came back.

    ``table``: ``grading.return_rates()`` (status columns). Each bar is submitted (dark teal)
    + incomplete (light teal) + not submitted (white, cross-hatched, outlined);
    ``text.row_tails`` ('6 of 6 · 4 no involvement', from ``describe_returns``) follow them.
    """
    if text.message:
        return draw_no_data(text)
    counts = tables.status_counts(table)
    mask = tables.mask_like(hidden, counts)
    labels = {s: STATUS_LABELS[s] for s in DUE}
    shown = counts[list(DUE)].rename(columns=labels)
    colours = {labels[s]: STATUS_COLOURS[s] for s in DUE}
    hatches = {labels[s]: STATUS_HATCHES.get(s, "") for s in DUE}
    edges = {labels[s]: STATUS_EDGES[s] for s in STATUS_EDGES}
    legend = [
        (lab, swatch(colours[lab], hatch=hatches[lab], edge=edges.get(lab)))
        for lab in shown.columns
    ]
    if mask.to_numpy().any():
        legend.append(hidden_legend_entry())
    wrapped, label_w = row_labels(text.row_labels or [str(i) for i in counts.index])
    row_h = row_height(wrapped)
    with mpl.rc_context(STYLE):
        page = Page(
            title=text.title,
            subtitle=text.subtitle,
            body_height=row_h * len(counts),
            legend=legend,
            notes=text.notes,
        )
        left = PAD + label_w
        ax = page.axes(left)
        hbars(
            ax,
            shown,
            mask[list(DUE)].rename(columns=labels),
            colours=colours,
            hatches=hatches,
            edges=edges,
            row_height=row_h,
            hidden_length=hidden_length,
            tails=text.row_tails or None,
            ax_width_in=page.width - left - RIGHT,
        )
        ax.set_yticklabels(wrapped)
    return page.done(text)


def plot_returns(
    table: pd.DataFrame,
    *,
    title: str = RETURNS_TITLE,
    threshold: int | None = None,
    suppressed: pd.DataFrame | None = None,
) -> Figure:
    """describe_returns + draw_returns, the mask from chart_tables.returns_mask; a publication
    version (a threshold or a mask given) leaves out the after-bar totals."""
    if tables.is_empty(table) or tables.all_zero(tables.status_counts(table)):
        return draw_no_data(describe_returns(table, title=title))
    hidden = tables.returns_mask(table, threshold, suppressed)
    publication = threshold is not None or suppressed is not None
    text = describe_returns(
        table, hidden, title=title, threshold=threshold, publication=publication
    )
    return draw_returns(table, hidden, text, hidden_length=threshold or 1)


def _grid_kinds(scale: GradeScale, hatch: bool) -> dict[str, tuple[str, str, str, str]]:
    """Cell value → (fill, edge, hatch, text colour); a blank (no return) is not drawn."""
    colours, hatches = grade_palette(scale), grade_hatches(scale, hatch)
    kinds = {
        g: (colours[g], FAINT if g == NOT_GRADED else "", hatches[g], text_colour_for(colours[g]))
        for g in scale.all_grades
    }
    kinds[STATUS_LABELS["not_submitted"]] = ("#ffffff", "#4d4d4d", "xxx", INK)
    kinds[STATUS_LABELS["no_involvement"]] = ("none", "", "", MUTED)
    return kinds


def draw_case_grid(
    grid: pd.DataFrame,
    text: ChartText,
    scale: GradeScale = OFSTED,
    *,
    hatch: bool = False,
) -> Figure:
    """Grid of the overall grade each agency gave each case (agencies as rows, cases as columns).

    ``grid``: ``grading.case_agency_grid()``. Each grade or status is one seaborn heatmap
    layer in its grade colour, the cells printing ``text.cell_labels`` (``describe_case_grid``:
    short grade codes, 'NS', '–'); "Not submitted" (and, with ``hatch``, the worst grade) is
    cross-hatched and outlined; a blank cell is no return.
    """
    if text.message:
        return draw_no_data(text)
    cells = case_grid_cells(grid, scale)
    kinds = _grid_kinds(scale, hatch)
    not_submitted, no_involvement = STATUS_LABELS["not_submitted"], STATUS_LABELS["no_involvement"]
    legend = [
        (
            f"{grade_code(g)} {g}" if grade_code(g) != g else g,
            swatch(kinds[g][0], hatch=kinds[g][2], edge=kinds[g][1] or None),
        )
        for g in scale.all_grades
    ]
    legend.append(
        (f"{NOT_SUBMITTED_CODE} {not_submitted}", swatch("#ffffff", hatch="xxx", edge="#4d4d4d"))
    )
    legend.append((f"{NO_VALUE} {no_involvement}", {"facecolor": "none", "edgecolor": "none"}))
    rows, label_w = row_labels(list(text.row_labels or map(str, cells.index)), 2.0)
    row_h = row_height(rows, 0.34)
    nrows, ncols = cells.shape
    labels = np.array([list(r) for r in text.cell_labels], dtype=object).reshape(nrows, ncols)
    values = cells.to_numpy()
    with mpl.rc_context(STYLE):
        page = Page(
            title=text.title,
            subtitle=text.subtitle,
            body_height=row_h * nrows,
            legend=legend,
            notes=text.notes,
            top_extra=0.3,
        )
        ax = page.axes(PAD + label_w)
        for value, (face, edge, hatch_, ink) in kinds.items():
            where = values == value
            if not where.any():
                continue
            before = len(ax.texts)
            sns.heatmap(
                np.zeros(values.shape),
                mask=~where,
                cmap=ListedColormap([face]),
                annot=labels,
                fmt="",
                annot_kws={"fontsize": FONT_SIZE, "color": ink},
                cbar=False,
                linewidths=2.5,
                linecolor="white",
                xticklabels=False,
                yticklabels=False,
                ax=ax,
            )
            ax.collections[-1].set_gid(value)
            for label in ax.texts[before:]:
                label.set_gid("cell")
                if hatch_:
                    label.set_bbox({"boxstyle": "square,pad=0.15", "fc": face, "ec": "none"})
            if not (edge or hatch_):
                continue
            # seaborn's mesh cannot hatch or outline one kind of cell: a square on top does.
            cell_w = (page.width - PAD - label_w - RIGHT) / ncols
            dx, dy = 0.05, 0.05 * row_h / cell_w  # the same inset in inches both ways
            for i, j in zip(*np.nonzero(where), strict=True):
                patch = Rectangle(
                    (j + dx, i + dy),
                    1 - 2 * dx,
                    1 - 2 * dy,
                    facecolor="none",
                    edgecolor=edge or "none",
                    linewidth=0.6,
                    gid=value,
                    zorder=2,  # above every layer's white cell borders, under the text
                )
                set_hatch(patch, hatch_, face if face != "none" else "#ffffff")
                ax.add_patch(patch)
        ax.set_xticks(np.arange(ncols) + 0.5, list(text.column_labels or map(str, cells.columns)))
        ax.xaxis.tick_top()
        ax.set_xlabel(text.axis_label, labelpad=4)
        ax.xaxis.set_label_position("top")
        ax.set_yticks(np.arange(nrows) + 0.5, rows, rotation=0)
        ax.set_xlim(0, ncols)
        ax.set_ylim(nrows, 0)
        ax.tick_params(length=0, pad=3)
        for spine in ax.spines.values():
            spine.set_visible(False)
    return page.done(text)


def plot_case_grid(
    grid: pd.DataFrame,
    scale: GradeScale = OFSTED,
    *,
    title: str = CASE_GRID_TITLE,
    hatch: bool = False,
    threshold: int | None = None,
    suppressed: object = None,
) -> Figure:
    """describe_case_grid + draw_case_grid; withheld (a figure saying so) for publication."""
    publication = threshold is not None or suppressed is not None
    text = describe_case_grid(grid, scale, title=title, publication=publication)
    return draw_case_grid(grid, text, scale, hatch=hatch)
