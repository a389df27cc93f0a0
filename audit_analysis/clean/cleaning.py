"""Cleaning and validating an audit: raw tables in, tidy tables and a list of problems out.

Each check records a problem with its file, row, column, value and what would be
accepted, then carries on, so an auditor sees every problem in one pass.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from audit_analysis.clean.cases import cases_without_returns, clean_cases
from audit_analysis.clean.concerns import clean_concerns, unlogged_inadequate
from audit_analysis.clean.moderation import clean_moderation
from audit_analysis.clean.recommendations import clean_recommendations
from audit_analysis.clean.referrals import clean_referrals
from audit_analysis.clean.tables import TABLES
from audit_analysis.clean.values import (
    DATE_FORMATS,
    Checker,
    clean_text,
    normalise_case_id,
    parse_date,
    place_of,
)
from audit_analysis.intake.config import CONFIG_FILE, AuditConfig
from audit_analysis.intake.raw_tables import (
    CASES,
    COMMENTARY,
    CONCERNS,
    PUBLICATION_COMMENTARY,
    RECOMMENDATIONS,
    REFERRALS,
    ROW,
    SUBMISSIONS,
    RawAudit,
    RawTable,
)
from audit_analysis.intake.themes import unthemed_cases_problems
from audit_analysis.problems import Problem, error, errors_in, warning
from audit_analysis.vocabulary import (
    GRADE_SCALES,
    NOT_GRADED,
    OUTSIDE_PERIOD,
    STATUS_LABELS,
    case_sort_key,
    normalise_label,
    parse_status,
    status_spellings,
    status_words,
    suggest,
)

UNGRADED = ("no_involvement", "not_submitted", OUTSIDE_PERIOD)
"""Statuses of a return that carries no grades."""
GRADINGS_COLUMNS = TABLES["gradings"].column_names
RETURNS_COLUMNS = TABLES["returns"].column_names
EVIDENCE_COLUMNS = TABLES["evidence"].column_names
REFERRALS_COLUMNS = TABLES["referrals"].column_names
RECOMMENDATIONS_COLUMNS = TABLES["recommendations"].column_names


@dataclass
class CleanAudit:
    """The tidy tables of one audit, plus every problem found on the way."""

    audit_id: str
    config: AuditConfig | None
    gradings: pd.DataFrame
    returns: pd.DataFrame
    evidence: pd.DataFrame
    cases: pd.DataFrame
    referrals: pd.DataFrame
    recommendations: pd.DataFrame
    commentary: str
    problems: list[Problem] = field(default_factory=list)
    publication_commentary: str | None = None
    concerns: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=TABLES["concerns"].column_names)
    )
    moderation: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=TABLES["moderation"].column_names)
    )

    @property
    def ok(self) -> bool:
        return not errors_in(self.problems)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "gradings": self.gradings,
            "returns": self.returns,
            "evidence": self.evidence,
            "cases": self.cases,
            "referrals": self.referrals,
            "recommendations": self.recommendations,
            "moderation": self.moderation,
            "concerns": self.concerns,
        }


def _agency_of(
    value: object, config: AuditConfig, table: RawTable, row: int, column: str, check: Checker
) -> str | None:
    typed = clean_text(value)
    agency = config.agency_lookup.get(normalise_label(typed))
    if agency is None:
        spellings = [s for a in config.agencies for s in (a.name, *a.aliases)]
        close = suggest(typed, spellings)
        check.error(
            table,
            row,
            column,
            "is not an agency taking part in this audit (add it, or an alias, to audit.yaml)"
            if typed
            else "agency is blank",
            value=typed,
            suggestion=config.agency_lookup[normalise_label(close)] if close else None,
            accepted=", ".join(config.agency_names),
        )
    return agency


def _grade_problem(
    config: AuditConfig, table: RawTable, row: int, column: str, typed: str, check: Checker
) -> None:
    scale = config.scale
    spellings = [
        *scale.all_grades,
        *(w for ws in scale.spellings.values() for w in ws if len(w) > 2),
    ]
    close = suggest(typed, spellings)
    check.error(
        table,
        row,
        column,
        f"is not a grade on the {scale.label}",
        value=typed,
        suggestion=scale.parse(close) if close else None,
        accepted=", ".join(scale.all_grades) + " (blank = Not graded)",
    )


def _clean_submissions(
    audit_id: str, config: AuditConfig, tables: list[RawTable], case_ids: set[str], check: Checker
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    areas = [a.key for a in config.areas_with_overall]
    returns, gradings, evidence = [], [], []
    first_seen: dict[tuple[str, str], str] = {}
    accepted_cases = ", ".join(sorted(case_ids, key=case_sort_key))
    # Returns repeat the same few spellings: work each one out once (pure functions).
    text_of = functools.lru_cache(maxsize=None)(clean_text)
    case_of = functools.lru_cache(maxsize=None)(normalise_case_id)

    @functools.cache
    def grade_of(value: object) -> tuple[str, str | None]:
        typed = text_of(value)
        return typed, config.scale.parse(typed)

    status_of = functools.lru_cache(maxsize=None)(parse_status)

    @functools.cache
    def known_agency(value: object) -> str | None:
        return config.agency_lookup.get(normalise_label(clean_text(value)))

    for table in tables:
        evidence_columns = [
            (key, key.split(":", 1)[1] if ":" in key else "overall")
            for key in table.frame.columns
            if key == "evidence" or key.startswith("evidence:")
        ]
        names = list(table.frame.columns)
        cells = {name: table.frame[name].tolist() for name in names}
        size = len(table.frame)
        accepted: list[tuple[int, str, str, str, str]] = []
        cases_of = [case_of(v) for v in cells.get("case_id", [None] * size)]
        agencies_of = [known_agency(v) for v in cells.get("agency", [None] * size)]
        typed_statuses = [text_of(v) for v in cells.get("status", [""] * size)]
        statuses = [status_of(t) for t in typed_statuses]
        parsed = np.array(
            [[grade_of(v)[1] for v in cells.get(area, [""] * size)] for area in areas],
            dtype=object,
        ).reshape(len(areas), size)
        # A row with nothing to report takes the short way; any other goes through the checks
        # below, in row order, so the problems come out as one row-by-row pass lists them.
        any_grade = ((parsed != None) & (parsed != NOT_GRADED)).any(axis=0)  # noqa: E711
        plain = (
            np.array(
                [bool(c) and (not case_ids or c in case_ids) for c in cases_of], dtype=bool
            ).reshape(size)
            & np.array([a is not None for a in agencies_of], dtype=bool).reshape(size)
            & (parsed != None).all(axis=0)  # noqa: E711
            & np.array([bool(t) for t in typed_statuses], dtype=bool).reshape(size)
            & np.array([s is not None for s in statuses], dtype=bool).reshape(size)
            & ~(np.array([s in UNGRADED for s in statuses], dtype=bool).reshape(size) & any_grade)
            & ~(
                np.array([s == "submitted" for s in statuses], dtype=bool).reshape(size)
                & ~any_grade
            )
        )
        for index in range(size):
            row = cells[ROW][index]
            if plain[index] and (cases_of[index], agencies_of[index]) not in first_seen:
                case_id, agency = cases_of[index], agencies_of[index]
                place = place_of(table, row)
                first_seen[case_id, agency] = place
                accepted.append((index, case_id, agency, statuses[index], place))
                continue
            raw = {name: cells[name][index] for name in names}
            case_id = case_of(raw.get("case_id"))
            if not case_id:
                check.error(table, row, "case_id", "case id is blank")
            elif case_ids and case_id not in case_ids:
                check.error(
                    table,
                    row,
                    "case_id",
                    f"is not a case in {CASES}",
                    value=case_id,
                    accepted=accepted_cases,
                )
            agency = known_agency(raw.get("agency")) or _agency_of(
                raw.get("agency"), config, table, row, "agency", check
            )
            grades: dict[str, str] = {}
            for area in areas:
                typed, grade = grade_of(raw.get(area, ""))
                if grade is None:
                    _grade_problem(config, table, row, area, typed, check)
                else:
                    grades[area] = grade
            notes = {area: text for key, area in evidence_columns if (text := text_of(raw[key]))}
            has_grade = any(g != NOT_GRADED for g in grades.values())
            typed_status = text_of(raw.get("status", ""))
            status = status_of(typed_status)
            if not typed_status and (has_grade or notes):
                status = "submitted"
                check.warn(
                    table,
                    row,
                    "status",
                    "status is blank; taken as 'submitted' because the return has grades or evidence",
                )
            elif status is None:
                check.error(
                    table,
                    row,
                    "status",
                    "is not a return status"
                    if typed_status
                    else "status is blank on a return with no grades",
                    value=typed_status or None,
                    suggestion=STATUS_LABELS[parse_status(s)]
                    if (s := suggest(typed_status, status_words()))
                    else None,
                    accepted=", ".join(status_spellings()),
                )
            if status in UNGRADED and has_grade:
                graded = [a for a, g in grades.items() if g != NOT_GRADED]
                check.error(
                    table,
                    row,
                    graded[0],
                    f"a return whose status is '{STATUS_LABELS[status]}' carries grades (in {', '.join(graded)})",
                    accepted="no grades, or a status of Submitted or Incomplete",
                )
            if status == "submitted" and not has_grade:
                check.warn(
                    table,
                    row,
                    None,
                    "a submitted return has no grades at all (every area is Not graded)",
                )
            if not (case_id and agency and status) or len(grades) < len(areas):
                continue
            place = place_of(table, row)
            if (case_id, agency) in first_seen:
                check.error(
                    table,
                    row,
                    "agency",
                    f"a second return for case {case_id} from {agency} (the first is at {first_seen[case_id, agency]})",
                    value=agency,
                    accepted="one return per case and agency",
                )
                continue
            first_seen[case_id, agency] = place
            accepted.append((index, case_id, agency, status, place))
        gradings.extend(parsed[:, [a[0] for a in accepted]].T.tolist())
        for index, case_id, agency, status, place in accepted:
            returns.append(
                {
                    "audit_id": audit_id,
                    "case_id": case_id,
                    "agency": agency,
                    "status": status,
                    "source": place,
                }
            )
            notes = {
                area: text for key, area in evidence_columns if (text := text_of(cells[key][index]))
            }
            evidence.extend(
                {
                    "audit_id": audit_id,
                    "case_id": case_id,
                    "agency": agency,
                    "area": area,
                    "text": text,
                }
                for area, text in notes.items()
            )
    agency_rank = {name: i for i, name in enumerate(config.agency_names)}
    area_rank = {key: i for i, key in enumerate(areas)}

    def ordered(frame: pd.DataFrame, by_area: bool) -> pd.DataFrame:
        if frame.empty:
            return frame
        return frame.loc[order_of(frame, by_area)].reset_index(drop=True)

    def order_of(frame: pd.DataFrame, by_area: bool) -> pd.Index:
        cases = sorted(frame["case_id"].unique(), key=case_sort_key)
        ranks = pd.DataFrame(
            {
                "agency": frame["agency"].map(agency_rank),
                "case": frame["case_id"].map({c: i for i, c in enumerate(cases)}),
                "area": frame["area"].map(area_rank).fillna(-1) if by_area else 0,
            }
        )
        return ranks.sort_values(["agency", "case", "area"], kind="stable").index

    returns_frame = pd.DataFrame.from_records(returns, columns=RETURNS_COLUMNS)
    if returns_frame.empty:
        gradings_frame = pd.DataFrame.from_records([], columns=GRADINGS_COLUMNS)
    else:
        read_order = order_of(returns_frame, False)
        returns_frame = returns_frame.loc[read_order].reset_index(drop=True)
        grades = np.array(gradings, dtype=object)[read_order.to_numpy()]
        gradings_frame = _gradings_of(returns_frame, grades, areas)
    return (
        gradings_frame,
        returns_frame,
        ordered(pd.DataFrame.from_records(evidence, columns=EVIDENCE_COLUMNS), True),
    )


def _gradings_of(returns: pd.DataFrame, grades: np.ndarray, areas: list[str]) -> pd.DataFrame:
    """One row per return and area, in the returns' order then the areas' (`grades`: one row
    per return, one column per area), built column by column: a row per case × agency × area
    is the largest table of a large audit."""
    each = len(areas)
    columns = {
        name: np.repeat(returns[name].to_numpy(dtype=object), each)
        for name in ("audit_id", "case_id", "agency", "status")
    }
    columns["area"] = np.array(areas * len(returns), dtype=object)
    columns["grade"] = grades.ravel()
    return pd.DataFrame(columns, columns=GRADINGS_COLUMNS)


def commentary_problems(
    config: AuditConfig, commentary: str | None, publication_commentary: str | None
) -> list[Problem]:
    """What is wrong with the commentary: images the offline paper cannot show, links shown
    as text, and sections under a heading the paper does not know (silently lost otherwise).
    Notebook 04 reports these with the paper; cleaning reports them with everything else."""
    from audit_analysis.intake.commentary import (
        accepted_headings,
        images_not_embedded,
        parse_commentary,
        unsafe_links,
    )

    problems = []
    for file, text in ((COMMENTARY, commentary), (PUBLICATION_COMMENTARY, publication_commentary)):
        for line, source in images_not_embedded(text or ""):
            problems.append(
                error(
                    file,
                    "this image is not embedded in the file, and the paper must open offline "
                    "(from an e-mail or a USB stick), so the export would fail",
                    row=line,
                    value=source[:100],
                    accepted="an image embedded as data:image/png;base64,…, or the image left out",
                )
            )
        for line, destination in unsafe_links(text or ""):
            problems.append(
                warning(
                    file,
                    "this link goes to neither a web page, an e-mail address nor a phone number, "
                    "so the paper shows it as plain text",
                    row=line,
                    value=destination[:100],
                    accepted="links starting https://, http://, mailto: or tel:",
                )
            )
        for heading in parse_commentary(text or "", config).unmatched:
            problems.append(
                warning(
                    file,
                    "this section matches no part of the paper, so it will not be shown",
                    value=f"## {heading}",
                    suggestion=suggest(heading, accepted_headings(config.agency_names).split(", ")),
                    accepted=accepted_headings(config.agency_names),
                )
            )
    return problems


def _scale_hint(config: AuditConfig, problems: list[Problem]) -> list[Problem]:
    """Hundreds of grade errors usually mean one wrong setting, so say that first."""
    unknown = [p.value for p in problems if p.message.startswith("is not a grade on the")]
    for scale in GRADE_SCALES.values():
        if scale.key == config.grade_scale or not unknown:
            continue
        fits = sum(scale.parse(v) is not None for v in unknown)
        if fits >= max(3, len(unknown) // 2):
            return [
                error(
                    CONFIG_FILE,
                    f"{fits} of the {len(unknown)} grades that are not on the {config.scale.label} "
                    f"are on the {scale.label}: is grade_scale right?",
                    column="grade_scale",
                    value=config.grade_scale,
                    accepted=", ".join(GRADE_SCALES),
                )
            ]
    return []


def clean_audit(raw: RawAudit, progress=None) -> CleanAudit:
    """Normalise and cross-check every table of a raw audit; `progress` is told each step."""
    say = progress or (lambda _message: None)
    check = Checker()
    check.problems.extend(raw.problems)
    empty = {name: table.column_names for name, table in TABLES.items()}
    if raw.config is None:
        frames = {name: pd.DataFrame(columns=cols) for name, cols in empty.items()}
        return CleanAudit(
            raw.audit_id, None, commentary=raw.commentary, problems=check.problems, **frames
        )
    config = raw.config

    def rows(file: str) -> str:
        return f"{sum(len(t.frame) for t in raw.tables.get(file, [])):,} rows"

    say(f"checking {CASES} ({rows(CASES)})")
    cases = clean_cases(raw.audit_id, raw.tables.get(CASES, []), check)
    case_ids = set(cases["case_id"])
    say(f"checking the returns ({rows(SUBMISSIONS)})")
    gradings, returns, evidence = _clean_submissions(
        raw.audit_id, config, raw.tables.get(SUBMISSIONS, []), case_ids, check
    )
    say(f"checking {REFERRALS} ({rows(REFERRALS)})")
    referrals = clean_referrals(
        raw.audit_id, config, raw.tables.get(REFERRALS, []), case_ids, check
    )
    say(f"checking {RECOMMENDATIONS} ({rows(RECOMMENDATIONS)})")
    recommendations = clean_recommendations(
        raw.audit_id, config, raw.tables.get(RECOMMENDATIONS, []), check
    )
    concerns = clean_concerns(
        raw.audit_id,
        config,
        raw.tables.get(CONCERNS, []),
        case_ids,
        check,
        case_id_of=normalise_case_id,
        text_of=clean_text,
        date_of=parse_date,
        date_formats=DATE_FORMATS,
    )
    check.problems += unlogged_inadequate(gradings, concerns, config)
    moderation = clean_moderation(
        raw.audit_id,
        config,
        raw.tables.get(SUBMISSIONS, []),
        gradings,
        check,
        case_id_of=normalise_case_id,
        text_of=clean_text,
    )
    if not errors_in(raw.problems):  # a file not read leaves every case "without returns"
        cases_without_returns(raw.tables.get(CASES, []), returns, check)
    check.problems += commentary_problems(config, raw.commentary, raw.publication_commentary)
    issues = dict(zip(cases["case_id"].astype("str"), cases["issues"], strict=True))
    check.problems += unthemed_cases_problems(issues, raw.folder)
    check.problems[:0] = _scale_hint(config, check.problems)
    return CleanAudit(
        raw.audit_id,
        config,
        gradings=gradings,
        returns=returns,
        evidence=evidence,
        cases=cases,
        referrals=referrals,
        recommendations=recommendations,
        concerns=concerns,
        moderation=moderation,
        commentary=raw.commentary,
        problems=check.problems,
        publication_commentary=raw.publication_commentary,
    )
