"""The reference audit's publication version at thresholds 2, 3 and 5, run as a user runs it,
and a scan of every file of its folder: nothing case-level, no free text, no local path."""

from __future__ import annotations

import json
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import PROJECT, REFERENCE_AUDIT, make_workspace
from publication_scan import leaks

from audit_analysis.run.runner import PUBLICATION_WORK, _carry_over, run_audits

THRESHOLDS = (2, 3, 5)


def _run(root: Path, threshold: int):
    workspace = make_workspace(root, REFERENCE_AUDIT)
    shutil.copytree(PROJECT / "notebooks", root / "notebooks")
    config = root / "data" / "raw" / REFERENCE_AUDIT.name / "audit.yaml"
    text = re.sub(r"(?m)^disclosure_threshold:.*$", "", config.read_text(encoding="utf-8"))
    config.write_text(text + f"\ndisclosure_threshold: {threshold}\n", encoding="utf-8")
    [result] = run_audits(
        workspace, [REFERENCE_AUDIT.name], publication=True, pdf=threshold == 3, progress=False
    )
    return workspace, result


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    roots = {t: tmp_path_factory.mktemp(f"publication-{t}") for t in THRESHOLDS}
    with ThreadPoolExecutor(max_workers=len(THRESHOLDS)) as pool:
        runs = {t: pool.submit(_run, roots[t], t) for t in THRESHOLDS}
        return {t: run.result() for t, run in runs.items()}


@pytest.mark.parametrize("threshold", THRESHOLDS)
def test_publication_builds_and_its_folder_carries_nothing_case_level(published, threshold):
    workspace, result = published[threshold]
    assert result.ok, result.summary()
    paths = workspace.audit(REFERENCE_AUDIT.name)
    folder = paths.for_version(publication=True).outputs
    found = leaks(folder, paths.processed, [str(workspace.root), str(PROJECT), "/tmp/", "/home/"])
    assert found == []
    names = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert not any(n.startswith("notebooks/") or n.endswith(".ipynb") for n in names)
    assert "figures/children-by-referrals-before.svg" in names
    assert not any("per-case" in n for n in names)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    [entry] = manifest["papers"].values()
    assert set(entry["parameters"]) == {"audit_id", "publication", "final"}
    kept = paths.outputs / PUBLICATION_WORK / "notebooks"
    assert sorted(p.name for p in kept.glob("*.ipynb"))[0] == "01_clean_and_validate.ipynb"


def test_the_scan_would_find_a_case_label_a_phrase_and_a_path(published, tmp_path):
    workspace, _ = published[3]
    paths = workspace.audit(REFERENCE_AUDIT.name)
    outline = paths.processed / "cases.csv"
    issue = outline.read_text(encoding="utf-8").splitlines()[1].split(",")[-1].split(";")[0]
    (tmp_path / "alt.txt").write_text(f"Case 3: 2 referrals. {issue} {workspace.root}")
    found = leaks(tmp_path, paths.processed, [str(workspace.root)])
    assert [f.split(":", 2)[1].strip().split(" ")[0] for f in found] == ["case", "free", "path"]


def test_a_final_publication_drops_the_draft_it_replaces(tmp_path):
    workspace = make_workspace(tmp_path, REFERENCE_AUDIT)
    paths = workspace.audit(REFERENCE_AUDIT.name).for_version(publication=True)
    paths.outputs.mkdir(parents=True)
    draft = paths.paper("html", publication=True, draft=True)
    draft.write_text("an earlier draft")
    (paths.outputs / "note.txt").write_text("kept")
    staging = tmp_path / "staging"
    staging.mkdir()
    _carry_over(paths, staging, publication=True, draft=False)
    assert sorted(p.name for p in staging.iterdir()) == ["note.txt"]
    _carry_over(paths, staging, publication=True, draft=True)
    assert draft.name not in {p.name for p in staging.iterdir()}  # a draft replaces a draft
