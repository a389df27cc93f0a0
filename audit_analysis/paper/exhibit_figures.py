"""Each exhibit's chart, drawn from its table, its hidden mask and the words the analysis gave it."""

from __future__ import annotations

from audit_analysis.analysis.exhibits.charts import chart_inputs, scale_of
from audit_analysis.analysis.exhibits.model import Exhibit
from audit_analysis.paper import figures


def draw(exhibit: Exhibit, threshold: int | None) -> figures.Figure:
    """The exhibit's chart as a PaperFigure carrying the exhibit's alt text."""
    text = exhibit.chart.text
    if text.message:
        return figures.draw_no_data(text)
    inputs = chart_inputs(exhibit)
    table, hidden, kind = inputs.table, inputs.hidden, exhibit.chart.kind
    length = threshold or 1
    if kind == "returns":
        return figures.draw_returns(table, hidden, text, hidden_length=length)
    if kind == "overall-grades":
        return figures.draw_overall_grades(
            table, hidden, text, scale_of(exhibit), hidden_length=length
        )
    if kind == "area-grades":
        return figures.draw_area_grades(
            table, hidden, text, scale_of(exhibit), hidden_length=length
        )
    if kind == "share-heatmap":
        return figures.draw_share_heatmap(table, hidden, text, small=inputs.extra["small"])
    if kind == "case-grid":
        return figures.draw_case_grid(table, text, scale_of(exhibit))
    if kind == "case-profile":
        return figures.draw_case_profile(table, hidden, text, hidden_length=length)
    if kind == "themes":
        return figures.draw_themes(table, hidden, text, hidden_length=length)
    vertical = kind in ("referrals-per-case", "referral-distribution")
    return figures.draw_counts(table, hidden, text, vertical=vertical, hidden_length=length)
