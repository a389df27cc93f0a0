"""The editable mapping from outline-issue wording to themes (themes.yaml), read and checked."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml

from audit_analysis.intake.raw_tables import CASES, THEMES
from audit_analysis.problems import Problem, warning
from audit_analysis.vocabulary import has_letter_or_digit, normalise_label

OTHER_THEME = "Other"
ISSUE_SEPARATOR = ";"
OTHER_SHARE_WARNING = 1 / 3
"""When more than this share of cases have an issue no theme picks up, validate says so."""


def load_themes(path: str | Path | None = None) -> dict[str, tuple[str, ...]]:
    """The theme → phrases mapping, from `path` or the packaged themes.yaml.

    An audit folder can carry its own copy so an auditor extends the mapping without code.
    """
    if path is None:
        text = (
            resources.files("audit_analysis.intake")
            .joinpath("themes.yaml")
            .read_text(encoding="utf-8")
        )
    else:
        text = Path(path).read_text(encoding="utf-8")
    raw = yaml.safe_load(text) or {}
    if not isinstance(raw, Mapping):
        raise ValueError("A themes file maps each theme to a list of words or phrases.")
    themes: dict[str, tuple[str, ...]] = {}
    for theme, phrases in raw.items():
        if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
            raise ValueError(f"Theme {theme!r} must list its words or phrases as text.")
        if str(theme) == OTHER_THEME:
            raise ValueError(f"'{OTHER_THEME}' is kept for issues that match no theme.")
        for phrase in phrases:
            if not has_letter_or_digit(phrase.strip().rstrip("*")):
                raise ValueError(
                    f"Theme {theme!r} lists {phrase!r}, which has no letter or digit to match on."
                )
        themes[str(theme)] = tuple(phrases)
    return themes


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    prefix = phrase.strip().endswith("*")
    words = normalise_label(phrase.strip().rstrip("*"))
    if not words:
        raise ValueError(f"Theme phrase {phrase!r} has no words in it.")
    ending = (
        r"\S*" if prefix else ""
    )  # text and phrase are folded: words of any script, one space apart
    return re.compile(rf"(?<!\S){re.escape(words)}{ending}(?!\S)")


NEVER = "(?!)"


def compile_themes(themes: Mapping[str, Sequence[str]]) -> dict[str, re.Pattern[str]]:
    """One pattern per theme matching any of its phrases: one search per theme, not per phrase."""
    return {
        theme: re.compile("|".join(_phrase_pattern(p).pattern for p in phrases) or NEVER)
        for theme, phrases in themes.items()
    }


def split_issues(issues: object) -> list[str]:
    """The outline issues recorded for one case, in the order written."""
    if issues is None or (not isinstance(issues, str) and pd.isna(issues)):
        return []
    return [i.strip() for i in str(issues).split(ISSUE_SEPARATOR) if i.strip()]


def themes_of(issue: str, patterns: Mapping[str, re.Pattern[str]]) -> list[str]:
    """The themes one issue falls into, in mapping order; [OTHER_THEME] when none."""
    text = normalise_label(issue)
    return [t for t, p in patterns.items() if p.search(text)] or [OTHER_THEME]


def theme_finder(themes: Mapping[str, Sequence[str]]) -> Callable[[str], list[str]]:
    """themes_of() for one mapping, remembering each wording: issues repeat across cases."""
    patterns = compile_themes(themes)
    found: dict[str, list[str]] = {}

    def find(issue: str) -> list[str]:
        if issue not in found:
            found[issue] = themes_of(issue, patterns)
        return found[issue]

    return find


def cases_with_unthemed_issues(
    issues_by_case: Mapping[str, object], themes: Mapping[str, Sequence[str]]
) -> list[str]:
    """Cases with at least one issue that falls only into 'Other'."""
    find = theme_finder(themes)
    return [
        case_id
        for case_id, issues in issues_by_case.items()
        if any(find(i) == [OTHER_THEME] for i in split_issues(issues))
    ]


def unthemed_cases_problems(
    issues_by_case: Mapping[str, object], folder: Path | None = None
) -> list[Problem]:
    """A warning when more than a third of cases have an issue no theme picks up: 'Other'
    would then lead the issue-themes chart and say nothing. Uses the audit's own themes.yaml
    in `folder` when there is one (a broken one is reported where it is read)."""
    own = folder / THEMES if folder is not None else None
    try:
        themes = load_themes(own if own is not None and own.is_file() else None)
    except (ValueError, OSError, yaml.YAMLError):
        return []
    unthemed = cases_with_unthemed_issues(issues_by_case, themes)
    if not issues_by_case or len(unthemed) <= OTHER_SHARE_WARNING * len(issues_by_case):
        return []
    where = "the audit's themes.yaml" if own is not None and own.is_file() else "themes.yaml"
    return [
        warning(
            CASES,
            f"{len(unthemed)} of {len(issues_by_case)} cases have an outline issue that no theme "
            f"in {where} picks up, so '{OTHER_THEME}' would be one of the largest themes; "
            f"add their wording to a copy of themes.yaml in the audit folder "
            f"(first cases: {', '.join(unthemed[:5])})",
            column="issues",
            accepted="issues that match a theme (see audit_analysis/intake/themes.yaml)",
        )
    ]
