"""The generated first cells of every chapter and exercise master: setup, and starting TensorFlow.

1. **Setup** (tag ``seqdl-setup``): installs what the notebook needs and Google Colab lacks, and never
   changes a package that is already installed: every installed distribution is passed to pip as a
   constraint, and what is already there is not installed again. The book's own package comes from
   the release tag ``v<version>`` of ``pyproject.toml`` (never a branch), the other packages at the
   exact versions of requirements.txt (lines marked ``setup cell``) and requirements-nodeps.txt.
   Where everything is installed (the book's build, a machine set up with ``make env``) it does
   nothing. It defines ``NOTEBOOK_START`` for the run time reported at the end.
2. **Start TensorFlow** (tag ``seqdl-start``, hidden on the website, a collapsed form in Colab), for
   notebooks that import Keras or TensorFlow: quiets TensorFlow's C++ start-up messages, starts its
   devices (CUDA start-up noise on machines without a GPU lands in this hidden cell) and seeds
   Python, NumPy and TensorFlow. Import cells then hold only imports.

A notebook asks for more in its metadata: ``{"seqdl": {"setup": ["tensorflowjs"]}}`` (chapter 6)
or ``["otter"]`` (exercise masters).

Usage: ``python tools/notebook_setup.py --check`` (exit 1 if a notebook is out of date) or
``--write`` (rewrite the cells). ``make assign`` runs ``--write`` before generating exercises.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
SETUP_TAG = "seqdl-setup"
START_TAG = "seqdl-start"
SEED = 0
# Otter's own requirements that Colab lacks (pinned as in requirements-tools.txt). Otter itself is
# installed without its declared dependencies: otter-grader 7.0.0 asks for ipywidgets>=8.1.5 and
# wrapt<2, and Colab pins ipywidgets 7.7.1 (its front end) and wrapt 2.3.0 (TensorFlow imports it).
# grader.check and grader.export work with Colab's versions (`make test-colab` runs them).
OTTER_EXTRA_REQUIREMENTS = ("fica", "ipylab", "python-frontmatter", "python-on-whales")
GROUPS = ("tensorflowjs", "otter")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(path: Path, marker: str | None = None) -> dict[str, str]:
    """``{canonical name: "Name==version"}`` of a requirements file (lines whose comment has ``marker``)."""
    pins = {}
    for line in path.read_text().splitlines():
        requirement, _, comment = line.partition("#")
        requirement = requirement.strip()
        if requirement and not requirement.startswith("-") and (marker is None or marker in comment):
            pins[_canonical(requirement.split("==")[0])] = requirement
    return pins


def repository() -> tuple[str, str]:
    """``(url, branch)`` from ``_config.yml`` -- the one place they are written."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    return config["repository"]["url"], config["repository"]["branch"]


def package_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def release_tag() -> str:
    """The git tag the setup cells install ``seqdl`` from: ``v`` + pyproject.toml's version."""
    return f"v{package_version()}"


def requirements(groups: list[str]) -> tuple[list[str], list[str]]:
    """``(needed, without_dependencies)`` pip requirements for a notebook asking for ``groups``."""
    unknown = sorted(set(groups) - set(GROUPS))
    if unknown:
        raise ValueError(f"unknown setup group(s) {unknown}; known: {', '.join(GROUPS)}")
    url, _ = repository()
    needed = [
        f"seqdl @ git+{url}@{release_tag()}",
        *sorted(_pins(ROOT / "requirements.txt", "setup cell").values()),
    ]
    nodeps_pins = _pins(ROOT / "requirements-nodeps.txt")
    no_deps = [nodeps_pins["janggu"]]
    if "tensorflowjs" in groups:
        no_deps.append(nodeps_pins["tensorflowjs"])
    if "otter" in groups:
        tools = _pins(ROOT / "requirements-tools.txt")
        needed += [tools[name] for name in OTTER_EXTRA_REQUIREMENTS]
        no_deps.append(tools["otter-grader"])
    return needed, no_deps


def _list(items: list[str]) -> str:
    return "\n".join(f'    "{item}",' for item in items)


SETUP_TEMPLATE = """\
# Setup: run this cell first. On Google Colab it installs what this notebook needs and Colab lacks
# (a minute or two), and it never changes a package that is already installed. Where everything is
# installed (the book's build, a machine set up with `make env`) it does nothing.
import importlib
import importlib.metadata
import re
import subprocess
import sys
import tempfile
import time

NEEDED = [  # the book's package at its release tag, then exact versions
@NEEDED@
]
WITHOUT_DEPENDENCIES = [  # their declared dependencies would change Colab's packages
@WITHOUT_DEPENDENCIES@
]
# janggu: only its data files (the Oct4 and MafK peaks) are read; it declares Biopython==1.77.@OTTER_NOTE@


def key(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def installed():
    dists = importlib.metadata.distributions()
    return {key(d.metadata["Name"]): d.version for d in dists if d.metadata["Name"]}


def install(requirements, *options):
    have = installed()
    missing = [r for r in requirements if key(re.split(r"[ =@]", r)[0]) not in have]
    if missing:  # pin every installed package, so that pip can add packages but never change one
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as keep:
            keep.write("\\n".join(f"{name}=={version}" for name, version in have.items()))
        pip = [sys.executable, "-m", "pip", "install", "-q", "-c", keep.name]
        subprocess.run([*pip, *options, *missing], check=True)


before = installed()
install(NEEDED)
install(WITHOUT_DEPENDENCIES, "--no-deps")
after = installed()
changed = sorted(name for name, version in before.items() if after.get(name) != version)
if changed:
    raise RuntimeError(f"Installing changed {changed}: restart the runtime and run this cell again")
importlib.invalidate_caches()
NOTEBOOK_START = time.perf_counter()  # the last cell reports this notebook's run time"""


def setup_source(groups: list[str]) -> str:
    """The setup cell's code (double quotes, as `ruff format` writes them, so it never looks stale)."""
    needed, no_deps = requirements(groups)
    otter_note = ""
    if "otter" in groups:
        otter_note = (
            "\n# otter-grader is installed without its declared dependencies: it asks for ipywidgets>=8.1.5\n"
            "# and wrapt<2, which would replace Colab's ipywidgets 7.7.1 and wrapt 2.3.0; its other\n"
            "# requirements are in NEEDED, and grader.check and grader.export work with Colab's versions."
        )
    return (
        SETUP_TEMPLATE.replace("@NEEDED@", _list(needed))
        .replace("@WITHOUT_DEPENDENCIES@", _list(no_deps))
        .replace("@OTTER_NOTE@", otter_note)
    )


START_SOURCE = f"""# @title Start TensorFlow (hidden on the website)
# Quiet TensorFlow's C++ start-up messages, start its devices here (on a machine without a GPU it
# prints CUDA warnings once, in this cell), and seed Python, NumPy and TensorFlow so every number of
# this notebook comes out the same on every run.
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import keras

_ = keras.ops.zeros(1)
keras.utils.set_random_seed({SEED})"""


def notebooks() -> list[Path]:
    """Chapters and exercise masters: the notebooks whose first cell is the setup cell."""
    return sorted((ROOT / "book").glob("*.ipynb")) + sorted((ROOT / "solutions").glob("*.ipynb"))


def uses_tensorflow(nb: nbformat.NotebookNode) -> bool:
    pattern = re.compile(r"^\s*(import|from)\s+(keras|tensorflow)\b", flags=re.M)
    return any(
        cell.cell_type == "code"
        and START_TAG not in cell.metadata.get("tags", [])
        and pattern.search(cell.source)
        for cell in nb.cells
    )


def _tagged(nb: nbformat.NotebookNode, tag: str):
    return next((c for c in nb.cells if c.cell_type == "code" and tag in c.metadata.get("tags", [])), None)


def sync(path: Path, write: bool) -> bool:
    """Return True when ``path``'s generated cells are current; rewrite them when ``write``."""
    nb = nbformat.read(path, as_version=4)
    groups = nb.metadata.get("seqdl", {}).get("setup", [])
    wanted = [(SETUP_TAG, setup_source(groups), ["hide-input"])]
    if uses_tensorflow(nb):
        wanted.append((START_TAG, START_SOURCE, ["remove-cell"]))
    current = True
    for position, (tag, source, extra_tags) in enumerate(wanted):
        cell = _tagged(nb, tag)
        code = [c for c in nb.cells if c.cell_type == "code"]
        if cell is not None and cell.source == source and code.index(cell) == position:
            continue
        current = False
        if cell is None:
            cell = nbformat.v4.new_code_cell(source, metadata={"tags": [tag, *extra_tags]})
        else:
            nb.cells.remove(cell)
            cell.source = source
        code = [c for c in nb.cells if c.cell_type == "code"]
        index = nb.cells.index(code[position]) if position < len(code) else len(nb.cells)
        nb.cells.insert(index, cell)
    start = _tagged(nb, START_TAG)
    if start is not None and not uses_tensorflow(nb):
        nb.cells.remove(start)
        current = False
    if write and not current:
        nbformat.write(nb, path)
    return current


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="report notebooks whose generated cells are stale")
    mode.add_argument("--write", action="store_true", help="rewrite stale generated cells")
    args = parser.parse_args(argv)
    stale = [p for p in notebooks() if not sync(p, write=args.write)]
    for path in stale:
        print(f"{'updated' if args.write else 'stale'}: {path.relative_to(ROOT)}")
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
