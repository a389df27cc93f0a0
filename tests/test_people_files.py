"""Files for people: every text that would run as a formula is defused, nothing else changes."""

from __future__ import annotations

import pandas as pd

from audit_analysis.people_files import csv_for_people, defuse_frame


def test_formulae_are_defused_in_cells_headers_and_labels_and_nothing_else_changes():
    frame = pd.DataFrame(
        {
            "=total": pd.array(["=1+1", "plain", None], dtype="str"),
            "plain": pd.array(["a", "b", "c"], dtype="str"),
            "mixed": pd.array(["+ve", 3, 2.5], dtype=object),
        },
        index=["@row", "row", "-row"],
    )
    defused = defuse_frame(frame)
    assert list(defused.columns) == ["'=total", "plain", "mixed"]
    assert list(defused.index) == ["'@row", "row", "'-row"]
    assert defused["'=total"].tolist()[:2] == ["'=1+1", "plain"]
    assert defused["plain"].tolist() == ["a", "b", "c"]
    assert defused["mixed"].tolist() == ["'+ve", 3, 2.5]
    assert frame.columns[0] == "=total" and frame.iloc[0, 0] == "=1+1"  # the caller's frame


def test_a_table_without_formulae_is_written_as_it_is():
    frame = pd.DataFrame({"kind": pd.array(["a", "b"], dtype="str"), "n": [1, 2]})
    assert csv_for_people(frame, index=False) == "\ufeffkind,n\r\na,1\r\nb,2\r\n"
