"""Where an audit's inputs and outputs live, and how outputs are swapped in whole.

Paths are anchored on the project folder, never on the working directory, so a
notebook run from `notebooks/` and a CLI run from anywhere see the same data.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT_ENV = "AUDIT_ANALYSIS_ROOT"


def default_root() -> Path:
    """The project folder: $AUDIT_ANALYSIS_ROOT, else the checkout this package sits in, else
    the working directory or the nearest folder above it with data/raw (a notebook's kernel
    starts in notebooks/), else the working directory."""
    if os.environ.get(ROOT_ENV):
        return Path(os.environ[ROOT_ENV]).resolve()
    checkout = PACKAGE_DIR.parent
    if _is_project(checkout):
        return checkout
    here = Path.cwd().resolve()
    return next((folder for folder in (here, *here.parents) if _is_project(folder)), here)


def _is_project(folder: Path) -> bool:
    return (folder / "data" / "raw").is_dir()


@dataclass(frozen=True)
class AuditPaths:
    """Every path one audit's run reads or writes."""

    audit_id: str
    raw: Path
    processed: Path
    outputs: Path

    @property
    def figures(self) -> Path:
        return self.outputs / "figures"

    @property
    def tables(self) -> Path:
        return self.outputs / "tables"

    @property
    def notebooks(self) -> Path:
        return self.outputs / "notebooks"

    @property
    def questionnaires(self) -> Path:
        return self.outputs / "questionnaires"

    @property
    def returns(self) -> Path:
        return self.raw / "returns"

    @property
    def publication_outputs(self) -> Path:
        """The publication version is built apart, so its figures never mix with the internal ones."""
        return self.outputs / "publication"

    def for_version(self, publication: bool) -> AuditPaths:
        """These paths with `outputs` pointing at the internal or the publication version's folder."""
        return replace(self, outputs=self.publication_outputs) if publication else self

    def paper(self, suffix: str, publication: bool = False, draft: bool = False) -> Path:
        """The paper's file: drafts are named apart so a draft never replaces the board's copy."""
        stem = (
            f"{self.audit_id}-board-paper"
            + ("-publication" if publication else "")
            + ("-draft" if draft else "")
        )
        return self.outputs / f"{stem}.{suffix}"


@dataclass(frozen=True)
class Workspace:
    """A project folder with data/raw, data/processed and outputs."""

    root: Path

    @classmethod
    def at(cls, root: str | Path | None = None) -> Workspace:
        return cls(Path(root).resolve() if root else default_root())

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed"

    @property
    def outputs(self) -> Path:
        return self.root / "outputs"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    def audit(self, audit_id: str) -> AuditPaths:
        return AuditPaths(
            audit_id=audit_id,
            raw=self.raw / audit_id,
            processed=self.processed / audit_id,
            outputs=self.outputs / audit_id,
        )

    def audit_ids(self) -> list[str]:
        """Audits found under data/raw: every folder holding an audit.yaml."""
        if not self.raw.is_dir():
            return []
        return sorted(p.parent.name for p in self.raw.glob("*/audit.yaml"))


class OutputLockedError(PermissionError):
    """An output could not be replaced because another program holds it open.

    On Windows a PDF open in a viewer, or a workbook open in Excel, cannot be replaced or
    moved: the message names it and what to do, and the old file is left as it was.
    """

    def __init__(self, path: Path, locked: list[Path] | None = None):
        self.path = path
        if locked:
            names = ", ".join(str(f) for f in locked[:3])
            what = f"cannot replace {path}: {names} is open in another program"
        elif path.is_dir():
            what = f"cannot replace {path}: a file in it is open in another program"
        else:
            what = f"cannot replace {path}: it is open in another program"
        super().__init__(
            f"{what} (a PDF viewer, Excel?). Close it and run again; nothing was changed."
        )


def _files_in_use(folder: Path) -> list[Path]:
    """Files in a folder that cannot be opened for writing: on Windows, those held open."""
    locked = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        try:
            with path.open("r+b"):
                pass
        except OSError:
            locked.append(path)
    return locked


BUILDING = ".building-"
LOCK_SUFFIX = ".lock"


def _lock(handle) -> bool:
    """Take an exclusive lock on an open file without waiting; False when someone holds it.

    The operating system drops the lock when its holder dies, however it dies (SIGKILL
    included), so a build folder whose lock can be taken was abandoned.
    """
    try:
        if os.name == "nt":  # pragma: no cover - exercised on Windows only
            import msvcrt

            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def is_build_leftover(name: str) -> bool:
    """A name `building` gives its staging folders, their lock files and retired folders."""
    return name.startswith(".") and (BUILDING in name or ".old-" in name)


def remove_stale_builds(folder: Path) -> list[Path]:
    """Remove the build folders in `folder` that no live process holds; returns those removed.

    A run killed mid-build (SIGKILL, power cut) leaves `.<name>.building-*` behind; its lock
    file is no longer locked, so it is safe to remove. A concurrent run's folder stays.
    """
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for staging in sorted(folder.glob(f".*{BUILDING}*")):
        if staging.name.endswith(LOCK_SUFFIX):
            continue
        lock = staging.with_name(staging.name + LOCK_SUFFIX)
        try:
            handle = open(lock, "r+b")  # noqa: SIM115 - held while the folder is removed
        except FileNotFoundError:
            handle = None  # lock file gone: the build finished or failed, or predates locks
        except OSError:
            continue
        try:
            if handle is not None and not _lock(handle):
                continue  # a live run is building here
            if staging.is_dir():
                shutil.rmtree(staging, ignore_errors=True)
            else:
                staging.unlink(missing_ok=True)
            lock.unlink(missing_ok=True)
            removed.append(staging)
        finally:
            if handle is not None:
                handle.close()
    for lock in folder.glob(f".*{BUILDING}*{LOCK_SUFFIX}"):  # a lock whose folder is gone
        # Young ones may belong to a build between creating its lock and its folder.
        if not lock.with_name(lock.name.removesuffix(LOCK_SUFFIX)).exists() and _age(lock) > 60:
            with open(lock, "r+b") as handle:
                if _lock(handle):
                    lock.unlink(missing_ok=True)
    return removed


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0


@contextmanager
def building(target: Path) -> Iterator[Path]:
    """Build a folder aside and swap it in whole, so a failure leaves the old one as it was.

    The staging folder `.<name>.building-*` has a sibling lock file held for as long as the
    build runs, so `remove_stale_builds` can tell an abandoned build from a live one. Nothing
    is left behind when the build or the swap fails, short of the process being killed.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, lock_name = tempfile.mkstemp(
        prefix=f".{target.name}{BUILDING}", suffix=LOCK_SUFFIX, dir=target.parent
    )
    lock = Path(lock_name)
    handle = os.fdopen(fd, "r+b")
    staging = lock.with_name(lock.name.removesuffix(LOCK_SUFFIX))
    try:
        _lock(handle)  # a file only this process has opened: the lock is always granted
        staging.mkdir()
        staging.chmod(0o755)
        try:
            yield staging
            _swap_in(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    finally:
        lock.unlink(missing_ok=True)
        handle.close()


def _swap_in(staging: Path, target: Path) -> None:
    """Replace `target` with `staging`; on failure the old `target` is put back."""
    retired = None
    if target.exists():
        retired = target.parent / f".{target.name}.old-{os.getpid()}"
        shutil.rmtree(retired, ignore_errors=True)
        try:
            target.rename(retired)
        except PermissionError as exc:
            raise OutputLockedError(target, _files_in_use(target)) from exc
    try:
        staging.rename(target)
    except BaseException:
        if retired is not None:
            retired.rename(target)
        raise
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)


def write_atomic(path: Path, data: str | bytes) -> Path:
    """Write a file through a temporary sibling so readers never see half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, PermissionError) and path.exists():
            raise OutputLockedError(path) from exc
        raise
    return path
