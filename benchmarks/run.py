"""Benchmark of audit-analysis: medians over whole-process runs, and ratios measured in one run.

    .venv/bin/python benchmarks/run.py            # 3 repeats, full sizes (about 17 minutes on 2 cores)
    .venv/bin/python benchmarks/run.py --quick    # 1 repeat, smaller sizes (about 4 minutes)

Everything runs in a throwaway project folder; the checkout's data and outputs are not touched.
Each measurement is a separate process, timed and measured (peak resident memory of its
largest process, kernels included) by a small wrapper process through getrusage. Only the
standard library and the project's own dependencies are used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
REFERENCE = "bromley-2016-neglect"
BIN = Path(sys.executable).parent
WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
try:
    code = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          timeout=float(sys.argv[1])).returncode
except subprocess.TimeoutExpired:
    code = "timeout"
seconds = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024, "code": code}))
"""
FLOOR_NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "floor",
            "metadata": {},
            "outputs": [],
            "source": ["import matplotlib\n", "import pandas"],
        }
    ],
    "metadata": {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}
SCALE_SCRIPT = """
import sys
from audit_analysis.analysis.exhibits import build_exhibits
from audit_analysis.analysis.exhibits.files import write_exhibits
from audit_analysis.clean.pipeline import clean, load
from audit_analysis.paths import Workspace
root, audit_id = sys.argv[1], sys.argv[2]
paths = Workspace.at(root).audit(audit_id)
clean(paths)
exhibits = build_exhibits(load(paths, refresh=False), publication=False)
write_exhibits(exhibits, paths.tables)
"""
"""Clean (validate, write the processed tables), then every exhibit built and its tables filed:
the analysis stage's data work. Drawing the charts is the renderers' job, measured apart."""
VALIDATE_SCRIPT = """
import sys
from audit_analysis.clean.pipeline import validate
from audit_analysis.paths import Workspace
result = validate(Workspace.at(sys.argv[1]).audit(sys.argv[2]))
sys.exit(0 if result.ok else 1)
"""


def measure(command: list[str], timeout: float = 1800) -> dict:
    """One whole-process run: wall seconds, peak memory (MB), exit code."""
    out = subprocess.run(
        [sys.executable, "-c", WRAPPER, str(timeout), *command],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


class Bench:
    def __init__(self, root: Path, repeats: int):
        self.root, self.repeats = root, repeats
        self.rows: dict[str, list[dict]] = {}

    def cli(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "audit_analysis.cli", "--root", str(self.root), *args]

    def time(self, name: str, command: list[str], before=None, timeout: float = 1800) -> None:
        for _ in range(self.repeats):
            if before:
                before()
            result = measure(command, timeout)
            self.rows.setdefault(name, []).append(result)
            print(
                f"  {name}: {result['seconds']:.1f} s, {result['peak_mb']:.0f} MB, "
                f"exit {result['code']}",
                file=sys.stderr,
                flush=True,
            )

    def median(self, name: str) -> float:
        return statistics.median(r["seconds"] for r in self.rows[name])

    def peak(self, name: str) -> float:
        return max(r["peak_mb"] for r in self.rows[name])


def setup_workspace(root: Path) -> None:
    shutil.copytree(PROJECT / "notebooks", root / "notebooks")
    (root / "data" / "raw").mkdir(parents=True)
    shutil.copytree(PROJECT / "data" / "raw" / REFERENCE, root / "data" / "raw" / REFERENCE)


def synth(bench: Bench, audit_id: str, cases: int, seed: int = 1) -> None:
    subprocess.run(
        bench.cli("synth", "-q", audit_id, "--cases", str(cases), "--seed", str(seed)),
        check=True,
    )


def naive_pipeline(bench: Bench, out: Path) -> list[str]:
    """A shell pipeline a data scientist would write: papermill CLI per notebook, nbconvert, weasyprint."""
    steps = []
    for notebook in sorted((bench.root / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        steps.append(
            [
                str(BIN / "papermill"),
                str(notebook),
                str(out / notebook.name),
                "-p",
                "audit_id",
                REFERENCE,
                "-p",
                "root",
                str(bench.root),
                "-p",
                "output_dir",
                str(out),
                "-p",
                "final",
                "True",
                "--cwd",
                str(bench.root / "notebooks"),
                "-k",
                "python3",  # this Python, as the product's runner uses (not a registered kernel)
                "--no-progress-bar",
            ]
        )
    last = out / sorted(p.name for p in (bench.root / "notebooks").glob("[0-9][0-9]_*.ipynb"))[-1]
    steps.append([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(last)])
    steps.append(
        [
            str(BIN / "weasyprint"),
            "--pdf-variant",
            "pdf/ua-1",  # the variant the product renders
            str(last.with_suffix(".html")),
            str(out / "paper.pdf"),
        ]
    )
    script = (
        "import subprocess, sys, json\nfor step in json.loads(sys.argv[1]):\n"
        "    subprocess.run(step, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    )
    return [sys.executable, "-c", script, json.dumps(steps)]


def referrals_file(path: Path, cases: int, rows: int, seed: int = 3) -> None:
    """`rows` distinct referrals spread over `cases` children, 2021-04-01 to 2026-03-31."""
    rng = random.Random(seed)
    start = dt.date(2021, 4, 1)
    days = (dt.date(2026, 3, 31) - start).days + 1
    per_case = -(-rows // cases)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write("case_id,date,referrer,category,outcome\n")
        written = 0
        for case in range(1, cases + 1):
            for day in sorted(rng.sample(range(days), min(per_case, rows - written))):
                date = start + dt.timedelta(days=day)
                handle.write(f"{case},{date},Police,Neglect,No further action\n")
                written += 1
            if written >= rows:
                break


def machine() -> str:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or cpu
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",) * 3
    return (
        f"nproc {os.cpu_count()}; CPU {cpu}; Python {platform.python_version()}; "
        f"{platform.system()} {platform.release()}; load average at the end "
        f"{', '.join(f'{x:.2f}' for x in load)}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repeat, smaller sizes")
    parser.add_argument("--repeats", type=int, default=None, help="runs per measurement")
    parser.add_argument(
        "--only", nargs="*", default=None, help="sections: reference batch rerun scale validate"
    )
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.quick else 3)
    sizes = (10, 100, 1_000) if args.quick else (10, 100, 1_000, 10_000)
    batch = 4 if args.quick else 8
    referral_rows = 100_000 if args.quick else 1_000_000
    sections = set(args.only or ["reference", "batch", "rerun", "scale", "validate"])

    root = Path(tempfile.mkdtemp(prefix="audit-analysis-bench-"))
    bench = Bench(root, repeats)
    started = dt.datetime.now().astimezone()
    try:
        setup_workspace(root)
        full = bench.cli("run", "-q", REFERENCE, "--final", "--force")

        def from_nothing() -> None:  # --force alone would reuse the cleaned tables
            shutil.rmtree(root / "data" / "processed", ignore_errors=True)

        if sections & {"reference", "rerun"}:
            print("reference run", file=sys.stderr)
            bench.time("full reference run (--final, HTML+PDF)", full, before=from_nothing)
        if "reference" in sections:
            naive_out = root / "naive"
            naive_out.mkdir()
            bench.time(
                "naive pipeline (papermill CLI ×4, nbconvert, weasyprint)",
                naive_pipeline(bench, naive_out),
            )
            floor = root / "floor.ipynb"
            floor.write_text(json.dumps(FLOOR_NOTEBOOK))
            bench.time(
                "floor (papermill, import pandas+matplotlib)",
                [
                    str(BIN / "papermill"),
                    str(floor),
                    str(root / "floor-out.ipynb"),
                    "--no-progress-bar",
                ],
            )
        if "rerun" in sections:
            print("reruns", file=sys.stderr)
            subprocess.run(full, check=True, stdout=subprocess.DEVNULL)
            bench.time("rerun, nothing changed", bench.cli("run", "-q", REFERENCE, "--final"))
            commentary = root / "data" / "raw" / REFERENCE / "commentary.md"
            original = commentary.read_text(encoding="utf-8")
            counter = iter(range(1_000_000))

            def edit_commentary() -> None:  # each run follows a successful one: only this differs
                commentary.write_text(original + f"\nEdit {next(counter)}.\n", encoding="utf-8")

            bench.time(
                "rerun, commentary.md edited",
                bench.cli("run", "-q", REFERENCE, "--final"),
                before=edit_commentary,
            )
            commentary.write_text(original, encoding="utf-8")
        if "batch" in sections:
            print("batch", file=sys.stderr)
            ids = [f"batch-{n}" for n in range(1, batch + 1)]
            for n, audit_id in enumerate(ids, 1):
                synth(bench, audit_id, cases=10, seed=n)
            for jobs in (1, 2):
                bench.time(
                    f"batch of {batch} synthetic audits, --jobs {jobs}",
                    bench.cli("run", "-q", *ids, "--final", "--force", "--jobs", str(jobs)),
                )
        if "scale" in sections:
            print("scale", file=sys.stderr)
            for cases in sizes:
                audit_id = f"scale-{cases}"
                synth(bench, audit_id, cases=cases, seed=1)
                bench.time(
                    f"clean + exhibits, {cases:,} cases (15 agencies)",
                    [sys.executable, "-c", SCALE_SCRIPT, str(root), audit_id],
                    timeout=1200,
                )
        if "validate" in sections:
            print("validate", file=sys.stderr)
            audit_id = "big-referrals"
            synth(bench, audit_id, cases=1_000, seed=9)
            referrals_file(root / "data" / "raw" / audit_id / "referrals.csv", 1_000, referral_rows)
            bench.time(
                f"validate a {referral_rows:,}-row referrals.csv",
                [sys.executable, "-c", VALIDATE_SCRIPT, str(root), audit_id],
                timeout=1200,
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(report(bench, args, started, sizes, batch))
    return 0


def report(bench: Bench, args, started, sizes, batch) -> str:
    lines = [
        f"audit-analysis benchmark, {started:%Y-%m-%d %H:%M %Z}, "
        f"{'quick' if args.quick else 'full'} mode, {bench.repeats} run(s) each",
        f"Machine: {machine()}",
        "",
        "| measurement | median s | runs | peak MB | exit codes |",
        "|---|---:|---:|---:|---|",
    ]
    for name, runs in bench.rows.items():
        codes = ",".join(sorted({str(r["code"]) for r in runs}))
        lines.append(
            f"| {name} | {bench.median(name):.1f} | {len(runs)} | "
            f"{bench.peak(name):.0f} | {codes} |"
        )
    ratios = []

    def ratio(label: str, top: str, bottom: str, target: float | None) -> None:
        failed = [n for n in (top, bottom) if any(r["code"] != 0 for r in bench.rows.get(n, []))]
        if failed:
            ratios.append(f"- {label}: not computed, a run failed ({'; '.join(failed)})")
        elif top in bench.rows and bottom in bench.rows:
            value = bench.median(top) / bench.median(bottom)
            verdict = "" if target is None else (" met" if value <= target else " MISSED")
            goal = "" if target is None else f" (target ≤ {target}×:{verdict})"
            ratios.append(f"- {label}: **{value:.2f}×**{goal}")

    full = "full reference run (--final, HTML+PDF)"
    ratio(
        "full run / naive pipeline",
        full,
        "naive pipeline (papermill CLI ×4, nbconvert, weasyprint)",
        0.4,
    )
    ratio("full run / floor", full, "floor (papermill, import pandas+matplotlib)", 3)
    ratio(
        f"batch of {batch}: --jobs 2 / --jobs 1",
        f"batch of {batch} synthetic audits, --jobs 2",
        f"batch of {batch} synthetic audits, --jobs 1",
        0.6,
    )
    ratio("no-change rerun / full run", "rerun, nothing changed", full, 0.05)
    ratio("commentary-only rerun / full run", "rerun, commentary.md edited", full, 0.3)
    scale = [f"clean + exhibits, {n:,} cases (15 agencies)" for n in sizes]
    if all(s in bench.rows for s in scale[-2:]) and len(scale) >= 2:
        ratio(
            f"clean + exhibits {sizes[-1]:,} / {sizes[-2]:,} cases (linear would be "
            f"{sizes[-1] // sizes[-2]}×)",
            scale[-1],
            scale[-2],
            None,
        )
    if ratios:
        lines += ["", "Ratios (medians of this run):", *ratios]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
