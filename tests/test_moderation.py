"""Moderated grades: optional, validated like the rest, and the paper shows the panel's agreement."""

from __future__ import annotations

from conftest import MINIMAL_AUDIT

from audit_analysis.analysis.exhibits import build_exhibits
from audit_analysis.analysis.exhibits.moderation import result
from audit_analysis.clean.pipeline import clean, validate
from audit_analysis.clean.processed import read_processed
from audit_analysis.problems import errors_in
from audit_analysis.vocabulary import OFSTED


def _with_moderation(paths, grades: dict[int, str]) -> None:
    """Add a 'Moderated grade' column to the minimal audit's submissions (row number → grade)."""
    path = paths.raw / "submissions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] += ",Moderated grade"
    for number in range(1, len(lines)):
        lines[number] += "," + grades.get(number + 1, "")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_panel_grades_beside_the_agency_s_own_and_agreement_shown(minimal_workspace):
    paths = minimal_workspace.audit(MINIMAL_AUDIT.name)
    # rows 2-4 are CSC cases 1 (RI), 2 (Inadequate), 3 (not graded); row 5 Police case 1 (Good)
    _with_moderation(paths, {2: "Inadequate", 3: "Inadequate", 4: "Good", 5: "Outstanding"})
    clean(paths)
    audit = read_processed(paths)
    assert audit.moderation[
        ["case_id", "agency", "self_grade", "moderated_grade"]
    ].values.tolist() == [
        ["1", "Children's Social Care", "Requires Improvement", "Inadequate"],
        ["2", "Children's Social Care", "Inadequate", "Inadequate"],
        ["3", "Children's Social Care", "Not graded", "Good"],
        ["1", "Police", "Good", "Outstanding"],
    ]
    exhibits = build_exhibits(audit)
    table = exhibits["moderation"].table
    assert table.loc["Children's Social Care"].tolist() == [3, 1, 0, 1, 1]
    assert table.loc["Police"].tolist() == [1, 0, 1, 0, 0]
    assert table.loc["All agencies"].tolist() == [4, 1, 1, 1, 1]
    assert exhibits["overall-grades"].notes[0].startswith("Each agency's own grades; a panel")


def test_without_moderation_every_grade_exhibit_says_self_assessed(minimal_workspace):
    paths = minimal_workspace.audit(MINIMAL_AUDIT.name)
    clean(paths)
    exhibits = build_exhibits(read_processed(paths))
    assert "moderation" not in exhibits
    for key in ("overall-grades", "area-grades", "good-or-better-heatmap", "headline-figures"):
        assert exhibits[key].notes[0] == "Self-assessed by each agency, not moderated."


def test_a_moderated_grade_off_the_scale_or_on_a_return_that_is_not_an_audit_is_an_error(
    minimal_workspace,
):
    paths = minimal_workspace.audit(MINIMAL_AUDIT.name)
    _with_moderation(paths, {2: "Brilliant", 6: "Good"})  # row 6: Police, no involvement
    messages = [str(p) for p in errors_in(validate(paths).problems)]
    assert messages == [
        "submissions.csv › row 2 › column 'Moderated grade': 'Brilliant' — is not a grade on "
        "the Ofsted four-point scale Accepted: Outstanding, Good, Requires Improvement, "
        "Inadequate, or blank when not moderated.",
        "submissions.csv › row 6 › column 'Moderated grade': 'Good' — a return that is not an "
        "audit cannot be moderated Accepted: a moderated grade on a submitted or incomplete "
        "return only.",
    ]


def test_the_panel_grading_higher_means_a_better_grade():
    assert result("Requires Improvement", "Good", OFSTED.grades) == "higher"
    assert result("Good", "Inadequate", OFSTED.grades) == "lower"
    assert result("Good", "Good", OFSTED.grades) == "agreed"
    assert result("Not graded", "Good", OFSTED.grades) == "ungraded"
