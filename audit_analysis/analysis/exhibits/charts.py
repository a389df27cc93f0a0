"""Each chart exhibit's drawing inputs and words, worked out in the analysis stage.

`chart_inputs` selects what a chart draws from its exhibit (rows without the totals row, status
columns by key, the profile's panels): selection only, shared by the words here and the drawing
in paper/exhibit_figures.py. `describe` words the chart — title, n line, alt text, bar labels —
from the exhibit's values and its paper-wide hidden mask, so the renderer only draws.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

from audit_analysis.analysis import chart_tables as tables
from audit_analysis.analysis.chart_text import ChartText
from audit_analysis.analysis.count_chart_text import (
    describe_agencies_per_case,
    describe_case_profile,
    describe_referral_categories,
    describe_referral_distribution,
    describe_referral_outcomes,
    describe_referrals_per_case,
    describe_themes,
)
from audit_analysis.analysis.exhibits.model import Exhibit, Exhibits
from audit_analysis.analysis.grade_chart_text import (
    describe_area_grades,
    describe_overall_grades,
    describe_share_heatmap,
)
from audit_analysis.analysis.grading import ALL_AGENCIES
from audit_analysis.analysis.status_chart_text import describe_case_grid, describe_returns
from audit_analysis.vocabulary import GRADE_SCALES, STATUS_LABELS, KeyArea

DISTRIBUTIONS = ("referral-distribution", "agencies-per-case")
"""Chart kinds that show a large sample's per-case counts as a distribution (vertical bars)."""


@dataclass(frozen=True)
class ChartInputs:
    """What one chart draws: its table, its hidden mask, and chart-specific extras."""

    table: object
    hidden: object
    extra: dict = field(default_factory=dict)


def scale_of(exhibit: Exhibit):
    return GRADE_SCALES[exhibit.chart.options["scale"]]


def areas_of(exhibit: Exhibit) -> list[KeyArea]:
    return [KeyArea(key, label) for key, label in exhibit.chart.options.get("areas", [])]


def _profile_index(exhibit: Exhibit) -> pd.MultiIndex:
    return pd.MultiIndex.from_tuples(
        [tuple(str(i).split(": ", 1)) for i in exhibit.table.index],
        names=["characteristic", "category"],
    )


def _series(exhibit: Exhibit) -> tuple[pd.Series, pd.Series]:
    return exhibit.table.iloc[:, 0], exhibit.hidden.iloc[:, 0].astype(bool)


def chart_inputs(exhibit: Exhibit) -> ChartInputs:
    """The table and mask a chart draws, selected from its exhibit."""
    kind, table, hidden = exhibit.chart.kind, exhibit.table, exhibit.hidden
    if kind == "returns":
        status_of = {label: key for key, label in STATUS_LABELS.items()}
        columns = [c for c in table.columns if c in status_of]
        body = [i for i in table.index if i != ALL_AGENCIES]
        return ChartInputs(
            table.loc[body, columns].rename(columns=status_of),
            hidden.loc[body, columns].rename(columns=status_of),
        )
    if kind == "overall-grades":
        body = [i for i in table.index if i != ALL_AGENCIES]
        return ChartInputs(table.loc[body], hidden.loc[body])
    if kind == "case-profile":
        index = _profile_index(exhibit)
        profile = table.set_axis(index)
        panels = tables.profile_panels(profile)
        masks = {
            heading: hidden.set_axis(index).iloc[:, 0].loc[heading].astype(bool)
            for heading in panels
        }
        return ChartInputs(profile, masks)
    if kind == "share-heatmap":
        small = pd.DataFrame(False, index=table.index, columns=table.columns)
        for row, column in exhibit.chart.options.get("small_base_cells", []):
            small.loc[row, column] = True
        return ChartInputs(table, hidden, {"counts": exhibit.detail, "small": small})
    if kind in (
        "themes",
        "referrals-per-case",
        "referral-categories",
        "referral-outcomes",
        *DISTRIBUTIONS,
    ):
        return ChartInputs(*_series(exhibit))
    return ChartInputs(table, hidden)


def describe(exhibit: Exhibit, threshold: int | None, publication: bool) -> ChartText:
    """The chart's words, from its exhibit's values and hidden mask."""
    inputs = chart_inputs(exhibit)
    kind, title = exhibit.chart.kind, exhibit.title
    table, hidden = inputs.table, inputs.hidden
    if kind == "returns":
        totals = exhibit.chart.options.get("totals_hidden")
        return describe_returns(
            table,
            hidden,
            title=title,
            threshold=threshold,
            publication=publication,
            totals_hidden=tuple(totals) if totals else None,
        )
    if kind == "overall-grades":
        return describe_overall_grades(
            table,
            hidden,
            scale_of(exhibit),
            title=title,
            threshold=threshold,
            totals_hidden=exhibit.chart.options.get("totals_hidden"),
        )
    if kind == "area-grades":
        return describe_area_grades(
            table,
            hidden,
            scale_of(exhibit),
            areas=areas_of(exhibit),
            title=title,
            threshold=threshold,
            total_hidden=exhibit.chart.options.get("total_hidden"),
        )
    if kind == "share-heatmap":
        return describe_share_heatmap(
            table,
            inputs.extra["counts"],
            hidden,
            scale_of(exhibit),
            small=inputs.extra["small"],
            areas=areas_of(exhibit),
            title=title,
            n_audits=exhibit.n,
            threshold=threshold,
            graded_hidden=exhibit.chart.options.get("graded_hidden"),
        )
    if kind == "case-grid":
        return describe_case_grid(table, scale_of(exhibit), title=title, publication=publication)
    if kind == "case-profile":
        return describe_case_profile(
            table,
            hidden,
            n_children=exhibit.chart.options["n_children"],
            title=title,
            threshold=threshold,
        )
    if kind == "themes":
        n_cases = exhibit.chart.options["n_cases"]
        return describe_themes(table, hidden, n_cases=n_cases, title=title, threshold=threshold)
    describe_counts_of = {
        "referrals-per-case": describe_referrals_per_case,
        "referral-distribution": describe_referral_distribution,
        "agencies-per-case": describe_agencies_per_case,
        "referral-categories": describe_referral_categories,
        "referral-outcomes": describe_referral_outcomes,
    }[kind]
    if kind not in ("referral-categories", "referral-outcomes"):
        return describe_counts_of(table, hidden, title=title, threshold=threshold)
    n_hidden = exhibit.chart.options.get("n_hidden")
    return describe_counts_of(table, hidden, title=title, threshold=threshold, n_hidden=n_hidden)


def with_small_base(exhibit: Exhibit) -> Exhibit:
    """A heatmap's cells resting on too few graded audits, recorded for drawing them pale."""
    if exhibit.chart is None or exhibit.chart.kind != "share-heatmap" or exhibit.detail is None:
        return exhibit
    small = tables.small_base_mask(exhibit.table, exhibit.detail, exhibit.hidden, tables.SMALL_BASE)
    cells = [[str(r), str(c)] for (r, c), flag in small.stack().items() if flag]
    options = {**exhibit.chart.options, "small_base_cells": cells}
    return replace(exhibit, chart=replace(exhibit.chart, options=options))


def with_words(exhibits: Exhibits) -> Exhibits:
    """Every chart exhibit with its words filled in."""
    out = []
    for exhibit in exhibits.values():
        if exhibit.chart is not None:
            exhibit = with_small_base(exhibit)
            text = describe(exhibit, exhibits.threshold, exhibits.publication)
            exhibit = replace(exhibit, chart=replace(exhibit.chart, text=text))
        out.append(exhibit)
    return Exhibits(out, publication=exhibits.publication, threshold=exhibits.threshold)
