"""Problems found in an audit's inputs, reported all together.

Auditors fix their returns in one sitting, so every check records a problem and
carries on; only the caller decides whether errors stop the run.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the inputs, located so a person can find and fix it."""

    severity: str
    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    accepted: str | None = None
    suggestion: str | None = None
    sheet: str | None = None
    cell: str | None = None

    @property
    def location(self) -> str:
        parts = [self.file]
        if self.sheet is not None:
            parts.append(self.sheet)
        if self.cell is not None:
            parts.append(self.cell)
        else:
            if self.row is not None:
                parts.append(f"{'line' if self.file.endswith('.md') else 'row'} {self.row}")
            if self.column is not None:
                what = "setting" if self.file.endswith((".yaml", ".yml")) else "column"
                parts.append(f"{what} '{self.column}'")
        return " › ".join(parts)

    def __str__(self) -> str:
        text = f"{self.location}: "
        if self.value is not None:
            text += f"{shorten(self.value)!r} — "
        text += self.message
        if self.suggestion:
            text += f" — did you mean {self.suggestion!r}?"
        if self.accepted:
            text += f" Accepted: {self.accepted}."
        return text


LONGEST_VALUE = 120


def shorten(value: str) -> str:
    """A value as shown in a message: a 2,000-character cell is cut, saying how long it was."""
    if len(value) <= LONGEST_VALUE:
        return value
    return f"{value[: LONGEST_VALUE - 20]}… ({len(value):,} characters)"


def error(file: str, message: str, **where) -> Problem:
    return Problem(ERROR, file, message, **where)


def warning(file: str, message: str, **where) -> Problem:
    return Problem(WARNING, file, message, **where)


class AuditDataError(Exception):
    """Raised when an audit's inputs have errors; carries every problem found."""

    def __init__(self, audit_id: str, problems: Iterable[Problem]):
        self.audit_id = audit_id
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity == ERROR]
        super().__init__(f"{audit_id}: {len(errors)} error(s) in the inputs")


def errors_in(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == ERROR]


def warnings_in(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == WARNING]


SHOWN_PER_KIND = 10
"""A file of 100,000 duplicate rows is one mistake made many times: show a few of each kind."""


def kind_of(problem: Problem) -> tuple[str, str, str, str]:
    """Problems of one kind share file, column and message, apart from numbers and names."""
    shape = re.sub(r"\d+|'[^']*'|\([^)]*\)", "…", problem.message)
    return (problem.severity, problem.file, problem.column or "", shape)


def listing(problems: list[Problem], per_kind: int | None = SHOWN_PER_KIND) -> list[str]:
    """One line per problem, but at most `per_kind` of each kind, each kind's rest counted."""
    if per_kind is None:
        return [str(p) for p in problems]
    totals = Counter(kind_of(p) for p in problems)
    shown: Counter = Counter()
    lines = []
    for problem in problems:
        kind = kind_of(problem)
        shown[kind] += 1
        if shown[kind] <= per_kind:
            lines.append(str(problem))
        if shown[kind] == totals[kind] and totals[kind] > per_kind:
            lines.append(
                f"… and {totals[kind] - per_kind:,} more like the above "
                f"({totals[kind]:,} in all: {problem.location.split(' › row')[0]}: "
                f"{kind[3]})"
            )
    return lines


def is_capped(problems: list[Problem], per_kind: int = SHOWN_PER_KIND) -> bool:
    return any(n > per_kind for n in Counter(kind_of(p) for p in problems).values())


def render_text(
    audit_id: str,
    problems: list[Problem],
    per_kind: int | None = SHOWN_PER_KIND,
    full_report: str | None = None,
) -> str:
    """The validation report as a person reads it: every problem, or (`per_kind`) a few of
    each kind with the rest counted, pointing at `full_report` for the whole list."""
    errors, warnings = errors_in(problems), warnings_in(problems)
    lines = [
        f"Validation of {audit_id}: {len(errors):,} error(s), {len(warnings):,} warning(s)",
    ]
    for title, group in (("Errors", errors), ("Warnings", warnings)):
        if group:
            lines += ["", f"{title}:"]
            lines += [f"  - {line}" for line in listing(group, per_kind)]
    if not problems:
        lines.append("No problems found.")
    if full_report and per_kind is not None and is_capped(problems, per_kind):
        lines += ["", f"The full list of {len(problems):,} problems is in {full_report}"]
    return "\n".join(lines) + "\n"


def render_json(audit_id: str, problems: list[Problem]) -> str:
    payload = {
        "audit_id": audit_id,
        "errors": len(errors_in(problems)),
        "warnings": len(warnings_in(problems)),
        "problems": [asdict(p) | {"text": str(p)} for p in problems],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def problems_from_json(text: str) -> list[Problem]:
    """The problems a `render_json` report holds, read back."""
    names = {f.name for f in fields(Problem)}
    return [
        Problem(**{k: v for k, v in p.items() if k in names}) for p in json.loads(text)["problems"]
    ]
