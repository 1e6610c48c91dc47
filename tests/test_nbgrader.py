"""nbgrader export (tools/nbgrader_course.py): the same masters as an nbgrader course.

A fresh course is generated; nbgrader autogrades a submission with the master's answers (full
marks) and the released notebook untouched (zero).
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys

import nbformat
import pytest
from exercise_notebooks import ROOT

spec = importlib.util.spec_from_file_location("nbgrader_course", ROOT / "tools" / "nbgrader_course.py")
nbgrader_course = importlib.util.module_from_spec(spec)
spec.loader.exec_module(nbgrader_course)

EXERCISE = "01_cnn"


def test_conversion_marks_answers_and_hides_hidden_tests():
    nb = nbgrader_course.convert(ROOT / "solutions" / f"{EXERCISE}.ipynb")
    assert not [c for c in nb.cells if c.cell_type == "raw"]
    answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert answers and all("### BEGIN SOLUTION" in c.source for c in answers)
    hidden = [c for c in tests if "### BEGIN HIDDEN TESTS" in c.source]
    assert hidden and len(hidden) < len(tests)
    assert sum(c.metadata["nbgrader"]["points"] for c in tests) == 15


def _answered(release: nbformat.NotebookNode, source: nbformat.NotebookNode) -> nbformat.NotebookNode:
    by_id = {c.metadata["nbgrader"]["grade_id"]: c for c in source.cells if "nbgrader" in c.metadata}
    for cell in release.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            cell.source = re.sub(r"\s*### (BEGIN|END) SOLUTION", "", by_id[meta["grade_id"]].source)
    return release


@pytest.mark.slow
def test_nbgrader_autogrades_master_full_and_blank_zero(tmp_path):
    course = tmp_path / "course"
    nbgrader_course.write_course(course, [EXERCISE])
    release = course / "release" / EXERCISE / f"{EXERCISE}.ipynb"
    source = nbformat.read(course / "source" / EXERCISE / f"{EXERCISE}.ipynb", as_version=4)
    for student, nb in (
        ("master", _answered(nbformat.read(release, as_version=4), source)),
        ("blank", nbformat.read(release, as_version=4)),
    ):
        folder = course / "submitted" / student / EXERCISE
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{EXERCISE}.ipynb")
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", "autograde", EXERCISE, "--force", "--create"],
        cwd=course,
        capture_output=True,
        text=True,
        env=nbgrader_course.nbgrader_env(),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id="seqdl") as gradebook:
        master = gradebook.find_submission(EXERCISE, "master")
        blank = gradebook.find_submission(EXERCISE, "blank")
        assert master.max_score == 15
        assert master.score == master.max_score, [(g.name, g.score) for g in master.notebooks[0].grades]
        assert blank.score == 0
    shutil.rmtree(course)
