"""Importing the notebook tools (nbformat, nbconvert, papermill) without their slowest optional part.

jsonschema imports the optional IRI checker `rfc3987_syntax` if it is installed, and that
builds a Lark grammar at import: ~3 s of every process (runner, kernel) that imports nbformat,
which nbconvert's Markdown renderer pulls in. No schema papermill, nbformat or nbconvert
validates uses the IRI formats it checks (tests/test_light_imports.py checks that).
"""

from __future__ import annotations

import importlib
import sys
import threading

SLOW_OPTIONAL_IMPORTS = ("rfc3987_syntax",)


def skip_slow_optional_imports() -> None:
    """Make the optional imports above fail fast (the documented `sys.modules[name] = None`),
    unless something in this process already imported them."""
    for name in SLOW_OPTIONAL_IMPORTS:
        sys.modules.setdefault(name, None)


def import_modules(modules: tuple[str, ...]) -> None:
    """Import each of `modules` now; one that fails is left for the step that needs it."""
    skip_slow_optional_imports()
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: S112 - reported by the step that needs it
            continue


def import_in_background(modules: tuple[str, ...]) -> threading.Thread:
    """Import `modules` on a background thread, so that they are loaded by the time a later
    step needs them: that step's own import waits for this one (Python's per-module import
    lock) rather than importing twice. A module that fails to import is left for the step
    that needs it to report."""
    thread = threading.Thread(
        target=import_modules, args=(modules,), name="import-in-background", daemon=True
    )
    thread.start()
    return thread
