"""The words of the status charts: audits returned by each agency, and the case-by-agency grid."""

from __future__ import annotations

import pandas as pd

from audit_analysis.analysis import chart_tables as tables
from audit_analysis.analysis.chart_text import (
    NO_VALUE,
    ChartText,
    count_or_marker,
    describe_rows,
    hidden_alt_note,
    n_text,
    no_data_text,
    one_line,
    plural,
    suppression_note,
)
from audit_analysis.vocabulary import (
    NOT_GRADED,
    OFSTED,
    STATUS_LABELS,
    STATUSES,
    GradeScale,
)

RETURNS_TITLE = "Audits returned by each agency"
CASE_GRID_TITLE = "Overall grade by case and agency"

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
NOT_SUBMITTED_CODE = "NS"


def grade_code(grade: str) -> str:
    """Short text for a grade in a grid cell (Out, Good, RI, Inad, NG, …)."""
    if grade in GRADE_CODES:
        return GRADE_CODES[grade]
    words = grade.split()
    return "".join(w[0].upper() for w in words) if len(words) > 1 else grade[:4]


def describe_returns(
    table: pd.DataFrame,
    hidden: pd.DataFrame | None = None,
    *,
    title: str = RETURNS_TITLE,
    threshold: int | None = None,
    publication: bool | None = None,
    totals_hidden: tuple[bool, bool] | None = None,
) -> ChartText:
    """The words of the returns chart: audits due from each agency, by what came back.

    ``table``: ``grading.return_rates()`` (status columns; others ignored); ``hidden``: e.g.
    ``chart_tables.returns_mask``. n = audits received (submitted + incomplete) of those due.
    Each bar's tail reads '6 of 6 · 4 no involvement'; a ``publication`` version (default:
    when a threshold is given) leaves the tails out.
    """
    if tables.is_empty(table):
        return no_data_text(title)
    counts = tables.status_counts(table)
    if tables.all_zero(counts):
        return no_data_text(title)
    if publication is None:
        publication = threshold is not None
    hidden = tables.mask_like(hidden, counts)
    received = counts["submitted"] + counts["incomplete"]
    due = received + counts["not_submitted"]
    n_agencies = plural(len(counts), "agency", "agencies")
    received_hidden, due_hidden = totals_hidden or (None, None)  # the paper's decision
    subtitle = (
        f"{n_text(int(received.sum()), 'audits received', threshold, received_hidden)} of "
        f"{count_or_marker(int(due.sum()), threshold, due_hidden)} due from {n_agencies}"
    )
    notes = [
        "An audit is due for each case the agency was involved with in the audit period; "
        "'no involvement' means the agency had no contact with the family."
    ]
    if hidden.to_numpy().any():
        notes.append(suppression_note(threshold, "segments"))
    tails: list[str] = []
    if not publication:
        for r, d, ni in zip(received, due, counts["no_involvement"], strict=True):
            text = f"{r} of {d}" if d else "none due"
            tails.append(text + (f" · {ni} no involvement" if ni else ""))
    labels = {s: STATUS_LABELS[s] for s in STATUSES}
    rows = tuple(str(i) for i in counts.index)
    alt = (
        f"Stacked bar chart of the audits due from each agency by whether they came back, "
        f"{n_agencies}, {subtitle}. "
        + describe_rows(
            counts.rename(columns=labels), hidden.rename(columns=labels), rows, threshold
        )
        + hidden_alt_note(hidden, threshold)
    )
    return ChartText(
        title=title,
        subtitle=subtitle,
        alt_text=one_line(alt),
        notes=tuple(notes),
        row_tails=tuple(tails),
        row_labels=rows,
    )


def case_grid_cells(grid: pd.DataFrame, scale: GradeScale = OFSTED) -> pd.DataFrame:
    """The grid as drawn: agencies as rows (their names are long), cases as columns, each
    cell a grade, a status label or '' (no return); other values are refused."""
    cells = grid.astype(object).where(grid.notna(), "").map(lambda v: str(v).strip()).T
    statuses = {STATUS_LABELS["not_submitted"], STATUS_LABELS["no_involvement"]}
    unknown = sorted(set(cells.to_numpy().ravel()) - {*scale.all_grades, *statuses, ""})
    if unknown:
        raise ValueError(
            f"the case grid has values that are neither on the {scale.label} "
            f"nor a return status: {', '.join(map(repr, unknown))}"
        )
    return cells


def describe_case_grid(
    grid: pd.DataFrame,
    scale: GradeScale = OFSTED,
    *,
    title: str = CASE_GRID_TITLE,
    publication: bool = False,
) -> ChartText:
    """The words of the case-by-agency grid, and each cell's short code.

    ``grid``: ``grading.case_agency_grid()`` — index case_id, columns agency. Case-level
    detail is never published: a ``publication`` version says so instead of drawing it.
    """
    if publication:
        return no_data_text(
            title,
            "Case-level detail is not shown in the publication version",
            subtitle="Withheld: individual children could be recognised",
        )
    if grid is None or grid.size == 0:
        return no_data_text(title)
    cells = case_grid_cells(grid, scale)
    if not (cells != "").to_numpy().any():
        return no_data_text(title)
    not_submitted, no_involvement = STATUS_LABELS["not_submitted"], STATUS_LABELS["no_involvement"]
    codes = {g: grade_code(g) for g in scale.all_grades}
    codes |= {not_submitted: NOT_SUBMITTED_CODE, no_involvement: NO_VALUE, "": ""}
    n_audits = int(cells.isin(scale.all_grades).to_numpy().sum())
    n_graded_overall = int(cells.isin(scale.grades).to_numpy().sum())
    cases = tuple(str(c) for c in cells.columns)
    n_agencies = plural(len(cells), "agency", "agencies")
    notes = []
    if (cells == "").to_numpy().any():
        notes.append("A blank cell: no return was recorded for that case.")
    parts = []
    for agency in cells.index:
        items = [f"case {c} {v}" for c, v in cells.loc[agency].items() if v]
        parts.append(f"{agency}: {', '.join(items) if items else 'no returns'}")
    alt = (
        f"Grid of the overall grade each agency gave each case, "
        f"{n_agencies} (rows) by {plural(len(cases), 'case')} "
        f"(columns), n = {plural(n_audits, 'audit')}, {n_graded_overall} of them graded "
        f"overall and {n_audits - n_graded_overall} not graded. " + "; ".join(parts) + "."
    )
    return ChartText(
        title=title,
        subtitle=f"n = {plural(n_audits, 'audit')} · {plural(len(cases), 'case')} × {n_agencies}",
        alt_text=one_line(alt),
        notes=tuple(notes),
        row_labels=tuple(str(a) for a in cells.index),
        column_labels=cases,
        cell_labels=tuple(tuple(codes[v] for v in row) for row in cells.to_numpy()),
        axis_label="Case",
    )
