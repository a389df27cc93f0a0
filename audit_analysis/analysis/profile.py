"""Who the audited children were, what their families were facing, and what the audit asked for.

Tables here describe the sample (the report's "Audit sample" and Appendix 2) and the
recommendations (section 19). Every table is a DataFrame of int64 counts with a named index,
in a fixed order, so a figure or a disclosure mask can be drawn from it without re-sorting.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from audit_analysis.intake.themes import (
    OTHER_THEME,
    load_themes,
    split_issues,
    theme_finder,
)
from audit_analysis.vocabulary import case_sort_key

NOT_KNOWN = "Not known"
UNRECORDED = (NOT_KNOWN, "Not recorded")
MULTI_AGENCY = "Multi-agency"

AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0–4", 0, 4),
    ("5–9", 5, 9),
    ("10–15", 10, 15),
    ("16+", 16, None),
)
"""Age bands (label, youngest, oldest), after the phases a child's services change at:
pre-school (0–4), primary (5–9), secondary up to the end of compulsory school age (10–15),
and 16+, when young people move towards adult services. Ages are whole years at the audit."""

GENDERS: tuple[str, ...] = ("Male", "Female", "Other", NOT_KNOWN)
DISABILITY: tuple[str, ...] = ("Yes", "No", NOT_KNOWN)


_case_key = functools.lru_cache(maxsize=100_000)(case_sort_key)
"""case_sort_key() remembered: a paper sorts the same case ids many times."""


def sorted_case_ids(case_ids: Iterable[object]) -> list[str]:
    """Case ids in the order people number them (1, 2, …, 10, not 1, 10, 2), without repeats."""
    if isinstance(case_ids, pd.Series | pd.Index):  # distinct values first: faster than a set
        case_ids = case_ids.unique()
    return sorted({str(c) for c in case_ids}, key=_case_key)


def _counts(values: pd.Series, order: Sequence[str], name: str, column: str) -> pd.DataFrame:
    counts = values.value_counts().reindex(list(order), fill_value=0).astype("int64")
    index = pd.Index(list(order), dtype="str", name=name)
    return pd.DataFrame({column: counts.to_numpy()}, index=index)


def _unknown(values: Iterable[object], known: Iterable[str], what: str) -> None:
    unknown = sorted({str(v) for v in values} - set(known))
    if unknown:
        expected = ", ".join(known)
        raise ValueError(f"Unexpected {what}: {', '.join(unknown)}. Expected one of: {expected}.")


def age_band(age: object) -> str:
    """The AGE_BANDS label for an age in years, or 'Not known' when the age is missing."""
    if age is None or pd.isna(age):
        return NOT_KNOWN
    years = int(age)
    for label, youngest, oldest in AGE_BANDS:
        if years >= youngest and (oldest is None or years <= oldest):
            return label
    raise ValueError(f"Age {age!r} is below the youngest band.")


def age_band_counts(cases: pd.DataFrame) -> pd.DataFrame:
    """Children per age band.

    Index 'age band': the AGE_BANDS labels then 'Not known' (always all five rows);
    column 'children' (int64).
    """
    bands = cases["age"].map(age_band) if len(cases) else pd.Series([], dtype="str")
    order = [label for label, _, _ in AGE_BANDS] + [NOT_KNOWN]
    return _counts(bands, order, "age band", "children")


def gender_counts(cases: pd.DataFrame) -> pd.DataFrame:
    """Children per gender. Index 'gender' = GENDERS (all four rows); column 'children'."""
    values = cases["gender"].fillna(NOT_KNOWN)
    _unknown(values, GENDERS, "gender")
    return _counts(values, GENDERS, "gender", "children")


def disability_counts(cases: pd.DataFrame) -> pd.DataFrame:
    """Children with a recorded disability.

    Index 'disability' = Yes, No, Not known (all three rows); column 'children' (int64).
    """
    values = cases["disability"].fillna(NOT_KNOWN)
    _unknown(values, DISABILITY, "disability value")
    return _counts(values, DISABILITY, "disability", "children")


def ethnicity_counts(cases: pd.DataFrame) -> pd.DataFrame:
    """Children per recorded ethnicity, most frequent first (ties alphabetical).

    'Not known' and 'Not recorded' (blank reads as 'Not known') come last: a gap in the
    records, not a group of children. Index 'ethnicity' (only the values present); column
    'children' (int64).
    """
    values = cases["ethnicity"].fillna("").astype("str").str.strip().replace("", NOT_KNOWN)
    counts = values.value_counts()
    gaps = [g for g in UNRECORDED if g in counts.index]
    known = sorted((e for e in counts.index if e not in gaps), key=lambda e: (-counts[e], e))
    return _counts(values, known + gaps, "ethnicity", "children")


def case_profile(cases: pd.DataFrame) -> pd.DataFrame:
    """The sample at a glance: age band, gender, disability and ethnicity in one table.

    Index: MultiIndex ('characteristic', 'category') with characteristic in
    'Age band', 'Gender', 'Disability', 'Ethnicity' and categories as in the single tables;
    column 'children' (int64).
    """
    parts = {
        "Age band": age_band_counts(cases),
        "Gender": gender_counts(cases),
        "Disability": disability_counts(cases),
        "Ethnicity": ethnicity_counts(cases),
    }
    tuples = [(name, category) for name, table in parts.items() for category in table.index]
    index = pd.MultiIndex.from_tuples(tuples, names=["characteristic", "category"])
    children = [n for table in parts.values() for n in table["children"]]
    return pd.DataFrame({"children": pd.Series(children, dtype="int64").to_numpy()}, index=index)


def issue_themes(
    cases: pd.DataFrame, themes: Mapping[str, Sequence[str]] | None = None
) -> pd.DataFrame:
    """Every outline issue with each theme it falls into ('Other' when none).

    RangeIndex; columns 'case_id', 'issue', 'theme' (str). One row per (issue, theme) hit:
    cases in natural order, issues as written, themes in mapping order.
    """
    find = theme_finder(load_themes() if themes is None else themes)
    issues_by_case = dict(zip(cases["case_id"].astype("str"), cases["issues"], strict=True))
    rows = []
    for case_id in sorted_case_ids(issues_by_case):
        for issue in split_issues(issues_by_case[case_id]):
            rows += [(case_id, issue, theme) for theme in find(issue)]
    return pd.DataFrame(rows, columns=["case_id", "issue", "theme"], dtype="str")


def theme_counts(
    cases: pd.DataFrame, themes: Mapping[str, Sequence[str]] | None = None
) -> pd.DataFrame:
    """How many cases (and issues) fall into each theme; a case counts once per theme.

    Index 'theme': every theme of the mapping then 'Other' (always last, always present), the
    themes ordered by cases (most first), ties in mapping order. Columns 'cases' and 'issues'
    (int64). Themes with no cases stay in, as zeros: "no case involved sexual abuse" is a finding.
    """
    mapping = load_themes() if themes is None else themes
    hits = issue_themes(cases, mapping)
    order = list(mapping)
    case_counts = hits.drop_duplicates(["case_id", "theme"])["theme"].value_counts()
    issue_counts = hits["theme"].value_counts()
    ranked = sorted(order, key=lambda t: (-int(case_counts.get(t, 0)), order.index(t)))
    ranked.append(OTHER_THEME)
    index = pd.Index(ranked, dtype="str", name="theme")
    return pd.DataFrame(
        {
            "cases": case_counts.reindex(ranked, fill_value=0).astype("int64").to_numpy(),
            "issues": issue_counts.reindex(ranked, fill_value=0).astype("int64").to_numpy(),
        },
        index=index,
    )


def unmatched_issues(
    cases: pd.DataFrame, themes: Mapping[str, Sequence[str]] | None = None
) -> pd.DataFrame:
    """The issues no theme picked up, for the auditor to extend themes.yaml.

    RangeIndex; columns 'case_id', 'issue' (str), cases in natural order.
    """
    hits = issue_themes(cases, themes)
    other = hits.loc[hits["theme"] == OTHER_THEME, ["case_id", "issue"]]
    return other.reset_index(drop=True)


def recommendations_by_scope(
    recommendations: pd.DataFrame, agencies: Sequence[str], *, include_empty: bool = False
) -> pd.DataFrame:
    """Recommendations per scope: 'Multi-agency' first, then agencies in the audit's order.

    Index 'scope'; column 'recommendations' (int64). Scopes with none are left out unless
    `include_empty`, which lists 'Multi-agency' and every agency.
    """
    order = [MULTI_AGENCY, *agencies]
    scopes = recommendations["scope"].astype("str")
    _unknown(scopes, order, "recommendation scope")
    table = _counts(scopes, order, "scope", "recommendations")
    if include_empty:
        return table
    return table.loc[table["recommendations"] > 0]
