"""Keep the first cell of every chapter and exercise master identical: the Colab setup cell.

Each notebook opens with a code cell tagged ``seqdl-setup`` that installs what Google Colab lacks
and does nothing where the packages are present. Its text is generated here from the repository
URL in ``_config.yml`` plus the notebook's own extra requirements, listed in its metadata::

    "metadata": {"seqdl": {"colab_requirements": {"tensorflowjs": "tensorflowjs==4.22.0"}}}

Usage: ``python tools/notebook_setup.py --check`` (exit 1 if a notebook is out of date) or
``--write`` (rewrite the cells). ``make assign`` runs ``--write`` before generating exercises.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
SETUP_TAG = "seqdl-setup"
JANGGU = "janggu==0.10.2"


def repository() -> tuple[str, str]:
    """``(url, branch)`` from ``_config.yml`` -- the one place they are written."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    return config["repository"]["url"], config["repository"]["branch"]


def setup_source(extra: dict[str, str]) -> str:
    """The setup cell's code for a notebook needing ``extra`` (import name -> pip requirement)."""
    url, branch = repository()
    needed = {"seqdl": f"seqdl[book] @ git+{url}@{branch}"} | dict(sorted(extra.items()))
    # double quotes, as `ruff format` writes them, so formatting never makes the cell look stale
    needed_lines = "\n".join(f'    "{module}": "{req}",' for module, req in needed.items())
    return f'''# Setup -- run this cell first. On Google Colab it installs what Colab lacks (a minute or two);
# where the packages are already installed (your own machine, the book's build) it does nothing.
import importlib.util
import subprocess
import sys
import time

NEEDED = {{  # import name -> what pip installs when it is missing
{needed_lines}
}}
missing = [req for module, req in NEEDED.items() if importlib.util.find_spec(module) is None]
if missing:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", *missing], check=True)
if importlib.util.find_spec("janggu") is None:  # only janggu's data files are read, never imported
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "{JANGGU}"], check=True)
NOTEBOOK_START = time.perf_counter()  # the last cell reports this notebook's run time'''


def notebooks() -> list[Path]:
    """Chapters and exercise masters: the notebooks whose first cell is the setup cell."""
    return sorted((ROOT / "book").glob("*.ipynb")) + sorted((ROOT / "solutions").glob("*.ipynb"))


def sync(path: Path, write: bool) -> bool:
    """Return True when ``path``'s setup cell is already current; rewrite it when ``write``."""
    nb = nbformat.read(path, as_version=4)
    extra = nb.metadata.get("seqdl", {}).get("colab_requirements", {})
    expected = setup_source(extra)
    first = next((c for c in nb.cells if c.cell_type == "code"), None)
    if first is not None and SETUP_TAG in first.metadata.get("tags", []):
        if first.source == expected:
            return True
        if write:
            first.source = expected
    elif write:
        cell = nbformat.v4.new_code_cell(expected, metadata={"tags": [SETUP_TAG, "hide-input"]})
        index = nb.cells.index(first) if first is not None else len(nb.cells)
        nb.cells.insert(index, cell)
    if write:
        nbformat.write(nb, path)
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="report notebooks whose setup cell is stale")
    mode.add_argument("--write", action="store_true", help="rewrite stale setup cells")
    args = parser.parse_args(argv)
    stale = [p for p in notebooks() if not sync(p, write=args.write)]
    for path in stale:
        print(f"{'updated' if args.write else 'stale'}: {path.relative_to(ROOT)}")
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
