"""An audit's settings (`audit.yaml`), loaded into an immutable model that rejects unknown keys.

A misspelt key silently ignored would drop, say, the protective marking from a
paper; so unknown keys are errors, reported with the rest.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Hashable
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

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
RESERVED_COLUMNS = frozenset({"case_id", "agency", "status", "evidence", "notes", OVERALL.key})
DEFAULT_MARKING = "OFFICIAL-SENSITIVE"
MULTI_AGENCY = "Multi-agency"
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


class Period(_Model):
    start: dt.date
    end: dt.date


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
    report_date: dt.date | None = None
    protective_marking: str = DEFAULT_MARKING
    grade_scale: str = "ofsted"
    key_areas: tuple[KeyAreaSpec, ...] | None = Field(default=None, min_length=1)
    agencies: tuple[AgencySpec, ...] = Field(min_length=1)
    disclosure_threshold: int | None = Field(default=None, ge=1, strict=True)
    questionnaire: Questionnaire = Questionnaire()
    provenance: str = ""

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
            if kind.startswith("date"):
                message = "is not a real date"
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
