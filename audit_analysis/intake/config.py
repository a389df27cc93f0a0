"""An audit's settings (`audit.yaml`), loaded into an immutable model that rejects unknown keys.

A misspelt key silently ignored would drop, say, the protective marking from a
paper; so unknown keys are errors, reported with the rest.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from pathlib import Path
from typing import Any

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
    normalise_label,
)

CONFIG_FILE = "audit.yaml"
RESERVED_COLUMNS = frozenset({"case_id", "agency", "status", "evidence", "notes", OVERALL.key})
DEFAULT_MARKING = "OFFICIAL-SENSITIVE"
MULTI_AGENCY = "Multi-agency"


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
    def _name_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("agency name is blank")
        return value.strip()


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
                table[normalise_label(spelling)] = agency.name
        return table

    def area_label(self, key: str) -> str:
        return {a.key: a.label for a in self.areas_with_overall}.get(key, key)


def _key_path(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def _config_problems(raw: dict[str, Any], model_error: ValidationError | None) -> list[Problem]:
    problems: list[Problem] = []
    if model_error is not None:
        for item in model_error.errors():
            message = item["msg"].removeprefix("Value error, ")
            kind = item["type"]
            if kind == "extra_forbidden":
                message = "unknown setting; check its spelling in docs/data-format.md"
            elif kind == "missing":
                message = "required setting is missing"
            elif kind in ("tuple_type", "list_type"):
                message = "should be a list, e.g. [CSC, MASH] or one '- item' per line"
            elif kind == "too_short":
                message = "needs at least one entry"
            elif kind.startswith("int"):
                message = "should be a whole number, or null"
            elif kind.startswith("date"):
                message = "should be a date like 2016-03-05"
            value = item.get("input") if item["type"] != "missing" else None
            problems.append(
                error(
                    CONFIG_FILE,
                    message,
                    column=_key_path(item["loc"]),
                    value=None if isinstance(value, dict | list) or value is None else str(value),
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
            if key in keys:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the setting '{key}' appears twice", key_node.start_mark
                )
            keys.add(key)
        return super().construct_mapping(node, deep=deep)


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
