"""Grade charts as matplotlib built them: bar lengths against the table, the order of rows and
stacked segments, colours, the numbers on the bars, "n = " in the subtitle, "c" under
suppression, and the seaborn heatmap's cells."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from figure_helpers import (
    AGENCIES,
    GRADES,
    bar_axes,
    cell_texts,
    containers,
    count_labels,
    mesh_cells,
    notes_of,
    overall_table,
    subtitle,
    texts,
)
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex

from audit_analysis.analysis import grading
from audit_analysis.paper import figures as F
from audit_analysis.vocabulary import (
    DEFAULT_KEY_AREAS,
    OFSTED,
    OFSTED_2025,
    OVERALL,
)

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
    assert cell_texts(ax) == [
        "50%\n3/6",
        F.NO_VALUE,
        "0%\n0/8",
        "100%\n7/7",
        "25%\n2/8",
        "67%\n6/9",
    ]
    cells = mesh_cells(ax)  # seaborn layers: one per kind of cell
    assert cells[(0, 0)] == ("share", to_hex(F.SHARE_CMAP(0.5), keep_alpha=True))
    assert cells[(1, 0)] == ("no-data", "#ffffffff")  # white "–", never a 0 % colour
    assert cells[(2, 1)] == ("share", to_hex(F.SHARE_CMAP(2 / 3), keep_alpha=True))
    assert len(cells) == 6
    # n counts grades (an audit grades several areas), never "graded audits".
    assert subtitle(fig) == "n = 38 grades in 2 key areas and overall, from 2 agencies"
    assert any("no graded audit" in t.get_text() for t in fig.texts if t.get_gid() == "note")
    assert not any("hatched" in t.get_text() for t in fig.texts)  # no cell rests on < 3
    with_audits = F.plot_share_heatmap(share, counts, n_audits=9)
    assert subtitle(with_audits) == (
        "n = 38 grades in 2 key areas and overall, from 9 audits by 2 agencies"
    )
    assert "n = 38 grades" in with_audits.alt_text
    # Dark cells get white text, light cells black (seaborn's own choice is overridden).
    ink = {t.get_text(): t.get_color() for t in ax.texts if t.get_gid() == "cell"}
    assert ink["100%\n7/7"] == "#ffffff" and ink["0%\n0/8"] == "#000000"
    assert fig.get_size_inches()[0] == pytest.approx(F.FIG_WIDTH_IN)
    assert all(t.get_fontsize() >= 9 for t in texts(fig))


def test_heatmap_marks_shares_from_fewer_than_three_graded_audits():
    areas = ["Recognition and Response", "Overall"]
    share = pd.DataFrame([[1.0, 0.5], [0.0, 0.75]], index=["CAMHS", "Schools"], columns=areas)
    counts = pd.DataFrame([[1, 2], [3, 4]], index=["CAMHS", "Schools"], columns=areas)
    fig = F.plot_share_heatmap(share, counts)
    ax = fig.axes[0]
    cells = mesh_cells(ax)
    assert [cells[(j, 0)][0] for j in (0, 1)] == ["small-base", "small-base"]  # 1/1 and 1/2
    assert [cells[(j, 1)][0] for j in (0, 1)] == ["share", "share"]
    # seaborn's mesh cannot hatch: a hatched square lies over each small-base cell only.
    hatched = {(int(p.get_x()), int(p.get_y())): p for p in ax.patches}
    assert set(hatched) == {(0, 0), (1, 0)}
    assert all(p.get_hatch() == F.SMALL_BASE_HATCH for p in hatched.values())
    assert all(p.get_gid() == "small-base" for p in hatched.values())
    # 100 % from 1 of 1 is drawn pale, not as the full-strength darkest blue, and much
    # lighter in greyscale than 75 % from 3 of 4 at full strength.
    full = to_hex(F.SHARE_CMAP(1.0))
    pale = cells[(0, 0)][1][:7]
    assert pale != full and F.lightness(pale) > F.lightness(full) + 60
    assert F.lightness(pale) > F.lightness(cells[(1, 1)][1][:7])
    # The numbers are still written, in dark ink on a box of the pale fill.
    assert cell_texts(ax) == ["100%\n1/1", "50%\n1/2", "0%\n0/3", "75%\n3/4"]
    first = next(t for t in ax.texts if t.get_text() == "100%\n1/1")
    assert first.get_color() == F.INK and first.get_bbox_patch() is not None
    notes = notes_of(fig)
    assert any("fewer than 3 graded audits" in n and "hatched" in n for n in notes)
    assert "CAMHS: Recognition and Response 100% (1 of 1, too few to compare)" in fig.alt_text
    assert "Schools: Recognition and Response 0% (0 of 3)," in fig.alt_text
    assert "fewer than 3 graded audits are drawn pale and hatched" in fig.alt_text
    # The threshold is a parameter; hidden cells stay grey "c", never hatched as small.
    unmarked = F.plot_share_heatmap(share, counts, small_base=1).axes[0]
    assert "small-base" not in {gid for gid, _ in mesh_cells(unmarked).values()}
    hidden = F.plot_share_heatmap(share, counts, threshold=1).axes[0]
    kinds = mesh_cells(hidden)
    assert {gid for gid, _ in kinds.values()} <= {"suppressed", "share", "small-base"}
    assert not [
        p for p in hidden.patches if kinds[(int(p.get_x()), int(p.get_y()))][0] == "suppressed"
    ]


def test_heatmap_suppression_needs_counts_and_hides_small_shares():
    share, counts = heatmap_inputs()
    with pytest.raises(ValueError, match="counts"):
        F.plot_share_heatmap(share, threshold=2)
    fig = F.plot_share_heatmap(share, counts, threshold=2)
    # 7/7 has 0 below the line and 7 graded: shown; 2/8 has 2 good: hidden.
    assert cell_texts(fig.axes[0]) == [
        "50%\n3/6",
        F.NO_VALUE,
        "0%\n0/8",
        "100%\n7/7",
        "c",
        "67%\n6/9",
    ]
    assert mesh_cells(fig.axes[0])[(1, 1)] == ("suppressed", F.SUPPRESSED_FILL + "ff")
