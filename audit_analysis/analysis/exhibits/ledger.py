"""Every count the paper publishes, by quantity key, and the sums that tie them together.

Disclosure is decided here once for the whole paper: a quantity hidden for one exhibit is hidden
in every exhibit, caption and sentence that shows it, and a published sum never has exactly one
hidden part (disclosure.py's secondary rule, applied over all exhibits together).
"""

from __future__ import annotations

from collections.abc import Iterable

from audit_analysis.analysis import disclosure


class Ledger:
    """Counts by quantity key, the sums between them, and which must be hidden."""

    def __init__(self) -> None:
        self.values: dict[str, int] = {}
        self.relations: list[tuple[str, tuple[str, ...]]] = []
        self.unprotected: set[str] = set()

    def add(self, key: str, value: int, *, protect: bool = True) -> str:
        """Record a published count; the same key must always carry the same value.

        `protect=False` marks a count that is public anyway (the number of cases sampled, of
        agencies asked): it is never hidden itself but still ties the sums it is part of.
        """
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
        hidden = disclosure.suppressed_keys(self.values, threshold, groups, exempt=self.unprotected)
        return hidden
