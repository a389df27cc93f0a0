"""No-data figures, the analysis tables drawn as they come, saving and notebook display."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from figure_helpers import (
    GRADES,
    bar_axes,
    containers,
    mesh_cells,
    overall_table,
    texts,
)

from audit_analysis.analysis import grading
from audit_analysis.paper import figures as F
from audit_analysis.vocabulary import (
    DEFAULT_KEY_AREAS,
    NOT_GRADED,
    OFSTED,
    OVERALL,
)

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
    assert "Good" in [gid for gid, _ in mesh_cells(F.plot_case_grid(grid).axes[0]).values()]
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
