"""The numbers in words: sentence blocks in the style of the report, for the paper's Markdown.

Each function returns plain text (Markdown-safe: names from the data are escaped) built from
the same tables the paper prints, so words and tables cannot disagree. Numbers are digits, as
in the report ("The analysis is based on 7 audits"); nouns agree with them ("1 audit",
"2 audits"); lists read "1 Outstanding, 3 Good and 2 Inadequate"; zeros read "No audits were
submitted." rather than vanishing.

Publication mode (`threshold` set, see disclosure.py): a hidden count reads "some" ("Some
audits were not submitted.", "8 Requires Improvement and some Inadequate"). "Some" is true of
every hidden count, so it does not give away which ones are the small ones. The text hides at
least what the tables hide, plus any number it states that the tables do not (the number of
audits, the children referred), with the same secondary rule; sentences that would need
exact ages or a few dates (the age range, the median gap between referrals) are left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence

import pandas as pd

from audit_analysis.analysis import disclosure
from audit_analysis.analysis.grading import (
    ALL_AGENCIES,
    NO_INVOLVEMENT,
    NOT_SUBMITTED,
    OF_WHICH_INCOMPLETE,
    OUTSIDE_THE_PERIOD,
    agencies_without_returns,
    overall_distribution_mask,
    overall_grade_distribution,
)
from audit_analysis.analysis.profile import (
    AGE_BANDS,
    NOT_KNOWN,
    OTHER_THEME,
    age_band_counts,
    disability_counts,
    gender_counts,
    sorted_case_ids,
    theme_counts,
)
from audit_analysis.analysis.referrals import (
    referral_categories,
    referral_intervals,
    referral_outcomes,
    referrals_by_period,
)
from audit_analysis.vocabulary import NOT_GRADED, GradeScale

SOME = "some"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$])")


def escape_markdown(text: object) -> str:
    """Text from the data made safe to drop into Markdown (and Jupyter's $…$ maths)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def join_words(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c' — the report's list style, no serial comma."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def count_noun(n: int, singular: str, plural: str | None = None, *, hidden: bool = False) -> str:
    """'1 audit', '2 audits', 'no audits', or 'some audits' for a suppressed count."""
    plural = plural or f"{singular}s"
    if hidden:
        return f"{SOME} {plural}"
    if n == 0:
        return f"no {plural}"
    return f"{n:,} {singular if n == 1 else plural}"


def _number(n: int, hidden: bool) -> str:
    return SOME if hidden else f"{n:,}"


def _were(n: int, hidden: bool) -> str:
    return "was" if n == 1 and not hidden else "were"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _hide(
    values: Mapping[Hashable, int],
    threshold: int | None,
    groups: Iterable[Sequence[Hashable]] = (),
    hidden: Iterable[Hashable] = (),
) -> set[Hashable]:
    return disclosure.suppressed_keys(values, threshold, groups, hidden=hidden)


def _grading_numbers(
    row: pd.Series, table_hidden: set[Hashable], scale: GradeScale, threshold: int | None
) -> tuple[dict[Hashable, int], set[Hashable]]:
    """The counts a grading paragraph states, and which of them to hide.

    Beyond the table's cells the text states the number of audits (the grades add up to it)
    and the number of returns (audits plus the two statuses), so both join the groups.
    """
    values = grading_values(row, scale)
    grades = list(scale.all_grades)
    others = [NOT_SUBMITTED, NO_INVOLVEMENT, OUTSIDE_THE_PERIOD]
    groups = [grades, ["audits", *others], others]
    return values, _hide(values, threshold, groups, table_hidden)


def grading_values(row: pd.Series, scale: GradeScale) -> dict[Hashable, int]:
    """A row of overall_grade_distribution() with the two totals a paragraph states:
    'audits' (the grade columns' sum) and 'returns' (audits plus the two statuses)."""
    values: dict[Hashable, int] = {key: int(row[key]) for key in row.index}
    values.setdefault(OUTSIDE_THE_PERIOD, 0)
    values["audits"] = sum(values[g] for g in scale.all_grades)
    values["returns"] = (
        values["audits"]
        + values[NOT_SUBMITTED]
        + values[NO_INVOLVEMENT]
        + values[OUTSIDE_THE_PERIOD]
    )
    return values


def agency_paragraph(
    values: Mapping[Hashable, int], hidden: set[Hashable], scale: GradeScale
) -> str:
    """One agency's paragraph from grading_values() and the keys of them to hide."""
    if values["returns"] == 0:
        return "No audits were received."
    return " ".join(_grading_block(values, hidden, scale))


def audit_paragraph(
    values: Mapping[Hashable, int],
    hidden: set[Hashable],
    scale: GradeScale,
    without: Sequence[str],
    responding: int,
) -> str:
    """The whole audit's paragraph from the 'All agencies' grading_values() and what to hide."""
    returns = values["returns"]
    if returns == 0:
        return "No returns were recorded for this audit."
    # The agencies' figures added together: a total no single agency reported.
    opening = (
        f"Added together, the figures of the {count_noun(responding, 'agency', 'agencies')} "
        f"that recorded returns come to {count_noun(returns, 'return', hidden='returns' in hidden)}."
    )
    sentences = [_sentence(opening), *_grading_block(values, hidden, scale, pooled=True)]
    sentences.append(_good_or_better_sentence(values, hidden, scale))
    if without:
        names = join_words([escape_markdown(a) for a in without])
        sentences.append(
            f"{count_noun(len(without), 'agency', 'agencies')} in the audit made no returns: "
            f"{names}."
        )
    return " ".join(s for s in sentences if s)


def _grading_block(
    values: Mapping[Hashable, int],
    hidden: set[Hashable],
    scale: GradeScale,
    *,
    pooled: bool = False,
) -> list[str]:
    audits, incomplete = values["audits"], values[OF_WHICH_INCOMPLETE]
    missing, missing_hidden = values[NOT_SUBMITTED], NOT_SUBMITTED in hidden
    outside = values.get(OUTSIDE_THE_PERIOD, 0)
    sentences = []
    if outside:
        counted = _number(outside, OUTSIDE_THE_PERIOD in hidden)
        if pooled:
            sentences.append(
                f"{counted} audit submissions concerned children an agency did not work with "
                "within the audit period and are counted apart."
            )
        else:
            total = _number(audits + outside, OUTSIDE_THE_PERIOD in hidden or "audits" in hidden)
            sentences.append(
                f"{total} audit submissions were received; {counted} concerned children the "
                "agency did not work with within the audit period and are counted apart."
            )
    if audits == 0 and missing:
        counted = count_noun(missing, "audit", hidden=missing_hidden)
        were = _were(missing, missing_hidden)
        sentences.append(f"No audits were submitted: {counted} {were} expected but not returned.")
    elif audits == 0:
        sentences.append("No audits were submitted.")
    else:
        lead = "Together they hold" if pooled else "The analysis is based on"
        text = f"{lead} {count_noun(audits, 'audit', hidden='audits' in hidden)}"
        if OF_WHICH_INCOMPLETE in hidden:
            text += ", some of them incomplete"
        elif incomplete and incomplete == audits and "audits" not in hidden:
            text += ", which was incomplete" if audits == 1 else ", all of them incomplete"
        elif incomplete:
            text += f", {incomplete} of them incomplete"
        sentences.append(text + ".")
        sentences.append(_grades_sentence(values, hidden, scale))
    if audits and missing:
        counted = count_noun(missing, "audit", hidden=missing_hidden)
        sentences.append(_sentence(f"{counted} {_were(missing, missing_hidden)} not submitted."))
    if values[NO_INVOLVEMENT]:
        counted = count_noun(values[NO_INVOLVEMENT], "return", hidden=NO_INVOLVEMENT in hidden)
        sentences.append(_sentence(f"{counted} recorded no involvement in the audit period."))
    return sentences


def _grades_sentence(
    values: Mapping[Hashable, int], hidden: set[Hashable], scale: GradeScale
) -> str:
    given = [g for g in scale.grades if values[g]]
    ungraded, ungraded_hidden = values[NOT_GRADED], NOT_GRADED in hidden
    if not given:
        # "overall": an audit not graded overall may still grade the key areas (the area
        # table under the paragraph), so a bare "not graded" would contradict it.
        return "No audit was graded overall."
    items = [f"{_number(values[g], g in hidden)} {escape_markdown(g)}" for g in given]
    if len(given) == 1 and values[given[0]] == 1 and given[0] not in hidden:
        text = f"The overall grading was {escape_markdown(given[0])}"
    else:
        text = f"Overall gradings were {join_words(items)}"
    if ungraded:
        noun = count_noun(ungraded, "audit", hidden=ungraded_hidden)
        text += f"; {noun} {_were(ungraded, ungraded_hidden)} not graded overall"
    return text + "."


def _good_or_better_sentence(
    values: Mapping[Hashable, int], hidden: set[Hashable], scale: GradeScale
) -> str:
    if any(g in hidden for g in scale.grades):
        return ""
    graded = sum(values[g] for g in scale.grades)
    good = sum(values[g] for g in scale.good_or_better)
    if graded == 0:
        return ""
    standard = f"{escape_markdown(scale.good_or_better[-1])} or better"
    # "graded overall": audits not graded overall may still have area grades. A pooled total
    # of self-assessed grades is not a measure across agencies, so it is framed as such.
    own = "By the agencies' own grades, not moderated and not comparable between agencies, "
    if good == graded:
        if graded == 1:
            return f"{own}the audit graded overall was {standard}."
        return f"{own}all {graded} audits graded overall were {standard}."
    if good == 0:
        return f"{own}none of the {graded} audits graded overall {_were(graded, False)} {standard}."
    return f"{own}{good} of the {graded} audits graded overall {_were(good, False)} {standard}."


def _distribution(
    gradings: pd.DataFrame, agencies: Sequence[str], scale: GradeScale, threshold: int | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    table = overall_grade_distribution(
        gradings, agencies, scale, include_agencies_without_returns=True, totals=True
    )
    return table, overall_distribution_mask(table, scale, threshold)


def _row_hidden(mask: pd.DataFrame, label: str) -> set[Hashable]:
    return {column for column, is_hidden in mask.loc[label].items() if is_hidden}


def _agency_paragraph(
    table: pd.DataFrame, mask: pd.DataFrame, agency: str, scale: GradeScale, threshold: int | None
) -> str:
    values, hidden = _grading_numbers(
        table.loc[agency], _row_hidden(mask, agency), scale, threshold
    )
    return agency_paragraph(values, hidden, scale)


def agency_findings(
    gradings: pd.DataFrame,
    agencies: Sequence[str],
    agency: str,
    scale: GradeScale,
    *,
    threshold: int | None = None,
) -> str:
    """One agency's paragraph: audits analysed, overall gradings, what was not returned.

    e.g. "The analysis is based on 7 audits, 1 of them incomplete. Overall gradings were
    1 Good and 2 Requires Improvement; 4 audits were not graded."
    """
    if agency not in agencies:
        raise ValueError(f"{agency!r} is not in the audit's agency list.")
    table, mask = _distribution(gradings, agencies, scale, threshold)
    return _agency_paragraph(table, mask, agency, scale, threshold)


def findings_by_agency(
    gradings: pd.DataFrame,
    agencies: Sequence[str],
    scale: GradeScale,
    *,
    threshold: int | None = None,
    include_agencies_without_returns: bool = False,
) -> dict[str, str]:
    """agency_findings() for every agency, in the audit's order (those with returns by default)."""
    table, mask = _distribution(gradings, agencies, scale, threshold)
    without = set(agencies_without_returns(gradings, agencies))
    return {
        agency: _agency_paragraph(table, mask, agency, scale, threshold)
        for agency in agencies
        if include_agencies_without_returns or agency not in without
    }


def audit_findings(
    gradings: pd.DataFrame,
    agencies: Sequence[str],
    scale: GradeScale,
    *,
    threshold: int | None = None,
) -> str:
    """The audit as a whole: returns expected and received, overall gradings, who made none."""
    table, mask = _distribution(gradings, agencies, scale, threshold)
    table_hidden = _row_hidden(mask, ALL_AGENCIES)
    values, hidden = _grading_numbers(table.loc[ALL_AGENCIES], table_hidden, scale, threshold)
    without = agencies_without_returns(gradings, agencies)
    return audit_paragraph(values, hidden, scale, without, len(agencies) - len(without))


TOP_THEMES = 3
"""How many themes the sample paragraph names as the most frequent."""

Decide = Callable[[Mapping[Hashable, int], list[list[Hashable]]], set[Hashable]]
"""Given a paragraph's numbers and the groups whose sums it publishes, which numbers to hide.

The analysis stage passes one that reads the paper-wide decision (exhibits/ledger.py), so a
sentence hides exactly what every table and chart showing the same count hides."""


def referral_findings(
    referrals: pd.DataFrame,
    case_ids: Iterable[object],
    *,
    threshold: int | None = None,
    decide: Decide | None = None,
) -> str:
    """Appendix 1 in words: who had been referred before, what happened during the period.

    e.g. "8 of the 10 children had been referred before the audit period; the most common
    category was Neglect."
    """
    case_ids = list(case_ids)
    by_period = referrals_by_period(referrals, case_ids)
    children = len(by_period)
    if children == 0:
        return "No cases were audited."
    if len(referrals) == 0:
        return "No referrals were recorded for the audited children."
    referred_before = int((by_period["before"] > 0).sum())
    referred_during = int((by_period["during"] > 0).sum())
    repeat = int((by_period["during"] > 1).sum())
    outcomes = referral_outcomes(referrals)["referrals"]
    values: dict[Hashable, int] = {
        "children": children,
        "referred before": referred_before,
        "not referred before": children - referred_before,
        "before": int(by_period["before"].sum()),
        "during": int(by_period["during"].sum()),
        "referred during": referred_during,
        "not referred during": children - referred_during,
        "repeat": repeat,
        "once": referred_during - repeat,
        **{("outcome", o): int(n) for o, n in outcomes.items()},
    }
    groups = [
        ["referred before", "not referred before"],
        ["referred during", "not referred during"],
        ["repeat", "once"],
        [("outcome", o) for o in outcomes.index],
    ]
    hidden = decide(values, groups) if decide else _hide(values, threshold, groups)

    def number(key: Hashable) -> str:
        return _number(values[key], key in hidden)

    sentences = [_referred_before_sentence(values, hidden)]
    if values["before"]:
        categories = referral_categories(referrals)["referrals"]
        top = [escape_markdown(c) for c, n in categories.items() if n == categories.max()]
        noun = "category was" if len(top) == 1 else "categories were"
        sentences.append(
            _sentence(
                f"{count_noun(values['before'], 'referral', hidden='before' in hidden)} "
                f"{_were(values['before'], 'before' in hidden)} received before the audit "
                f"period; the most common {noun} {join_words(top)}."
            )
        )
    if values["during"] == 0:
        sentences.append("No referrals were made during the audit period.")
    else:
        made = count_noun(values["during"], "referral", hidden="during" in hidden)
        about = count_noun(referred_during, "child", "children", hidden="referred during" in hidden)
        if repeat == 0:
            again = "none was referred more than once"
        else:
            again = (
                f"{number('repeat')} {_were(repeat, 'repeat' in hidden)} referred more than once"
            )
        sentences.append(
            f"During the audit period {made} {_were(values['during'], 'during' in hidden)} made "
            f"about {about}; {again}."
        )
        listed = [f"{escape_markdown(o)} ({number(('outcome', o))})" for o in outcomes.index]
        sentences.append(f"Their outcomes were {join_words(listed)}.")
    intervals = referral_intervals(referrals)["days"]
    if len(intervals) and (threshold is None or len(intervals) > threshold):
        days = float(intervals.median())
        shown_days = f"{days:.0f}" if days == int(days) else f"{days:.1f}"
        sentences.append(
            f"The median time between one referral and the next for the same child was "
            f"{shown_days} days."
        )
    return " ".join(sentences)


def _referred_before_sentence(values: Mapping[Hashable, int], hidden: set[Hashable]) -> str:
    children, referred = values["children"], values["referred before"]
    period = "referred before the audit period"
    if "referred before" in hidden:
        return f"Some of the {children} children had been {period}."
    if children == 1:
        return f"The child had {'' if referred else 'not '}been {period}."
    if referred == children:
        return f"All {children} children had been {period}."
    if referred == 0:
        return f"None of the {children} children had been {period}."
    return f"{referred} of the {children} children had been {period}."


def profile_findings(
    cases: pd.DataFrame,
    *,
    themes: Mapping[str, Sequence[str]] | None = None,
    threshold: int | None = None,
    top_themes: int = TOP_THEMES,
    decide: Decide | None = None,
) -> str:
    """The sample in words: ages, gender, disability and the most frequent themes.

    Up to ``top_themes`` themes are named as the most frequent; themes tied with one
    another are counted together instead ("5 other themes each appeared in 1 case"), so the
    text never ranks one theme above another with as many cases.

    e.g. "The sample was 10 children aged 2 to 16. By age band: 1 aged 0–4, 4 aged 5–9, …"
    """
    children = len(sorted_case_ids(cases["case_id"]))
    if children == 0:
        return "No cases were audited."
    ages = age_band_counts(cases)["children"]
    genders = gender_counts(cases)["children"]
    disability = disability_counts(cases)["children"]
    ranked = theme_counts(cases, themes)["cases"]
    frequent, tied = frequent_themes(ranked, top_themes)
    named = [*frequent, *tied]
    values: dict[Hashable, int] = {
        **{("age", k): int(n) for k, n in ages.items()},
        **{("gender", k): int(n) for k, n in genders.items()},
        **{("disability", k): int(n) for k, n in disability.items()},
        **{("theme", t): int(ranked[t]) for t in named},
        **{("without theme", t): children - int(ranked[t]) for t in named},
    }
    groups = [
        [("age", k) for k in ages.index],
        [("gender", k) for k in genders.index],
        [("disability", k) for k in disability.index],
        *[[("theme", t), ("without theme", t)] for t in named],
    ]
    hidden = decide(values, groups) if decide else _hide(values, threshold, groups)

    def number(key: Hashable) -> str:
        return _number(values[key], key in hidden)

    sample = f"The sample was {count_noun(children, 'child', 'children')}"
    known_ages = pd.to_numeric(cases["age"], errors="coerce").dropna()
    if threshold is None and len(known_ages):
        sample += f" aged {int(known_ages.min())} to {int(known_ages.max())}"
    sentences = [sample + "."]
    band_labels = [label for label, _, _ in AGE_BANDS] + [NOT_KNOWN]
    bands = [
        f"{number(('age', b))} {'age not known' if b == NOT_KNOWN else 'aged ' + b}"
        for b in band_labels
        if ages[b]
    ]
    sentences.append(f"By age band: {join_words(bands)}.")
    gender_items = [
        f"{number(('gender', g))} {'gender not known' if g == NOT_KNOWN else g.lower()}"
        for g in genders.index
        if genders[g]
    ]
    sentences.append(f"By gender: {join_words(gender_items)}.")
    disabled = values[("disability", "Yes")]
    if ("disability", "Yes") in hidden:
        sentences.append("Some children had a disability.")
    elif disabled == 0:
        sentences.append("No child had a recorded disability.")
    else:
        sentences.append(f"{count_noun(disabled, 'child', 'children')} had a disability.")
    theme_sentence = _themes_sentence(frequent, tied, values, hidden, top_themes)
    if theme_sentence:
        sentences.append(theme_sentence)
    return " ".join(sentences)


def frequent_themes(ranked: pd.Series, top: int) -> tuple[list[str], list[str]]:
    """The themes to name as most frequent, and a group tied with one another after them.

    Up to ``top`` themes with cases ("Other" aside), most first; but a tie is never cut in
    two: when the last place is shared with themes beyond the cut, the tied themes become
    the second list (counted, not ranked), and only the themes above them are "most frequent".
    """
    present = [(t, int(n)) for t, n in ranked.items() if n > 0 and t != OTHER_THEME]
    if len(present) > top and top > 0 and present[top][1] == present[top - 1][1]:
        cut = present[top - 1][1]
        return [t for t, n in present if n > cut], [t for t, n in present if n == cut]
    shown = present[:top]
    if len(shown) > 1 and shown[0][1] == shown[-1][1]:
        return [], [t for t, _ in shown]  # all alike: none is "most frequent"
    return [t for t, _ in shown], []


def _themes_sentence(
    frequent: Sequence[str],
    tied: Sequence[str],
    values: Mapping[Hashable, int],
    hidden: set[Hashable],
    top: int,
) -> str:
    def cases(t: str, first: bool) -> str:
        n, is_hidden = values[("theme", t)], ("theme", t) in hidden
        if not first:
            return _number(n, is_hidden)
        return count_noun(n, "case", hidden=is_hidden)

    parts = []
    if frequent:
        listed = [f"{escape_markdown(t)} ({cases(t, i == 0)})" for i, t in enumerate(frequent)]
        subject = "theme was" if len(listed) == 1 else "themes were"
        parts.append(f"the most frequent {subject} {join_words(listed)}")
    if tied:
        each = cases(tied[0], True)
        if not frequent and len(tied) > 2 * top:  # too many to list
            text = f"{len(tied)} themes each appeared in {each}"
        elif not frequent:
            text = f"{join_words([escape_markdown(t) for t in tied])} each appeared in {each}"
        else:
            others = "1 other theme" if len(tied) == 1 else f"{len(tied)} other themes"
            text = f"{others} {'appeared' if len(tied) == 1 else 'each appeared'} in {each}"
        parts.append(text)
    if not parts:
        return ""
    return f"In the outline issues, {'; '.join(parts)}."
