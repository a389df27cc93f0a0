"""Processed tables: checked on write, and on read unless the manifest vouches for the same bytes."""

from __future__ import annotations

import pandas as pd
import pandera.errors
import pytest
from conftest import MINIMAL_AUDIT

from audit_analysis.clean.pipeline import clean
from audit_analysis.clean.processed import _write_csv, read_processed


def test_a_table_read_right_after_its_clean_equals_the_schema_checked_one(
    minimal_workspace, monkeypatch
):
    paths = minimal_workspace.audit(MINIMAL_AUDIT.name)
    clean(paths)
    vouched = read_processed(paths)
    monkeypatch.setattr("audit_analysis.clean.processed._validated_key", lambda *_: "never")
    checked = read_processed(paths)
    for name in ("gradings", "returns", "evidence", "cases", "referrals", "recommendations"):
        pd.testing.assert_frame_equal(getattr(vouched, name), getattr(checked, name))
    assert str(vouched.referrals["date"].dtype) == "datetime64[ns]"
    assert str(vouched.cases["age"].dtype) == "Int64"


def test_a_hand_edited_processed_table_is_still_checked(minimal_workspace):
    paths = minimal_workspace.audit(MINIMAL_AUDIT.name)
    clean(paths)
    gradings = paths.processed / "gradings.csv"
    gradings.write_text(
        gradings.read_text(encoding="utf-8").replace(",Good\n", ",Excellent\n", 1),
        encoding="utf-8",
    )
    with pytest.raises(pandera.errors.SchemaErrors, match="Excellent"):
        read_processed(paths)


def test_edited_settings_have_the_unchanged_tables_checked_again(minimal_workspace):
    paths = minimal_workspace.audit(MINIMAL_AUDIT.name)
    clean(paths)
    settings = paths.processed / "audit.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace("  - name: Police\n", ""), encoding="utf-8"
    )
    with pytest.raises(pandera.errors.SchemaErrors, match="Police"):
        read_processed(paths)


@pytest.mark.parametrize("rows_at_once", [1, 2, 100_000])
def test_a_text_table_is_written_byte_for_byte_as_pandas_writes_it(tmp_path, rows_at_once):
    texts = ["plain", "a, comma", 'a "quote"', "two\nlines", "carriage\rreturn", "", " spaced "]
    frame = pd.DataFrame(
        {"text": pd.array([*texts, None], dtype="str"), "same": pd.array(["x"] * 8, dtype="str")}
    )
    frame.columns = ["text, typed", "same"]
    _write_csv(frame, tmp_path / "fast.csv", rows_at_once=rows_at_once)
    frame.to_csv(tmp_path / "pandas.csv", index=False, lineterminator="\n")
    assert (tmp_path / "fast.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()
    assert (tmp_path / "fast.csv").read_text(encoding="utf-8").startswith('"text, typed",same\n')
