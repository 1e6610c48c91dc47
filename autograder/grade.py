"""Grade exercise submissions -- the instructor's one command -- with scores no submission can forge.

    python autograder/grade.py 01_cnn submissions/ --out grades/01_cnn [--workers 2]
        [--timeout 300] [--memory-gb 3] [--resume] [--no-sandbox]

Every entry of the submissions folder gets one row of ``gradebook.csv`` (``.ipynb`` files and Otter
export zips are graded; folders, links and hidden files are listed as ``skipped``) and a
``feedback/<file>.md``; ``journal.jsonl`` lets ``--resume`` skip what an interrupted run finished.

How it grades (package ``grading``): each notebook runs in its own sandboxed process (bubblewrap;
the grader refuses to run without it unless ``--no-sandbox`` is given, and the gradebook says so);
only the template's given cells and the submission's answer cells run; every test runs in the
grader's own trusted process, which asks the sandbox for the notebook's values, receives plain data
and does every comparison itself; scores are capped at each question's points.

Statuses: ok, cell-error, crashed (the process ended; questions before count), timeout,
memory-limit, process-limit, error (grading failed), not-a-notebook, wrong-assignment, skipped,
pending (not graded: only in an interrupted run).

Other subcommands: ``worker`` (started by the batch, one per ``--workers``) and ``gradescope``
(run by the Gradescope autograder zip's ``run_autograder``).
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SUBCOMMANDS = ("grade", "worker", "gradescope")


@dataclass(frozen=True)
class Options:
    assignment: str
    submissions: Path
    out: Path
    workers: int
    timeout: float
    memory_gb: float
    resume: bool
    sandboxed: bool


def assignment_zip(spec: str) -> Path:
    """``01_cnn`` -> autograder/01_cnn/autograder.zip; a path to a zip is taken as it is."""
    path = Path(spec) if spec.endswith(".zip") else HERE / spec / "autograder.zip"
    if not path.is_file():
        known = sorted(p.parent.name for p in HERE.glob("*/autograder.zip"))
        raise SystemExit(f"no autograder at {path}; known assignments: {', '.join(known) or 'none'}")
    return path


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = main.add_subparsers(dest="command", required=True)
    grade = sub.add_parser("grade", help="grade a folder of submissions (the default)")
    grade.add_argument("assignment", help="assignment name (e.g. 01_cnn) or path to an autograder.zip")
    grade.add_argument("submissions", type=Path, help="folder of .ipynb / .zip submissions")
    grade.add_argument("--out", type=Path, required=True, help="output folder (gradebook, feedback)")
    grade.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="submissions graded at once")
    grade.add_argument("--timeout", type=float, default=300, help="wall-clock seconds per submission")
    grade.add_argument("--memory-gb", type=float, default=3.0, help="memory limit per submission (GB)")
    grade.add_argument("--resume", action="store_true", help="skip files already graded (same sha256)")
    grade.add_argument("--no-sandbox", dest="sandboxed", action="store_false",
                       help="grade without bubblewrap (the gradebook records it)")  # fmt: skip
    worker = sub.add_parser("worker", help="(internal) a trusted worker of the batch")
    worker.add_argument("zip", type=Path)
    worker.add_argument("--zip-sha256", required=True)
    worker.add_argument("--timeout", type=float, required=True)
    worker.add_argument("--memory-gb", type=float, required=True)
    worker.add_argument("--no-sandbox", dest="sandboxed", action="store_false")
    gradescope = sub.add_parser("gradescope", help="grade Gradescope's one submission")
    gradescope.add_argument("--root", type=Path, default=Path("/autograder"))
    gradescope.add_argument("--timeout", type=float, default=600)
    gradescope.add_argument("--memory-gb", type=float, default=3.0)
    return main


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] not in SUBCOMMANDS and not argv[0].startswith("-"):
        argv.insert(0, "grade")  # `grade.py 01_cnn submissions/ --out ...`, as the README says
    args = parser().parse_args(argv)
    from grading.sandbox import Limits, sandbox_works

    limits = Limits(timeout=args.timeout, memory_bytes=int(args.memory_gb * 1024**3))
    if args.command == "worker":
        from grading.worker import serve

        return serve(str(args.zip), args.zip_sha256, args.sandboxed, limits)
    if args.command == "gradescope":
        from grading.gradescope import run

        run(args.root, limits)
        return 0
    options = Options(
        args.assignment, args.submissions, args.out, max(1, args.workers), args.timeout, args.memory_gb,
        args.resume, args.sandboxed,
    )  # fmt: skip
    if not options.submissions.is_dir():
        raise SystemExit(f"{options.submissions} is not a folder of submissions")
    if options.sandboxed:
        works, why = sandbox_works()
        if not works:
            raise SystemExit(f"refusing to grade without a sandbox: {why}. Use --no-sandbox to grade anyway.")
    from grading.assignment import load_assignment
    from grading.batch import run_batch

    return run_batch(options, load_assignment(assignment_zip(options.assignment)))


if __name__ == "__main__":
    sys.exit(main())
