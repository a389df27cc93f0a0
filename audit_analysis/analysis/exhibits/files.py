"""Exhibits on disk: one CSV per exhibit for people, and exhibits.json for every renderer.

`outputs/<audit-id>/tables/<id>.csv` is tidy (one row per cell; UTF-8 with BOM and formulae
defused, for Excel) and `tables/exhibits.json` lists every exhibit with its metadata and its
display table. In a publication version hidden values never reach the disk: both files carry
the marker instead. Later stages (the paper, trends across audits, an action plan) read these.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd

from audit_analysis.analysis.chart_text import ChartText
from audit_analysis.analysis.disclosure import MARKER
from audit_analysis.analysis.exhibits.model import ChartSpec, Exhibit, Exhibits
from audit_analysis.paths import write_atomic
from audit_analysis.people_files import write_csv_for_people

INDEX = "exhibits.json"
FORMAT_VERSION = 1


def _plain(value: object) -> object:
    """A cell as JSON: numpy numbers as Python numbers, NaN and NA as null."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    return value if isinstance(value, (int, str, bool)) else str(value)


def _plain_column(column: pd.Series) -> list:
    """_plain() of every cell; numbers, flags and text without a call per cell where the
    column's type says what they are (a large audit's case tables have many cells)."""
    values = column.astype(object).tolist()
    if column.dtype == "int64" or column.dtype == "bool":
        return values
    if column.dtype == "float64":
        return [None if math.isnan(v) else v for v in values]
    return [v if type(v) is str else _plain(v) for v in values]


def _split(frame: pd.DataFrame, hidden: pd.DataFrame | None, publication: bool) -> dict:
    columns = [_plain_column(frame.iloc[:, i]) for i in range(frame.shape[1])]
    data = (
        [list(row) for row in zip(*columns, strict=True)]
        if columns
        else [[] for _ in range(len(frame))]
    )
    if publication and hidden is not None:
        mask = hidden.to_numpy()
        data = [
            [MARKER if mask[r][c] else v for c, v in enumerate(row)] for r, row in enumerate(data)
        ]
    return {
        "index_name": frame.index.name,
        "columns_name": frame.columns.name,
        "index": [str(i) for i in frame.index],
        "columns": [str(c) for c in frame.columns],
        "data": data,
    }


def _frame(split: dict) -> pd.DataFrame:
    frame = pd.DataFrame(split["data"], index=split["index"], columns=split["columns"])
    frame.index.name, frame.columns.name = split["index_name"], split["columns_name"]
    return frame


def exhibit_record(exhibit: Exhibit, publication: bool) -> dict:
    chart = exhibit.chart
    return {
        "id": exhibit.id,
        "part": exhibit.part,
        "title": exhibit.title,
        "kind": exhibit.kind,
        "file": f"{exhibit.id}.csv",
        "caption": exhibit.caption,
        "sentences": list(exhibit.sentences),
        "n": None if exhibit.n is None else int(exhibit.n),
        "n_text": exhibit.n_text,
        "note": exhibit.note,
        "notes": list(exhibit.notes),
        "show_table": exhibit.show_table,
        "alt_text": exhibit.alt_text,
        "hidden_cells": [list(cell) for cell in exhibit.hidden_cells()],
        "chart": None
        if chart is None
        else {
            "kind": chart.kind,
            "options": dict(chart.options),
            "text": None if chart.text is None else asdict(chart.text),
        },
        "table": _split(exhibit.table, exhibit.hidden, publication),
        "quantities": _split(exhibit.quantities, None, False),
        "detail": None
        if exhibit.detail is None
        else _split(exhibit.detail, exhibit.hidden, publication),
    }


def write_exhibits(exhibits: Exhibits, folder: Path, provenance: dict | None = None) -> Path:
    """Write every exhibit's CSV and the index; returns the index's path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    marker = MARKER if exhibits.publication else None
    for exhibit in exhibits.values():
        write_csv_for_people(exhibit.tidy(marker), folder / f"{exhibit.id}.csv", index=False)
    index = {
        "format": FORMAT_VERSION,
        "publication": exhibits.publication,
        "disclosure_threshold": exhibits.threshold,
        **(provenance or {}),
        "exhibits": [exhibit_record(e, exhibits.publication) for e in exhibits.values()],
    }
    # No indent: json's C encoder only runs without one, and is ~10× faster on a large audit's
    # case tables; every reader parses the file, none reads it by line.
    text = json.dumps(index, ensure_ascii=False, allow_nan=False) + "\n"
    return write_atomic(folder / INDEX, text)


def read_index(folder: Path) -> dict | None:
    path = Path(folder) / INDEX
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def read_exhibits(folder: Path) -> Exhibits:
    """The exhibits as written: display tables (hidden cells hold the marker in a publication)."""
    index = read_index(folder)
    if index is None:
        raise FileNotFoundError(f"no {INDEX} in {folder}")
    exhibits = []
    for record in index["exhibits"]:
        table = _frame(record["table"])
        hidden = pd.DataFrame(False, index=table.index, columns=table.columns)
        for row, column in record["hidden_cells"]:
            hidden.loc[row, column] = True
        chart = record["chart"]
        exhibits.append(
            Exhibit(
                id=record["id"],
                part=record["part"],
                title=record["title"],
                table=table,
                hidden=hidden,
                quantities=_frame(record["quantities"]),
                kind=record["kind"],
                caption=record["caption"],
                sentences=tuple(record["sentences"]),
                n=record["n"],
                n_text=record["n_text"],
                note=record["note"],
                notes=tuple(record["notes"]),
                show_table=record["show_table"],
                chart=None
                if chart is None
                else ChartSpec(
                    chart["kind"],
                    chart["options"],
                    ChartText(
                        **{
                            k: tuple(v) if isinstance(v, list) else v
                            for k, v in chart["text"].items()
                        }
                    )
                    if chart["text"]
                    else None,
                ),
                detail=None if record["detail"] is None else _frame(record["detail"]),
            )
        )
    return Exhibits(
        exhibits, publication=index["publication"], threshold=index["disclosure_threshold"]
    )
