"""The house style of every chart: font, sizes, inks, the grade and status palettes, contrast.

House rules, so that every chart in a paper reads the same way: one fixed grade order and ONE
palette per scale (:data:`GRADE_PALETTES`), readable in greyscale (tests/test_figures.py checks
the lightness gaps); counts written on bars in whichever of black or white contrasts more;
6.3 in wide (A4 text width), no text under 9 pt, no top/right spines.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.colors import LinearSegmentedColormap, to_hex, to_rgb
from matplotlib.patches import Patch

from audit_analysis.analysis.chart_tables import SMALL_BASE
from audit_analysis.analysis.chart_text import MARKER, NO_DATA_MESSAGE, NO_VALUE
from audit_analysis.analysis.status_chart_text import GRADE_CODES, grade_code
from audit_analysis.paper import typeface
from audit_analysis.vocabulary import NOT_GRADED, OFSTED, GradeScale

__all__ = ["GRADE_CODES", "NO_DATA_MESSAGE", "NO_VALUE", "SMALL_BASE", "grade_code"]

# ---------------------------------------------------------------------------- font (one place)

FONT_FAMILY = typeface.FAMILY  # the paper's typeface, shipped with the package
typeface.register_with_matplotlib()
FONT_SIZE = 9.0
TITLE_SIZE = 11.0

# ---------------------------------------------------------------------------- page and inks

FIG_WIDTH_IN = 6.3
"""Figure width in inches: the text width of an A4 page with 2.5 cm margins, less a little."""
SCREEN_DPI = 150
SAVE_DPI = 200
INK = "#1a1a1a"
MUTED = "#505050"  # 8.2:1 on white
FAINT = "#a6a6a6"
NEUTRAL_BAR = "#44617b"  # single-series bars (referrals, profile): carries no grade meaning
SUPPRESSED_LABEL = MARKER
SUPPRESSED_HATCH = "..."
SUPPRESSED_FILL = "#d9d9d9"  # a hidden heatmap share: grey, says nothing of the share

STYLE: dict[str, object] = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT_FAMILY, typeface.FALLBACK],  # the fallback fills in arrows etc.
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

# ---------------------------------------------------------------------------- palettes

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

SMALL_BASE_HATCH = "//"
SMALL_BASE_HATCH_COLOUR = "#9a9a9a"
SMALL_BASE_STRENGTH = 0.2
"""How much of its share colour a small-base cell keeps (mixed with white): a hint of the
share, never as strong as a share that rests on enough audits."""

SHARE_COLOURS = ["#eef5fc", "#b7d4ea", "#6aaed6", "#2171b5", "#08306b"]
SHARE_CMAP = LinearSegmentedColormap.from_list("share_good", SHARE_COLOURS)
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


# ---------------------------------------------------------------------------- contrast


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


def pale(colour: str, strength: float = 0.35) -> str:
    """The colour mixed with white: what it would be at ``strength`` of full ink."""
    rgb = np.array(to_rgb(colour))
    return to_hex(1 - strength * (1 - rgb))


def hatch_colour_for(face: str) -> str:
    return "#ffffff" if lightness(face) < 55 else "#4d4d4d"


def set_hatch(artist, hatch: str | None, face: str, colour: str | None = None) -> None:
    """Hatch a patch or collection, in a colour that shows on its face (matplotlib >= 3.10)."""
    artist.set_hatch(hatch or None)
    if hatch and hasattr(artist, "set_hatchcolor"):
        artist.set_hatchcolor(colour or hatch_colour_for(face))


def swatch(face: str, *, hatch: str | None = None, edge: str | None = None) -> dict:
    """The style of a legend handle."""
    style = {"facecolor": face, "edgecolor": edge or face, "linewidth": 0.6}
    if hatch:
        style["hatch"] = hatch
        if hasattr(Patch, "set_hatchcolor"):
            style["hatchcolor"] = hatch_colour_for(face)
    return style
