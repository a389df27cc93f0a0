"""The paper's typeface, shipped with the package: the same glyphs on every machine.

Lato (OFL, in ``fonts/``) is registered with matplotlib for the charts and embedded in the
HTML paper as ``@font-face`` data URIs, which WeasyPrint reads for the PDF, so neither the
paper nor the tests depend on the fonts a machine happens to have. DejaVu Sans (which
matplotlib ships, and Debian installs) supplies the few glyphs Lato lacks, such as arrows.
"""

from __future__ import annotations

import base64
import functools
import re
from pathlib import Path

FONT_DIR = Path(__file__).parent / "fonts"
FAMILY = "Lato"
FALLBACK = "DejaVu Sans"
FACES: tuple[tuple[str, int, str], ...] = (
    ("Lato-Regular.ttf", 400, "normal"),
    ("Lato-Bold.ttf", 700, "normal"),
    ("Lato-Italic.ttf", 400, "italic"),
)
"""(file in FONT_DIR, CSS font-weight, CSS font-style) of each face shipped."""
_FONT_URL = re.compile(r"""url\(\s*(['"]?)fonts/([\w.-]+\.ttf)\1\s*\)""")


def font_files() -> list[Path]:
    return [FONT_DIR / name for name, _, _ in FACES]


@functools.cache
def register_with_matplotlib() -> None:
    """Make the shipped faces known to matplotlib (once per process)."""
    from matplotlib import font_manager

    for path in font_files():
        font_manager.fontManager.addfont(str(path))


@functools.cache
def _data_uri(name: str) -> str:
    data = (FONT_DIR / name).read_bytes()
    return "data:font/ttf;base64," + base64.b64encode(data).decode("ascii")


def embed_fonts(css: str) -> str:
    """Replace each ``url(fonts/<file>.ttf)`` with the shipped file as a data: URI.

    The paper opens offline and fetches nothing, so its fonts travel inside it.
    Raises FileNotFoundError naming a font the package does not ship.
    """
    return _FONT_URL.sub(lambda m: f'url("{_data_uri(m.group(2))}")', css)
