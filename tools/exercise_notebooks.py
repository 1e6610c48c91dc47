"""Exercise notebooks: the masters' answers, and student notebooks filled with them (or with wrong ones).

Used by the tests, the Colab-fidelity run (tools/colab_fidelity.py) and the grading benchmark.
"""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
ANSWER_TAG = "otter_answer_cell"


def exercise_names() -> list[str]:
    return sorted(p.stem for p in (ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))


def master_solutions(master: nbformat.NotebookNode) -> list[str]:
    """Sources of the master's solution code cells (between raw BEGIN/END SOLUTION cells), in order."""
    sources, inside = [], False
    for cell in master.cells:
        text = cell.source.strip()
        if cell.cell_type == "raw" and text.startswith("# BEGIN SOLUTION"):
            inside = True
        elif cell.cell_type == "raw" and text.startswith("# END SOLUTION"):
            inside = False
        elif inside and cell.cell_type == "code":
            sources.append(cell.source)
    return sources


def fill_answers(name: str, replace: dict[int, str] | None = None) -> nbformat.NotebookNode:
    """The student notebook of exercise ``name`` with every answer cell filled from the master.

    ``replace`` maps an answer index (0-based, in notebook order) to other code: a wrong answer.
    """
    student = nbformat.read(ROOT / "exercises" / f"{name}.ipynb", as_version=4)
    answers = master_solutions(nbformat.read(ROOT / "solutions" / f"{name}.ipynb", as_version=4))
    cells = [c for c in student.cells if ANSWER_TAG in c.metadata.get("tags", [])]
    assert len(cells) == len(answers), f"{name}: {len(cells)} answer cells but {len(answers)} solutions"
    filled = copy.deepcopy(student)
    filled_cells = [c for c in filled.cells if ANSWER_TAG in c.metadata.get("tags", [])]
    for index, (cell, answer) in enumerate(zip(filled_cells, answers, strict=True)):
        cell.source = (replace or {}).get(index, answer)
    return filled


def write(nb: nbformat.NotebookNode, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path
