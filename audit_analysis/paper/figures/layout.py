"""Page layout in inches, so text sizes never depend on the number of rows: title, subtitle,
legend, body, notes top to bottom; text measured in the house font and wrapped to fit."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from functools import lru_cache

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.patches import Patch

from audit_analysis.analysis.chart_text import ChartText
from audit_analysis.paper.figures.saving import PaperFigure, attach_alt_text
from audit_analysis.paper.figures.style import (
    FIG_WIDTH_IN,
    FONT_FAMILY,
    FONT_SIZE,
    INK,
    MUTED,
    SCREEN_DPI,
    STYLE,
    TITLE_SIZE,
)

PAD = 0.1
RIGHT = 0.15
_TITLE_LINE = 0.21
_SUB_LINE = 0.17
_NOTE_LINE = 0.16
_LEGEND_ROW = 0.21

# ---------------------------------------------------------------------------- text measuring


@lru_cache(maxsize=8)
def _font(bold: bool):
    return get_font(
        findfont(FontProperties(family=FONT_FAMILY, weight="bold" if bold else "normal"))
    )


@lru_cache(maxsize=8192)
def text_width_in(text: str, size: float = FONT_SIZE, bold: bool = False) -> float:
    """Width in inches of (the widest line of) a text at a font size."""
    font = _font(bold)
    font.set_size(size, 72)
    widest = 0.0
    for line in str(text).split("\n"):
        font.set_text(line, 0.0)
        widest = max(widest, font.get_width_height()[0] / 64 / 72)
    return widest


def _wrap(text: object, width: int) -> str:
    return "\n".join(textwrap.wrap(str(text), width=width, break_long_words=False)) or str(text)


def wrap_to_inches(text: object, inches: float, size: float = FONT_SIZE, bold: bool = False) -> str:
    """Wrap so each line fits in ``inches`` where it can (words are never broken)."""
    text = str(text)
    for width in range(max(len(text), 1), 3, -1):
        wrapped = _wrap(text, width)
        if text_width_in(wrapped, size, bold) <= inches:
            return wrapped
    return _wrap(text, 4)


def two_lines(text: object) -> str:
    """The narrowest wrap of a text into at most two lines."""
    for inches in np.arange(0.8, 4.0, 0.05):
        wrapped = wrap_to_inches(text, float(inches))
        if lines(wrapped) <= 2:
            return wrapped
    return str(text)


def lines(text: str) -> int:
    return text.count("\n") + 1


# ---------------------------------------------------------------------------- the page


class Page:
    """A figure laid out top to bottom: title, subtitle, legend, body, notes."""

    def __init__(
        self,
        *,
        title: str,
        subtitle: str,
        body_height: float,
        legend: Sequence[tuple[str, dict]] = (),
        notes: Sequence[str] = (),
        top_extra: float = 0.0,
        bottom_extra: float = 0.0,
    ):
        self.width = width = FIG_WIDTH_IN
        self.title = wrap_to_inches(title, width - 2 * PAD, TITLE_SIZE, bold=True)
        self.subtitle = wrap_to_inches(subtitle, width - 2 * PAD)
        self.notes = [wrap_to_inches(n, width - 2 * PAD) for n in notes if n]
        self.legend_items = list(legend)
        self.legend_rows, self.legend_cols = self._legend_shape(width - 2 * PAD)
        top = (
            PAD
            + lines(self.title) * _TITLE_LINE
            + 0.04
            + lines(self.subtitle) * _SUB_LINE
            + (0.06 + self.legend_rows * _LEGEND_ROW if self.legend_items else 0.0)
            + 0.12
        )
        note_lines = sum(lines(n) for n in self.notes)
        bottom = PAD + (note_lines * _NOTE_LINE + 0.1 if self.notes else 0.0)
        self.height = top + top_extra + body_height + bottom_extra + bottom
        self.body_top = self.height - top - top_extra
        self.body_bottom = bottom + bottom_extra
        self.fig = PaperFigure(figsize=(width, self.height), dpi=SCREEN_DPI)
        self.fig.patch.set_facecolor("white")
        self._draw_header()
        self._draw_notes()

    def _legend_shape(self, avail: float) -> tuple[int, int]:
        n = len(self.legend_items)
        if not n:
            return 0, 0
        widths = [0.125 + 0.05 + text_width_in(lab) + 0.16 for lab, _ in self.legend_items]
        for rows in range(1, n + 1):
            cols = math.ceil(n / rows)
            if sum(max(widths[c::cols]) for c in range(cols)) <= avail:
                return rows, cols
        return n, 1

    def _y(self, inches_from_top: float) -> float:
        return 1 - inches_from_top / self.height

    def _draw_header(self) -> None:
        fig, x, y = self.fig, PAD / self.width, PAD
        fig.text(
            x,
            self._y(y),
            self.title,
            ha="left",
            va="top",
            fontsize=TITLE_SIZE,
            fontweight="bold",
            color=INK,
            linespacing=1.15,
            gid="title",
        )
        y += lines(self.title) * _TITLE_LINE + 0.04
        fig.text(
            x,
            self._y(y),
            self.subtitle,
            ha="left",
            va="top",
            fontsize=FONT_SIZE,
            color=MUTED,
            linespacing=1.2,
            gid="subtitle",
        )
        y += lines(self.subtitle) * _SUB_LINE + 0.06
        if self.legend_items:
            handles = [Patch(label=lab, **style) for lab, style in self.legend_items]
            # matplotlib fills a legend column by column; reorder so it reads across.
            rows, cols = self.legend_rows, self.legend_cols
            order = [r * cols + c for c in range(cols) for r in range(rows)]
            order = [i for i in order if i < len(handles)]
            fig.legend(
                [handles[i] for i in order],
                [handles[i].get_label() for i in order],
                loc="upper left",
                bbox_to_anchor=(x, self._y(y)),
                ncol=cols,
                frameon=False,
                borderaxespad=0.0,
                borderpad=0.0,
                handlelength=1.0,
                handleheight=1.0,
                handletextpad=0.4,
                columnspacing=1.0,
                labelspacing=0.3,
                fontsize=FONT_SIZE,
            )

    def _draw_notes(self) -> None:
        y = PAD
        for note in reversed(self.notes):
            self.fig.text(
                PAD / self.width,
                y / self.height,
                note,
                ha="left",
                va="bottom",
                fontsize=FONT_SIZE,
                color=MUTED,
                linespacing=1.2,
                gid="note",
            )
            y += lines(note) * _NOTE_LINE

    def axes(
        self,
        left: float,
        right: float = RIGHT,
        top: float | None = None,
        bottom: float | None = None,
    ) -> Axes:
        top = self.body_top if top is None else top
        bottom = self.body_bottom if bottom is None else bottom
        ax = self.fig.add_axes(
            (
                left / self.width,
                bottom / self.height,
                (self.width - left - right) / self.width,
                (top - bottom) / self.height,
            )
        )
        ax.set_facecolor("none")
        return ax

    def done(self, text: ChartText) -> Figure:
        """The figure, carrying the chart's alt text as given."""
        return attach_alt_text(self.fig, text.alt_text)


def draw_no_data(text: ChartText) -> Figure:
    """A figure that says there is nothing to show: title, subtitle, the text's message, notes."""
    with mpl.rc_context(STYLE):
        page = Page(title=text.title, subtitle=text.subtitle, body_height=0.8, notes=text.notes)
        page.fig.text(
            0.5,
            (page.body_bottom + 0.4) / page.height,
            text.message,
            ha="center",
            va="center",
            fontsize=FONT_SIZE + 2,
            color=MUTED,
            gid="no-data",
        )
    return page.done(text)
