"""The board paper as files, for renderers that read files: `paper.json` in the outputs folder.

A renderer needs three kinds of block: Markdown text, a table (its frame, caption, note and
whether its values are shares) and a picture (a PNG and its alt text). Notebook 04 records the
paper's blocks in that form as it shows them (the commentary, the sentences, each exhibit's
display table, its chart's PNG under figures/), so the Word paper is rendered from files after
the kernel has gone. Display tables are kept in the JSON, values as shown: the exhibit CSVs
under tables/ are tidy and written for people (formulae defused), so they are not read back.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from audit_analysis.paths import write_atomic

RECORD = "paper.json"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Text:
    """Markdown: headings as `## `/`### `, data already escaped (see report._md)."""

    markdown: str


@dataclass(frozen=True)
class TableData:
    """A table to print: `percent` means its numbers are shares, shown as 45%."""

    frame: pd.DataFrame
    caption: str
    note: str = ""
    percent: bool = False
    name: str = ""


@dataclass(frozen=True)
class Picture:
    """A chart as PNG (bytes or a file) with the alt text that describes it in words."""

    png: bytes | Path
    alt_text: str
    name: str = ""
    caption: str = ""

    def png_bytes(self) -> bytes:
        return self.png if isinstance(self.png, bytes) else Path(self.png).read_bytes()


Block = Text | TableData | Picture


class PaperRecord:
    """The paper's blocks in report order, rewritten whole to `<output_dir>/paper.json` on every add."""

    def __init__(self, output_dir: str | Path, details: dict):
        self.output_dir = Path(output_dir)
        self.details = dict(details)
        self.blocks: list[dict] = []
        self._write()

    def add(self, blocks: Iterable[Block]) -> None:
        self.blocks.extend(_block_json(block, self.output_dir) for block in blocks)
        self._write()

    def _write(self) -> None:
        record = {"format": FORMAT_VERSION, "details": self.details, "blocks": self.blocks}
        text = json.dumps(record, indent=1, ensure_ascii=False, default=_json_value)
        write_atomic(self.output_dir / RECORD, text + "\n")


def read_record(output_dir: str | Path) -> tuple[dict, list[Block]]:
    """The title block and the blocks notebook 04 recorded; pictures as paths under output_dir."""
    output_dir = Path(output_dir)
    path = output_dir / RECORD
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: no record of the paper's blocks; the board paper notebook must call "
            "publish_details(paper) before showing the paper's parts"
        )
    record = json.loads(path.read_text(encoding="utf-8"))
    if record.get("format") != FORMAT_VERSION:
        raise ValueError(f"{path}: format {record.get('format')!r}, expected {FORMAT_VERSION}")
    return record["details"], [_block_from_json(item, output_dir) for item in record["blocks"]]


def _block_json(block: Block, output_dir: Path) -> dict:
    if isinstance(block, Text):
        return {"kind": "text", "markdown": block.markdown}
    if isinstance(block, TableData):
        return {
            "kind": "table",
            "name": block.name,
            "caption": block.caption,
            "note": block.note,
            "percent": block.percent,
            **_frame_json(block.frame),
        }
    if isinstance(block, Picture):
        if isinstance(block.png, bytes):
            raise ValueError(f"picture {block.name!r}: record its PNG file, not bytes")
        return {
            "kind": "picture",
            "name": block.name,
            "png": _relative(Path(block.png), output_dir),
            "alt_text": block.alt_text,
            "caption": block.caption,
        }
    raise TypeError(f"not a paper block: {block!r}")


def _relative(path: Path, output_dir: Path) -> str:
    """The PNG's path under the outputs folder (which is renamed after a run), else absolute."""
    try:
        return path.resolve().relative_to(output_dir.resolve()).as_posix()
    except ValueError:
        return str(path.resolve())


def _block_from_json(item: dict, output_dir: Path) -> Block:
    kind = item["kind"]
    if kind == "text":
        return Text(item["markdown"])
    if kind == "table":
        return TableData(
            _frame_from_json(item), item["caption"], item["note"], item["percent"], item["name"]
        )
    if kind == "picture":
        return Picture(output_dir / item["png"], item["alt_text"], item["name"], item["caption"])
    raise ValueError(f"{output_dir / RECORD}: unknown block kind {kind!r}")


def _frame_json(frame: pd.DataFrame) -> dict:
    """Labels and values as JSON, missing values as null; a MultiIndex as lists of levels."""
    return {
        "index_names": list(frame.index.names),
        "column_names": list(frame.columns.names),
        "index": [list(v) if isinstance(v, tuple) else v for v in frame.index],
        "columns": [list(v) if isinstance(v, tuple) else v for v in frame.columns],
        "data": [[_json_value(v) for v in row] for row in frame.itertuples(index=False)],
    }


def _frame_from_json(item: dict) -> pd.DataFrame:
    def labels(values: list, names: list) -> pd.Index:
        if len(names) > 1:
            return pd.MultiIndex.from_tuples([tuple(v) for v in values], names=names)
        return pd.Index(values, name=names[0], dtype=object)

    return pd.DataFrame(
        item["data"],
        index=labels(item["index"], item["index_names"]),
        columns=labels(item["columns"], item["column_names"]),
        dtype=object,
    )


def _json_value(value: object) -> object:
    """numpy and pandas scalars as plain JSON; NaN, NA and NaT as null; anything else as text."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str | bool | int | float):
        return value
    if pd.isna(value):
        return None
    return str(value)
