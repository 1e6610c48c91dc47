"""The project's promises about itself: README commands, CI, workflows, pins, notebooks, chapters."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest
import yaml
from book_tools import CONFIG, toc_files

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def _source(name: str) -> Path:
    for suffix in (".ipynb", ".md"):
        if (ROOT / f"{name}{suffix}").exists():
            return ROOT / f"{name}{suffix}"
    raise FileNotFoundError(name)


CHAPTERS = sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))


def _make_targets(text: str) -> set[str]:
    return set(re.findall(r"\bmake ([a-z][a-z-]*)", text))


def test_readme_gives_the_two_commands_and_ci_calls_them():
    block = re.search(r"## Two commands\n.*?```bash\n(.*?)```", README, flags=re.S).group(1)
    assert [line.split("#")[0].strip() for line in block.strip().splitlines()] == ["make book", "make test"]
    ci = (ROOT / ".ci" / "run").read_text()
    # Every notebook runs as on Colab first; the book is built from that run, then tested.
    order = [ci.find(f"\nmake {target} ") for target in ("test-colab", "book", "test")]
    assert -1 not in order and order == sorted(order), "CI must run make test-colab, then book, then test"
    makefile = (ROOT / "Makefile").read_text()
    for target in _make_targets(README):
        assert re.search(rf"^{target}:", makefile, flags=re.M), f"README mentions `make {target}`"


def test_workflows_are_valid_and_use_the_readme_targets():
    runs = {}
    for path in sorted((ROOT / ".github" / "workflows").glob("*.yml")):
        workflow = yaml.safe_load(path.read_text())
        assert workflow.get("jobs"), f"{path.name} has no jobs"
        steps = [step for job in workflow["jobs"].values() for step in job.get("steps", [])]
        runs[path.name] = " ".join(step.get("run", "") for step in steps)
    assert "make book" in runs["book.yml"] and "make test" in runs["tests.yml"]
    used = set().union(*(_make_targets(text) for text in runs.values()))
    assert used <= _make_targets(README), f"workflows call make targets the README does not explain: {used}"
    assert any(
        "deploy-pages" in str(step)
        for step in yaml.safe_load((ROOT / ".github/workflows/book.yml").read_text())["jobs"]["deploy"][
            "steps"
        ]
    )


def test_requirements_are_exact_pins():
    for name in ("requirements.txt", "requirements-nodeps.txt"):
        for line in (ROOT / name).read_text().splitlines():
            requirement = line.split("#")[0].strip()
            if requirement:
                assert re.fullmatch(r"[A-Za-z0-9_.\-]+==[A-Za-z0-9_.+\-]+", requirement), f"{name}: {line}"


def test_repository_url_is_written_once_and_agrees():
    url, branch = CONFIG["repository"]["url"], CONFIG["repository"]["branch"]
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["urls"]["Source"] == url
    assert f"{url}@v" in (ROOT / "solutions" / "gradescope-requirements.txt").read_text()
    slug = url.removeprefix("https://github.com/")
    assert f"colab.research.google.com/github/{slug}/blob/{branch}/" in README


def test_toc_lists_existing_notebook_chapters_and_no_solutions():
    files = toc_files()
    for name in files:
        assert _source(name).exists()
        assert not name.startswith(("solutions", "autograder"))
    for chapter in CHAPTERS:
        assert f"book/{chapter.stem}" in files, f"{chapter.name} is not in _toc.yml"
    for name in files:
        if name.startswith(("book/0", "book/1", "exercises/0")):
            assert _source(name).suffix == ".ipynb", (
                f"{name}: chapters and exercises must be notebooks (Colab)"
            )


@pytest.mark.parametrize("folder", ["book", "solutions", "exercises"])
def test_committed_notebooks_carry_no_outputs(folder):
    for path in sorted((ROOT / folder).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        with_output = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.outputs]
        assert not with_output, f"{path.name}: clear the outputs of cells {with_output}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_chapter_follows_the_template(chapter):
    nb = nbformat.read(chapter, as_version=4)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert "Learning objectives" in markdown and "{glue:text}`runtime_min`" in markdown
    assert "seqdl-setup" in code[0].metadata.get("tags", [])
    assert "report_runtime(NOTEBOOK_START)" in code[-1].source
    assert "## Summary" in markdown and "{footbibliography}" in markdown
    assert "TODO" not in markdown + "".join(c.source for c in code)


RESULT_TYPED = re.compile(
    r"\b(AUROC|AUPRC|AUC|accuracy|precision|recall|F1)\b[^.\n{]{0,25}?\b(?:of|is|was|=|reaches|reached|gets|got)\s+"
    r"(?:about\s+|around\s+|~\s*)?\d+(?:\.\d+)?\s*%?",
    flags=re.I,
)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_no_result_typed_into_prose(chapter):
    """Results in the text come from {glue} roles; thresholds ('at least 0.90') are fine."""
    nb = nbformat.read(chapter, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for match in RESULT_TYPED.finditer(cell.source):
            before = cell.source[max(0, match.start() - 30) : match.end()]
            if not re.search(r"at least|≥|>=|above|target|below|chance|random", before, flags=re.I):
                pytest.fail(f"{chapter.name}: a typed result? {match.group(0)!r} -- glue it from a cell")


def test_ruff_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", str(ROOT)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout[-3000:]
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", str(ROOT)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_licences_are_stated():
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    assert "CC BY 4.0" in (ROOT / "LICENSE-CONTENT.md").read_text()


def test_glossary_lists_every_term_the_chapters_define():
    """book/glossary.md is generated from the chapters' (term-...)= targets and must be current."""
    tool = ROOT / "tools" / "glossary.py"
    result = subprocess.run([sys.executable, str(tool), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    text = (ROOT / "book" / "glossary.md").read_text()
    labels = set()
    for chapter in sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb")):
        labels |= set(re.findall(r"\((term-[a-z0-9-]+)\)=", chapter.read_text()))
    assert labels and all(f"<{label}>`" in text for label in labels)


SELF_CHECK = re.compile(
    r"\*\*Self-check\.\*\*(?P<question>(?:(?!\n\s*\n).)+)\n\s*\n"
    r'<details class="seqdl-selfcheck"><summary>Answer</summary>\n(?P<answer>.*?)</details>',
    flags=re.S,
)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_chapter_asks_self_check_questions_with_collapsed_answers(chapter):
    """Two or more "Self-check" questions, each followed by its answer in a <details> block
    (collapsed on the website and in Colab, which would show a MyST directive's content)."""
    text = "\n\n".join(
        c.source for c in nbformat.read(chapter, as_version=4).cells if c.cell_type == "markdown"
    )
    asked = text.count("**Self-check.**")
    found = list(SELF_CHECK.finditer(text))
    assert asked >= 2, f"{chapter.name}: {asked} self-check question(s), expected at least 2"
    assert len(found) == asked, f"{chapter.name}: a self-check question lacks its <details> answer block"
    for match in found:
        answer = match["answer"].strip()
        assert len(answer.split()) >= 8, f"{chapter.name}: answer to{match['question']!r} is too short"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_figure_cells_carry_alt_text(chapter):
    """A code cell that shows a figure says in words what it shows (MyST-NB's image alt)."""
    for index, cell in enumerate(nbformat.read(chapter, as_version=4).cells):
        if cell.cell_type == "code" and "plt.show()" in cell.source:
            alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt", "")
            assert len(alt.split()) >= 8, f"{chapter.name} cell {index}: a figure without alt text"
