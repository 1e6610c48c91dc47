"""The book's environments: the runtime is Colab's, the tooling is separate, setup cells change nothing.

Expected versions come from Colab's published freeze (tools/colab/pip-freeze.txt), never from
requirements.txt itself, so a pin that drifts from Colab fails here.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import types
from importlib import metadata
from pathlib import Path

import colab_runtime
import notebook_setup
import pytest

ROOT = Path(__file__).resolve().parents[1]
# What the chapters, exercises and grader import: each must be exactly Colab's version here.
IMPORTED = (
    "tensorflow", "keras", "tf-keras", "torch", "transformers", "numpy", "pandas", "scikit-learn",
    "scipy", "matplotlib", "scikit-image", "ipython", "ipykernel", "pooch", "mlxtend", "pytest",
)  # fmt: skip


@pytest.fixture(scope="module")
def colab():
    return colab_runtime.colab_packages()


def test_every_imported_package_is_colab_s_version(colab):
    for name in IMPORTED:
        expected = colab[colab_runtime.canonical(name)].public_version
        assert metadata.version(name).split("+")[0] == expected, f"{name}: Colab has {expected}"
    assert sys.version_info[:2] == (3, 13), "Colab's runtime is Python 3.13"


def test_requirements_agree_with_colab_or_say_why(colab):
    pins = colab_runtime.read_pins()
    assert colab_runtime.compare_with_colab(pins, colab) == []
    for key, pin in pins.items():
        if key not in colab:
            assert pin.comment.startswith("extra"), (
                f"{pin.name} is not in Colab: say why it is here ('# extra: ...')"
            )
    reasons = [reason for *_, reason in colab_runtime.deviations(pins, colab)]
    assert all(len(reason) > 20 for reason in reasons)


def test_the_colab_comparison_catches_a_drifted_pin(colab):
    drifted = {"numpy": colab_runtime.Pin("numpy", "2.2.0", "top-level")}
    assert "Colab has 2.1.3" in colab_runtime.compare_with_colab(drifted, colab)[0]
    explained = {"numpy": colab_runtime.Pin("numpy", "2.2.0", "deviation: a reason given here")}
    assert colab_runtime.compare_with_colab(explained, colab) == []
    needless = {"numpy": colab_runtime.Pin("numpy", "2.1.3", "deviation: none really")}
    assert "marked as a deviation" in colab_runtime.compare_with_colab(needless, colab)[0]


def test_freeze_reading_handles_urls_and_local_versions(colab):
    assert colab["torch"].version == "2.11.0+cpu" and colab["torch"].public_version == "2.11.0"
    assert colab["tensorflow"].version == "2.20.0"
    assert "tensorflow-decision-forests" not in colab
    pins, skipped = colab_runtime.fidelity_requirements(colab)
    assert "torch==2.11.0" in pins and "google-colab" in skipped
    assert len(pins) + len(skipped) == len(colab)


def test_runtime_pins_installed_and_pip_check_lists_only_the_no_deps_packages():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "check_env.py")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout
    check = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True).stdout
    complaining = {line.split()[0] for line in check.splitlines() if line.strip()}
    assert complaining <= {"janggu", "tensorflowjs"}, check


def test_tools_environment_is_separate_and_matches_its_pins(tools_python):
    result = subprocess.run(
        [tools_python, str(ROOT / "tools" / "check_env.py"), "--requirements", "requirements-tools.txt"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout
    versions = subprocess.run(
        [tools_python, "-c", "import sphinx, IPython; print(sphinx.__version__, IPython.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert versions[0].startswith("7.") and int(versions[1].split(".")[0]) >= 8  # what Colab cannot have


def test_the_tools_run_notebooks_in_the_runtime_kernel(tools_python):
    code = (
        "from jupyter_client.kernelspec import KernelSpecManager; "
        "print(KernelSpecManager().get_kernel_spec('python3').argv[0])"
    )
    result = subprocess.run([tools_python, "-c", code], capture_output=True, text=True, check=True)
    assert Path(result.stdout.strip()) == Path(sys.executable)


def test_janggu_data_is_readable_without_importing_janggu():
    from seqdl.data import load_oct4_mafk

    data = load_oct4_mafk()
    assert len(data.train) > 6000
    assert "janggu" not in sys.modules


# --------------------------------------------------------------------------- setup cells


def test_setup_cells_install_seqdl_from_the_release_tag_of_this_version():
    import tomllib

    import seqdl

    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert seqdl.__version__ == version
    assert notebook_setup.release_tag() == f"v{version}"
    needed, _ = notebook_setup.requirements([])
    url, _ = notebook_setup.repository()
    assert needed[0] == f"seqdl @ git+{url}@v{version}"
    assert not any("@main" in line for line in needed)
    gradescope = (ROOT / "solutions" / "gradescope-requirements.txt").read_text()
    assert f"{url}@v{version}" in gradescope and "@main" not in gradescope


def _run_setup(source: str, distributions: list[tuple[str, str]], monkeypatch) -> list[list[str]]:
    """Execute a setup cell against fake installed distributions; return the pip commands it ran."""
    commands = []
    constraints = []

    def run(command, check):
        commands.append(command)
        constraints.append(Path(command[command.index("-c") + 1]).read_text().splitlines())
        return subprocess.CompletedProcess(command, 0)

    fake = [
        types.SimpleNamespace(metadata={"Name": name}, version=version) for name, version in distributions
    ]
    monkeypatch.setitem(sys.modules, "subprocess", types.SimpleNamespace(run=run))
    monkeypatch.setattr(metadata, "distributions", lambda: list(fake))
    exec(compile(source, "<setup cell>", "exec"), {"__name__": "__setup__"})
    return [c + ["constraints:"] + k for c, k in zip(commands, constraints)]


def test_setup_cell_does_nothing_where_everything_is_installed(monkeypatch):
    needed, no_deps = notebook_setup.requirements(["otter"])
    everything = [(re.split(r"[ =@]", r)[0], "1") for r in needed + no_deps] + [("ipywidgets", "7.7.1")]
    assert _run_setup(notebook_setup.setup_source(["otter"]), everything, monkeypatch) == []


def test_setup_cell_adds_what_is_missing_and_pins_everything_installed(monkeypatch):
    colab_like = [("ipywidgets", "7.7.1"), ("wrapt", "2.3.0"), ("numpy", "2.1.3"), ("Keras", "3.13.2")]
    commands = _run_setup(notebook_setup.setup_source(["otter"]), colab_like, monkeypatch)
    normal, no_deps = commands
    assert "--no-deps" not in normal and "--no-deps" in no_deps
    assert "otter-grader==7.0.0" in no_deps and "janggu==0.10.2" in no_deps
    for command in commands:
        pinned = command[command.index("constraints:") + 1 :]
        assert {"ipywidgets==7.7.1", "wrapt==2.3.0", "numpy==2.1.3", "keras==3.13.2"} <= set(pinned)


def test_otter_s_requirements_are_colab_s_or_in_the_setup_cell(tools_python, colab):
    code = "import importlib.metadata as m, json; print(json.dumps(m.requires('otter-grader')))"
    result = subprocess.run([tools_python, "-c", code], capture_output=True, text=True, check=True)
    needed, _ = notebook_setup.requirements(["otter"])
    in_setup = {colab_runtime.canonical(re.split(r"[ =@]", r)[0]) for r in needed}
    conflicts = {"ipywidgets", "wrapt"}  # the two documented in the setup cell's comment
    for requirement in json.loads(result.stdout):
        if "extra ==" in requirement:
            continue
        name = colab_runtime.canonical(re.split(r"[ (<>=!~;\[]", requirement)[0])
        assert name in colab or name in in_setup or name in conflicts, requirement
    assert all(name in notebook_setup.setup_source(["otter"]) for name in conflicts)
