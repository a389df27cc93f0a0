"""The words of a chart — title, the n line, alt text, notes, labels — worked out with its numbers.

A renderer draws bars; it never counts, never decides what to hide and never words a number.
So every piece of text a chart prints or carries is computed here, in the analysis stage,
from the same table and hidden-cell mask the exhibit holds. This module holds
:class:`ChartText` and the wording helpers the per-chart ``describe_*`` functions share
(grade_chart_text, status_chart_text, count_chart_text).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from audit_analysis.analysis import disclosure
from audit_analysis.vocabulary import DEFAULT_KEY_AREAS, OVERALL, KeyArea

MARKER = disclosure.MARKER
NO_DATA_MESSAGE = "No data to show"
NO_VALUE = "–"  # en dash: a heatmap cell with no graded return, a grid cell with no involvement


@dataclass(frozen=True)
class ChartText:
    """Everything a chart says in words, for a renderer to print as given.

    ``row_tails`` are bar-end labels such as 'n = 7' or 'n = c'; ``row_labels`` and
    ``column_labels`` name the drawn rows and columns (empty: the table's own index and
    columns); ``cell_labels`` are the texts of a grid's cells, row by row; ``axis_label``
    names the category axis ('Case'). A non-empty ``message`` means there is nothing to
    draw: the renderer shows the title, subtitle, message and notes and no axes.
    """

    title: str
    subtitle: str = ""
    alt_text: str = ""
    notes: tuple[str, ...] = ()
    row_tails: tuple[str, ...] = ()
    row_labels: tuple[str, ...] = ()
    column_labels: tuple[str, ...] = ()
    cell_labels: tuple[tuple[str, ...], ...] = ()
    axis_label: str = ""
    message: str = ""


def no_data_text(
    title: str,
    message: str = NO_DATA_MESSAGE,
    subtitle: str = "n = 0",
    notes: Sequence[str] = (),
) -> ChartText:
    """The words of a chart with nothing to draw; the alt text says so, then the notes."""
    alt = f"{title}: {message[0].lower() + message[1:].rstrip('.')}."
    notes = tuple(n for n in notes if n)
    return ChartText(
        title=title,
        subtitle=subtitle,
        alt_text=one_line(" ".join([alt, *notes])),
        notes=notes,
        message=message,
    )


def one_line(text: str) -> str:
    """Whitespace folded to single spaces: alt text is one line."""
    return " ".join(text.split())


def plural(n: int, one: str, many: str | None = None) -> str:
    """'1 agency', '3 agencies'."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def count_or_marker(n: int, threshold: int | None, hidden: bool | None = None) -> str:
    """The number, or 'c' when primary suppression hides it — or, when `hidden` is given, as
    the paper decided (a total the intruder check hides although it is not small)."""
    hide = disclosure.is_small(n, threshold) if hidden is None else hidden
    return MARKER if hide else f"{n:,}"


def n_text(n: int, unit: str, threshold: int | None, hidden: bool | None = None) -> str:
    """'n = 20 audits', or 'n = c audits' when the number is small (or `hidden`)."""
    return f"n = {count_or_marker(n, threshold, hidden)} {unit}".rstrip()


_SINGULARS = {"children": "child", "agencies": "agency", "people": "person"}


def noun_of(unit: str) -> tuple[str, str]:
    """(singular, plural) of the thing a unit such as 'referrals for 10 cases' counts."""
    many = (unit.split() or ["items"])[0]
    one = _SINGULARS.get(many, many[:-1] if many.endswith("s") else many)
    return one, many


def count_words(value: int, hidden: bool, noun: tuple[str, str]) -> str:
    """'2 referrals', '1 referral', 'no referrals', 'c referrals' (hidden)."""
    if hidden:
        return f"{MARKER} {noun[1]}"
    return f"no {noun[1]}" if value == 0 else f"{value:,} {noun[0] if value == 1 else noun[1]}"


def describe_series(
    s: pd.Series,
    hidden: pd.Series,
    noun: tuple[str, str],
    category_noun: str | None = None,
    sep: str = "; ",
) -> str:
    """'Neglect: 9 referrals; Missing: 1 referral' or, with a category noun,
    'Case 1: 2 referrals; case 2: 1 referral' — the numbers say what they count."""
    items = []
    for k, (label, value, is_hidden) in enumerate(
        zip(s.index, s.to_numpy(), hidden.to_numpy(), strict=True)
    ):
        name = f"{category_noun} {label}" if category_noun else str(label)
        if k == 0:
            name = name[:1].upper() + name[1:]
        items.append(f"{name}: {count_words(int(value), bool(is_hidden), noun)}")
    return sep.join(items)


def describe_rows(
    counts: pd.DataFrame,
    hidden: pd.DataFrame,
    labels: Sequence[str],
    threshold: int | None,
    *,
    totals: bool = False,
    totals_hidden: Sequence[bool] | None = None,
) -> str:
    """'Label (n = 10): 8 Requires Improvement, 2 Inadequate; …' — zeros left out."""
    parts = []
    rows = zip(labels, counts.iterrows(), hidden.iterrows(), strict=True)
    for k, (label, (_, row), (_, hid)) in enumerate(rows):
        items = [f"{MARKER if hid[c] else int(v)} {c}" for c, v in row.items() if v > 0]
        total_hidden = None if totals_hidden is None else totals_hidden[k]
        head = (
            f"{label} ({n_text(int(row.sum()), '', threshold, total_hidden)})" if totals else label
        )
        parts.append(f"{head}: {', '.join(items) if items else 'none'}")
    return "; ".join(parts) + "."


def hidden_alt_note(hidden: pd.DataFrame | pd.Series, threshold: int | None) -> str:
    """The alt text's sentence on 'c', with a leading space, or '' when nothing is hidden."""
    if not np.asarray(hidden).any():
        return ""
    small = (
        "a small count"
        if threshold is None
        else ("a count of 1" if threshold == 1 else f"a count of 1 to {threshold}")
    )
    return (
        f" c marks {small}, or one from which such a count could be worked out, hidden "
        "to protect privacy."
    )


def suppression_note(threshold: int | None, drawn: str = "bars") -> str:
    """The caption under a chart with hidden counts: what 'c' means and that dotted is not to scale."""
    small = (
        "small counts"
        if threshold is None
        else ("counts of 1" if threshold == 1 else f"counts of 1 to {threshold}")
    )
    return (
        f"{MARKER}: to protect the children's privacy, {small}, and any count from "
        f"which one could be worked out, are hidden. Dotted {drawn} are drawn at a fixed "
        "length and do not show the value."
    )


def area_labels(index: Sequence[object], areas: Sequence[KeyArea] | None) -> list[str]:
    """Key-area keys shown as their labels (default the six standard areas, and Overall)."""
    known = {a.key: a.label for a in (*(areas or DEFAULT_KEY_AREAS), OVERALL)}
    return [known.get(str(i), str(i)) for i in index]


def areas_phrase(labels: Sequence[str]) -> str:
    """'6 key areas and overall' when Overall is one of the rows, else '6 key areas'.

    The paper speaks of six key areas plus the overall grading, so "7 key areas" would
    disagree with it."""
    overall = sum(1 for lab in labels if str(lab) in (OVERALL.key, OVERALL.label))
    areas = len(labels) - overall
    if not overall:
        return plural(areas, "key area")
    return f"{plural(areas, 'key area')} and overall" if areas else "overall"


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
