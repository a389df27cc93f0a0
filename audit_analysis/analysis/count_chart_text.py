"""The words of the single-series count charts: referrals, outline themes, the case profile."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from audit_analysis.analysis import chart_tables as tables
from audit_analysis.analysis.chart_text import (
    ChartText,
    count_words,
    describe_series,
    hidden_alt_note,
    lower_first,
    n_text,
    no_data_text,
    noun_of,
    one_line,
    plural,
    suppression_note,
)
from audit_analysis.analysis.profile import OTHER_THEME, UNRECORDED

REFERRALS_PER_CASE_TITLE = "Referrals received before the audit period, by case"
REFERRAL_DISTRIBUTION_TITLE = "Children by number of referrals received before the audit period"
AGENCIES_PER_CASE_TITLE = "Cases by the number of agencies that audited them"
REFERRAL_CATEGORIES_TITLE = "Categories of referrals received before the audit period"
REFERRAL_OUTCOMES_TITLE = "Outcomes of all referrals made during the audit period"
THEMES_TITLE = "Issues in the case outlines"
CASE_PROFILE_TITLE = "The children in the audit sample"


def describe_counts(
    counts: pd.Series | pd.DataFrame | Mapping,
    hidden: pd.Series | None = None,
    *,
    title: str,
    unit: str = "referrals",
    n: int | None = None,
    category_label: str = "",
    noun: tuple[str, str] | None = None,
    notes: Sequence[str] = (),
    alt_notes: Sequence[str] = (),
    threshold: int | None = None,
    n_hidden: bool | None = None,
) -> ChartText:
    """The words of a one-bar-per-category chart.

    ``counts``: a Series (or one-column DataFrame) of counts by category; ``hidden``: a bool
    Series like it (e.g. ``chart_tables.counts_mask``). ``n`` defaults to the sum (pass it
    when categories overlap); ``unit`` says what n counts. The alt text names what each number
    counts: ``noun`` (singular, plural), by default from the first word of ``unit``, and
    ``category_label`` before each category when it is a bare number ("Case 1: 2 referrals;
    case 2: 1 referral"). ``notes`` go under the chart and into the alt text; ``alt_notes``
    only into the alt text.
    """
    s = tables.as_series(counts)
    if tables.all_zero(s):
        return no_data_text(title, subtitle=n_text(0 if n is None else int(n), unit, threshold))
    n = int(s.sum()) if n is None else int(n)
    hidden = tables.mask_like(hidden, s)
    given = [note for note in notes if note]
    shown_notes = [*given, *([suppression_note(threshold)] if hidden.any() else [])]
    subtitle = n_text(n, unit, threshold, n_hidden)  # n_hidden: the paper's decision, if given
    items = describe_series(
        s, hidden, noun or noun_of(unit), category_label.lower() if category_label else None
    )
    extra = "".join(f" {note}" for note in [*given, *alt_notes])
    alt = f"Bar chart of {lower_first(title)}, {subtitle}. {items}.{extra}" + hidden_alt_note(
        hidden, threshold
    )
    return ChartText(
        title=title,
        subtitle=subtitle,
        alt_text=one_line(alt),
        notes=tuple(shown_notes),
        row_labels=tuple(str(i) for i in s.index),
        axis_label=category_label,
    )


def describe_referrals_per_case(
    counts: pd.Series | pd.DataFrame,
    hidden: pd.Series | None = None,
    *,
    title: str = REFERRALS_PER_CASE_TITLE,
    threshold: int | None = None,
) -> ChartText:
    """``referrals.referrals_per_case()`` (every case, 0 for none): n = referrals."""
    s = tables.as_series(counts, "referrals")
    unit = f"referrals for {plural(len(s), 'case')}" if len(s) else "referrals"
    return describe_counts(
        s, hidden, title=title, unit=unit, category_label="Case", threshold=threshold
    )


def describe_referral_distribution(
    counts: pd.Series | pd.DataFrame,
    hidden: pd.Series | None = None,
    *,
    title: str = REFERRAL_DISTRIBUTION_TITLE,
    threshold: int | None = None,
) -> ChartText:
    """``referrals.children_by_referral_count()``: n = children, a bar per number of referrals."""
    s = tables.as_series(counts, "children")
    return describe_counts(
        s,
        hidden,
        title=title,
        unit="children",
        noun=("child", "children"),
        category_label="Referrals",
        threshold=threshold,
    )


def describe_agencies_per_case(
    counts: pd.Series | pd.DataFrame,
    hidden: pd.Series | None = None,
    *,
    title: str = AGENCIES_PER_CASE_TITLE,
    threshold: int | None = None,
) -> ChartText:
    """``grading.cases_by_agencies_auditing()``: n = cases, a bar per number of agencies."""
    s = tables.as_series(counts, "cases")
    return describe_counts(
        s,
        hidden,
        title=title,
        unit="cases",
        noun=("case", "cases"),
        category_label="Agencies",
        threshold=threshold,
    )


def describe_referral_categories(
    counts: pd.Series | pd.DataFrame,
    hidden: pd.Series | None = None,
    *,
    title: str = REFERRAL_CATEGORIES_TITLE,
    threshold: int | None = None,
    n_hidden: bool | None = None,
) -> ChartText:
    """``referrals.referral_categories()``: n = referrals."""
    s = tables.as_series(counts, "referrals")
    return describe_counts(
        s, hidden, title=title, unit="referrals", threshold=threshold, n_hidden=n_hidden
    )


def describe_referral_outcomes(
    counts: pd.Series | pd.DataFrame,
    hidden: pd.Series | None = None,
    *,
    title: str = REFERRAL_OUTCOMES_TITLE,
    threshold: int | None = None,
    n_hidden: bool | None = None,
) -> ChartText:
    """``referrals.referral_outcomes()``: n = referrals."""
    s = tables.as_series(counts, "referrals")
    return describe_counts(
        s, hidden, title=title, unit="referrals", threshold=threshold, n_hidden=n_hidden
    )


def describe_themes(
    counts: pd.Series | pd.DataFrame,
    hidden: pd.Series | None = None,
    *,
    n_cases: int,
    title: str = THEMES_TITLE,
    threshold: int | None = None,
) -> ChartText:
    """The words of the themes chart: cases per outline-issue theme, drawn themes only.

    ``counts``: ``profile.theme_counts()`` (its "cases") or a Series; the chart draws
    ``chart_tables.themes_shown`` and the captions say why the bars need not add up to
    ``n_cases``, what Other is, and that themes with no cases are left out.
    """
    every, shown = tables.themes_shown(counts)
    notes = ["A case can have several issues, so the bars need not add up to n."]
    if OTHER_THEME in shown.index:
        notes.append(f"{OTHER_THEME}: issues that match no theme.")
    if len(shown) < len(every):
        notes.append("Themes with no cases are not shown.")
    return describe_counts(
        shown,
        hidden,
        title=title,
        unit="cases",
        n=n_cases,
        noun=("case", "cases"),
        notes=notes,
        threshold=threshold,
    )


def _single_category_note(heading: str, s: pd.Series, hidden: pd.Series, n: int) -> str:
    """Why a one-category profile panel is not drawn, in words."""
    category = str(s[s != 0].index[0])
    count = int(s[category])
    if count == n:
        who = "any child" if category in UNRECORDED else "every child"
    else:
        who = count_words(count, bool(hidden[category]), ("child", "children"))
        who += ", no other category"
    if category in UNRECORDED:
        return f"{heading} is not shown: not recorded for {who}."
    return f"{heading} is not shown: {category} for {who}."


def describe_case_profile(
    profile: pd.DataFrame | Mapping[str, pd.Series | pd.DataFrame],
    hidden: Mapping[str, pd.Series] | None = None,
    *,
    n_children: int | None = None,
    title: str = CASE_PROFILE_TITLE,
    threshold: int | None = None,
) -> ChartText:
    """The words of the case-profile panels (one per characteristic, n = children).

    ``profile``: ``profile.case_profile()`` or a mapping heading → counts; ``hidden``:
    heading → bool Series (``chart_tables.profile_mask``). A panel whose children all fall in
    one category is not drawn (``chart_tables.profile_panels_drawn``); a caption line says
    what it would have shown. ``n_children`` defaults to the largest panel total.
    """
    panels = tables.profile_panels(profile)
    if not panels:
        return no_data_text(title, subtitle="n = 0 children")
    n = int(n_children if n_children is not None else max(int(v.sum()) for v in panels.values()))
    hidden = {h: tables.mask_like((hidden or {}).get(h), s) for h, s in panels.items()}
    drawn = tables.profile_panels_drawn(panels)
    left_out = [
        _single_category_note(h, s, hidden[h], n) for h, s in panels.items() if h not in drawn
    ]
    subtitle = n_text(n, "children", threshold)
    if not drawn:
        return no_data_text(
            title, "Every child is in the same category", subtitle=subtitle, notes=left_out
        )
    drawn_hidden = [hidden[h] for h in drawn]
    notes = [
        *left_out,
        *([suppression_note(threshold)] if any(h.any() for h in drawn_hidden) else []),
    ]
    parts = [
        f"{h} – {describe_series(s, hidden[h], ('child', 'children'), sep=', ')}."
        for h, s in drawn.items()
    ]
    alt = (
        f"Bar charts of {lower_first(title)}, {subtitle}. "
        + " ".join(parts + left_out)
        + hidden_alt_note(pd.concat(drawn_hidden), threshold)
    )
    return ChartText(
        title=title,
        subtitle=subtitle,
        alt_text=one_line(alt),
        notes=tuple(notes),
    )
