"""The analysis stage: exhibits hold the right numbers, hide a quantity alike everywhere, and file safely."""

from __future__ import annotations

import csv
import dataclasses
import io
import json

import pandas as pd
import pytest
from conftest import REFERENCE_AUDIT, make_workspace

from audit_analysis.analysis.disclosure import MARKER
from audit_analysis.analysis.exhibits import build_exhibits, quantity
from audit_analysis.analysis.exhibits.files import read_exhibits, write_exhibits
from audit_analysis.analysis.exhibits.ledger import Ledger
from audit_analysis.clean.pipeline import clean
from audit_analysis.clean.processed import read_processed


@pytest.fixture(scope="module")
def bromley(tmp_path_factory):
    workspace = make_workspace(tmp_path_factory.mktemp("exhibits"), REFERENCE_AUDIT)
    paths = workspace.audit(REFERENCE_AUDIT.name)
    clean(paths)
    return paths, read_processed(paths)


def _publication(audit, threshold: int):
    config = audit.config.model_copy(update={"disclosure_threshold": threshold})
    return build_exhibits(dataclasses.replace(audit, config=config), publication=True)


def _gradings_by_hand(paths) -> list[dict]:
    with open(paths.processed / "gradings.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_overall_grades_equal_a_count_of_gradings_csv_by_hand(bromley):
    paths, audit = bromley
    exhibit = build_exhibits(audit)["overall-grades"]
    rows = _gradings_by_hand(paths)
    received = [
        r for r in rows if r["area"] == "overall" and r["status"] in ("submitted", "incomplete")
    ]
    for agency in exhibit.table.index:
        for grade in audit.config.scale.all_grades:
            expected = sum(
                1
                for r in received
                if r["grade"] == grade and (agency == "All agencies" or r["agency"] == agency)
            )
            assert exhibit.table.loc[agency, grade] == expected, (agency, grade)
    assert exhibit.n == len(received) == 48
    assert exhibit.caption == "Overall grades by agency (n = 48 audits)"


def test_each_agencys_key_area_exhibit_equals_gradings_csv(bromley):
    paths, audit = bromley
    exhibits = build_exhibits(audit)
    rows = _gradings_by_hand(paths)
    labels = {a.key: a.label for a in audit.config.areas_with_overall}
    exhibit = exhibits["areas-children-s-social-care"]
    audits = [
        r
        for r in rows
        if r["agency"] == "Children's Social Care" and r["status"] in ("submitted", "incomplete")
    ]
    counted = pd.crosstab([labels[r["area"]] for r in audits], [r["grade"] for r in audits])
    assert exhibit.table.to_numpy().sum() == counted.to_numpy().sum() == 70
    for area in counted.index:
        for grade in counted.columns:
            assert exhibit.table.loc[area, grade] == counted.loc[area, grade]
    assert exhibit.sentences == (
        "The analysis is based on 10 audits. Overall gradings were 8 Requires Improvement "
        "and 2 Inadequate.",
    )


@pytest.mark.parametrize("threshold", [2, 3, 5])
def test_a_quantity_hidden_in_one_exhibit_is_hidden_in_every_exhibit_showing_it(bromley, threshold):
    _paths, audit = bromley
    exhibits = _publication(audit, threshold)
    flags: dict[str, set[bool]] = {}
    for exhibit in exhibits.values():
        for row in range(len(exhibit.table)):
            for column in range(exhibit.table.shape[1]):
                key = exhibit.quantities.iat[row, column]
                if key:
                    flags.setdefault(key, set()).add(bool(exhibit.hidden.iat[row, column]))
    shown_twice = [k for k, f in flags.items() if len(f) > 1]
    assert shown_twice == []
    assert exhibits.inconsistently_hidden() == {}
    # the defect that started it: the key-area table's Overall row is the "All agencies" row
    overall, areas = exhibits["overall-grades"], exhibits["area-grades"]
    for grade in audit.config.scale.all_grades:
        assert overall.hidden.loc["All agencies", grade] == areas.hidden.loc["Overall", grade]


def test_the_overall_sentence_hides_exactly_what_the_tables_hide(bromley):
    _paths, audit = bromley
    for threshold in (2, 5):
        exhibit = _publication(audit, threshold)["overall-grades"]
        sentence = exhibit.sentences[0]
        row, values = exhibit.hidden.loc["All agencies"], exhibit.table.loc["All agencies"]
        for grade in audit.config.scale.grades:
            if not values[grade]:
                continue
            if row[grade]:
                assert f"some {grade}" in sentence and f"{values[grade]} {grade}" not in sentence
            else:
                assert f"{values[grade]} {grade}" in sentence, (threshold, grade, sentence)
        assert row.any()  # the reference audit has small counts to hide at both thresholds


def test_a_small_total_is_hidden_in_the_caption_and_its_parts_in_the_table():
    ledger = Ledger()
    total = ledger.add(quantity("referrals"), 4)
    parts = [ledger.add(quantity("referrals", outcome=o), n) for o, n in (("A", 3), ("B", 1))]
    ledger.relate(total, parts)
    assert ledger.hidden(5) == {total, *parts}
    assert ledger.hidden(None) == set()


def test_a_single_hidden_part_of_a_published_sum_takes_the_smallest_other_with_it():
    ledger = Ledger()
    total = ledger.add(quantity("cases"), 20, protect=False)
    parts = [ledger.add(quantity("cases", band=b), n) for b, n in (("a", 2), ("b", 8), ("c", 10))]
    ledger.relate(total, parts)
    assert ledger.hidden(5) == {parts[0], parts[1]}


def test_the_same_quantity_with_two_values_is_a_bug_not_data():
    ledger = Ledger()
    ledger.add(quantity("cases"), 10)
    with pytest.raises(ValueError, match="is 10 in one exhibit, 11 in another"):
        ledger.add(quantity("cases"), 11)


def test_publication_files_carry_the_marker_never_a_hidden_value(bromley, tmp_path):
    _paths, audit = bromley
    exhibits = _publication(audit, 5)
    write_exhibits(exhibits, tmp_path)
    index = json.loads((tmp_path / "exhibits.json").read_text(encoding="utf-8"))
    overall = next(e for e in index["exhibits"] if e["id"] == "overall-grades")
    assert ["All agencies", "Outstanding"] in overall["hidden_cells"]
    raw = (tmp_path / "overall-grades.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    cell = next(
        r for r in rows if r["agency"] == "All agencies" and r["grade or status"] == "Outstanding"
    )
    assert cell["count"] == MARKER
    read = read_exhibits(tmp_path)["overall-grades"]
    assert read.table.loc["All agencies", "Outstanding"] == MARKER
    assert read.hidden.equals(exhibits["overall-grades"].hidden)
    assert read.sentences == exhibits["overall-grades"].sentences


def test_internal_files_round_trip_every_exhibit(bromley, tmp_path):
    _paths, audit = bromley
    exhibits = build_exhibits(audit)
    write_exhibits(exhibits, tmp_path)
    read = read_exhibits(tmp_path)
    assert list(read) == list(exhibits)
    for key, exhibit in exhibits.items():
        again = read[key]
        assert (again.caption, again.n, again.n_text, again.sentences) == (
            exhibit.caption,
            exhibit.n,
            exhibit.n_text,
            exhibit.sentences,
        )
        expected = exhibit.table.set_axis(exhibit.table.index.map(str))
        expected.columns = expected.columns.map(str)
        pd.testing.assert_frame_equal(
            again.table, expected, check_dtype=False, check_index_type=False, obj=key
        )


def test_text_beginning_like_a_formula_is_kept_in_the_exhibit_and_defused_in_its_csv(
    bromley, tmp_path
):
    _paths, audit = bromley
    cases = audit.cases.copy()
    cases.loc[0, "issues"] = '=HYPERLINK("http://x") +ve engagement'
    exhibits = build_exhibits(dataclasses.replace(audit, cases=cases))
    outline = exhibits["case-outlines"].table
    assert outline.iloc[0]["Outline issues"] == '=HYPERLINK("http://x") +ve engagement'
    write_exhibits(exhibits, tmp_path)
    rows = list(
        csv.DictReader(io.StringIO((tmp_path / "case-outlines.csv").read_text("utf-8-sig")))
    )
    assert rows[2]["text"] == '\'=HYPERLINK("http://x") +ve engagement'


def test_publication_leaves_out_case_level_exhibits(bromley):
    _paths, audit = bromley
    exhibits = _publication(audit, 5)
    assert {"case-agency-grid", "case-outlines", "referrals-by-period"} & set(exhibits) == set()
