"""Small-count suppression for the publication version of a paper.

An audit samples 5–20 children, so a count of 1 or 2 can point at a family the reader
knows. The publication version follows the DfE children in need convention:

* Primary suppression: a count from 1 up to and including `threshold` is hidden. Zeros are
  shown (a zero identifies no one), and so are counts above the threshold.
* Secondary suppression: when cells add up to a total the reader can see, and exactly one of
  them is hidden, it could be recovered by subtraction. So the smallest shown non-zero cell of
  that group is hidden too (ties: the first in table order), and this repeats until no
  published total has exactly one hidden part.
* Tables show a hidden count as "c"; sentences say "some" (see findings.py), which is true of
  every hidden count, small or not, and so does not tell the reader which one was small.

Limits, stated so an analyst can judge them: the groups are the totals the caller says are
published, so a total printed elsewhere (a chart, a sentence) must be declared; totals of
totals are not solved as a general system of equations (this is the usual row-and-column
heuristic, enough for the small tables of an audit); and a total is itself a count, so a small
total must be suppressed by the caller (when it is, every part of it is small and hidden too).
`threshold=None` turns everything off: the tables come back unchanged.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence

import pandas as pd

MARKER = "c"
"""Shown in place of a suppressed count (DfE: c = confidential)."""


def is_small(count: object, threshold: int | None) -> bool:
    """True for a count that primary suppression hides: 1 ≤ count ≤ threshold."""
    if threshold is None or count is None or pd.isna(count):
        return False
    return 1 <= count <= threshold


def _secondary(
    values: Mapping[Hashable, float],
    hidden: set[Hashable],
    groups: Iterable[Sequence[Hashable]],
    exempt: frozenset[Hashable] = frozenset(),
) -> set[Hashable]:
    hidden = set(hidden)
    groups = [list(g) for g in groups]
    changed = True
    while changed:
        changed = False
        for group in groups:
            if sum(key in hidden for key in group) != 1:
                continue
            shown = [
                key for key in group if key not in hidden and key not in exempt and values[key] > 0
            ]
            if shown:
                hidden.add(min(shown, key=lambda key: (values[key], group.index(key))))
                changed = True
    return hidden


def suppressed_keys(
    values: Mapping[Hashable, int],
    threshold: int | None,
    groups: Iterable[Sequence[Hashable]] = (),
    *,
    hidden: Iterable[Hashable] = (),
    exempt: Iterable[Hashable] = (),
) -> set[Hashable]:
    """Which of some named counts to hide, for a sentence or any set of related numbers.

    `groups` lists the sets of names whose sum the reader can see (for example the grades of
    an agency's audits, whose sum is the number of audits). `exempt` counts are public anyway
    and never chosen to hide. `hidden` starts from counts already
    hidden elsewhere (a table), so the text never shows what the table hides.
    """
    if threshold is None:
        return set()
    exempt = frozenset(exempt)
    primary = {key for key, n in values.items() if is_small(n, threshold) and key not in exempt}
    return _secondary(values, primary | set(hidden), groups, exempt)


def suppression_mask(
    table: pd.DataFrame,
    threshold: int | None,
    *,
    columns: Sequence[Hashable] | None = None,
    row_groups: Sequence[Sequence[Hashable]] | None = None,
    column_totals: bool = False,
    total_row: Hashable | None = None,
) -> pd.DataFrame:
    """Where a table's counts are hidden: a bool DataFrame with the table's index and columns.

    `columns` are the count columns (default: all); other columns are never hidden.
    `row_groups` are the sets of columns whose sum is published for each row (default: one
    group of all count columns, a row total; pass [] when no row total is shown).
    `column_totals` says each column's total is published (a totals row, or a chart of totals);
    `total_row` names a totals row that is part of the table, so it is not counted twice.
    """
    counts = list(table.columns if columns is None else columns)
    mask = pd.DataFrame(False, index=table.index, columns=table.columns)
    if threshold is None or table.empty:
        return mask
    cells = {
        (r, c): table.iat[r, table.columns.get_loc(c)] for r in range(len(table)) for c in counts
    }
    groups: list[list[tuple[int, Hashable]]] = []
    for group in [counts] if row_groups is None else row_groups:
        groups += [[(r, c) for c in group] for r in range(len(table))]
    if column_totals:
        body = [r for r in range(len(table)) if table.index[r] != total_row]
        groups += [[(r, c) for r in body] for c in counts]
    for r, c in suppressed_keys(cells, threshold, groups):
        mask.iat[r, table.columns.get_loc(c)] = True
    return mask


def share_mask(parts: Sequence[pd.DataFrame], threshold: int | None) -> pd.DataFrame:
    """Where a share (a percentage) must be hidden: wherever any count behind it is small.

    A share is a sum of counts over a sum of counts; when none of them is from 1 to threshold
    it reveals nothing small, and when one is, the share (times its shown denominator) could
    give it back. Pass the count tables the share is built from, all shaped like the share.
    """
    mask = pd.DataFrame(False, index=parts[0].index, columns=parts[0].columns)
    if threshold is None:
        return mask
    for part in parts:
        values = part.reindex(index=mask.index, columns=mask.columns).to_numpy(dtype=float)
        mask = mask | pd.DataFrame(
            (values >= 1) & (values <= threshold), index=mask.index, columns=mask.columns
        )
    return mask


def apply_mask(table: pd.DataFrame, mask: pd.DataFrame, marker: str = MARKER) -> pd.DataFrame:
    """The table for display, with hidden cells replaced by the marker (object columns)."""
    shown = table.astype("object")
    return shown.mask(mask.reindex_like(table).fillna(False).astype(bool), marker)


def suppress(
    table: pd.DataFrame,
    threshold: int | None,
    *,
    columns: Sequence[Hashable] | None = None,
    row_groups: Sequence[Sequence[Hashable]] | None = None,
    column_totals: bool = False,
    total_row: Hashable | None = None,
) -> pd.DataFrame:
    """A copy of the table with suppressed counts shown as "c" (see suppression_mask).

    With `threshold=None` the table comes back unchanged (a copy).
    """
    if threshold is None:
        return table.copy()
    mask = suppression_mask(
        table,
        threshold,
        columns=columns,
        row_groups=row_groups,
        column_totals=column_totals,
        total_row=total_row,
    )
    return apply_mask(table, mask)


def suppression_note(threshold: int | None) -> str:
    """The sentence a publication version prints under its tables, or "" when nothing is hidden."""
    if threshold is None:
        return ""
    small = "1" if threshold == 1 else f"1 to {threshold}"
    return (
        f"To protect the children's privacy, counts of {small}, and any count from which one "
        f'could be worked out, are shown as "{MARKER}" in tables and as "some" in the text.'
    )
