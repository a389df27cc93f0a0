"""The processed tables' one declaration: schemas, cleaning and the docs all follow it."""

from __future__ import annotations

import pandas as pd
import pandera.errors
import pytest
from conftest import PROJECT

from audit_analysis.clean import cleaning, processed
from audit_analysis.clean.tables import TABLES, markdown, schema


def test_the_docs_table_of_processed_files_is_generated_from_the_declaration():
    docs = (PROJECT / "docs" / "data-format.md").read_text(encoding="utf-8")
    assert markdown() in docs, (
        "regenerate with: python -c 'from audit_analysis.clean.tables import markdown; print(markdown())'"
    )


def test_cleaning_builds_and_processed_reads_exactly_the_declared_columns():
    assert cleaning.GRADINGS_COLUMNS == ["audit_id", "case_id", "agency", "status", "area", "grade"]
    assert {name: t.column_names for name, t in TABLES.items()} == processed.TABLE_COLUMNS


def test_schema_refuses_a_value_outside_the_declared_set(bromley_processed):
    config = bromley_processed["config"]
    gradings = bromley_processed["gradings"].copy()
    schema(TABLES["gradings"], config).validate(gradings)
    gradings.loc[0, "grade"] = "Brilliant"
    with pytest.raises(pandera.errors.SchemaError, match="Brilliant"):
        schema(TABLES["gradings"], config).validate(gradings)


def test_schema_refuses_a_duplicate_of_the_declared_unique_key(bromley_processed):
    config = bromley_processed["config"]
    returns = bromley_processed["returns"]
    doubled = pd.concat([returns, returns.iloc[:1]], ignore_index=True)
    with pytest.raises(pandera.errors.SchemaError):
        schema(TABLES["returns"], config).validate(doubled)
