"""Reading a PDF's text by words and positions, not by one text-extraction layout.

pypdf's `extract_text` joins a page's fragments in the order they are drawn, with breaks and
spaces it guesses from the fonts' metrics; so the same table can read as one line with one font
and as several with another. Here every fragment is placed where it is drawn and lines are
rebuilt by their baselines, left to right, words joined by single spaces: the text a reader
sees, whatever fonts the machine has.
"""

from __future__ import annotations

from pypdf import PageObject

BASELINE_TOLERANCE = 2.0  # points: fragments this close vertically share a line


def page_words(page: PageObject) -> list[tuple[float, float, str]]:
    """(y from the top, x, word) for every word drawn on the page."""
    height = float(page.mediabox.height)
    fragments: list[tuple[float, float, str]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        fragments.append((height - y, x, text))

    page.extract_text(visitor_text=visit)
    words = []
    for top, x, text in fragments:
        # A fragment's own words keep their order; its x is where the first one starts.
        words += [(top, x + i * 1e-3, word) for i, word in enumerate(text.split())]
    return words


def page_lines(page: PageObject) -> list[str]:
    """The page's lines, top to bottom, each its words left to right joined by one space."""
    lines: list[list[tuple[float, float, str]]] = []
    for word in sorted(page_words(page)):
        if lines and word[0] - lines[-1][0][0] <= BASELINE_TOLERANCE:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [" ".join(w for _, _, w in sorted(line, key=lambda item: item[1])) for line in lines]


def page_text(page: PageObject) -> str:
    return "\n".join(page_lines(page))


def page_fonts(page: PageObject) -> set[str]:
    """The fonts a page uses, without their subset prefix: 'Lato-Bold', not 'XAGEFI+Lato-Bold'."""
    fonts = page["/Resources"].get_object().get("/Font", {})
    return {str(f.get_object()["/BaseFont"]).lstrip("/").split("+")[-1] for f in fonts.values()}
