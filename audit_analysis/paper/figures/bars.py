"""The bar engine: stacked or single horizontal bars and vertical bars, labelled with counts.

A bar's label is its count from the table, or 'c' where the hidden mask is True. A hidden bar
or segment keeps its colour (which says only what it counts) but is dotted and drawn at a
fixed length, ``hidden_length``, whatever it hides: its length would give the number away.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from audit_analysis.paper.figures.layout import lines, text_width_in, wrap_to_inches
from audit_analysis.paper.figures.style import (
    FONT_SIZE,
    INK,
    MUTED,
    NEUTRAL_BAR,
    SUPPRESSED_HATCH,
    SUPPRESSED_LABEL,
    set_hatch,
    text_colour_for,
)

BAR_INCHES = 0.24
ROW_MIN = 0.38
LABEL_MAX_IN = 2.3


def row_labels(labels: Sequence[object], max_in: float = LABEL_MAX_IN) -> tuple[list[str], float]:
    """The labels wrapped to ``max_in``, and the width in inches the widest needs."""
    wrapped = [wrap_to_inches(lab, max_in) for lab in labels]
    return wrapped, max((text_width_in(w) for w in wrapped), default=0.5) + 0.12


def row_height(wrapped: Sequence[str], minimum: float = ROW_MIN) -> float:
    """Row pitch: room for the bar and a label above it; a 3-line name may use the gap."""
    return max(minimum, max((lines(w) for w in wrapped), default=1) * 0.14 + 0.02)


def hbars(
    ax: Axes,
    counts: pd.DataFrame,
    hidden: pd.DataFrame,
    *,
    colours: Mapping[str, str],
    hatches: Mapping[str, str] | None = None,
    edges: Mapping[str, str] | None = None,
    row_height: float,
    ax_width_in: float,
    hidden_length: float = 1,
    tails: Sequence[str] | None = None,
    span: float | None = None,
    show_zero: bool = False,
) -> None:
    """One stacked horizontal bar per row of ``counts`` (columns = segments, left to right).

    Each column becomes a BarContainer labelled with the column name, one patch per row
    (zero-width patches are kept, invisible). Count labels are Texts with gid 'count': inside
    the segment when they fit, else just above it. A hidden cell is drawn at length
    ``hidden_length``, dotted, labelled 'c'. ``tails`` are texts after each bar.
    """
    hatches, edges = hatches or {}, edges or {}
    drawn = counts.astype(float).mask(hidden, float(hidden_length))
    ends = drawn.sum(axis=1).to_numpy()
    longest = float(span if span is not None else (ends.max() if len(ends) else 0)) or 1.0
    tail_room = (max(text_width_in(t) for t in tails) + 0.12) if tails else 0.05
    xmax = longest * ax_width_in / max(ax_width_in - tail_room, 0.5)
    per_inch = xmax / ax_width_in
    bar_h = BAR_INCHES / row_height
    y = np.arange(len(counts))
    left = np.zeros(len(counts))
    above: dict[int, list[tuple[float, str]]] = {}
    for col in counts.columns:
        widths = drawn[col].to_numpy()
        face = colours[col]
        bars = ax.barh(
            y,
            widths,
            left=left,
            height=bar_h,
            color=face,
            linewidth=0.8,
            edgecolor=edges.get(col, "white"),
            label=str(col),
        )
        for i, patch in enumerate(bars.patches):
            value = int(counts[col].iloc[i])
            is_hidden = bool(hidden[col].iloc[i])
            set_hatch(patch, SUPPRESSED_HATCH if is_hidden else hatches.get(col), face)
            if is_hidden:
                patch.set_gid("suppressed")
            if widths[i] == 0:
                patch.set_visible(False)
                if not show_zero:
                    continue
            label = SUPPRESSED_LABEL if is_hidden else str(value)
            centre = left[i] + widths[i] / 2
            if widths[i] > 0 and widths[i] / per_inch >= text_width_in(label) + 0.08:
                text = ax.text(
                    centre,
                    y[i],
                    label,
                    ha="center",
                    va="center",
                    fontsize=FONT_SIZE,
                    color=text_colour_for(face),
                    gid="count",
                )
                if patch.get_hatch():
                    text.set_bbox({"boxstyle": "square,pad=0.15", "fc": face, "ec": "none"})
            elif widths[i] == 0:
                ax.text(
                    left[i] + 0.04 * per_inch,
                    y[i],
                    label,
                    ha="left",
                    va="center",
                    fontsize=FONT_SIZE,
                    color=INK,
                    gid="count",
                )
            else:
                above.setdefault(i, []).append((centre, label))
        left = left + widths
    # Labels too wide for their segment sit just above it, nudged apart.
    for i, items in above.items():
        last_right = -np.inf
        for centre, label in sorted(items):
            half = (text_width_in(label) / 2 + 0.03) * per_inch
            x = max(centre, last_right + half)
            last_right = x + half
            ax.text(
                x,
                y[i] - bar_h / 2 - 0.02,
                label,
                ha="center",
                va="bottom",
                fontsize=FONT_SIZE,
                color=INK,
                gid="count",
            )
    for i, tail in enumerate(tails or ()):
        ax.text(
            ends[i] + 0.08 * per_inch,
            y[i],
            tail,
            ha="left",
            va="center",
            fontsize=FONT_SIZE,
            color=MUTED,
            gid="row-total",
        )
    ax.set_xlim(0, xmax)
    ax.set_ylim(len(counts) - 0.5, -0.5)
    ax.set_yticks(y)
    ax.tick_params(axis="y", length=0, pad=4)
    ax.xaxis.set_visible(False)
    for spine in ax.spines.values():
        spine.set_visible(False)


def vbars(
    ax: Axes,
    s: pd.Series,
    hidden: pd.Series,
    labels: Sequence[str],
    *,
    hidden_length: float = 1,
    axis_label: str = "",
) -> None:
    """One vertical bar per entry of ``s``, its count (or 'c') written above it."""
    heights = s.astype(float).mask(hidden, float(hidden_length)).to_numpy()
    x = np.arange(len(s))
    bars = ax.bar(
        x, heights, width=0.62, color=NEUTRAL_BAR, edgecolor="white", linewidth=0.8, label="count"
    )
    top = float(max(heights.max(), 1))
    for i, patch in enumerate(bars.patches):
        if hidden.iloc[i]:
            set_hatch(patch, SUPPRESSED_HATCH, NEUTRAL_BAR)
            patch.set_gid("suppressed")
        label = SUPPRESSED_LABEL if hidden.iloc[i] else str(int(s.iloc[i]))
        ax.text(
            x[i],
            heights[i] + top * 0.02,
            label,
            ha="center",
            va="bottom",
            fontsize=FONT_SIZE,
            color=INK,
            gid="count",
        )
    ax.set_ylim(0, top * 1.15)
    ax.set_xlim(-0.6, len(s) - 0.4)
    ax.set_xticks(x, labels)
    ax.tick_params(axis="x", length=0)
    if axis_label:
        ax.set_xlabel(axis_label)
    ax.yaxis.set_visible(False)
    ax.spines["left"].set_visible(False)
