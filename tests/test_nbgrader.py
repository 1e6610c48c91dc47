"""nbgrader export (tools/nbgrader_course.py): the same masters as an nbgrader course.

A fresh course is generated; nbgrader autogrades a submission with the master's answers (full
marks) and the released notebook untouched (zero).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

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


SCORES = """
import json, sys
from nbgrader.api import Gradebook
with Gradebook(f"sqlite:///{sys.argv[1]}", course_id="seqdl") as gradebook:
    out = {}
    for student in ("master", "blank"):
        sub = gradebook.find_submission(sys.argv[2], student)
        out[student] = {"score": sub.score, "max_score": sub.max_score,
                        "grades": [(g.name, g.score, g.max_score) for g in sub.notebooks[0].grades]}
print(json.dumps(out))
"""


@pytest.mark.slow
def test_nbgrader_autogrades_master_full_and_blank_zero(tmp_path, tools_python, runtime_restored):
    """nbgrader lives in the tooling environment (it needs a newer IPython than Colab's kernel)."""
    course = tmp_path / "course"
    env = os.environ | {"PATH": f"{Path(tools_python).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    subprocess.run(
        [tools_python, str(ROOT / "tools" / "nbgrader_course.py"), str(course), "--exercise", EXERCISE],
        check=True,
        capture_output=True,
        env=env,
    )
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
        [tools_python, "-m", "nbgrader", "autograde", EXERCISE, "--force", "--create"],
        cwd=course,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    scores = subprocess.run(
        [tools_python, "-c", SCORES, str(course / "gradebook.db"), EXERCISE],
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(scores.stdout)
    master, blank = found["master"], found["blank"]
    assert master["max_score"] == 15
    lost = [(name, score, most) for name, score, most in master["grades"] if score < most]
    assert master["score"] == master["max_score"], f"the master lost points on {lost}"
    assert blank["score"] == 0
    shutil.rmtree(course)
