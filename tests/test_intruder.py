"""The intruder check: each leak of issue 9 made by hand, refused or suppressed; and a random
test against an independent brute-force intruder."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from conftest import MINIMAL_AUDIT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit_analysis.analysis.exhibits import build_exhibits
from audit_analysis.analysis.exhibits.intruder import DisclosureRefused, intervals
from audit_analysis.analysis.exhibits.ledger import Ledger
from audit_analysis.analysis.status_chart_text import describe_returns
from audit_analysis.clean.pipeline import clean
from audit_analysis.clean.processed import read_processed


@pytest.fixture
def minimal_audit(minimal_workspace):
    paths = minimal_workspace.audit(MINIMAL_AUDIT.name)
    clean(paths)
    return read_processed(paths)


def _ledger(values: dict[str, int], relations, *, public=(), orders=None) -> Ledger:
    ledger = Ledger()
    for key, value in values.items():
        ledger.add(key, value, protect=key not in public)
    for total, parts in relations:
        ledger.relate(total, parts)
    if orders:
        ledger.order(orders)
    return ledger


# -- the leaks of the issue, each made by hand ------------------------------------------------


def test_c_5_5_c_under_a_published_n_is_pinned_then_one_more_cell_is_hidden():
    # "All agencies" row: Outstanding 1, Good 5, RI 5, Inadequate 1, n = 12 printed.
    row = {"O": 1, "G": 5, "RI": 5, "I": 1}
    ledger = _ledger({**row, "n": 12}, [("n", tuple(row))])
    # the rule of thumb hides both 1s: two hidden in the sum, so it stops there …
    assert intervals(ledger.values, {"O", "I"}, ledger.relations) == {"O": (1, 1), "I": (1, 1)}
    # … but zeros are shown, so each c is at least 1 and 12 − 5 − 5 = 2 makes both exactly 1.
    hidden = ledger.hidden(threshold=2)
    assert hidden == {"O", "I", "G"}
    assert ledger.exposures(hidden, 2) == []
    assert intervals(ledger.values, hidden, ledger.relations) == {
        "O": (1, 5),
        "I": (1, 5),
        "G": (1, 5),
    }


def test_returns_expected_and_audits_received_of_due_pin_the_not_submitted():
    # "56 returns were expected … based on 48 audits", the chart's "48 audits received of 51
    # due", and a returns table whose not-submitted (3) and no-involvement (5) cells are c.
    values = {"returns": 56, "received": 48, "due": 51, "not_submitted": 3, "no_involvement": 5}
    relations = [
        ("returns", ("due", "no_involvement")),
        ("due", ("received", "not_submitted")),
        ("returns", ("received", "not_submitted", "no_involvement")),
    ]
    ledger = _ledger(values, relations)
    assert intervals(values, {"not_submitted", "no_involvement"}, relations) == {
        "not_submitted": (3, 3),
        "no_involvement": (5, 5),
    }
    hidden = ledger.hidden(threshold=5)
    assert {"not_submitted", "no_involvement"} < hidden
    assert ledger.exposures(hidden, 5) == []
    assert "received" in hidden or "due" in hidden  # the chart's subtitle prints c for it


def test_the_returns_chart_prints_the_totals_the_paper_decided_in_subtitle_and_alt_text():
    import pandas as pd

    table = pd.DataFrame(
        {
            "submitted": [40, 6],
            "incomplete": [2, 0],
            "not_submitted": [0, 3],
            "no_involvement": [5, 0],
        },
        index=["Police", "Housing"],
    )
    hidden = table.astype(bool) & False
    hidden.loc["Housing", "not_submitted"] = True
    hidden.loc["Police", "no_involvement"] = True
    text = describe_returns(table, hidden, threshold=5, totals_hidden=(False, True))
    assert text.subtitle == "n = 48 audits received of c due from 2 agencies"
    assert "n = 48 audits received of c due" in text.alt_text and "51" not in text.alt_text
    unguarded = describe_returns(table, hidden, threshold=5)
    assert "48 audits received of 51 due" in unguarded.alt_text  # the leak, without the ledger


def test_outcomes_listed_largest_first_against_their_total_are_worked_out_then_protected():
    # "Their outcomes were A (some), B (some) and C (some)" listed largest first, total 4.
    values = {"A": 2, "B": 1, "C": 1, "total": 4}
    relations = [("total", ("A", "B", "C"))]
    without_order = _ledger(values, relations)
    assert without_order.hidden(threshold=2) == {"A", "B", "C"}  # 4 = 3 cells of at least 1
    ledger = _ledger(values, relations, orders=[("A", "A"), ("B", "B"), ("C", "C")])
    assert ledger.exposures({"A", "B", "C"}, 2)  # A ≥ B ≥ C and A + B + C = 4: 2, 1, 1
    hidden = ledger.hidden(threshold=2)
    assert hidden == {"A", "B", "C", "total"}
    assert ledger.exposures(hidden, 2) == []


def test_ties_broken_by_label_make_an_order_strict():
    # B before A although "A" < "B": so B > A, and with B + A = 3 both are pinned.
    ledger = _ledger({"A": 1, "B": 2, "n": 3}, [("n", ("A", "B"))], public={"n"})
    ledger.order([("B", "B"), ("A", "A")])
    assert intervals(ledger.values, {"A", "B"}, ledger.relations, ledger.orders) == {
        "A": (1, 1),
        "B": (2, 2),
    }
    with pytest.raises(DisclosureRefused, match="worked out to be exactly 1"):
        ledger.hidden(threshold=2)


def test_recommendations_are_public_so_their_n_is_never_c_beside_a_shown_row():
    ledger = _ledger(
        {"recommendations": 2, "scope=CSC": 1, "scope=Multi": 1},
        [("recommendations", ("scope=CSC", "scope=Multi"))],
        public={"recommendations", "scope=CSC", "scope=Multi"},
    )
    assert ledger.hidden(threshold=5) == set()


def test_a_tiny_audit_is_refused_naming_the_exhibit_the_derivation_and_the_fix(minimal_audit):
    # three children, three age bands of one child each, and the sample size is public
    config = minimal_audit.config.model_copy(update={"disclosure_threshold": 2})
    audit = dataclasses.replace(minimal_audit, config=config)
    with pytest.raises(DisclosureRefused) as refused:
        build_exhibits(audit, publication=True)
    message = str(refused.value)
    assert message.startswith("minimal-audit: publication refused at disclosure threshold 2")
    assert "[case-profile]" in message and "exactly 1" in message
    assert "cases [audit-facts" in message and "= 3 is the sum of" in message
    assert "Fix: publish a coarser table" in message


def test_the_reference_audit_ships_only_what_passes_at_thresholds_2_3_and_5(bromley_processed):
    audit = bromley_processed["audit"]
    for threshold in (2, 3, 5):
        config = audit.config.model_copy(update={"disclosure_threshold": threshold})
        exhibits = build_exhibits(dataclasses.replace(audit, config=config), publication=True)
        assert "referrals-before-per-case" not in exhibits
        distribution = exhibits["children-by-referrals-before"].table["children"]
        assert int(distribution.sum()) == len(audit.cases)


# -- random tables against an independent brute-force intruder --------------------------------


def _brute_force_values(values, hidden, relations, bound):
    """Every whole-number assignment (each hidden count 1..bound) meeting every published sum:
    the set of values each hidden count can take. Backtracking over totals first, then cells,
    pruning a sum as soon as its assigned parts exceed it — nothing shared with the production
    solver. A smaller bound can only find fewer values, so "more than one" is still a proof."""
    order = sorted(hidden, key=lambda k: (k.startswith("r") and not k.startswith("row"), k))
    possible = {k: set() for k in order}
    assignment = {k: v for k, v in values.items() if k not in hidden}

    def consistent():
        for total, parts in relations:
            if total not in assignment:
                continue
            known = [assignment[p] for p in parts if p in assignment]
            missing = len(parts) - len(known)
            if sum(known) + missing > assignment[total] or (
                missing == 0 and sum(known) != assignment[total]
            ):
                return False
        return True

    def walk(i):
        if i == len(order):
            for k in order:
                possible[k].add(assignment[k])
            return
        for v in range(1, bound + 1):
            assignment[order[i]] = v
            if consistent():
                walk(i + 1)
            del assignment[order[i]]

    walk(0)
    return possible


@st.composite
def grade_tables(draw):
    rows = draw(st.integers(2, 3))
    columns = draw(st.integers(2, 3))
    cells = {
        f"r{r}c{c}": draw(st.integers(0, 5))
        for r, c in itertools.product(range(rows), range(columns))
    }
    threshold = draw(st.integers(1, 4))
    return rows, columns, cells, threshold


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grade_tables())
def test_shipped_tables_pass_an_independent_brute_force_intruder(table):
    rows, columns, cells, threshold = table
    values = dict(cells)
    relations = []
    for r in range(rows):
        parts = tuple(f"r{r}c{c}" for c in range(columns))
        values[f"row{r}"] = sum(cells[p] for p in parts)
        relations.append((f"row{r}", parts))
    for c in range(columns):
        parts = tuple(f"r{r}c{c}" for r in range(rows))
        values[f"col{c}"] = sum(cells[p] for p in parts)
        relations.append((f"col{c}", parts))
    values["all"] = sum(cells.values())
    relations.append(("all", tuple(f"row{r}" for r in range(rows))))
    relations.append(("all", tuple(f"col{c}" for c in range(columns))))
    ledger = _ledger(values, relations)
    try:
        hidden = ledger.hidden(threshold)
    except DisclosureRefused:
        return  # refused, not shipped
    assert not any(1 <= values[k] <= threshold for k in values if k not in hidden)
    possible = _brute_force_values(values, hidden, relations, bound=max(values.values()) + 1)
    for key in hidden:
        assert values[key] in possible[key]
        if values[key] <= threshold:
            assert len(possible[key]) > 1, f"{key} = {values[key]} is pinned: {cells}, {hidden}"
