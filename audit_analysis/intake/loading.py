"""Reading an audit's raw folder as Excel and other tools really save it.

Nothing here judges values; it finds the files, decodes them, matches their
headers to the contract and remembers where every value came from, so that the
cleaning stage can point a person at the exact row and column to fix.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from audit_analysis.intake.config import CONFIG_FILE, load_config
from audit_analysis.intake.files import decode_text, read_file_bytes, read_text_file
from audit_analysis.intake.raw_tables import (
    CASES,
    CASES_SPEC,
    COMMENTARY,
    CONCERNS,
    CONCERNS_SPEC,
    PUBLICATION_COMMENTARY,
    RECOMMENDATIONS,
    RECOMMENDATIONS_SPEC,
    REFERRALS,
    REFERRALS_SPEC,
    RETURNS_DIR,
    ROW,
    SUBMISSIONS,
    THEMES,
    RawAudit,
    RawTable,
    TableSpec,
    match_headers,
    submissions_spec,
)
from audit_analysis.problems import Problem, error, errors_in, warning
from audit_analysis.vocabulary import normalise_label


def _delimiter(text: str) -> str:
    """Excel in much of Europe saves 'CSV' with semicolons; tabs come from copy and paste."""
    head = "\n".join(text.lstrip().splitlines()[:10])
    counts = {d: head.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return "," if counts[","] >= counts[best] else best


def _split_rows(text: str, file: str) -> tuple[list[list[str]] | None, list[Problem]]:
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    try:
        rows.extend(reader)
    except csv.Error as exc:
        if "NUL" in str(exc):
            return None, [
                error(
                    file,
                    "holds a NUL character, so it is not a text file (an .xlsx renamed?)",
                    row=len(rows) + 1,
                    accepted="save it from Excel as 'CSV UTF-8 (Comma delimited)'",
                )
            ]
        return None, [
            error(
                file,
                f"a value in quotes starting on row {len(rows) + 1} is never closed ({exc})",
                row=len(rows) + 1,
                accepted="every opening quote matched by a closing quote",
            )
        ]
    return rows, []


def _cells(text: str, file: str) -> tuple[pd.DataFrame | None, pd.Series | None, list[Problem]]:
    """Every record of a CSV as a frame of strings ('' where a row is short), and each row's
    width when some rows are wider than the first (None otherwise).

    A file without quote characters is split by pandas' C parser, which gives exactly what
    Python's csv module gives for such a file but fast (a million rows in about a second);
    anything else (quotes, a title row above a wider header) goes through the csv module,
    whose strict reading locates an unclosed quote.
    """
    if '"' not in text and "\0" not in text:
        try:
            cells = pd.read_csv(
                io.StringIO(text),
                sep=_delimiter(text),
                header=None,
                dtype=str,
                na_filter=False,
                skip_blank_lines=False,
                quoting=csv.QUOTE_NONE,
                engine="c",
            )
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
            pass  # ragged rows: the exact reader below says which
        else:
            if not text.endswith(("\n", "\r")) or len(cells) == text.count("\n"):
                return cells, None, []
    rows, problems = _split_rows(text, file)
    if rows is None:
        return None, None, problems
    widths = pd.Series([len(r) for r in rows], dtype="int64")
    width = int(widths.max()) if rows else 0
    padded = [r + [""] * (width - len(r)) if len(r) < width else r for r in rows]
    return pd.DataFrame(padded, columns=range(width), dtype=object), widths, []


def _header_row(rows: pd.DataFrame, spec: TableSpec) -> int:
    """The index of the header row: usually 0, but people put a title above the table."""
    wanted = {normalise_label(s) for c in spec.columns if c.required for s in (c.key, *c.aliases)}
    for index, cells in enumerate(rows.head(10).itertuples(index=False)):
        if sum(normalise_label(cell) in wanted for cell in cells) >= 2:
            return index
    return 0


def _not_blank(cells: pd.DataFrame) -> pd.Series:
    """Rows with at least one cell holding more than whitespace."""
    if cells.empty:
        return pd.Series(False, index=cells.index)
    columns = [cells[c].tolist() for c in cells.columns]  # row by row: stops at a filled cell
    filled = [
        any(not isinstance(v, str) or v.strip() for v in row) for row in zip(*columns, strict=True)
    ]
    return pd.Series(filled, index=cells.index, dtype=bool)


def read_csv_table(
    path: Path, spec: TableSpec, label: str | None = None
) -> tuple[RawTable | None, list[Problem]]:
    """Read one CSV into a RawTable of strings; blank lines are skipped but rows keep their numbers."""
    file = label or path.name
    data, problems = read_file_bytes(path, file)
    if data is None:
        return None, problems
    text, decode_problems = decode_text(data, file)
    del data
    problems += decode_problems
    if text is None:
        return None, problems
    cells, widths, split_problems = _cells(text, file)
    del text
    if cells is None:
        return None, problems + split_problems
    start = _header_row(cells, spec)
    headers = [str(h) for h in cells.iloc[start]] if len(cells) else []
    if widths is not None and len(cells):
        headers = headers[: widths.iloc[start]]
    if not headers or not any(h.strip() for h in headers):
        return None, [
            *problems,
            error(file, "has no header row", accepted=", ".join(spec.required)),
        ]
    if start:
        problems.append(
            warning(file, f"rows 1–{start} above the header row were skipped", row=start)
        )
    positions, typed, evidence, header_problems = match_headers(headers, spec, file)
    problems += header_problems
    if errors_in(header_problems):
        return None, problems
    body = cells.iloc[start + 1 :]
    body = body[_not_blank(body)]
    numbers = pd.Series(body.index + 1, index=body.index, dtype="int64")
    if widths is not None:
        wide = [i for i in body.index if widths.iloc[i] > len(headers)]
        ragged = []
        for i in wide:
            extra = [cell for cell in body.loc[i].iloc[len(headers) :] if str(cell).strip()]
            if extra:
                ragged.append(i)
                problems.append(
                    error(
                        file,
                        f"has {widths.iloc[i]} cells but the header has {len(headers)}: "
                        "is there a comma in a value that is not in quotes?",
                        row=int(numbers[i]),
                        value=extra[0],
                        accepted="values containing commas in double quotes",
                    )
                )
        body, numbers = body.drop(index=ragged), numbers.drop(index=ragged)
    columns = {key: body[pos] for pos, key in positions.items()}
    columns |= {f"evidence:{area}": body[pos] for pos, area in evidence.items()}
    columns[ROW] = numbers
    frame = pd.DataFrame(columns).reset_index(drop=True)
    if frame.empty and not errors_in(problems):
        if spec.file == CASES:
            problems.append(
                error(file, "has a header row but no cases", accepted="one row per case")
            )
        else:
            problems.append(warning(file, "has a header row but no data rows"))
    evidence_headers = {f"evidence:{area}": headers[pos] for pos, area in evidence.items()}
    return RawTable(file, frame, typed | evidence_headers), problems


def file_hashes(audit_dir: Path) -> dict[str, str]:
    """SHA-256 of every input file, keyed by its path in the audit folder: a run's inputs in one place."""
    hashes = {}
    for path in sorted(
        p for p in audit_dir.rglob("*") if p.is_file() and not p.name.startswith((".", "~$"))
    ):
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            digest = f"unreadable: {exc.strerror or exc}"
        hashes[path.relative_to(audit_dir).as_posix()] = digest
    return hashes


def _theme_problems(path: Path) -> list[Problem]:
    """An audit's own themes.yaml must load, or the case profile would fail later, mid-paper."""
    import yaml

    from audit_analysis.intake.themes import load_themes

    try:
        load_themes(path)
    except (ValueError, OSError, yaml.YAMLError) as exc:
        return [
            error(
                THEMES,
                f"cannot be used: {exc}",
                accepted="a mapping of theme: [word or phrase, …] (see audit_analysis/intake/themes.yaml)",
            )
        ]
    return []


def _size(path: Path) -> str:
    try:
        size = path.stat().st_size
    except OSError:
        return ""
    return f" ({size / 1e6:.1f} MB)" if size >= 1e6 else ""


def read_raw_audit(audit_dir: Path, progress: Callable[[str], None] | None = None) -> RawAudit:
    """Read every file of an audit folder; problems are collected, not raised.

    `progress` is told what is being read (large files take seconds).
    """
    audit_id = audit_dir.name
    say = progress or (lambda _message: None)
    if not audit_dir.is_dir():
        problem = error(str(audit_dir), "audit folder not found")
        return RawAudit(audit_id, audit_dir, None, {}, "", [problem])
    config, problems = load_config(audit_dir)
    tables: dict[str, list[RawTable]] = {}
    specs = [CASES_SPEC, REFERRALS_SPEC, RECOMMENDATIONS_SPEC]
    if config is not None:
        specs.insert(0, submissions_spec(config.areas_with_overall))
    workbooks: list[RawTable] = []
    if config is not None and (audit_dir / RETURNS_DIR).is_dir():
        say(f"reading the workbooks in {RETURNS_DIR}/")
        from audit_analysis.intake.workbooks import read_returned_workbooks  # openpyxl: only here

        workbooks, workbook_problems = read_returned_workbooks(audit_dir / RETURNS_DIR, config)
        problems += workbook_problems
    if (audit_dir / CONCERNS).exists():  # optional: absent means no concerns were logged
        specs.append(CONCERNS_SPEC)
    for spec in specs:
        path = audit_dir / spec.file
        if not path.exists():
            optional = (
                spec.file == RECOMMENDATIONS
                or (spec.file == SUBMISSIONS and workbooks)
                or spec.file == REFERRALS
            )
            make = warning if optional else error
            problems.append(
                make(
                    spec.file, f"not found in {audit_dir.name}/", accepted="see docs/data-format.md"
                )
            )
            tables[spec.file] = []
            continue
        say(f"reading {spec.file}{_size(path)}")
        table, table_problems = read_csv_table(path, spec)
        problems += table_problems
        tables[spec.file] = [table] if table is not None else []
    if config is not None:
        tables[SUBMISSIONS] = tables.get(SUBMISSIONS, []) + workbooks
    commentary = ""
    if (audit_dir / COMMENTARY).exists():
        text, commentary_problems = read_text_file(audit_dir / COMMENTARY, COMMENTARY)
        problems += commentary_problems
        commentary = text or ""
    else:
        problems.append(
            warning(
                COMMENTARY, "not found; the board paper will show placeholders for the narrative"
            )
        )
    publication_commentary = None
    if (audit_dir / PUBLICATION_COMMENTARY).exists():
        text, more = read_text_file(audit_dir / PUBLICATION_COMMENTARY, PUBLICATION_COMMENTARY)
        problems += more
        publication_commentary = text
    if (audit_dir / THEMES).exists():
        problems += _theme_problems(audit_dir / THEMES)
    no_returns = config is not None and not any(len(t.frame) for t in tables[SUBMISSIONS])
    if no_returns and not errors_in(problems):
        problems.append(
            error(
                SUBMISSIONS,
                "no returns at all: neither submissions.csv nor the workbooks in returns/ "
                "hold a single return",
                accepted="one row per (case, agency) return",
            )
        )
    return RawAudit(
        audit_id, audit_dir, config, tables, commentary, problems, publication_commentary
    )


__all__ = [
    "CONFIG_FILE",
    "RawAudit",
    "RawTable",
    "read_raw_audit",
    "read_csv_table",
    "file_hashes",
]
