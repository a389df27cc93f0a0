"""PaperFigure (a Figure that carries its alt text and shows itself in a notebook) and saving."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import matplotlib as mpl
from matplotlib.figure import Figure

from audit_analysis.paper.figures.style import SAVE_DPI, STYLE
from audit_analysis.paths import write_atomic

SVG_HASHSALT = "audit-analysis"


class PaperFigure(Figure):
    """A matplotlib Figure that knows its alt text and shows itself in a notebook.

    ``alt_text`` describes the chart in words. In Jupyter the figure displays as a PNG whose
    output metadata carries ``alt`` and ``width`` (6.3 in at 96 px/in), which the board
    paper's HTML template turns into the ``<img>``'s alt text and size; no ``%matplotlib``
    magic is needed, and pyplot's inline backend cannot pre-empt it.
    """

    alt_text: str = ""

    def title_text(self) -> str:
        title = next((t.get_text() for t in self.texts if t.get_gid() == "title"), "")
        return " ".join(title.split())

    def png_bytes(self, dpi: int = SAVE_DPI) -> bytes:
        """The figure as reproducible PNG bytes (no software version or date inside)."""
        buffer = io.BytesIO()
        with mpl.rc_context(STYLE):
            self.savefig(
                buffer,
                format="png",
                dpi=dpi,
                facecolor="white",
                metadata={
                    "Software": None,
                    "Title": self.title_text(),
                    "Description": self.alt_text,
                },
            )
        return buffer.getvalue()

    def _repr_png_meta(self) -> dict:
        meta = {"width": round(self.get_figwidth() * 96)}
        if self.alt_text:
            meta["alt"] = self.alt_text
        return meta

    def _repr_png_(self) -> tuple[bytes, dict]:
        return self.png_bytes(), self._repr_png_meta()

    def _ipython_display_(self) -> None:
        self.display()

    def display(self, png: bytes | None = None) -> None:
        """Show the figure in a notebook; `png` reuses bytes already rendered by save_figure."""
        from IPython.display import display

        data, meta = self._repr_png_() if png is None else (png, self._repr_png_meta())
        display(
            {
                "image/png": base64.b64encode(data).decode("ascii"),
                "text/plain": f"<Figure: {self.title_text() or 'untitled'}>",
            },
            raw=True,
            metadata={"image/png": meta},
        )


def attach_alt_text(fig: Figure, alt_text: str) -> Figure:
    """Carry the alt text on the figure, as given (whitespace folded to one line)."""
    fig.alt_text = " ".join(alt_text.split())  # type: ignore[attr-defined]
    return fig


def alt_text_of(fig: Figure) -> str:
    """The alt text a draw_* or plot_* function attached to its figure."""
    text = getattr(fig, "alt_text", None)
    if not text:
        raise ValueError("this figure has no alt text; pass alt_text= to save_figure")
    return text


def save_figure(
    fig: Figure, path_stem: str | Path, alt_text: str | None = None, *, dpi: int = SAVE_DPI
) -> dict[str, Path]:
    """Write ``<stem>.png``, ``<stem>.svg`` and ``<stem>.txt`` (the alt text); return the paths.

    Returns ``{"png": ..., "svg": ..., "txt": ...}``. ``alt_text`` defaults to the figure's
    own (``fig.alt_text``). Each file is written through a temporary sibling and swapped in
    whole. Output is byte-for-byte reproducible — no dates or software versions in the
    metadata, a fixed SVG hash salt — so regenerating an unchanged figure leaves its files
    unchanged. The alt text is also embedded as the PNG's and SVG's description.
    """
    text = " ".join((alt_text if alt_text is not None else alt_text_of(fig)).split())
    stem = Path(path_stem)
    title = next((t.get_text() for t in fig.texts if t.get_gid() == "title"), stem.name)
    title = " ".join(title.split())
    png, svg = io.BytesIO(), io.BytesIO()  # rendered whole before any file is touched
    with mpl.rc_context({**STYLE, "svg.hashsalt": SVG_HASHSALT}):
        fig.savefig(
            png,
            format="png",
            dpi=dpi,
            facecolor="white",
            metadata={"Software": None, "Title": title, "Description": text},
        )
        fig.savefig(
            svg,
            format="svg",
            facecolor="white",
            metadata={"Date": None, "Creator": None, "Title": title, "Description": text},
        )
    return {
        "png": write_atomic(stem.with_name(stem.name + ".png"), png.getvalue()),
        "svg": write_atomic(stem.with_name(stem.name + ".svg"), svg.getvalue()),
        "txt": write_atomic(stem.with_name(stem.name + ".txt"), text + "\n"),
    }
