"""The intruder check: what a reader can prove about each hidden count from the whole paper.

The suppression rule (disclosure.py) hides small counts and one more in every published sum
that would otherwise give one back. A rule of thumb, though, misses what several exhibits
say together: a total printed in a caption, a sum in a chart's alt text, an order of bars.
So, as statistical offices audit a suppressed table, the publication version is checked the
way an intruder would attack it. Everything the paper publishes is in the ledger: the counts
it shows (fixed), the sums between them (equalities), the orders it lists counts in
(inequalities). Each hidden count is an unknown whole number of at least 1 (zeros are always
shown, so a "c" is never 0). For every hidden count the smallest and largest values
consistent with all of that are found by integer programming (scipy's HiGHS), and the paper
is refused when a small hidden count (1..threshold: the ones suppression protects; a larger
count hidden only to protect a neighbour is not itself sensitive, as in tau-ARGUS) is

* pinned: its smallest and largest values agree, so the reader knows it.

(A proof that a small count lies in a narrower range, say 1 or 2 under a threshold of 5, is
allowed: see is_exposed.)

`protect` extends the suppression until the check passes (hiding, each time, the smallest shown
non-zero count of a sum the derivation used), so what is shipped always passes; when no further
count can be hidden it raises `DisclosureRefused`, naming the quantity and the derivation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

Relation = tuple[str, tuple[str, ...]]
"""total = sum(parts), every key a published count."""
Order = tuple[str, str, int]
"""(a, b, gap): the paper lists a before b in an order by size, so a ≥ b + gap."""


@dataclass(frozen=True)
class Exposure:
    """A hidden count the reader can work out, with the published facts that give it away."""

    key: str
    low: int
    high: int | None
    relations: tuple[Relation, ...]
    orders: tuple[Order, ...] = ()

    @property
    def pinned(self) -> bool:
        return self.high == self.low

    def proven(self) -> str:
        if self.pinned:
            return f"exactly {self.low}"
        return f"between {self.low} and {self.high}"


class DisclosureRefused(ValueError):
    """The publication version would let a reader work out a hidden count."""

    def __init__(self, message: str, exposures: Sequence[Exposure], hidden: Iterable[str] = ()):
        super().__init__(message)
        self.exposures = tuple(exposures)
        self.hidden = set(hidden)


def _components(hidden: set[str], relations: Sequence[Relation], orders: Sequence[Order]):
    """Groups of hidden counts tied together by relations or orders, with what ties them."""
    parent = {k: k for k in hidden}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    links = [(r, [k for k in (r[0], *r[1]) if k in hidden]) for r in relations]
    links += [(o, [k for k in o[:2] if k in hidden]) for o in orders]
    for _, keys in links:
        for other in keys[1:]:
            parent[find(other)] = find(keys[0])
    groups: dict[str, tuple[list[str], list]] = {}
    for k in sorted(hidden):
        groups.setdefault(find(k), ([], []))[0].append(k)
    for link, keys in links:
        if keys:
            groups[find(keys[0])][1].append(link)
    return list(groups.values())


def _bounds(
    keys: list[str],
    links: list,
    values: Mapping[str, int],
    threshold: int | None = None,
    known_safe: set[str] | None = None,
    unknown: frozenset[str] = frozenset(),
) -> dict[str, tuple[int, int | None]]:
    """The smallest and largest whole value of each hidden key given the published facts.

    With a threshold only what `is_exposed` needs is exact: a count a whole-number solution
    shows can exceed both the threshold and its true value is (1, None) without further work."""
    index = {k: i for i, k in enumerate(keys)}
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for link in links:
        row = np.zeros(len(keys))
        if isinstance(link[1], tuple):  # a relation: total - sum(parts) = 0
            total, parts = link
            constant = 0.0
            for key, sign in ((total, 1.0), *((p, -1.0) for p in parts)):
                if key in index:
                    row[index[key]] += sign
                else:
                    constant -= sign * values[key]
            a_eq.append(row)
            b_eq.append(constant)
        else:  # an order: b - a ≤ -gap
            a, b, gap = link
            constant = -float(gap)
            for key, sign in ((b, 1.0), (a, -1.0)):
                if key in index:
                    row[index[key]] += sign
                else:
                    constant -= sign * values[key]
            a_ub.append(row)
            b_ub.append(constant)
    problem = {
        "A_ub": np.array(a_ub) if a_ub else None,
        "b_ub": np.array(b_ub) if b_ub else None,
        "A_eq": np.array(a_eq) if a_eq else None,
        "b_eq": np.array(b_eq) if b_eq else None,
        "bounds": [(0 if k in unknown else 1, None) for k in keys],
        "method": "highs",
    }
    out: dict[str, tuple[int, int | None]] = {}
    safe = set()
    if threshold is not None:
        known = set() if known_safe is None else known_safe
        safe = known & set(index)
        safe |= _safe(problem, index, values, threshold, safe)
        known |= safe
    for key, i in index.items():
        if key in safe:
            out[key] = (1, None)
            continue
        high, point = _extreme(problem, i, len(keys), -1.0, key)
        if threshold is not None and point is not None:
            safe |= {k for k, j in index.items() if point[j] > max(threshold, values[k]) + 0.5}
        if threshold is not None and (high is None or high > max(threshold, values[key])):
            out[key] = (1, high)  # neither pinned nor proven small: the low end does not matter
        else:
            out[key] = (_extreme(problem, i, len(keys), 1.0, key)[0], high)
    return out


def _safe(
    problem: dict,
    index: Mapping[str, int],
    values: Mapping[str, int],
    threshold: int,
    safe: set[str],
) -> set[str]:
    """Counts that whole-number solutions show to be not exposed, many at a time.

    The true values are one solution. Each solve pushes every count not yet shown safe up
    (to one above the threshold and its true value) or down (to 1); a count is safe once the
    values seen span an interval `is_exposed` accepts, since what can be proven is wider still.
    """
    ceiling = {k: max(threshold, values[k]) + 1 for k in index}
    lows = [low for low, _ in problem["bounds"]]
    bounded = {**problem, "bounds": [(lows[i], ceiling[k]) for k, i in index.items()]}
    from scipy.optimize import linprog

    seen = {k: (values[k], values[k]) for k in index}
    safe = set(safe)
    progress = True
    while progress:
        progress = False
        for direction in (-1.0, 1.0):
            pushed = [k for k in index if k not in safe]
            if not pushed:
                return safe
            c = np.zeros(len(index))
            c[[index[k] for k in pushed]] = direction
            result = linprog(c, **bounded)
            if result.status == 0 and not np.allclose(result.x, np.round(result.x), atol=1e-7):
                result = linprog(c, **bounded, integrality=np.ones(len(index)))
            if result.status != 0:
                continue
            x = np.round(result.x)
            for k in pushed:
                low, high = seen[k]
                seen[k] = (min(low, int(x[index[k]])), max(high, int(x[index[k]])))
                if not is_exposed(*seen[k], threshold):
                    safe.add(k)
                    progress = True
    return safe


def linprog(c: np.ndarray, **problem) -> object:
    """scipy's linprog, imported when first needed: scipy.optimize takes about 0.3 s to load
    and only a publication version (one with a threshold) solves anything."""
    from scipy.optimize import linprog as solve

    return solve(c, **problem)


def _extreme(
    problem: dict, i: int, size: int, direction: float, key: str
) -> tuple[int | None, np.ndarray | None]:
    """The smallest (direction 1) or largest (-1) whole value of variable i (None: unbounded),
    and a whole-number solution reaching it.

    The linear relaxation first (fast); when its optimum is already a whole-number point it is
    the integer optimum too, otherwise the integer program is solved."""
    from scipy.optimize import linprog  # scipy loads only where a publication is checked

    c = np.zeros(size)
    c[i] = direction
    result = linprog(c, **problem)
    if result.status == 3:
        return None, None
    if result.status != 0:
        raise AssertionError(f"the published counts contradict each other at {key}")
    if not np.allclose(result.x, np.round(result.x), atol=1e-7):
        result = linprog(c, **problem, integrality=np.ones(size))
        if result.status != 0:
            raise AssertionError(f"the published counts contradict each other at {key}")
    return round(direction * result.fun), np.round(result.x)


def intervals(
    values: Mapping[str, int],
    hidden: Iterable[str],
    relations: Sequence[Relation],
    orders: Sequence[Order] = (),
) -> dict[str, tuple[int, int | None]]:
    """What a reader can prove about each hidden count: (smallest, largest or None)."""
    out: dict[str, tuple[int, int | None]] = {}
    for keys, links in _components(set(hidden), relations, orders):
        out.update(_bounds(keys, links, values))
    return out


def is_exposed(low: int, high: int | None, threshold: int) -> bool:
    """A small count's proven interval gives it away: a single value.

    A narrower interval inside 1..threshold ("1 or 2" under 5) is allowed: refusing it makes
    any agency with a few audits unpublishable, since its number of audits is printed (bar
    ends, the n of its table) and its small cells then always lie in 1..n−1. See
    docs/disclosure-control.md for what this does and does not prove."""
    return high is not None and low == high


def exposures(
    values: Mapping[str, int],
    hidden: Iterable[str],
    relations: Sequence[Relation],
    threshold: int,
    orders: Sequence[Order] = (),
    _cache: dict | None = None,
    *,
    unknown: Iterable[str] = (),
) -> list[Exposure]:
    """Every hidden count the reader can work out, with the facts of its derivation.

    `_cache` (for `protect`, where the hidden set only grows) keeps each group's answer and the
    counts already shown safe: hiding more never narrows what a reader can prove."""
    found = []
    cache = {"safe": set()} if _cache is None else _cache
    unknown = frozenset(unknown)
    for keys, links in _components(set(hidden) | unknown, relations, orders):
        done = frozenset(keys)
        if done not in cache:
            safe = cache.setdefault("safe", set())
            safe |= unknown & done  # never printed: nothing to protect
            cache[done] = _exposed(keys, links, values, threshold, safe, unknown)
        found += cache[done]
    return found


def _exposed(
    keys: list[str],
    links: list,
    values: Mapping[str, int],
    threshold: int,
    safe: set[str],
    unknown: frozenset[str] = frozenset(),
) -> list[Exposure]:
    safe |= {k for k in keys if values[k] > threshold}  # not small: nothing to protect
    bounds = _bounds(keys, links, values, threshold, safe, unknown)
    sums = tuple(link for link in links if isinstance(link[1], tuple))
    orders = tuple(link for link in links if not isinstance(link[1], tuple))
    return [
        Exposure(key, *bounds[key], sums, orders)
        for key in keys
        if key not in safe and is_exposed(*bounds[key], threshold)
    ]


def _candidates(
    exposure: Exposure, values: Mapping[str, int], hidden: set[str], exempt: set[str]
) -> list[str]:
    """Shown non-zero counts that may be hidden, from the sums that name the exposed count
    first, then from any sum of the derivation."""
    direct = [r for r in exposure.relations if exposure.key in (r[0], *r[1])]
    for relations in (direct, exposure.relations):
        keys = dict.fromkeys(k for r in relations for k in (*r[1], r[0]))
        shown = [k for k in keys if k not in hidden and k not in exempt and values[k] > 0]
        if shown:
            order = list(keys)
            return sorted(shown, key=lambda k: (values[k], order.index(k)))
    return []


def protect(
    values: Mapping[str, int],
    hidden: Iterable[str],
    relations: Sequence[Relation],
    threshold: int,
    *,
    orders: Sequence[Order] = (),
    exempt: Iterable[str] = (),
    unknown: Iterable[str] = (),
) -> set[str]:
    """Hide further counts until no hidden count can be worked out; refuse when none can be."""
    hidden, exempt = set(hidden), set(exempt)
    cache: dict = {}
    while True:
        found = exposures(values, hidden, relations, threshold, orders, cache, unknown=unknown)
        if not found:
            return hidden
        stuck, fixed = [], set()
        for exposure in found:  # one more hidden count per sum that gives one away, each round
            direct = [r for r in exposure.relations if exposure.key in (r[0], *r[1])]
            if fixed & {k for r in direct for k in (r[0], *r[1])}:
                continue  # a sum it is in has just had a count hidden: see first whether that did
            candidates = _candidates(exposure, values, hidden, exempt)
            if candidates:
                hidden.add(candidates[0])
                fixed.add(candidates[0])
            else:
                stuck.append(exposure)
        if not fixed:
            raise DisclosureRefused(refusal(stuck, values, hidden, threshold), stuck, hidden)


def describe(
    exposure: Exposure, values: Mapping[str, int], hidden: set[str], where: Mapping[str, str] = {}
) -> str:
    """'quantity K (in exhibit X) is exactly 1: T (12) = A (5) + B (c) + …; …'"""

    def shown(key: str) -> str:
        label = f"{key} [{where[key]}]" if key in where else key
        return f"{label} = {'c' if key in hidden else values[key]}"

    direct = [r for r in exposure.relations if exposure.key in (r[0], *r[1])]
    facts = [
        f"{shown(total)} is the sum of " + ", ".join(shown(p) for p in parts)
        for total, parts in direct
    ]
    if len(exposure.relations) > len(direct):
        facts.append(f"{len(exposure.relations) - len(direct)} more sums tied to those")
    facts += [
        f"{shown(a)} is listed before {shown(b)} in an order by size" for a, b, _ in exposure.orders
    ]
    label = f"{exposure.key} [{where[exposure.key]}]" if exposure.key in where else exposure.key
    return (
        f"the hidden count {label} can be worked out to be {exposure.proven()} "
        f"(zeros are shown, so every c is at least 1) from: {'; '.join(facts)}"
    )


def refusal(
    stuck: Sequence[Exposure],
    values: Mapping[str, int],
    hidden: set[str],
    threshold: int,
    where: Mapping[str, str] = {},
) -> str:
    first = stuck[0]
    more = f" (and {len(stuck) - 1} more)" if len(stuck) > 1 else ""
    return (
        f"publication refused at disclosure threshold {threshold}: "
        f"{describe(first, values, hidden, where)}{more}. Every other count of those sums is "
        "either hidden already, zero, or public (cases sampled, agencies asked), so no further "
        "suppression can protect it. Fix: publish a coarser table (merge the small categories "
        "or grades into one row or column), or leave that table or total out of the "
        "publication version."
    )
