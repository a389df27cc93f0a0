"""Exhibits of the returns and the grades: returns, overall and key-area grades, each agency."""

from __future__ import annotations

import pandas as pd

from audit_analysis.analysis import disclosure, findings, grading
from audit_analysis.analysis.exhibits.context import Context, Finish
from audit_analysis.analysis.exhibits.model import (
    SHARE,
    TEXT,
    ChartSpec,
    Exhibit,
    keys_frame,
    quantity,
)
from audit_analysis.vocabulary import OUTSIDE_PERIOD, OVERALL, STATUS_LABELS, slug

OVERALL_AREA = OVERALL.key
NONE_GRADED = "none graded"
RECEIVED = "received"  # submitted or incomplete: a return that is an audit
DUE = "due"  # received or not submitted: every return but "no involvement"


def _agency(row: object) -> str | None:
    return None if row == grading.ALL_AGENCIES else str(row)


def received_key(agency: str | None = None) -> str:
    return quantity("returns", agency=agency, status=RECEIVED)


def returns_key(agency: str | None = None) -> str:
    return quantity("returns", agency=agency)


def grade_key(agency: str | None, area: str, grade: str) -> str:
    return quantity("audits", agency=agency, area=area, grade=grade)


def _status_key(agency: str | None, status: str) -> str:
    return quantity("returns", agency=agency, status=status)


def due_key(agency: str | None = None) -> str:
    """Audits due: returns less those where the agency had no involvement (the returns chart)."""
    return quantity("returns", agency=agency, status=DUE)


def _record_return_totals(ctx: Context, table: pd.DataFrame) -> None:
    """Each agency's returns, audits due and received, and the sums tying them to statuses.

    The returns chart prints the audits received of those due, all agencies together."""
    ledger = ctx.ledger
    used = grading.statuses_used(ctx.audit.returns)
    not_audits = [s for s in used if s not in ("submitted", "incomplete")]
    for row in table.index:
        agency = _agency(row)
        statuses = {s: int(table.loc[row, s]) for s in used}
        ledger.add(returns_key(agency), sum(statuses.values()))
        received = statuses["submitted"] + statuses["incomplete"]
        ledger.add(received_key(agency), received)
        ledger.add(due_key(agency), received + statuses["not_submitted"])
        for status, n in statuses.items():
            ledger.add(_status_key(agency, status), n)
        not_due = [s for s in not_audits if s != "not_submitted"]
        ledger.relate(due_key(agency), [received_key(agency), _status_key(agency, "not_submitted")])
        ledger.relate(
            returns_key(agency), [due_key(agency), *(_status_key(agency, s) for s in not_due)]
        )
        ledger.relate(returns_key(agency), [_status_key(agency, s) for s in used])
        ledger.relate(
            received_key(agency), [_status_key(agency, s) for s in ("submitted", "incomplete")]
        )
        ledger.relate(
            returns_key(agency),
            [received_key(agency), *(_status_key(agency, s) for s in not_audits)],
        )
    agencies = [r for r in table.index if _agency(r) is not None]
    statuses = (lambda a, s=s: _status_key(a, s) for s in used)
    for key in (returns_key, received_key, due_key, *statuses):
        ledger.relate(key(None), [key(str(a)) for a in agencies])


def returns(ctx: Context) -> Finish:
    """Returns recorded per agency, by status (methodology), with the returns chart."""
    rates = grading.return_rates(ctx.audit.returns, ctx.agencies, totals=True)
    table = rates[["expected", *grading.statuses_used(ctx.audit.returns)]].astype("int64")
    _record_return_totals(ctx, table)
    keys = keys_frame(
        table,
        lambda r, c: returns_key(_agency(r)) if c == "expected" else _status_key(_agency(r), c),
    )
    table = table.rename(columns={"expected": "Returns recorded", **STATUS_LABELS})
    keys.columns = table.columns
    table.columns.name = "status"

    def finish(hidden: set[str]) -> list[Exhibit]:
        mask = ctx.mask(keys, hidden)
        n_text = ctx.n_text(returns_key(), "return", hidden)

        return [
            Exhibit(
                id="returns",
                part="methodology",
                title="Audits returned by each agency",
                table=table,
                hidden=mask,
                quantities=keys,
                caption=(
                    f"Returns recorded per agency, by status (all agencies: {n_text}, including "
                    "returns that are not audits)"
                ),
                n=ctx.ledger.values[returns_key()],
                n_text=n_text,
                note=ctx.note_for(mask),
                chart=ChartSpec(
                    "returns",  # its subtitle prints these two totals: as the paper decided
                    {"totals_hidden": [received_key() in hidden, due_key() in hidden]},
                ),
            )
        ]

    return finish


def _grade_keys(table: pd.DataFrame, ctx: Context, area_of_row=None, agency=None) -> pd.DataFrame:
    grades = set(ctx.scale.all_grades)

    def key(row: object, column: object) -> str:
        if area_of_row is None:  # rows are agencies, the overall grading
            who, area = _agency(row), OVERALL_AREA
        else:
            who, area = agency, area_of_row[row]
        if column in grades:
            return grade_key(who, area, str(column))
        status = {
            grading.OF_WHICH_INCOMPLETE: "incomplete",
            grading.NOT_SUBMITTED: "not_submitted",
            grading.NO_INVOLVEMENT: "no_involvement",
            grading.OUTSIDE_THE_PERIOD: OUTSIDE_PERIOD,
        }[str(column)]
        return _status_key(who, status)

    return keys_frame(table, key)


def _relate_rows_to_received(ctx: Context, keys: pd.DataFrame, agency_of_row) -> None:
    grades = list(ctx.scale.all_grades)
    for row in keys.index:
        ctx.ledger.relate(received_key(agency_of_row(row)), [keys.loc[row, g] for g in grades])


def overall_grades(ctx: Context) -> Finish:
    """Overall grades by agency: the table, the chart, and the audit's paragraph."""
    table = ctx.overall_grades.copy()
    table.columns = table.columns.rename("grade or status")
    keys = _grade_keys(table, ctx)
    ctx.record(table, keys)
    _relate_rows_to_received(ctx, keys, _agency)
    for column in table.columns:
        ctx.ledger.relate(
            keys.loc[grading.ALL_AGENCIES, column],
            [keys.loc[a, column] for a in table.index if _agency(a) is not None],
        )
    all_values = findings.grading_values(table.loc[grading.ALL_AGENCIES], ctx.scale)
    without = grading.agencies_without_returns(ctx.audit.gradings, ctx.agencies)

    def finish(hidden: set[str]) -> list[Exhibit]:
        mask = ctx.mask(keys, hidden)
        n_text = ctx.n_text(received_key(), "audit", hidden)
        row_hidden = _paragraph_hidden(mask.loc[grading.ALL_AGENCIES], None, hidden)
        sentence = findings.audit_paragraph(
            all_values, row_hidden, ctx.scale, without, len(ctx.agencies) - len(without)
        )
        return [
            Exhibit(
                id="overall-grades",
                part="overall_grades",
                title="Overall grade given by each agency",
                table=table,
                hidden=mask,
                quantities=keys,
                caption=f"Overall grades by agency ({n_text})",
                sentences=(sentence,),
                n=ctx.ledger.values[received_key()],
                n_text=n_text,
                note=ctx.note_for(mask),
                notes=ctx.grade_notes(),
                chart=ChartSpec(
                    "overall-grades",
                    {
                        "scale": ctx.scale.key,
                        # each bar's "n =" and the subtitle's: as the paper decided
                        "totals_hidden": {
                            str(row): received_key(_agency(row)) in hidden for row in table.index
                        },
                    },
                ),
            )
        ]

    return finish


def _paragraph_hidden(mask_row: pd.Series, agency: str | None, hidden: set[str]) -> set:
    """The keys of grading_values() to hide, read from the paper-wide decision."""
    out = {column for column, is_hidden in mask_row.items() if is_hidden}
    if received_key(agency) in hidden:
        out.add("audits")
    if returns_key(agency) in hidden:
        out.add("returns")
    return out


def _area_keys(ctx: Context) -> dict[str, str]:
    return {a.label: a.key for a in (*ctx.areas, OVERALL)}


def area_grades(ctx: Context) -> Finish:
    """Grades by key area, all agencies together."""
    table = ctx.grade_counts.area_grades()
    keys = _grade_keys(table, ctx, area_of_row=_area_keys(ctx), agency=None)
    ctx.record(table, keys)
    _relate_rows_to_received(ctx, keys, lambda _row: None)

    def finish(hidden: set[str]) -> list[Exhibit]:
        mask = ctx.mask(keys, hidden)
        return [
            Exhibit(
                id="area-grades",
                part="overall_grades",
                title="Grades for each key area of practice",
                table=table,
                hidden=mask,
                quantities=keys,
                caption="Grades by key area, all agencies",
                n=ctx.ledger.values[received_key()],
                n_text=ctx.n_text(received_key(), "audit", hidden),
                note=ctx.note_for(mask),
                notes=ctx.grade_notes("area_grades"),
                chart=ChartSpec(
                    "area-grades",
                    {
                        "scale": ctx.scale.key,
                        "areas": [[a.key, a.label] for a in ctx.areas],
                        "total_hidden": received_key() in hidden,
                    },
                ),
            )
        ]

    return finish


def agencies(ctx: Context) -> Finish:
    """Each agency with returns: its paragraph and its grades by key area."""
    overall = grading.overall_grade_distribution(
        ctx.audit.gradings, ctx.agencies, ctx.scale, include_agencies_without_returns=True
    )
    overall_keys = _grade_keys(overall, ctx)
    area_of_row = _area_keys(ctx)
    tables = {}
    for agency in ctx.agencies_with_returns:
        table = ctx.grade_counts.area_grades(agency)
        keys = _grade_keys(table, ctx, area_of_row=area_of_row, agency=agency)
        ctx.record(table, keys)
        _relate_rows_to_received(ctx, keys, lambda _row, a=agency: a)
        tables[agency] = (table, keys)
    grades = list(ctx.scale.all_grades)
    for area in area_of_row.values():
        for grade in grades:
            ctx.ledger.relate(
                grade_key(None, area, grade),
                [grade_key(a, area, grade) for a in ctx.agencies_with_returns],
            )

    def finish(hidden: set[str]) -> list[Exhibit]:
        out = []
        overall_mask = ctx.mask(overall_keys, hidden)
        for agency, (table, keys) in tables.items():
            mask = ctx.mask(keys, hidden)
            values = findings.grading_values(overall.loc[agency], ctx.scale)
            sentence = findings.agency_paragraph(
                values, _paragraph_hidden(overall_mask.loc[agency], agency, hidden), ctx.scale
            )
            n = ctx.ledger.values[received_key(agency)]
            n_text = ctx.n_text(received_key(agency), "audit", hidden)
            out.append(
                Exhibit(
                    id=f"areas-{slug(agency)}",
                    part=f"agency:{agency}",
                    title=f"{agency}: grades by key area",
                    table=table,
                    hidden=mask,
                    quantities=keys,
                    caption=f"{agency}: grades by key area ({n_text})",
                    sentences=(sentence,),
                    n=n,
                    n_text=n_text,
                    note=ctx.note_for(mask),
                    notes=ctx.grade_notes("area_grades"),
                    show_table=n > 0,
                )
            )
        return [*out, _compact(ctx, tables, hidden)]

    return finish


def abbreviation(grade: str) -> str:
    """'Requires Improvement' → 'RI', 'Not graded' → 'NG': the initials of its words."""
    return "".join(word[0].upper() for word in grade.split())


def _compact(ctx: Context, tables: dict, hidden: set[str]) -> Exhibit:
    """Every agency's key-area grades in one table ('2 G · 1 RI'), for the paper's appendix.

    It restates the per-agency tables' counts, hidden alike ('c G' where one is hidden)."""
    grades = list(ctx.scale.all_grades)
    rows = {}
    for agency, (table, keys) in tables.items():
        if int(table.to_numpy().sum()) == 0:
            continue
        rows[agency] = {
            area: " · ".join(
                f"{disclosure.MARKER if keys.loc[area, g] in hidden else table.loc[area, g]} "
                f"{abbreviation(g)}"
                for g in grades
                if table.loc[area, g] or keys.loc[area, g] in hidden
            )
            for area in table.index
        }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name, frame.columns.name = "agency", "area"
    key = ", ".join(f"{abbreviation(g)} {g}" for g in grades)
    return Exhibit(
        id="grades-by-agency-and-area",
        part="agency_appendix",
        title="Grades by key area, agency by agency",
        table=frame,
        hidden=ctx.mask(ctx.no_keys(frame), hidden),
        quantities=ctx.no_keys(frame),
        kind=TEXT,
        caption=f"Audits at each grade, by agency and key area ({key})",
        notes=ctx.grade_notes("area_grades"),
    )


def _row_grade_cells_hidden(ctx: Context, index, columns, hidden: set[str]) -> pd.DataFrame:
    """Per agency × area: is any grade count behind the cell hidden in the paper?"""
    area_of_label = _area_keys(ctx)
    data = [
        [
            any(
                grade_key(str(a), area_of_label.get(str(c), str(c)), g) in hidden
                for g in ctx.scale.all_grades
            )
            for c in columns
        ]
        for a in index
    ]
    return pd.DataFrame(data, index=index, columns=columns)


def graded_share(ctx: Context) -> Finish:
    """Share of returns carrying a grade, by agency and key area (methodology)."""
    table = ctx.grade_counts.graded_share()
    small = ctx.grade_counts.graded_share_mask(ctx.threshold)

    def finish(hidden: set[str]) -> list[Exhibit]:
        mask = small | _row_grade_cells_hidden(ctx, table.index, table.columns, hidden)
        mask &= table.notna()
        # 0% would read as poor practice; it means no audit graded that area.
        shown = table.copy()
        for column in table.columns[(table == 0).any()]:  # text, then None where no audit
            words = table[column].astype("object").where(table[column] != 0, NONE_GRADED)
            shown[column] = words.where(table[column].notna(), None)
        return [
            Exhibit(
                id="graded-share",
                part="methodology",
                title="Share of audits carrying a grade",
                table=shown,
                hidden=mask,
                quantities=ctx.no_keys(table),
                kind=SHARE,
                caption=(
                    "Share of audits (submitted or incomplete) carrying a grade, by agency and "
                    "key area; – where the agency returned no audit"
                ),
                note=ctx.note_for(mask),
                notes=ctx.illustrative("area_grades"),
            )
        ]

    return finish


def good_or_better(ctx: Context) -> Finish:
    """The heatmap of the share of graded audits at Good or better, by agency and key area."""
    share = ctx.grade_counts.good_or_better_share()
    counts = ctx.grade_counts.graded()
    small = ctx.grade_counts.good_or_better_share_mask(ctx.threshold)
    if ctx.threshold is not None:
        good = ctx.grade_counts.good_or_better()
        small |= disclosure.share_mask([good, counts - good, counts], ctx.threshold)

    graded = quantity("audits", graded="yes", agency="each", area="each")
    ctx.ledger.add(graded, int(counts.to_numpy().sum()))  # the heatmap's "n = … grades"
    ctx.ledger.relate(
        graded,
        [
            grade_key(a, area, g)
            for a in ctx.agencies_with_returns
            for area in _area_keys(ctx).values()
            for g in ctx.scale.grades
        ],
    )

    def finish(hidden: set[str]) -> list[Exhibit]:
        mask = (
            small | _row_grade_cells_hidden(ctx, share.index, share.columns, hidden)
        ) & share.notna()
        audits_hidden = received_key() in hidden
        return [
            Exhibit(
                id="good-or-better-heatmap",
                part="overall_grades",
                title=f"Audits rated {ctx.scale.good_or_better[-1]} or better, by agency and key area",
                table=share,
                hidden=mask,
                quantities=ctx.no_keys(share),
                kind=SHARE,
                detail=counts,
                notes=ctx.grade_notes("area_grades"),
                n=None if audits_hidden else ctx.ledger.values[received_key()],
                chart=ChartSpec(
                    "share-heatmap",
                    {
                        "scale": ctx.scale.key,
                        "areas": [[a.key, a.label] for a in ctx.areas],
                        "graded_hidden": graded in hidden,
                    },
                ),
                show_table=False,
            )
        ]

    return finish


GRID_CASES = 11
"""Above this many cases the grid's cells grow too narrow for their grade codes (measured in
tests/test_charts_at_any_size.py) and it becomes a smear: the paper shows how
many agencies audited each case instead (the grid itself is still filed as a table)."""


def _agencies_per_case(ctx: Context, grid: pd.DataFrame) -> Finish:
    table = grading.cases_by_agencies_auditing(grid)

    def finish(hidden: set[str]) -> list[Exhibit]:
        return [
            Exhibit(
                id="agencies-per-case",
                part="coherence",
                title="Cases by the number of agencies that audited them",
                table=table,
                hidden=ctx.mask(ctx.no_keys(table), hidden),
                quantities=ctx.no_keys(table),
                n=len(grid),
                n_text=f"n = {len(grid):,} cases",
                chart=ChartSpec("agencies-per-case"),
                show_table=False,
            ),
            Exhibit(
                id="case-agency-grid",
                part="grading_detail",
                title="Overall grade by case and agency",
                table=grid,
                hidden=ctx.mask(ctx.no_keys(grid), hidden),
                quantities=ctx.no_keys(grid),
                kind=TEXT,
            ),
        ]

    return finish


def case_grid(ctx: Context) -> Finish:
    """Which agencies knew each child, and how each graded its work (internal version only)."""
    grid = grading.case_agency_grid(ctx.audit.gradings, ctx.agencies, case_ids=ctx.case_ids)
    if len(grid) > GRID_CASES:
        return _agencies_per_case(ctx, grid)

    def finish(hidden: set[str]) -> list[Exhibit]:
        return [
            Exhibit(
                id="case-agency-grid",
                part="coherence",
                title="Overall grade by case and agency",
                table=grid,
                hidden=ctx.mask(ctx.no_keys(grid), hidden),
                quantities=ctx.no_keys(grid),
                kind=TEXT,
                notes=ctx.grade_notes("case_assignment"),
                chart=ChartSpec("case-grid", {"scale": ctx.scale.key}),
                show_table=False,
            )
        ]

    return finish
