"""The pieces a paper is made of — Markdown, a table, a chart — and showing them in a notebook.

A table or chart block is a view of one exhibit: its display frame (hidden counts already "c"),
its caption and note, or its saved PNG and alt text. Nothing here counts or words a number.
Once `record_paper` has been called in a kernel (notebook 04 does, through publish_details),
`show` also records the blocks it shows in paper.json (record.py), which the Word paper reads.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from audit_analysis.analysis.disclosure import MARKER
from audit_analysis.analysis.exhibits.model import SHARE, Exhibit
from audit_analysis.paper import record

FIGURE_WIDTH_PX = round(6.3 * 96)
"""Every chart is 6.3 in wide (A4 text width); shown at 96 px per inch."""
MAX_TABLE_ROWS = 40
"""A table in the paper shows at most this many rows (a case per row at 1,000 cases would run
to dozens of pages); a note says how many more there are and where the full table is."""
ALT_TEXT_LIMIT = 300
"""Screen readers read alt text in one breath: longer descriptions go in the chart's data table."""
HEADER_LABELS = {
    "case_id": "Case",
    "median_days": "Median days between referrals",
    "shortest_days": "Shortest interval (days)",
    "longest_days": "Longest interval (days)",
}
"""Column names that are code rather than words; any other is shown with its first letter capital."""


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
    def of(cls, exhibit: Exhibit, max_rows: int | None = MAX_TABLE_ROWS) -> Table:
        """The exhibit's display table, its first `max_rows` rows only (None: every row)."""
        shown = exhibit.table.astype("object").mask(exhibit.hidden, MARKER)
        note = " ".join(n for n in (*exhibit.notes, exhibit.note) if n)
        if max_rows is not None and len(shown) > max_rows:
            cut = (
                f"The first {max_rows} of {len(shown):,} rows are shown; every row is in "
                f"tables/{exhibit.id}.csv beside this paper."
            )
            shown, note = shown.iloc[:max_rows], f"{note} {cut}".strip()
        return cls(shown, exhibit.id, exhibit.caption, exhibit.kind == SHARE, note)


@dataclass(frozen=True)
class Chart:
    """An exhibit's chart, drawn once into figures/<name>.png, with its alt text."""

    name: str
    png: Path
    alt_text: str
    title: str = ""
    data: Table | None = None
    """The chart's numbers as a table, offered under it (the alt text only summarises)."""
    note: str = ""
    """Shown under the chart: who graded, and whether the data behind it is illustrative."""

    @classmethod
    def of(cls, exhibit: Exhibit, figures_dir: Path) -> Chart:
        text = exhibit.chart.text if exhibit.chart else None
        title = text.title if text else exhibit.title
        data = Table.of(exhibit)
        if not data.caption:
            data = replace(data, caption=title)
        return cls(
            exhibit.id,
            Path(figures_dir) / f"{exhibit.id}.png",
            exhibit.alt_text,
            title,
            data,
            " ".join(exhibit.notes),
        )

    @property
    def short_alt_text(self) -> str:
        """The alt text cut to whole sentences within ALT_TEXT_LIMIT (the HTML paper offers the
        chart's numbers in a data table under it; the full description is figures/<id>.txt)."""
        return short_text(self.alt_text or self.title, ALT_TEXT_LIMIT)


Block = Markdown | Table | Chart


def _percent(value: object) -> object:
    if isinstance(value, str):
        return value
    return "–" if pd.isna(value) else f"{value:.0%}"


def short_text(text: str, limit: int) -> str:
    """Whole sentences of `text` up to `limit` characters; a first sentence too long is cut at a word."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    kept = ""
    for sentence in re.split(r"(?<=[.;:])\s+", text):
        if len(kept) + len(sentence) + 1 > limit:
            break
        kept = f"{kept} {sentence}".strip()
    if kept:
        return kept
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def header_label(name: object) -> str:
    """A column or row-header name as a reader sees it: 'case_id' as 'Case', 'area' as 'Area'."""
    text = str(name)
    if text in HEADER_LABELS:
        return HEADER_LABELS[text]
    text = text.replace("_", " ")
    return text[:1].upper() + text[1:]


def cell_text(value: object, percent: bool = False) -> str:
    """A value as the paper prints it, in HTML and Word: missing as a dash, shares as 45%,
    other fractions to one decimal place, `c` and other text as it is."""
    if percent:
        value = _percent(value)
    if isinstance(value, str):
        return value
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return "–"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def table_html(table: Table) -> str:
    """A table as escaped HTML with its caption: header cells scoped to their column or row and
    named in words; NaN shown as a dash, shares as percentages."""
    frame = table.frame
    esc = html.escape
    corner = frame.index.name or ""
    header = [f'<th scope="col">{esc(header_label(corner))}</th>' if corner else "<td></td>"]
    header += [f'<th scope="col">{esc(header_label(_column_label(c)))}</th>' for c in frame.columns]
    rows = []
    for label, values in zip(frame.index, frame.itertuples(index=False, name=None), strict=True):
        cells = [f'<th scope="row">{esc(_column_label(label))}</th>']
        cells += [f"<td>{esc(cell_text(v, table.percent))}</td>" for v in values]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    body = (
        f'<table class="audit-table"><caption>{esc(table.caption)}</caption>'
        f"<thead><tr>{''.join(header)}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    note = f'<p class="table-note">{esc(table.note)}</p>' if table.note else ""
    return body + note


def _column_label(value: object) -> str:
    if isinstance(value, tuple):
        return " / ".join(str(v) for v in value)
    return str(value)


def chart_data_html(chart: Chart) -> str:
    """The chart's numbers as a table folded under it, for readers who cannot see the chart."""
    if chart.data is None:
        return ""
    return (
        '<details class="bp-chart-data"><summary>Data table: '
        f"{html.escape(chart.title or chart.data.caption)}</summary>"
        f"{table_html(chart.data)}</details>"
    )


def display_chart(chart: Chart) -> None:
    """Show a saved chart; the output metadata carries its alt text for the paper's <img>;
    its data table follows, folded."""
    from IPython.display import HTML, display

    meta = {"width": FIGURE_WIDTH_PX, "alt": chart.short_alt_text}
    display(
        {
            "image/png": base64.b64encode(chart.png.read_bytes()).decode("ascii"),
            "text/plain": f"<Figure: {chart.title or chart.name}>",
        },
        raw=True,
        metadata={"image/png": meta},
    )
    if chart.data is not None:
        display(HTML(chart_data_html(chart)))


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
            alt = block.short_alt_text  # the same alt text as the HTML paper's, ≤ ALT_TEXT_LIMIT
            converted.append(record.Picture(block.png, alt, block.name, block.title))
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
            if block.note:
                display(HTML(f'<p class="table-note">{html.escape(block.note)}</p>'))
