"""The machinery of the Colab-fidelity run (tools/colab_fidelity.py); the run itself is `make test-colab`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import colab_fidelity
import colab_runtime
import notebook_setup

ROOT = Path(__file__).resolve().parents[1]


def _run(python: Path, code: str, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "PIP_BUILD_TRACKER"} | env
    result = subprocess.run([str(python), "-c", code], capture_output=True, text=True, env=environment)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip()


def test_a_layered_env_sees_the_base_and_keeps_its_own_prefix(tmp_path):
    base = Path(sys.prefix)  # the runtime itself stands in for the copy of Colab here
    layer = colab_fidelity.layered_env(base, tmp_path / "layer", sys.executable)
    python = layer / "bin" / "python"
    prefix, numpy_file = _run(
        python, "import sys, numpy; print(sys.prefix); print(numpy.__file__)"
    ).splitlines()
    assert Path(prefix) == layer and numpy_file.startswith(str(base))
    versions = colab_runtime.installed_versions(layer)
    assert versions["numpy"] == colab_runtime.installed_versions(base)["numpy"]
    # Inside pip's isolated build environments the base stays invisible, as Colab's site-packages is.
    hidden = _run(
        python, "import importlib.util; print(importlib.util.find_spec('numpy'))", PIP_BUILD_TRACKER="x"
    )
    assert hidden == "None"


def test_the_checkout_mirror_is_tagged_with_the_release(tmp_path):
    mirror = colab_fidelity.checkout_mirror(tmp_path / "mirror")
    tags = subprocess.run(
        ["git", "-C", str(mirror), "tag"], capture_output=True, text=True, check=True
    ).stdout
    assert tags.split() == [notebook_setup.release_tag()]
    assert (mirror / "pyproject.toml").read_bytes() == (ROOT / "pyproject.toml").read_bytes()
    assert not (mirror / ".venv").exists() and (mirror / "seqdl" / "encode.py").is_file()


def test_the_kernel_environment_hides_the_book_s_environments(monkeypatch, tmp_path):
    monkeypatch.setenv("VIRTUAL_ENV", str(ROOT / ".venv"))
    monkeypatch.setenv("JUPYTER_PATH", "/somewhere")
    monkeypatch.setenv("SEQDL_BOOK_BUILD", "1")
    monkeypatch.setenv("PATH", f"{ROOT / '.venv' / 'bin'}:/usr/bin")
    env = colab_fidelity.kernel_environment(tmp_path / "layer", tmp_path / "gitconfig")
    assert "VIRTUAL_ENV" not in env and "JUPYTER_PATH" not in env and "SEQDL_BOOK_BUILD" not in env
    assert env["PATH"] == f"{tmp_path / 'layer' / 'bin'}:/usr/bin"
    assert env["GIT_CONFIG_GLOBAL"] == str(tmp_path / "gitconfig")


def test_an_outcome_fails_on_a_changed_colab_package():
    outcome = colab_fidelity.Outcome("book/x.ipynb", seconds=10, changed={"ipywidgets": ("7.7.1", "8.1.9")})
    assert not outcome.ok and "ipywidgets 7.7.1 -> 8.1.9" in outcome.line(180)
    assert colab_fidelity.Outcome("book/x.ipynb", seconds=10).ok


def test_chapters_for_the_book_run_with_glue_records_and_nothing_else_changes(tmp_path):
    plain = colab_fidelity.kernel_environment(tmp_path / "layer", tmp_path / "gitconfig")
    book = colab_fidelity.kernel_environment(tmp_path / "layer", tmp_path / "gitconfig", book_build=True)
    assert book.pop("SEQDL_BOOK_BUILD") == "1"
    assert book == plain


def test_the_budget_counts_the_chapter_not_the_install():
    outcome = colab_fidelity.Outcome("book/x.ipynb", seconds=200, setup_seconds=40)
    assert outcome.chapter_seconds == 160 and "160.0 s + setup cell  40.0 s" in outcome.line(180)


STORE = """
import sys, nbformat
sys.path.insert(0, sys.argv[1])
import colab_fidelity
from jupyter_cache import get_cache
source, cache_dir, changed = sys.argv[2], sys.argv[3], sys.argv[4]
executed = nbformat.read(source, as_version=4)
executed.metadata["kernelspec"] = {"name": "colab", "display_name": "Colab's runtime"}
for cell in executed.cells:
    if cell.cell_type == "code":  # as nbclient leaves them: outputs, and timing in the metadata
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="ran as on Colab\\n")]
        cell.metadata["execution"] = {"iopub.execute_input": "2026-12-02T05:43:51.104300Z"}
outcome = colab_fidelity.Outcome("book/x.ipynb", seconds=50, setup_seconds=20, executed=executed)
colab_fidelity.store_in_book_cache(cache_dir, source, outcome)
cache = get_cache(cache_dir)
record = cache.match_cache_file(source)
_, merged = cache.merge_match_into_notebook(nbformat.read(source, as_version=4))
print(record.data["execution_seconds"], merged.cells[-1].outputs[0].text.strip())
try:
    cache.match_cache_file(changed)
    print("matched")
except KeyError:
    print("no match")
"""


def test_a_chapter_stored_by_the_colab_run_is_what_the_book_build_finds(tmp_path, tools_python):
    """The book build (MyST-NB's cache mode) finds the stored chapter by its code, and only by it."""
    source = ROOT / "book" / "datasets.ipynb"
    changed = tmp_path / "changed.ipynb"
    nb = __import__("nbformat").read(source, as_version=4)
    nb.cells[-1].source += "\nprint('one more line')"
    __import__("nbformat").write(nb, changed)
    out = subprocess.run(
        [tools_python, "-c", STORE, str(ROOT / "tools"), str(source), str(tmp_path / "cache"), str(changed)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split("\n")[:2] == ["30 ran as on Colab", "no match"]
