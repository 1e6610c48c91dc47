"""Exercises: generated files are current, leak nothing, and their tests can fail.

For every exercise the master scores full marks, the blank student notebook scores zero (both
through the real grader in tests/test_grader.py), and every known-wrong answer in
tests/wrong_answers loses the points of the question it targets -- and only those. Student
notebooks work alone in an empty folder (Colab) and side by side in one folder, where each
``grader.check`` reads its own tests and ``grader.export`` zips the notebook that runs it.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import dataclasses
import importlib
import io
import json
import os
import re
import shutil
import subprocess
import sys

import nbformat
import pytest
from exercise_notebooks import ROOT, exercise_names, fill_answers, master_solutions, write
from grading import harness

EXERCISES = exercise_names()


def _hidden_tests(name: str) -> list[tuple[str, str]]:
    """``(function name, source)`` of every hidden test of an exercise, from its autograder."""
    hidden = []
    for path in sorted((ROOT / "autograder" / name / "tests").glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                decorator = node.decorator_list[0]
                flags = {kw.arg: kw.value for kw in decorator.keywords}
                if isinstance(flags.get("hidden"), ast.Constant) and flags["hidden"].value:
                    hidden.append((node.name, ast.unparse(node)))
    return hidden


def _solution_lines(name: str) -> list[str]:
    """Distinctive lines of the master's solutions (inside inline BEGIN/END SOLUTION markers)."""
    lines = []
    master = nbformat.read(ROOT / "solutions" / f"{name}.ipynb", as_version=4)
    for source in master_solutions(master):
        inside = False
        for line in source.splitlines():
            stripped = line.strip()
            if stripped.startswith("# BEGIN SOLUTION"):
                inside = True
            elif stripped.startswith("# END SOLUTION"):
                inside = False
            elif inside and len(stripped) >= 25 and not stripped.startswith("#"):
                lines.append(stripped)
    return lines


def test_there_are_exercises():
    assert "01_cnn" in EXERCISES


def test_generated_files_match_their_inputs_by_hash():
    """Fast: `make assign` recorded the hashes of its inputs and outputs; neither may have moved since."""
    import assign

    problems = assign.manifest_problems()
    assert not problems, "run `make assign`:\n" + "\n".join(problems[:20])


@pytest.mark.slow
def test_generated_files_are_up_to_date(tools_python):
    result = subprocess.run(
        [tools_python, str(ROOT / "tools" / "assign.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, f"run `make assign`:\n{result.stdout}{result.stderr}"


def test_setup_cells_are_current():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "notebook_setup.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, f"run `python tools/notebook_setup.py --write`:\n{result.stdout}"


@pytest.mark.parametrize("name", EXERCISES)
def test_student_notebook_leaks_no_solution_and_no_hidden_test(name):
    text = (ROOT / "exercises" / f"{name}.ipynb").read_text()
    assert "BEGIN SOLUTION" not in text and "BEGIN TEST CONFIG" not in text
    leaked = [line for line in _solution_lines(name) if line in text]
    assert not leaked, f"solution lines in exercises/{name}.ipynb: {leaked[:3]}"
    hidden = _hidden_tests(name)
    assert hidden, "each exercise should have hidden tests"
    assert not [fn for fn, _ in hidden if fn in text], "hidden test names in the student notebook"


@pytest.mark.site
@pytest.mark.parametrize("name", EXERCISES)
def test_built_site_leaks_no_solution_and_no_hidden_test(name):
    page = ROOT / "_build" / "html" / "exercises" / f"{name}.html"
    assert page.exists(), "the book is not built: run `make book`"
    html = page.read_text()
    assert not [line for line in _solution_lines(name) if line in html]
    assert not [fn for fn, _ in _hidden_tests(name) if fn in html]
    site_text = "".join(p.read_text(errors="replace") for p in (ROOT / "_build" / "html").rglob("*.html"))
    assert not [fn for fn, _ in _hidden_tests(name) if fn in site_text]


@pytest.mark.parametrize("name", EXERCISES)
def test_public_tests_are_embedded_in_the_first_code_cell(name):
    nb = nbformat.read(ROOT / "exercises" / f"{name}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "seqdl-setup" in code[0].metadata.get("tags", []), "the setup cell must come first"
    assert "grader = otter.Notebook(" in code[1].source, "Otter's init cell must follow the setup cell"
    match = re.search(r"PUBLIC_TESTS = (\{.*?\n\})", code[0].source, flags=re.S)
    embedded = json.loads(match.group(1))
    questions = {p.name for p in (ROOT / "autograder" / name / "tests").glob("*.py")}
    assert set(embedded) == questions
    for source in embedded.values():
        assert "hidden=True" not in source


@pytest.mark.parametrize("name", EXERCISES)
def test_no_answer_left_in_the_student_notebook(name):
    nb = nbformat.read(ROOT / "exercises" / f"{name}.ipynb", as_version=4)
    answers = [c for c in nb.cells if "otter_answer_cell" in c.metadata.get("tags", [])]
    assert answers and all("..." in c.source for c in answers)


# --------------------------------------------------------------------------- known-wrong answers


def _environment(nb: nbformat.NotebookNode, skip_answers: set[int] = frozenset()) -> dict:
    """Run a filled student notebook's code in this process (no setup, Otter or check cells)."""
    env: dict = {"__name__": "__exercise__"}
    answer = -1
    for cell in nb.cells:
        if cell.cell_type != "code" or "seqdl-setup" in cell.metadata.get("tags", []):
            continue
        if "grader." in cell.source or "otter.Notebook(" in cell.source or cell.source.startswith("%"):
            continue
        if "otter_answer_cell" in cell.metadata.get("tags", []):
            answer += 1
            if answer in skip_answers:
                continue
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(cell.source, f"<{answer}>", "exec"), env)
    return env


def _scores(name: str, env: dict) -> dict[str, tuple[float, float]]:
    """Each question's (score, possible) from the grader's own harness, answers in this process."""
    session = harness.LocalSession(env)
    scores = {}
    for path in sorted((ROOT / "autograder" / name / "tests").glob("*.py")):
        question = harness.read_test_file(path.read_text(), str(path))
        results = harness.run_question(question, session)
        scores[question.name] = (harness.score(results, question.points), question.points)
    return scores


@pytest.fixture(scope="module")
def correct_environments():
    return {}


def _correct(name: str, cache: dict) -> dict:
    if name not in cache:
        cache[name] = _environment(fill_answers(name))
    return cache[name]


def _wrong_answers(name: str):
    module = importlib.import_module(f"wrong_answers.ex{name}")
    return module.WRONG


WRONG_CASES = [(name, wrong) for name in EXERCISES for wrong in _wrong_answers(name)]


def _with_wrong_answer(name: str, wrong, cache: dict) -> dict:
    """The correct answers' namespace with one answer replaced by a known-wrong one."""
    env = dict(_correct(name, cache))
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(wrong.code, f"<wrong {wrong.name}>", "exec"), env)
    return env


@pytest.mark.slow
@pytest.mark.parametrize("name", EXERCISES)
def test_master_answers_pass_every_test(name, correct_environments):
    scores = _scores(name, _correct(name, correct_environments))
    assert all(score == possible for score, possible in scores.values()), scores


@pytest.mark.slow
@pytest.mark.parametrize(("name", "wrong"), WRONG_CASES, ids=[f"{n}: {w.name}" for n, w in WRONG_CASES])
def test_known_wrong_answer_loses_its_points(name, wrong, correct_environments):
    env = _with_wrong_answer(name, wrong, correct_environments)
    scores = _scores(name, env)
    score, possible = scores[wrong.question]
    assert score < possible, f"{wrong.name!r} still gets full marks on {wrong.question}"
    others = {q: s for q, s in scores.items() if q != wrong.question and q not in wrong.also and s[0] < s[1]}
    assert not others, f"{wrong.name!r} should only cost points on {wrong.question}, also lost {others}"


PUBLIC_CASES = [(name, wrong) for name, wrong in WRONG_CASES if wrong.public]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "wrong"), PUBLIC_CASES, ids=[f"{n}: {w.name}" for n, w in PUBLIC_CASES])
def test_the_learner_s_own_check_catches_the_main_mistakes(name, wrong, correct_environments):
    """The mistakes a learner most often makes fail a *public* check, whose message says what to change."""
    env = _with_wrong_answer(name, wrong, correct_environments)
    path = ROOT / "autograder" / name / "tests" / f"{wrong.question}.py"
    question = harness.read_test_file(path.read_text(), str(path))
    public = dataclasses.replace(question, cases=tuple(c for c in question.cases if not c.hidden))
    assert public.cases, f"{name} {wrong.question} has no public check"
    results = harness.run_question(public, harness.LocalSession(env))
    failed = [r for r in results if not r.passed]
    assert failed, f"{wrong.name!r} passes every public check of {wrong.question}"
    assert any(wrong.public in r.feedback for r in failed), [r.feedback for r in failed]


# --------------------------------------------------------------------------- Colab, standalone


@pytest.mark.slow
@pytest.mark.parametrize("name", EXERCISES)
def test_student_notebook_runs_alone_and_checks_every_question(name, tmp_path, runtime_restored):
    """As in Colab: the notebook alone in an empty folder, answers filled in, no network needed."""
    from nbclient import NotebookClient

    nb = fill_answers(name)
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(nb, path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    assert (tmp_path / "tests" / name).is_dir(), (
        f"the first cell should write the public tests to tests/{name}/"
    )
    checks = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith("grader.check(")]
    assert checks
    for cell in checks:
        text = json.dumps(cell.outputs)
        question = cell.source.split('"')[1]
        assert "All test cases passed" in text or "passed!" in text, f"{question}: {text[:500]}"
        assert "error" not in [o.get("output_type") for o in cell.outputs]
    shutil.rmtree(tmp_path / "tests")


# --------------------------------------------------------------------------- several notebooks in one folder


def _check_cells(name: str, answer: int, question: str) -> list:
    """Exercise ``name``'s setup and Otter cells, one filled answer and its ``grader.check``: no Keras."""
    code = [c for c in fill_answers(name).cells if c.cell_type == "code"]
    answers = [c for c in code if "otter_answer_cell" in c.metadata.get("tags", [])]
    check = next(c for c in code if c.source.strip() == f'grader.check("{question}")')
    return [code[0], code[1], nbformat.v4.new_code_cell("import numpy as np"), answers[answer], check]


EXPORT = "grader.export(pdf=False, display_link=False)"


def _run_in_kernel(cells: list, folder, session_name: str | None = None) -> nbformat.NotebookNode:
    """Run ``cells`` in a fresh kernel working in ``folder``; ``session_name`` as Jupyter Server sets it."""
    from nbclient import NotebookClient

    env = {k: v for k, v in os.environ.items() if k != "JPY_SESSION_NAME"}
    if session_name is not None:
        env["JPY_SESSION_NAME"] = session_name  # what Jupyter Server tells a kernel: its notebook's path
    nb = nbformat.v4.new_notebook(cells=copy.deepcopy(cells))
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    with client.setup_kernel(env=env):
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
    return nb


def _passed(cell) -> bool:
    text = json.dumps(cell.outputs)
    errors = [o for o in cell.outputs if o.get("output_type") == "error"]
    return ("All test cases passed" in text or "passed!" in text) and not errors


def _new_zip(folder, before: set) -> list[str]:
    """The notebooks inside the one zip that appeared in ``folder`` since ``before``."""
    import zipfile

    made = sorted(set(folder.glob("*.zip")) - before)
    assert len(made) == 1, f"expected one new export zip, found {[p.name for p in made]}"
    with zipfile.ZipFile(made[0]) as archive:
        return [n for n in archive.namelist() if n.endswith(".ipynb")]


@pytest.mark.slow
def test_several_exercises_in_one_folder_check_their_own_tests_and_export_their_own_notebook(
    tmp_path, runtime_restored
):
    """A student's Downloads: exercises 1 and 2 and a renamed copy of exercise 1 side by side.

    Each notebook's setup cell writes its public tests into a folder of its own (a shared ``tests/``
    let exercise 2's ``grader.check("q2")`` run exercise 1's q2), each ``grader.check`` passes with
    its own answers, and ``grader.export()`` zips the notebook that runs it: the copy that Jupyter
    Server names in ``JPY_SESSION_NAME``, else the exercise's own file. In Colab the notebook is not
    a file of the working folder at all, and Otter still starts. Only setup cells and a cheap
    question run: no Keras, no training.
    """
    downloads = tmp_path / "Downloads"
    for name in ("01_cnn", "02_rnn"):
        write(fill_answers(name), downloads / f"{name}.ipynb")
    copy_path = write(fill_answers("01_cnn"), downloads / "01_cnn (1).ipynb")
    runs = [
        ("01_cnn", None, "01_cnn.ipynb"),
        ("02_rnn", None, "02_rnn.ipynb"),  # after exercise 1 wrote its tests
        ("01_cnn", str(copy_path), "01_cnn (1).ipynb"),  # after exercise 2 wrote its tests
    ]
    for name, session, exported in runs:
        before = set(downloads.glob("*.zip"))
        cells = [*_check_cells(name, 1, "q2"), nbformat.v4.new_code_cell(EXPORT)]
        nb = _run_in_kernel(cells, downloads, session)
        assert _passed(nb.cells[4]), (
            f"{name}: grader.check('q2') did not pass: {json.dumps(nb.cells[4].outputs)[:800]}"
        )
        assert _new_zip(downloads, before) == [exported], (
            f"{name} (session {session}) exported the wrong notebook"
        )
    for name in ("01_cnn", "02_rnn"):
        embedded = re.search(r"PUBLIC_TESTS = (\{.*?\n\})", _check_cells(name, 1, "q2")[0].source, flags=re.S)
        for test, source in json.loads(embedded.group(1)).items():
            assert (downloads / "tests" / name / test).read_text() == source, (
                f"tests/{name}/{test} is not {name}'s"
            )
    assert not list((downloads / "tests").glob("*.py")), (
        "no exercise may write its tests into the shared tests/"
    )

    colab = tmp_path / "content"  # Colab: the notebook lives in Drive, not in the working folder
    colab.mkdir()
    nb = _run_in_kernel(_check_cells("01_cnn", 1, "q2"), colab)
    assert _passed(nb.cells[4]), json.dumps(nb.cells[4].outputs)[:800]


# --------------------------------------------------------------------------- through the real grader


@pytest.mark.slow
@pytest.mark.parametrize("name", EXERCISES)
def test_grader_gives_the_master_full_marks_and_the_blank_notebook_zero(name, tmp_path):
    import csv

    from exercise_notebooks import write

    submissions = tmp_path / "submissions"
    write(fill_answers(name), submissions / "master.ipynb")
    shutil.copy(ROOT / "exercises" / f"{name}.ipynb", submissions / "blank.ipynb")
    out = tmp_path / "out"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "autograder" / "grade.py"),
            name,
            str(submissions),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    with open(out / "gradebook.csv", newline="") as handle:
        rows = {row["file"]: row for row in csv.DictReader(handle)}
    master, blank = rows["master.ipynb"], rows["blank.ipynb"]
    assert master["status"] == "ok" and float(master["total"]) == float(master["possible"]) > 0, master
    assert float(blank["total"]) == 0, blank
