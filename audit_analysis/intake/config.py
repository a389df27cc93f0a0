"""An audit's settings (`audit.yaml`), loaded into an immutable model that rejects unknown keys.

A misspelt key silently ignored would drop, say, the protective marking from a
paper; so unknown keys are errors, reported with the rest.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Hashable
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from audit_analysis.intake.files import read_text_file
from audit_analysis.problems import Problem, error
from audit_analysis.vocabulary import (
    DEFAULT_KEY_AREAS,
    GRADE_SCALES,
    OVERALL,
    GradeScale,
    KeyArea,
    has_letter_or_digit,
    normalise_label,
    read_month_first,
    slug,
    suggest,
)

CONFIG_FILE = "audit.yaml"
RESERVED_COLUMNS = frozenset(
    {"case_id", "agency", "status", "evidence", "notes", "moderated", OVERALL.key}
)
DEFAULT_MARKING = "OFFICIAL-SENSITIVE"
MULTI_AGENCY = "Multi-agency"
ILLUSTRATIVE_INPUTS: dict[str, str] = {
    "case_assignment": "which case each return belongs to",
    "area_grades": "key-area grades where the report is not specific",
    "referrals": "the referral records",
}
"""What `illustrative:` in audit.yaml may name: inputs reconstructed rather than recorded."""
MAX_AGENCY_NAME = 80
"""Agency names name files (questionnaires, tables); longer ones belong in `description`."""


def visible_marking(value: str) -> str:
    """The marking as printed; refused when a reader would not see it (blank, or made of
    zero-width or other invisible characters), since the paper then carries no marking."""
    invisible = sorted({f"U+{ord(ch):04X}" for ch in value if _unseen(ch)})
    if invisible:
        raise ValueError(
            f"the protective marking holds invisible characters ({', '.join(invisible)}); "
            "type it in plain letters, e.g. OFFICIAL-SENSITIVE"
        )
    value = " ".join(value.split())
    if not value:
        raise ValueError("the protective marking is blank; every paper must carry one")
    if not any(unicodedata.category(ch).startswith("L") for ch in value):
        raise ValueError(
            "the protective marking has no visible letters; every paper must carry one, "
            "e.g. OFFICIAL-SENSITIVE"
        )
    return value


def _unseen(ch: str) -> bool:
    """Prints nothing and is not white space: zero-width, control, private-use or unassigned."""
    return not ch.isspace() and unicodedata.category(ch) in {"Cf", "Cc", "Co", "Cn"}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_YEAR = re.compile(r"^\s*(\d{4})\s*$")


def _month(value: object) -> tuple[int, int] | None:
    match = _MONTH.match(value) if isinstance(value, str) else None
    return (int(match.group(1)), int(match.group(2))) if match else None


class Period(_Model):
    """The audit period, as dates or, when the report names only months, as months
    ("2015-11" to "2016-11"): then it covers both months whole and reads as months."""

    start: dt.date
    end: dt.date
    by_month: bool = False

    @model_validator(mode="before")
    @classmethod
    def _months(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        start, end = _month(data.get("start")), _month(data.get("end"))
        if start is None and end is None:
            return data
        if start is None or end is None:
            raise ValueError("give both start and end as months (2015-11), or both as dates")
        if not (1 <= start[1] <= 12 and 1 <= end[1] <= 12):
            raise ValueError("a month is from 01 to 12, e.g. 2015-11")
        last = calendar.monthrange(*end)[1]
        return {**data, "start": dt.date(*start, 1), "end": dt.date(*end, last), "by_month": True}

    @property
    def months(self) -> int:
        """Its length in months as a report counts them: November 2015 to November 2016 is 12."""
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month

    def describe(self) -> str:
        """'November 2015 to November 2016', or '1 November 2015 to 30 November 2016'."""
        if self.by_month:
            return f"{self.start:%B %Y} to {self.end:%B %Y}"
        return f"{self.start.day} {self.start:%B %Y} to {self.end.day} {self.end:%B %Y}"


class ReportDate(_Model):
    """When the report is dated: a day, or only a month or a year when that is all it says."""

    year: int
    month: int | None = None
    day: int | None = None

    def describe(self) -> str:
        if self.day is not None and self.month is not None:
            return f"{self.day} {dt.date(self.year, self.month, self.day):%B %Y}"
        if self.month is not None:
            return f"{dt.date(self.year, self.month, 1):%B %Y}"
        return str(self.year)

    def isoformat(self) -> str:
        return "-".join([f"{self.year:04d}", *(f"{p:02d}" for p in (self.month, self.day) if p)])


NOT_A_REAL_DATE = "is not a real date"


def _report_date(value: Any) -> Any:
    """2017, "2017-03" or 2017-03-01 (which YAML reads as a date)."""
    if value is None or isinstance(value, ReportDate | dict):
        return value
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return ReportDate(year=value.year, month=value.month, day=value.day)
    text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else None
    if text is not None:
        if year := _YEAR.match(text):
            return ReportDate(year=int(year.group(1)))
        month = _month(text)
        if month is not None and 1 <= month[1] <= 12:
            return ReportDate(year=month[0], month=month[1])
        try:
            day = dt.date.fromisoformat(text.strip())
        except ValueError:
            if re.fullmatch(r"\s*\d{4}-\d{1,2}-\d{1,2}\s*", text):  # a day that does not exist
                raise ValueError(NOT_A_REAL_DATE) from None
        else:
            return ReportDate(year=day.year, month=day.month, day=day.day)
    raise ValueError("should be a date (2017-03-01), a month (2017-03) or a year (2017)")


class AgencySpec(_Model):
    name: str
    aliases: tuple[str, ...] = ()
    description: str = ""

    @field_validator("name")
    @classmethod
    def _name_usable(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("agency name is blank")
        if not has_letter_or_digit(value):
            raise ValueError("an agency name needs at least one letter or digit (of any script)")
        if (
            len(value.strip()) > MAX_AGENCY_NAME
            or len(value.strip().encode()) > 3 * MAX_AGENCY_NAME
        ):
            raise ValueError(
                f"this agency name is {len(value.strip()):,} characters long; it names files, so it "
                f"may be at most {MAX_AGENCY_NAME} characters (put the full name in 'description')"
            )
        return value.strip()

    @field_validator("aliases")
    @classmethod
    def _aliases_usable(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for alias in value:
            if not has_letter_or_digit(alias):
                raise ValueError(
                    f"the alias {alias!r} has no letter or digit, so it would match blank or "
                    "punctuation-only agency cells"
                )
        return value


class KeyAreaSpec(_Model):
    key: str
    label: str
    description: str = ""
    aliases: tuple[str, ...] = ()


class Questionnaire(_Model):
    deadline: dt.date | None = None
    return_to: str | None = None


class AuditConfig(_Model):
    """The settings of one audit, as the auditor writes them in audit.yaml."""

    id: str
    title: str
    board: str
    theme: str
    period: Period
    sample: str = ""
    author: str | None = None
    report_date: ReportDate | None = None
    protective_marking: str = DEFAULT_MARKING
    grade_scale: str = "ofsted"
    key_areas: tuple[KeyAreaSpec, ...] | None = Field(default=None, min_length=1)
    agencies: tuple[AgencySpec, ...] = Field(min_length=1)
    disclosure_threshold: int | None = Field(default=None, ge=1, strict=True)
    questionnaire: Questionnaire = Questionnaire()
    provenance: str = ""
    illustrative: dict[str, str] = Field(default_factory=dict)
    # Inputs reconstructed rather than recorded (ILLUSTRATIVE_INPUTS), each with why:
    # every exhibit built on one carries a visible "illustrative" note.

    @field_validator("report_date", mode="before")
    @classmethod
    def _flexible_report_date(cls, value: Any) -> Any:
        return _report_date(value)

    @field_validator("illustrative")
    @classmethod
    def _known_illustrative(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(ILLUSTRATIVE_INPUTS))
        if unknown:
            raise ValueError(
                f"unknown illustrative input {', '.join(unknown)}; accepted: "
                + ", ".join(ILLUSTRATIVE_INPUTS)
            )
        return value

    @field_validator("protective_marking")
    @classmethod
    def _marking_visible(cls, value: str) -> str:
        return visible_marking(value)

    @field_validator("grade_scale")
    @classmethod
    def _known_scale(cls, value: str) -> str:
        if value not in GRADE_SCALES:
            raise ValueError(f"unknown grade scale; accepted: {', '.join(GRADE_SCALES)}")
        return value

    @property
    def scale(self) -> GradeScale:
        return GRADE_SCALES[self.grade_scale]

    @property
    def areas(self) -> tuple[KeyArea, ...]:
        """The graded key areas in questionnaire order, without Overall."""
        if self.key_areas is None:
            return DEFAULT_KEY_AREAS
        return tuple(KeyArea(a.key, a.label, a.description, a.aliases) for a in self.key_areas)

    @property
    def areas_with_overall(self) -> tuple[KeyArea, ...]:
        return (*self.areas, OVERALL)

    @property
    def agency_names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.agencies)

    @functools.cached_property
    def agency_lookup(self) -> dict[str, str]:
        """Every accepted spelling of an agency, folded, to its canonical name."""
        table: dict[str, str] = {}
        for agency in self.agencies:
            for spelling in (agency.name, *agency.aliases):
                if folded := normalise_label(spelling):
                    table[folded] = agency.name
        return table

    def area_label(self, key: str) -> str:
        return {a.key: a.label for a in self.areas_with_overall}.get(key, key)


_PLACEHOLDER = re.compile(r"\[[^\[\]]*\]", re.S)


def scaffold_placeholders(config: AuditConfig) -> dict[str, str]:
    """Settings still holding a `[bracketed]` placeholder from `audit-analysis new`, as
    key path → value (e.g. `title` → `[Title of the audit]`): a final paper must not print them."""
    found: dict[str, str] = {}

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list | tuple):
            for i, item in enumerate(value):
                walk(item, f"{path}.{i}")
        elif isinstance(value, str) and _PLACEHOLDER.fullmatch(value.strip()):
            found[path] = value.strip()

    walk(config.model_dump(), "")
    return found


def _key_path(loc: tuple[Any, ...]) -> str:
    """('agencies', 2, 'name') → 'agencies[3].name': entries counted from 1, as people count."""
    path = ""
    for part in loc:
        path += f"[{part + 1}]" if isinstance(part, int) else f".{part}" if path else str(part)
    return path or "(top level)"


def _settings_at(loc: tuple[Any, ...]) -> list[str]:
    """The settings accepted where an unknown one was found (`questionnaire.deadlin` → the
    questionnaire's), for a "did you mean"."""
    model: type[BaseModel] | None = AuditConfig
    for part in loc:
        if model is None:
            return []
        if isinstance(part, int):  # an item of a list of settings, e.g. agencies.0
            continue
        field = model.model_fields.get(part)
        model = _model_in(field.annotation) if field is not None else None
    return list(model.model_fields) if model is not None else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The settings model in a field's type: Questionnaire, or AgencySpec in tuple[AgencySpec, ...]."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((m for arg in get_args(annotation) if (m := _model_in(arg)) is not None), None)


def _config_problems(raw: dict[str, Any], model_error: ValidationError | None) -> list[Problem]:
    problems: list[Problem] = []
    if model_error is not None:
        for item in model_error.errors():
            message = item["msg"].removeprefix("Value error, ")
            kind = item["type"]
            if kind == "extra_forbidden":
                message = "unknown setting; check its spelling in docs/data-format.md"
                known = _settings_at(item["loc"][:-1])
                close = suggest(item["loc"][-1], known)
                if close is not None:
                    message = f"unknown setting; did you mean '{close}'?"
            elif kind == "missing":
                message = "required setting is missing"
            elif kind in ("tuple_type", "list_type"):
                message = "should be a list, e.g. [CSC, MASH] or one '- item' per line"
            elif kind == "too_short":
                message = "needs at least one entry"
            elif kind.startswith("int"):
                message = "should be a whole number, or null"
            accepted = None
            if kind.startswith("date") or message == NOT_A_REAL_DATE:
                message = NOT_A_REAL_DATE
                accepted = "a date that exists, written YYYY-MM-DD, e.g. 2016-03-05"
                date = read_month_first(str(item.get("input", "")))
                if date is not None:
                    message += f"; it looks month-first (US style): write {date.isoformat()}"
            value = item.get("input") if item["type"] != "missing" else None
            problems.append(
                error(
                    CONFIG_FILE,
                    message,
                    column=_key_path(item["loc"]),
                    value=None if isinstance(value, dict | list) or value is None else str(value),
                    accepted=accepted,
                )
            )
    return problems


def _consistency_problems(config: AuditConfig, folder_name: str | None) -> list[Problem]:
    problems = []
    if config.period.end < config.period.start:
        problems.append(
            error(
                CONFIG_FILE,
                f"the audit period ends before it starts ({config.period.start})",
                column="period.end",
                value=str(config.period.end),
                accepted="an end date on or after the start date",
            )
        )
    if folder_name is not None and config.id != folder_name:
        problems.append(
            error(
                CONFIG_FILE,
                f"the audit id differs from its folder name '{folder_name}'",
                column="id",
                value=config.id,
                accepted=folder_name,
            )
        )
    names = [normalise_label(a.name) for a in config.agencies]
    for agency in config.agencies:
        if names.count(normalise_label(agency.name)) > 1:
            problems.append(
                error(
                    CONFIG_FILE, "this agency is listed twice", column="agencies", value=agency.name
                )
            )
            names = [n for n in names if n != normalise_label(agency.name)]
    seen: dict[str, str] = {}
    for agency in config.agencies:
        for spelling in (agency.name, *agency.aliases):
            folded = normalise_label(spelling)
            if folded in seen and seen[folded] != agency.name:
                problems.append(
                    error(
                        CONFIG_FILE,
                        f"this name or alias is used by both '{seen[folded]}' and '{agency.name}'",
                        column="agencies",
                        value=spelling,
                    )
                )
            seen[folded] = agency.name
    slugs: dict[str, str] = {}
    for agency in config.agencies:
        name_slug = slug(agency.name)
        if name_slug in slugs and normalise_label(slugs[name_slug]) != normalise_label(agency.name):
            problems.append(
                error(
                    CONFIG_FILE,
                    f"'{slugs[name_slug]}' and '{agency.name}' would write the same files "
                    f"(e.g. areas-{name_slug}.csv): file names keep only letters and digits",
                    column="agencies",
                    value=agency.name,
                    accepted="agency names that differ in their letters or digits",
                )
            )
        slugs.setdefault(name_slug, agency.name)
    if config.key_areas is not None:
        keys = [a.key for a in config.key_areas]
        labels = [normalise_label(a.label) for a in config.key_areas]
        for area in config.key_areas:
            if keys.count(area.key) > 1 or labels.count(normalise_label(area.label)) > 1:
                message = "two key areas share this key or label"
            elif area.key in RESERVED_COLUMNS or not re.fullmatch(r"[a-z][a-z0-9_]*", area.key):
                message = "a key area key must be snake_case and not one of " + ", ".join(
                    sorted(RESERVED_COLUMNS)
                )
            else:
                continue
            problems.append(error(CONFIG_FILE, message, column="key_areas", value=area.key))
    return problems


class _UniqueKeyLoader(yaml.SafeLoader):
    """A repeated key silently overrides the first (a second protective_marking would win)."""

    def construct_mapping(self, node, deep=False):
        keys = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    "a setting name must be plain text, not a list or mapping",
                    key_node.start_mark,
                )
            if key in keys:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the setting '{key}' appears twice", key_node.start_mark
                )
            keys.add(key)
        return super().construct_mapping(node, deep=deep)


# Dates stay text until the model reads them: YAML's own date parsing raises a bare ValueError
# on an impossible date (2016-02-30), which must instead be reported against its setting.
_UniqueKeyLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_UniqueKeyLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def parse_config(
    text: str, folder_name: str | None = None
) -> tuple[AuditConfig | None, list[Problem]]:
    """Parse audit.yaml text; returns the config (None if unusable) and every problem found."""
    try:
        raw = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        return None, [
            error(CONFIG_FILE, f"is not valid YAML: {getattr(exc, 'problem', exc)}", row=row)
        ]
    except (ValueError, TypeError, RecursionError) as exc:  # a value YAML itself cannot build
        return None, [
            error(
                CONFIG_FILE,
                f"cannot be read: {exc}",
                accepted="settings written as in docs/data-format.md",
            )
        ]
    if not isinstance(raw, dict):
        return None, [error(CONFIG_FILE, "must be a mapping of settings (id, title, board, …)")]
    try:
        config = AuditConfig.model_validate(raw)
    except ValidationError as exc:
        return None, _config_problems(raw, exc)
    return config, _consistency_problems(config, folder_name)


def load_config(audit_dir: Path) -> tuple[AuditConfig | None, list[Problem]]:
    path = audit_dir / CONFIG_FILE
    if not path.exists():
        return None, [error(CONFIG_FILE, f"not found in {audit_dir}; every audit folder needs one")]
    text, problems = read_text_file(path, CONFIG_FILE)
    if text is None:
        return None, problems
    config, more = parse_config(text, folder_name=audit_dir.name)
    return config, problems + more


def read_config(audit_dir: Path) -> AuditConfig:
    """Load audit.yaml or raise with every problem found."""
    from audit_analysis.problems import AuditDataError, errors_in

    config, problems = load_config(audit_dir)
    if config is None or errors_in(problems):
        raise AuditDataError(audit_dir.name, problems)
    return config
