"""The analysis stage: every exhibit of an audit's paper, computed once, disclosure decided once."""

from __future__ import annotations

from audit_analysis.analysis.exhibits import (
    detail,
    follow_up,
    grading,
    headlines,
    intruder,
    moderation,
    sample,
)
from audit_analysis.analysis.exhibits.charts import with_words
from audit_analysis.analysis.exhibits.context import Context
from audit_analysis.analysis.exhibits.model import Exhibits
from audit_analysis.clean.processed import ProcessedAudit

PUBLISHED = (
    sample.facts,
    sample.case_profile,
    sample.issue_themes,
    grading.returns,
    grading.graded_share,
    grading.overall_grades,
    grading.area_grades,
    grading.good_or_better,
    grading.agencies,
    sample.recommendations,
    sample.referral_history,
    headlines.headlines,
    moderation.moderation,
)
"""Builders of the exhibits every version of the paper carries."""

INTERNAL_ONLY = (
    grading.case_grid,
    follow_up.concerns,
    sample.case_outlines,
    detail.grading_detail,
    detail.referral_detail,
)
"""Case-level exhibits and working detail: never built for a publication version."""


def build_exhibits(audit: ProcessedAudit, *, publication: bool = False) -> Exhibits:
    """All exhibits of an audit, with one paper-wide decision about which counts to hide."""
    ctx = Context(audit, publication=publication)
    builders = PUBLISHED if publication else (*PUBLISHED, *INTERNAL_ONLY)
    finishers = [build(ctx) for build in builders]

    def finished(hidden: set[str]) -> Exhibits:
        return Exhibits(
            [exhibit for finish in finishers for exhibit in finish(hidden)],
            publication=publication,
            threshold=ctx.threshold,
        )

    try:
        hidden = ctx.ledger.hidden(ctx.threshold)
    except intruder.DisclosureRefused as refused:
        where = exhibits_of(finished(refused.hidden))
        message = intruder.refusal(
            refused.exposures, ctx.ledger.values, refused.hidden, ctx.threshold, where
        )
        raise intruder.DisclosureRefused(
            f"{ctx.config.id}: {message}", refused.exposures, refused.hidden
        ) from None
    exhibits = finished(hidden)
    clashes = exhibits.inconsistently_hidden()
    if clashes:
        raise AssertionError(f"quantities hidden in one exhibit and shown in another: {clashes}")
    if ctx.threshold is not None:
        left = ctx.ledger.exposures(hidden, ctx.threshold)
        if left:  # protect() guarantees none: a failure here is a bug, never shipped
            raise AssertionError(intruder.refusal(left, ctx.ledger.values, hidden, ctx.threshold))
    return with_words(exhibits)


def exhibits_of(exhibits: Exhibits) -> dict[str, str]:
    """Each quantity key and the exhibits that print it, for naming them in a refusal."""
    found: dict[str, list[str]] = {}
    for exhibit in exhibits.values():
        for key in exhibit.shown_quantities():
            found.setdefault(key, []).append(exhibit.id)
    return {key: ", ".join(ids) for key, ids in found.items()}
