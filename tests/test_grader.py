"""The instructor's batch grader (autograder/grade.py): one row per file, whatever the files hold.

The slow test grades a whole class of submissions in one batch -- correct, blank, wrong, and a
corpus of broken ones (syntax error, exception at import, infinite loop, a 4 GB allocation, 100 MB of
printing, deleting files around it, overwriting the grader and its tests, empty, not JSON, another
assignment's notebook, zips) -- and checks that each gets its own clear status within its bound
while the correct submissions in the same batch still get full marks.
"""

from __future__ import annotations

import copy
import csv
import importlib.util
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from exercise_tools import ROOT, fill_answers, write

spec = importlib.util.spec_from_file_location("grade", ROOT / "autograder" / "grade.py")
grade = importlib.util.module_from_spec(spec)
sys.modules["grade"] = grade  # dataclasses resolve annotations through sys.modules
spec.loader.exec_module(grade)

ASSIGNMENT = "01_cnn"
TIMEOUT = 120  # seconds per submission in the batch test
FULL = 15.0


def _with_cell(nb, source: str, after_setup: bool = True):
    """A copy of ``nb`` with an extra code cell (right after the Otter init cell, or at the end)."""
    nb = copy.deepcopy(nb)
    cell = nbformat.v4.new_code_cell(source)
    if after_setup:
        index = next(i for i, c in enumerate(nb.cells) if "otter.Notebook(" in c.source) + 1
        nb.cells.insert(index, cell)
    else:
        nb.cells.append(cell)
    return nb


def _build_corpus(folder: Path) -> dict[str, str]:
    """Write the class's submissions; return ``{file name: expected status}``."""
    correct = fill_answers(ASSIGNMENT)
    blank = nbformat.read(ROOT / "exercises" / f"{ASSIGNMENT}.ipynb", as_version=4)
    expected = {}

    def add(name: str, nb, status: str):
        write(nb, folder / name)
        expected[name] = status

    add("correct.ipynb", correct, "ok")
    add("blank.ipynb", blank, "cell-error")
    from wrong_answers.ex01_cnn import WRONG

    base_order = next(w for w in WRONG if w.name.startswith("base order"))
    add("wrong_base_order.ipynb", fill_answers(ASSIGNMENT, {0: base_order.code}), "ok")
    add(
        "syntax_error.ipynb",
        fill_answers(ASSIGNMENT, {1: "def reverse_complement(seq)\n    return seq[::-1]\n"}),
        "cell-error",
    )
    add("import_error.ipynb", _with_cell(correct, "import a_module_that_does_not_exist"), "cell-error")
    add("infinite_loop.ipynb", _with_cell(correct, "while True:\n    pass"), "timeout")
    add(
        "four_gigabytes.ipynb",
        _with_cell(correct, "import numpy as np\nhog = np.ones(4 * 1024**3 // 8)\nprint(hog.sum())"),
        "memory-limit",
    )
    add("loud.ipynb", _with_cell(correct, "for _ in range(100):\n    print('x' * 1_000_000)"), "ok")
    add(
        "remover.ipynb",
        _with_cell(
            correct,
            "import glob, os, shutil\n"
            "for path in glob.glob('*') + glob.glob('../*') + glob.glob('../../*'):\n"
            "    shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)",
            after_setup=False,
        ),
        "tampered",
    )
    add(
        "overwriter.ipynb",
        _with_cell(
            blank,
            "import glob\n"
            "for path in glob.glob('tests/*.py'):\n"
            "    name = path.split('/')[-1][:-3]\n"
            "    open(path, 'w').write(f'OK_FORMAT = False\\nname = {name!r}\\npoints = 99\\n')\n"
            "grader = None",
        ),
        "tampered",
    )
    other = copy.deepcopy(correct)
    other.metadata["otter"]["assignment_name"] = "02_rnn"
    add("other_assignment.ipynb", other, "wrong-assignment")
    (folder / "empty.ipynb").write_bytes(b"")
    expected["empty.ipynb"] = "not-a-notebook"
    (folder / "not_json.ipynb").write_text("{ this is not json")
    expected["not_json.ipynb"] = "not-a-notebook"
    (folder / "notes.txt").write_text("I could not finish, sorry")
    expected["notes.txt"] = "not-a-notebook"
    with zipfile.ZipFile(folder / "otter_export.zip", "w") as zf:
        zf.writestr(f"{ASSIGNMENT}.ipynb", nbformat.writes(correct))
        zf.writestr(".OTTER_LOG", b"")
    expected["otter_export.zip"] = "ok"
    with zipfile.ZipFile(folder / "no_notebook.zip", "w") as zf:
        zf.writestr("answers.txt", "42")
    expected["no_notebook.zip"] = "not-a-notebook"
    return expected


def _rows(out: Path) -> dict[str, dict]:
    with open(out / "gradebook.csv", newline="") as handle:
        return {row["file"]: row for row in csv.DictReader(handle)}


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "autograder" / "grade.py"), *args, "--quiet"],
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    out = tmp_path_factory.mktemp("grades")
    expected = _build_corpus(folder)
    result = _run(ASSIGNMENT, str(folder), "--out", str(out), "--timeout", str(TIMEOUT), "--memory-gb", "3")
    assert result.returncode == 0, result.stderr[-3000:]
    return folder, out, expected, result


@pytest.mark.slow
def test_every_file_gets_exactly_one_row_with_its_status(graded_class):
    folder, out, expected, _ = graded_class
    with open(out / "gradebook.csv", newline="") as handle:
        files = [row["file"] for row in csv.DictReader(handle)]
    assert sorted(files) == sorted(p.name for p in folder.iterdir())
    rows = _rows(out)
    statuses = {name: rows[name]["status"] for name in expected}
    assert statuses == expected


@pytest.mark.slow
def test_correct_submissions_get_full_marks_in_a_broken_batch(graded_class):
    _, out, _, _ = graded_class
    rows = _rows(out)
    for name in ("correct.ipynb", "otter_export.zip", "loud.ipynb"):
        assert float(rows[name]["total"]) == FULL, (name, rows[name])
    assert float(rows["correct.ipynb"]["possible"]) == FULL


@pytest.mark.slow
def test_blank_scores_zero_and_wrong_answers_lose_points(graded_class):
    _, out, _, _ = graded_class
    rows = _rows(out)
    assert float(rows["blank.ipynb"]["total"]) == 0
    wrong = rows["wrong_base_order.ipynb"]
    assert float(wrong["q1"]) < 4 and float(wrong["total"]) < FULL
    assert float(wrong["q2"]) == 3  # the other functions are still right


@pytest.mark.slow
def test_messages_name_the_problem(graded_class):
    _, out, _, _ = graded_class
    rows = _rows(out)
    assert rows["syntax_error.ipynb"]["message"].startswith("SyntaxError")
    assert float(rows["syntax_error.ipynb"]["q1"]) == 4  # questions before the broken cell still count
    assert "ModuleNotFoundError" in rows["import_error.ipynb"]["message"]
    assert "time limit" in rows["infinite_loop.ipynb"]["message"]
    assert "memory" in rows["four_gigabytes.ipynb"]["message"]
    assert "02_rnn" in rows["other_assignment.ipynb"]["message"]
    assert "empty" in rows["empty.ipynb"]["message"]
    assert "not valid JSON" in rows["not_json.ipynb"]["message"]
    assert "exactly one" in rows["no_notebook.zip"]["message"]
    for name in ("remover.ipynb", "overwriter.ipynb"):
        assert float(rows[name]["total"]) == 0


@pytest.mark.slow
def test_bounds_are_respected(graded_class):
    _, out, _, _ = graded_class
    for name, row in _rows(out).items():
        assert float(row["seconds"]) <= TIMEOUT + 15, (name, row["seconds"])


@pytest.mark.slow
def test_feedback_has_public_and_hidden_results(graded_class):
    folder, out, _, _ = graded_class
    feedback = out / "feedback"
    assert sorted(p.name for p in feedback.iterdir()) == sorted(f"{p.name}.md" for p in folder.iterdir())
    text = (feedback / "wrong_base_order.ipynb.md").read_text()
    assert "(public" in text and "(hidden" in text and "FAILED" in text and "A, C, G, T" in text


@pytest.mark.slow
def test_resume_skips_graded_files_and_regrades_changed_ones(graded_class, tmp_path):
    folder, out, expected, _ = graded_class
    before = (out / "gradebook.csv").read_text()
    result = _run(ASSIGNMENT, str(folder), "--out", str(out), "--resume")
    assert f"grading 0 of {len(expected)}" in result.stdout
    assert (out / "gradebook.csv").read_text() == before
    # an interrupted run: the journal's last line was cut short
    journal = (out / "journal.jsonl").read_text().splitlines()
    kept = [line for line in journal if json.loads(line)["file"] not in ("empty.ipynb", "notes.txt")]
    (out / "journal.jsonl").write_text("\n".join(kept) + '\n{"file": "not_js')
    result = _run(ASSIGNMENT, str(folder), "--out", str(out), "--resume")
    assert f"grading 2 of {len(expected)}" in result.stdout
    assert _rows(out)["empty.ipynb"]["status"] == "not-a-notebook"
    assert len(_rows(out)) == len(expected)


# --------------------------------------------------------------------------- fast unit tests


@pytest.fixture(scope="module")
def assignment():
    return grade.load_assignment(ASSIGNMENT)


def test_assignment_points_come_from_the_autograder(assignment):
    assert assignment.name == ASSIGNMENT
    assert list(assignment.questions) == ["q1", "q2", "q3", "q4", "q5"]
    assert assignment.possible == FULL


def test_unknown_assignment_is_a_clear_error():
    with pytest.raises(SystemExit, match="known assignments: .*01_cnn"):
        grade.load_assignment("99_nothing")


@pytest.mark.parametrize(
    ("content", "status", "words"),
    [
        (b"", "not-a-notebook", "empty"),
        (b"\x00\x01binary", "not-a-notebook", "not valid JSON"),
        (b'{"a": 1}', "not-a-notebook", "without 'cells'"),
        (
            b'{"cells": [], "nbformat": 4, "metadata": {"otter": {"assignment_name": "03_x"}}}',
            "wrong-assignment",
            "03_x",
        ),
    ],
)
def test_preflight_rejects_with_a_reason(tmp_path, assignment, content, status, words):
    path = tmp_path / "sub.ipynb"
    path.write_bytes(content)
    with pytest.raises(grade.NotGradable) as err:
        grade.extract_notebook(path, tmp_path / "staging", assignment)
    assert err.value.status == status and words in err.value.message


def test_preflight_takes_the_notebook_out_of_a_zip(tmp_path, assignment):
    nb = b'{"cells": [], "nbformat": 4, "nbformat_minor": 5, "metadata": {}}'
    with zipfile.ZipFile(tmp_path / "export.zip", "w") as zf:
        zf.writestr("work/01_cnn.ipynb", nb)
        zf.writestr("__MACOSX/work/._01_cnn.ipynb", b"junk")
    path = grade.extract_notebook(tmp_path / "export.zip", tmp_path / "staging", assignment)
    assert path.read_bytes() == nb


def test_gradebook_and_journal_survive_a_cut_line(tmp_path, assignment):
    row = grade.Row(
        file="a.ipynb", sha256="0" * 64, status="ok", scores={"q1": 4.0}, total=4.0, possible=FULL
    )
    journal = tmp_path / "journal.jsonl"
    journal.write_text(json.dumps(grade.asdict(row)) + '\n{"file": "b.ip')
    assert list(grade.read_journal(journal)) == ["a.ipynb"]
    grade.write_gradebook([row], tmp_path / "gradebook.csv", assignment)
    (line,) = _rows(tmp_path).values()
    assert line["status"] == "ok" and line["q1"] == "4" and line["q5"] == "0" and line["possible"] == "15"
