"""Benchmark the batch grader: 35 copies of a correct submission, sequential vs parallel.

    python tools/benchmark_grading.py [--copies 35] [--assignment 01_cnn]

Prints wall time for ``--workers 1`` and ``--workers <cores>`` and the time per submission. Not a
test: the numbers depend on the machine (targets: <= 15 s per submission, 35 in <= 3 min on 2 cores).
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from exercise_tools import fill_answers, write  # noqa: E402


def grade(folder: Path, out: Path, workers: int, assignment: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "autograder" / "grade.py"), assignment, str(folder), "--out", str(out),
         "--workers", str(workers), "--quiet"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    with open(out / "gradebook.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    bad = [r for r in rows if r["status"] != "ok" or r["total"] != r["possible"]]
    if bad:
        raise SystemExit(f"benchmark submissions did not all get full marks: {bad[:2]}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--copies", type=int, default=35)
    parser.add_argument("--assignment", default="01_cnn")
    args = parser.parse_args(argv)
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "submissions"
        notebook = fill_answers(args.assignment)
        for i in range(args.copies):
            write(notebook, folder / f"student_{i:02d}.ipynb")
        results = {}
        for workers in sorted({1, cores}):
            results[workers] = grade(folder, Path(tmp) / f"out_{workers}", workers, args.assignment)
    print(f"{args.copies} correct submissions of {args.assignment} on {cores} CPU cores")
    print("| workers | wall time (s) | s per submission |")
    print("|---|---|---|")
    for workers, seconds in results.items():
        print(f"| {workers} | {seconds:.1f} | {seconds / args.copies:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
