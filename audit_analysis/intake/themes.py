"""The editable mapping from outline-issue wording to themes (themes.yaml), read and checked."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import yaml

from audit_analysis.vocabulary import has_letter_or_digit

OTHER_THEME = "Other"


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
