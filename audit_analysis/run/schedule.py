"""When each notebook runs: once the notebooks it needs have finished, side by side with others.

A notebook declares the notebooks it needs in its metadata, `"audit_analysis": {"needs":
["01_clean_and_validate.ipynb"]}`; one that declares nothing (or names a notebook that is not
before it) needs every notebook before it, so notebooks run one after another unless they
say otherwise. Notebooks 02–04 need only 01, which files the exhibits they read, so they run
side by side, each in its own kernel; a notebook's kernel is started as soon as the notebooks
it needs are running, to be warm when they finish (kernels.py).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from audit_analysis.run.reuse import declared


def notebook_needs(notebook: Path, earlier: Sequence[str]) -> frozenset[str]:
    """The notebooks (by file name) that must finish before this one starts."""
    needs = declared(notebook).get("needs")
    if not isinstance(needs, list) or not all(isinstance(n, str) and n in earlier for n in needs):
        return frozenset(earlier)
    return frozenset(needs)


class Kernel(Protocol):
    def ready(self) -> object: ...
    def shutdown(self) -> None: ...


_EXECUTING, _FINISHED, _FAILED = "executing", "finished", "failed"


@dataclass(frozen=True)
class Job:
    """One notebook to run: `notebook` is the run's copy, `folder` where the kernel starts."""

    notebook: Path
    folder: Path
    needs: frozenset[str]

    @property
    def name(self) -> str:
        return self.notebook.name


def run_jobs(
    jobs: Sequence[Job],
    finished: set[str],
    *,
    kernels: dict[str, Kernel],
    start_kernel: Callable[[Job], Kernel],
    execute: Callable[[Job, Kernel], None],
    stopping: threading.Event,
    interrupted: Callable[[], BaseException],
) -> None:
    """Run every job once its needs are in `finished`, each in its own thread and kernel.

    A job's kernel is started once the jobs it needs are running (their kernels ready), so it
    warms while they run without slowing their own start. After a failure nothing new starts;
    the running jobs finish, and the failure of the earliest job (in `jobs` order) is raised.
    `kernels` holds kernels already started, by job name; every kernel is shut down at the
    end, even on Ctrl-C."""
    order = {job.name: place for place, job in enumerate(jobs)}
    pending = list(jobs)
    kernels = dict(kernels)
    running: set[str] = set()
    executing: set[str] = set()
    failures: dict[str, BaseException] = {}
    finished = set(finished)
    events: queue.Queue = queue.Queue()
    stopped = False
    pool = ThreadPoolExecutor(max_workers=max(1, len(jobs)), thread_name_prefix="notebook")

    def start(job: Job) -> None:
        try:
            kernels[job.name] = start_kernel(job)
        except Exception as exc:
            failures[job.name] = exc

    def work(job: Job, kernel: Kernel) -> None:
        try:
            kernel.ready()
            events.put((_EXECUTING, job.name, None))
            execute(job, kernel)
        except BaseException as exc:
            events.put((_FAILED, job.name, exc))
        else:
            events.put((_FINISHED, job.name, None))

    try:
        while pending or running:
            if stopping.is_set() and not stopped:
                stopped = True  # running notebooks stop now, not when they end
                for kernel in kernels.values():
                    kernel.shutdown()
                if pending and not failures:
                    failures[pending[0].name] = interrupted()
            if not failures:
                for job in [j for j in pending if j.needs <= finished]:
                    if job.name not in kernels:
                        start(job)
                    if job.name in kernels:
                        pending.remove(job)
                        running.add(job.name)
                        pool.submit(work, job, kernels[job.name])
                for job in pending:
                    if job.name not in kernels and job.needs <= finished | executing:
                        start(job)
            if not running:
                if pending and not failures:
                    waiting = "; ".join(
                        f"{j.name} needs {', '.join(sorted(j.needs))}" for j in pending
                    )
                    raise RuntimeError(f"notebooks that can never start: {waiting}")
                break
            try:
                what, name, exc = events.get(timeout=0.5)
            except queue.Empty:
                continue
            if what == _EXECUTING:
                executing.add(name)
                continue
            running.discard(name)
            if exc is None:
                finished.add(name)
            else:
                failures[name] = exc
    finally:
        for kernel in kernels.values():  # a Ctrl-C stops the running notebooks' kernels too
            kernel.shutdown()
        pool.shutdown(wait=True, cancel_futures=True)
    if failures:
        raise failures[min(failures, key=order.__getitem__)]
