"""Referral, theme and profile charts, as drawn."""

from __future__ import annotations

import pandas as pd
from figure_helpers import (
    bar_axes,
    count_labels,
    notes_of,
    subtitle,
)
from matplotlib.colors import to_hex

from audit_analysis.paper import figures as F

# ---------------------------------------------------------------------------- referrals, profile


def test_category_chart_keeps_the_table_order():
    table = pd.DataFrame(
        {"referrals": [14, 9, 1]},
        index=pd.Index(["Neglect", "Domestic abuse", "Sexual abuse"], name="category"),
    )
    fig = F.plot_referral_categories(table)
    ax = bar_axes(fig)
    assert [t.get_text() for t in ax.get_yticklabels()] == list(table.index)
    assert [p.get_width() for p in ax.containers[0].patches] == [14, 9, 1]
    assert count_labels(ax) == ["14", "9", "1"]
    assert subtitle(fig) == "n = 24 referrals"
    assert {to_hex(p.get_facecolor()) for p in ax.containers[0].patches} == {F.NEUTRAL_BAR}


def test_profile_panels_share_one_scale_and_count_children():
    index = pd.MultiIndex.from_tuples(
        [("Gender", "Male"), ("Gender", "Female"), ("Disability", "Yes"), ("Disability", "No")],
        names=["characteristic", "category"],
    )
    profile = pd.DataFrame({"children": [6, 4, 2, 8]}, index=index)
    fig = F.plot_case_profile(profile)
    panels = [ax for ax in fig.axes if ax.containers]
    assert [ax.get_gid() for ax in panels] == ["panel:Gender", "panel:Disability"]
    assert panels[0].get_xlim() == panels[1].get_xlim()
    assert subtitle(fig) == "n = 10 children"
    assert "Gender – Male: 6 children, Female: 4 children." in fig.alt_text
    assert not [t for t in fig.texts if t.get_gid() == "note"]


def test_a_profile_panel_with_one_category_is_left_out_and_said_in_words():
    index = pd.MultiIndex.from_tuples(
        [
            ("Gender", "Male"),
            ("Gender", "Female"),
            ("Gender", "Not known"),
            ("Disability", "Yes"),
            ("Disability", "No"),
            ("Ethnicity", "Not recorded"),
        ],
        names=["characteristic", "category"],
    )
    profile = pd.DataFrame({"children": [6, 4, 0, 0, 10, 10]}, index=index)
    fig = F.plot_case_profile(profile, n_children=10)
    panels = [ax.get_gid() for ax in fig.axes if ax.containers]
    assert panels == ["panel:Gender"]
    headings = [t.get_text() for t in fig.texts if t.get_gid() == "panel-title"]
    assert headings == ["Gender"]
    assert notes_of(fig) == [
        "Disability is not shown: No for every child.",
        "Ethnicity is not shown: not recorded for any child.",
    ]
    assert fig.alt_text.endswith(
        "Disability is not shown: No for every child. "
        "Ethnicity is not shown: not recorded for any child."
    )
    assert "Ethnicity –" not in fig.alt_text
    # Nothing left to draw: the figure says so, and why.
    alone = F.plot_case_profile(profile.loc[["Ethnicity"]], n_children=10)
    assert not alone.axes
    assert "Ethnicity is not shown: not recorded for any child." in alone.alt_text
    assert subtitle(alone) == "n = 10 children"


def test_themes_take_n_from_the_number_of_cases():
    themes = pd.DataFrame(
        {"cases": [6, 3, 0], "issues": [7, 3, 0]},
        index=pd.Index(["Domestic abuse", "Housing", "Other"], name="theme"),
    )
    fig = F.plot_themes(themes, n_cases=10)
    assert subtitle(fig) == "n = 10 cases"
    assert count_labels(bar_axes(fig)) == ["6", "3"]


def test_themes_with_no_cases_are_left_out_and_other_is_explained():
    themes = pd.DataFrame(
        {"cases": [6, 0, 2, 0, 3]},
        index=pd.Index(["Domestic abuse", "Sexual abuse", "Housing", "Gangs", "Other"]),
    )
    fig = F.plot_themes(themes, n_cases=10)
    ax = bar_axes(fig)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Domestic abuse", "Housing", "Other"]
    assert [p.get_width() for p in ax.containers[0].patches] == [6, 2, 3]
    notes = notes_of(fig)
    assert "Themes with no cases are not shown." in notes
    assert "Other: issues that match no theme." in notes
    assert "Sexual abuse" not in fig.alt_text
    assert "Other: 3 cases." in fig.alt_text and "Themes with no cases" in fig.alt_text
    # No zero dropped, no Other: neither line.
    plain = F.plot_themes(pd.Series({"Domestic abuse": 6, "Other": 0}), n_cases=10)
    assert [t.get_text() for t in bar_axes(plain).get_yticklabels()] == ["Domestic abuse"]
    assert not any("Other" in n for n in notes_of(plain))
    full = F.plot_themes(pd.Series({"Domestic abuse": 6}), n_cases=10)
    assert not any("not shown" in n for n in notes_of(full))
