"""The packaged themes: plain neglect has a theme; validate warns when 'Other' would lead."""

from __future__ import annotations

from audit_analysis.intake.themes import (
    OTHER_THEME,
    compile_themes,
    load_themes,
    themes_of,
    unthemed_cases_problems,
)


def test_plain_neglect_falls_into_the_neglect_theme():
    patterns = compile_themes(load_themes())
    assert themes_of("Neglect", patterns) == ["Neglect"]
    assert themes_of("Neglectful home; failure to thrive", patterns) == ["Neglect"]
    assert themes_of("Medical neglect", patterns) == ["Neglect", "Basic care and supervision"]
    assert themes_of("Something unheard of", patterns) == [OTHER_THEME]


def test_validate_warns_when_more_than_a_third_of_cases_fall_into_other():
    themed = {"1": "Neglect", "2": "Domestic abuse", "3": "Parental alcohol misuse"}
    assert unthemed_cases_problems({**themed, "4": "Unheard of"}) == []  # 1 of 4
    [problem] = unthemed_cases_problems({**themed, "4": "Unheard of", "5": "Nor this; Neglect"})
    assert problem.severity == "warning" and problem.file == "cases.csv"
    assert problem.column == "issues"
    assert problem.message.startswith(
        "2 of 5 cases have an outline issue that no theme in themes.yaml picks up"
    )
    assert "(first cases: 4, 5)" in problem.message


def test_an_audits_own_themes_count(tmp_path):
    (tmp_path / "themes.yaml").write_text("Unheard things:\n  - unheard\n")
    cases = {"1": "Unheard of", "2": "Unheard too"}
    assert unthemed_cases_problems(cases, tmp_path) == []
    assert len(unthemed_cases_problems(cases)) == 1
