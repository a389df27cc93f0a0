"""When notebooks run: after the notebooks they need, side by side with the others, each in a
kernel started early; after a failure nothing new starts. Fake kernels, no Jupyter."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from audit_analysis.run.schedule import Job, notebook_needs, run_jobs

GUARD = 30  # seconds before a rendezvous that never happens fails the test (never reached)


def notebook(folder: Path, name: str, declared: dict | None = None) -> Path:
    metadata = {"audit_analysis": declared} if declared is not None else {}
    path = folder / name
    path.write_text(json.dumps({"cells": [], "metadata": metadata}), encoding="utf-8")
    return path


# -- what a notebook declares ----------------------------------------------------------------


def test_a_notebook_needs_every_earlier_one_unless_it_says_otherwise(tmp_path):
    earlier = ["01_a.ipynb", "02_b.ipynb"]
    assert notebook_needs(notebook(tmp_path, "03.ipynb"), earlier) == set(earlier)
    declared = notebook(tmp_path, "03.ipynb", {"needs": ["01_a.ipynb"]})
    assert notebook_needs(declared, earlier) == {"01_a.ipynb"}
    assert notebook_needs(notebook(tmp_path, "03.ipynb", {"needs": []}), earlier) == set()


@pytest.mark.parametrize("needs", [["04_later.ipynb"], "01_a.ipynb", [1], None])
def test_needs_naming_no_earlier_notebook_fall_back_to_all_of_them(tmp_path, needs):
    earlier = ["01_a.ipynb", "02_b.ipynb"]
    path = notebook(tmp_path, "03.ipynb", {"needs": needs})
    assert notebook_needs(path, earlier) == set(earlier)


def test_the_reference_notebooks_run_02_to_04_side_by_side_after_01():
    folder = Path(__file__).resolve().parent.parent / "notebooks"
    names = sorted(p.name for p in folder.glob("[0-9][0-9]_*.ipynb"))
    assert names[0] == "01_clean_and_validate.ipynb"
    for place, name in enumerate(names[1:], start=1):
        assert notebook_needs(folder / name, names[:place]) == {names[0]}


# -- running them ------------------------------------------------------------------------------


class Kernels:
    """Fake kernels that record when they were started, made ready and shut down."""

    def __init__(self) -> None:
        self.log: list[str] = []
        self.lock = threading.Lock()

    def note(self, line: str) -> None:
        with self.lock:
            self.log.append(line)

    def start(self, job: Job):
        self.note(f"kernel {job.name}")
        kernels = self

        class Kernel:
            down = False

            def ready(self):
                kernels.note(f"ready {job.name}")
                return self

            stopped = threading.Event()

            def shutdown(self):
                if not self.down:
                    self.down = True
                    self.stopped.set()
                    kernels.note(f"shutdown {job.name}")

        return Kernel()


def jobs(**needs: str) -> list[Job]:
    return [
        Job(Path(f"{name}.ipynb"), Path("."), frozenset(f"{n}.ipynb" for n in wanted.split()))
        for name, wanted in needs.items()
    ]


def run(job_list, kernels, execute, stopping=None, done=()):
    run_jobs(
        job_list,
        set(done),
        kernels={},
        start_kernel=kernels.start,
        execute=execute,
        stopping=stopping or threading.Event(),
        interrupted=lambda: KeyboardInterrupt("interrupted"),
    )


def test_jobs_wait_for_their_needs_and_run_side_by_side_when_they_can():
    kernels = Kernels()
    side_by_side = threading.Barrier(2, timeout=GUARD)

    def execute(job, kernel):
        kernels.note(f"run {job.name}")
        if job.name in ("b.ipynb", "c.ipynb"):
            side_by_side.wait()  # each waits for the other: only passes if both run at once
        kernels.note(f"end {job.name}")

    run(jobs(a="", b="a", c="a", d="b c"), kernels, execute)
    log = kernels.log
    assert log.index("end a.ipynb") < min(log.index("run b.ipynb"), log.index("run c.ipynb"))
    assert max(log.index("end b.ipynb"), log.index("end c.ipynb")) < log.index("run d.ipynb")
    assert sorted(line for line in log if line.startswith("shutdown")) == [
        f"shutdown {n}.ipynb" for n in "abcd"
    ]


def test_a_kernel_starts_while_the_notebooks_it_waits_for_run():
    kernels = Kernels()
    b_kernel = threading.Event()
    start = kernels.start

    def start_and_tell(job):
        if job.name == "b.ipynb":
            b_kernel.set()
        return start(job)

    kernels.start = start_and_tell
    seen = []
    run(jobs(a="", b="a"), kernels, lambda job, kernel: seen.append(b_kernel.wait(GUARD)))
    assert seen == [True, True]  # a saw b's kernel started while a ran
    assert kernels.log.index("ready a.ipynb") < kernels.log.index("kernel b.ipynb")


def test_jobs_already_done_count_as_finished():
    kernels = Kernels()
    ran = []
    run(jobs(b="a", c="b"), kernels, lambda job, kernel: ran.append(job.name), done=["a.ipynb"])
    assert ran == ["b.ipynb", "c.ipynb"]


def test_after_a_failure_nothing_new_starts_and_every_kernel_is_shut_down():
    kernels = Kernels()
    ran = []

    def execute(job, kernel):
        ran.append(job.name)
        if job.name == "a.ipynb":
            raise ValueError("a failed")

    with pytest.raises(ValueError, match="a failed"):
        run(jobs(a="", b="a", c="a"), kernels, execute)
    assert ran == ["a.ipynb"]
    started = [line.split()[1] for line in kernels.log if line.startswith("kernel")]
    shut = [line.split()[1] for line in kernels.log if line.startswith("shutdown")]
    assert sorted(shut) == sorted(started)


def test_of_two_failures_the_earlier_notebooks_is_raised_after_both_finish():
    kernels = Kernels()
    both = threading.Barrier(2, timeout=GUARD)
    finished = []

    def execute(job, kernel):
        if job.name in ("b.ipynb", "c.ipynb"):
            both.wait()
            finished.append(job.name)
            raise ValueError(job.name)

    with pytest.raises(ValueError, match=r"^b\.ipynb$"):
        run(jobs(a="", b="a", c="a"), kernels, execute)
    assert sorted(finished) == ["b.ipynb", "c.ipynb"]


def test_a_stop_request_starts_nothing_more():
    kernels = Kernels()
    stopping = threading.Event()
    ran = []

    def execute(job, kernel):
        ran.append(job.name)
        stopping.set()

    with pytest.raises(KeyboardInterrupt):
        run(jobs(a="", b="a"), kernels, execute, stopping)
    assert ran == ["a.ipynb"]


def test_a_stop_request_stops_the_running_notebooks_kernels_at_once():
    kernels = Kernels()
    stopping = threading.Event()
    seen = []

    def execute(job, kernel):
        stopping.set()  # Ctrl-C while this notebook runs (another audit's thread sets it)
        seen.append(kernel.stopped.wait(GUARD))

    with pytest.raises(KeyboardInterrupt):
        run(jobs(a="", b="a"), kernels, execute, stopping)
    assert seen == [True]  # its kernel was stopped under it, not left to finish
    assert "kernel b.ipynb" not in kernels.log or "shutdown b.ipynb" in kernels.log


def test_needs_that_can_never_be_met_are_an_error_not_a_hang():
    with pytest.raises(RuntimeError, match="b.ipynb needs x.ipynb"):
        run(jobs(a="", b="x"), Kernels(), lambda job, kernel: None)
