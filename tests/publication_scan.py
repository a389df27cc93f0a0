"""A scan of a publication folder for anything case-level: what the tests of issue 9 use."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from pypdf import PdfReader

CASE_LABEL = re.compile(r"\bcase(?:[ _-]?id)?\s*[:#]?\s*\d+\b|\bcase_id\b", re.IGNORECASE)
TEXT_SUFFIXES = {".html", ".svg", ".csv", ".json", ".txt", ".md"}


def published_text(folder: Path) -> dict[Path, str]:
    """Every file of the folder as text: PDFs by their extracted text, PNGs by name only."""
    texts = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".pdf":
            texts[path] = "\n".join(page.extract_text() for page in PdfReader(path).pages)
        elif path.suffix in TEXT_SUFFIXES:
            texts[path] = path.read_text(encoding="utf-8-sig")
        else:
            texts[path] = ""
    return texts


def leaks(folder: Path, processed: Path, forbidden_paths: list[str]) -> list[str]:
    """What the folder must never carry: case labels, evidence or outline text, a local path,
    an executed notebook."""
    evidence = pd.read_csv(processed / "evidence.csv", dtype=str)["text"].dropna()
    outlines = pd.read_csv(processed / "cases.csv", dtype=str)["issues"].dropna()
    phrases = [t.strip()[:40] for t in evidence if len(t.strip()) >= 20]
    phrases += [i.strip() for text in outlines for i in text.split(";") if len(i.strip()) >= 20]
    found = []
    for path, text in published_text(folder).items():
        name = path.relative_to(folder).as_posix()
        if path.suffix == ".ipynb" or "notebooks" in path.parts:
            found.append(f"{name}: an executed notebook")
        flat = " ".join(text.split())
        found += [f"{name}: case label {m.group(0)!r}" for m in CASE_LABEL.finditer(flat)]
        found += [f"{name}: free text {p!r}" for p in phrases if " ".join(p.split()) in flat]
        found += [f"{name}: path {p!r}" for p in forbidden_paths if p in text]
    return found
