"""Reading the files people save: Excel's encodings, locked files, folders where files should be.

Every failure becomes a Problem naming the file, never a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

from audit_analysis.problems import Problem, error, warning


def read_file_bytes(path: Path, file: str) -> tuple[bytes | None, list[Problem]]:
    """The file's bytes, or a problem a person can act on (a file open in Excel reads as locked)."""
    try:
        return path.read_bytes(), []
    except IsADirectoryError:
        return None, [error(file, "is a folder, not a file")]
    except PermissionError:
        return None, [
            error(
                file, "cannot be read: permission denied (is it open in Excel? close it and retry)"
            )
        ]
    except OSError as exc:
        return None, [error(file, f"cannot be read: {exc.strerror or exc}")]


def decode_text(data: bytes, file: str) -> tuple[str | None, list[Problem]]:
    """Decode bytes saved by Excel (UTF-8 with or without BOM, or Windows-1252)."""
    if not data.strip():
        return None, [error(file, "the file is empty; it needs at least a header row")]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [
            error(file, "is saved as UTF-16 ('Unicode text')", accepted="UTF-8 or Windows-1252")
        ]
    if b"\x00" in data[:4096]:
        return None, [
            error(
                file,
                f"is not a text {'CSV ' if file.endswith('.csv') else ''}file "
                "(it looks binary, e.g. an .xlsx renamed to .csv)",
                accepted="save it from Excel as 'CSV UTF-8 (Comma delimited)'",
            )
        ]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        return None, [
            error(
                file,
                f"cannot be read as text (byte {exc.object[exc.start]:#04x} at position {exc.start})",
                accepted="UTF-8 or Windows-1252 encoded text",
            )
        ]
    problems = []
    if _MOJIBAKE.search(text):
        row = data[:first_bad].count(b"\n") + 1
        problems.append(
            warning(
                file,
                "mixes UTF-8 and Windows-1252 characters, so accented letters and curly quotes "
                "may show wrongly; save it again as 'CSV UTF-8'",
                row=row,
            )
        )
    return text, problems


_MOJIBAKE = re.compile("\u00e2\u20ac|\u00c3[\u00a0-\u00bf]|\u00c2[\u00a0-\u00bf]")


def read_text_file(path: Path, file: str) -> tuple[str | None, list[Problem]]:
    data, problems = read_file_bytes(path, file)
    if data is None:
        return None, problems
    if not data.strip():
        return "", []
    return decode_text(data, file)
