"""The board paper's charts: one style, one grade palette, and alt text for every figure.

Each chart comes in two halves. Its words — title, the n line, notes, alt text, bar tails and
cell labels — are a :class:`~audit_analysis.analysis.chart_text.ChartText` worked out in the
analysis stage by ``describe_<chart>(table, hidden, ...)``, from the same table and
hidden-cell mask (True = 'c') the exhibit holds. The drawing is ``draw_<chart>(table, hidden,
text, ...)`` here: it prints the table's counts (or 'c') and the text, and counts, hides and
words nothing. It returns a :class:`PaperFigure`, a matplotlib Figure carrying ``alt_text``;
:func:`save_figure` writes PNG, SVG and the alt text.

``plot_<chart>`` composes the two with the analysis stage's fallback mask (chart_tables) for
callers that have only a threshold; they go once the paper renders exhibits.

Modules: style (palettes, font, contrast), layout (the page, text measuring), bars (the bar
engine), grade_charts, status_charts, count_charts, saving.
"""

from matplotlib.figure import Figure

from audit_analysis.analysis.chart_text import ChartText
from audit_analysis.paper.figures.bars import hbars, row_height, row_labels, vbars
from audit_analysis.paper.figures.count_charts import (
    draw_case_profile,
    draw_counts,
    draw_themes,
    plot_case_profile,
    plot_counts,
    plot_referral_categories,
    plot_referral_outcomes,
    plot_referrals_per_case,
    plot_themes,
)
from audit_analysis.paper.figures.grade_charts import (
    draw_area_grades,
    draw_overall_grades,
    draw_share_heatmap,
    plot_area_grades,
    plot_overall_grades,
    plot_share_heatmap,
)
from audit_analysis.paper.figures.layout import Page, draw_no_data
from audit_analysis.paper.figures.saving import (
    PaperFigure,
    alt_text_of,
    attach_alt_text,
    save_figure,
)
from audit_analysis.paper.figures.status_charts import (
    draw_case_grid,
    draw_returns,
    plot_case_grid,
    plot_returns,
)
from audit_analysis.paper.figures.style import (
    FAINT,
    FIG_WIDTH_IN,
    FONT_FAMILY,
    FONT_SIZE,
    GRADE_CODES,
    GRADE_PALETTES,
    INK,
    MUTED,
    NEUTRAL_BAR,
    NO_DATA_MESSAGE,
    NO_VALUE,
    NOT_GRADED_COLOUR,
    SAVE_DPI,
    SHARE_CMAP,
    SMALL_BASE,
    SMALL_BASE_HATCH,
    STATUS_COLOURS,
    STYLE,
    SUPPRESSED_FILL,
    SUPPRESSED_HATCH,
    SUPPRESSED_LABEL,
    contrast_ratio,
    grade_code,
    grade_hatches,
    grade_palette,
    greyscale_level,
    lightness,
    relative_luminance,
    text_colour_for,
)


def no_data_figure(title, message=NO_DATA_MESSAGE, subtitle="n = 0", notes=()):
    """A figure saying there is nothing to show (see chart_text.no_data_text and draw_no_data)."""
    from audit_analysis.analysis.chart_text import no_data_text

    return draw_no_data(no_data_text(title, message, subtitle, notes))


__all__ = [
    "FAINT",
    "FIG_WIDTH_IN",
    "FONT_FAMILY",
    "FONT_SIZE",
    "GRADE_CODES",
    "GRADE_PALETTES",
    "INK",
    "MUTED",
    "NEUTRAL_BAR",
    "NOT_GRADED_COLOUR",
    "NO_DATA_MESSAGE",
    "NO_VALUE",
    "SAVE_DPI",
    "SHARE_CMAP",
    "SMALL_BASE",
    "SMALL_BASE_HATCH",
    "STATUS_COLOURS",
    "STYLE",
    "SUPPRESSED_FILL",
    "SUPPRESSED_HATCH",
    "SUPPRESSED_LABEL",
    "ChartText",
    "Figure",
    "Page",
    "PaperFigure",
    "alt_text_of",
    "attach_alt_text",
    "contrast_ratio",
    "draw_area_grades",
    "draw_case_grid",
    "draw_case_profile",
    "draw_counts",
    "draw_no_data",
    "draw_overall_grades",
    "draw_returns",
    "draw_share_heatmap",
    "draw_themes",
    "grade_code",
    "grade_hatches",
    "grade_palette",
    "greyscale_level",
    "hbars",
    "lightness",
    "no_data_figure",
    "plot_area_grades",
    "plot_case_grid",
    "plot_case_profile",
    "plot_counts",
    "plot_overall_grades",
    "plot_referral_categories",
    "plot_referral_outcomes",
    "plot_referrals_per_case",
    "plot_returns",
    "plot_share_heatmap",
    "plot_themes",
    "relative_luminance",
    "row_height",
    "row_labels",
    "save_figure",
    "text_colour_for",
    "vbars",
]
