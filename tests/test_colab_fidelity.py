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
