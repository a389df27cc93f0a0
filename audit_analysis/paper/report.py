"""The board paper's parts: headings, commentary, findings, tables and figures, in report order.

Each part is a list of blocks (Markdown, a table, a chart) built from the processed
tables by the analysis modules, so the notebooks only choose which parts to show and
every number in the paper comes from one tested function. `show` is the one place
that displays blocks in a notebook and files their figures and tables in the outputs.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from audit_analysis.analysis import disclosure, findings, grading, profile, referrals
from audit_analysis.clean.pipeline import load
from audit_analysis.clean.processed import ProcessedAudit
from audit_analysis.intake.commentary import (
    MissingCommentaryError,
    commentary_markdown,
    heading_of,
    parse_commentary,
    require_complete,
    sections_with_small_numbers,
)
from audit_analysis.intake.config import MULTI_AGENCY
from audit_analysis.intake.raw_tables import PUBLICATION_COMMENTARY
from audit_analysis.paper import figures, record
from audit_analysis.paths import Workspace
from audit_analysis.vocabulary import OVERALL, STATUS_LABELS

PAPER_MIME = "application/vnd.audit-analysis.paper+json"
SUPPRESSED = disclosure.MARKER


@dataclass(frozen=True)
class Markdown:
    text: str


@dataclass(frozen=True)
class Table:
    """A table for the paper; `name` is also the file name of its CSV in outputs/<audit>/tables/."""

    frame: pd.DataFrame
    name: str
    caption: str
    percent: bool = False
    note: str = ""


@dataclass(frozen=True)
class Chart:
    figure: figures.PaperFigure
    name: str

    @property
    def alt_text(self) -> str:
        return figures.alt_text_of(self.figure)


Block = Markdown | Table | Chart

PAPER_PARTS: tuple[str, ...] = (
    "introduction",
    "audit_sample",
    "methodology",
    "limitations",
    "overall_grades",
    "coherence",
    "agencies_part",
    "summary",
    "recommendations",
    "referral_history",
    "case_outlines",
    "glossary",
)
"""The board paper's parts in report order; notebooks/04_board_paper.ipynb shows each of them."""


def format_period(start: dt.date, end: dt.date) -> str:
    return f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}"


@dataclass
class BoardPaper:
    """One audit's board paper, internal or publication version."""

    audit: ProcessedAudit
    publication: bool = False
    root: str | None = None
    run_date: dt.date = field(default_factory=dt.date.today)

    def __post_init__(self) -> None:
        self.config = self.audit.config
        self.scale = self.config.scale
        self.agencies = list(self.config.agency_names)
        self.threshold = self.config.disclosure_threshold if self.publication else None
        if self.publication and self.threshold is None:
            raise ValueError(
                f"{self.config.id}: a publication version needs disclosure_threshold in "
                "audit.yaml (e.g. 5, the DfE convention): without it no small number is hidden"
            )
        text = self.audit.commentary
        if self.publication and self.audit.publication_commentary is not None:
            text = self.audit.publication_commentary
        self.commentary = parse_commentary(text, self.config)
        self.disclosive = (
            sections_with_small_numbers(self.commentary, self.threshold) if self.publication else {}
        )
        present = set(self.audit.returns["agency"])
        self.agencies_with_returns = [a for a in self.agencies if a in present]
        self.case_ids = list(self.audit.cases["case_id"])

    # -- the paper's details -------------------------------------------------------------
    def details(self) -> dict:
        """The title block, as the exporter reads it."""
        config = self.config
        return {
            "audit_id": config.id,
            "title": config.title,
            "board": config.board,
            "theme": config.theme,
            "period": format_period(config.period.start, config.period.end),
            "author": config.author or "",
            "run_date": self.run_date.isoformat(),
            "report_date": config.report_date.isoformat() if config.report_date else "",
            "protective_marking": config.protective_marking,
            "publication": self.publication,
            "disclosure_threshold": self.threshold,
        }

    def output_dir(self, output_dir: str | Path | None = None) -> Path:
        """Where this run files figures and tables: the runner's staging folder, or outputs/<audit-id>/."""
        if output_dir is not None:
            return Path(output_dir)
        return Workspace.at(self.root).audit(self.config.id).outputs

    def require_commentary(self) -> None:
        """For a final paper: fail, naming every missing section, and in a publication
        version every section that would print a small number, all in one message."""
        problems, missing = [], []
        try:
            require_complete(self.config.id, self.commentary, self.agencies_with_returns)
        except MissingCommentaryError as exc:
            problems.append(str(exc))
            missing = exc.missing
        if self.disclosive:
            listed = "; ".join(
                f"{heading_of(k)} ({', '.join(v[:3])})" for k, v in self.disclosive.items()
            )
            problems.append(
                f"{self.config.id}: the commentary prints numbers from 1 to {self.threshold} in: "
                f"{listed}. Write a publication version in {PUBLICATION_COMMENTARY} without them."
            )
        if problems:
            raise MissingCommentaryError(self.config.id, missing, " ".join(problems))

    # -- helpers -------------------------------------------------------------------------
    def _commentary(self, key: str) -> Markdown:
        text = commentary_markdown(self.commentary, key)
        if key in self.disclosive:
            text = (
                f"**Disclosure check:** this commentary prints small numbers "
                f"({_md(', '.join(self.disclosive[key][:5]))}); write a publication version in "
                f"`{PUBLICATION_COMMENTARY}` before publishing.\n\n" + text
            )
        return Markdown(text)

    def _optional_commentary(self, key: str) -> list[Block]:
        return [self._commentary(key)] if self.commentary.get(key) else []

    def _n(self, count: int, noun: str) -> str:
        """'n = 3 audits', or 'n = c' in a publication version when the count is small."""
        if disclosure.is_small(count, self.threshold):
            return f"n = {SUPPRESSED}"
        return f"n = {findings.count_noun(count, noun)}"

    def _suppressed(self, table: pd.DataFrame, **kwargs) -> pd.DataFrame:
        return disclosure.suppress(table, self.threshold, **kwargs)

    def _suppression_note(self, table: pd.DataFrame | None = None) -> str:
        if not self.threshold:
            return ""
        if table is not None and not (table.astype(str) == SUPPRESSED).to_numpy().any():
            return ""
        return disclosure.suppression_note(self.threshold)

    def _table(self, frame: pd.DataFrame, name: str, caption: str, **kwargs) -> Table:
        return Table(frame, name, caption, note=self._suppression_note(frame), **kwargs)

    # -- parts, in report order ----------------------------------------------------------
    def introduction(self) -> list[Block]:
        config = self.config
        returned = grading.return_rates(self.audit.returns, self.agencies)
        submitting = int(((returned["submitted"] + returned["incomplete"]) > 0).sum())
        facts = (
            f"**Board:** {_md(config.board)}  \n**Theme:** {_md(config.theme)}  \n"
            f"**Audit period:** {format_period(config.period.start, config.period.end)}  \n"
            f"**Cases audited:** {len(self.case_ids)}  \n"
            f"**Agencies taking part:** {len(self.agencies)}, of which "
            f"{submitting} submitted audits"
        )
        return [Markdown("## Introduction"), Markdown(facts), self._commentary("introduction")]

    def audit_sample(self) -> list[Block]:
        cases = self.audit.cases
        profile_table = profile.case_profile(cases)
        themes = profile.theme_counts(cases, self.audit.themes)
        return [
            Markdown("## Audit sample"),
            self._commentary("audit_sample"),
            Markdown(
                findings.profile_findings(cases, themes=self.audit.themes, threshold=self.threshold)
            ),
            Chart(
                figures.plot_case_profile(
                    profile_table, n_children=len(cases), threshold=self.threshold
                ),
                "case-profile",
            ),
            Chart(
                figures.plot_themes(
                    themes[["cases"]], n_cases=len(cases), threshold=self.threshold
                ),
                "issue-themes",
            ),
        ]

    def methodology(self) -> list[Block]:
        gradings, areas = self.audit.gradings, self.config.areas
        rates = grading.return_rates(self.audit.returns, self.agencies, totals=True)
        shown = rates[["expected", "submitted", "incomplete", "not_submitted", "no_involvement"]]
        shown = shown.rename(columns={"expected": "Returns expected", **STATUS_LABELS})
        statuses = list(shown.columns[1:])
        graded = grading.graded_share(gradings, self.agencies, areas, self.scale)
        graded_mask = grading.graded_share_mask(
            gradings, self.agencies, areas, self.scale, self.threshold
        )
        expected = int(rates.loc[grading.ALL_AGENCIES, "expected"])
        return [
            Markdown("## Methodology"),
            self._commentary("methodology"),
            Markdown("### Returns and completion"),
            *self._optional_commentary("returns"),
            Chart(
                figures.plot_returns(
                    grading.return_rates(self.audit.returns, self.agencies),
                    threshold=self.threshold,
                ),
                "returns",
            ),
            self._table(
                self._suppressed(
                    shown, row_groups=[statuses], total_row=grading.ALL_AGENCIES, column_totals=True
                ),
                "returns",
                f"Returns per agency, by status ({self._n(expected, 'return')}, "
                "including returns where the agency had no involvement)",
            ),
            self._table(
                disclosure.apply_mask(graded, graded_mask),
                "graded-share",
                "Share of returns (submitted or incomplete) carrying a grade, by agency and key area",
                percent=True,
            ),
        ]

    def limitations(self) -> list[Block]:
        return [Markdown("## Limitations"), self._commentary("limitations")]

    def overall_grades(self) -> list[Block]:
        gradings = self.audit.gradings
        table = grading.overall_grade_distribution(gradings, self.agencies, self.scale, totals=True)
        mask = grading.overall_distribution_mask(table, self.scale, self.threshold)
        chart_table = grading.overall_grade_distribution(gradings, self.agencies, self.scale)
        chart_mask = grading.overall_distribution_mask(chart_table, self.scale, self.threshold)
        areas = grading.area_grade_distribution(gradings, self.config.areas, self.scale)
        share = grading.good_or_better_share(gradings, self.agencies, self.config.areas, self.scale)
        share_mask = grading.good_or_better_share_mask(
            gradings, self.agencies, self.config.areas, self.scale, self.threshold
        )
        audits = int(table.loc[grading.ALL_AGENCIES, list(self.scale.all_grades)].sum())
        return [
            Markdown("## Overall gradings"),
            Markdown(
                findings.audit_findings(
                    gradings, self.agencies, self.scale, threshold=self.threshold
                )
            ),
            *self._optional_commentary("overall_gradings"),
            Chart(
                figures.plot_overall_grades(
                    chart_table, self.scale, threshold=self.threshold, suppressed=chart_mask
                ),
                "overall-grades",
            ),
            self._table(
                disclosure.apply_mask(table, mask),
                "overall-grades",
                f"Overall grades by agency ({self._n(audits, 'audit')})",
            ),
            Markdown("### Grades by key area"),
            *self._optional_commentary("key_areas"),
            Chart(
                figures.plot_area_grades(
                    areas, self.scale, areas=self.config.areas, threshold=self.threshold
                ),
                "area-grades",
            ),
            self._table(self._suppressed(areas), "area-grades", "Grades by key area, all agencies"),
            Chart(
                figures.plot_share_heatmap(
                    share,
                    grading.graded_counts(gradings, self.agencies, self.config.areas, self.scale),
                    self.scale,
                    areas=self.config.areas,
                    threshold=self.threshold,
                    suppressed=share_mask,
                    n_audits=None if disclosure.is_small(audits, self.threshold) else audits,
                ),
                "good-or-better-heatmap",
            ),
        ]

    def coherence(self) -> list[Block]:
        if self.publication:
            return []
        grid = grading.case_agency_grid(self.audit.gradings, self.agencies, case_ids=self.case_ids)
        return [
            Markdown("### Coherence across agencies"),
            Markdown(
                "Which agencies knew each child, and how each graded its own work: "
                "rows are agencies, columns cases."
            ),
            *self._optional_commentary("coherence"),
            Chart(figures.plot_case_grid(grid, self.scale), "case-agency-grid"),
        ]

    def agency(self, agency: str, sentences: str | None = None) -> list[Block]:
        """One agency's section; `sentences` are its findings when already worked out."""
        gradings = self.audit.gradings
        if sentences is None:
            sentences = findings.agency_findings(
                gradings, self.agencies, agency, self.scale, threshold=self.threshold
            )
        blocks: list[Block] = [Markdown(f"### {_md(agency)}"), Markdown(sentences)]
        areas = grading.area_grade_distribution(
            gradings, self.config.areas, self.scale, agency=agency
        )
        audits = int(areas.iloc[-1].sum())
        if audits:
            blocks.append(
                self._table(
                    self._suppressed(areas),
                    f"areas-{_slug(agency)}",
                    f"{agency}: grades by key area ({self._n(audits, 'audit')})",
                )
            )
        blocks.append(self._commentary(f"agency:{agency}"))
        if not self.publication:
            blocks.extend(self._evidence(agency))
        return blocks

    def agencies_part(self) -> list[Block]:
        blocks: list[Block] = [Markdown("## Agencies' practice")]
        sentences = findings.findings_by_agency(
            self.audit.gradings, self.agencies, self.scale, threshold=self.threshold
        )
        for agency in self.agencies_with_returns:
            blocks.extend(self.agency(agency, sentences[agency]))
        return blocks

    def _evidence(self, agency: str) -> list[Block]:
        """The returns' own words, grouped so identical notes on several cases appear once."""
        evidence = self.audit.evidence
        rows = evidence[evidence["agency"] == agency]
        if rows.empty:
            return []
        lines = []
        for (area, text), group in rows.groupby(["area", "text"], sort=False):
            cases = findings.join_words(list(group["case_id"]))
            label = f"Case{'s' if len(group) > 1 else ''} {cases}"
            if area != OVERALL.key:
                label += f", {self.config.area_label(area)}"
            lines.append(f"- **{_md(label)}:** {_md(text)}")
        return [
            Markdown("**Evidence from the returns** (internal version only)\n\n" + "\n".join(lines))
        ]

    def summary(self) -> list[Block]:
        return [Markdown("## Summary"), self._commentary("summary")]

    def recommendations(self) -> list[Block]:
        recs = self.audit.recommendations
        blocks: list[Block] = [Markdown("## Recommendations")]
        if recs.empty:
            return [*blocks, Markdown("No recommendations have been recorded for this audit.")]
        per_scope = profile.recommendations_by_scope(recs, self.agencies)
        blocks.append(
            Table(
                per_scope,
                "recommendations-by-scope",
                f"Recommendations ({self._n(len(recs), 'recommendation')})",
            )
        )
        for scope, group in recs.groupby("scope", sort=False):
            heading = "Multi-agency" if scope == MULTI_AGENCY else scope
            lines = [f"{r.number}. {_md(r.text)}" + _owner(r) for r in group.itertuples()]
            blocks.append(Markdown(f"### {_md(heading)}\n\n" + "\n".join(lines)))
        return blocks

    def referral_history(self) -> list[Block]:
        refs = self.audit.referrals
        per_case = referrals.referrals_per_case(refs, self.case_ids, period="before")
        categories = referrals.referral_categories(refs, period="before")
        outcomes = referrals.referral_outcomes(refs, period="during")
        return [
            Markdown("## Appendix 1: Referral history"),
            Markdown(findings.referral_findings(refs, self.case_ids, threshold=self.threshold)),
            *self._optional_commentary("referral_history"),
            Chart(
                figures.plot_referrals_per_case(per_case, threshold=self.threshold),
                "referrals-before-per-case",
            ),
            Chart(
                figures.plot_referral_categories(categories, threshold=self.threshold),
                "referral-categories-before",
            ),
            Chart(
                figures.plot_referral_outcomes(outcomes, threshold=self.threshold),
                "referral-outcomes-during",
            ),
        ]

    def case_outlines(self) -> list[Block]:
        if self.publication:
            return []
        cases = self.audit.cases
        table = pd.DataFrame(
            {
                "Case": cases["case_id"],
                "Age": cases["age"].astype("string").fillna("not known"),
                "Gender": cases["gender"],
                "Outline issues": cases["issues"],
            }
        ).set_index("Case")
        return [
            Markdown("## Appendix 2: Case outlines"),
            Table(table, "case-outlines", f"The {findings.count_noun(len(cases), 'case')} sampled"),
        ]

    def glossary(self) -> list[Block]:
        if self.commentary.get("glossary") is None:
            return []
        return [Markdown("## Glossary"), self._commentary("glossary")]

    # -- working detail for the auditor (notebooks 02 and 03, not the paper) ------------
    def grading_detail(self) -> list[Block]:
        gradings, areas = self.audit.gradings, self.config.areas
        return [
            Markdown("### Share Good or better, by agency and key area (graded returns only)"),
            Table(
                grading.good_or_better_share(gradings, self.agencies, areas, self.scale),
                "good-or-better-share",
                "Share of graded returns at Good or better",
                percent=True,
            ),
            Markdown("### Graded returns, by agency and key area"),
            Table(
                grading.graded_counts(gradings, self.agencies, areas, self.scale),
                "graded-counts",
                "Returns carrying a grade, by agency and key area",
            ),
            Markdown("### Grade counts, by agency and key area"),
            Table(
                grading.agency_area_grade_matrix(gradings, self.agencies, areas, self.scale),
                "agency-area-grades",
                "Grades by agency and key area",
            ),
        ]

    def referral_detail(self) -> list[Block]:
        refs = self.audit.referrals
        return [
            Markdown("### Referrals per case, by audit period"),
            Table(
                referrals.referrals_by_period(refs, self.case_ids),
                "referrals-by-period",
                "Referrals per case",
            ),
            Markdown("### Re-referrals within the audit period"),
            Table(
                referrals.re_referrals(refs),
                "re-referrals",
                "Cases referred twice or more during the period",
            ),
            Markdown("### Time between referrals"),
            Table(
                referrals.referral_interval_summary(refs),
                "referral-intervals",
                "Days between consecutive referrals, per case",
            ),
            Markdown("### Outline issues not matched to a theme"),
            Markdown(
                "Extend `themes.yaml` (in the audit folder or the package) so these fall into a theme."
            ),
            Table(
                profile.unmatched_issues(self.audit.cases, self.audit.themes).set_index("case_id"),
                "unmatched-issues",
                "Unmatched issues",
            ),
        ]

    def parts(self) -> list[list[Block]]:
        """The whole paper, in the report's order."""
        return [getattr(self, name)() for name in PAPER_PARTS]


def _md(text: object) -> str:
    return findings.escape_markdown(html.escape(str(text), quote=False))


def _slug(text: str) -> str:
    return "-".join("".join(c.lower() if c.isalnum() else " " for c in text).split())


def _owner(row) -> str:
    extra = [v for v in (row.owner, f"due {row.due}" if row.due else "", row.status) if v]
    return f" *({_md('; '.join(extra))})*" if extra else ""


def open_paper(
    audit_id: str, root: str | None = None, *, publication: bool = False, final: bool = False
) -> BoardPaper:
    """The board paper of an audit, cleaning its raw data first when it changed."""
    workspace = Workspace.at(root)
    if audit_id not in workspace.audit_ids():
        raise FileNotFoundError(
            f"no audit '{audit_id}' under {workspace.raw}; audits found: {', '.join(workspace.audit_ids()) or 'none'}"
        )
    paths = workspace.audit(audit_id)
    paper = BoardPaper(load(paths), publication=publication, root=root)
    if final:
        paper.require_commentary()
    return paper


def _percent(value: object) -> object:
    if isinstance(value, str):
        return value
    return "–" if pd.isna(value) else f"{value:.0%}"


def validation_blocks(audit_id: str, root: str | None = None) -> list[Block]:
    """Clean the audit and report what was found; raises (after listing them) when there are errors."""
    from audit_analysis.clean.pipeline import validate
    from audit_analysis.clean.processed import write_processed
    from audit_analysis.problems import AuditDataError, errors_in, warnings_in

    paths = Workspace.at(root).audit(audit_id)
    result = validate(paths)
    errors, warnings = errors_in(result.problems), warnings_in(result.problems)
    lines = [
        f"**{len(errors)} error(s), {len(warnings)} warning(s)** in `data/raw/{_md(audit_id)}/`."
    ]
    for title, group in (("Errors", errors), ("Warnings", warnings)):
        if group:
            lines += ["", f"**{title}**", ""] + [f"- {_md(p)}" for p in group]
    blocks: list[Block] = [Markdown("\n".join(lines))]
    if errors:
        show(blocks)
        raise AuditDataError(audit_id, result.problems)
    write_processed(result, paths)
    counts = pd.DataFrame({"rows": {name: len(frame) for name, frame in result.tables().items()}})
    counts.index.name = "processed table"
    return [
        *blocks,
        Table(counts, "processed-rows", f"Tables written to data/processed/{audit_id}/"),
    ]


def table_html(table: Table) -> str:
    """A table as escaped HTML with its caption; NaN shown as a dash, shares as percentages."""
    frame = table.frame.copy()
    if frame.index.name and not isinstance(frame.columns, pd.MultiIndex):
        frame.columns.name, frame.index.name = frame.index.name, None
    if table.percent:
        frame = frame.apply(lambda col: col.map(_percent))
    body = frame.to_html(escape=True, border=0, na_rep="–", classes="audit-table")
    caption = f"<caption>{html.escape(table.caption)}</caption>"
    body = body.replace(">", ">" + caption, 1)
    note = f'<p class="table-note">{html.escape(table.note)}</p>' if table.note else ""
    return body + note


def save_blocks(blocks: Iterable[Block], output_dir: Path) -> dict[str, Path]:
    """File figures (PNG, SVG, alt text) and tables (CSV) under the run's output folder.

    Returns each chart's PNG path by name, so showing it need not render it again.
    """
    pngs = {}
    for block in blocks:
        if isinstance(block, Chart):
            saved = figures.save_figure(block.figure, output_dir / "figures" / block.name)
            pngs[block.name] = saved["png"]
        elif isinstance(block, Table):
            (output_dir / "tables").mkdir(parents=True, exist_ok=True)
            block.frame.to_csv(output_dir / "tables" / f"{block.name}.csv", lineterminator="\n")
    return pngs


def show(blocks: Iterable[Block], output_dir: str | Path | None = None) -> None:
    """Display blocks in a notebook (and file them when `output_dir` is given)."""
    import matplotlib.pyplot as plt
    from IPython.display import HTML, display
    from IPython.display import Markdown as MarkdownOutput

    blocks = list(blocks)
    pngs = save_blocks(blocks, Path(output_dir)) if output_dir is not None else {}
    if (
        _recording is not None
        and output_dir is not None
        and Path(output_dir) == _recording.output_dir
    ):
        _recording.add(record_blocks(blocks, pngs))
    for block in blocks:
        if isinstance(block, Markdown):
            display(MarkdownOutput(block.text))
        elif isinstance(block, Table):
            display(HTML(table_html(block)))
        else:
            saved = pngs.get(block.name)
            block.figure.display(saved.read_bytes() if saved else None)
            plt.close(block.figure)


def record_blocks(blocks: Iterable[Block], pngs: dict[str, Path]) -> list[record.Block]:
    """The blocks as renderers read them (record.py): a chart as its saved PNG and alt text."""
    converted: list[record.Block] = []
    for block in blocks:
        if isinstance(block, Markdown):
            converted.append(record.Text(block.text))
        elif isinstance(block, Table):
            converted.append(
                record.TableData(block.frame, block.caption, block.note, block.percent, block.name)
            )
        else:
            caption = block.figure.title_text()
            converted.append(record.Picture(pngs[block.name], block.alt_text, block.name, caption))
    return converted


_recording: record.PaperRecord | None = None
"""The paper being recorded in this kernel: started by `publish_details`, added to by `show`."""


def publish_details(paper: BoardPaper, output_dir: str | Path | None = None) -> None:
    """Hand the title block to the exporter through the notebook's outputs (invisible in the
    paper); with `output_dir`, also start recording the paper's blocks there (record.py), which
    the Word renderer reads."""
    from IPython.display import display

    global _recording
    display({PAPER_MIME: paper.details()}, raw=True)
    if output_dir is not None:
        _recording = record.PaperRecord(output_dir, paper.details())
