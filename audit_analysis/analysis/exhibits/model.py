"""An exhibit: one finding the paper shows, held as data — its table, what is hidden, and its words.

Every number in the paper belongs to an exhibit, computed once in the analysis stage. Renderers
(notebooks, HTML, PDF, Word) read exhibits; they never count, never decide what to hide and
never word a number. Each count carries a *quantity key* ("audits|agency=Police|area=overall|
grade=Good") so the same quantity is recognised, and hidden alike, wherever the paper shows it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from audit_analysis.analysis.chart_text import ChartText

COUNT, SHARE, TEXT = "count", "share", "text"
"""What an exhibit's cells hold: counts, shares (0–1, shown as percentages) or text."""


def quantity(dataset: str, **dims: object) -> str:
    """The key of a count: the dataset it counts and the filters that define it, in a fixed order.

    Two exhibits showing the same count produce the same key, e.g.
    quantity("audits", area="overall", grade="Good") for the "All agencies" Good cell of the
    overall-grades table and the Good cell of the key-area table's Overall row.
    """
    parts = [dataset, *(f"{k}={dims[k]}" for k in sorted(dims) if dims[k] is not None)]
    return "|".join(parts)


@dataclass(frozen=True)
class ChartSpec:
    """How an exhibit is drawn: a chart kind the paper's figures know, options, and its words."""

    kind: str
    options: Mapping[str, object] = field(default_factory=dict)
    text: ChartText | None = None


@dataclass(frozen=True)
class Exhibit:
    """One finding: its table (rows × columns), which cells are hidden, and what is said of it.

    `table` holds the values in display order (counts, shares or text); `hidden` is a bool
    frame of the same shape; `quantities` names each count's quantity key ("" for cells that
    are not counts). `n` is what the exhibit rests on, worded in `n_text`. `detail` is an
    optional second table of the same shape that a chart needs (the graded counts behind a
    heatmap's shares), hidden by the same mask.
    """

    id: str
    part: str
    title: str
    table: pd.DataFrame
    hidden: pd.DataFrame
    quantities: pd.DataFrame
    kind: str = COUNT
    caption: str = ""
    sentences: tuple[str, ...] = ()
    n: int | None = None
    n_text: str = ""
    note: str = ""
    chart: ChartSpec | None = None
    show_table: bool = True
    detail: pd.DataFrame | None = None
    notes: tuple[str, ...] = ()

    @property
    def alt_text(self) -> str:
        return self.chart.text.alt_text if self.chart and self.chart.text else ""

    @property
    def row_label(self) -> str:
        return str(self.table.index.name or "")

    @property
    def column_label(self) -> str:
        return str(self.table.columns.name or "")

    def hidden_cells(self) -> list[tuple[str, str]]:
        """(row, column) of every hidden cell, in table order."""
        rows, columns = np.nonzero(self.hidden.to_numpy(dtype=bool))  # row by row, as read
        row_names = [str(r) for r in self.hidden.index]
        column_names = [str(c) for c in self.hidden.columns]
        return [(row_names[r], column_names[c]) for r, c in zip(rows, columns, strict=True)]

    def shown_quantities(self) -> dict[str, bool]:
        """Each quantity key this exhibit prints, and whether it is hidden here."""
        out: dict[str, bool] = {}
        keys, hidden = self.quantities.to_numpy(), self.hidden.to_numpy()
        for key, is_hidden in zip(keys.ravel(), hidden.ravel(), strict=True):
            if key:
                out[str(key)] = out.get(str(key), False) or bool(is_hidden)
        return out

    def tidy(self, marker: str | None = None) -> pd.DataFrame:
        """One row per cell: row, column, value, quantity — hidden values replaced by `marker`.

        With `marker=None` hidden cells keep their values (the internal version); a
        publication's files are written with the marker, so no hidden value leaves the stage.
        """
        row_name = self.row_label or "row"
        column_name = self.column_label or "column"
        if column_name == row_name:
            column_name = f"{column_name} (column)"
        values = self.table.astype("object")
        if marker is not None:
            values = values.mask(self.hidden, marker)
        n_rows, n_columns = self.table.shape
        return pd.DataFrame(
            {
                row_name: np.repeat(self.table.index.to_numpy(dtype=object), n_columns),
                column_name: np.tile(self.table.columns.to_numpy(dtype=object), n_rows),
                self.kind: values.to_numpy().ravel(),
                "quantity": self.quantities.to_numpy().ravel(),
            }
        )


class Exhibits(Mapping[str, Exhibit]):
    """All exhibits of one audit's paper, by id, in paper order."""

    def __init__(self, exhibits: Iterable[Exhibit], *, publication: bool, threshold: int | None):
        self._by_id: dict[str, Exhibit] = {}
        for exhibit in exhibits:
            if exhibit.id in self._by_id:
                raise ValueError(f"two exhibits have the id {exhibit.id!r}")
            self._by_id[exhibit.id] = exhibit
        self.publication = publication
        self.threshold = threshold

    def __getitem__(self, key: str) -> Exhibit:
        return self._by_id[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_id)

    def __len__(self) -> int:
        return len(self._by_id)

    def of_part(self, part: str) -> list[Exhibit]:
        return [e for e in self._by_id.values() if e.part == part]

    def inconsistently_hidden(self) -> dict[str, list[str]]:
        """Quantities hidden in one exhibit and shown in another: must be empty."""
        hidden_in: dict[str, set[str]] = {}
        shown_in: dict[str, set[str]] = {}
        for exhibit in self._by_id.values():
            for key, is_hidden in exhibit.shown_quantities().items():
                (hidden_in if is_hidden else shown_in).setdefault(key, set()).add(exhibit.id)
        return {
            key: sorted(hidden_in[key] | shown_in[key])
            for key in sorted(set(hidden_in) & set(shown_in))
        }


def frame_like(table: pd.DataFrame, value: object) -> pd.DataFrame:
    """A frame shaped like `table` filled with one value (a blank mask or key grid)."""
    return pd.DataFrame(value, index=table.index, columns=table.columns)


def keys_frame(table: pd.DataFrame, key: Callable[[object, object], str]) -> pd.DataFrame:
    """The quantity key of every cell, from a function of (row, column)."""
    data = [[key(r, c) for c in table.columns] for r in table.index]
    return pd.DataFrame(data, index=table.index, columns=table.columns, dtype="object")
