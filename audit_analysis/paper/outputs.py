"""The analysis stage run for a paper: exhibits built once, charts drawn once, all filed.

`outputs/<audit-id>/tables/` gets each exhibit's CSV and exhibits.json; `figures/` each chart
as PNG, SVG and alt text. Notebook 01 builds them; notebooks 02–04, the exporters and the Word
paper read them, so a batch run computes and draws each exhibit once.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from audit_analysis import __version__
from audit_analysis.analysis.exhibits.files import (
    read_exhibits,
    read_index,
    write_exhibits,
)
from audit_analysis.analysis.exhibits.model import Exhibits
from audit_analysis.clean.processed import ProcessedAudit
from audit_analysis.intake.raw_tables import COMMENTARY_FILES

TABLES, FIGURES = "tables", "figures"


def provenance(audit: ProcessedAudit, publication: bool) -> dict:
    """What the exhibits were built from: stale exhibits are rebuilt, never shown.

    The commentary is left out: it is words around the exhibits, so editing it reuses them."""
    data = {
        name: sha
        for name, sha in audit.manifest.get("inputs", {}).items()
        if name not in COMMENTARY_FILES
    }
    inputs = json.dumps(data, sort_keys=True).encode("utf-8")
    return {
        "audit_id": audit.audit_id,
        "code_version": __version__,
        "processed_inputs": hashlib.sha256(inputs).hexdigest(),
        "publication": publication,
        "disclosure_threshold": audit.config.disclosure_threshold if publication else None,
    }


def build_outputs(audit: ProcessedAudit, out: Path, *, publication: bool = False) -> Exhibits:
    """Build every exhibit, draw its chart, and file both under `out`.

    The builders and matplotlib are imported here: a kernel that reads filed exhibits
    never needs them."""
    import matplotlib.pyplot as plt

    from audit_analysis.analysis.exhibits.build import build_exhibits
    from audit_analysis.paper import figures
    from audit_analysis.paper.exhibit_figures import draw

    out = Path(out)
    exhibits = build_exhibits(audit, publication=publication)
    for exhibit in exhibits.values():
        if exhibit.chart is not None:
            fig = draw(exhibit, exhibits.threshold)
            figures.save_figure(fig, out / FIGURES / exhibit.id, exhibit.alt_text)
            plt.close(fig)
    write_exhibits(exhibits, out / TABLES, provenance(audit, publication))
    return exhibits


def current_outputs(audit: ProcessedAudit, out: Path, *, publication: bool = False) -> Exhibits:
    """The exhibits filed under `out` when they were built from this audit's data, else built now."""
    index = read_index(Path(out) / TABLES)
    wanted = provenance(audit, publication)
    if index is not None and all(index.get(k) == v for k, v in wanted.items()):
        charts = [e for e in index["exhibits"] if e["chart"]]
        if all((Path(out) / FIGURES / f"{e['id']}.png").is_file() for e in charts):
            return read_exhibits(Path(out) / TABLES)
    return build_outputs(audit, out, publication=publication)
