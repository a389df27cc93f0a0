"""The board paper's parts, in report order: headings, commentary and the audit's exhibits.

Every number comes from an exhibit (analysis/exhibits), built once per run and read here; this
module only arranges them beside the auditor's commentary. The notebooks choose which parts
to show; `show` (paper/blocks.py) displays them.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from pathlib import Path

from audit_analysis.analysis.exhibits.model import Exhibits
from audit_analysis.analysis.findings import escape_markdown, join_words
from audit_analysis.clean.cleaning import commentary_problems
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
from audit_analysis.intake.config import (
    ILLUSTRATIVE_INPUTS,
    MULTI_AGENCY,
    scaffold_placeholders,
)
from audit_analysis.intake.raw_tables import COMMENTARY_FILES, PUBLICATION_COMMENTARY
from audit_analysis.paper.blocks import Block, Chart, Markdown, Table, record_paper, show
from audit_analysis.paper.outputs import FIGURES, current_outputs
from audit_analysis.paths import Workspace
from audit_analysis.problems import listing
from audit_analysis.vocabulary import OVERALL

DETAIL_MAX_ROWS = (
    250  # the auditor's working tables (notebooks 02, 03) show more rows than the paper
)

PAPER_MIME = "application/vnd.audit-analysis.paper+json"

PAPER_PARTS: tuple[str, ...] = (
    "key_messages",
    "introduction",
    "audit_sample",
    "methodology",
    "limitations",
    "overall_grades",
    "agencies_part",
    "summary",
    "recommendations",
    "follow_up",
    "glossary",
    "referral_history",
    "case_outlines",
    "agency_appendix",
    "coherence",
)
"""The board paper's parts in report order; notebooks/04_board_paper.ipynb shows each of them.
The key messages come first: the exporter sets them on page 1, under the title block."""

KEY_MESSAGES = "Key messages"
"""The heading of the paper's first part; export.py moves that part before the contents."""

__all__ = [
    "PAPER_MIME",
    "PAPER_PARTS",
    "BoardPaper",
    "Chart",
    "Markdown",
    "Table",
    "open_paper",
    "show",
]


def paper_commentary(
    audit: ProcessedAudit, threshold: int | None
) -> tuple[dict, dict[str, list[str]]]:
    """The commentary the paper prints (a publication's own file when there is one), and the
    sections of it that would print small numbers in a publication version."""
    text = audit.commentary
    if threshold is not None and audit.publication_commentary is not None:
        text = audit.publication_commentary
    commentary = parse_commentary(text, audit.config)
    bases = [len(audit.cases), len(audit.returns)]  # what a percentage in the text is likely of
    disclosive = sections_with_small_numbers(commentary, threshold, bases) if threshold else {}
    return commentary, disclosive


def require_final_commentary(audit: ProcessedAudit, threshold: int | None) -> None:
    """For a final paper: fail, naming every missing section, every scaffold [placeholder]
    left in audit.yaml, and in a publication version every section that would print a small
    number, all in one message."""
    commentary, disclosive = paper_commentary(audit, threshold)
    present = set(audit.returns["agency"])
    with_returns = [a for a in audit.config.agency_names if a in present]
    problems, missing = [], []
    try:
        require_complete(audit.config.id, commentary, with_returns)
    except MissingCommentaryError as exc:
        problems.append(str(exc))
        missing = exc.missing
    placeholders = scaffold_placeholders(audit.config)
    if placeholders:
        listed = ", ".join(f"{key} {value!r}" for key, value in placeholders.items())
        problems.append(
            f"{audit.config.id}: audit.yaml still has placeholders from `audit-analysis new`: "
            f"{listed}. Replace them before a final paper."
        )
    if disclosive:
        listed = "; ".join(f"{heading_of(k)} ({', '.join(v[:3])})" for k, v in disclosive.items())
        problems.append(
            f"{audit.config.id}: the commentary prints numbers from 1 to {threshold} in: "
            f"{listed}. Write a publication version in {PUBLICATION_COMMENTARY} without them."
        )
    if problems:
        raise MissingCommentaryError(audit.config.id, missing, " ".join(problems))


def check_paper_inputs(
    audit_id: str, root: str | None = None, *, publication: bool = False, final: bool = False
) -> None:
    """What would stop the paper, checked before any notebook runs: a publication without a
    disclosure threshold, a final paper with commentary missing."""
    audit = load(Workspace.at(root).audit(audit_id))
    threshold = audit.config.disclosure_threshold if publication else None
    if publication and threshold is None:
        raise ValueError(
            f"{audit_id}: a publication version needs disclosure_threshold in audit.yaml "
            "(e.g. 5, the DfE convention): without it no small number is hidden"
        )
    if final:
        require_final_commentary(audit, threshold)


def format_period(period) -> str:
    """'November 2015 to November 2016 (12 months)' when given in months, else the dates."""
    if period.by_month:
        return f"{period.describe()} ({period.months} months)"
    return period.describe()


@dataclass
class BoardPaper:
    """One audit's board paper, internal or publication version, over its filed exhibits."""

    audit: ProcessedAudit
    exhibits: Exhibits
    out: Path
    run_date: dt.date = field(default_factory=dt.date.today)
    final: bool = False

    def __post_init__(self) -> None:
        self.config = self.audit.config
        self.publication = self.exhibits.publication
        self.threshold = self.exhibits.threshold
        self.agencies = list(self.config.agency_names)
        self.commentary, self.disclosive = paper_commentary(self.audit, self.threshold)
        present = set(self.audit.returns["agency"])
        self.agencies_with_returns = [a for a in self.agencies if a in present]

    # -- the paper's details -------------------------------------------------------------
    def details(self) -> dict:
        """The title block, as the exporter reads it."""
        config = self.config
        return {
            "audit_id": config.id,
            "title": config.title,
            "board": config.board,
            "theme": config.theme,
            "period": format_period(config.period),
            "author": config.author or "",
            "run_date": self.run_date.isoformat(),
            "report_date": config.report_date.describe() if config.report_date else "",
            "protective_marking": config.protective_marking,
            "publication": self.publication,
            "disclosure_threshold": self.threshold,
        }

    def commentary_checks(self) -> list[Block]:
        """What is wrong with the commentary this paper prints, for the auditor (notebook 04
        shows it in a cell the export leaves out)."""
        problems = commentary_problems(
            self.config, self.audit.commentary, self.audit.publication_commentary
        )
        if not problems:
            return [Markdown("**The commentary:** no problems found.")]
        lines = [f"**The commentary:** {len(problems)} problem(s).", ""]
        lines += [f"- {_md(line)}" for line in listing(problems)]
        return [Markdown("\n".join(lines))]

    def require_commentary(self) -> None:
        """For a final paper: fail, naming every missing section (see require_final_commentary)."""
        require_final_commentary(self.audit, self.threshold)

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

    def _sentences(self, exhibit_id: str) -> list[Block]:
        exhibit = self.exhibits.get(exhibit_id)
        return [Markdown(" ".join(exhibit.sentences))] if exhibit and exhibit.sentences else []

    def _chart(self, exhibit_id: str) -> list[Block]:
        exhibit = self.exhibits.get(exhibit_id)
        return [Chart.of(exhibit, self.out / FIGURES)] if exhibit and exhibit.chart else []

    def _table(self, exhibit_id: str) -> list[Block]:
        exhibit = self.exhibits.get(exhibit_id)
        return [Table.of(exhibit)] if exhibit and exhibit.show_table else []

    # -- parts, in report order ----------------------------------------------------------
    def key_messages(self) -> list[Block]:
        """Page 1: what the board should take away, the headline figures, and what it is asked to do."""
        blocks: list[Block] = [Markdown(f"## {KEY_MESSAGES}"), *self._front("key_messages")]
        blocks += self._table("headline-figures")
        asks = self._front("board_asks")
        if asks:
            blocks += [Markdown("### The board is asked to…"), *asks]
        return blocks

    def _front(self, key: str) -> list[Block]:
        """A first-page section: its commentary, or in a draft a placeholder saying what to write."""
        if self.commentary.get(key) is None and self.final:
            return []
        return [self._commentary(key)]

    def introduction(self) -> list[Block]:
        config = self.config
        facts = self.exhibits["audit-facts"].table["value"]
        agencies = [
            f"{facts['Agencies that submitted audits']} submitted audits",
            *(
                f"{facts[label]} {words}"
                for label, words in (
                    ("Agencies with no contact with the sample", "had no contact with the sample"),
                    ("Agencies that could not complete an audit", "could not complete an audit"),
                )
                if facts[label]
            ),
        ]
        text = (
            f"**Board:** {_md(config.board)}  \n**Theme:** {_md(config.theme)}  \n"
            f"**Audit period:** {format_period(config.period)}  \n"
            f"**Cases audited:** {facts['Cases audited']}  \n"
            f"**Agencies:** {'; '.join(agencies)}"
        )
        return [Markdown("## Introduction"), Markdown(text), self._commentary("introduction")]

    def audit_sample(self) -> list[Block]:
        """The sample in words (every count of the profile, stated once) and its themes."""
        sample = self.config.sample.strip()  # how the cases were chosen, from audit.yaml
        return [
            Markdown("## Audit sample"),
            *([Markdown(f"**How the sample was chosen:** {_md(sample)}")] if sample else []),
            self._commentary("audit_sample"),
            *self._sentences("case-profile"),
            *self._chart("issue-themes"),
        ]

    def methodology(self) -> list[Block]:
        return [
            Markdown("## Methodology"),
            self._commentary("methodology"),
            Markdown("### Returns and completion"),
            *self._optional_commentary("returns"),
            *self._table("returns"),
            *self._about_the_data(),
        ]

    def _about_the_data(self) -> list[Block]:
        """Which inputs are reconstructed and why, said once; each exhibit on them is marked."""
        illustrative = self.config.illustrative
        if not illustrative:
            return []
        lines = [
            f"- **{_md(ILLUSTRATIVE_INPUTS[key].capitalize())}:** {_md(why)}"
            for key, why in illustrative.items()
        ]
        return [
            Markdown(
                "**Illustrative data.** Some inputs were reconstructed rather than recorded; "
                "every table and chart built on them is marked *Illustrative*.\n\n"
                + "\n".join(lines)
            )
        ]

    def limitations(self) -> list[Block]:
        return [Markdown("## Limitations"), self._commentary("limitations")]

    def overall_grades(self) -> list[Block]:
        """The agencies' own overall grades, each count once (the table: the chart of the same
        counts is filed in figures/), and the key areas pooled. The agency × area heatmap
        reads as a league table of unmoderated self-grades: filed, not printed."""
        return [
            Markdown("## Overall gradings"),
            *self._sentences("overall-grades"),
            *self._optional_commentary("overall_gradings"),
            *self._table("overall-grades"),
            *self._table("moderation"),
            Markdown("### Grades by key area"),
            *self._optional_commentary("key_areas"),
            *self._table("area-grades"),
        ]

    def coherence(self) -> list[Block]:
        """The grades case by case (internal version only), after Appendix 3 in a part of its
        own, so the chart sits on a portrait page even when the appendix's table is landscape."""
        if "agencies-per-case" in self.exhibits:  # a large sample: the grid would be a smear
            lead = (
                "How many agencies audited each child's case. The overall grade each agency "
                "gave each case is in tables/case-agency-grid.csv beside this paper."
            )
            chart = "agencies-per-case"
        elif "case-agency-grid" in self.exhibits:
            lead = (
                "Which agencies knew each child, and how each graded its own work: "
                "rows are agencies, columns cases."
            )
            chart = "case-agency-grid"
        else:
            return []
        return [
            Markdown("### Coherence across agencies"),
            Markdown(lead),
            *self._optional_commentary("coherence"),
            *self._chart(chart),
        ]

    def agency(self, agency: str) -> list[Block]:
        """One agency's section: its counts, stated once, then the auditor's commentary.

        Its grades by key area and the returns' own words are in the appendix."""
        exhibit = next(e for e in self.exhibits.of_part(f"agency:{agency}"))
        return [
            Markdown(f"### {_md(agency)}"),
            *self._sentences(exhibit.id),
            self._commentary(f"agency:{agency}"),
        ]

    def agency_appendix(self) -> list[Block]:
        """Each agency's grades by key area in one table and, in the internal version, the
        returns' own words agency by agency and the grades case by case."""
        blocks = self._table("grades-by-agency-and-area")
        if not self.publication:
            blocks.append(
                Markdown(
                    "**Evidence from the returns** (internal version only): the agencies' own "
                    "notes, one line for a note that covers several cases."
                )
            )
            for agency in self.agencies_with_returns:
                evidence = self._evidence(agency)
                if evidence:  # under the contents' depth: thirteen agencies would swamp it
                    blocks += [Markdown(f"**{_md(agency)}**"), *evidence]
        if not blocks:
            return []
        title = "Appendix 3: Grades by key area, agency by agency"
        if not self.publication:
            title = "Appendix 3: Grades by key area, and evidence from the returns"
        return [Markdown(f"## {title}"), *blocks]

    def agencies_part(self) -> list[Block]:
        blocks: list[Block] = [Markdown("## Agencies' practice")]
        for agency in self.agencies_with_returns:
            blocks.extend(self.agency(agency))
        return blocks

    def _evidence(self, agency: str) -> list[Block]:
        """The returns' own words, grouped so identical notes on several cases appear once."""
        evidence = self.audit.evidence
        rows = evidence[evidence["agency"] == agency]
        if rows.empty:
            return []
        lines = []
        for (area, text), group in rows.groupby(["area", "text"], sort=False):
            cases = join_words(list(group["case_id"]))
            label = f"Case{'s' if len(group) > 1 else ''} {cases}"
            if area != OVERALL.key:
                label += f", {self.config.area_label(area)}"
            lines.append(f"- **{_md(label)}:** {_md(text)}")
        return [Markdown("\n".join(lines))]

    def follow_up(self) -> list[Block]:
        """Children needing follow-up: the immediate-concerns log (internal version only)."""
        if self.publication or "concerns" not in self.exhibits:
            return []
        return [
            Markdown("## Children needing follow-up"),
            *self._sentences("concerns"),
            *self._table("concerns"),
        ]

    def summary(self) -> list[Block]:
        return [Markdown("## Summary"), self._commentary("summary")]

    def recommendations(self) -> list[Block]:
        recs = self.audit.recommendations
        blocks: list[Block] = [Markdown("## Recommendations")]
        if recs.empty:
            return [*blocks, Markdown("No recommendations have been recorded for this audit.")]
        for scope, group in recs.groupby("scope", sort=False):
            heading = "Multi-agency" if scope == MULTI_AGENCY else group["heading"].iloc[0]
            lines = [f"{r.number}. {_md(r.text)}" + _owner(r) for r in group.itertuples()]
            blocks.append(Markdown(f"### {_md(heading)}\n\n" + "\n".join(lines)))
        return blocks

    def referral_history(self) -> list[Block]:
        per_case = next(
            (
                e
                for e in ("referrals-before-per-case", "children-by-referrals-before")
                if e in self.exhibits
            ),
            "",
        )
        return [
            Markdown("## Appendix 1: Referral history"),
            *self._sentences(per_case),
            *self._optional_commentary("referral_history"),
            *self._chart(per_case),
            *self._chart("referral-categories-before"),
            *self._chart("referral-outcomes-during"),
        ]

    def case_outlines(self) -> list[Block]:
        """Appendix 2 (internal version only): each sampled case's outline."""
        if "case-outlines" not in self.exhibits:
            return []
        return [Markdown("## Appendix 2: Case outlines"), *self._table("case-outlines")]

    def glossary(self) -> list[Block]:
        if self.commentary.get("glossary") is None:
            return []
        return [Markdown("## Glossary"), self._commentary("glossary")]

    # -- working detail for the auditor (notebooks 02 and 03, not the paper) ------------
    def analysis(self, *parts: str) -> list[Block]:
        """The exhibits of some parts without the commentary around them, for the analysis
        notebooks: they then need no rerun when only the commentary changes."""
        blocks: list[Block] = []
        for part in parts:
            for exhibit in self.exhibits.values():
                if exhibit.part != part and not exhibit.part.startswith(f"{part}:"):
                    continue
                blocks.append(Markdown(f"### {_md(exhibit.title)}"))
                blocks += self._sentences(exhibit.id) + self._chart(exhibit.id)
                blocks += self._table(exhibit.id)
        return blocks

    def _detail(self, part: str) -> list[Block]:
        blocks: list[Block] = []
        for exhibit in self.exhibits.of_part(part):
            blocks += [Markdown(f"### {_md(exhibit.title)}"), Table.of(exhibit, DETAIL_MAX_ROWS)]
        return blocks

    def grading_detail(self) -> list[Block]:
        return self._detail("grading_detail")

    def referral_detail(self) -> list[Block]:
        blocks = self._detail("referral_detail")
        if blocks:
            blocks.append(
                Markdown(
                    "Extend `themes.yaml` (in the audit folder or the package) so unmatched "
                    "outline issues fall into a theme."
                )
            )
        return blocks

    def parts(self) -> list[list[Block]]:
        """The whole paper, in the report's order."""
        return [getattr(self, name)() for name in PAPER_PARTS]


def _md(text: object) -> str:
    return escape_markdown(html.escape(str(text), quote=False))


def _owner(row) -> str:
    extra = [v for v in (row.owner, f"due {row.due}" if row.due else "", row.status) if v]
    return f" *({_md('; '.join(extra))})*" if extra else ""


def open_paper(
    audit_id: str,
    root: str | None = None,
    *,
    publication: bool = False,
    final: bool = False,
    output_dir: str | Path | None = None,
) -> BoardPaper:
    """The board paper of an audit: cleaned when its raw data changed, exhibits built when stale."""
    workspace = Workspace.at(root)
    if audit_id not in workspace.audit_ids():
        raise FileNotFoundError(
            f"no audit '{audit_id}' under {workspace.raw}; audits found: {', '.join(workspace.audit_ids()) or 'none'}"
        )
    paths = workspace.audit(audit_id)
    audit = load(paths)
    out = Path(output_dir) if output_dir is not None else paths.outputs
    exhibits = current_outputs(audit, out, publication=publication)
    paper = BoardPaper(audit, exhibits, out, final=final)
    if final:
        paper.require_commentary()
    return paper


def publish_details(paper: BoardPaper) -> None:
    """Hand the title block to the exporter through the notebook's outputs (invisible in the
    paper), and start recording the blocks shown after it for the Word paper (paper.json)."""
    from IPython.display import display

    display({PAPER_MIME: paper.details()}, raw=True)
    record_paper(paper.out, paper.details())


def validation_blocks(audit_id: str, root: str | None = None) -> list[Block]:
    """Clean the audit and report what was found; raises (after listing them) when there are
    errors. Tables cleaned from these very inputs (as `audit-analysis run` has just done) are
    not cleaned again: what that clean recorded is reported. Warnings about the commentary are
    left to the paper (`BoardPaper.commentary_checks`), so that a commentary edit need not
    rerun notebook 01."""
    import pandas as pd

    from audit_analysis.clean.pipeline import full_report, validate
    from audit_analysis.clean.processed import recorded_validation, write_processed
    from audit_analysis.problems import AuditDataError, errors_in, listing, warnings_in

    paths = Workspace.at(root).audit(audit_id)
    recorded = recorded_validation(paths)
    if recorded is None:
        result = validate(paths)
        problems, rows = result.problems, {n: len(f) for n, f in result.tables().items()}
    else:
        problems, rows = recorded
    errors = errors_in(problems)
    warnings = [p for p in warnings_in(problems) if p.file not in COMMENTARY_FILES]
    lines = [
        f"**{len(errors)} error(s), {len(warnings)} warning(s)** in `data/raw/{_md(audit_id)}/`. "
        "The commentary is checked with the paper, in notebook 04."
    ]
    for title, group in (("Errors", errors), ("Warnings", warnings)):
        if group:
            lines += ["", f"**{title}**", ""] + [f"- {_md(line)}" for line in listing(group)]
    if written := full_report(paths, problems):
        lines += ["", f"The full list of {len(problems):,} problems is in {_md(written)}."]
    blocks: list[Block] = [Markdown("\n".join(lines))]
    if errors:
        show(blocks)
        raise AuditDataError(audit_id, problems)
    if recorded is None:
        write_processed(result, paths)
    counts = pd.DataFrame({"rows": rows})
    counts.index.name = "processed table"
    return [
        *blocks,
        Table(counts, "processed-rows", f"Tables written to data/processed/{audit_id}/"),
    ]


def exhibit_summary(paper: BoardPaper) -> list[Block]:
    """What the analysis stage built: one row per exhibit, for the auditor."""
    import pandas as pd

    rows = [
        {"exhibit": e.id, "title": e.title, "n": e.n_text, "hidden cells": len(e.hidden_cells())}
        for e in paper.exhibits.values()
    ]
    frame = pd.DataFrame(rows).set_index("exhibit")
    return [Table(frame, "exhibits", f"Exhibits filed in {paper.out.name}/tables/")]
