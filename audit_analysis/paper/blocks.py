"""The pieces a paper is made of — Markdown, a table, a chart — and showing them in a notebook.

A table or chart block is a view of one exhibit: its display frame (hidden counts already "c"),
its caption and note, or its saved PNG and alt text. Nothing here counts or words a number.
Once `record_paper` has been called in a kernel (notebook 04 does, through publish_details),
`show` also records the blocks it shows in paper.json (record.py), which the Word paper reads.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from audit_analysis.analysis.disclosure import MARKER
from audit_analysis.analysis.exhibits.model import SHARE, Exhibit
from audit_analysis.paper import record

FIGURE_WIDTH_PX = round(6.3 * 96)
"""Every chart is 6.3 in wide (A4 text width); shown at 96 px per inch."""


@dataclass(frozen=True)
class Markdown:
    text: str


@dataclass(frozen=True)
class Table:
    """A table for the paper; `name` is its exhibit's id (and CSV file name in tables/)."""

    frame: pd.DataFrame
    name: str
    caption: str
    percent: bool = False
    note: str = ""

    @classmethod
    def of(cls, exhibit: Exhibit) -> Table:
        shown = exhibit.table.astype("object").mask(exhibit.hidden, MARKER)
        return cls(shown, exhibit.id, exhibit.caption, exhibit.kind == SHARE, exhibit.note)


@dataclass(frozen=True)
class Chart:
    """An exhibit's chart, drawn once into figures/<name>.png, with its alt text."""

    name: str
    png: Path
    alt_text: str
    title: str = ""

    @classmethod
    def of(cls, exhibit: Exhibit, figures_dir: Path) -> Chart:
        text = exhibit.chart.text if exhibit.chart else None
        return cls(
            exhibit.id,
            Path(figures_dir) / f"{exhibit.id}.png",
            exhibit.alt_text,
            text.title if text else exhibit.title,
        )


Block = Markdown | Table | Chart


def _percent(value: object) -> object:
    if isinstance(value, str):
        return value
    return "–" if pd.isna(value) else f"{value:.0%}"


def table_html(table: Table) -> str:
    """A table as escaped HTML with its caption; NaN shown as a dash, shares as percentages."""
    frame = table.frame.copy()
    if frame.index.name and not isinstance(frame.columns, pd.MultiIndex):
        frame.columns.name, frame.index.name = frame.index.name, None
    if table.percent:
        frame = frame.apply(lambda col: col.map(_percent))
    body = frame.to_html(escape=True, border=0, na_rep="–", classes="audit-table")
    caption = f"<caption>{html.escape(table.caption)}</caption>"
    body = body.replace(">", ">" + caption, 1)
    note = f'<p class="table-note">{html.escape(table.note)}</p>' if table.note else ""
    return body + note


def display_chart(chart: Chart) -> None:
    """Show a saved chart; the output metadata carries its alt text for the paper's <img>."""
    from IPython.display import display

    meta = {"width": FIGURE_WIDTH_PX, "alt": chart.alt_text}
    display(
        {
            "image/png": base64.b64encode(chart.png.read_bytes()).decode("ascii"),
            "text/plain": f"<Figure: {chart.title or chart.name}>",
        },
        raw=True,
        metadata={"image/png": meta},
    )


def record_blocks(blocks: Iterable[Block]) -> list[record.Block]:
    """The blocks as renderers that read files take them (record.py)."""
    converted: list[record.Block] = []
    for block in blocks:
        if isinstance(block, Markdown):
            converted.append(record.Text(block.text))
        elif isinstance(block, Table):
            frame, caption, note = block.frame, block.caption, block.note
            converted.append(record.TableData(frame, caption, note, block.percent, block.name))
        else:
            converted.append(record.Picture(block.png, block.alt_text, block.name, block.title))
    return converted


_recording: record.PaperRecord | None = None
"""The paper being recorded in this kernel: started by `record_paper`, added to by `show`."""


def record_paper(output_dir: Path, details: dict) -> None:
    """From now on, record every block shown in this kernel in `output_dir`/paper.json."""
    global _recording
    _recording = record.PaperRecord(output_dir, details)


def show(blocks: Iterable[Block]) -> None:
    """Display blocks in a notebook (and record them, once `record_paper` has been called)."""
    from IPython.display import HTML, display
    from IPython.display import Markdown as MarkdownOutput

    blocks = list(blocks)
    if _recording is not None:
        _recording.add(record_blocks(blocks))
    for block in blocks:
        if isinstance(block, Markdown):
            display(MarkdownOutput(block.text))
        elif isinstance(block, Table):
            display(HTML(table_html(block)))
        else:
            display_chart(block)
