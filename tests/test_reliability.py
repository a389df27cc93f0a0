"""Issue 10: every bad input answered clearly, nothing silently wrong.

The refused inputs are the corpus in tests/fixtures/broken (checked in test_cleaning.py and,
through the command line, here); the inputs that must load but be handled safely are in
tests/fixtures/hostile.
"""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import FIXTURES, MINIMAL_AUDIT, PROJECT, make_workspace
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from openpyxl import load_workbook

from audit_analysis import cli
from audit_analysis.clean.pipeline import clean, full_report_path, validate
from audit_analysis.clean.processed import read_processed
from audit_analysis.intake.commentary import (
    is_safe_link,
    parse_commentary,
    safe_markdown,
    unsafe_links_in,
)
from audit_analysis.intake.config import parse_config
from audit_analysis.paper import export
from audit_analysis.paper.outputs import build_outputs
from audit_analysis.paper.report import BoardPaper, Markdown
from audit_analysis.people_files import FORMULA_START
from audit_analysis.problems import errors_in, warnings_in
from audit_analysis.run.questionnaires import write_questionnaires
from audit_analysis.vocabulary import normalise_label, slug

BROKEN = sorted(p for p in (FIXTURES / "broken").iterdir() if p.is_dir())
CONFIG_CASES = sorted(
    p
    for p in BROKEN
    if (p / "audit.yaml").is_file() and "audit.yaml" in (p / "expect.txt").read_text()
)
HOSTILE = FIXTURES / "hostile"


def _overlay(tmp_path: Path, case: Path):
    """The minimal audit with a corpus case's files laid over it."""
    workspace = make_workspace(tmp_path, MINIMAL_AUDIT)
    folder = workspace.audit(MINIMAL_AUDIT.name).raw
    for overlay in case.iterdir():
        if overlay.name not in ("expect.txt", "README.md"):
            shutil.copyfile(overlay, folder / overlay.name)
    if case.name == "folder-not-file":
        (folder / "submissions.csv").unlink()
        (folder / "submissions.csv").mkdir()
    return workspace


def _main(workspace, *args: str) -> int:
    return cli.main(["--root", str(workspace.root), *args])


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text, self.links = [], []

    def handle_starttag(self, tag, attrs):
        self.links += [v for k, v in attrs if k in ("href", "src") and v]

    def handle_data(self, data):
        self.text.append(data)


def _html_of(markdown: str) -> _Text:
    parsed = _Text()
    parsed.feed(markdown2html_mistune(markdown))
    return parsed


# -- the corpus through the command line: a located message, never a traceback -------------


@pytest.mark.parametrize("case", BROKEN, ids=[c.name for c in BROKEN])
@pytest.mark.parametrize("command", ["validate", "clean"])
def test_every_corpus_case_is_refused_on_the_command_line_without_a_traceback(
    tmp_path, capsys, case, command
):
    workspace = _overlay(tmp_path, case)
    assert _main(workspace, command, MINIMAL_AUDIT.name) == cli.EXIT_FAILED
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Error:" not in err
    for expected in (case / "expect.txt").read_text().splitlines():
        assert expected in err


@pytest.mark.parametrize("case", CONFIG_CASES, ids=[c.name for c in CONFIG_CASES])
def test_audit_yaml_mistakes_stop_questionnaires_with_the_setting_named(tmp_path, capsys, case):
    workspace = _overlay(tmp_path, case)
    assert _main(workspace, "questionnaires", MINIMAL_AUDIT.name) == cli.EXIT_FAILED
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "audit.yaml" in err


@pytest.mark.parametrize(
    ("text", "setting", "value"),
    [
        ("period:\n  start: 2016-01-01\n  end: 2016-02-30\n", "period.end", "2016-02-30"),
        ("report_date: 2017-02-29\n", "report_date", "2017-02-29"),
        ("questionnaire:\n  deadline: 2017-13-01\n", "questionnaire.deadline", "2017-13-01"),
    ],
)
def test_an_impossible_date_names_the_setting_the_value_and_what_is_accepted(text, setting, value):
    base = (MINIMAL_AUDIT / "audit.yaml").read_text()
    if text.startswith("period"):
        base = base.replace("period:\n  start: 2016-01-01\n  end: 2016-12-31\n", "")
    config, problems = parse_config(base + text)
    assert config is None
    assert [str(p) for p in problems] == [
        f"audit.yaml › setting '{setting}': '{value}' — is not a real date "
        "Accepted: a date that exists, written YYYY-MM-DD, e.g. 2016-03-05."
    ]


def test_run_refuses_an_impossible_date_before_any_notebook_runs(tmp_path, capsys):
    workspace = _overlay(tmp_path, FIXTURES / "broken" / "impossible-end-date")
    shutil.copytree(PROJECT / "notebooks", workspace.root / "notebooks")
    assert _main(workspace, "run", "--no-pdf", MINIMAL_AUDIT.name) == cli.EXIT_FAILED
    err = capsys.readouterr().err
    assert "audit.yaml › setting 'period.end': '2016-02-30' — is not a real date" in err
    assert "Traceback" not in err


# -- 1. agency names of any script -------------------------------------------------------


def test_agencies_named_in_other_scripts_stay_apart_and_match_their_own_rows(tmp_path):
    workspace = _overlay(tmp_path, HOSTILE / "non-latin")
    result = validate(workspace.audit(MINIMAL_AUDIT.name))
    assert errors_in(result.problems) == []
    assert sorted(zip(result.returns["case_id"], result.returns["agency"], strict=True)) == [
        ("1", "Children's Social Care"),
        ("1", "Полиция"),
        ("2", "Жильё"),
        ("3", "Υγεία"),
        ("3", "Полиция"),
    ]
    assert normalise_label("Полиция") != normalise_label("Жильё") != ""


def test_non_latin_theme_phrases_match_non_latin_issues(tmp_path):
    from audit_analysis.analysis.profile import issue_themes
    from audit_analysis.intake.themes import load_themes

    workspace = _overlay(tmp_path, HOSTILE / "non-latin")
    paths = workspace.audit(MINIMAL_AUDIT.name)
    result = clean(paths)
    themes = load_themes(paths.raw / "themes.yaml")
    found = issue_themes(result.cases, themes)
    assert list(zip(found["case_id"], found["theme"], strict=True)) == [
        ("1", "Пренебрежение"),
        ("1", "Domestic abuse"),
        ("2", "Жильё"),
        ("3", "Other"),
    ]


def test_one_slug_function_names_agency_files_and_finds_collisions():
    assert slug("Health & Care") == slug("Health Care") == "health-care"
    assert slug("Полиция") == "полиция"


# -- 3. commentary links ------------------------------------------------------------------


def test_no_commentary_link_to_script_or_data_is_live_in_the_paper(tmp_path):
    workspace = _overlay(tmp_path, HOSTILE / "commentary-links")
    paths = workspace.audit(MINIMAL_AUDIT.name)
    result = validate(paths)
    commentary = parse_commentary(result.commentary, result.config)
    for key in ("introduction", "summary"):
        markdown = commentary.get(key)
        assert unsafe_links_in(markdown) == []
        shown = _html_of(markdown)
        assert [link for link in shown.links if not is_safe_link(link)] == []
        assert "<script>" not in markdown2html_mistune(markdown)
    intro = _html_of(commentary.get("introduction"))
    assert intro.links == ["https://www.gov.uk/"]
    assert "javascript link" in "".join(intro.text)  # the link's words are still there, as text
    warned = [p for p in warnings_in(result.problems) if "plain text" in p.message]
    assert [p.row for p in warned] == [3, 3, 4, 4, 5, 5, 6, 6, 10, 11, 19]


@pytest.mark.parametrize(
    "attack",
    [
        "[x](javascript:alert(1))",
        "[x](  JaVaScRiPt:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html,<script>alert(1)</script>)",
        "[x](&#106;avascript:alert(1))",
        "[x](javascript&#58;alert(1))",
        "[x](javascript\\:alert(1))",
        "[x][r]\n\n[r]: javascript:alert(1)",
        "[r]\n\n[r]:\n  javascript:alert(1)",
        "> [x][r]\n>\n> [r]: vbscript:alert(1)",
        "- [x][r]\n\n  [r]: data:text/html,x",
        "![x](javascript:alert(1))",
        "<javascript:alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "[a\nb]: javascript:alert(1)\n\n[a b]",  # a label over two lines, used on one
        "$`$ [a\nb]: javascript:alert(1)\n\n[a b] `",  # math moves where the code span is
    ],
)
def test_every_spelling_of_a_script_link_is_shown_as_text(attack):
    shown = _html_of(safe_markdown(attack))
    assert [link for link in shown.links if not is_safe_link(link)] == []


def test_the_exporter_unlinks_an_unsafe_link_that_reached_the_page():
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(
        '<p><a href=" JAVASCRIPT:alert(1)">click</a> <a href="https://www.gov.uk/">gov</a></p>',
        features="html.parser",
    )
    export._unlink_unsafe(soup)
    finished = str(soup)
    assert "javascript" not in finished.lower()
    assert "click" in finished and 'href="https://www.gov.uk/"' in finished


# -- 6. what validate checks before a run ------------------------------------------------


def test_two_non_latin_agencies_are_not_listed_twice():
    base = (MINIMAL_AUDIT / "audit.yaml").read_text()
    config, problems = parse_config(
        base.replace("  - name: Police", "  - name: Полиция\n  - name: Жильё")
    )
    assert problems == []
    assert config.agency_lookup[normalise_label("ЖИЛЬЁ")] == "Жильё"


# -- 7. bounded output -------------------------------------------------------------------


def test_a_hundred_thousand_duplicate_rows_print_a_few_lines_and_write_the_full_list(
    tmp_path, capsys
):
    workspace = make_workspace(tmp_path, MINIMAL_AUDIT)
    paths = workspace.audit(MINIMAL_AUDIT.name)
    lines = (paths.raw / "submissions.csv").read_text().splitlines()
    (paths.raw / "submissions.csv").write_text("\n".join(lines + [lines[1]] * 100_000) + "\n")
    assert _main(workspace, "-q", "validate", MINIMAL_AUDIT.name) == cli.EXIT_FAILED
    err = capsys.readouterr().err
    assert err.count("\n") < 20
    # the one warning: case 2's Inadequate return has no concern recorded (no concerns.csv)
    assert "Validation of minimal-audit: 100,000 error(s), 1 warning(s)" in err
    assert "… and 99,990 more like the above (100,000 in all" in err
    report = full_report_path(paths)
    assert f"The full list of 100,001 problems is in {report}" in err
    assert report.read_text(encoding="utf-8").count("a second return for case 1") == 100_000
    assert not paths.processed.exists()


def test_validation_prints_progress_lines_in_a_log_and_none_when_quiet(minimal_workspace, capsys):
    assert _main(minimal_workspace, "validate", MINIMAL_AUDIT.name) == cli.EXIT_OK
    err = capsys.readouterr().err
    assert "minimal-audit: [" in err and "reading referrals.csv" in err
    assert "checking referrals.csv (5 rows)" in err
    assert _main(minimal_workspace, "-q", "validate", MINIMAL_AUDIT.name) == cli.EXIT_OK
    assert capsys.readouterr().err == ""


# -- 8. formulae: kept as typed, protected only in files for people ----------------------


def test_text_starting_like_a_formula_round_trips_into_tables_and_paper(tmp_path):
    workspace = _overlay(tmp_path, HOSTILE / "formula-text")
    paths = workspace.audit(MINIMAL_AUDIT.name)
    clean(paths)
    audit = read_processed(paths)
    assert set(audit.returns["agency"]) == {"Children's Social Care", "+Housing Options"}
    assert sorted(audit.evidence["text"]) == [
        "+ve engagement with the family",
        "-2 visits missed",
        "=1+1 was typed here",
    ]
    out = tmp_path / "paper"
    paper = BoardPaper(audit, build_outputs(audit, out), out)
    blocks = paper.agency("+Housing Options") + paper.agency_appendix()  # evidence: appendix
    text = "".join("".join(_html_of(b.text).text) for b in blocks if isinstance(b, Markdown))
    for typed in ("+Housing Options", "+ve engagement", "=1+1 was typed here", "-2 visits missed"):
        assert typed in text
    assert "'+" not in text and "'=" not in text and "'-" not in text


def test_every_questionnaire_cell_starting_like_a_formula_is_protected_and_unchanged(tmp_path):
    workspace = _overlay(tmp_path, HOSTILE / "formula-text")
    paths = workspace.audit(MINIMAL_AUDIT.name)
    config = validate(paths).config
    written = write_questionnaires(paths, config)
    risky = []
    for path in written:
        book = load_workbook(path)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                        risky.append(cell.value)
                        assert cell.data_type == "s" and cell.quotePrefix, (path.name, cell)
    assert "+Housing Options" in risky
    assert any(v.startswith('=HYPERLINK("http://example.org"') for v in risky)
