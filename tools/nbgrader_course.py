"""Turn the exercise masters into an nbgrader course (for JupyterHub): ``make nbgrader``.

    python tools/nbgrader_course.py COURSE_DIR [--exercise 01_cnn ...]

writes ``COURSE_DIR/nbgrader_config.py`` and ``COURSE_DIR/source/NN_name/NN_name.ipynb`` from
``solutions/NN_name.ipynb`` and runs ``nbgrader generate_assignment`` to fill ``release/``.
The conversion from Otter's format:

* Otter's raw cells (assignment config, question and solution/test boundaries) are dropped;
* a solution cell becomes an nbgrader *autograded answer* cell; Otter's inline
  ``# BEGIN SOLUTION`` / ``# END SOLUTION`` become nbgrader's ``### BEGIN SOLUTION`` markers;
* each test cell becomes a read-only *autograder tests* cell worth the test's points; a hidden test
  is wrapped in ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS``.

The masters stay the single source: re-run this after changing them.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
CONFIG_RE = re.compile(r'^"""\s*#\s*BEGIN TEST CONFIG\n(.*?)\n"""\s*#\s*END TEST CONFIG\n', re.S)


def _nbgrader_meta(grade_id: str, *, solution: bool, grade: bool, points: float = 0) -> dict:
    meta = {
        "grade_id": grade_id,
        "solution": solution,
        "grade": grade,
        "locked": not solution,
        "schema_version": 3,
    }
    if grade:
        meta["points"] = points
    return meta


def convert(master: Path) -> nbformat.NotebookNode:
    """The nbgrader source notebook for one Otter master notebook."""
    nb = nbformat.read(master, as_version=4)
    cells, question, block, counter = [], None, None, 0
    for cell in nb.cells:
        text = cell.source.strip()
        if cell.cell_type == "raw":
            if text.startswith("# BEGIN QUESTION"):
                question = yaml.safe_load(text.split("\n", 1)[1])["name"]
            elif text.startswith("# BEGIN SOLUTION"):
                block = "solution"
            elif text.startswith("# BEGIN TESTS"):
                block = "tests"
            elif text.startswith(("# END SOLUTION", "# END TESTS")):
                block = None
            elif text.startswith("# END QUESTION"):
                question = None
            continue  # every raw cell is Otter markup
        new = (
            nbformat.v4.new_code_cell(cell.source)
            if cell.cell_type == "code"
            else nbformat.v4.new_markdown_cell(cell.source)
        )
        new.metadata = {k: v for k, v in cell.metadata.items() if k in ("tags",)}
        counter += 1
        if block == "solution" and cell.cell_type == "code":
            new.source = re.sub(r"# (BEGIN|END) SOLUTION", r"### \1 SOLUTION", cell.source)
            new.metadata["nbgrader"] = _nbgrader_meta(
                f"{question}_answer_{counter}", solution=True, grade=False
            )
        elif block == "tests" and cell.cell_type == "code":
            match = CONFIG_RE.match(cell.source)
            config = yaml.safe_load(match.group(1)) if match else {}
            body = cell.source[match.end() :] if match else cell.source
            if config.get("hidden"):
                body = f"### BEGIN HIDDEN TESTS\n{body.strip()}\n### END HIDDEN TESTS"
            new.source = body.strip()
            new.metadata["nbgrader"] = _nbgrader_meta(
                f"{question}_test_{counter}",
                solution=False,
                grade=True,
                points=float(config.get("points", 1)),
            )
        cells.append(new)
    nb.cells = cells
    nb.metadata.pop("otter", None)
    return nb


def nbgrader_env() -> dict[str, str]:
    """nbgrader runs ``alembic`` from PATH: put this interpreter's bin folder first."""
    return os.environ | {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}


def write_course(course: Path, names: list[str]) -> None:
    course.mkdir(parents=True, exist_ok=True)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821 -- provided by nbgrader\n"
        'c.CourseDirectory.course_id = "seqdl"\n'
        f"c.CourseDirectory.root = {str(course.resolve())!r}\n"
        "c.ExecutePreprocessor.timeout = 600\n"
    )
    for name in names:
        source = course / "source" / name
        source.mkdir(parents=True, exist_ok=True)
        nbformat.write(convert(ROOT / "solutions" / f"{name}.ipynb"), source / f"{name}.ipynb")
        subprocess.run(
            [sys.executable, "-m", "nbgrader", "generate_assignment", name, "--force", "--log-level=WARN"],
            cwd=course,
            check=True,
            env=nbgrader_env(),
        )
        print(f"{name}: source/ and release/ written in {course}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("course", type=Path, help="course folder to create or update")
    parser.add_argument("--exercise", action="append", help="only these exercises (default: all)")
    args = parser.parse_args(argv)
    names = args.exercise or sorted(p.stem for p in (ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
    write_course(args.course, names)
    return 0


if __name__ == "__main__":
    sys.exit(main())
