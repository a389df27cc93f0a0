"""How many returns came back, and how agencies graded their own practice.

Inputs are the cleaned `returns` (one row per case × agency) and `gradings` (one row per case ×
agency × area, overall included, for every return) tables. Outputs speak the report's language:
agency names in the audit's order, key-area labels in the audit's order (`Overall` last), grades
in the scale's order with "Not graded" last.

Only returns with a graded status (submitted or incomplete) enter grade counts: a return that
was not submitted, or that records no involvement, carries "Not graded" by construction and is
counted by its status instead, never as an ungraded audit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from audit_analysis.analysis import disclosure
from audit_analysis.analysis.profile import sorted_case_ids
from audit_analysis.vocabulary import (
    GRADED_STATUSES,
    NOT_GRADED,
    OUTSIDE_PERIOD,
    OVERALL,
    RECORDED_STATUSES,
    STATUS_LABELS,
    STATUSES,
    GradeScale,
    KeyArea,
)

ALL_AGENCIES = "All agencies"
OF_WHICH_INCOMPLETE = "of which incomplete"
NOT_SUBMITTED = STATUS_LABELS["not_submitted"].lower()
NO_INVOLVEMENT = STATUS_LABELS["no_involvement"].lower()
OUTSIDE_THE_PERIOD = STATUS_LABELS[OUTSIDE_PERIOD].lower()
EXPECTED = "expected"
SHARE_RETURNED = "share_returned"
SHARE_COMPLETE = "share_complete"
NO_RETURN = ""
"""Case × agency grid cell when the agency made no return for the case."""


def _unknown(values: Iterable[object], known: Iterable[str], what: str) -> None:
    if isinstance(values, pd.Series):  # distinct values first: a column has few, and many rows
        values = values.unique()
    unknown = sorted({str(v) for v in values} - {str(k) for k in known})
    if unknown:
        raise ValueError(f"Unexpected {what}: {', '.join(unknown)}.")


def _check(
    table: pd.DataFrame,
    agencies: Sequence[str],
    areas: Sequence[KeyArea] | None = None,
    scale: GradeScale | None = None,
) -> None:
    _unknown(table["agency"], agencies, "agency (not in the audit's agency list)")
    _unknown(table["status"], RECORDED_STATUSES, "return status")
    if areas is not None:
        _unknown(table["area"], [a.key for a in (*areas, OVERALL)], "key area")
    if scale is not None:
        _unknown(table["grade"], scale.all_grades, f"grade for the {scale.label}")


def _area_list(areas: Sequence[KeyArea], include_overall: bool) -> list[KeyArea]:
    return [*areas, OVERALL] if include_overall else list(areas)


def _rows(present: Iterable[str], agencies: Sequence[str], include_all: bool) -> list[str]:
    if isinstance(present, pd.Series):  # distinct values first: a column has few, and many rows
        present = present.unique()
    present = set(present)
    return [a for a in agencies if include_all or a in present]


def _count(frame: pd.DataFrame, by: list[str], levels: list[Sequence[str]]) -> pd.Series:
    full = pd.MultiIndex.from_product([list(level) for level in levels], names=by)
    counts = frame.value_counts(subset=by, sort=False)
    return counts.reindex(full, fill_value=0).astype("int64")


def _wide(counts: pd.Series, rows: Sequence[str], columns: Sequence[str]) -> pd.DataFrame:
    if counts.empty:
        return pd.DataFrame(0, index=list(rows), columns=list(columns), dtype="int64")
    return counts.unstack(-1).reindex(index=list(rows), columns=list(columns))


def _labels(values: Sequence[str], name: str) -> pd.Index:
    return pd.Index(list(values), dtype="str", name=name)


def _graded_rows(gradings: pd.DataFrame) -> pd.DataFrame:
    return gradings.loc[gradings["status"].isin(GRADED_STATUSES)]


def _overall_rows(gradings: pd.DataFrame) -> pd.DataFrame:
    overall = gradings.loc[gradings["area"] == OVERALL.key]
    repeated = overall.duplicated(["case_id", "agency"])
    if repeated.any():
        pairs = overall.loc[repeated, ["case_id", "agency"]].astype("str").agg(" / ".join, axis=1)
        raise ValueError(f"More than one overall grade for case / agency: {', '.join(pairs)}.")
    return overall


def agencies_without_returns(returns: pd.DataFrame, agencies: Sequence[str]) -> list[str]:
    """Agencies in the audit's list with no return for any case, in the audit's order.

    Reports name them ("Women's Aid and Adult Social Care had no contact with the sample") even
    though their rows are left out of the grade tables by default. Accepts `gradings` too.
    """
    present = set(returns["agency"].unique())
    return [a for a in agencies if a not in present]


def statuses_used(returns: pd.DataFrame) -> list[str]:
    """The statuses a returns table counts: the usual four, and 'outside the period' when used."""
    used = set(returns["status"].unique())
    return [*STATUSES, *(s for s in RECORDED_STATUSES if s not in STATUSES and s in used)]


def return_rates(
    returns: pd.DataFrame,
    agencies: Sequence[str],
    *,
    include_agencies_without_returns: bool = False,
    totals: bool = False,
) -> pd.DataFrame:
    """Returns expected and received per agency.

    Index 'agency' (audit order; 'All agencies' last when `totals`). Columns: 'expected'
    (returns asked for) and the status keys 'submitted', 'incomplete', 'not_submitted',
    'no_involvement' (int64); 'share_returned' = (submitted + incomplete) / (expected −
    no_involvement) and 'share_complete' = submitted / (expected − no_involvement) (float64;
    NaN when the agency was involved in no case). Returns recording no involvement are left
    out of the shares: an agency cannot audit work it did not do.
    """
    _check(returns, agencies)
    rows = _rows(returns["agency"], agencies, include_agencies_without_returns)
    statuses = statuses_used(returns)
    table = _wide(_count(returns, ["agency", "status"], [rows, statuses]), rows, statuses)
    table.index = _labels(rows, "agency")
    table.columns = pd.Index(statuses, dtype="str")
    if totals:
        table.loc[ALL_AGENCIES] = table.sum(axis=0)
    table = table.astype("int64")
    table.insert(0, EXPECTED, table.sum(axis=1).astype("int64"))
    involved = (table[EXPECTED] - table["no_involvement"]).replace(0, np.nan)
    table[SHARE_RETURNED] = (table["submitted"] + table["incomplete"]) / involved
    table[SHARE_COMPLETE] = table["submitted"] / involved
    return table


def overall_grade_distribution(
    gradings: pd.DataFrame,
    agencies: Sequence[str],
    scale: GradeScale,
    *,
    include_agencies_without_returns: bool = False,
    totals: bool = False,
) -> pd.DataFrame:
    """Each agency's overall grades, with the returns that could not be graded — the report's table.

    Index 'agency' (audit order; 'All agencies' last when `totals`). Columns, all int64:
    the scale's grades then 'Not graded' (overall grades of submitted and incomplete returns),
    'of which incomplete' (incomplete returns, already counted in the grade columns),
    'not submitted' and 'no involvement' (returns by status), and 'outside the audit period'
    when any return has that status (audits counted apart). A row's grade columns sum to its
    audits; grade columns plus the last two sum to its returns.
    """
    _check(gradings, agencies, scale=scale)
    overall = _overall_rows(gradings)
    rows = _rows(overall["agency"], agencies, include_agencies_without_returns)
    grades = _count(_graded_rows(overall), ["agency", "grade"], [rows, scale.all_grades])
    used = statuses_used(overall)
    statuses = _count(overall, ["agency", "status"], [rows, used])
    table = _wide(grades, rows, scale.all_grades)
    status_table = _wide(statuses, rows, used)
    table[OF_WHICH_INCOMPLETE] = status_table["incomplete"]
    table[NOT_SUBMITTED] = status_table["not_submitted"]
    table[NO_INVOLVEMENT] = status_table["no_involvement"]
    if OUTSIDE_PERIOD in used:
        table[OUTSIDE_THE_PERIOD] = status_table[OUTSIDE_PERIOD]
    table.index = _labels(rows, "agency")
    table.columns = pd.Index(list(table.columns), dtype="str")
    if totals:
        table.loc[ALL_AGENCIES] = table.sum(axis=0)
    return table.astype("int64")


def overall_distribution_row_groups(scale: GradeScale) -> list[list[str]]:
    """The sums of an overall-distribution row that a paper publishes, for secondary suppression.

    The grade columns add up to the number of audits (stated in the findings text); the status
    columns to the returns not graded; all of them to the returns expected.
    """
    grades = list(scale.all_grades)
    return [grades, [NOT_SUBMITTED, NO_INVOLVEMENT], [*grades, NOT_SUBMITTED, NO_INVOLVEMENT]]


def overall_distribution_mask(
    distribution: pd.DataFrame, scale: GradeScale, threshold: int | None
) -> pd.DataFrame:
    """Which cells of overall_grade_distribution() a publication version hides (bool, same shape).

    Row sums as in overall_distribution_row_groups(), and column totals, are treated as
    published, whether or not the table carries its 'All agencies' row, because the findings
    text states them. Findings use this same mask, so text and table hide the same numbers.
    """
    return disclosure.suppression_mask(
        distribution,
        threshold,
        row_groups=overall_distribution_row_groups(scale),
        column_totals=True,
        total_row=ALL_AGENCIES,
    )


def area_grade_distribution(
    gradings: pd.DataFrame,
    areas: Sequence[KeyArea],
    scale: GradeScale,
    *,
    agency: str | None = None,
    include_overall: bool = True,
) -> pd.DataFrame:
    """How each key area was graded, across all agencies or for one `agency`.

    Index 'area' (area labels in audit order, 'Overall' last when `include_overall`);
    columns 'grade' = the scale's grades then 'Not graded'; int64 counts of submitted and
    incomplete returns. An agency with no such returns gives a table of zeros.
    """
    _unknown(gradings["area"], [a.key for a in (*areas, OVERALL)], "key area")
    _unknown(gradings["grade"], scale.all_grades, f"grade for the {scale.label}")
    chosen = _area_list(areas, include_overall)
    graded = _graded_rows(gradings)
    if agency is not None:
        graded = graded.loc[graded["agency"] == agency]
    keys = [a.key for a in chosen]
    table = _wide(
        _count(graded, ["area", "grade"], [keys, scale.all_grades]), keys, scale.all_grades
    )
    table.index = _labels([a.label for a in chosen], "area")
    table.columns = _labels(scale.all_grades, "grade")
    return table.astype("int64")


def agency_area_grade_counts(
    gradings: pd.DataFrame,
    agencies: Sequence[str],
    areas: Sequence[KeyArea],
    scale: GradeScale,
    *,
    include_overall: bool = True,
    include_agencies_without_returns: bool = False,
) -> pd.DataFrame:
    """Every agency × area × grade count, zeros included — the long form figures facet on.

    RangeIndex; columns 'agency', 'area' (label), 'grade' (str) and 'count' (int64), ordered by
    agency (audit order), area (audit order, 'Overall' last) and grade (scale order).
    Submitted and incomplete returns only.
    """
    _check(gradings, agencies, areas, scale)
    chosen = _area_list(areas, include_overall)
    rows = _rows(gradings["agency"], agencies, include_agencies_without_returns)
    counts = _count(
        _graded_rows(gradings),
        ["agency", "area", "grade"],
        [rows, [a.key for a in chosen], scale.all_grades],
    )
    label = {a.key: a.label for a in chosen}
    long = counts.rename("count").reset_index()
    long["area"] = long["area"].map(label)
    return long.astype({"agency": "str", "area": "str", "grade": "str", "count": "int64"})


def agency_area_grade_matrix(
    gradings: pd.DataFrame,
    agencies: Sequence[str],
    areas: Sequence[KeyArea],
    scale: GradeScale,
    *,
    include_overall: bool = True,
    include_agencies_without_returns: bool = False,
) -> pd.DataFrame:
    """agency_area_grade_counts() pivoted: one row per agency × area, one column per grade.

    Index MultiIndex ('agency', 'area'); columns 'grade' = the scale's grades then
    'Not graded'; int64.
    """
    long = agency_area_grade_counts(
        gradings,
        agencies,
        areas,
        scale,
        include_overall=include_overall,
        include_agencies_without_returns=include_agencies_without_returns,
    )
    rows = list(dict.fromkeys(zip(long["agency"], long["area"], strict=True)))
    index = pd.MultiIndex.from_tuples(rows, names=["agency", "area"])
    if not rows:
        index = pd.MultiIndex.from_arrays(
            [pd.Index([], dtype="str"), pd.Index([], dtype="str")], names=["agency", "area"]
        )
    matrix = long.pivot(index=["agency", "area"], columns="grade", values="count")
    matrix = matrix.reindex(index=index, columns=list(scale.all_grades), fill_value=0)
    matrix.columns = _labels(scale.all_grades, "grade")
    return matrix.astype("int64")


class AgencyAreaGrades:
    """One gradings table's agency × area × grade counts, counted once.

    Every per-agency, per-area table below (returns graded, good or better, not graded, their
    shares and masks, one agency's grades by area) is a view of these counts. A paper asks
    for many of them, and a large audit's gradings table has a row per case × agency × area,
    so the exhibits count once (analysis/exhibits/context.py) and the functions below wrap it.
    """

    def __init__(
        self,
        gradings: pd.DataFrame,
        agencies: Sequence[str],
        areas: Sequence[KeyArea],
        scale: GradeScale,
        *,
        include_overall: bool = True,
        include_agencies_without_returns: bool = False,
    ) -> None:
        self.matrix = agency_area_grade_matrix(
            gradings,
            agencies,
            areas,
            scale,
            include_overall=include_overall,
            include_agencies_without_returns=include_agencies_without_returns,
        )
        self.scale = scale
        self.chosen = _area_list(areas, include_overall)
        self.rows = _rows(gradings["agency"], agencies, include_agencies_without_returns)

    def counts(self, grades: Sequence[str]) -> pd.DataFrame:
        """Returns at any of `grades`, per agency × area (int64)."""
        labels = [a.label for a in self.chosen]
        wide = self.matrix[list(grades)].sum(axis=1).unstack("area")
        wide = wide.reindex(index=self.rows, columns=labels, fill_value=0)
        wide.index = _labels(self.rows, "agency")
        wide.columns = _labels(labels, "area")
        return wide.astype("int64")

    def graded(self) -> pd.DataFrame:
        return self.counts(self.scale.grades)

    def good_or_better(self) -> pd.DataFrame:
        return self.counts(self.scale.good_or_better)

    def not_graded(self) -> pd.DataFrame:
        return self.counts([NOT_GRADED])

    def graded_share(self) -> pd.DataFrame:
        graded, ungraded = self.graded(), self.not_graded()
        audits = (graded + ungraded).replace(0, np.nan)
        return (graded / audits).astype("float64")

    def good_or_better_share(self) -> pd.DataFrame:
        good, graded = self.good_or_better(), self.graded()
        return (good / graded.replace(0, np.nan)).astype("float64")

    def good_or_better_share_mask(self, threshold: int | None) -> pd.DataFrame:
        parts = [self.counts([grade]) for grade in self.scale.grades]
        return disclosure.share_mask(parts, threshold)

    def graded_share_mask(self, threshold: int | None) -> pd.DataFrame:
        return disclosure.share_mask([self.graded(), self.not_graded()], threshold)

    def area_grades(self, agency: str | None = None) -> pd.DataFrame:
        """area_grade_distribution() for one agency (None: all together), from these counts."""
        labels = [a.label for a in self.chosen]
        grades = list(self.scale.all_grades)
        if agency is None:
            table = self.matrix.groupby(level="area").sum().reindex(index=labels, columns=grades)
        elif agency in self.rows:
            table = self.matrix.loc[agency].reindex(index=labels, columns=grades)
        else:
            table = pd.DataFrame(0, index=labels, columns=grades)
        table.index = _labels(labels, "area")
        table.columns = _labels(grades, "grade")
        return table.astype("int64")


def _counted(
    gradings: pd.DataFrame,
    agencies: Sequence[str],
    areas: Sequence[KeyArea],
    scale: GradeScale,
    include_overall: bool,
    include_agencies_without_returns: bool,
) -> AgencyAreaGrades:
    return AgencyAreaGrades(
        gradings,
        agencies,
        areas,
        scale,
        include_overall=include_overall,
        include_agencies_without_returns=include_agencies_without_returns,
    )


def graded_counts(
    gradings: pd.DataFrame,
    agencies: Sequence[str],
    areas: Sequence[KeyArea],
    scale: GradeScale,
    *,
    include_overall: bool = True,
    include_agencies_without_returns: bool = False,
) -> pd.DataFrame:
    """Submitted or incomplete returns that carry a grade, per agency × area.

    Index 'agency'; columns 'area' (labels, 'Overall' last when `include_overall`); int64.
    """
    return _counted(
        gradings, agencies, areas, scale, include_overall, include_agencies_without_returns
    ).graded()


def good_or_better_counts(
    gradings: pd.DataFrame,
    agencies: Sequence[str],
    areas: Sequence[KeyArea],
    scale: GradeScale,
    *,
    include_overall: bool = True,
    include_agencies_without_returns: bool = False,
) -> pd.DataFrame:
    """Returns graded good or better (e.g. Outstanding or Good), per agency × area.

    Same shape as graded_counts(); int64.
    """
    return _counted(
        gradings, agencies, areas, scale, include_overall, include_agencies_without_returns
    ).good_or_better()


def not_graded_counts(
    gradings: pd.DataFrame,
    agencies: Sequence[str],
    areas: Sequence[KeyArea],
    scale: GradeScale,
    *,
    include_overall: bool = True,
    include_agencies_without_returns: bool = False,
) -> pd.DataFrame:
    """Submitted or incomplete returns left 'Not graded', per agency × area.

    Same shape as graded_counts(); int64.
    """
    return _counted(
        gradings, agencies, areas, scale, include_overall, include_agencies_without_returns
    ).not_graded()


def graded_share(
    gradings: pd.DataFrame,
    agencies: Sequence[str],
    areas: Sequence[KeyArea],
    scale: GradeScale,
    *,
    include_overall: bool = True,
    include_agencies_without_returns: bool = False,
) -> pd.DataFrame:
    """Share of an agency's submitted and incomplete returns that graded each area.

    The report notes agencies often left areas ungraded ("no grading was determined"); this
    shows where. Shape of graded_counts(), float in [0, 1]; NaN when the agency has no
    submitted or incomplete return — no data, not 0%.
    """
    return _counted(
        gradings, agencies, areas, scale, include_overall, include_agencies_without_returns
    ).graded_share()


def good_or_better_share(
    gradings: pd.DataFrame,
    agencies: Sequence[str],
    areas: Sequence[KeyArea],
    scale: GradeScale,
    *,
    include_overall: bool = True,
    include_agencies_without_returns: bool = False,
) -> pd.DataFrame:
    """Share of graded returns at good or better (e.g. Outstanding or Good), per agency × area.

    Shape of graded_counts(), float in [0, 1]. The denominator is returns that carry a grade:
    'Not graded' is no evidence either way. NaN when nothing was graded — no data, not 0%.
    """
    return _counted(
        gradings, agencies, areas, scale, include_overall, include_agencies_without_returns
    ).good_or_better_share()


def good_or_better_share_mask(
    gradings: pd.DataFrame,
    agencies: Sequence[str],
    areas: Sequence[KeyArea],
    scale: GradeScale,
    threshold: int | None,
    *,
    include_overall: bool = True,
    include_agencies_without_returns: bool = False,
) -> pd.DataFrame:
    """Which good_or_better_share() cells a publication version hides (bool, same shape).

    A share is hidden when any grade count behind it is from 1 to threshold.
    """
    return _counted(
        gradings, agencies, areas, scale, include_overall, include_agencies_without_returns
    ).good_or_better_share_mask(threshold)


def graded_share_mask(
    gradings: pd.DataFrame,
    agencies: Sequence[str],
    areas: Sequence[KeyArea],
    scale: GradeScale,
    threshold: int | None,
    *,
    include_overall: bool = True,
    include_agencies_without_returns: bool = False,
) -> pd.DataFrame:
    """Which graded_share() cells a publication version hides: graded or ungraded count small."""
    return _counted(
        gradings, agencies, areas, scale, include_overall, include_agencies_without_returns
    ).graded_share_mask(threshold)


def case_agency_grid(
    gradings: pd.DataFrame,
    agencies: Sequence[str],
    *,
    case_ids: Iterable[object] | None = None,
    include_agencies_without_returns: bool = False,
) -> pd.DataFrame:
    """Each case's overall grade from each agency: who knew the child, and how well they did.

    Index 'case_id' (natural order: 1, 2, …, 10; pass `case_ids` to list cases with no return);
    columns 'agency' (audit order); str cells: the overall grade ('Not graded' included) for a
    submitted or incomplete return, 'No involvement' or 'Not submitted' by status, and ""
    when the agency made no return for the case.
    """
    _check(gradings, agencies)
    overall = _overall_rows(gradings)
    rows = sorted_case_ids(
        [*overall["case_id"].astype("str"), *(case_ids if case_ids is not None else [])]
    )
    columns = _rows(overall["agency"], agencies, include_agencies_without_returns)
    # An audit about a child the agency did not work with in the period: no involvement then.
    statuses = overall["status"].replace(OUTSIDE_PERIOD, "no_involvement")
    cells = overall["grade"].where(
        overall["status"].isin(GRADED_STATUSES), statuses.map(STATUS_LABELS)
    )
    grid = np.full((len(rows), len(columns)), NO_RETURN, dtype=object)
    at_row = pd.Index(rows).get_indexer(overall["case_id"].astype("str"))
    at_column = pd.Index(columns).get_indexer(overall["agency"])
    grid[at_row, at_column] = cells.to_numpy(dtype=object)  # one cell per pair: checked above
    return pd.DataFrame(
        grid, index=_labels(rows, "case_id"), columns=_labels(columns, "agency")
    ).astype("str")


def cases_by_agencies_auditing(grid: pd.DataFrame) -> pd.DataFrame:
    """How many cases were audited by 1, 2, 3, … agencies: the case × agency grid of a large
    sample as a distribution.

    ``grid``: ``case_agency_grid()``. A cell counts when the agency returned an audit for the
    case (a grade or Not graded), not for no involvement, not submitted or no return. Index
    'agencies' ("0" … the largest, every value between); column 'cases' (int64).
    """
    not_audited = {NO_RETURN, STATUS_LABELS["no_involvement"], STATUS_LABELS["not_submitted"]}
    audited = (~grid.isin(not_audited)).sum(axis=1).astype("int64")
    labels = [str(n) for n in range(int(audited.max()) + 1 if len(audited) else 1)]
    counts = audited.astype(str).value_counts().reindex(labels, fill_value=0).astype("int64")
    return pd.DataFrame({"cases": counts.to_numpy()}, index=pd.Index(labels, name="agencies"))
