"""Grade charts: overall grades by agency and grades by key area (stacked bars, bars.py), and
the share of audits at or above the "good" line by agency and area (a seaborn heatmap).

``draw_*`` functions draw a table, its hidden-cell mask and the ChartText the analysis worded
(grade_chart_text): labels on bars are the table's counts or 'c'; every other string comes
from the text. ``plot_*`` are thin compositions of the analysis stage's mask and words with
the drawing, kept for callers that have not moved to exhibits yet.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.colors import LinearSegmentedColormap, ListedColormap, to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from audit_analysis.analysis import chart_tables as tables
from audit_analysis.analysis.chart_text import ChartText
from audit_analysis.analysis.grade_chart_text import (
    AREA_GRADES_TITLE,
    OVERALL_GRADES_TITLE,
    describe_area_grades,
    describe_overall_grades,
    describe_share_heatmap,
)
from audit_analysis.paper.figures.bars import hbars, row_height, row_labels
from audit_analysis.paper.figures.layout import (
    PAD,
    RIGHT,
    Page,
    draw_no_data,
    lines,
    text_width_in,
    two_lines,
    wrap_to_inches,
)
from audit_analysis.paper.figures.style import (
    FAINT,
    FIG_WIDTH_IN,
    FONT_SIZE,
    INK,
    MUTED,
    SHARE_CMAP,
    SHARE_COLOURS,
    SMALL_BASE,
    SMALL_BASE_HATCH,
    SMALL_BASE_HATCH_COLOUR,
    SMALL_BASE_STRENGTH,
    STYLE,
    SUPPRESSED_FILL,
    SUPPRESSED_HATCH,
    SUPPRESSED_LABEL,
    grade_hatches,
    grade_palette,
    pale,
    set_hatch,
    swatch,
    text_colour_for,
)
from audit_analysis.vocabulary import NOT_GRADED, OFSTED, GradeScale, KeyArea

PALE_SHARE_CMAP = LinearSegmentedColormap.from_list(
    "share_good_pale", [pale(c, SMALL_BASE_STRENGTH) for c in SHARE_COLOURS]
)
"""SHARE_CMAP mixed with white: a small-base cell keeps a hint of its share's colour."""


def hidden_legend_entry() -> tuple[str, dict]:
    return (f"Hidden ({SUPPRESSED_LABEL})", swatch("#ffffff", hatch=SUPPRESSED_HATCH, edge=FAINT))


def _draw_stacked_grades(
    counts: pd.DataFrame,
    hidden: pd.DataFrame,
    text: ChartText,
    scale: GradeScale,
    *,
    hatch: bool,
    hidden_length: float,
) -> Figure:
    colours = grade_palette(scale)
    hatches = grade_hatches(scale, hatch)
    legend = [
        (g, swatch(colours[g], hatch=hatches[g], edge=FAINT if g == NOT_GRADED else None))
        for g in scale.all_grades
    ]
    if hidden.to_numpy().any():
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
            counts,
            hidden,
            colours=colours,
            hatches=hatches,
            edges={NOT_GRADED: FAINT},
            row_height=row_h,
            hidden_length=hidden_length,
            tails=text.row_tails or None,
            ax_width_in=page.width - left - RIGHT,
        )
        ax.set_yticklabels(wrapped)
    return page.done(text)


def draw_overall_grades(
    table: pd.DataFrame,
    hidden: pd.DataFrame | None,
    text: ChartText,
    scale: GradeScale | None = None,
    *,
    hatch: bool = False,
    hidden_length: float = 1,
) -> Figure:
    """Stacked horizontal bars: the overall grades of each agency's audits.

    ``table``: ``grading.overall_grade_distribution()`` — index agency (drawn top to bottom),
    the scale's grades then "Not graded"; a totals row and the status columns are not drawn.
    ``hidden`` (True = 'c', drawn dotted at ``hidden_length``, usually the threshold) and
    ``text`` (``describe_overall_grades``) come from the analysis stage; ``hatch`` hatches
    the worst grade for a paper that will be photocopied.
    """
    if text.message:
        return draw_no_data(text)
    counts, scale = tables.grade_counts(table, scale)
    return _draw_stacked_grades(
        counts,
        tables.mask_like(hidden, counts),
        text,
        scale,
        hatch=hatch,
        hidden_length=hidden_length,
    )


def draw_area_grades(
    table: pd.DataFrame,
    hidden: pd.DataFrame | None,
    text: ChartText,
    scale: GradeScale | None = None,
    *,
    hatch: bool = False,
    hidden_length: float = 1,
) -> Figure:
    """Stacked horizontal bars: how each key area was graded (``grading.area_grade_distribution()``),
    rows named by ``text.row_labels``; words from ``describe_area_grades``."""
    if text.message:
        return draw_no_data(text)
    counts, scale = tables.grade_counts(table, scale)
    return _draw_stacked_grades(
        counts,
        tables.mask_like(hidden, counts),
        text,
        scale,
        hatch=hatch,
        hidden_length=hidden_length,
    )


def plot_overall_grades(
    table: pd.DataFrame,
    scale: GradeScale | None = None,
    *,
    title: str = OVERALL_GRADES_TITLE,
    hatch: bool = False,
    threshold: int | None = None,
    suppressed: pd.DataFrame | None = None,
) -> Figure:
    """describe_overall_grades + draw_overall_grades, the mask from chart_tables.overall_grades_mask."""
    if tables.is_empty(table) or tables.all_zero(tables.grade_counts(table, scale)[0]):
        return draw_no_data(describe_overall_grades(table, title=title))
    hidden = tables.overall_grades_mask(table, scale, threshold, suppressed)
    text = describe_overall_grades(table, hidden, scale, title=title, threshold=threshold)
    return draw_overall_grades(
        table, hidden, text, scale, hatch=hatch, hidden_length=threshold or 1
    )


def plot_area_grades(
    table: pd.DataFrame,
    scale: GradeScale | None = None,
    *,
    areas: Sequence[KeyArea] | None = None,
    title: str = AREA_GRADES_TITLE,
    hatch: bool = False,
    threshold: int | None = None,
    suppressed: pd.DataFrame | None = None,
) -> Figure:
    """describe_area_grades + draw_area_grades, the mask from chart_tables.area_grades_mask."""
    if tables.is_empty(table) or tables.all_zero(tables.grade_counts(table, scale)[0]):
        return draw_no_data(describe_area_grades(table, title=title))
    hidden = tables.area_grades_mask(table, scale, threshold, suppressed)
    text = describe_area_grades(table, hidden, scale, areas=areas, title=title, threshold=threshold)
    return draw_area_grades(table, hidden, text, scale, hatch=hatch, hidden_length=threshold or 1)


# ---------------------------------------------------------------------------- the heatmap

_CELL_KINDS = ("share", "small-base", "suppressed", "no-data")


def _heatmap_header(col_labels: Sequence[str], left: float) -> tuple[list[str], bool, float, float]:
    """Column headers wrapped, or at 45° when a word is wider than a cell; (headers, rotated,
    room on the right, header height)."""
    ncols = len(col_labels)
    cell_w = (FIG_WIDTH_IN - left - RIGHT) / ncols
    widest_word = max(text_width_in(w) for c in col_labels for w in str(c).split())
    if widest_word + 0.06 > cell_w:  # the last header runs past the grid: room on the right
        head = [two_lines(c) for c in col_labels]
        reach = (text_width_in(head[-1]) + lines(head[-1]) * 0.15) * math.cos(math.radians(45))
        right = max(RIGHT, reach - (FIG_WIDTH_IN - left - RIGHT) / ncols / 2 + 0.05)
        head_h = max(text_width_in(h) * 0.71 + lines(h) * 0.15 * 0.71 for h in head) + 0.08
        return head, True, right, head_h
    head = [wrap_to_inches(c, cell_w - 0.06) for c in col_labels]
    return head, False, RIGHT, max(lines(h) for h in head) * 0.15 + 0.08


def _heatmap_layer(ax, values: np.ndarray, shown: np.ndarray, labels: np.ndarray, cmap, kind: str):
    """One kind of cell, drawn by seaborn with its labels; returns the labels' Texts."""
    before = len(ax.texts)
    sns.heatmap(
        values,
        mask=~shown,
        cmap=cmap,
        vmin=0,
        vmax=1,
        annot=labels,
        fmt="",
        annot_kws={"fontsize": FONT_SIZE, "linespacing": 1.1},
        cbar=False,
        linewidths=1.5,
        linecolor="white",
        xticklabels=False,
        yticklabels=False,
        ax=ax,
    )
    ax.collections[-1].set_gid(kind)
    return ax.texts[before:]


def draw_share_heatmap(
    share: pd.DataFrame,
    hidden: pd.DataFrame | None,
    text: ChartText,
    *,
    small: pd.DataFrame | None = None,
) -> Figure:
    """Heatmap of the share of each agency's graded audits at or above the line, by area.

    ``share``: ``grading.good_or_better_share()`` (0–1, NaN where nothing was graded). Cells
    are drawn by kind, one seaborn heatmap each: a share (SHARE_CMAP, darker = higher), a
    share too few to compare (``small``: pale and hatched), a hidden share (``hidden``: grey)
    and no share (white). Each cell prints ``text.cell_labels``; the headers are
    ``text.column_labels`` and ``text.row_labels`` (``describe_share_heatmap``).
    """
    if text.message:
        return draw_no_data(text)
    share = tables.share_table(share)
    hidden = tables.mask_like(hidden, share) & share.notna()
    small = tables.mask_like(small, share) & share.notna() & ~hidden
    col_labels = list(text.column_labels or map(str, share.columns))
    rows, label_w = row_labels(list(text.row_labels or map(str, share.index)), 1.8)
    left = PAD + label_w
    head, rotate, right, head_h = _heatmap_header(col_labels, left)
    nrows, ncols = share.shape
    two_line_cells = any("\n" in c for row in text.cell_labels for c in row)
    row_h = row_height(rows, 0.38 if two_line_cells else 0.3)
    labels = np.array([list(r) for r in text.cell_labels], dtype=object).reshape(nrows, ncols)
    values = share.fillna(0).to_numpy()
    kinds = {
        "share": share.notna().to_numpy() & ~hidden.to_numpy() & ~small.to_numpy(),
        "small-base": small.to_numpy(),
        "suppressed": hidden.to_numpy(),
        "no-data": share.isna().to_numpy(),
    }
    cmaps = {
        "share": SHARE_CMAP,
        "small-base": PALE_SHARE_CMAP,
        "suppressed": ListedColormap([SUPPRESSED_FILL]),
        "no-data": ListedColormap(["#ffffff"]),
    }
    with mpl.rc_context(STYLE):
        page = Page(
            title=text.title,
            subtitle=text.subtitle,
            body_height=row_h * nrows,
            notes=text.notes,
            top_extra=head_h,
        )
        ax = page.axes(left, right=right)
        for kind in _CELL_KINDS:
            if not kinds[kind].any():
                continue
            for label in _heatmap_layer(ax, values, kinds[kind], labels, cmaps[kind], kind):
                i, j = (int(v) for v in np.floor(label.get_position()[::-1]))
                label.set_gid("cell")
                if kind == "share":
                    label.set_color(text_colour_for(to_hex(SHARE_CMAP(values[i, j]))))
                elif kind == "no-data":
                    label.set_color(MUTED)
                else:
                    label.set_color(INK)
                if kind == "small-base":
                    face = to_hex(PALE_SHARE_CMAP(values[i, j]))
                    label.set_bbox({"boxstyle": "square,pad=0.15", "fc": face, "ec": "none"})
                    # seaborn's mesh cannot hatch: a hatched outline-free square on top.
                    patch = Rectangle((j, i), 1, 1, facecolor="none", edgecolor="none")
                    set_hatch(patch, SMALL_BASE_HATCH, face, SMALL_BASE_HATCH_COLOUR)
                    patch.set_gid("small-base")
                    patch.set_zorder(2)  # above every layer's white cell borders
                    ax.add_patch(patch)
        if rotate:
            ax.set_xticks(
                np.arange(ncols) + 0.5,
                head,
                rotation=45,
                ha="left",
                va="bottom",
                rotation_mode="anchor",
            )
        else:
            ax.set_xticks(np.arange(ncols) + 0.5, head)
        ax.xaxis.tick_top()
        ax.set_yticks(np.arange(nrows) + 0.5, rows, rotation=0)
        ax.tick_params(length=0, pad=3)
        for spine in ax.spines.values():
            spine.set_visible(False)
    return page.done(text)


def plot_share_heatmap(
    share: pd.DataFrame,
    counts: pd.DataFrame | None = None,
    scale: GradeScale = OFSTED,
    *,
    areas: Sequence[KeyArea] | None = None,
    title: str | None = None,
    n_audits: int | None = None,
    small_base: int = SMALL_BASE,
    threshold: int | None = None,
    suppressed: pd.DataFrame | None = None,
) -> Figure:
    """describe_share_heatmap + draw_share_heatmap; masks from chart_tables.share_heatmap_mask
    (the caller's ``suppressed`` plus, with a threshold, small good/not-good/graded counts)
    and chart_tables.small_base_mask."""
    if share is None or share.size == 0 or share.isna().all().all():
        return draw_no_data(describe_share_heatmap(share, scale=scale, title=title))
    hidden = tables.share_heatmap_mask(share, counts, threshold, suppressed)
    small = tables.small_base_mask(share, counts, hidden, small_base)
    text = describe_share_heatmap(
        share,
        counts,
        hidden,
        scale,
        small=small,
        areas=areas,
        title=title,
        n_audits=n_audits,
        small_base=small_base,
        threshold=threshold,
    )
    return draw_share_heatmap(share, hidden, text, small=small)
