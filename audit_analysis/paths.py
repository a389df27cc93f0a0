"""Where an audit's inputs and outputs live, and how outputs are swapped in whole.

Paths are anchored on the project folder, never on the working directory, so a
notebook run from `notebooks/` and a CLI run from anywhere see the same data.
"""

from __future__ import annotations

import os
import shutil
import tempfile
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


@contextmanager
def building(target: Path) -> Iterator[Path]:
    """Build a folder aside and swap it in whole, so a failure leaves the old one as it was."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    staging.chmod(0o755)
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    retired = None
    if target.exists():
        retired = target.parent / f".{target.name}.old-{os.getpid()}"
        shutil.rmtree(retired, ignore_errors=True)
        try:
            target.rename(retired)
        except PermissionError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise OutputLockedError(target, _files_in_use(target)) from exc
    staging.rename(target)
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
