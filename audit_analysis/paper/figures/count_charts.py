"""Single-series count charts: referrals (per case, by category, by outcome), outline themes,
and the case profile's panels; bars from bars.py, words from the analysis (count_chart_text)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib as mpl
import pandas as pd
from matplotlib.figure import Figure

from audit_analysis.analysis import chart_tables as tables
from audit_analysis.analysis.chart_text import ChartText
from audit_analysis.analysis.count_chart_text import (
    CASE_PROFILE_TITLE,
    REFERRAL_CATEGORIES_TITLE,
    REFERRAL_OUTCOMES_TITLE,
    REFERRALS_PER_CASE_TITLE,
    THEMES_TITLE,
    describe_case_profile,
    describe_counts,
    describe_referral_categories,
    describe_referral_outcomes,
    describe_referrals_per_case,
    describe_themes,
)
from audit_analysis.paper.figures.bars import (
    LABEL_MAX_IN,
    ROW_MIN,
    hbars,
    row_height,
    row_labels,
    vbars,
)
from audit_analysis.paper.figures.layout import PAD, RIGHT, Page, draw_no_data, wrap_to_inches
from audit_analysis.paper.figures.style import FONT_SIZE, NEUTRAL_BAR, STYLE

Counts = pd.Series | pd.DataFrame | Mapping


def draw_counts(
    counts: Counts,
    hidden: pd.Series | None,
    text: ChartText,
    *,
    vertical: bool = False,
    hidden_length: float = 1,
) -> Figure:
    """One bar per category, labelled with its count ('0' drawn too; 'c' where hidden).

    ``counts``: a Series (or one-column DataFrame) in the order to draw; horizontal bars
    named by ``text.row_labels``, or ``vertical=True`` for short names such as case numbers
    (``text.axis_label`` under them). Words from ``describe_counts`` and its kin.
    """
    if text.message:
        return draw_no_data(text)
    s = tables.as_series(counts)
    mask = tables.mask_like(hidden, s)
    labels = list(text.row_labels or map(str, s.index))
    with mpl.rc_context(STYLE):
        if vertical:
            page = Page(
                title=text.title,
                subtitle=text.subtitle,
                body_height=2.0,
                notes=text.notes,
                bottom_extra=0.45 if text.axis_label else 0.28,
            )
            ax = page.axes(0.3, right=0.2)
            vbars(ax, s, mask, labels, hidden_length=hidden_length, axis_label=text.axis_label)
        else:
            wrapped, label_w = row_labels(labels)
            row_h = row_height(wrapped, ROW_MIN - 0.04)
            page = Page(
                title=text.title,
                subtitle=text.subtitle,
                body_height=row_h * len(s),
                notes=text.notes,
            )
            left = PAD + label_w
            ax = page.axes(left)
            hbars(
                ax,
                s.to_frame("count"),
                mask.to_frame("count"),
                colours={"count": NEUTRAL_BAR},
                row_height=row_h,
                hidden_length=hidden_length,
                ax_width_in=page.width - left - RIGHT,
                show_zero=True,
            )
            ax.set_yticklabels(wrapped)
    return page.done(text)


def plot_counts(
    counts: Counts,
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
    """describe_counts + draw_counts, the mask from chart_tables.counts_mask."""
    s = tables.as_series(counts)
    hidden = None if tables.all_zero(s) else tables.counts_mask(s, threshold, suppressed, n=n)
    text = describe_counts(
        s,
        hidden,
        title=title,
        unit=unit,
        n=n,
        category_label=category_label if vertical else "",
        noun=noun,
        notes=notes,
        alt_notes=alt_notes,
        threshold=threshold,
    )
    return draw_counts(s, hidden, text, vertical=vertical, hidden_length=threshold or 1)


def _referral_mask(s: pd.Series, threshold: int | None, suppressed) -> pd.Series | None:
    return None if tables.all_zero(s) else tables.counts_mask(s, threshold, suppressed)


def plot_referrals_per_case(
    counts: pd.Series | pd.DataFrame,
    *,
    title: str = REFERRALS_PER_CASE_TITLE,
    threshold: int | None = None,
    suppressed: pd.Series | pd.DataFrame | None = None,
) -> Figure:
    """Vertical bars: referrals each case had before the audit period (``referrals_per_case()``)."""
    s = tables.as_series(counts, "referrals")
    hidden = _referral_mask(s, threshold, suppressed)
    text = describe_referrals_per_case(s, hidden, title=title, threshold=threshold)
    return draw_counts(s, hidden, text, vertical=True, hidden_length=threshold or 1)


def plot_referral_categories(
    counts: pd.Series | pd.DataFrame,
    *,
    title: str = REFERRAL_CATEGORIES_TITLE,
    threshold: int | None = None,
    suppressed: pd.Series | pd.DataFrame | None = None,
) -> Figure:
    """Horizontal bars: referrals before the audit period by category (``referral_categories()``)."""
    s = tables.as_series(counts, "referrals")
    hidden = _referral_mask(s, threshold, suppressed)
    text = describe_referral_categories(s, hidden, title=title, threshold=threshold)
    return draw_counts(s, hidden, text, hidden_length=threshold or 1)


def plot_referral_outcomes(
    counts: pd.Series | pd.DataFrame,
    *,
    title: str = REFERRAL_OUTCOMES_TITLE,
    threshold: int | None = None,
    suppressed: pd.Series | pd.DataFrame | None = None,
) -> Figure:
    """Horizontal bars: referrals during the audit period by outcome (``referral_outcomes()``)."""
    s = tables.as_series(counts, "referrals")
    hidden = _referral_mask(s, threshold, suppressed)
    text = describe_referral_outcomes(s, hidden, title=title, threshold=threshold)
    return draw_counts(s, hidden, text, hidden_length=threshold or 1)


def draw_themes(
    counts: pd.Series | pd.DataFrame,
    hidden: pd.Series | None,
    text: ChartText,
    *,
    hidden_length: float = 1,
) -> Figure:
    """Horizontal bars: cases per outline-issue theme, themes with no cases left out
    (``chart_tables.themes_shown``); words from ``describe_themes``."""
    _, shown = tables.themes_shown(counts)
    return draw_counts(shown, hidden, text, hidden_length=hidden_length)


def plot_themes(
    counts: pd.Series | pd.DataFrame,
    *,
    n_cases: int,
    title: str = THEMES_TITLE,
    threshold: int | None = None,
    suppressed: pd.Series | pd.DataFrame | None = None,
) -> Figure:
    """describe_themes + draw_themes; the mask (over the drawn themes, n = ``n_cases``)
    from chart_tables.counts_mask."""
    _, shown = tables.themes_shown(counts)
    hidden = None
    if not tables.all_zero(shown):
        hidden = tables.counts_mask(shown, threshold, suppressed, n=n_cases)
    text = describe_themes(counts, hidden, n_cases=n_cases, title=title, threshold=threshold)
    return draw_themes(counts, hidden, text, hidden_length=threshold or 1)


def draw_case_profile(
    profile: pd.DataFrame | Mapping[str, pd.Series | pd.DataFrame],
    hidden: Mapping[str, pd.Series] | None,
    text: ChartText,
    *,
    hidden_length: float = 1,
) -> Figure:
    """Small horizontal bar panels, one under another, on one shared scale.

    ``profile``: ``profile.case_profile()`` (MultiIndex characteristic × category) or a
    mapping heading → counts; the panels drawn are ``chart_tables.profile_panels_drawn``
    (a one-category panel is said in words, in ``text.notes``); ``hidden``: heading → bool
    Series (``chart_tables.profile_mask``). Words from ``describe_case_profile``.
    """
    if text.message:
        return draw_no_data(text)
    panels = tables.profile_panels_drawn(tables.profile_panels(profile))
    masks = {h: tables.mask_like((hidden or {}).get(h), s) for h, s in panels.items()}
    _, label_w = row_labels([str(i) for s in panels.values() for i in s.index])
    row_h, head = 0.34, 0.3
    with mpl.rc_context(STYLE):
        page = Page(
            title=text.title,
            subtitle=text.subtitle,
            notes=text.notes,
            body_height=sum(head + row_h * len(s) for s in panels.values()),
        )
        top, left = page.body_top, PAD + label_w
        span = max(float(s.mask(masks[h], float(hidden_length)).max()) for h, s in panels.items())
        for heading, s in panels.items():
            bottom = top - head - row_h * len(s)
            ax = page.axes(left, top=top - head, bottom=bottom)
            hbars(
                ax,
                s.to_frame("count"),
                masks[heading].to_frame("count"),
                colours={"count": NEUTRAL_BAR},
                row_height=row_h,
                hidden_length=hidden_length,
                ax_width_in=page.width - left - RIGHT,
                span=span,
                show_zero=True,
            )
            ax.set_yticklabels([wrap_to_inches(str(i), LABEL_MAX_IN) for i in s.index])
            ax.set_gid(f"panel:{heading}")
            page.fig.text(
                PAD / page.width,
                (top - 0.04) / page.height,
                heading,
                ha="left",
                va="top",
                fontsize=FONT_SIZE,
                fontweight="bold",
                gid="panel-title",
            )
            top = bottom
    return page.done(text)


def plot_case_profile(
    profile: pd.DataFrame | Mapping[str, pd.Series | pd.DataFrame],
    *,
    n_children: int | None = None,
    title: str = CASE_PROFILE_TITLE,
    threshold: int | None = None,
    suppressed: pd.DataFrame | pd.Series | None = None,
) -> Figure:
    """describe_case_profile + draw_case_profile, the masks from chart_tables.profile_mask."""
    hidden = tables.profile_mask(profile, threshold, suppressed)
    text = describe_case_profile(
        profile, hidden, n_children=n_children, title=title, threshold=threshold
    )
    return draw_case_profile(profile, hidden, text, hidden_length=threshold or 1)
