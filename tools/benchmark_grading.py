"""Benchmark the grader: 35 copies of a correct submission, this grader vs sequential ``otter run``.

    python tools/benchmark_grading.py [--copies 35] [--assignment 01_cnn] [--otter-copies 35]

``make benchmark`` runs it. The project's grader grades the folder with ``--workers`` = the number of
cores (sandboxed, the default); Otter grades the same notebooks one after the other with
``otter run`` and the autograder zip Otter Assign makes from the same master, in a kernel of the
book's runtime with Otter added. Prints both, per submission and in total. Not a test: the numbers
depend on the machine (goals on 2 cores: at least 3 times faster per submission than sequential
``otter run``, and 35 submissions in at most 120 s).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from assign import run_otter_assign
from colab_fidelity import layered_env
from exercise_notebooks import fill_answers, write
from notebook_setup import requirements

ROOT = Path(__file__).resolve().parents[1]
RUNTIME = ROOT / ".venv"
TOOLS_PYTHON = Path(os.environ.get("SEQDL_TOOLS_PYTHON", ROOT / ".venv-tools" / "bin" / "python"))


def ours(folder: Path, out: Path, assignment: str, workers: int) -> float:
    start = time.perf_counter()
    subprocess.run(
        [str(RUNTIME / "bin" / "python"), str(ROOT / "autograder" / "grade.py"), assignment, str(folder),
         "--out", str(out), "--workers", str(workers)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    with open(out / "gradebook.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    bad = [r for r in rows if r["status"] != "ok" or r["total"] != r["possible"]]
    if bad:
        raise SystemExit(f"the benchmark's submissions did not all get full marks: {bad[:2]}")
    return seconds


def otter_kernel(tmp: Path) -> dict[str, str]:
    """A kernel of the runtime with Otter added (as the exercises' setup cell adds it on Colab)."""
    env = layered_env(RUNTIME, tmp / "otter-env", str(RUNTIME / "bin" / "python"))
    needed, no_deps = requirements(["otter"])
    pip = [str(env / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, *[r for r in needed if not r.startswith("seqdl")]], check=True)
    subprocess.run([*pip, "--no-deps", *[r for r in no_deps if r.startswith("otter")]], check=True)
    kernels = tmp / "jupyter" / "kernels" / "python3"
    kernels.mkdir(parents=True)
    spec = {"argv": [str(env / "bin" / "python"), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "runtime + otter", "language": "python"}  # fmt: skip
    (kernels / "kernel.json").write_text(json.dumps(spec))
    return os.environ | {"JUPYTER_PATH": str(tmp / "jupyter")}


def otter(notebooks: list[Path], assignment: str, tmp: Path) -> float:
    out = tmp / "otter-assign"
    run_otter_assign(ROOT / "solutions" / f"{assignment}.ipynb", out, str(TOOLS_PYTHON))
    (zip_path,) = (out / "autograder").glob("*.zip")
    env = otter_kernel(tmp)
    start = time.perf_counter()
    for index, notebook in enumerate(notebooks):
        results = tmp / f"otter-{index}"
        subprocess.run(
            [str(TOOLS_PYTHON), "-m", "otter", "run", "-a", str(zip_path), "-o", str(results), str(notebook)],
            check=True,
            capture_output=True,
            env=env,
        )
        summary = json.loads((results / "results.json").read_text())
        earned = sum(t["score"] for t in summary["tests"])
        possible = sum(t["max_score"] for t in summary["tests"])
        if earned != possible:
            raise SystemExit(f"otter run gave {earned}/{possible} to a correct submission")
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--copies", type=int, default=35)
    parser.add_argument("--otter-copies", type=int, default=None, help="default: --copies")
    parser.add_argument("--assignment", default="01_cnn")
    args = parser.parse_args(argv)
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        folder = tmp / "submissions"
        notebook = fill_answers(args.assignment)
        for i in range(args.copies):
            copy = json.loads(json.dumps(notebook))
            copy["cells"][-1]["source"] += f"\n<!-- student {i} -->"  # distinct files, not duplicates
            write(nbformat.from_dict(copy), folder / f"student_{i:02d}.ipynb")
        ours_seconds = ours(folder, tmp / "ours", args.assignment, cores)
        sample = sorted(folder.iterdir())[: args.otter_copies or args.copies]
        otter_seconds = otter(sample, args.assignment, tmp)
    per_ours, per_otter = ours_seconds / args.copies, otter_seconds / len(sample)
    print(f"{args.copies} correct submissions of {args.assignment} on {cores} CPU cores")
    print("| grader | submissions | wall time (s) | s per submission |")
    print("|---|---|---|---|")
    print(
        f"| this grader, {cores} workers, sandboxed | {args.copies} | {ours_seconds:.1f} | {per_ours:.1f} |"
    )
    print(f"| sequential `otter run` | {len(sample)} | {otter_seconds:.1f} | {per_otter:.1f} |")
    print(f"speed-up per submission: {per_otter / per_ours:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
