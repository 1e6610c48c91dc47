"""Execute notebooks top to bottom (as the book build does) and report each one's wall time.

Usage: ``python tools/run_notebook.py book/04_cnn_dna.ipynb [...] [--save-to DIR] [--timeout 300]``.
The source notebooks are not modified (committed notebooks carry no outputs); ``--save-to`` writes
the executed copies elsewhere for inspection.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def run(path: Path, timeout: int = 300, save_to: Path | None = None) -> float:
    """Execute ``path`` in its own directory; return seconds taken. Raises on a failing cell."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    start = time.perf_counter()
    try:
        client.execute()
    finally:
        if save_to is not None:
            save_to.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, save_to / path.name)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell")
    parser.add_argument("--save-to", type=Path, default=None, help="write executed copies here")
    args = parser.parse_args(argv)
    failed = 0
    for path in args.notebooks:
        try:
            seconds = run(path, args.timeout, args.save_to)
            print(f"{path}: ok in {seconds:.1f} s")
        except CellExecutionError as err:
            failed += 1
            print(f"{path}: FAILED\n{err}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
