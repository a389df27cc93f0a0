"""Figures: the figure objects themselves (bars, colours, labels, titles), not just the files.

Every chart is inspected as matplotlib built it: bar lengths against the table, the order of
rows and of stacked segments, colours against the one palette, the numbers written on the
bars, "n = " in the subtitle, "c" under suppression, and an honest "No data" figure for
empty input. Saving is checked for byte-identical output.
"""

from __future__ import annotations

import itertools
from collections import Counter

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.container import BarContainer  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from audit_analysis.analysis import grading  # noqa: E402
from audit_analysis.paper import figures as F  # noqa: E402
from audit_analysis.vocabulary import (  # noqa: E402
    DEFAULT_KEY_AREAS,
    NOT_GRADED,
    OFSTED,
    OFSTED_2025,
    OVERALL,
)

GRADES = list(OFSTED.all_grades)
AGENCIES = [
    "Children's Social Care",
    "The Princess Royal University Hospital, Kings College NHS Trust",
    "Education (schools)",
    "CAMHS",
]


def overall_table() -> pd.DataFrame:
    """Shaped like grading.overall_grade_distribution(): grades, then status columns."""
    rows = [
        [0, 0, 8, 2, 0, 0, 0, 0],
        [0, 1, 0, 0, 1, 0, 0, 8],
        [1, 3, 0, 2, 1, 2, 1, 2],
        [0, 1, 0, 0, 0, 0, 0, 9],
    ]
    columns = [*GRADES, "of which incomplete", "not submitted", "no involvement"]
    return pd.DataFrame(rows, index=pd.Index(AGENCIES, name="agency"), columns=columns)


def texts(fig, gid: str | None = None) -> list[Text]:
    found = [t for t in fig.findobj(Text) if t.get_text()]
    return [t for t in found if gid is None or t.get_gid() == gid]


def subtitle(fig) -> str:
    return next(t.get_text() for t in fig.texts if t.get_gid() == "subtitle")


def bar_axes(fig):
    return next(ax for ax in fig.axes if ax.containers)


def containers(ax) -> dict[str, BarContainer]:
    return {c.get_label(): c for c in ax.containers if isinstance(c, BarContainer)}


def notes_of(fig) -> list[str]:
    """The caption lines under a chart, top to bottom, each on one line."""
    notes = [t for t in fig.texts if t.get_gid() == "note"]
    notes.sort(key=lambda t: -t.get_position()[1])
    return [t.get_text().replace("\n", " ") for t in notes]


def count_labels(ax) -> list[str]:
    return [t.get_text() for t in ax.texts if t.get_gid() == "count"]


# ---------------------------------------------------------------------------- palette


@pytest.mark.parametrize("scale", [OFSTED, OFSTED_2025])
def test_palette_follows_the_scale_and_prints_as_distinct_greys(scale):
    palette = F.grade_palette(scale)
    assert list(palette) == list(scale.all_grades)
    assert palette[NOT_GRADED] == F.NOT_GRADED_COLOUR
    colours = list(palette.values())
    assert len(set(colours)) == len(colours)
    for a, b in itertools.combinations(colours, 2):
        # Perceived lightness (a laser printer) and the luma PIL's convert("L") uses.
        assert abs(F.lightness(a) - F.lightness(b)) >= 12, (a, b)
        assert abs(F.greyscale_level(a) - F.greyscale_level(b)) >= 25, (a, b)
    assert max(colours, key=F.lightness) == F.NOT_GRADED_COLOUR
    # The best grade is the darkest: "darkest blue" reads as the top of the scale.
    assert min(colours, key=F.lightness) == palette[scale.grades[0]]


@pytest.mark.parametrize("scale", [OFSTED, OFSTED_2025])
def test_grades_at_or_above_the_line_are_blue_and_below_it_warm(scale):
    for grade, colour in F.grade_palette(scale).items():
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        if grade == NOT_GRADED:
            assert r == g == b
        elif grade in scale.good_or_better:
            assert b > r, grade
        else:
            assert r > b, grade


def test_every_fill_gets_text_of_readable_contrast():
    fills = [
        *F.grade_palette(OFSTED).values(),
        *F.grade_palette(OFSTED_2025).values(),
        *F.STATUS_COLOURS.values(),
        F.NEUTRAL_BAR,
        *(to_hex(F.SHARE_CMAP(x)) for x in np.linspace(0, 1, 21)),
    ]
    for fill in fills:
        assert F.contrast_ratio(F.text_colour_for(fill), fill) >= 4.5, fill
    assert F.text_colour_for("#08306b") == "#ffffff"
    assert F.text_colour_for("#ebebeb") == "#000000"


def test_hatching_marks_only_the_worst_grade():
    assert F.grade_hatches(OFSTED, hatch=False) == {g: "" for g in GRADES}
    hatched = F.grade_hatches(OFSTED, hatch=True)
    assert [g for g, h in hatched.items() if h] == ["Inadequate"]


# ---------------------------------------------------------------------------- grades


@pytest.fixture(scope="module")
def overall_fig():
    return F.plot_overall_grades(overall_table())


def test_overall_bars_are_the_counts_in_agency_and_grade_order(overall_fig):
    table = overall_table()
    ax = bar_axes(overall_fig)
    bars = containers(ax)
    assert list(bars) == GRADES  # stacked in the scale's order, Not graded last
    palette = F.grade_palette(OFSTED)
    for grade, container in bars.items():
        widths = [p.get_width() for p in container.patches]
        assert widths == table[grade].tolist()
        assert {to_hex(p.get_facecolor()) for p in container.patches} == {palette[grade]}
    # Agencies top to bottom in audit order: y ascending on an inverted axis.
    ys = [p.get_y() for p in bars["Good"].patches]
    assert ys == sorted(ys) and ax.yaxis_inverted()
    labels = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    assert labels == AGENCIES
    # Segments follow one another: each starts where the previous grade ended.
    lefts = np.zeros(len(table))
    for grade in GRADES:
        assert [p.get_x() for p in bars[grade].patches] == pytest.approx(lefts)
        lefts += table[grade].to_numpy()


def test_overall_counts_are_written_on_their_segments(overall_fig):
    table = overall_table()[GRADES]
    ax = bar_axes(overall_fig)
    expected = Counter(str(v) for v in table.to_numpy().ravel() if v > 0)
    assert Counter(count_labels(ax)) == expected
    for label in (t for t in ax.texts if t.get_gid() == "count"):
        x, y = label.get_position()
        segment = [
            p
            for c in ax.containers
            for p in c.patches
            if p.get_x() <= x <= p.get_x() + p.get_width()
            and p.get_y() - 0.5 <= y <= p.get_y() + p.get_height() + 0.5
        ]
        assert any(str(int(p.get_width())) == label.get_text() for p in segment)
    tails = [t.get_text() for t in ax.texts if t.get_gid() == "row-total"]
    assert tails == ["n = 10", "n = 2", "n = 7", "n = 1"]


def test_overall_title_says_n_and_alt_text_reads_the_numbers(overall_fig):
    assert subtitle(overall_fig).startswith("n = 20 audits from 4 agencies")
    alt = overall_fig.alt_text
    assert "n = 20 audits" in alt
    assert "Children's Social Care (n = 10): 8 Requires Improvement, 2 Inadequate" in alt
    assert "CAMHS (n = 1): 1 Good" in alt


def test_house_style_size_fonts_and_spines(overall_fig):
    assert overall_fig.get_size_inches()[0] == pytest.approx(F.FIG_WIDTH_IN)
    assert all(t.get_fontsize() >= 9 for t in texts(overall_fig))
    for ax in overall_fig.axes:
        assert not ax.spines["top"].get_visible()
        assert not ax.spines["right"].get_visible()


def test_the_rendered_pixels_carry_the_palette(overall_fig):
    canvas = FigureCanvasAgg(overall_fig)
    canvas.draw()
    image = np.asarray(canvas.buffer_rgba())
    ax = bar_axes(overall_fig)
    height = image.shape[0]
    checked = 0
    for grade, container in containers(ax).items():
        for patch in container.patches:
            if patch.get_width() < 1:
                continue
            checked += 1
            # A point inside the segment, away from its number.
            x, y = patch.get_x() + 0.15, patch.get_y() + patch.get_height() * 0.15
            px, py = ax.transData.transform((x, y))
            pixel = image[int(height - py), int(px), :3]
            assert to_hex(pixel / 255) == F.grade_palette(OFSTED)[grade]
    assert checked > 0


def test_a_totals_row_and_unknown_scales_are_handled():
    table = pd.concat([overall_table(), overall_table().sum().to_frame(grading.ALL_AGENCIES).T])
    fig = F.plot_overall_grades(table)
    assert len(containers(bar_axes(fig))["Good"].patches) == len(AGENCIES)
    with pytest.raises(ValueError, match="grade scale"):
        F.plot_overall_grades(pd.DataFrame({"A": [1]}, index=["X"]))
    with pytest.raises(ValueError, match="Outstanding"):
        F.plot_overall_grades(overall_table().drop(columns="Outstanding"), OFSTED)


def test_five_point_scale_uses_its_own_palette():
    columns = list(OFSTED_2025.all_grades)
    table = pd.DataFrame([[1, 2, 3, 4, 5, 6]], index=["Police"], columns=columns)
    fig = F.plot_overall_grades(table)  # scale inferred from the columns
    bars = containers(bar_axes(fig))
    assert list(bars) == columns
    palette = F.grade_palette(OFSTED_2025)
    assert all(to_hex(c.patches[0].get_facecolor()) == palette[g] for g, c in bars.items())
    assert "Ofsted five-point" in subtitle(fig)


def test_area_chart_labels_keys_and_counts_audits():
    keys = [a.key for a in DEFAULT_KEY_AREAS[:3]] + [OVERALL.key]
    table = pd.DataFrame(
        [[1, 5, 3, 0, 1], [0, 6, 2, 1, 1], [0, 4, 4, 1, 1], [1, 3, 4, 1, 1]],
        index=keys,
        columns=GRADES,
    )
    fig = F.plot_area_grades(table)
    ax = bar_axes(fig)
    labels = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    assert labels == [a.label for a in DEFAULT_KEY_AREAS[:3]] + ["Overall"]
    # Six key areas plus overall in the paper: Overall is not counted as a key area.
    assert subtitle(fig).startswith("n = 10 audits, each covering 3 key areas and overall")
    assert "4 key areas" not in fig.alt_text and "graded in" not in fig.alt_text
    assert [p.get_width() for p in containers(ax)["Good"].patches] == [5, 6, 4, 3]
    without_overall = F.plot_area_grades(table.iloc[:3])
    assert subtitle(without_overall).startswith("n = 10 audits, each covering 3 key areas ·")


# ---------------------------------------------------------------------------- suppression


def test_threshold_hides_small_counts_as_c_at_a_fixed_length():
    fig = F.plot_overall_grades(overall_table(), threshold=2)
    ax = bar_axes(fig)
    labels = count_labels(ax)
    assert "c" in labels
    assert not {"1", "2"} & set(labels)
    hidden = [p for c in ax.containers for p in c.patches if p.get_gid() == "suppressed"]
    assert hidden and all(p.get_width() == 2 for p in hidden)
    assert all(p.get_hatch() == F.SUPPRESSED_HATCH for p in hidden)
    # CSC's 8 goes too: with its row total published, its 2 Inadequate would follow.
    csc = [c.patches[0] for c in ax.containers if c.get_label() == "Requires Improvement"][0]
    assert csc.get_gid() == "suppressed"
    notes = [t.get_text() for t in fig.texts if t.get_gid() == "note"]
    assert any("privacy" in n and "1 to 2" in n for n in notes)
    tails = [t.get_text() for t in ax.texts if t.get_gid() == "row-total"]
    assert tails == ["n = 10", "n = c", "n = 7", "n = c"]
    assert "c Inadequate" in fig.alt_text and " 2 Inadequate" not in fig.alt_text


def test_a_mask_from_the_tables_is_honoured():
    table = overall_table()
    mask = grading.overall_distribution_mask(table, OFSTED, 1)
    fig = F.plot_overall_grades(table, suppressed=mask)
    ax = bar_axes(fig)
    for grade, container in containers(ax).items():
        for patch, hide, value in zip(container.patches, mask[grade], table[grade], strict=True):
            assert (patch.get_gid() == "suppressed") == (bool(hide) and value > 0)


def test_counts_chart_under_suppression_and_zero_labels():
    counts = pd.DataFrame(
        {"referrals": [9, 3, 0, 7]}, index=pd.Index(["1", "2", "3", "4"], name="case_id")
    )
    fig = F.plot_referrals_per_case(counts, threshold=5)
    ax = bar_axes(fig)
    heights = [p.get_height() for p in ax.containers[0].patches]
    # 3 is small; 7 goes too, or n = 19 would give the 3 back (secondary suppression).
    assert heights == [9, 5, 0, 5]
    assert count_labels(ax) == ["9", "c", "0", "c"]
    assert subtitle(fig) == "n = 19 referrals for 4 cases"
    assert "Case 1: 9 referrals; case 2: c referrals; case 3: no referrals;" in fig.alt_text


def test_single_series_alt_texts_say_what_the_numbers_count():
    per_case = pd.DataFrame(
        {"referrals": [2, 1, 0]}, index=pd.Index(["1", "2", "3"], name="case_id")
    )
    alt = F.plot_referrals_per_case(per_case).alt_text
    assert alt == (
        "Bar chart of referrals received before the audit period, by case, "
        "n = 3 referrals for 3 cases. "
        "Case 1: 2 referrals; case 2: 1 referral; case 3: no referrals."
    )
    categories = F.plot_referral_categories(pd.Series({"Neglect": 9, "Missing": 1}))
    assert "n = 10 referrals. Neglect: 9 referrals; Missing: 1 referral." in categories.alt_text
    outcomes = F.plot_referral_outcomes(pd.Series({"No further action": 8}))
    assert "No further action: 8 referrals." in outcomes.alt_text
    themes = F.plot_themes(pd.Series({"Domestic abuse": 6, "Housing": 1}), n_cases=10)
    assert "Domestic abuse: 6 cases; Housing: 1 case." in themes.alt_text


# ---------------------------------------------------------------------------- heatmap


def heatmap_inputs():
    areas = ["Recognition and Response", "Voice of the Child", "Overall"]
    share = pd.DataFrame(
        [[0.5, np.nan, 0.0], [1.0, 0.25, 2 / 3]], index=AGENCIES[:2], columns=areas
    )
    counts = pd.DataFrame([[6, 0, 8], [7, 8, 9]], index=AGENCIES[:2], columns=areas)
    return share, counts


def test_heatmap_cells_are_coloured_by_share_and_nan_says_no_data():
    share, counts = heatmap_inputs()
    fig = F.plot_share_heatmap(share, counts)
    ax = fig.axes[0]
    cells = [t.get_text() for t in ax.texts if t.get_gid() == "cell"]
    assert cells == ["50%\n3/6", F.NO_VALUE, "0%\n0/8", "100%\n7/7", "25%\n2/8", "67%\n6/9"]
    patches = {(int(p.get_x()), int(p.get_y())): p for p in ax.patches}
    assert to_hex(patches[(0, 0)].get_facecolor()) == to_hex(F.SHARE_CMAP(0.5))
    assert patches[(1, 0)].get_gid() == "no-data"
    assert to_hex(patches[(1, 0)].get_facecolor()) == "#ffffff"
    # n counts grades (an audit grades several areas), never "graded audits".
    assert subtitle(fig) == "n = 38 grades in 2 key areas and overall, from 2 agencies"
    assert any("no graded audit" in t.get_text() for t in fig.texts if t.get_gid() == "note")
    assert not any("hatched" in t.get_text() for t in fig.texts)  # no cell rests on < 3
    with_audits = F.plot_share_heatmap(share, counts, n_audits=9)
    assert subtitle(with_audits) == (
        "n = 38 grades in 2 key areas and overall, from 9 audits by 2 agencies"
    )
    assert "n = 38 grades" in with_audits.alt_text


def test_heatmap_marks_shares_from_fewer_than_three_graded_audits():
    areas = ["Recognition and Response", "Overall"]
    share = pd.DataFrame([[1.0, 0.5], [0.0, 0.75]], index=["CAMHS", "Schools"], columns=areas)
    counts = pd.DataFrame([[1, 2], [3, 4]], index=["CAMHS", "Schools"], columns=areas)
    fig = F.plot_share_heatmap(share, counts)
    ax = fig.axes[0]
    patches = {(int(p.get_x()), int(p.get_y())): p for p in ax.patches}
    small = [patches[(0, 0)], patches[(1, 0)]]  # CAMHS: 1/1 and 1/2
    assert [p.get_gid() for p in small] == ["small-base", "small-base"]
    assert all(p.get_hatch() == F.SMALL_BASE_HATCH for p in small)
    assert [patches[(j, 1)].get_gid() for j in (0, 1)] == ["share", "share"]
    assert patches[(0, 1)].get_hatch() is None
    # 100 % from 1 of 1 is drawn pale, not as the full-strength darkest blue, and much
    # lighter in greyscale than 75 % from 3 of 4 at full strength.
    full = to_hex(F.SHARE_CMAP(1.0))
    pale = to_hex(patches[(0, 0)].get_facecolor())
    assert pale != full and F.lightness(pale) > F.lightness(full) + 60
    assert F.lightness(pale) > F.lightness(to_hex(patches[(1, 1)].get_facecolor()))
    # The numbers are still written, in dark ink on a box of the pale fill.
    cells = [t for t in ax.texts if t.get_gid() == "cell"]
    assert [t.get_text() for t in cells] == ["100%\n1/1", "50%\n1/2", "0%\n0/3", "75%\n3/4"]
    assert cells[0].get_color() == F.INK and cells[0].get_bbox_patch() is not None
    notes = notes_of(fig)
    assert any("fewer than 3 graded audits" in n and "hatched" in n for n in notes)
    assert "CAMHS: Recognition and Response 100% (1 of 1, too few to compare)" in fig.alt_text
    assert "Schools: Recognition and Response 0% (0 of 3)," in fig.alt_text
    assert "fewer than 3 graded audits are drawn pale and hatched" in fig.alt_text
    # The threshold is a parameter; hidden cells stay grey "c", never hatched as small.
    assert not any(
        p.get_gid() == "small-base"
        for p in F.plot_share_heatmap(share, counts, small_base=1).axes[0].patches
    )
    hidden = F.plot_share_heatmap(share, counts, threshold=1).axes[0].patches
    assert {p.get_gid() for p in hidden} <= {"suppressed", "share", "small-base"}
    assert all(p.get_hatch() is None for p in hidden if p.get_gid() == "suppressed")


def test_heatmap_suppression_needs_counts_and_hides_small_shares():
    share, counts = heatmap_inputs()
    with pytest.raises(ValueError, match="counts"):
        F.plot_share_heatmap(share, threshold=2)
    fig = F.plot_share_heatmap(share, counts, threshold=2)
    cells = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "cell"]
    # 7/7 has 0 below the line and 7 graded: shown; 2/8 has 2 good: hidden.
    assert cells == ["50%\n3/6", F.NO_VALUE, "0%\n0/8", "100%\n7/7", "c", "67%\n6/9"]


# ---------------------------------------------------------------------------- returns, grid


def test_returns_chart_draws_the_audits_due_and_writes_no_involvement():
    table = pd.DataFrame(
        {
            "expected": [10, 10],
            "submitted": [5, 1],
            "incomplete": [2, 0],
            "not_submitted": [1, 0],
            "no_involvement": [2, 9],
        },
        index=pd.Index(["Education (schools)", "CAMHS"], name="agency"),
    )
    fig = F.plot_returns(table)
    ax = bar_axes(fig)
    bars = containers(ax)
    assert list(bars) == ["Submitted", "Incomplete", "Not submitted"]
    assert [p.get_width() for p in bars["Submitted"].patches] == [5, 1]
    assert bars["Not submitted"].patches[0].get_hatch() == "xxx"
    tails = [t.get_text() for t in ax.texts if t.get_gid() == "row-total"]
    assert tails == ["7 of 8 · 2 no involvement", "1 of 1 · 9 no involvement"]
    assert subtitle(fig).startswith("n = 8 audits received of 9 due")
    assert "9 No involvement" in fig.alt_text


def test_case_grid_cells_show_grades_and_statuses():
    grid = pd.DataFrame(
        {
            "CSC": ["Requires Improvement", "Inadequate", "Not graded"],
            "Police": ["No involvement", "Not submitted", ""],
        },
        index=pd.Index(["1", "2", "3"], name="case_id"),
    )
    fig = F.plot_case_grid(grid)
    ax = fig.axes[0]
    by_value = {p.get_gid(): p for p in ax.patches}
    palette = F.grade_palette(OFSTED)
    assert to_hex(by_value["Inadequate"].get_facecolor()) == palette["Inadequate"]
    assert by_value["Not submitted"].get_hatch() == "xxx"
    assert by_value["No involvement"].get_facecolor()[3] == 0  # no fill: only the dash
    cells = [t.get_text() for t in ax.texts if t.get_gid() == "cell"]
    assert cells == ["RI", "Inad", "NG", F.NO_VALUE, "NS"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "3"]
    # n counts the audits shown, graded overall or not ("with an overall grading" was wrong
    # for Not graded ones).
    assert subtitle(fig) == "n = 3 audits · 3 cases × 2 agencies"
    assert "n = 3 audits, 2 of them graded overall and 1 not graded." in fig.alt_text
    with pytest.raises(ValueError, match="Excellent"):
        F.plot_case_grid(grid.replace("Inadequate", "Excellent"))


def test_case_grid_is_withheld_from_publication():
    grid = pd.DataFrame({"CSC": ["Good"]}, index=["1"])
    fig = F.plot_case_grid(grid, threshold=5)
    assert not fig.axes
    assert "not shown in the publication version" in fig.alt_text


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


# ---------------------------------------------------------------------------- empty input


EMPTY = pd.DataFrame(columns=GRADES, dtype="int64")


@pytest.mark.parametrize(
    "make",
    [
        lambda: F.plot_overall_grades(EMPTY),
        lambda: F.plot_overall_grades(pd.DataFrame(0, index=["CSC"], columns=GRADES)),
        lambda: F.plot_area_grades(EMPTY),
        lambda: F.plot_share_heatmap(pd.DataFrame(np.nan, index=["CSC"], columns=["Overall"])),
        lambda: F.plot_returns(pd.DataFrame(columns=["submitted"])),
        lambda: F.plot_case_grid(pd.DataFrame()),
        lambda: F.plot_referrals_per_case(pd.DataFrame({"referrals": []}, dtype="int64")),
        lambda: F.plot_referral_categories(pd.Series(dtype="int64")),
        lambda: F.plot_referral_outcomes(pd.DataFrame({"referrals": []}, dtype="int64")),
        lambda: F.plot_themes(pd.DataFrame({"cases": [0]}, index=["Other"]), n_cases=0),
        lambda: F.plot_case_profile({}),
    ],
)
def test_empty_input_gives_an_honest_no_data_figure(make):
    fig = make()
    assert not fig.axes
    assert [t.get_text() for t in fig.texts if t.get_gid() == "no-data"] == [F.NO_DATA_MESSAGE]
    assert any(t.get_gid() == "title" and t.get_text() for t in fig.texts)
    assert "no data to show" in fig.alt_text


# ---------------------------------------------------------------------------- the real tables


def test_figures_draw_the_analysis_tables_as_they_come():
    rows = []
    for case, grade in (("1", "Good"), ("2", "Inadequate"), ("3", "Not graded")):
        for area in (*DEFAULT_KEY_AREAS, OVERALL):
            rows.append(("a", case, "CSC", "submitted", area.key, grade))
    for area in (*DEFAULT_KEY_AREAS, OVERALL):
        rows.append(("a", "1", "Police", "no_involvement", area.key, NOT_GRADED))
    gradings = pd.DataFrame(
        rows, columns=["audit_id", "case_id", "agency", "status", "area", "grade"]
    )
    agencies, areas = ["CSC", "Police"], DEFAULT_KEY_AREAS
    overall = grading.overall_grade_distribution(gradings, agencies, OFSTED)
    fig = F.plot_overall_grades(overall)
    assert [p.get_width() for p in containers(bar_axes(fig))["Good"].patches] == [1, 0]
    share = grading.good_or_better_share(gradings, agencies, areas, OFSTED)
    graded = grading.graded_counts(gradings, agencies, areas, OFSTED)
    assert texts(F.plot_share_heatmap(share, graded), "cell")[0].get_text() == "50%\n1/2"
    grid = grading.case_agency_grid(gradings, agencies)
    assert "Good" in [p.get_gid() for p in F.plot_case_grid(grid).axes[0].patches]
    returns = gradings.loc[gradings["area"] == OVERALL.key]
    fig = F.plot_returns(grading.return_rates(returns, agencies))
    assert "3 of 3" in [t.get_text() for t in bar_axes(fig).texts]


# ---------------------------------------------------------------------------- saving


def test_save_writes_png_svg_and_alt_text_reproducibly(tmp_path):
    table = overall_table().iloc[:2]
    first = F.save_figure(F.plot_overall_grades(table), tmp_path / "a" / "overall")
    second = F.save_figure(F.plot_overall_grades(table), tmp_path / "b" / "overall")
    assert set(first) == {"png", "svg", "txt"}
    for kind in first:
        assert first[kind].read_bytes() == second[kind].read_bytes(), kind
    assert first["png"].name == "overall.png" and first["png"].read_bytes()[:4] == b"\x89PNG"
    svg = first["svg"].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    alt = first["txt"].read_text(encoding="utf-8")
    assert alt.startswith("Stacked bar chart of the overall grade") and "n = 12 audits" in alt
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == [
        "overall.png",
        "overall.svg",
        "overall.txt",
    ]  # no temporary files left behind


def test_save_needs_alt_text():
    from matplotlib.figure import Figure

    with pytest.raises(ValueError, match="alt text"):
        F.save_figure(Figure(), "/nonexistent/never-written")


def test_a_notebook_shows_the_png_with_its_alt_text_and_width():
    fig = F.plot_referral_outcomes(pd.Series({"No further action": 7, "CAF": 6}))
    assert isinstance(fig, F.PaperFigure)
    data, meta = fig._repr_png_()
    assert data[:4] == b"\x89PNG"
    assert meta == {"width": round(F.FIG_WIDTH_IN * 96), "alt": fig.alt_text}
    assert fig.alt_text.startswith("Bar chart of outcomes of all referrals")
