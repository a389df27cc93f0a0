"""The board paper's charts: one style, one grade palette, and alt text for every figure.

Every ``plot_*`` function takes a table the analysis has already computed (``grading``,
``referrals``, ``profile``) and returns a :class:`PaperFigure` — a matplotlib ``Figure`` that
carries ``fig.alt_text`` (a str: what the chart shows and the numbers in it, in words) and
displays itself in a notebook with that alt text in the output's metadata. None of them
computes from raw rows. :func:`save_figure` writes PNG, SVG and the alt text as a ``.txt``.

House rules, so that every chart in a paper reads the same way:

- One fixed grade order (the scale's, best first, then "Not graded") and ONE palette per
  scale (:data:`GRADE_PALETTES`): blue for grades at or above the scale's "good" line,
  orange/red below it, light grey for "Not graded". No two colours of a palette print as the
  same grey, so a greyscale copy still separates them; ``hatch=True`` also hatches the worst
  grade for a paper that will be photocopied.
- Counts are written on the bars (white or black, whichever contrasts more), so no one has to
  match a colour against the legend; every subtitle says what n counts.
- A4-friendly: 6.3 in wide, no text under 9 pt, no top/right spines, no value axis where the
  bars are labelled; long agency names wrap.
- Empty input gives an honest "No data to show" figure, never an exception or a blank chart.
- A row called "All agencies" (the analysis tables' optional totals row) is left out of
  per-agency charts: drawn as a bar it would dwarf the agencies.

Disclosure control (publication versions), following disclosure.py. Every function that
shows counts takes ``threshold`` (e.g. 5) and ``suppressed`` (a boolean mask shaped like the
table, e.g. from ``grading.overall_distribution_mask``, so the chart hides exactly what the
paper's tables and text hide). With only ``threshold`` the chart works out its own mask with
``disclosure.suppression_mask`` (primary and secondary suppression), treating the totals it
prints as published. A hidden count is labelled ``c`` and a caption says why.

A bar's length would give the number away, so a hidden bar or segment keeps its colour (which
says only what it counts) but is dotted and drawn at a *fixed* length, the threshold, whatever
it hides (a secondary ``c`` may hide a larger number); the caption says dotted bars are not to
scale. Grade charts still print each agency's total ("n = 7", or "n = c" when small), since
the masks treat those totals as published; the returns chart drops its after-bar totals. The
case-by-agency grid is case-level detail and is never drawn for publication.
"""

from __future__ import annotations

import base64
import io
import math
import textwrap
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap, to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.patches import Patch, Rectangle

from audit_analysis.analysis import disclosure
from audit_analysis.analysis.grading import (
    ALL_AGENCIES,
    NO_INVOLVEMENT,
    NOT_SUBMITTED,
    overall_distribution_mask,
)
from audit_analysis.analysis.profile import OTHER_THEME, UNRECORDED
from audit_analysis.paths import write_atomic
from audit_analysis.vocabulary import (
    DEFAULT_KEY_AREAS,
    GRADE_SCALES,
    NOT_GRADED,
    OFSTED,
    OVERALL,
    STATUS_LABELS,
    STATUSES,
    GradeScale,
    KeyArea,
)

# ----------------------------------------------------------------------------------------
# Style
# ----------------------------------------------------------------------------------------

FIG_WIDTH_IN = 6.3
"""Figure width in inches: the text width of an A4 page with 2.5 cm margins, less a little."""
SCREEN_DPI = 150
SAVE_DPI = 200
FONT_FAMILY = "DejaVu Sans"  # ships with matplotlib, so every machine draws the same glyphs
FONT_SIZE = 9.0
TITLE_SIZE = 11.0
INK = "#1a1a1a"
MUTED = "#505050"  # 8.2:1 on white
FAINT = "#a6a6a6"
NEUTRAL_BAR = "#44617b"  # single-series bars (referrals, profile): carries no grade meaning
SUPPRESSED_LABEL = disclosure.MARKER
SUPPRESSED_HATCH = "..."
NO_DATA_MESSAGE = "No data to show"
NO_VALUE = "–"  # en dash: a heatmap cell with no graded return, a grid cell with no involvement

STYLE: dict[str, object] = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT_FAMILY],
    "font.size": FONT_SIZE,
    "axes.titlesize": FONT_SIZE,
    "axes.labelsize": FONT_SIZE,
    "xtick.labelsize": FONT_SIZE,
    "ytick.labelsize": FONT_SIZE,
    "legend.fontsize": FONT_SIZE,
    "text.color": INK,
    "axes.labelcolor": INK,
    "axes.edgecolor": "#8c8c8c",
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": INK,
    "ytick.color": INK,
    "hatch.linewidth": 0.8,
    "svg.fonttype": "path",
}
"""rcParams every figure is drawn and saved with (applied per call, never globally)."""

NOT_GRADED_COLOUR = "#ebebeb"

GRADE_PALETTES: dict[str, dict[str, str]] = {
    # CIE L* (the grey each prints as): 21, 62, 80, 42; Not graded 93.
    "ofsted": {
        "Outstanding": "#08306b",
        "Good": "#5b9bd5",
        "Requires Improvement": "#fdb863",
        "Inadequate": "#b8321f",
    },
    # CIE L*: 21, 51, 66, 80, 36; Not graded 93.
    "ofsted-2025": {
        "Exceptional": "#08306b",
        "Strong standard": "#0881b7",
        "Expected standard": "#54aad4",
        "Needs attention": "#fdb863",
        "Urgent improvement": "#a51d1c",
    },
}
"""Hand-checked grade colours per scale key (:func:`grade_palette` adds Not graded).

Blue at or above the scale's "good" line, orange/red below it. The best grade is the darkest
and the worst the next darkest, then lightness rises towards the middle of the scale, so no
two grades (nor Not graded) print as the same grey: tests/test_figures.py checks the gaps in
CIE L* and in the luma a greyscale conversion uses. The blue/orange axis survives protanopia
and deuteranopia; the lightness steps carry the rest.
"""

WORST_GRADE_HATCH = "///"

STATUS_COLOURS: dict[str, str] = {
    "submitted": "#2a6f6b",
    "incomplete": "#8cc7c0",
    "not_submitted": "#ffffff",
    "no_involvement": "#e3e3e3",
}
STATUS_HATCHES: dict[str, str] = {"not_submitted": "xxx"}
STATUS_EDGES: dict[str, str] = {"not_submitted": "#4d4d4d"}

GRADE_CODES: dict[str, str] = {
    "Outstanding": "Out",
    "Good": "Good",
    "Requires Improvement": "RI",
    "Inadequate": "Inad",
    "Exceptional": "Exc",
    "Strong standard": "Str",
    "Expected standard": "Exp",
    "Needs attention": "Attn",
    "Urgent improvement": "Urg",
    NOT_GRADED: "NG",
}
"""Short cell text for grades in the case-by-agency grid (the legend spells them out)."""

SMALL_BASE = 3
"""A heatmap share resting on fewer graded audits than this (1/1 = 100 %) is drawn pale and
hatched: too few to compare, whatever the colour would say."""
SMALL_BASE_HATCH = "//"
SMALL_BASE_HATCH_COLOUR = "#9a9a9a"
SMALL_BASE_STRENGTH = 0.2
"""How much of its share colour a small-base cell keeps (mixed with white): a hint of the
share, never as strong as a share that rests on enough audits."""

SHARE_CMAP = LinearSegmentedColormap.from_list(
    "share_good", ["#eef5fc", "#b7d4ea", "#6aaed6", "#2171b5", "#08306b"]
)
"""Heatmap colours for 0 %–100 % good or better: one hue, lightness falling steadily."""


def grade_palette(scale: GradeScale = OFSTED) -> dict[str, str]:
    """Hex colour per grade, in the scale's order, then Not graded.

    Scales in :data:`GRADE_PALETTES` get their hand-checked colours; any other scale gets
    colours from the same blue and orange-red ramps, not checked for greyscale (add a checked
    entry to :data:`GRADE_PALETTES` before using a new scale in a paper).
    """
    fixed = GRADE_PALETTES.get(scale.key)
    if fixed is not None and set(fixed) == set(scale.grades):
        colours = {g: fixed[g] for g in scale.grades}
    else:
        good = [g for g in scale.grades if g in scale.good_or_better]
        rest = [g for g in scale.grades if g not in scale.good_or_better]
        blues = mpl.colormaps["Blues"](np.linspace(0.95, 0.5, max(len(good), 1)))
        reds = mpl.colormaps["OrRd"](np.linspace(0.35, 0.85, max(len(rest), 1)))
        derived = {g: to_hex(c) for g, c in zip(good, blues, strict=False)}
        derived |= {g: to_hex(c) for g, c in zip(rest, reds, strict=False)}
        colours = {g: derived[g] for g in scale.grades}
    colours[NOT_GRADED] = NOT_GRADED_COLOUR
    return colours


def grade_hatches(scale: GradeScale = OFSTED, hatch: bool = True) -> dict[str, str]:
    """Hatch per grade: with ``hatch`` the worst grade is hatched, nothing else ever is."""
    out = {g: "" for g in scale.all_grades}
    if hatch:
        out[scale.grades[-1]] = WORST_GRADE_HATCH
    return out


def grade_code(grade: str) -> str:
    """Short text for a grade in a grid cell (Out, Good, RI, Inad, NG, …)."""
    if grade in GRADE_CODES:
        return GRADE_CODES[grade]
    words = grade.split()
    return "".join(w[0].upper() for w in words) if len(words) > 1 else grade[:4]


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance (0 black – 1 white) of a colour."""
    rgb = np.array(to_rgb(colour))
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(lin @ np.array([0.2126, 0.7152, 0.0722]))


def lightness(colour: str) -> float:
    """CIE L* (0 black – 100 white): roughly the grey a colour prints as."""
    y = relative_luminance(colour)
    return 116 * y ** (1 / 3) - 16 if y > 216 / 24389 else y * 24389 / 27


def greyscale_level(colour: str) -> float:
    """The 0–255 grey PIL's ``Image.convert('L')`` makes of a colour (ITU-R 601 luma)."""
    r, g, b = (round(c * 255) for c in to_rgb(colour))
    return (r * 299 + g * 587 + b * 114) / 1000


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour_for(background: str) -> str:
    """Black or white, whichever contrasts more with the background."""
    black, white = "#000000", "#ffffff"
    return white if contrast_ratio(white, background) > contrast_ratio(black, background) else black


def _pale(colour: str, strength: float = 0.35) -> str:
    """The colour mixed with white: what it would be at ``strength`` of full ink."""
    rgb = np.array(to_rgb(colour))
    return to_hex(1 - strength * (1 - rgb))


def _hatch_colour_for(face: str) -> str:
    return "#ffffff" if lightness(face) < 55 else "#4d4d4d"


def _set_hatch(artist: Patch, hatch: str | None, face: str) -> None:
    artist.set_hatch(hatch or None)
    if hatch and hasattr(artist, "set_hatchcolor"):  # matplotlib >= 3.10
        artist.set_hatchcolor(_hatch_colour_for(face))


def _swatch(face: str, *, hatch: str | None = None, edge: str | None = None) -> dict:
    style = {"facecolor": face, "edgecolor": edge or face, "linewidth": 0.6}
    if hatch:
        style["hatch"] = hatch
        if hasattr(Patch, "set_hatchcolor"):
            style["hatchcolor"] = _hatch_colour_for(face)
    return style


# ----------------------------------------------------------------------------------------
# Text measuring and small helpers
# ----------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _font(bold: bool):
    return get_font(
        findfont(FontProperties(family=FONT_FAMILY, weight="bold" if bold else "normal"))
    )


@lru_cache(maxsize=8192)
def _text_width_in(text: str, size: float = FONT_SIZE, bold: bool = False) -> float:
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


def _wrap_to_inches(
    text: object, inches: float, size: float = FONT_SIZE, bold: bool = False
) -> str:
    """Wrap so each line fits in ``inches`` where it can (words are never broken)."""
    text = str(text)
    for width in range(max(len(text), 1), 3, -1):
        wrapped = _wrap(text, width)
        if _text_width_in(wrapped, size, bold) <= inches:
            return wrapped
    return _wrap(text, 4)


def _two_lines(text: object) -> str:
    """The narrowest wrap of a text into at most two lines."""
    for inches in np.arange(0.8, 4.0, 0.05):
        wrapped = _wrap_to_inches(text, float(inches))
        if _lines(wrapped) <= 2:
            return wrapped
    return str(text)


def _lines(text: str) -> int:
    return text.count("\n") + 1


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _n_text(n: int, unit: str, threshold: int | None, hidden: bool | None = None) -> str:
    """'n = 7 audits', or 'n = c audits' when small — or when the paper hides it (`hidden`)."""
    hide = disclosure.is_small(n, threshold) if hidden is None else hidden
    return f"n = {SUPPRESSED_LABEL if hide else n} {unit}"


_SINGULARS = {"children": "child", "agencies": "agency", "people": "person"}


def _noun_of(unit: str) -> tuple[str, str]:
    """(singular, plural) of the thing a unit such as 'referrals for 10 cases' counts."""
    plural = (unit.split() or ["items"])[0]
    singular = _SINGULARS.get(plural, plural[:-1] if plural.endswith("s") else plural)
    return singular, plural


def _count_words(value: int, hidden: bool, noun: tuple[str, str]) -> str:
    """'2 referrals', '1 referral', 'no referrals', 'c referrals' (hidden)."""
    if hidden:
        return f"{SUPPRESSED_LABEL} {noun[1]}"
    return f"no {noun[1]}" if value == 0 else f"{value} {noun[0] if value == 1 else noun[1]}"


def _describe_series(
    s: pd.Series,
    hidden: pd.Series,
    noun: tuple[str, str],
    category_noun: str | None = None,
    sep: str = "; ",
) -> str:
    """'Neglect: 9 referrals; Missing: 1 referral' or, with a category noun,
    'Case 1: 2 referrals; case 2: 1 referral' — the numbers say what they count."""
    items = []
    for k, (label, value, is_hidden) in enumerate(
        zip(s.index, s.to_numpy(), hidden.to_numpy(), strict=True)
    ):
        name = f"{category_noun} {label}" if category_noun else str(label)
        if k == 0:
            name = name[:1].upper() + name[1:]
        items.append(f"{name}: {_count_words(int(value), bool(is_hidden), noun)}")
    return sep.join(items)


def _counts_frame(table: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    out = pd.DataFrame(index=table.index)
    for col in columns:
        values = table[col] if col in table.columns else 0
        out[col] = pd.to_numeric(values, errors="coerce").fillna(0).round().astype(int)
    return out


def _without_totals_row(table: pd.DataFrame) -> pd.DataFrame:
    return table.loc[[str(i) != ALL_AGENCIES for i in table.index]]


def _hidden_mask(
    counts: pd.DataFrame,
    threshold: int | None,
    suppressed: pd.DataFrame | pd.Series | None,
    *,
    row_groups: Sequence[Sequence[str]] | None = None,
    column_totals: bool = False,
) -> pd.DataFrame:
    """Where a chart shows 'c': the caller's mask (plus primary suppression), or else
    disclosure.suppression_mask with the totals this chart publishes."""
    if threshold is not None and threshold < 1:
        raise ValueError(f"threshold must be 1 or more, not {threshold}")
    mask = pd.DataFrame(False, index=counts.index, columns=counts.columns)
    if suppressed is not None:
        extra = suppressed.to_frame() if isinstance(suppressed, pd.Series) else suppressed
        if isinstance(suppressed, pd.Series) and counts.shape[1] == 1:
            extra = extra.set_axis(counts.columns, axis=1)
        extra = extra.reindex(index=counts.index, columns=counts.columns)
        mask |= extra.fillna(False).astype(bool)
        if threshold is not None:
            mask |= (counts >= 1) & (counts <= threshold)
    elif threshold is not None:
        mask |= disclosure.suppression_mask(
            counts, threshold, row_groups=row_groups, column_totals=column_totals
        ).astype(bool)
    return mask & (counts > 0)


def _publication(threshold: int | None, suppressed: object) -> bool:
    return threshold is not None or suppressed is not None


def _suppression_note(threshold: int | None, drawn: str = "bars") -> str:
    small = (
        "small counts"
        if threshold is None
        else ("counts of 1" if threshold == 1 else f"counts of 1 to {threshold}")
    )
    return (
        f"{SUPPRESSED_LABEL}: to protect the children's privacy, {small}, and any count from "
        f"which one could be worked out, are hidden. Dotted {drawn} are drawn at a fixed "
        "length and do not show the value."
    )


def _scale_for(columns: Sequence[object], scale: GradeScale | None) -> GradeScale:
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


def _area_labels(index: Sequence[object], areas: Sequence[KeyArea] | None) -> list[str]:
    known = {a.key: a.label for a in (*(areas or DEFAULT_KEY_AREAS), OVERALL)}
    return [known.get(str(i), str(i)) for i in index]


def _areas_phrase(labels: Sequence[str]) -> str:
    """'6 key areas and overall' when Overall is one of the rows, else '6 key areas'.

    The paper speaks of six key areas plus the overall grading, so "7 key areas" would
    disagree with it."""
    overall = sum(1 for lab in labels if str(lab) in (OVERALL.key, OVERALL.label))
    areas = len(labels) - overall
    if not overall:
        return _plural(areas, "key area")
    return f"{_plural(areas, 'key area')} and overall" if areas else "overall"


class PaperFigure(Figure):
    """A matplotlib Figure that knows its alt text and shows itself in a notebook.

    ``alt_text`` describes the chart in words. In Jupyter the figure displays as a PNG whose
    output metadata carries ``alt`` and ``width`` (6.3 in at 96 px/in), which the board
    paper's HTML template turns into the ``<img>``'s alt text and size; no ``%matplotlib``
    magic is needed, and pyplot's inline backend cannot pre-empt it.
    """

    alt_text: str = ""

    def title_text(self) -> str:
        title = next((t.get_text() for t in self.texts if t.get_gid() == "title"), "")
        return " ".join(title.split())

    def png_bytes(self, dpi: int = SAVE_DPI) -> bytes:
        """The figure as reproducible PNG bytes (no software version or date inside)."""
        buffer = io.BytesIO()
        with mpl.rc_context(STYLE):
            self.savefig(
                buffer,
                format="png",
                dpi=dpi,
                facecolor="white",
                metadata={
                    "Software": None,
                    "Title": self.title_text(),
                    "Description": self.alt_text,
                },
            )
        return buffer.getvalue()

    def _repr_png_meta(self) -> dict:
        meta = {"width": round(self.get_figwidth() * 96)}
        if self.alt_text:
            meta["alt"] = self.alt_text
        return meta

    def _repr_png_(self) -> tuple[bytes, dict]:
        return self.png_bytes(), self._repr_png_meta()

    def _ipython_display_(self) -> None:
        self.display()

    def display(self, png: bytes | None = None) -> None:
        """Show the figure in a notebook; `png` reuses bytes already rendered by save_figure."""
        from IPython.display import display

        data, meta = self._repr_png_() if png is None else (png, self._repr_png_meta())
        display(
            {
                "image/png": base64.b64encode(data).decode("ascii"),
                "text/plain": f"<Figure: {self.title_text() or 'untitled'}>",
            },
            raw=True,
            metadata={"image/png": meta},
        )


def _attach(fig: Figure, alt_text: str) -> Figure:
    fig.alt_text = " ".join(alt_text.split())  # type: ignore[attr-defined]
    return fig


def _all_zero(values: pd.DataFrame | pd.Series) -> bool:
    return bool(len(values) == 0 or (np.asarray(values, dtype=float) == 0).all())


# ----------------------------------------------------------------------------------------
# Page layout, in inches, so text sizes never depend on the number of rows
# ----------------------------------------------------------------------------------------

_PAD = 0.1
_RIGHT = 0.15
_TITLE_LINE = 0.21
_SUB_LINE = 0.17
_NOTE_LINE = 0.16
_LEGEND_ROW = 0.21


class _Page:
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
        self.title = _wrap_to_inches(title, width - 2 * _PAD, TITLE_SIZE, bold=True)
        self.subtitle = _wrap_to_inches(subtitle, width - 2 * _PAD)
        self.notes = [_wrap_to_inches(n, width - 2 * _PAD) for n in notes if n]
        self.legend_items = list(legend)
        self.legend_rows, self.legend_cols = self._legend_shape(width - 2 * _PAD)
        top = (
            _PAD
            + _lines(self.title) * _TITLE_LINE
            + 0.04
            + _lines(self.subtitle) * _SUB_LINE
            + (0.06 + self.legend_rows * _LEGEND_ROW if self.legend_items else 0.0)
            + 0.12
        )
        note_lines = sum(_lines(n) for n in self.notes)
        bottom = _PAD + (note_lines * _NOTE_LINE + 0.1 if self.notes else 0.0)
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
        widths = [0.125 + 0.05 + _text_width_in(lab) + 0.16 for lab, _ in self.legend_items]
        for rows in range(1, n + 1):
            cols = math.ceil(n / rows)
            if sum(max(widths[c::cols]) for c in range(cols)) <= avail:
                return rows, cols
        return n, 1

    def _y(self, inches_from_top: float) -> float:
        return 1 - inches_from_top / self.height

    def _draw_header(self) -> None:
        fig, x, y = self.fig, _PAD / self.width, _PAD
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
        y += _lines(self.title) * _TITLE_LINE + 0.04
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
        y += _lines(self.subtitle) * _SUB_LINE + 0.06
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
        y = _PAD
        for note in reversed(self.notes):
            self.fig.text(
                _PAD / self.width,
                y / self.height,
                note,
                ha="left",
                va="bottom",
                fontsize=FONT_SIZE,
                color=MUTED,
                linespacing=1.2,
                gid="note",
            )
            y += _lines(note) * _NOTE_LINE

    def axes(
        self,
        left: float,
        right: float = _RIGHT,
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


def no_data_figure(
    title: str,
    message: str = NO_DATA_MESSAGE,
    subtitle: str = "n = 0",
    notes: Sequence[str] = (),
) -> Figure:
    """A figure that says there is nothing to show: the title and a centred message, no axes.

    ``notes`` go under the message and, after it, into the alt text."""
    with mpl.rc_context(STYLE):
        page = _Page(title=title, subtitle=subtitle, body_height=0.8, notes=notes)
        page.fig.text(
            0.5,
            (page.body_bottom + 0.4) / page.height,
            message,
            ha="center",
            va="center",
            fontsize=FONT_SIZE + 2,
            color=MUTED,
            gid="no-data",
        )
    alt = f"{title}: {message[0].lower() + message[1:].rstrip('.')}."
    return _attach(page.fig, " ".join([alt, *(n for n in notes if n)]))


# ----------------------------------------------------------------------------------------
# Horizontal bars, stacked or single: the workhorse of the paper
# ----------------------------------------------------------------------------------------

_BAR_INCHES = 0.24
_ROW_MIN = 0.38
_LABEL_MAX_IN = 2.3


def _row_labels(labels: Sequence[object], max_in: float = _LABEL_MAX_IN) -> tuple[list[str], float]:
    wrapped = [_wrap_to_inches(lab, max_in) for lab in labels]
    return wrapped, max((_text_width_in(w) for w in wrapped), default=0.5) + 0.12


def _row_height(wrapped: Sequence[str], minimum: float = _ROW_MIN) -> float:
    """Row pitch: room for the bar and a label above it; a 3-line name may use the gap."""
    return max(minimum, max((_lines(w) for w in wrapped), default=1) * 0.14 + 0.02)


def _hbars(
    ax: Axes,
    counts: pd.DataFrame,
    hidden: pd.DataFrame,
    *,
    colours: Mapping[str, str],
    hatches: Mapping[str, str] | None = None,
    edges: Mapping[str, str] | None = None,
    row_height: float,
    ax_width_in: float,
    threshold: int | None,
    tails: Sequence[str] | None = None,
    span: float | None = None,
    show_zero: bool = False,
) -> None:
    """One stacked horizontal bar per row of ``counts`` (columns = segments, left to right).

    Each column becomes a BarContainer labelled with the column name, one patch per row
    (zero-width patches are kept, invisible). Count labels are Texts with gid 'count': inside
    the segment when they fit, else just above it. A hidden cell is drawn at length
    ``threshold`` (1 without one), dotted, labelled 'c'. ``tails`` are texts after each bar.
    """
    hatches, edges = hatches or {}, edges or {}
    nominal = float(threshold or 1)
    drawn = counts.astype(float).mask(hidden, nominal)
    ends = drawn.sum(axis=1).to_numpy()
    longest = float(span if span is not None else (ends.max() if len(ends) else 0)) or 1.0
    tail_room = (max(_text_width_in(t) for t in tails) + 0.12) if tails else 0.05
    xmax = longest * ax_width_in / max(ax_width_in - tail_room, 0.5)
    per_inch = xmax / ax_width_in
    bar_h = _BAR_INCHES / row_height
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
            _set_hatch(patch, SUPPRESSED_HATCH if is_hidden else hatches.get(col), face)
            if is_hidden:
                patch.set_gid("suppressed")
            if widths[i] == 0:
                patch.set_visible(False)
                if not show_zero:
                    continue
            label = SUPPRESSED_LABEL if is_hidden else str(value)
            centre = left[i] + widths[i] / 2
            if widths[i] > 0 and widths[i] / per_inch >= _text_width_in(label) + 0.08:
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
            half = (_text_width_in(label) / 2 + 0.03) * per_inch
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


def _describe_rows(
    counts: pd.DataFrame,
    hidden: pd.DataFrame,
    labels: Sequence[str],
    threshold: int | None,
    *,
    totals: bool = False,
    totals_hidden: Sequence[bool] | None = None,
) -> str:
    """'Label (n = 10): 8 Requires Improvement, 2 Inadequate; …' — zeros left out."""
    parts = []
    rows = zip(labels, counts.iterrows(), hidden.iterrows(), strict=True)
    for k, (label, (_, row), (_, hid)) in enumerate(rows):
        items = [f"{SUPPRESSED_LABEL if hid[c] else int(v)} {c}" for c, v in row.items() if v > 0]
        total = int(row.sum())
        total_hidden = None if totals_hidden is None else totals_hidden[k]
        head = (
            f"{label} ({_n_text(total, '', threshold, total_hidden).strip()})" if totals else label
        )
        parts.append(f"{head}: {', '.join(items) if items else 'none'}")
    return "; ".join(parts) + "."


def _hidden_alt_note(hidden: pd.DataFrame | pd.Series, threshold: int | None) -> str:
    if not np.asarray(hidden).any():
        return ""
    small = "a small count" if threshold is None else f"a count of 1 to {threshold}"
    return (
        f" c marks {small}, or one from which such a count could be worked out, hidden "
        "to protect privacy."
    )


def _stacked_grade_figure(
    counts: pd.DataFrame,
    hidden: pd.DataFrame,
    row_labels: Sequence[str],
    scale: GradeScale,
    *,
    title: str,
    subtitle: str,
    hatch: bool,
    threshold: int | None,
    totals_hidden: Sequence[bool] | None = None,
) -> Figure:
    colours = grade_palette(scale)
    hatches = grade_hatches(scale, hatch)
    legend = [
        (g, _swatch(colours[g], hatch=hatches[g], edge=FAINT if g == NOT_GRADED else None))
        for g in scale.all_grades
    ]
    notes = []
    if hidden.to_numpy().any():
        notes.append(_suppression_note(threshold, "segments"))
        legend.append(
            (f"Hidden ({SUPPRESSED_LABEL})", _swatch("#ffffff", hatch=SUPPRESSED_HATCH, edge=FAINT))
        )
    wrapped, label_w = _row_labels(row_labels)
    row_h = _row_height(wrapped)
    # Row totals are published (the findings state each agency's number of audits, and the
    # masks treat them as published), shown as c when small.
    tails = [
        _n_text(int(t), "", threshold, None if totals_hidden is None else totals_hidden[k]).strip()
        for k, t in enumerate(counts.sum(axis=1))
    ]
    with mpl.rc_context(STYLE):
        page = _Page(
            title=title,
            subtitle=subtitle,
            body_height=row_h * len(counts),
            legend=legend,
            notes=notes,
        )
        left = _PAD + label_w
        ax = page.axes(left)
        _hbars(
            ax,
            counts,
            hidden,
            colours=colours,
            hatches=hatches,
            edges={NOT_GRADED: FAINT},
            row_height=row_h,
            threshold=threshold,
            tails=tails,
            ax_width_in=page.width - left - _RIGHT,
        )
        ax.set_yticklabels(wrapped)
    return page.fig


# ----------------------------------------------------------------------------------------
# Grade charts
# ----------------------------------------------------------------------------------------


def plot_overall_grades(
    table: pd.DataFrame,
    scale: GradeScale | None = None,
    *,
    title: str = "Overall grade given by each agency",
    hatch: bool = False,
    threshold: int | None = None,
    suppressed: pd.DataFrame | None = None,
    totals_hidden: Mapping[str, bool] | None = None,
) -> Figure:
    """Stacked horizontal bars: the overall grades of each agency's audits.

    ``table``: ``grading.overall_grade_distribution()`` — index agency (audit order, drawn top
    to bottom), columns the scale's grades then "Not graded" (counts of submitted and
    incomplete returns), then optionally "of which incomplete", "not submitted" and
    "no involvement", which this chart leaves to :func:`plot_returns`. ``scale`` defaults to
    the scale whose grades are the columns. n = audits (returns with an overall grading).
    ``suppressed``: e.g. ``grading.overall_distribution_mask(table, scale, threshold)``; with
    only ``threshold`` that same mask is worked out here.
    """
    if table is None or len(table) == 0:
        return no_data_figure(title)
    table = _without_totals_row(table)
    scale = _scale_for(table.columns, scale)
    grades = list(scale.all_grades)
    counts = _counts_frame(table, grades)
    if _all_zero(counts):
        return no_data_figure(title)
    if suppressed is None and threshold is not None:
        if {NOT_SUBMITTED, NO_INVOLVEMENT} <= set(map(str, table.columns)):
            full = _counts_frame(table, [*grades, NOT_SUBMITTED, NO_INVOLVEMENT])
            suppressed = overall_distribution_mask(full, scale, threshold)
        else:
            suppressed = disclosure.suppression_mask(counts, threshold, column_totals=True)
    hidden = _hidden_mask(counts, threshold, suppressed)
    n = int(counts.to_numpy().sum())
    n_agencies = _plural(len(counts), "agency", "agencies")
    # `totals_hidden`: the paper's decision for each agency's total and, under ALL_AGENCIES, n
    n_hidden = None if totals_hidden is None else totals_hidden.get(ALL_AGENCIES)
    rows_hidden = None if totals_hidden is None else [totals_hidden[str(i)] for i in counts.index]
    subtitle = f"{_n_text(n, 'audits', threshold, n_hidden)} from {n_agencies} · {scale.label}"
    labels = [str(i) for i in counts.index]
    fig = _stacked_grade_figure(
        counts,
        hidden,
        labels,
        scale,
        title=title,
        subtitle=subtitle,
        hatch=hatch,
        threshold=threshold,
        totals_hidden=rows_hidden,
    )
    alt = (
        f"Stacked bar chart of the overall grade given by each agency, {n_agencies}, "
        f"{_n_text(n, 'audits', threshold, n_hidden)}, on the {scale.label} "
        f"({', '.join(scale.all_grades)}). "
        + _describe_rows(counts, hidden, labels, threshold, totals=True, totals_hidden=rows_hidden)
        + _hidden_alt_note(hidden, threshold)
    )
    return _attach(fig, alt)


def plot_area_grades(
    table: pd.DataFrame,
    scale: GradeScale | None = None,
    *,
    areas: Sequence[KeyArea] | None = None,
    title: str = "Grades for each key area of practice",
    hatch: bool = False,
    threshold: int | None = None,
    suppressed: pd.DataFrame | None = None,
    total_hidden: bool | None = None,
) -> Figure:
    """Stacked horizontal bars: how each key area was graded, all agencies together.

    ``table``: ``grading.area_grade_distribution()`` — index key areas (labels, or keys shown
    as the labels of ``areas``, default the six standard areas; "Overall" last if present),
    columns the scale's grades then "Not graded" (counts). n = audits graded in each area.
    With only ``threshold``, each area's total is treated as published.
    """
    if table is None or len(table) == 0:
        return no_data_figure(title)
    scale = _scale_for(table.columns, scale)
    counts = _counts_frame(table, list(scale.all_grades))
    if _all_zero(counts):
        return no_data_figure(title)
    hidden = _hidden_mask(counts, threshold, suppressed)
    labels = _area_labels(counts.index, areas)
    per_area = counts.sum(axis=1)
    lo, hi = int(per_area.min()), int(per_area.max())
    n_areas = _areas_phrase(labels)
    rows_hidden = None if total_hidden is None else [total_hidden] * len(counts)
    if lo == hi:
        n_text = f"{_n_text(hi, 'audits', threshold, total_hidden)}, each covering {n_areas}"
    else:
        lo_text, hi_text = (
            SUPPRESSED_LABEL if disclosure.is_small(v, threshold) else str(v) for v in (lo, hi)
        )
        n_text = f"n = {lo_text} to {hi_text} audits per row, in {n_areas}"
    fig = _stacked_grade_figure(
        counts,
        hidden,
        labels,
        scale,
        title=title,
        subtitle=f"{n_text} · {scale.label}",
        hatch=hatch,
        threshold=threshold,
        totals_hidden=rows_hidden,
    )
    alt = (
        f"Stacked bar chart of grades by key area, {n_text}, on the {scale.label}. "
        + _describe_rows(counts, hidden, labels, threshold, totals=True, totals_hidden=rows_hidden)
        + _hidden_alt_note(hidden, threshold)
    )
    return _attach(fig, alt)


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
    graded_hidden: bool | None = None,
) -> Figure:
    """Heatmap: the share of each agency's graded audits at or above the "good" line, by area.

    ``share``: ``grading.good_or_better_share()`` — index agency, columns key areas (labels,
    or keys), floats 0–1, NaN where the agency graded nothing in that area: drawn as a white
    "–" cell, never as 0 %. ``counts``: ``grading.graded_counts()``, the same shape, the
    graded audits behind each share ("Not graded" left out); when given, cells read "67 %" over
    "4/6" and n is the number of graded audits. ``suppressed``: e.g.
    ``grading.good_or_better_share_mask(...)``; with only ``threshold`` (counts then
    required) a share is hidden when its good, not-good or graded count is from 1 to the
    threshold — 1 of 1 would say 100 %. Hidden cells are grey with "c".

    n counts grades (one per audit and area graded), not audits: pass ``n_audits`` (the
    audits received) to have the subtitle say how many audits they come from. With
    ``counts``, a share resting on fewer than ``small_base`` graded audits is drawn pale
    and hatched, its numbers still written, and a caption line says why: 1 of 1 at full
    strength would read as a solid 100 %.
    """
    line = f"{scale.good_or_better[-1]} or better"
    title = title or f"Audits rated {line}, by agency and key area"
    if share is None or share.size == 0 or share.isna().all().all():
        return no_data_figure(title)
    share = _without_totals_row(share).astype(float)
    if counts is not None:
        counts = _counts_frame(
            counts.reindex(index=share.index, columns=share.columns), list(share.columns)
        )
    if threshold is not None and counts is None and suppressed is None:
        raise ValueError("a heatmap for publication needs counts= (the graded audits per cell)")
    good = (share * counts).round().fillna(0).astype(int) if counts is not None else None
    hidden = pd.DataFrame(False, index=share.index, columns=share.columns)
    if suppressed is not None:
        hidden |= (
            suppressed.reindex(index=share.index, columns=share.columns).fillna(False).astype(bool)
        )
    if threshold is not None and counts is not None and good is not None:
        hidden |= disclosure.share_mask([good, counts - good, counts], threshold)
    hidden &= share.notna()
    col_labels = _area_labels(share.columns, areas)
    rows, label_w = _row_labels([str(i) for i in share.index], 1.8)
    ncols = len(share.columns)
    left = _PAD + label_w
    right = _RIGHT
    cell_w = (FIG_WIDTH_IN - left - right) / ncols
    widest_word = max(_text_width_in(w) for c in col_labels for w in str(c).split())
    rotate = widest_word + 0.06 > cell_w
    if rotate:  # headers at 45°: the last one runs past the grid, so keep room on the right
        head = [_two_lines(c) for c in col_labels]
        reach = (_text_width_in(head[-1]) + _lines(head[-1]) * 0.15) * math.cos(math.radians(45))
        right = max(_RIGHT, reach - (FIG_WIDTH_IN - left - _RIGHT) / ncols / 2 + 0.05)
        cell_w = (FIG_WIDTH_IN - left - right) / ncols
        head_h = max(_text_width_in(h) * 0.71 + _lines(h) * 0.15 * 0.71 for h in head) + 0.08
    else:
        head = [_wrap_to_inches(c, cell_w - 0.06) for c in col_labels]
        head_h = max(_lines(h) for h in head) * 0.15 + 0.08
    row_h = _row_height(rows, 0.38 if counts is not None else 0.3)
    n_agencies = _plural(len(share), "agency", "agencies")
    where = f"in {_areas_phrase(col_labels)}"
    if n_audits is not None:
        if disclosure.is_small(int(n_audits), threshold):
            source = f"from {SUPPRESSED_LABEL} audits by {n_agencies}"
        else:
            source = f"from {_plural(int(n_audits), 'audit')} by {n_agencies}"
    else:
        source = f"from {n_agencies}"
    if counts is not None:
        n_graded = int(counts.to_numpy().sum())
        subtitle = f"{_n_text(n_graded, 'grades', threshold, graded_hidden)} {where}, {source}"
    else:
        cells = int(share.notna().to_numpy().sum())
        subtitle = f"n = {cells} agency and area cells with grades {where}, {source}"
    small = pd.DataFrame(False, index=share.index, columns=share.columns)
    if counts is not None:
        small = (counts < small_base) & share.notna() & ~hidden
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
            _suppression_note(threshold, "cells")
            .split(" Dotted")[0]
            .replace("counts of", "shares resting on counts of")
            .replace("and any count", "or on any count")
        )
    with mpl.rc_context(STYLE):
        page = _Page(
            title=title,
            subtitle=subtitle,
            body_height=row_h * len(share),
            notes=notes,
            top_extra=head_h,
        )
        ax = page.axes(left, right=right)
        ax.set_xlim(0, ncols)
        ax.set_ylim(len(share), 0)
        for i in range(len(share)):
            for j in range(ncols):
                value = share.iat[i, j]
                if pd.isna(value):
                    face, text, colour, gid = "#ffffff", NO_VALUE, MUTED, "no-data"
                elif hidden.iat[i, j]:
                    face, text, colour, gid = "#d9d9d9", SUPPRESSED_LABEL, INK, "suppressed"
                else:
                    face = to_hex(SHARE_CMAP(float(value)))
                    text = f"{value:.0%}"
                    if counts is not None and good is not None:
                        text += f"\n{good.iat[i, j]}/{counts.iat[i, j]}"
                    colour, gid = text_colour_for(face), "share"
                    if small.iat[i, j]:
                        face, colour = _pale(face, SMALL_BASE_STRENGTH), INK
                        gid = "small-base"
                patch = Rectangle(
                    (j, i), 1, 1, facecolor=face, edgecolor="white", linewidth=1.5, gid=gid
                )
                if gid == "small-base":
                    patch.set_hatch(SMALL_BASE_HATCH)
                    if hasattr(patch, "set_hatchcolor"):  # matplotlib >= 3.10
                        patch.set_hatchcolor(SMALL_BASE_HATCH_COLOUR)
                    else:  # older matplotlib hatches in the edge colour
                        patch.set_edgecolor(SMALL_BASE_HATCH_COLOUR)
                ax.add_patch(patch)
                label = ax.text(
                    j + 0.5,
                    i + 0.5,
                    text,
                    ha="center",
                    va="center",
                    fontsize=FONT_SIZE,
                    color=colour,
                    gid="cell",
                    linespacing=1.1,
                )
                if gid == "small-base":
                    label.set_bbox({"boxstyle": "square,pad=0.15", "fc": face, "ec": "none"})
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
        ax.set_yticks(np.arange(len(share)) + 0.5, rows)
        ax.tick_params(length=0, pad=3)
        for spine in ax.spines.values():
            spine.set_visible(False)
    parts = []
    for i, agency in enumerate(share.index):
        cells = []
        for j, label in enumerate(col_labels):
            value = share.iat[i, j]
            if pd.isna(value):
                continue
            if hidden.iat[i, j]:
                cells.append(f"{label} {SUPPRESSED_LABEL}")
            else:
                extra = (
                    f" ({good.iat[i, j]} of {counts.iat[i, j]}"
                    + (", too few to compare" if small.iat[i, j] else "")
                    + ")"
                    if counts is not None and good is not None
                    else ""
                )
                cells.append(f"{label} {value:.0%}{extra}")
        parts.append(f"{agency}: {', '.join(cells) if cells else 'nothing graded'}")
    small_note = (
        f" Shares from fewer than {small_base} graded audits are drawn pale and hatched, "
        "too few to compare."
        if small.to_numpy().any()
        else ""
    )
    alt = (
        f"Heatmap of the share of graded audits rated {line}, "
        f"{n_agencies} (rows) by {_areas_phrase(col_labels)} (columns), {subtitle}; "
        f"darker blue means a higher share.{small_note} "
        + "; ".join(parts)
        + "."
        + _hidden_alt_note(hidden, threshold)
    )
    return _attach(page.fig, alt)


# ----------------------------------------------------------------------------------------
# Returns, and the case-by-agency grid
# ----------------------------------------------------------------------------------------


def plot_returns(
    table: pd.DataFrame,
    *,
    title: str = "Audits returned by each agency",
    threshold: int | None = None,
    suppressed: pd.DataFrame | None = None,
    totals: tuple[str, str] | None = None,
) -> Figure:
    """Stacked horizontal bars: the audits due from each agency, by what came back.

    ``table``: ``grading.return_rates()`` — index agency (audit order); columns
    ``submitted``, ``incomplete``, ``not_submitted``, ``no_involvement`` (cases, each once
    per agency), other columns ignored. An audit is due for each case the agency was involved
    with, so the bar is submitted (dark teal) + incomplete (light teal) + not submitted (white,
    cross-hatched, outlined); "no involvement" is not a missing audit and is written after the
    bar ("6 of 6 · 4 no involvement") instead of drawn. n = audits received (submitted +
    incomplete) of those due. In publication mode the after-bar text is left out.
    """
    if table is None or len(table) == 0:
        return no_data_figure(title)
    table = _without_totals_row(table)
    missing = [s for s in STATUSES if s not in table.columns]
    if missing:
        raise ValueError(f"the returns table has no column for {', '.join(missing)}")
    counts = _counts_frame(table, list(STATUSES))
    if _all_zero(counts):
        return no_data_figure(title)
    publication = _publication(threshold, suppressed)
    hidden = _hidden_mask(counts, threshold, suppressed, column_totals=True)
    due_cols = ["submitted", "incomplete", "not_submitted"]
    labels = {s: STATUS_LABELS[s] for s in STATUSES}
    shown = counts[due_cols].rename(columns=labels)
    hidden_shown = hidden[due_cols].rename(columns=labels)
    colours = {labels[s]: STATUS_COLOURS[s] for s in due_cols}
    hatches = {labels[s]: STATUS_HATCHES.get(s, "") for s in due_cols}
    edges = {labels[s]: STATUS_EDGES[s] for s in STATUS_EDGES}
    received = counts["submitted"] + counts["incomplete"]
    due = received + counts["not_submitted"]
    n_agencies = _plural(len(counts), "agency", "agencies")
    total_due = int(due.sum())
    if totals is None:  # (received, due) as the paper prints them: the exhibit's decision
        totals = tuple(
            SUPPRESSED_LABEL if disclosure.is_small(v, threshold) else str(v)
            for v in (int(received.sum()), total_due)
        )
    subtitle = f"n = {totals[0]} audits received of {totals[1]} due from {n_agencies}"
    legend = [
        (lab, _swatch(colours[lab], hatch=hatches[lab], edge=edges.get(lab)))
        for lab in shown.columns
    ]
    notes = [
        "An audit is due for each case the agency was involved with in the audit period; "
        "'no involvement' means the agency had no contact with the family."
    ]
    if hidden.to_numpy().any():
        notes.append(_suppression_note(threshold, "segments"))
        legend.append(
            (f"Hidden ({SUPPRESSED_LABEL})", _swatch("#ffffff", hatch=SUPPRESSED_HATCH, edge=FAINT))
        )
    tails = None
    if not publication:
        tails = []
        for r, d, ni in zip(received, due, counts["no_involvement"], strict=True):
            text = f"{r} of {d}" if d else "none due"
            tails.append(text + (f" · {ni} no involvement" if ni else ""))
    wrapped, label_w = _row_labels([str(i) for i in counts.index])
    row_h = _row_height(wrapped)
    with mpl.rc_context(STYLE):
        page = _Page(
            title=title,
            subtitle=subtitle,
            body_height=row_h * len(counts),
            legend=legend,
            notes=notes,
        )
        left = _PAD + label_w
        ax = page.axes(left)
        _hbars(
            ax,
            shown,
            hidden_shown,
            colours=colours,
            hatches=hatches,
            edges=edges,
            row_height=row_h,
            threshold=threshold,
            tails=tails,
            ax_width_in=page.width - left - _RIGHT,
        )
        ax.set_yticklabels(wrapped)
    every = counts.rename(columns=labels)
    alt = (
        f"Stacked bar chart of the audits due from each agency by whether they came back, "
        f"{n_agencies}, {subtitle}. "
        + _describe_rows(
            every, hidden.rename(columns=labels), [str(i) for i in counts.index], threshold
        )
        + _hidden_alt_note(hidden, threshold)
    )
    return _attach(page.fig, alt)


def plot_case_grid(
    grid: pd.DataFrame,
    scale: GradeScale = OFSTED,
    *,
    title: str = "Overall grade by case and agency",
    hatch: bool = False,
    threshold: int | None = None,
    suppressed: object = None,
) -> Figure:
    """Grid of the overall grade each agency gave each case.

    ``grid``: ``grading.case_agency_grid()`` — index case_id, columns agency (audit order);
    cells a grade name, "Not graded", "No involvement", "Not submitted", or "" (no return).
    Drawn with agencies as rows (their names are long) and cases as columns. Grade cells are
    filled with the grade colour and a short code (:data:`GRADE_CODES`); "Not submitted" is a
    cross-hatched outlined cell "NS"; "No involvement" is a bare "–"; no return is left
    blank. Case-level detail is never published: with ``threshold`` or ``suppressed`` this
    returns a figure saying so instead.
    """
    if threshold is not None or suppressed is not None:
        return no_data_figure(
            title,
            "Case-level detail is not shown in the publication version",
            subtitle="Withheld: individual children could be recognised",
        )
    if grid is None or grid.size == 0:
        return no_data_figure(title)
    colours = grade_palette(scale)
    hatches = grade_hatches(scale, hatch)
    not_submitted, no_involvement = STATUS_LABELS["not_submitted"], STATUS_LABELS["no_involvement"]
    cells = grid.astype(object).where(grid.notna(), "").map(lambda v: str(v).strip()).T
    unknown = sorted(
        set(cells.to_numpy().ravel()) - {*scale.all_grades, not_submitted, no_involvement, ""}
    )
    if unknown:
        raise ValueError(
            f"the case grid has values that are neither on the {scale.label} "
            f"nor a return status: {', '.join(map(repr, unknown))}"
        )
    if not (cells != "").to_numpy().any():
        return no_data_figure(title)
    n_audits = int(cells.isin(scale.all_grades).to_numpy().sum())
    n_graded_overall = int(cells.isin(scale.grades).to_numpy().sum())
    cases = [str(c) for c in cells.columns]
    rows, label_w = _row_labels([str(a) for a in cells.index], 2.0)
    left = _PAD + label_w
    cell_w = (FIG_WIDTH_IN - left - _RIGHT) / len(cases)
    row_h = _row_height(rows, 0.34)
    legend = [
        (
            f"{grade_code(g)} {g}" if grade_code(g) != g else g,
            _swatch(colours[g], hatch=hatches[g], edge=FAINT if g == NOT_GRADED else None),
        )
        for g in scale.all_grades
    ]
    legend.append((f"NS {not_submitted}", _swatch("#ffffff", hatch="xxx", edge="#4d4d4d")))
    legend.append((f"{NO_VALUE} {no_involvement}", {"facecolor": "none", "edgecolor": "none"}))
    notes = []
    if (cells == "").to_numpy().any():
        notes.append("A blank cell: no return was recorded for that case.")
    subtitle = (
        f"n = {_plural(n_audits, 'audit')} · "
        f"{_plural(len(cases), 'case')} × {_plural(len(cells), 'agency', 'agencies')}"
    )
    with mpl.rc_context(STYLE):
        page = _Page(
            title=title,
            subtitle=subtitle,
            body_height=row_h * len(cells),
            legend=legend,
            notes=notes,
            top_extra=0.3,
        )
        ax = page.axes(left)
        ax.set_xlim(0, len(cases))
        ax.set_ylim(len(cells), 0)
        inset = 0.045
        for i in range(len(cells)):
            for j in range(len(cases)):
                value = cells.iat[i, j]
                if value in colours:
                    face, edge = colours[value], (FAINT if value == NOT_GRADED else "white")
                    hatch_, text = hatches[value], grade_code(value)
                    colour = text_colour_for(face)
                elif value == not_submitted:
                    face, edge, hatch_, text, colour = "#ffffff", "#4d4d4d", "xxx", "NS", INK
                else:
                    face, edge, hatch_, colour = "none", "none", "", MUTED
                    text = NO_VALUE if value == no_involvement else ""
                patch = Rectangle(
                    (j + inset, i + inset * row_h / cell_w),
                    1 - 2 * inset,
                    1 - 2 * inset * row_h / cell_w,
                    facecolor=face,
                    edgecolor=edge,
                    linewidth=0.6,
                    gid=value or "no-return",
                )
                _set_hatch(patch, hatch_, face if face != "none" else "#ffffff")
                ax.add_patch(patch)
                if text:
                    label = ax.text(
                        j + 0.5,
                        i + 0.5,
                        text,
                        ha="center",
                        va="center",
                        fontsize=FONT_SIZE,
                        color=colour,
                        gid="cell",
                    )
                    if hatch_:
                        label.set_bbox({"boxstyle": "square,pad=0.15", "fc": face, "ec": "none"})
        ax.set_xticks(np.arange(len(cases)) + 0.5, cases)
        ax.xaxis.tick_top()
        ax.set_xlabel("Case", labelpad=4)
        ax.xaxis.set_label_position("top")
        ax.set_yticks(np.arange(len(cells)) + 0.5, rows)
        ax.tick_params(length=0, pad=3)
        for spine in ax.spines.values():
            spine.set_visible(False)
    parts = []
    for agency in cells.index:
        items = [f"case {c} {v}" for c, v in cells.loc[agency].items() if v]
        parts.append(f"{agency}: {', '.join(items) if items else 'no returns'}")
    alt = (
        f"Grid of the overall grade each agency gave each case, "
        f"{_plural(len(cells), 'agency', 'agencies')} (rows) by {_plural(len(cases), 'case')} "
        f"(columns), n = {_plural(n_audits, 'audit')}, {n_graded_overall} of them graded "
        f"overall and {n_audits - n_graded_overall} not graded. " + "; ".join(parts) + "."
    )
    return _attach(page.fig, alt)


# ----------------------------------------------------------------------------------------
# Single-series counts: referrals, the case profile, themes
# ----------------------------------------------------------------------------------------


def _as_series(
    counts: pd.Series | pd.DataFrame | Mapping | None, column: str | None = None
) -> pd.Series:
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


def _series_mask(
    s: pd.Series, threshold: int | None, suppressed: object, sums_to_n: bool
) -> pd.Series:
    frame = s.to_frame("count")
    hidden = _hidden_mask(frame, threshold, suppressed, row_groups=[], column_totals=sums_to_n)
    return hidden["count"]


def plot_counts(
    counts: pd.Series | pd.DataFrame | Mapping,
    *,
    title: str,
    unit: str = "referrals",
    n: int | None = None,
    vertical: bool = False,
    category_label: str = "",
    noun: tuple[str, str] | None = None,
    notes: Sequence[str] = (),
    alt_notes: Sequence[str] = (),
    threshold: int | None = None,
    suppressed: pd.Series | pd.DataFrame | None = None,
) -> Figure:
    """One bar per category, labelled with its count (the referral and profile charts).

    ``counts``: a Series, or a one-column DataFrame, of counts indexed by category, in the
    order to draw. ``n`` defaults to the sum (pass it when categories overlap, e.g. cases per
    theme); ``unit`` says what n counts. Horizontal bars, or ``vertical=True`` for short
    category names such as case numbers. Categories with 0 are drawn and labelled "0".
    The alt text names what each number counts: ``noun`` (singular, plural), by default from
    the first word of ``unit``, and ``category_label`` before each category when it is a
    bare number ("Case 1: 2 referrals; case 2: 1 referral"). ``alt_notes`` are sentences
    added to the alt text (``notes`` go under the chart and into the alt text).
    """
    s = _as_series(counts)
    if _all_zero(s):
        return no_data_figure(title, subtitle=_n_text(0 if n is None else int(n), unit, threshold))
    sums_to_n = n is None
    n = int(s.sum()) if n is None else int(n)
    hidden = _series_mask(s, threshold, suppressed, sums_to_n)
    said = [*(n for n in notes if n), *alt_notes]  # for the alt text, besides the numbers
    notes = list(notes)
    if hidden.any():
        notes.append(_suppression_note(threshold))
    subtitle = _n_text(n, unit, threshold)
    labels = [str(i) for i in s.index]
    with mpl.rc_context(STYLE):
        if vertical:
            page = _Page(
                title=title,
                subtitle=subtitle,
                body_height=2.0,
                notes=notes,
                bottom_extra=0.45 if category_label else 0.28,
            )
            ax = page.axes(0.3, right=0.2)
            _vbars(ax, s, hidden, labels, threshold=threshold, category_label=category_label)
        else:
            wrapped, label_w = _row_labels(labels)
            row_h = _row_height(wrapped, _ROW_MIN - 0.04)
            page = _Page(title=title, subtitle=subtitle, body_height=row_h * len(s), notes=notes)
            left = _PAD + label_w
            ax = page.axes(left)
            _hbars(
                ax,
                s.to_frame("count"),
                hidden.to_frame("count"),
                colours={"count": NEUTRAL_BAR},
                row_height=row_h,
                threshold=threshold,
                ax_width_in=page.width - left - _RIGHT,
                show_zero=True,
            )
            ax.set_yticklabels(wrapped)
    items = _describe_series(
        s,
        hidden,
        noun or _noun_of(unit),
        category_label.lower() if vertical and category_label else None,
    )
    what = title[0].lower() + title[1:]
    extra = "".join(f" {n}" for n in said)
    alt = f"Bar chart of {what}, {subtitle}. {items}.{extra}" + _hidden_alt_note(hidden, threshold)
    return _attach(page.fig, alt)


def _vbars(
    ax: Axes,
    s: pd.Series,
    hidden: pd.Series,
    labels: Sequence[str],
    *,
    threshold: int | None,
    category_label: str,
) -> None:
    heights = s.astype(float).mask(hidden, float(threshold or 1)).to_numpy()
    x = np.arange(len(s))
    bars = ax.bar(
        x, heights, width=0.62, color=NEUTRAL_BAR, edgecolor="white", linewidth=0.8, label="count"
    )
    top = float(max(heights.max(), 1))
    for i, patch in enumerate(bars.patches):
        if hidden.iloc[i]:
            _set_hatch(patch, SUPPRESSED_HATCH, NEUTRAL_BAR)
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
    if category_label:
        ax.set_xlabel(category_label)
    ax.yaxis.set_visible(False)
    ax.spines["left"].set_visible(False)


def plot_referrals_per_case(
    counts: pd.Series | pd.DataFrame,
    *,
    title: str = "Referrals received before the audit period, by case",
    threshold: int | None = None,
    suppressed: pd.Series | pd.DataFrame | None = None,
) -> Figure:
    """Vertical bars: how many referrals each case had before the audit period.

    ``counts``: ``referrals.referrals_per_case()`` — index case_id (every case, natural
    order, 0 for none), column "referrals"; or a Series. n = referrals.
    """
    s = _as_series(counts, "referrals")
    unit = f"referrals for {_plural(len(s), 'case')}" if len(s) else "referrals"
    return plot_counts(
        s,
        title=title,
        unit=unit,
        vertical=True,
        category_label="Case",
        threshold=threshold,
        suppressed=suppressed,
    )


def plot_referral_categories(
    counts: pd.Series | pd.DataFrame,
    *,
    title: str = "Categories of referrals received before the audit period",
    threshold: int | None = None,
    suppressed: pd.Series | pd.DataFrame | None = None,
) -> Figure:
    """Horizontal bars: referrals before the audit period by category.

    ``counts``: ``referrals.referral_categories()`` — index category (most frequent first),
    column "referrals"; or a Series. n = referrals.
    """
    return plot_counts(
        _as_series(counts, "referrals"),
        title=title,
        unit="referrals",
        threshold=threshold,
        suppressed=suppressed,
    )


def plot_referral_outcomes(
    counts: pd.Series | pd.DataFrame,
    *,
    title: str = "Outcomes of all referrals made during the audit period",
    threshold: int | None = None,
    suppressed: pd.Series | pd.DataFrame | None = None,
) -> Figure:
    """Horizontal bars: referrals during the audit period by outcome.

    ``counts``: ``referrals.referral_outcomes()`` — index outcome, column "referrals"; or a
    Series. n = referrals.
    """
    return plot_counts(
        _as_series(counts, "referrals"),
        title=title,
        unit="referrals",
        threshold=threshold,
        suppressed=suppressed,
    )


def plot_themes(
    counts: pd.Series | pd.DataFrame,
    *,
    n_cases: int,
    title: str = "Issues in the case outlines",
    threshold: int | None = None,
    suppressed: pd.Series | pd.DataFrame | None = None,
) -> Figure:
    """Horizontal bars: how many cases each outline-issue theme appears in.

    ``counts``: ``profile.theme_counts()`` (its "cases" column is drawn, themes in its
    order) or a Series of cases per theme. Themes with no cases are left out, and a caption
    says so: a row of zeros adds nothing to a chart (the table keeps them). "Other" stays
    when it is not zero, and the caption explains it. A case can have several themes, so
    the bars do not add up to n; ``n_cases`` is the number of cases audited.
    """
    s = _as_series(counts, "cases")
    shown = s[s != 0]
    notes = ["A case can have several issues, so the bars need not add up to n."]
    if OTHER_THEME in shown.index:
        notes.append(f"{OTHER_THEME}: issues that match no theme.")
    if len(shown) < len(s):
        notes.append("Themes with no cases are not shown.")
    return plot_counts(
        shown,
        title=title,
        unit="cases",
        n=n_cases,
        noun=("case", "cases"),
        notes=notes,
        threshold=threshold,
        suppressed=suppressed,
    )


def _profile_panels(
    profile: pd.DataFrame | Mapping[str, pd.Series | pd.DataFrame],
) -> dict[str, pd.Series]:
    if isinstance(profile, pd.DataFrame) and isinstance(profile.index, pd.MultiIndex):
        column = "children" if "children" in profile.columns else profile.columns[0]
        values = profile[column]
        return {
            str(name): _as_series(values.xs(name, level=0))
            for name in dict.fromkeys(profile.index.get_level_values(0))
        }
    return {str(k): _as_series(v, "children") for k, v in (profile or {}).items()}


def plot_case_profile(
    profile: pd.DataFrame | Mapping[str, pd.Series | pd.DataFrame],
    *,
    n_children: int | None = None,
    title: str = "The children in the audit sample",
    threshold: int | None = None,
    suppressed: pd.DataFrame | pd.Series | None = None,
) -> Figure:
    """Small horizontal bar panels, one under another, on one shared scale.

    ``profile``: ``profile.case_profile()`` (MultiIndex characteristic × category, column
    "children") or a mapping heading → counts (e.g. ``{"Age band": age_band_counts(cases),
    ...}``). Categories with 0 are shown ("Not known 0" is a finding about the records).
    ``n_children`` defaults to the largest panel total. n = children. ``suppressed``: a mask
    shaped like ``profile`` (MultiIndex) if the tables' own mask should be reused.

    A panel whose children all fall in one category (ethnicity "Not recorded" for all 10)
    compares nothing: it is left out, and a caption line (and the alt text) says what it
    would have shown — "Ethnicity is not shown: not recorded for any child."
    """
    panels = {k: v for k, v in _profile_panels(profile).items() if not _all_zero(v)}
    if not panels:
        return no_data_figure(title, subtitle="n = 0 children")
    n = int(n_children if n_children is not None else max(int(v.sum()) for v in panels.values()))
    hidden = {}
    for heading, s in panels.items():
        given = None
        if isinstance(suppressed, pd.DataFrame | pd.Series) and isinstance(
            suppressed.index, pd.MultiIndex
        ):
            given = _as_series(suppressed.xs(heading, level=0)).astype(bool)
        hidden[heading] = _series_mask(s, threshold, given, True)
    left_out = []
    for heading, s in list(panels.items()):
        if int((s != 0).sum()) == 1:
            left_out.append(_single_category_note(heading, s, hidden[heading], n))
            del panels[heading], hidden[heading]
    subtitle = _n_text(n, "children", threshold)
    if not panels:
        return no_data_figure(
            title, "Every child is in the same category", subtitle=subtitle, notes=left_out
        )
    notes = [_suppression_note(threshold)] if any(h.any() for h in hidden.values()) else []
    notes = left_out + notes
    _, label_w = _row_labels([str(i) for s in panels.values() for i in s.index])
    row_h, head = 0.34, 0.3
    with mpl.rc_context(STYLE):
        page = _Page(
            title=title,
            subtitle=subtitle,
            notes=notes,
            body_height=sum(head + row_h * len(s) for s in panels.values()),
        )
        top, left = page.body_top, _PAD + label_w
        span = max(float(s.mask(hidden[h], float(threshold or 1)).max()) for h, s in panels.items())
        for heading, s in panels.items():
            bottom = top - head - row_h * len(s)
            ax = page.axes(left, top=top - head, bottom=bottom)
            _hbars(
                ax,
                s.to_frame("count"),
                hidden[heading].to_frame("count"),
                colours={"count": NEUTRAL_BAR},
                row_height=row_h,
                threshold=threshold,
                ax_width_in=page.width - left - _RIGHT,
                span=span,
                show_zero=True,
            )
            ax.set_yticklabels([_wrap_to_inches(str(i), _LABEL_MAX_IN) for i in s.index])
            ax.set_gid(f"panel:{heading}")
            page.fig.text(
                _PAD / page.width,
                (top - 0.04) / page.height,
                heading,
                ha="left",
                va="top",
                fontsize=FONT_SIZE,
                fontweight="bold",
                gid="panel-title",
            )
            top = bottom
    parts = [
        f"{heading} – {_describe_series(s, hidden[heading], ('child', 'children'), sep=', ')}."
        for heading, s in panels.items()
    ]
    alt = (
        f"Bar charts of {title[0].lower() + title[1:]}, {subtitle}. "
        + " ".join(parts + left_out)
        + _hidden_alt_note(pd.concat(hidden.values()), threshold)
    )
    return _attach(page.fig, alt)


def _single_category_note(heading: str, s: pd.Series, hidden: pd.Series, n: int) -> str:
    """Why a one-category profile panel is not drawn, in words."""
    category = str(s[s != 0].index[0])
    count = int(s[category])
    if count == n:
        who = "any child" if category in UNRECORDED else "every child"
    else:
        who = _count_words(count, bool(hidden[category]), ("child", "children"))
        who += ", no other category"
    if category in UNRECORDED:
        return f"{heading} is not shown: not recorded for {who}."
    return f"{heading} is not shown: {category} for {who}."


# ----------------------------------------------------------------------------------------
# Saving
# ----------------------------------------------------------------------------------------

SVG_HASHSALT = "audit-analysis"


def alt_text_of(fig: Figure) -> str:
    """The alt text a plot_* function attached to its figure."""
    text = getattr(fig, "alt_text", None)
    if not text:
        raise ValueError("this figure has no alt text; pass alt_text= to save_figure")
    return text


def save_figure(
    fig: Figure, path_stem: str | Path, alt_text: str | None = None, *, dpi: int = SAVE_DPI
) -> dict[str, Path]:
    """Write ``<stem>.png``, ``<stem>.svg`` and ``<stem>.txt`` (the alt text); return the paths.

    Returns ``{"png": ..., "svg": ..., "txt": ...}``. ``alt_text`` defaults to the figure's
    own (``fig.alt_text``). Each file is written through a temporary sibling and swapped in
    whole. Output is byte-for-byte reproducible — no dates or software versions in the
    metadata, a fixed SVG hash salt — so regenerating an unchanged figure leaves its files
    unchanged. The alt text is also embedded as the PNG's and SVG's description.
    """
    text = " ".join((alt_text if alt_text is not None else alt_text_of(fig)).split())
    stem = Path(path_stem)
    title = next((t.get_text() for t in fig.texts if t.get_gid() == "title"), stem.name)
    title = " ".join(title.split())
    png, svg = io.BytesIO(), io.BytesIO()  # rendered whole before any file is touched
    with mpl.rc_context({**STYLE, "svg.hashsalt": SVG_HASHSALT}):
        fig.savefig(
            png,
            format="png",
            dpi=dpi,
            facecolor="white",
            metadata={"Software": None, "Title": title, "Description": text},
        )
        fig.savefig(
            svg,
            format="svg",
            facecolor="white",
            metadata={"Date": None, "Creator": None, "Title": title, "Description": text},
        )
    return {
        "png": write_atomic(stem.with_name(stem.name + ".png"), png.getvalue()),
        "svg": write_atomic(stem.with_name(stem.name + ".svg"), svg.getvalue()),
        "txt": write_atomic(stem.with_name(stem.name + ".txt"), text + "\n"),
    }
