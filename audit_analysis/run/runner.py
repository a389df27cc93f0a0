"""`audit-analysis run`: clean an audit, run the notebooks on it and export the board paper.

Each audit's run is built in a staging folder and swapped in whole (`paths.building`), so
`outputs/<audit-id>/` only ever holds a complete run: a failure leaves the previous
outputs as they were. What a failure leaves instead is `outputs/<audit-id>/.failed/`:
the executed notebook that failed, error shown in place, for the user to open (or
`traceback.txt`, for an error outside the notebooks). The next successful run removes it.

`outputs/<audit-id>/manifest.json` (manifest.py) records what made each paper.

Audits run in parallel on threads, and within an audit the notebooks that need only the
first run side by side (schedule.py), each in its own kernel, started early and warmed
(kernels.py), so the threads mostly wait. papermill's `cwd=` changes the whole process's
working directory, which threads would race on; each kernel is started in its notebook's
folder instead.
"""

from __future__ import annotations

import dataclasses
import errno
import os
import shutil
import threading
import time
import traceback
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from tqdm import tqdm

from audit_analysis.light_imports import (
    import_in_background,
    skip_slow_optional_imports,
)
from audit_analysis.paths import (
    AuditPaths,
    OutputLockedError,
    Workspace,
    building,
    is_build_leftover,
    remove_stale_builds,
)
from audit_analysis.problems import AuditDataError, render_text
from audit_analysis.run import reuse
from audit_analysis.run.kernels import WarmKernel
from audit_analysis.run.manifest import (
    MANIFEST,
    file_hashes,
    paper_mode,
    read_manifest,
    write_manifest,
)
from audit_analysis.run.schedule import Job, notebook_needs, run_jobs
from audit_analysis.run.snapshot import (
    SNAPSHOT,
    take_snapshot,
)

skip_slow_optional_imports()  # before anything in this process loads nbformat

NOTEBOOK_PATTERN = "[0-9][0-9]_*.ipynb"
FAILED = ".failed"
RUN_PRODUCTS = ("figures", "tables", "notebooks")
PUBLICATION_WORK = "publication-work"
PAPER_SUFFIXES = ("html", "pdf", "docx")
"""Under outputs/<audit-id>/: a publication run's executed notebooks and failures (internal)."""
"""Folders a run writes; every other file of the old outputs folder is carried over."""
INJECTED_TAG = "injected-parameters"
CURRENT, STALE, MISSING = "current", "stale", "missing"
# ipykernel logs a TCP warning on every start and an error when shut down mid-message: noise
# on the user's terminal, since kernels inherit stderr. Cell output is unaffected.
_KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL"]
# The notebooks name the "audit-analysis" kernel (for JupyterLab and VS Code); the runner runs
# them on its own Python ("python3" is jupyter_client's name for it), registered or not.
_KERNEL_NAME = "python3"
EXPORT_MODULES = ("audit_analysis.paper.export", "weasyprint", "audit_analysis.paper.docx")
"""What exporting a paper imports (~1.5 s): loaded while the kernels work."""
_EXPORT_LOCK = threading.Lock()


def clean(paths: AuditPaths):
    """Deferred import: pandas and pandera take a second or more that an up-to-date run skips."""
    from audit_analysis.clean.pipeline import clean as clean_audit

    return clean_audit(paths)


def export_board_paper(notebook: Path, html: Path, pdf: Path | None, *, draft: bool) -> None:
    """Deferred import: nbconvert and WeasyPrint are slow to load and `list` never needs them."""
    from audit_analysis.paper.export import export_board_paper as export

    export(notebook, html, pdf, draft=draft)


def export_docx_paper(
    output_dir: Path, docx: Path, *, draft: bool, template: Path | None = None
) -> None:
    """The Word paper, from the blocks notebook 04 recorded in `output_dir` (paper/record.py)."""
    from audit_analysis.paper.docx import export_docx

    export_docx(output_dir, docx, draft=draft, template=template)


@dataclass(frozen=True)
class RunResult:
    """How one audit's run ended, and where to look next."""

    audit_id: str
    ok: bool
    seconds: float
    html: Path | None = None
    pdf: Path | None = None
    docx: Path | None = None
    error: str = ""
    notebook: str | None = None
    cell: str | None = None
    kept: Path | None = None
    up_to_date: bool = False

    def summary(self) -> str:
        if self.up_to_date:
            return (
                f"{self.audit_id}: up to date (inputs unchanged since the last run; "
                f"--force reruns): {self.html}"
            )
        if self.ok:
            papers = ", ".join(str(p) for p in (self.html, self.pdf, self.docx) if p is not None)
            return f"{self.audit_id}: board paper written in {self.seconds:.1f} s: {papers}"
        where = f" in {self.notebook}" if self.notebook else ""
        if self.cell:
            where += f", {self.cell}"
        text = f"{self.audit_id}: FAILED{where}: {self.error}"
        if self.kept is not None:
            text += f" — executed notebook kept at {self.kept}"
        return text


class _Failure(Exception):
    """A run stopped: unwinds `building` (dropping the staging folder) and carries the result."""

    def __init__(
        self,
        error: str,
        notebook: str | None = None,
        cell: str | None = None,
        kept: Path | None = None,
    ):
        super().__init__(error)
        self.error, self.notebook, self.cell, self.kept = error, notebook, cell, kept


@dataclass(frozen=True)
class _Options:
    notebooks: tuple[Path, ...]
    publication: bool
    final: bool
    pdf: bool
    force: bool = False
    docx_template: Path | None = None

    @property
    def version(self) -> tuple[bool, bool]:
        """(publication, draft): which paper of the manifest this run makes."""
        return self.publication, not self.final

    @property
    def parameters(self) -> dict:
        """What, besides the inputs, makes one run's paper differ from another's."""
        return {"publication": self.publication, "final": self.final, "pdf": self.pdf}


class _Progress:
    """One tqdm bar for the whole run, updated from every audit's thread."""

    def __init__(self, total: int, enabled: bool):
        self._bar = tqdm(total=total, unit="notebook", disable=not enabled, dynamic_ncols=True)
        self._lock = threading.Lock()
        self.stopping = threading.Event()

    def start(self, description: str) -> None:
        with self._lock:
            self._bar.set_description_str(description)

    def advance(self, steps: int = 1) -> None:
        with self._lock:
            self._bar.update(steps)

    def close(self) -> None:
        self._bar.close()


def find_notebooks(folder: Path) -> list[Path]:
    """The analysis notebooks in run order: `NN_name.ipynb`, by name."""
    return sorted(folder.glob(NOTEBOOK_PATTERN))


def run_audits(
    workspace: Workspace,
    audit_ids: Sequence[str],
    *,
    jobs: int = 1,
    publication: bool = False,
    final: bool = False,
    pdf: bool = True,
    progress: bool = True,
    force: bool = False,
    docx_template: Path | None = None,
) -> list[RunResult]:
    """Run each audit; one failing never stops the others. Results come in `audit_ids` order.

    An audit whose inputs, notebooks, code and options all match its last successful run is
    not run again (its result says "up to date") unless `force`.
    """
    unique = list(dict.fromkeys(audit_ids))
    notebooks = tuple(find_notebooks(workspace.notebooks))
    if not notebooks:
        error = f"no notebooks matching {NOTEBOOK_PATTERN} in {workspace.notebooks}"
        return [RunResult(a, ok=False, seconds=0.0, error=error) for a in audit_ids]
    options = _Options(notebooks, publication, final, pdf, force, docx_template)
    bar = _Progress(len(unique) * len(notebooks), progress)
    try:
        if jobs <= 1 or len(unique) == 1:
            results = [_run_audit(workspace, a, options, bar) for a in unique]
        else:
            results = _run_parallel(workspace, unique, options, bar, jobs)
    finally:
        bar.close()
    by_id = dict(zip(unique, results, strict=True))
    return [by_id[a] for a in audit_ids]


def _run_parallel(
    workspace: Workspace, audit_ids: list[str], options: _Options, bar: _Progress, jobs: int
) -> list[RunResult]:
    pool = ThreadPoolExecutor(max_workers=min(jobs, len(audit_ids)), thread_name_prefix="audit")
    try:
        futures = [pool.submit(_run_audit, workspace, a, options, bar) for a in audit_ids]
        return [f.result() for f in futures]
    except BaseException:
        bar.stopping.set()  # Ctrl-C: running audits stop after their current notebook
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _run_audit(workspace: Workspace, audit_id: str, options: _Options, bar: _Progress) -> RunResult:
    started = time.monotonic()
    audit = workspace.audit(audit_id)
    paths = audit.for_version(options.publication)
    steps, done = len(options.notebooks), []  # notebooks done; appended to from threads

    def failed(error: str, **where) -> RunResult:
        bar.advance(steps - len(done))
        return RunResult(audit_id, False, time.monotonic() - started, error=error, **where)

    keep = _working_paths(audit, options.publication)
    try:
        for folder in (workspace.outputs, audit.outputs, paths.outputs, workspace.processed):
            remove_stale_builds(folder)
        previous = read_manifest(paths.outputs).get("papers", {}).get(paper_mode(*options.version))
        if not options.force and reuse.up_to_date(paths, previous, options):
            bar.advance(steps)
            html = paths.paper("html", options.publication, not options.final)
            pdf = paths.paper("pdf", options.publication, not options.final)
            seconds = time.monotonic() - started
            return RunResult(
                audit_id, True, seconds, html, pdf if options.pdf else None, up_to_date=True
            )
        with building(paths.outputs) as staging, ExitStack() as kernels:
            snapshot = take_snapshot(workspace, audit_id, options.notebooks, staging / SNAPSHOT)
            plan = reuse.plan(
                previous, snapshot, options.parameters, paths.outputs, force=options.force
            )
            staged = dataclasses.replace(paths, outputs=staging)
            carried = [
                notebook.name
                for notebook in snapshot.notebooks
                if reuse.carry_notebook(
                    plan, notebook, paths.outputs, staged.notebooks / notebook.name
                )
            ]
            bar.advance(len(carried))
            done += carried
            jobs = _jobs(options.notebooks, snapshot.notebooks, carried)
            few = len(jobs) <= (os.cpu_count() or 1)  # then warming them all at once slows none
            early = {}
            for job in jobs:
                if few or job.needs <= set(carried):
                    early[job.name] = _start_kernel(job)
                    kernels.callback(early[job.name].shutdown)
            reused = reuse.prepare_processed(audit, snapshot, clean)
            import_in_background(EXPORT_MODULES)  # needed once the kernels have worked
            if plan.exhibits:
                reuse.carry_exhibits(paths.outputs, staging)
            if options.final or options.publication:
                _check_paper(snapshot.workspace, audit_id, options)
            parameters = {
                "audit_id": audit_id,
                "root": str(snapshot.workspace.root),
                "output_dir": str(staging),
                "publication": options.publication,
                "final": options.final,
            }

            def execute(job: Job, kernel: WarmKernel) -> None:
                bar.start(f"{audit_id}/{job.name}")
                try:
                    _execute(
                        job.notebook,
                        staged.notebooks / job.name,
                        parameters,
                        keep,
                        job.folder,
                        kernel,
                    )
                finally:
                    kernel.shutdown()
                bar.advance()
                done.append(job.name)

            import papermill  # noqa: F401 - once, here, not racing in the notebook threads

            run_jobs(
                jobs,
                set(carried),
                kernels=early,
                start_kernel=_start_kernel,
                execute=execute,
                stopping=bar.stopping,
                interrupted=lambda: _Failure("interrupted"),
            )
            bar.start(f"{audit_id}: exporting the board paper")
            html, pdf, docx = _export(staged, options, keep)
            if options.publication:
                _keep_working_notebooks(staged, keep)
            reuse.publish_processed(snapshot, audit)
            shutil.rmtree(staging / SNAPSHOT)
            produced = file_hashes(staging)
            _carry_over(paths, staging, options.publication, not options.final)
            run = {"snapshot": snapshot, "reused_processed": reused, "carried": carried}
            write_manifest(staged, paths, parameters, options, produced, run)
    except AuditDataError as exc:
        report = render_text(audit_id, exc.problems).rstrip()
        return failed(f"the inputs have errors; nothing was run.\n{report}")
    except _Failure as stop:
        return failed(stop.error, notebook=stop.notebook, cell=stop.cell, kept=stop.kept)
    except OutputLockedError as exc:  # a PDF open in a viewer: the user's to close, no traceback
        return failed(str(exc))
    except Exception as exc:
        unwritable = _unwritable(exc, paths)
        if unwritable:
            return failed(unwritable)
        kept = _keep_failed(keep, "traceback.txt", traceback.format_exc())
        where = f" (traceback at {kept})" if kept else ""
        return failed(f"{type(exc).__name__}: {exc}{where}")
    return RunResult(
        audit_id,
        True,
        time.monotonic() - started,
        html=paths.outputs / html.name,
        pdf=paths.outputs / pdf.name if pdf else None,
        docx=paths.outputs / docx.name if docx else None,
    )


def _jobs(sources: Sequence[Path], notebooks: Sequence[Path], carried: list[str]) -> list[Job]:
    """The notebooks to run (not carried over), each with the notebooks it needs and the
    folder its kernel starts in (the notebook's own, as in JupyterLab)."""
    names = [notebook.name for notebook in notebooks]
    return [
        Job(notebook, source.parent, notebook_needs(notebook, names[:place]))
        for place, (source, notebook) in enumerate(zip(sources, notebooks, strict=True))
        if notebook.name not in carried
    ]


def _start_kernel(job: Job) -> WarmKernel:
    return WarmKernel(_KERNEL_NAME, job.folder, _KERNEL_ARGUMENTS)


def _unwritable(exc: Exception, paths: AuditPaths) -> str:
    """A clear message for a folder the run may not write in (read-only, no permission)."""
    if not isinstance(exc, OSError) or exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
        return ""
    folder = Path(exc.filename).parent if exc.filename else paths.outputs
    if is_build_leftover(folder.name):
        folder = folder.parent
    return (
        f"cannot write in {folder} ({exc.strerror or exc}); make it writable and run again. "
        f"The previous outputs in {paths.outputs} are as they were."
    )


def _working_paths(paths: AuditPaths, publication: bool) -> AuditPaths:
    """Where a run keeps what is not published: its executed notebooks (the full, unsuppressed
    tables) and a failure's evidence. For the publication version that is outside its folder,
    in the internal outputs, so the publication folder holds only what is published."""
    if not publication:
        return paths
    return dataclasses.replace(paths, outputs=paths.outputs / PUBLICATION_WORK)


def _keep_working_notebooks(staged: AuditPaths, keep: AuditPaths) -> None:
    """Move a publication run's executed notebooks out of the folder that will be published."""
    with building(keep.outputs / "notebooks") as folder:
        for notebook in sorted(staged.notebooks.glob("*.ipynb")):
            shutil.copy2(notebook, folder / notebook.name)
    shutil.rmtree(staged.notebooks)
    shutil.rmtree(keep.outputs / FAILED, ignore_errors=True)


def _check_paper(workspace: Workspace, audit_id: str, options: _Options) -> None:
    """What would stop the paper (missing commentary in a final one, no disclosure threshold
    for a publication) fails at once, not after the notebooks have run."""
    from audit_analysis.intake.commentary import MissingCommentaryError
    from audit_analysis.paper.report import check_paper_inputs

    try:
        check_paper_inputs(
            audit_id, str(workspace.root), publication=options.publication, final=options.final
        )
    except (MissingCommentaryError, ValueError) as exc:
        raise _Failure(f"{type(exc).__name__}: {exc}") from exc


def _execute(
    notebook: Path, output: Path, parameters: dict, paths: AuditPaths, cwd: Path, kernel: WarmKernel
) -> None:
    """Run one notebook with papermill, in this process, in its own warm kernel (no fresh
    interpreter); on failure keep the executed copy and raise _Failure. A notebook whose
    kernel was stopped under it (Ctrl-C, another audit's interrupt) is not a failure to keep."""
    import papermill

    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        papermill.execute_notebook(
            notebook,
            output,
            parameters=parameters,
            progress_bar=False,
            log_output=False,
            resources={"metadata": {"path": str(cwd)}},
            kernel_name=_KERNEL_NAME,
            km=kernel.ready(),
        )
    except Exception as exc:
        if kernel.stopped or getattr(exc, "ename", "") == "KeyboardInterrupt":
            raise _Failure("interrupted", notebook.name) from exc
        _failed_notebook(exc, notebook, output, paths)


def _failed_notebook(exc: Exception, notebook: Path, output: Path, paths: AuditPaths) -> NoReturn:
    """Keep what the failed notebook had run, and raise the _Failure that names its cell."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        kept = _keep_failed(paths, notebook.name, output.read_bytes())
        evalue = exc.evalue.strip().splitlines()
        error = exc.ename + (f": {evalue[0]}" if evalue else "")
        raise _Failure(error, notebook.name, _cell_label(kept, exc), kept) from exc
    kept = _keep_failed(paths, notebook.name, output.read_bytes()) if output.is_file() else None
    raise _Failure(f"{type(exc).__name__}: {exc}", notebook.name, kept=kept) from exc


def _cell_label(executed: Path, exc) -> str:
    """`cell 5 (In [4])`: the cell's place in the notebook as written (counting Markdown
    cells, not the cell papermill injects) and its prompt in the kept executed notebook."""
    import nbformat
    from papermill.execute import ERROR_MARKER_TAG

    prompt = f" (In [{exc.exec_count}])" if exc.exec_count is not None else ""
    nb = nbformat.read(executed, as_version=4)
    cells = [c for c in nb.cells if ERROR_MARKER_TAG not in c.metadata.get("tags", [])]
    injected = [INJECTED_TAG in c.metadata.get("tags", []) for c in cells[: exc.cell_index + 1]]
    if not injected or injected[-1]:
        return f"the injected parameters cell{prompt}"
    return f"cell {exc.cell_index + 1 - sum(injected)}{prompt}"


def _keep_failed(paths: AuditPaths, name: str, data: str | bytes) -> Path | None:
    """Keep what shows a failure in outputs/<audit-id>/.failed/, replacing the last one's;
    None when it cannot be written (a read-only outputs folder): the failure still reports."""
    try:
        with building(paths.outputs / FAILED) as staging:
            (staging / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    except OSError:
        return None
    return paths.outputs / FAILED / name


def _export(
    staged: AuditPaths, options: _Options, paths: AuditPaths
) -> tuple[Path, Path | None, Path | None]:
    """The board paper, from the last notebook (the overview report), and the Word paper from
    the blocks it recorded (none when the last notebook recorded no paper)."""
    from audit_analysis.paper.record import RECORD

    notebook = staged.notebooks / options.notebooks[-1].name
    draft = not options.final
    html = staged.paper("html", options.publication, draft)
    pdf = staged.paper("pdf", options.publication, draft) if options.pdf else None
    recorded = (staged.outputs / RECORD).is_file() or options.docx_template is not None
    docx = staged.paper("docx", options.publication, draft) if recorded else None
    word = ThreadPoolExecutor(max_workers=1, thread_name_prefix="word")
    try:  # the Word paper is written while WeasyPrint lays out the PDF (~0.3 s saved)
        if docx is not None:
            writing = word.submit(
                export_docx_paper, staged.outputs, docx, draft=draft, template=options.docx_template
            )
        with _EXPORT_LOCK:  # WeasyPrint (Pango, cairo) has crashed under concurrent use
            export_board_paper(notebook, html, pdf, draft=draft)
        if docx is not None:
            writing.result()
    except Exception as exc:
        kept = _keep_failed(paths, notebook.name, notebook.read_bytes())
        raise _Failure(
            f"exporting the board paper: {type(exc).__name__}: {exc}", notebook.name, kept=kept
        ) from exc
    finally:
        word.shutdown(wait=True)
    return html, pdf, docx


def _carry_over(paths: AuditPaths, staging: Path, publication: bool, draft: bool) -> None:
    """Copy in what this run does not make: questionnaires, the other mode's paper, …

    This mode's paper is not carried, so a run without PDF drops a PDF that no longer matches.
    """
    if not paths.outputs.is_dir():
        return
    own_paper = {paths.paper(suffix, publication, draft).name for suffix in PAPER_SUFFIXES}
    if publication and not draft:  # a final publication replaces its draft
        own_paper |= {paths.paper(suffix, True, True).name for suffix in PAPER_SUFFIXES}
    made = {*RUN_PRODUCTS, MANIFEST, FAILED, *own_paper}
    for item in paths.outputs.iterdir():
        if item.name in made or is_build_leftover(item.name) or (staging / item.name).exists():
            continue
        if item.is_dir():
            shutil.copytree(item, staging / item.name, symlinks=True)
        else:
            shutil.copy2(item, staging / item.name)
