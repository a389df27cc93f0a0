"""The words of a chart — title, the n line, alt text, notes, bar-end labels — worked out with its numbers.

A renderer draws bars; it never counts, never decides what to hide and never words a number.
So every piece of text a chart prints or carries is computed here, in the analysis stage,
from the same table and hidden-cell mask the exhibit holds.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChartText:
    """Everything a chart says in words; `row_tails` are bar-end labels such as 'n = 7' or 'n = c'."""

    title: str
    subtitle: str = ""
    alt_text: str = ""
    notes: tuple[str, ...] = ()
    row_tails: tuple[str, ...] = ()
