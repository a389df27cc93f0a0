"""Outputs are replaced whole or not at all; one held open by another program is named."""

from __future__ import annotations

import os

import pytest

from audit_analysis import paths
from audit_analysis.paths import OutputLockedError, building, write_atomic


def _locked_replace(monkeypatch):
    def replace(src, dst):
        raise PermissionError(13, "The process cannot access the file", str(dst))

    monkeypatch.setattr(paths.os, "replace", replace)


def test_replacing_a_file_open_elsewhere_names_it_and_keeps_it(tmp_path, monkeypatch):
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"the paper the board has")
    _locked_replace(monkeypatch)

    with pytest.raises(OutputLockedError) as caught:
        write_atomic(pdf, b"new paper")

    assert str(caught.value) == (
        f"cannot replace {pdf}: it is open in another program (a PDF viewer, Excel?). "
        "Close it and run again; nothing was changed."
    )
    assert isinstance(caught.value, PermissionError)
    assert os.listdir(tmp_path) == ["paper.pdf"] and pdf.read_bytes() == b"the paper the board has"


def test_a_new_file_that_cannot_be_written_is_not_called_locked(tmp_path, monkeypatch):
    _locked_replace(monkeypatch)
    with pytest.raises(PermissionError) as caught:
        write_atomic(tmp_path / "new.pdf", b"paper")
    assert not isinstance(caught.value, OutputLockedError)


def test_a_folder_that_cannot_be_swapped_is_left_as_it_was(tmp_path, monkeypatch):
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    (outputs / "paper.pdf").write_bytes(b"old")
    rename = paths.Path.rename

    def locked(self, target):
        if self == outputs:
            raise PermissionError(13, "The process cannot access the file")
        return rename(self, target)

    monkeypatch.setattr(paths.Path, "rename", locked)
    monkeypatch.setattr(paths, "_files_in_use", lambda folder: [folder / "paper.pdf"])
    expected = r"paper\.pdf is open in another program"
    with pytest.raises(OutputLockedError, match=expected), building(outputs) as staging:
        (staging / "paper.pdf").write_bytes(b"new")

    assert os.listdir(tmp_path) == ["outputs"]
    assert (outputs / "paper.pdf").read_bytes() == b"old"


def test_a_notebook_finds_the_project_from_its_own_folder_without_an_editable_install(
    tmp_path, monkeypatch
):
    project = tmp_path / "project"
    (project / "data" / "raw").mkdir(parents=True)
    (project / "notebooks").mkdir()
    monkeypatch.delenv(paths.ROOT_ENV, raising=False)
    monkeypatch.setattr(paths, "PACKAGE_DIR", tmp_path / "site-packages" / "audit_analysis")
    monkeypatch.chdir(project / "notebooks")
    assert paths.default_root() == project.resolve()
    monkeypatch.chdir(tmp_path)
    assert paths.default_root() == tmp_path.resolve()  # no project above: where it was started
    monkeypatch.setenv(paths.ROOT_ENV, str(project))
    assert paths.default_root() == project.resolve()
