"""Every count the paper publishes, by quantity key, and the sums that tie them together.

Disclosure is decided here once for the whole paper: a quantity hidden for one exhibit is hidden
in every exhibit, caption and sentence that shows it, a published sum never has exactly one
hidden part (disclosure.py's secondary rule, applied over all exhibits together), and then no
hidden count can be worked out from all the sums and orders together (intruder.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from audit_analysis.analysis import disclosure
from audit_analysis.analysis.exhibits import intruder


class Ledger:
    """Counts by quantity key, the sums between them, and which must be hidden."""

    def __init__(self) -> None:
        self.values: dict[str, int] = {}
        self.relations: list[tuple[str, tuple[str, ...]]] = []
        self.unprotected: set[str] = set()
        self.orders: list[tuple[str, str, int]] = []
        self.chart_totals: set[str] = set()
        self.unprinted: set[str] = set()

    def add(
        self,
        key: str,
        value: int,
        *,
        protect: bool = True,
        chart: bool = False,
        printed: bool = True,
    ) -> str:
        """Record a published count; the same key must always carry the same value.

        `protect=False` marks a count that is public anyway (the number of cases sampled, of
        agencies asked): it is never hidden itself but still ties the sums it is part of.
        `chart=True` marks a total a chart prints itself, hiding it only when small (the bar
        ends' "n = 7", a subtitle's "48 audits received of 51 due"): primary suppression only,
        never chosen to hide a neighbour, so the chart and the tables always agree.
        `printed=False` marks a count a sum rests on but the paper never prints (the children
        not referred): a reader knows it only through the sums, so it is an unknown (possibly
        0) to the intruder check, and never needs hiding.
        """
        if not printed:
            self.unprinted.add(key)
        if chart:
            self.chart_totals.add(key)
        value = int(value)
        if key in self.values and self.values[key] != value:
            raise ValueError(
                f"quantity {key} is {self.values[key]} in one exhibit, {value} in another"
            )
        self.values[key] = value
        if not protect:
            self.unprotected.add(key)
        return key

    def relate(self, total: str, parts: Iterable[str]) -> None:
        """Say that `total` (a published count) is the sum of `parts` (published counts)."""
        self.relations.append((total, tuple(parts)))

    def order(self, listed: Iterable[tuple[str, object]]) -> None:
        """Say that the paper lists these (key, label) counts largest first, ties by label:
        a reader learns each is at least the next (one more when the labels are out of order)."""
        listed = list(listed)
        for (a, label_a), (b, label_b) in zip(listed, listed[1:], strict=False):
            self.orders.append((a, b, 1 if str(label_a) > str(label_b) else 0))

    def check(self) -> None:
        """Every relation names recorded counts and adds up: a mistake here is a bug, not data."""
        for total, parts in self.relations:
            missing = [k for k in (total, *parts) if k not in self.values]
            if missing:
                raise ValueError(f"relation uses unrecorded quantities: {', '.join(missing)}")
            if sum(self.values[p] for p in parts) != self.values[total]:
                raise ValueError(f"{total} is not the sum of {', '.join(parts)}")

    def hidden(self, threshold: int | None) -> set[str]:
        """The quantities to hide: small ones, then enough others that none can be worked out."""
        self.check()
        if threshold is None:
            return set()
        groups = [[*parts, total] for total, parts in self.relations]
        primary = {k for k in self.chart_totals if disclosure.is_small(self.values[k], threshold)}
        fixed = self.unprotected | self.chart_totals | self.unprinted
        hidden = disclosure.suppressed_keys(
            self.values,
            threshold,
            groups,
            hidden=primary - self.unprotected - self.unprinted,
            exempt=fixed,
        )
        return intruder.protect(
            self.values,
            hidden,
            self.relations,
            threshold,
            orders=self.orders,
            exempt=fixed,
            unknown=self.unprinted,
        )

    def exposures(self, hidden: set[str], threshold: int) -> list[intruder.Exposure]:
        """What a reader could work out of `hidden` from everything published: must be empty."""
        return intruder.exposures(
            self.values,
            hidden | self.unprinted,
            self.relations,
            threshold,
            self.orders,
            unknown=self.unprinted,
        )
