"""What every exhibit builder needs to know about the audit and the version being built."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from audit_analysis.analysis import disclosure, grading
from audit_analysis.analysis.exhibits.ledger import Ledger
from audit_analysis.analysis.exhibits.model import Exhibit, frame_like
from audit_analysis.analysis.findings import count_noun
from audit_analysis.clean.processed import ProcessedAudit
from audit_analysis.intake.config import ILLUSTRATIVE_INPUTS
from audit_analysis.intake.themes import load_themes

SELF_ASSESSED = "Self-assessed by each agency, not moderated."
MODERATED = "Each agency's own grades; a panel moderated some audits (see the moderation table)."

Finish = Callable[[set[str]], list[Exhibit]]
"""The second half of a builder: given the paper-wide hidden quantities, the finished exhibits."""


@dataclass
class Context:
    """One audit, one version (internal or publication), and the ledger of its published counts."""

    audit: ProcessedAudit
    publication: bool = False
    ledger: Ledger = field(default_factory=Ledger)

    def __post_init__(self) -> None:
        if self.publication and self.threshold is None:
            raise ValueError(
                f"{self.config.id}: a publication version needs disclosure_threshold in "
                "audit.yaml (e.g. 5, the DfE convention): without it no small number is hidden"
            )

    @property
    def config(self):
        return self.audit.config

    @property
    def threshold(self) -> int | None:
        return self.config.disclosure_threshold if self.publication else None

    @property
    def scale(self):
        return self.config.scale

    @property
    def areas(self):
        return self.config.areas

    @cached_property
    def agencies(self) -> list[str]:
        return list(self.config.agency_names)

    @cached_property
    def agencies_with_returns(self) -> list[str]:
        present = set(self.audit.returns["agency"])
        return [a for a in self.agencies if a in present]

    @cached_property
    def grade_counts(self) -> grading.AgencyAreaGrades:
        """The agency × area × grade counts many grade exhibits are views of, counted once."""
        return grading.AgencyAreaGrades(self.audit.gradings, self.agencies, self.areas, self.scale)

    @cached_property
    def overall_grades(self) -> pd.DataFrame:
        """Each agency's overall grades with the 'All agencies' row (copy before changing it)."""
        return grading.overall_grade_distribution(
            self.audit.gradings, self.agencies, self.scale, totals=True
        )

    @cached_property
    def themes(self) -> dict[str, tuple[str, ...]]:
        """The audit's own themes, or the packaged ones, read once for every exhibit."""
        return self.audit.themes if self.audit.themes is not None else load_themes()

    @cached_property
    def case_ids(self) -> list[str]:
        return [str(c) for c in self.audit.cases["case_id"]]

    def n_text(self, key: str, noun: str, hidden: set[str], plural: str | None = None) -> str:
        """'n = 48 audits', or 'n = c' where the count is hidden."""
        if key in hidden:
            return f"n = {disclosure.MARKER}"
        return f"n = {count_noun(self.ledger.values[key], noun, plural)}"

    def note_for(self, hidden: pd.DataFrame) -> str:
        """The suppression note, only under a table that hides something."""
        if self.threshold is None or not hidden.to_numpy().any():
            return ""
        return disclosure.suppression_note(self.threshold)

    def record(self, table: pd.DataFrame, keys: pd.DataFrame, *, protect: bool = True) -> None:
        """Record every keyed count of a table in the ledger."""
        for key, value in zip(keys.to_numpy().ravel(), table.to_numpy().ravel(), strict=True):
            if key:
                self.ledger.add(key, int(value), protect=protect)

    def illustrative(self, *inputs: str) -> tuple[str, ...]:
        """The visible note of an exhibit built on inputs audit.yaml declares illustrative."""
        used = [i for i in inputs if i in self.config.illustrative]
        if not used:
            return ()
        what = "; ".join(ILLUSTRATIVE_INPUTS[i] for i in used)
        return (f"Illustrative: built on reconstructed data ({what}).",)

    def grade_notes(self, *inputs: str) -> tuple[str, ...]:
        """The notes every grade exhibit carries: who graded, and what is illustrative."""
        moderated = self.audit.moderation is not None and not self.audit.moderation.empty
        return (MODERATED if moderated else SELF_ASSESSED, *self.illustrative(*inputs))

    @staticmethod
    def mask(keys: pd.DataFrame, hidden: set[str]) -> pd.DataFrame:
        """Where a table's cells are hidden, from the paper-wide hidden quantities."""
        return keys.apply(lambda col: col.map(lambda k: bool(k) and k in hidden)).astype(bool)

    @staticmethod
    def no_keys(table: pd.DataFrame) -> pd.DataFrame:
        return frame_like(table, "").astype("object")
