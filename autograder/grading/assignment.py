"""An assignment as the grader knows it, and the cells it runs for one submission.

``make assign`` writes each assignment's ``autograder.zip`` (``autograder/<name>/``), the one
artefact both this grader and Gradescope read:

* ``assignment.json`` -- name, questions and their points, the seed variable and its grading value;
* ``template.ipynb`` -- the student notebook as handed out;
* ``tests/<question>.py`` -- every test, hidden ones included (Otter's exception-based format).

Only two kinds of cells of a submission count: its **answer cells** (matched to the template's by
cell id, else by their order), and the template's own **given cells**, taken from the template --
never the submission's copy, so editing a given cell changes nothing. The setup cell, Otter's cells
and ``grader.check`` cells are not run: the grader provides the environment and runs the tests
itself, question by question at the place of each ``grader.check``, so the points of questions
answered before a crash are kept.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .harness import Question, read_test_file

ANSWER_TAG = "otter_answer_cell"
SETUP_TAG = "seqdl-setup"
MAX_NOTEBOOK_BYTES = 100 * 1024**2
GRADER_CALL = re.compile(r"^\s*grader\.\w+\(", flags=re.M)  # Otter's own cells: check, export
CHECK = re.compile(r"""^\s*grader\.check\(\s*["'](\w+)["']\s*\)\s*$""")


class NotGradable(Exception):
    def __init__(self, status: str, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(frozen=True)
class Assignment:
    name: str
    zip_path: Path
    zip_sha256: str
    questions: dict[str, Question]
    template: dict
    seed_variable: str | None
    seed: int | None

    @property
    def possible(self) -> float:
        return sum(q.points for q in self.questions.values())

    @property
    def points(self) -> dict[str, float]:
        return {name: q.points for name, q in self.questions.items()}


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_assignment(path: Path) -> Assignment:
    """Read an autograder zip written by ``make assign``, or the folder it was unpacked into (Gradescope).

    Tests are read, never imported. ``zip_sha256`` identifies the content, so a later change shows.
    """
    if path.is_dir():
        files = {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}
        digest = sha256_bytes(b"".join(files.get(k, b"") for k in sorted(files) if not k.startswith("results/")))
    else:
        data = path.read_bytes()
        digest = sha256_bytes(data)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            files = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(files["assignment.json"])
    questions = {name: read_test_file(files[f"tests/{name}.py"].decode(), f"tests/{name}.py") for name in config["questions"]}
    for name, points in config["questions"].items():
        if abs(questions[name].points - points) > 1e-9:
            raise ValueError(f"{path}: {name} is worth {points} points but its tests add up to {questions[name].points}")
    return Assignment(
        name=config["name"],
        zip_path=path,
        zip_sha256=digest,
        questions=questions,
        template=json.loads(files["template.ipynb"]),
        seed_variable=config.get("seed_variable"),
        seed=config.get("seed"),
    )


def content_digest(path: Path) -> str:
    """The digest :func:`load_assignment` records, recomputed from disk (is it still the same?)."""
    if path.is_dir():
        files = {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}
        return sha256_bytes(b"".join(files[k] for k in sorted(files) if not k.startswith("results/")))
    return sha256_bytes(path.read_bytes())


# --------------------------------------------------------------------------- the submission's notebook


def read_submission(data: bytes, assignment: Assignment) -> dict:
    """The submitted notebook (``.ipynb`` bytes or an Otter export zip), or :class:`NotGradable` saying why."""
    if not data:
        raise NotGradable("not-a-notebook", "the file is empty")
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                notebooks = [
                    i for i in archive.infolist() if i.filename.endswith(".ipynb") and "__MACOSX" not in i.filename
                ]
                if len(notebooks) != 1:
                    raise NotGradable(
                        "not-a-notebook", f"the zip holds {len(notebooks)} notebooks; expected exactly one .ipynb"
                    )
                if notebooks[0].file_size > MAX_NOTEBOOK_BYTES:
                    raise NotGradable("not-a-notebook", "the notebook inside the zip is larger than 100 MB")
                data = archive.read(notebooks[0])
        except zipfile.BadZipFile:
            raise NotGradable("not-a-notebook", "a damaged zip file") from None
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise NotGradable("not-a-notebook", "the notebook is larger than 100 MB")
    try:
        nb = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise NotGradable("not-a-notebook", f"not a Jupyter notebook: the file is not valid JSON ({err})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list) or "nbformat" not in nb:
        raise NotGradable("not-a-notebook", "not a Jupyter notebook: JSON without 'cells' and 'nbformat'")
    otter = nb.get("metadata", {}).get("otter", {}) if isinstance(nb.get("metadata"), dict) else {}
    name = otter.get("assignment_name") if isinstance(otter, dict) else None
    if name is not None and name != assignment.name:
        raise NotGradable("wrong-assignment", f"this notebook is for assignment {name!r}, not {assignment.name!r}")
    return nb


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _tags(cell: dict) -> list[str]:
    metadata = cell.get("metadata", {})
    tags = metadata.get("tags", []) if isinstance(metadata, dict) else []
    return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []


def _cell_id(cell: dict) -> str | None:
    value = cell.get("id")
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Step:
    kind: str  # "cell" (run it) or "check" (run a question's tests)
    source: str = ""
    question: str = ""
    label: str = ""  # what feedback calls this cell


def _answers(submission: dict, template_answers: list[dict]) -> tuple[list[str], list[str]]:
    """The submission's answer for each template answer cell, and notes on what could not be matched."""
    cells = [c for c in submission.get("cells", []) if isinstance(c, dict) and c.get("cell_type") == "code"]
    by_id = {_cell_id(c): c for c in cells if _cell_id(c)}
    if all(_cell_id(t) in by_id for t in template_answers):
        return [_source(by_id[_cell_id(t)]) for t in template_answers], []
    tagged = [c for c in cells if ANSWER_TAG in _tags(c)]
    if len(tagged) == len(template_answers):
        return [_source(c) for c in tagged], []
    answers, notes = [], []
    for index, template in enumerate(template_answers):
        match = by_id.get(_cell_id(template)) or (tagged[index] if index < len(tagged) else None)
        if match is None:
            notes.append(f"answer cell {index + 1} was not found (deleted, or merged with another cell?)")
        answers.append(_source(match) if match else "")
    return answers, notes


def plan(assignment: Assignment, submission: dict) -> tuple[list[Step], list[str]]:
    """The cells to run and where to run each question's tests; plus notes for the feedback."""
    template_cells = [c for c in assignment.template["cells"] if c.get("cell_type") == "code"]
    template_answers = [c for c in template_cells if ANSWER_TAG in _tags(c)]
    answers, notes = _answers(submission, template_answers)
    steps, answer_index = [], 0
    for cell in template_cells:
        source = _source(cell)
        check = CHECK.match(source)
        if ANSWER_TAG in _tags(cell):
            steps.append(Step("cell", answers[answer_index], label=f"answer cell {answer_index + 1}"))
            answer_index += 1
        elif check:
            if check.group(1) in assignment.questions:
                steps.append(Step("check", question=check.group(1)))
        elif SETUP_TAG in _tags(cell) or "otter.Notebook(" in source or GRADER_CALL.search(source):
            continue
        else:
            if assignment.seed_variable and assignment.seed is not None:
                pattern = rf"^{re.escape(assignment.seed_variable)}\s*=\s*\d+\s*$"
                source = re.sub(pattern, f"{assignment.seed_variable} = {assignment.seed}", source, flags=re.M)
            first = next((line for line in source.splitlines() if line.strip()), "")
            steps.append(Step("cell", source, label=f"the given cell {first[:50]!r}"))
    checked = {s.question for s in steps if s.kind == "check"}
    for name in assignment.questions:  # a question without a check cell is tested at the end
        if name not in checked:
            steps.append(Step("check", question=name))
    return steps, notes
