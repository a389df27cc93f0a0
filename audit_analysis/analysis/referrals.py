"""The children's referral histories: the report's Appendix 1.

The audit sampled children referred for neglect who did not meet the threshold for
assessment, so the pattern of referrals before and during the audit period (repeat referrals,
their reasons and outcomes) is itself a finding. Input: the cleaned `referrals` table, where
`period` (before, during, after) already places each referral against the audit period.

Every table keeps its columns when there are no referrals, so "no referrals recorded" is an
empty table rather than an error. Missing categories and outcomes count as 'Not recorded'.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from audit_analysis.analysis.profile import sorted_case_ids

PERIODS: tuple[str, ...] = ("before", "during", "after")
NOT_RECORDED = "Not recorded"
ALL_CASES = "All cases"
INTERVAL_COLUMNS = ("case_id", "date", "previous_date", "days")
SUMMARY_COLUMNS = ("referrals", "intervals", "median_days", "shortest_days", "longest_days")


def _check_periods(referrals: pd.DataFrame, periods: Iterable[str] = ()) -> None:
    unknown = sorted({str(p) for p in [*referrals["period"].unique(), *periods]} - set(PERIODS))
    if unknown:
        raise ValueError(f"Unexpected referral period: {', '.join(unknown)}.")


def _in_period(referrals: pd.DataFrame, period: str | None) -> pd.DataFrame:
    _check_periods(referrals, [] if period is None else [period])
    return referrals if period is None else referrals.loc[referrals["period"] == period]


def _ranked(values: pd.Series, name: str) -> pd.DataFrame:
    """Counts, most frequent first and ties alphabetical, as the report's bar charts read."""
    labels = values.fillna("").astype("str").str.strip().replace("", NOT_RECORDED)
    counts = labels.value_counts()
    order = sorted(counts.index, key=lambda label: (-int(counts[label]), label))
    index = pd.Index(order, dtype="str", name=name)
    return pd.DataFrame(
        {"referrals": counts.reindex(order).astype("int64").to_numpy()}, index=index
    )


def referrals_by_period(referrals: pd.DataFrame, case_ids: Iterable[object]) -> pd.DataFrame:
    """Referrals per case in each period, every audited case listed (zeros included).

    Index 'case_id' (natural order, the audited cases plus any case only in `referrals`);
    columns 'before', 'during', 'after' (int64).
    """
    _check_periods(referrals)
    cases = sorted_case_ids([*case_ids, *referrals["case_id"]])
    counts = (
        referrals.groupby([referrals["case_id"].astype("str"), referrals["period"]])
        .size()
        .unstack(fill_value=0)
        if len(referrals)
        else pd.DataFrame()
    )  # as pd.crosstab, which counts each group in Python: seconds for a large audit
    table = counts.reindex(index=cases, columns=list(PERIODS), fill_value=0).astype("int64")
    table.index = pd.Index(cases, dtype="str", name="case_id")
    table.columns = pd.Index(list(PERIODS), dtype="str")
    return table


def referrals_per_case(
    referrals: pd.DataFrame, case_ids: Iterable[object], *, period: str | None = "before"
) -> pd.DataFrame:
    """Referrals per case in one period (default before the audit period; None for all).

    Index 'case_id' (every case, natural order); column 'referrals' (int64).
    """
    by_period = referrals_by_period(referrals, case_ids)
    _check_periods(referrals, [] if period is None else [period])
    counts = by_period.sum(axis=1) if period is None else by_period[period]
    return pd.DataFrame({"referrals": counts.astype("int64")}, index=by_period.index)


def referral_categories(referrals: pd.DataFrame, *, period: str | None = "before") -> pd.DataFrame:
    """Categories (reasons) of referrals, by default those received before the audit period.

    Index 'category' (most frequent first, ties alphabetical); column 'referrals' (int64).
    """
    return _ranked(_in_period(referrals, period)["category"], "category")


def referral_outcomes(referrals: pd.DataFrame, *, period: str | None = "during") -> pd.DataFrame:
    """Outcomes of referrals, by default all those made during the audit period.

    Index 'outcome' (most frequent first, ties alphabetical); column 'referrals' (int64).
    """
    return _ranked(_in_period(referrals, period)["outcome"], "outcome")


def re_referrals(
    referrals: pd.DataFrame, *, period: str | None = "during", min_referrals: int = 2
) -> pd.DataFrame:
    """Cases referred again within the period: repeat referrals are the report's warning sign
    that a threshold decision did not hold.

    Index 'case_id' (natural order, only cases with at least `min_referrals`); column
    'referrals' (int64).
    """
    chosen = _in_period(referrals, period)
    counts = chosen["case_id"].astype("str").value_counts()
    cases = sorted_case_ids(counts.index[counts >= min_referrals])
    return pd.DataFrame(
        {"referrals": counts.reindex(cases).astype("int64").to_numpy()},
        index=pd.Index(cases, dtype="str", name="case_id"),
    )


def referral_intervals(
    referrals: pd.DataFrame, *, periods: Sequence[str] | None = None
) -> pd.DataFrame:
    """Days between each referral and the one before it for the same case.

    RangeIndex; columns 'case_id' (str), 'date', 'previous_date' (datetime64) and 'days'
    (int64), one row per referral that has an earlier one; cases in natural order, then by
    date. Referrals without a date are left out. `periods` limits the referrals considered
    (default: all).
    """
    _check_periods(referrals, periods or [])
    chosen = referrals if periods is None else referrals.loc[referrals["period"].isin(periods)]
    dated = pd.DataFrame(
        {
            "case_id": chosen["case_id"].astype("str"),
            "date": pd.to_datetime(chosen["date"]),
        }
    ).dropna(subset=["date"])
    rank = {case_id: i for i, case_id in enumerate(sorted_case_ids(dated["case_id"]))}
    dated = dated.assign(_order=dated["case_id"].map(rank)).sort_values(
        ["_order", "date"], kind="stable"
    )
    dated["previous_date"] = dated.groupby("case_id")["date"].shift()
    pairs = dated.dropna(subset=["previous_date"]).reset_index(drop=True)
    return pd.DataFrame(
        {
            "case_id": pairs["case_id"].astype("str"),
            "date": pairs["date"],
            "previous_date": pairs["previous_date"],
            "days": (pairs["date"] - pairs["previous_date"]).dt.days.astype("int64"),
        },
        columns=list(INTERVAL_COLUMNS),
    )


def referral_interval_summary(
    referrals: pd.DataFrame, *, periods: Sequence[str] | None = None
) -> pd.DataFrame:
    """How quickly referrals followed one another, per case and for all cases together.

    Index 'case_id': every case with a referral (natural order) then 'All cases'. Columns
    'referrals', 'intervals' (int64), 'median_days', 'shortest_days', 'longest_days' (float64,
    NaN for a case with fewer than two dated referrals). 'All cases' pools every interval.
    """
    _check_periods(referrals, periods or [])
    chosen = referrals if periods is None else referrals.loc[referrals["period"].isin(periods)]
    intervals = referral_intervals(chosen)
    counts = chosen["case_id"].astype("str").value_counts()
    cases = sorted_case_ids(counts.index)

    days, pooled = intervals.groupby("case_id")["days"], intervals["days"]

    def column(per_case: pd.Series, all_cases: float) -> np.ndarray:
        values = per_case.reindex(cases).to_numpy(dtype="float64", na_value=np.nan)
        return np.append(values, all_cases)

    empty = pooled.empty
    table = pd.DataFrame(
        {
            "referrals": column(counts, len(chosen)),
            "intervals": column(days.size(), len(pooled)),
            "median_days": column(days.median(), np.nan if empty else pooled.median()),
            "shortest_days": column(days.min(), np.nan if empty else pooled.min()),
            "longest_days": column(days.max(), np.nan if empty else pooled.max()),
        },
        index=pd.Index([*cases, ALL_CASES], dtype="str", name="case_id"),
        columns=list(SUMMARY_COLUMNS),
    )
    table["intervals"] = table["intervals"].fillna(0)  # a case with one referral has none
    return table.astype(
        {
            "referrals": "int64",
            "intervals": "int64",
            "median_days": "float64",
            "shortest_days": "float64",
            "longest_days": "float64",
        }
    )


def children_by_referral_count(per_case: pd.DataFrame, *, top: int = 6) -> pd.DataFrame:
    """How many children had 0, 1, 2, … referrals: a per-case chart of a large sample as a
    distribution (one bar per count, not per child).

    ``per_case``: ``referrals_per_case()``. Index 'referrals' ("0", "1", …, "`top` or more",
    every value present); column 'children' (int64).
    """
    counts = per_case["referrals"].astype("int64")
    labels = [str(n) for n in range(top)] + [f"{top} or more"]
    bucket = counts.clip(upper=top).map(lambda n: labels[n])
    table = bucket.value_counts().reindex(labels, fill_value=0).astype("int64")
    return pd.DataFrame({"children": table.to_numpy()}, index=pd.Index(labels, name="referrals"))
