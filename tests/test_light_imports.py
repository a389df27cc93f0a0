"""Processes that use the notebook tools do not pay for jsonschema's optional IRI checker, and lose nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from audit_analysis.light_imports import SLOW_OPTIONAL_IMPORTS

PROBE = """
import json, sys
from audit_analysis.light_imports import skip_slow_optional_imports
skip_slow_optional_imports()
import nbconvert, nbformat, papermill
from nbformat.v4 import new_notebook
nbformat.validate(new_notebook())
try:
    nbformat.validate({"nbformat": 4, "nbformat_minor": 5, "cells": [], "metadata": {"kernelspec": 3}})
    rejected = False
except nbformat.ValidationError:
    rejected = True
print(json.dumps({"imported": [n for n in sys.argv[1:] if sys.modules.get(n)], "rejected": rejected}))
"""


def test_nbformat_papermill_and_nbconvert_load_without_the_slow_import_and_still_validate():
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *SLOW_OPTIONAL_IMPORTS],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout) == {"imported": [], "rejected": True}


def test_no_schema_the_notebook_tools_validate_uses_the_formats_it_checks():
    """If an upgrade makes nbformat, nbconvert or papermill check IRIs, skipping would weaken
    their validation: this test notices, and the skip must then go."""
    import nbconvert
    import nbformat
    import papermill

    formats = set()
    for package in (nbformat, nbconvert, papermill):
        for schema in Path(package.__file__).parent.rglob("*.json"):
            try:
                text = json.loads(schema.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError):
                continue
            formats |= set(_formats(text))
    assert not formats & {"iri", "iri-reference"}


def _formats(node):
    if isinstance(node, dict):
        if isinstance(node.get("format"), str):
            yield node["format"]
        for value in node.values():
            yield from _formats(value)
    elif isinstance(node, list):
        for value in node:
            yield from _formats(value)


def test_the_help_does_not_load_the_notebook_tools():
    probe = (
        "import sys\nfrom audit_analysis.cli import build_parser\n"
        "build_parser().format_help()\n"
        "print(sorted(m for m in ('nbformat', 'papermill', 'pandas', 'jsonschema') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_an_up_to_date_check_needs_no_pandas():
    probe = "import sys\nimport audit_analysis.run.runner\nprint('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_light_spellings_agree_with_the_contract(tmp_path):
    from conftest import REFERENCE_AUDIT

    from audit_analysis.clean import processed
    from audit_analysis.intake import loading, raw_tables
    from audit_analysis.run import reuse, snapshot

    assert reuse.PROCESSED_MANIFEST == processed.MANIFEST
    assert (snapshot.COMMENTARY_FILES, snapshot.THEMES) == (
        raw_tables.COMMENTARY_FILES,
        raw_tables.THEMES,
    )
    folder = tmp_path / "audit"
    import shutil

    shutil.copytree(REFERENCE_AUDIT, folder)
    (folder / "returns").mkdir()
    (folder / "returns" / "GP.xlsx").write_bytes(b"x")
    (folder / "~$GP.xlsx").write_bytes(b"lock")
    (folder / ".hidden").write_bytes(b"h")
    assert snapshot.input_hashes(folder) == loading.file_hashes(folder)
    assert "returns/GP.xlsx" in snapshot.input_hashes(folder)


def test_making_commentary_safe_does_not_load_the_slow_import():
    """Every kernel makes the commentary safe with nbconvert's renderer: ~3 s each if it did."""
    probe = (
        "import sys\nfrom audit_analysis.intake.commentary import safe_markdown\n"
        "print(safe_markdown('[x](javascript:alert(1))'))\n"
        "print(sys.modules.get('rfc3987_syntax') is None)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["[x]\\(javascript:alert(1))", "True"]


def test_a_notebook_reading_filed_exhibits_loads_no_builder_renderer_or_workbook_library(
    tmp_path,
):
    """Notebooks 02–04 open a paper whose exhibits notebook 01 filed: with none of scipy
    (the intruder check), matplotlib and seaborn (drawing), openpyxl (questionnaires),
    WeasyPrint (export) or jsonschema's IRI grammar loaded, each kernel starts in about a
    second. (nbconvert's Markdown renderer is loaded: the commentary check must render as the
    paper does.)"""
    from conftest import MINIMAL_AUDIT, make_workspace

    from audit_analysis.paper.report import open_paper

    workspace = make_workspace(tmp_path, MINIMAL_AUDIT)
    open_paper(MINIMAL_AUDIT.name, str(workspace.root))  # files the exhibits and charts
    probe = (
        "import sys\nfrom audit_analysis.paper.blocks import show\n"
        "from audit_analysis.paper.report import open_paper\n"
        f"paper = open_paper({MINIMAL_AUDIT.name!r}, {str(workspace.root)!r})\n"
        "paper.parts()\n"
        "heavy = ('scipy', 'matplotlib', 'seaborn', 'openpyxl', 'weasyprint', 'rfc3987_syntax')\n"
        "print(sorted(m for m in heavy if sys.modules.get(m) is not None))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_modules_imported_in_the_background_are_there_when_needed():
    probe = (
        "import sys\nfrom audit_analysis.light_imports import import_in_background\n"
        "import_in_background(('email.mime.text', 'no_such_module_here', 'colorsys')).join()\n"
        "print([m in sys.modules for m in ('email.mime.text', 'colorsys')],"
        " sys.modules['rfc3987_syntax'])"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[True, True] None"  # and the slow import skipped


def test_a_kernels_warm_up_loads_the_renderer_without_the_slow_import():
    from audit_analysis.run.kernels import WARM_UP

    probe = (
        "import sys\n"
        + "".join(f"__import__({name!r})\n" for name in WARM_UP)
        + "print(sys.modules['rfc3987_syntax'], 'nbconvert.filters.markdown_mistune' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "None True"
