"""Each exhibit's chart, drawn from the exhibit's table and hidden-cell mask."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from audit_analysis.analysis.exhibits.model import Exhibit
from audit_analysis.analysis.grading import ALL_AGENCIES
from audit_analysis.paper import figures
from audit_analysis.vocabulary import GRADE_SCALES, STATUS_LABELS, KeyArea


def _areas(exhibit: Exhibit) -> list[KeyArea]:
    return [KeyArea(key, label) for key, label in exhibit.chart.options.get("areas", [])]


def _scale(exhibit: Exhibit):
    return GRADE_SCALES[exhibit.chart.options["scale"]]


def _returns(exhibit: Exhibit, threshold: int | None):
    status_of = {label: key for key, label in STATUS_LABELS.items()}
    columns = [c for c in exhibit.table.columns if c in status_of]
    table = exhibit.table[columns].rename(columns=status_of)
    hidden = exhibit.hidden[columns].rename(columns=status_of)
    body = [i for i in table.index if i != ALL_AGENCIES]
    totals = exhibit.chart.options.get("totals")
    return figures.plot_returns(
        table.loc[body],
        title=exhibit.title,
        threshold=threshold,
        suppressed=hidden.loc[body],
        totals=tuple(totals) if totals else None,
    )


def _profile(exhibit: Exhibit, threshold: int | None):
    index = pd.MultiIndex.from_tuples(
        [tuple(str(i).split(": ", 1)) for i in exhibit.table.index],
        names=["characteristic", "category"],
    )
    table = exhibit.table.set_axis(index)
    return figures.plot_case_profile(
        table,
        n_children=exhibit.chart.options["n_children"],
        title=exhibit.title,
        threshold=threshold,
        suppressed=exhibit.hidden.set_axis(index),
    )


DRAW: dict[str, Callable[[Exhibit, int | None], figures.Figure]] = {
    "returns": _returns,
    "overall-grades": lambda e, t: figures.plot_overall_grades(
        e.table,
        _scale(e),
        title=e.title,
        threshold=t,
        suppressed=e.hidden,
        totals_hidden=e.chart.options.get("totals_hidden"),
    ),
    "area-grades": lambda e, t: figures.plot_area_grades(
        e.table,
        _scale(e),
        areas=_areas(e),
        title=e.title,
        threshold=t,
        suppressed=e.hidden,
        total_hidden=e.chart.options.get("total_hidden"),
    ),
    "share-heatmap": lambda e, t: figures.plot_share_heatmap(
        e.table,
        e.detail,
        _scale(e),
        areas=_areas(e),
        title=e.title,
        threshold=t,
        suppressed=e.hidden,
        n_audits=e.n,
        graded_hidden=e.chart.options.get("graded_hidden"),
    ),
    "case-grid": lambda e, t: figures.plot_case_grid(e.table, _scale(e), title=e.title),
    "case-profile": _profile,
    "themes": lambda e, t: figures.plot_themes(
        e.table, n_cases=e.chart.options["n_cases"], title=e.title, threshold=t, suppressed=e.hidden
    ),
    "referrals-per-case": lambda e, t: figures.plot_referrals_per_case(
        e.table, title=e.title, threshold=t, suppressed=e.hidden
    ),
    "referral-distribution": lambda e, t: figures.plot_counts(
        e.table["children"],
        title=e.title,
        unit="children",
        noun=("child", "children"),
        vertical=True,
        category_label="Referrals",
        threshold=t,
        suppressed=e.hidden["children"],
    ),
    "referral-categories": lambda e, t: figures.plot_referral_categories(
        e.table, title=e.title, threshold=t, suppressed=e.hidden
    ),
    "referral-outcomes": lambda e, t: figures.plot_referral_outcomes(
        e.table, title=e.title, threshold=t, suppressed=e.hidden
    ),
}


def draw(exhibit: Exhibit, threshold: int | None) -> figures.Figure:
    """The exhibit's chart as a PaperFigure."""
    return DRAW[exhibit.chart.kind](exhibit, threshold)
