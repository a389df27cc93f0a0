"""Exhibits of the sample and its referral histories: who the children were, what happened before."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping

import pandas as pd

from audit_analysis.analysis import findings, grading, profile, referrals
from audit_analysis.analysis.exhibits.context import Context, Finish
from audit_analysis.analysis.exhibits.model import TEXT, ChartSpec, Exhibit, keys_frame, quantity
from audit_analysis.analysis.profile import OTHER_THEME

CASES = quantity("cases")
AGENCIES = quantity("agencies")
AGENCIES_RETURNING = quantity("agencies", returned="yes")


AGENCIES_WITHOUT_RETURNS = quantity("agencies", returned="none")
AGENCIES_WITHOUT_AUDITS = quantity("agencies", returned="no audit")
FACTS = {
    "Cases audited": CASES,
    "Agencies that submitted audits": AGENCIES_RETURNING,
    "Agencies with no contact with the sample": AGENCIES_WITHOUT_RETURNS,
    "Agencies that could not complete an audit": AGENCIES_WITHOUT_AUDITS,
}


def facts(ctx: Context) -> Finish:
    """The introduction's facts: cases audited, and which agencies audited their work.

    An agency listed in audit.yaml with no returns had no contact with the sample
    (docs/data-format.md); one whose returns hold no audit could not complete one. Public
    anyway (the sample size and the partnership's agencies), so never hidden."""
    rates = grading.return_rates(ctx.audit.returns, ctx.agencies)
    returning = int(((rates["submitted"] + rates["incomplete"]) > 0).sum())
    without = len(ctx.agencies) - len(rates)
    table = pd.DataFrame(
        {"value": [len(ctx.case_ids), returning, without, len(rates) - returning]},
        index=pd.Index(list(FACTS), name="fact"),
    )
    keys = keys_frame(table, lambda r, _c: FACTS[r])
    ctx.record(table, keys, protect=False)
    ctx.ledger.add(AGENCIES, len(ctx.agencies), protect=False)
    ctx.ledger.relate(AGENCIES, [k for k in FACTS.values() if k != CASES])

    def finish(hidden: set[str]) -> list[Exhibit]:
        return [
            Exhibit(
                id="audit-facts",
                part="introduction",
                title="The audit in numbers",
                table=table,
                hidden=ctx.mask(keys, hidden),
                quantities=keys,
                show_table=False,
            )
        ]

    return finish


def _recording_decide(ctx: Context, key_of: Callable[[Hashable], str], protect=lambda k: True):
    """A findings `decide` hook that records a paragraph's numbers and sums in the ledger."""

    def decide(values: Mapping[Hashable, int], groups: list[list[Hashable]]) -> set[Hashable]:
        for local, n in values.items():
            printed = local not in UNPRINTED and not (
                isinstance(local, tuple) and local[0] == "without theme"
            )
            ctx.ledger.add(key_of(local), n, protect=protect(local), printed=printed)
        for group in groups:
            _relate_group(ctx, [key_of(k) for k in group])
        return set()

    return decide


def _relate_group(ctx: Context, keys: list[str]) -> None:
    """A findings group is a set of counts whose sum the paper states: tie them to that count.

    The children not referred and referred add up to the sample (public); those referred once
    and more than once to the children referred; the outcomes to the referrals made — each a
    count of its own, hidden or shown as the paper decides, never a public sum by default."""
    during = quantity("referrals", period="during")
    if all(k.startswith("referrals|outcome=") for k in keys):
        total = during
    elif {k.split("=")[-1] for k in keys} == {"repeat", "once"}:
        total = quantity("cases", referrals="referred during")
    else:
        total = CASES
    ctx.ledger.relate(total, keys)


UNPRINTED = frozenset({"not referred before", "not referred during", "once"})
"""Counts a paragraph's sums rest on but never print ("not referred during"): unknown to a
reader except through those sums."""


def _reading_decide(key_of: Callable[[Hashable], str], hidden: set[str]):
    return lambda values, _groups: {k for k in values if key_of(k) in hidden}


def _profile_key(local: Hashable) -> str:
    kind, value = local
    if kind == "without theme":
        return quantity("cases", theme_absent=value)
    characteristic = {
        "age": "Age band",
        "gender": "Gender",
        "disability": "Disability",
        "theme": None,
    }[kind]
    if characteristic is None:
        return quantity("cases", theme=value)
    return quantity("cases", characteristic=characteristic, category=value)


def case_profile(ctx: Context) -> Finish:
    """The sample at a glance (age band, gender, disability, ethnicity) and the paragraph on it."""
    cases, themes = ctx.audit.cases, ctx.themes
    table = profile.case_profile(cases)
    table.index = pd.Index([f"{c}: {v}" for c, v in table.index], name="characteristic")
    flat_keys = [
        quantity("cases", characteristic=c, category=v)
        for c, v in profile.case_profile(cases).index
    ]
    keys = keys_frame(table, lambda r, _c: flat_keys[list(table.index).index(r)])
    ctx.record(table, keys)
    ctx.ledger.add(CASES, len(ctx.case_ids), protect=False)
    for characteristic in dict.fromkeys(c for c, _ in profile.case_profile(cases).index):
        parts = [
            k
            for k in flat_keys
            if f"characteristic={characteristic}|" in k
            or k.endswith(f"characteristic={characteristic}")
        ]
        ctx.ledger.relate(CASES, parts)
    findings.profile_findings(
        cases, themes=themes, threshold=ctx.threshold, decide=_recording_decide(ctx, _profile_key)
    )
    # the paragraph names the most frequent themes, most first, then a tied group (all equal)
    ranked = profile.theme_counts(cases, themes)["cases"]
    frequent, tied = findings.frequent_themes(ranked, findings.TOP_THEMES)
    # labels make the order strict where the paragraph says so: "most frequent" > the tied
    ctx.ledger.order(
        [(quantity("cases", theme=t), "1") for t in frequent]
        + [(quantity("cases", theme=t), "0") for t in tied[:1]]
    )
    for other in tied[1:]:
        ctx.ledger.relate(quantity("cases", theme=tied[0]), [quantity("cases", theme=other)])

    def finish(hidden: set[str]) -> list[Exhibit]:
        mask = ctx.mask(keys, hidden)
        sentence = findings.profile_findings(
            cases,
            themes=themes,
            threshold=ctx.threshold,
            decide=_reading_decide(_profile_key, hidden),
        )
        return [
            Exhibit(
                id="case-profile",
                part="audit_sample",
                title="The children in the audit sample",
                table=table,
                hidden=mask,
                quantities=keys,
                sentences=(sentence,),
                n=len(ctx.case_ids),
                n_text=ctx.n_text(CASES, "child", hidden, "children"),
                note=ctx.note_for(mask),
                chart=ChartSpec("case-profile", {"n_children": len(ctx.case_ids)}),
                show_table=False,
            )
        ]

    return finish


def issue_themes(ctx: Context) -> Finish:
    """Cases per outline-issue theme (a case can fall in several)."""
    table = profile.theme_counts(ctx.audit.cases, ctx.themes)[["cases"]]
    if ctx.publication:  # ranked bars would order hidden counts: the themes' own order instead
        table = table.reindex([*(t for t in ctx.themes if t in table.index), OTHER_THEME])
    keys = keys_frame(table, lambda r, _c: quantity("cases", theme=r))
    ctx.record(table, keys)
    notes = ["A theme counts the case outlines that mention it, about the child or the family."]
    disabled = int((ctx.audit.cases["disability"] == "Yes").sum())
    for theme in (t for t in table.index if "disab" in str(t).lower()):
        if int(table.loc[theme, "cases"]) > disabled:
            notes.append(
                f"'{theme}' includes disability in the family (a sibling's, say), so it can "
                "count more cases than the children recorded as disabled."
            )

    def finish(hidden: set[str]) -> list[Exhibit]:
        mask = ctx.mask(keys, hidden)
        return [
            Exhibit(
                id="issue-themes",
                part="audit_sample",
                title="Issues in the case outlines",
                table=table,
                hidden=mask,
                quantities=keys,
                n=len(ctx.case_ids),
                n_text=ctx.n_text(CASES, "case", hidden),
                note=ctx.note_for(mask),
                notes=tuple(notes),
                chart=ChartSpec("themes", {"n_cases": len(ctx.case_ids)}),
                show_table=False,
            )
        ]

    return finish


def _referral_key(local: Hashable) -> str:
    if isinstance(local, tuple):
        return quantity("referrals", period="during", outcome=local[1])
    return {
        "children": CASES,
        "before": quantity("referrals", period="before"),
        "during": quantity("referrals", period="during"),
    }.get(local) or quantity("cases", referrals=local)


def _counts_exhibit(
    ctx,
    id,
    title,
    table,
    key,
    total_key,
    n_noun,
    chart_kind,
    options=None,
    caption="",
    ranked=False,
    protect=True,
):
    """A one-column count exhibit whose chart prints its total; `ranked` tables list their
    rows largest first, ties by label (referrals._ranked), which a reader can use too."""
    keys = keys_frame(table, lambda r, _c: key(r))
    ctx.record(table, keys, protect=protect)
    total = int(table.iloc[:, 0].sum())
    ctx.ledger.add(total_key, total, protect=protect)
    ctx.ledger.relate(total_key, list(keys.iloc[:, 0]))
    if ranked:
        ctx.ledger.order(zip(keys.iloc[:, 0], table.index, strict=True))

    def finish(hidden: set[str]) -> list[Exhibit]:
        mask = ctx.mask(keys, hidden)
        return [
            Exhibit(
                id=id,
                part="referral_history",
                title=title,
                table=table,
                hidden=mask,
                quantities=keys,
                caption=caption,
                n=total,
                n_text=ctx.n_text(total_key, n_noun, hidden),
                note=ctx.note_for(mask),
                notes=ctx.illustrative("referrals"),
                chart=ChartSpec(chart_kind, {**(options or {}), "n_hidden": total_key in hidden}),
                show_table=False,
            )
        ]

    return finish


PER_CASE_CHART_CASES = 30
"""Above this many cases a chart with a bar per case is unreadable: it shows a distribution."""


def _per_case_referrals(ctx: Context, refs: pd.DataFrame, before: str):
    """Referrals before the period per case (internal version of a small sample); children by
    their number of referrals for a publication, which names no case, or a large sample."""
    per_case = referrals.referrals_per_case(refs, ctx.case_ids, period="before")
    if ctx.publication or len(per_case) > PER_CASE_CHART_CASES:
        return _referral_distribution(ctx)
    return _counts_exhibit(
        ctx,
        "referrals-before-per-case",
        "Referrals received before the audit period, by case",
        per_case,
        lambda case: quantity("referrals", case=case, period="before"),
        before,
        "referral",
        "referrals-per-case",
    )


def referral_history(ctx: Context) -> Finish:
    """Appendix 1: referrals per case before the period, their categories, outcomes during it."""
    refs = ctx.audit.referrals
    before, during = quantity("referrals", period="before"), quantity("referrals", period="during")
    finishers = [
        _per_case_referrals(ctx, refs, before),
        _counts_exhibit(
            ctx,
            "referral-categories-before",
            "Categories of referrals received before the audit period",
            referrals.referral_categories(refs, period="before"),
            lambda c: quantity("referrals", period="before", category=c),
            before,
            "referral",
            "referral-categories",
            ranked=True,
        ),
        _counts_exhibit(
            ctx,
            "referral-outcomes-during",
            "Outcomes of all referrals made during the audit period",
            referrals.referral_outcomes(refs, period="during"),
            lambda o: quantity("referrals", period="during", outcome=o),
            during,
            "referral",
            "referral-outcomes",
            ranked=True,
        ),
    ]
    findings.referral_findings(
        refs,
        ctx.case_ids,
        threshold=ctx.threshold,
        decide=_recording_decide(ctx, _referral_key, protect=lambda k: k != "children"),
    )

    def finish(hidden: set[str]) -> list[Exhibit]:
        exhibits = [e for f in finishers for e in f(hidden)]
        sentence = findings.referral_findings(
            refs,
            ctx.case_ids,
            threshold=ctx.threshold,
            decide=_reading_decide(_referral_key, hidden),
        )
        first = exhibits[0]
        exhibits[0] = Exhibit(**{**first.__dict__, "sentences": (sentence,)})
        return exhibits

    return finish


def _referral_distribution(ctx: Context) -> Finish:
    """Children by how many referrals they had before the period: the publication version's
    per-case chart, which names no case. Its counts tie to the sample (they add up to it), to
    the children referred before (all but the 0 row) and, weighted, to the referrals."""
    per_case = referrals.referrals_per_case(ctx.audit.referrals, ctx.case_ids, period="before")
    most = int(per_case["referrals"].max()) if len(per_case) else 0
    counts = per_case["referrals"].value_counts().reindex(range(most + 1), fill_value=0)
    table = pd.DataFrame(
        {"children": counts.astype("int64").to_numpy()},
        index=pd.Index([str(k) for k in range(most + 1)], name="referrals before the period"),
    )
    key = {k: quantity("cases", referrals_before=k) for k in range(most + 1)}
    keys = keys_frame(table, lambda r, _c: key[int(r)])
    ctx.record(table, keys)
    ledger = ctx.ledger
    ledger.add(CASES, len(ctx.case_ids), protect=False)
    ledger.relate(CASES, list(key.values()))
    referred = quantity("cases", referrals="referred before")
    ledger.add(referred, int((per_case["referrals"] > 0).sum()))
    ledger.relate(referred, [key[k] for k in range(1, most + 1)])
    before = quantity("referrals", period="before")
    ledger.add(before, int(per_case["referrals"].sum()))
    ledger.relate(before, [key[k] for k in range(1, most + 1) for _ in range(k)])  # Σ k·n_k

    def finish(hidden: set[str]) -> list[Exhibit]:
        mask = ctx.mask(keys, hidden)
        return [
            Exhibit(
                id="children-by-referrals-before",
                part="referral_history",
                title="Children by number of referrals received before the audit period",
                table=table,
                hidden=mask,
                quantities=keys,
                n=len(ctx.case_ids),
                n_text=ctx.n_text(CASES, "child", hidden, "children"),
                note=ctx.note_for(mask),
                notes=ctx.illustrative("referrals"),
                chart=ChartSpec("referral-distribution"),
                show_table=False,
            )
        ]

    return finish


def recommendations(ctx: Context) -> Finish:
    """Recommendations per scope; about agencies, not children, so never hidden."""
    recs = ctx.audit.recommendations
    table = profile.recommendations_by_scope(recs, ctx.agencies)
    order = list(dict.fromkeys(recs["scope"]))  # the report's order, as the file lists it
    table = table.reindex(order)
    keys = keys_frame(table, lambda r, _c: quantity("recommendations", scope=r))
    headings = dict(zip(recs["scope"], recs["heading"], strict=True))
    table.index = pd.Index([headings[s] for s in table.index], name=table.index.name)
    keys.index = table.index
    ctx.record(table, keys, protect=False)
    total = quantity("recommendations")
    ctx.ledger.add(total, len(recs), protect=False)
    ctx.ledger.relate(total, list(keys.iloc[:, 0]))

    def finish(hidden: set[str]) -> list[Exhibit]:
        if recs.empty:
            return []
        n_text = ctx.n_text(total, "recommendation", hidden)
        return [
            Exhibit(
                id="recommendations-by-scope",
                part="recommendations",
                title="Recommendations by scope",
                table=table,
                hidden=ctx.mask(keys, hidden),
                quantities=keys,
                caption=f"Recommendations ({n_text})",
                n=len(recs),
                n_text=n_text,
            )
        ]

    return finish


def case_outlines(ctx: Context) -> Finish:
    """Appendix 2: each sampled case's age, gender and outline issues (internal version only)."""
    cases = ctx.audit.cases
    table = pd.DataFrame(
        {
            "Age": cases["age"].astype("string").fillna("not known").to_numpy(),
            "Gender": cases["gender"].to_numpy(),
            "Outline issues": cases["issues"].to_numpy(),
        },
        index=pd.Index(cases["case_id"].astype(str), name="Case"),
    )

    def finish(hidden: set[str]) -> list[Exhibit]:
        return [
            Exhibit(
                id="case-outlines",
                part="case_outlines",
                title="Case outlines",
                table=table,
                hidden=ctx.mask(ctx.no_keys(table), hidden),
                quantities=ctx.no_keys(table),
                kind=TEXT,
                caption=f"The {findings.count_noun(len(cases), 'case')} sampled",
            )
        ]

    return finish
