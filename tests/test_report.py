"""The board paper's parts: right numbers in the right places, escaped text, publication rules."""

from __future__ import annotations

import dataclasses
import html
import re

import pandas as pd
import pytest
from conftest import MINIMAL_AUDIT, SAMPLE_AUDIT, make_workspace

from audit_analysis.analysis.exhibits.model import Exhibit, frame_like
from audit_analysis.clean.pipeline import clean, validate
from audit_analysis.clean.processed import read_processed
from audit_analysis.intake.commentary import MissingCommentaryError
from audit_analysis.paper.blocks import (
    ALT_TEXT_LIMIT,
    MAX_TABLE_ROWS,
    Chart,
    Markdown,
    Table,
    short_text,
    table_html,
)
from audit_analysis.paper.outputs import build_outputs
from audit_analysis.paper.report import BoardPaper, open_paper, validation_blocks
from audit_analysis.problems import AuditDataError


@pytest.fixture
def minimal_audit(minimal_workspace):
    paths = minimal_workspace.audit(MINIMAL_AUDIT.name)
    clean(paths)
    return read_processed(paths)


@pytest.fixture
def sample_audit(tmp_path):
    """Four children: the smallest test audit a publication version can be made of (the
    minimal audit's three children in three age bands would each be worked out as 1)."""
    paths = make_workspace(tmp_path / "sample", SAMPLE_AUDIT).audit(SAMPLE_AUDIT.name)
    clean(paths)
    return read_processed(paths)


def _paper(audit, folder, publication=False) -> BoardPaper:
    out = folder / ("publication" if publication else "internal")
    return BoardPaper(audit, build_outputs(audit, out, publication=publication), out)


def _text(blocks) -> str:
    return "\n".join(b.text for b in blocks if isinstance(b, Markdown))


def test_paper_has_every_part_in_report_order(minimal_audit, tmp_path):
    headings = [
        b.text
        for part in _paper(minimal_audit, tmp_path).parts()
        for b in part
        if isinstance(b, Markdown) and b.text.startswith("## ")
    ]
    assert headings == [
        "## Key messages",
        "## Introduction",
        "## Audit sample",
        "## Methodology",
        "## Limitations",
        "## Overall gradings",
        "## Agencies' practice",
        "## Summary",
        "## Recommendations",
        "## Children needing follow-up",
        "## Appendix 1: Referral history",
        "## Appendix 2: Case outlines",
        "## Appendix 3: Grades by key area, and evidence from the returns",
    ]


def test_agency_part_states_its_counts_once_beside_the_commentary(minimal_audit, tmp_path):
    paper = _paper(minimal_audit, tmp_path)
    blocks = paper.agency("Children's Social Care")
    text = _text(blocks)
    assert "### Children's Social Care" in text
    assert "The analysis is based on 3 audits, 1 of them incomplete" in text
    assert "Commentary to be added" in text
    assert not [b for b in blocks if isinstance(b, Table)]  # the counts once: in the sentence
    assert "Referral outcome relied on the parent's account." not in text


def test_appendix_holds_every_agency_s_area_grades_and_the_evidence(minimal_audit, tmp_path):
    blocks = _paper(minimal_audit, tmp_path).agency_appendix()
    text = _text(blocks)
    assert "**Children's Social Care**" in text
    assert "Referral outcome relied on the parent's account." in text
    table = next(b for b in blocks if isinstance(b, Table))
    assert table.name == "grades-by-agency-and-area"
    assert table.frame.loc["Children's Social Care", "Overall"] == "1 RI · 1 I · 1 NG"
    assert table.note == "Self-assessed by each agency, not moderated."


def test_overall_part_states_each_count_once_and_frames_the_grades_as_self_assessed(
    minimal_audit, tmp_path
):
    paper = _paper(minimal_audit, tmp_path)
    blocks = paper.overall_grades()
    assert not [b for b in blocks if isinstance(b, Chart)]  # the table holds the counts
    table = next(b for b in blocks if isinstance(b, Table) and b.name == "overall-grades")
    assert table.frame.loc["Children's Social Care", "Inadequate"] == 1
    assert table.note == "Self-assessed by each agency, not moderated."
    assert "By the agencies' own grades, not moderated" in _text(blocks)
    for name in ("overall-grades", "area-grades", "good-or-better-heatmap"):  # still filed
        chart = Chart.of(paper.exhibits[name], paper.out / "figures")
        assert chart.png.is_file() and "n = " in chart.alt_text
        assert "Self-assessed by each agency, not moderated." in chart.note


def test_publication_version_leaves_out_evidence_case_detail_and_suppresses(sample_audit, tmp_path):
    config = sample_audit.config.model_copy(update={"disclosure_threshold": 5})
    paper = _paper(dataclasses.replace(sample_audit, config=config), tmp_path, publication=True)
    assert paper.case_outlines() == [] and paper.coherence() == []
    assert "Evidence from the returns" not in _text(paper.agencies_part())
    table = next(
        b for b in paper.overall_grades() if isinstance(b, Table) and b.name == "overall-grades"
    )
    assert "c" in set(table.frame.astype(str).to_numpy().ravel())


def test_details_carry_the_protective_marking_and_period(minimal_audit, tmp_path):
    details = _paper(minimal_audit, tmp_path).details()
    assert details["protective_marking"] == "OFFICIAL-SENSITIVE"
    assert details["period"] == "1 January 2016 to 31 December 2016"


def test_final_paper_needs_every_commentary_section(minimal_workspace):
    with pytest.raises(MissingCommentaryError, match="Methodology"):
        open_paper(MINIMAL_AUDIT.name, str(minimal_workspace.root), final=True)
    with pytest.raises(FileNotFoundError, match="no audit 'nope'"):
        open_paper("nope", str(minimal_workspace.root))


def test_final_paper_refuses_the_scaffold_placeholders_naming_each(minimal_workspace):
    raw = minimal_workspace.audit(MINIMAL_AUDIT.name).raw
    config = raw / "audit.yaml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^title: .*$", 'title: "[Title of the audit]"', text)
    config.write_text(text + 'questionnaire:\n  return_to: "[email address for returns]"\n')
    with pytest.raises(MissingCommentaryError) as refused:
        open_paper(MINIMAL_AUDIT.name, str(minimal_workspace.root), final=True)
    message = str(refused.value)
    assert (
        "minimal-audit: audit.yaml still has placeholders from `audit-analysis new`: "
        "title '[Title of the audit]', questionnaire.return_to '[email address for returns]'. "
        "Replace them before a final paper."
    ) in message
    assert "Methodology" in message  # and the missing commentary, in the same message
    assert open_paper(MINIMAL_AUDIT.name, str(minimal_workspace.root)).config.title.startswith("[")


def test_tables_are_escaped_and_shares_shown_as_percentages():
    frame = pd.DataFrame(
        {"<b>area</b>": [0.5, float("nan")]}, index=pd.Index(["<i>x</i>", "y"], name="agency")
    )
    html = table_html(Table(frame, "t", "Caption <script>", percent=True))
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "50%" in html and "–" in html
    assert "<caption>Caption &lt;script&gt;</caption>" in html


def test_audit_sample_section_prints_the_sample_from_audit_yaml(minimal_audit, tmp_path):
    blocks = _paper(minimal_audit, tmp_path).audit_sample()
    assert blocks[1] == Markdown("**How the sample was chosen:** Three fictional cases.")
    unsampled = _with(minimal_audit, config={"sample": ""})
    assert all(
        "How the sample" not in b.text
        for b in _paper(unsampled, tmp_path / "u").audit_sample()
        if isinstance(b, Markdown)
    )


def test_table_headers_are_scoped_and_named_in_words():
    frame = pd.DataFrame(
        {"Good": [2, 0], "median_days": [12.5, float("nan")]},
        index=pd.Index(["1", "2"], name="case_id"),
    )
    html_text = table_html(Table(frame, "t", "Grades by case"))
    assert html_text == (
        '<table class="audit-table"><caption>Grades by case</caption><thead><tr>'
        '<th scope="col">Case</th><th scope="col">Good</th>'
        '<th scope="col">Median days between referrals</th></tr></thead><tbody>'
        '<tr><th scope="row">1</th><td>2</td><td>12.5</td></tr>'
        '<tr><th scope="row">2</th><td>0</td><td>–</td></tr></tbody></table>'
    )


def test_a_table_of_many_rows_shows_the_first_rows_and_says_where_the_rest_are():
    cases = pd.Index([str(n) for n in range(1, 1001)], name="case_id")
    table = pd.DataFrame({"referrals": range(1000)}, index=cases)
    exhibit = Exhibit(
        "referrals-by-case",
        "appendix",
        "Referrals by case",
        table,
        frame_like(table, False),
        frame_like(table, ""),
        note="Made up.",
    )
    shown = Table.of(exhibit)
    assert list(shown.frame.index) == [str(n) for n in range(1, MAX_TABLE_ROWS + 1)]
    assert shown.note == (
        f"Made up. The first {MAX_TABLE_ROWS} of 1,000 rows are shown; every row is in "
        "tables/referrals-by-case.csv beside this paper."
    )
    assert len(Table.of(exhibit, max_rows=None).frame) == 1000
    short = dataclasses.replace(exhibit, table=table.iloc[:MAX_TABLE_ROWS])
    assert Table.of(short).note == "Made up."


def test_long_alt_text_keeps_whole_sentences_within_the_limit():
    text = "Bar chart of grades. " + " ".join(f"Agency {i}: {i} Good." for i in range(60))
    short = short_text(text, 60)
    assert short == "Bar chart of grades. Agency 0: 0 Good. Agency 1: 1 Good."
    assert short_text("one " * 40, 20) == "one one one one…"
    assert short_text("Short.", 60) == "Short."


def test_validation_blocks_list_problems_and_stop_on_errors(minimal_workspace):
    root = str(minimal_workspace.root)
    blocks = validation_blocks(MINIMAL_AUDIT.name, root)
    assert "0 error(s)" in _text(blocks)
    (minimal_workspace.audit(MINIMAL_AUDIT.name).raw / "cases.csv").write_text(
        "case_id,age,gender\n1,x,F\n"
    )
    with pytest.raises(AuditDataError):
        validation_blocks(MINIMAL_AUDIT.name, root)


def test_notebook_01_reports_the_clean_a_run_just_made_instead_of_cleaning_again(
    minimal_workspace, monkeypatch
):
    from audit_analysis.clean import pipeline

    root = str(minimal_workspace.root)
    paths = minimal_workspace.audit(MINIMAL_AUDIT.name)
    commentary = paths.raw / "commentary.md"
    commentary.write_text(commentary.read_text() + "\n## Not a part\n\nText.\n")  # a warning
    fresh = validation_blocks(MINIMAL_AUDIT.name, root)
    validated = []
    monkeypatch.setattr(pipeline, "validate", lambda *a: validated.append(a) or None)
    recorded = validation_blocks(MINIMAL_AUDIT.name, root)  # the tables are current: no clean
    assert validated == []
    assert _text(recorded) == _text(fresh)
    assert "1 warning(s)" in _text(fresh) and "concerns.csv" in _text(fresh)
    assert "Not a part" not in _text(fresh)  # the commentary's warning is the paper's to show
    assert recorded[1].frame.equals(fresh[1].frame)
    commentary.write_text(commentary.read_text() + "More.\n")
    with pytest.raises(AttributeError):  # the raw data changed: it validates again (stubbed here)
        validation_blocks(MINIMAL_AUDIT.name, root)
    assert len(validated) == 1


def test_the_paper_notebook_shows_the_commentary_problems_notebook_01_leaves_out(
    minimal_workspace,
):
    commentary = minimal_workspace.audit(MINIMAL_AUDIT.name).raw / "commentary.md"
    commentary.write_text(commentary.read_text() + "\n## Not a part\n\nSee [x](javascript:go).\n")
    paper = open_paper(MINIMAL_AUDIT.name, str(minimal_workspace.root))
    [checks] = paper.commentary_checks()
    lines = checks.text.splitlines()
    assert lines[0] == "**The commentary:** 2 problem(s)."
    assert lines[2].startswith("- commentary.md › line ") and "javascript:go" in lines[2]
    assert lines[3].startswith(
        "- commentary.md: '\\#\\# Not a part' — this section matches no part"  # escaped Markdown
    )
    commentary.write_text(commentary.read_text().split("\n## Not a part")[0])
    clean_paper = open_paper(MINIMAL_AUDIT.name, str(minimal_workspace.root))
    assert _text(clean_paper.commentary_checks()) == "**The commentary:** no problems found."


def _with(audit, **changes):
    config = audit.config.model_copy(update=changes.pop("config", {}))
    return dataclasses.replace(audit, config=config, **changes)


def test_a_publication_version_needs_a_disclosure_threshold(minimal_audit, tmp_path):
    with pytest.raises(ValueError, match="needs disclosure_threshold"):
        _paper(minimal_audit, tmp_path, publication=True)


def test_publication_commentary_with_small_numbers_is_flagged_then_refused(sample_audit, tmp_path):
    audit = _with(
        sample_audit,
        config={"disclosure_threshold": 5},
        commentary="## Introduction\n2 cases were graded Good; three were not.\n",
    )
    paper = _paper(audit, tmp_path, publication=True)
    assert "Disclosure check" in _text(paper.introduction())
    assert "Disclosure check" not in _text(_paper(audit, tmp_path).introduction())
    with pytest.raises(
        MissingCommentaryError, match=r'Introduction \("2 cases" \(line 1: 2 cases were graded'
    ):
        paper.require_commentary()


def test_publication_commentary_file_replaces_the_internal_one(sample_audit, tmp_path):
    audit = _with(
        sample_audit,
        config={"disclosure_threshold": 5},
        commentary="## Introduction\n2 cases.\n",
        publication_commentary="## Introduction\nA small number of cases.\n",
    )
    text = _text(_paper(audit, tmp_path, publication=True).introduction())
    assert "A small number of cases." in text and "Disclosure check" not in text


def test_optional_commentary_sits_beside_its_chart_and_glossary_closes_the_paper(
    minimal_audit, tmp_path
):
    audit = _with(
        minimal_audit,
        commentary="## Overall gradings\nGrades were low.\n\n## Glossary\n- **MASH**: front door\n",
    )
    paper = _paper(audit, tmp_path)
    blocks = paper.overall_grades()
    said = next(i for i, b in enumerate(blocks) if b == Markdown("Grades were low."))
    assert said < next(i for i, b in enumerate(blocks) if isinstance(b, Table))
    firsts = [_text(part).split("\n")[0] for part in paper.parts() if part]
    assert firsts.index("## Glossary") + 1 == firsts.index("## Appendix 1: Referral history")
    assert paper.glossary() and not _paper(minimal_audit, tmp_path).glossary()


def test_unknown_commentary_headings_are_a_validation_warning(minimal_workspace):
    paths = minimal_workspace.audit(MINIMAL_AUDIT.name)
    (paths.raw / "commentary.md").write_text("## Polise\nText that would be lost.\n")
    messages = [str(p) for p in validate(paths).problems]
    assert any(
        "'## Polise' — this section matches no part of the paper" in m
        and "did you mean 'Police'" in m
        for m in messages
    ), messages


def test_the_board_paper_notebook_shows_every_part_in_order():
    import json

    from conftest import PROJECT

    from audit_analysis.paper.report import PAPER_PARTS

    nb = json.loads((PROJECT / "notebooks" / "04_board_paper.ipynb").read_text())
    source = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    positions = [source.find(f"paper.{part}()") for part in PAPER_PARTS]
    assert -1 not in positions, [p for p, i in zip(PAPER_PARTS, positions, strict=True) if i < 0]
    assert positions == sorted(positions)


def test_show_displays_the_saved_chart_with_its_alt_text(minimal_audit, tmp_path, monkeypatch):
    import IPython.display

    from audit_analysis.paper.blocks import show

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *a, **kw: shown.append((a, kw)))
    paper = _paper(minimal_audit, tmp_path)
    charts = [b for b in paper.referral_history() if isinstance(b, Chart)]
    show(charts)
    saved = sorted((tmp_path / "internal" / "figures").glob("referral*.png"))
    assert [c.png for c in charts] == [
        tmp_path / "internal" / "figures" / f"{n}.png"
        for n in (
            "referrals-before-per-case",
            "referral-categories-before",
            "referral-outcomes-during",
        )
    ]
    assert len(saved) == 3 and len(shown) == 6  # each chart, then its data table
    images, tables = shown[0::2], shown[1::2]
    for (_args, kwargs), chart in zip(images, charts, strict=True):
        assert kwargs["metadata"]["image/png"]["alt"] == chart.short_alt_text
        assert len(chart.short_alt_text) <= ALT_TEXT_LIMIT
        assert chart.alt_text == (chart.png.with_suffix(".txt")).read_text().strip()
    for (args, _kwargs), chart in zip(tables, charts, strict=True):
        assert args[0].data.startswith('<details class="bp-chart-data"><summary>Data table: ')
        assert f"<caption>{html.escape(chart.data.caption)}</caption>" in args[0].data
