"""Figures: the house style — one palette per scale, readable in greyscale, text that contrasts."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from figure_helpers import (
    GRADES,
)
from matplotlib.colors import to_hex

from audit_analysis.paper import figures as F
from audit_analysis.vocabulary import (
    NOT_GRADED,
    OFSTED,
    OFSTED_2025,
)

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
