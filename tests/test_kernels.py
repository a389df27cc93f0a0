"""A warm kernel: started early in the notebook's folder, it has imported what it was asked to
before the notebook starts, the notebook sees a fresh kernel, and nothing outlives it."""

from __future__ import annotations

import json
import os

import nbformat
import papermill
from nbformat.v4 import new_code_cell, new_notebook

from audit_analysis.run.kernels import WarmKernel

ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL"]
PROBE = """\
import json, os, sys
print(json.dumps({
    "preloaded": "email.mime.text" in sys.modules,
    "cwd": os.getcwd(),
    "names": sorted(n for n in dir() if not n.startswith("_")),
}))
"""


def test_a_warm_kernel_has_the_modules_loaded_and_the_notebook_starts_fresh(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    source = folder / "probe.ipynb"
    nbformat.write(
        new_notebook(
            cells=[new_code_cell(PROBE)],
            metadata={
                "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
            },
        ),
        source,
    )
    kernel = WarmKernel("python3", folder, ARGUMENTS, ("email.mime.text",))
    try:
        papermill.execute_notebook(
            source, tmp_path / "out.ipynb", progress_bar=False, km=kernel.ready()
        )
    finally:
        kernel.shutdown()
    [cell] = nbformat.read(tmp_path / "out.ipynb", as_version=4).cells
    seen = json.loads(cell.outputs[0]["text"])
    assert seen["preloaded"] is True
    assert os.path.samefile(seen["cwd"], folder)
    assert "email" not in seen["names"]  # imported, but not into the notebook's namespace
    assert cell.execution_count == 1  # the warm-up was silent: it took no prompt number
    assert not kernel.manager.has_kernel
    assert [c.channels_running for c in kernel.manager.clients_made] == [False, False]


def test_shutting_down_a_kernel_still_warming_stops_it_at_once(tmp_path):
    kernel = WarmKernel("python3", tmp_path, ARGUMENTS, ("time",))
    kernel.shutdown()
    kernel.shutdown()  # twice is harmless
    assert not kernel.manager.has_kernel
    assert not kernel._warming.is_alive()  # the warm-up stopped too, not left asking a dead kernel
