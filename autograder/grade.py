"""Grade a folder of exercise submissions without Docker -- the instructor's one command.

    python autograder/grade.py 01_cnn submissions/ --out grades/01_cnn [--workers 2]
        [--timeout 300] [--memory-gb 3] [--resume] [--no-isolation]

Every regular file in the submissions folder is one submission: a notebook (``.ipynb``) or an Otter
export (``.zip`` holding one notebook). Each is graded with Otter's own runner (``otter run``'s
machinery, the same autograder zip that Gradescope uses) in its own process and temporary
directory, in parallel, under a wall-clock timeout and a memory limit, and -- where the operating
system allows unprivileged namespaces -- with no network but loopback.

The output folder receives

* ``gradebook.csv``: exactly one row per input file, rewritten after every graded submission:
  ``file, sha256, status, <points per question>, total, possible, seconds, message``;
* ``feedback/<file>.md``: the student's public and hidden test results and what went wrong;
* ``journal.jsonl``: one line per graded submission; ``--resume`` reuses it to skip files whose
  content (sha256) was already graded, so an interrupted run loses nothing.

Statuses: ``ok`` (ran cleanly), ``cell-error`` (graded, but a cell raised -- the message names the
first error, e.g. a SyntaxError), ``timeout``, ``memory-limit``, ``tampered`` (the submission
changed the grader's test files; scored 0), ``error`` (grading itself failed), ``not-a-notebook``
(empty, not JSON, not a notebook, a zip without exactly one notebook), ``wrong-assignment``, and
``pending`` (not graded yet: only seen in the CSV of an interrupted run).

This isolates submissions from each other and bounds their time and memory; it is not a security
sandbox against deliberately malicious code (use containers, e.g. Gradescope, for that).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAX_ZIP_BYTES = 100 * 1024**2  # uncompressed size accepted from an Otter export zip
POLL_SECONDS = 0.2
STATUSES = (
    "ok",
    "cell-error",
    "timeout",
    "memory-limit",
    "tampered",
    "error",
    "not-a-notebook",
    "wrong-assignment",
    "pending",
)


# --------------------------------------------------------------------------- assignment


@dataclass(frozen=True)
class Assignment:
    name: str
    zip_path: Path
    questions: dict[str, float]  # question -> points possible

    @property
    def possible(self) -> float:
        return sum(self.questions.values())


def load_assignment(spec: str) -> Assignment:
    """``spec`` is an assignment name (``01_cnn`` -> autograder/01_cnn/autograder.zip) or a zip path."""
    from otter.test_files import ExceptionTestFile

    zip_path = Path(spec) if spec.endswith(".zip") else HERE / spec / "autograder.zip"
    if not zip_path.is_file():
        known = sorted(p.parent.name for p in HERE.glob("*/autograder.zip"))
        raise SystemExit(f"no autograder at {zip_path}; known assignments: {', '.join(known) or 'none'}")
    questions: dict[str, float] = {}
    with zipfile.ZipFile(zip_path) as zf:
        config = json.loads(zf.read("otter_config.json"))
        for entry in sorted(zf.namelist()):
            if entry.startswith("tests/") and entry.endswith(".py"):
                test_file = ExceptionTestFile.from_string(zf.read(entry).decode(), path=entry)
                questions[test_file.name] = float(sum(tc.points for tc in test_file.test_cases))
    return Assignment(config.get("assignment_name", zip_path.parent.name), zip_path, questions)


# --------------------------------------------------------------------------- results


@dataclass
class Row:
    file: str
    sha256: str
    status: str = "pending"
    scores: dict[str, float] = field(default_factory=dict)
    total: float = 0.0
    possible: float = 0.0
    seconds: float = 0.0
    message: str = ""
    tests: list[dict] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --------------------------------------------------------------------------- preflight


class NotGradable(Exception):
    def __init__(self, status: str, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def extract_notebook(path: Path, staging: Path, assignment: Assignment) -> Path:
    """Return a notebook file to grade, or raise :class:`NotGradable` with a clear reason."""
    if path.stat().st_size == 0:
        raise NotGradable("not-a-notebook", "the file is empty")
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            notebooks = [
                i for i in zf.infolist() if i.filename.endswith(".ipynb") and "__MACOSX" not in i.filename
            ]
            if len(notebooks) != 1:
                raise NotGradable(
                    "not-a-notebook", f"the zip holds {len(notebooks)} notebooks; expected exactly one .ipynb"
                )
            if notebooks[0].file_size > MAX_ZIP_BYTES:
                raise NotGradable("not-a-notebook", "the notebook inside the zip is larger than 100 MB")
            raw = zf.read(notebooks[0])
    else:
        raw = path.read_bytes()
    try:
        nb = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise NotGradable(
            "not-a-notebook", f"not a Jupyter notebook: the file is not valid JSON ({err})"
        ) from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list) or "nbformat" not in nb:
        raise NotGradable("not-a-notebook", "not a Jupyter notebook: JSON without 'cells' and 'nbformat'")
    name = nb.get("metadata", {}).get("otter", {}).get("assignment_name")
    if name is not None and name != assignment.name:
        raise NotGradable(
            "wrong-assignment", f"this notebook is for assignment {name!r}, not {assignment.name!r}"
        )
    staging.mkdir(parents=True, exist_ok=True)
    target = staging / f"{assignment.name}.ipynb"
    target.write_bytes(raw)
    return target


# --------------------------------------------------------------------------- isolation


def _network_isolation_works() -> bool:
    """True when ``unshare -rn`` can give a child a private network with a working loopback."""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return False
    probe = (
        "ip link set lo up && "
        f"{sys.executable} -c \"import socket; s = socket.socket(); s.bind(('127.0.0.1', 0))\""
    )
    try:
        result = subprocess.run(["unshare", "-rn", "sh", "-c", probe], capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def worker_command(args: list[str], isolate: bool) -> list[str]:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", *args]
    if not isolate:
        return command
    return ["unshare", "-rn", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *command]


def _tree(pid: int):
    import psutil

    try:
        parent = psutil.Process(pid)
        return [parent, *parent.children(recursive=True)]
    except psutil.Error:
        return []


def _rss(processes) -> int:
    import psutil

    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            pass
    return total


def _kill(processes) -> None:
    import psutil

    for process in processes:
        try:
            process.kill()
        except psutil.Error:
            pass


def run_worker(command: list[str], cwd: Path, log: Path, timeout: float, memory_bytes: int) -> str | None:
    """Run the worker; return ``None`` when it finished, else ``"timeout"`` / ``"memory-limit"``."""
    env = os.environ | {"TMPDIR": str(cwd), "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONUNBUFFERED": "1"}
    with open(log, "wb") as log_handle:
        proc = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=log_handle, stderr=subprocess.STDOUT, start_new_session=True
        )
        start = time.monotonic()
        verdict = None
        known = []
        while proc.poll() is None:
            known = _tree(proc.pid) or known  # remember the tree: the kernel outlives a killed worker
            if time.monotonic() - start > timeout:
                verdict = "timeout"
            elif _rss(known) > memory_bytes:
                verdict = "memory-limit"
            if verdict:
                _kill(known)
                proc.wait()
                break
            time.sleep(POLL_SECONDS)
        _kill(_tree(proc.pid)[1:] or known[1:])  # a kernel left behind by a finished worker
    return verdict


def _tail(path: Path, limit: int = 2000) -> str:
    try:
        with open(path, "rb") as handle:
            handle.seek(max(0, path.stat().st_size - limit))
            return handle.read().decode("utf-8", "replace")
    except OSError:
        return ""


# --------------------------------------------------------------------------- one submission


def grade_one(path: Path, assignment: Assignment, options: argparse.Namespace) -> Row:
    row = Row(file=path.name, sha256=sha256_of(path), possible=assignment.possible)
    row.scores = dict.fromkeys(assignment.questions, 0.0)
    start = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="seqdl-grade-"))
    private = Path(tempfile.mkdtemp(prefix="seqdl-result-"))
    try:
        notebook = extract_notebook(path, work / "in", assignment)
        result_file, log = private / "result.json", private / "worker.log"
        command = worker_command(
            [str(notebook), str(assignment.zip_path.resolve()), str(result_file)], options.isolate
        )
        verdict = run_worker(command, work, log, options.timeout, int(options.memory_gb * 1024**3))
        if verdict == "timeout":
            row.status, row.message = "timeout", f"stopped after the {options.timeout:.0f} s time limit"
        elif verdict == "memory-limit":
            row.status, row.message = (
                "memory-limit",
                f"stopped: used more than {options.memory_gb:g} GB of memory",
            )
        elif not result_file.exists():
            row.status, row.message = (
                "error",
                "grading failed: " + _tail(log, 600).strip().replace("\n", " | "),
            )
        else:
            _apply_result(row, json.loads(result_file.read_text()))
    except NotGradable as err:
        row.status, row.message = err.status, err.message
    except Exception as err:  # the grader must always produce a row
        row.status, row.message = "error", f"{type(err).__name__}: {err}"
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(private, ignore_errors=True)
    row.total = round(sum(row.scores.values()), 4)
    row.seconds = round(time.monotonic() - start, 2)
    return row


def _apply_result(row: Row, result: dict) -> None:
    if result["tampered"]:
        row.status = "tampered"
        row.message = "the notebook changed or deleted the grader's test files; scored 0"
        return
    if result.get("otter_error"):
        row.status, row.message = "error", f"Otter could not grade this notebook: {result['otter_error']}"
        return
    row.tests = result["tests"]
    for question, score in result["scores"].items():
        if question in row.scores:
            row.scores[question] = float(score)
    error = result.get("first_error")
    if error:
        row.status = "cell-error"
        row.message = f"{error['ename']}: {error['evalue']} (in the cell starting {error['cell']!r})"
    else:
        row.status, row.message = "ok", ""


# --------------------------------------------------------------------------- worker process


def _hash_tree(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    return {str(p.relative_to(folder)): sha256_of(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def _first_error(nb) -> dict | None:
    """The first error a cell raised, with the cell's first line (skipping Otter's seed line)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                lines = [line for line in cell.source.splitlines() if line.strip()]
                if lines and lines[0].startswith("SEED = ") and len(lines) > 1:
                    lines = lines[1:]
                return {"ename": output.ename, "evalue": output.evalue[:300], "cell": (lines or [""])[0][:60]}
    return None


def worker_main(notebook: str, ag_zip: str, result_file: str) -> int:
    """Grade one notebook with Otter (in this process) and write a JSON summary."""
    from otter.api import grade_submission
    from otter.run.run_autograder.runners.python_runner import PythonRunner

    tampered = []
    original_run = PythonRunner.run

    def guarded_run(self):
        tests = Path("submission/tests").resolve()
        before = _hash_tree(tests)
        try:
            return original_run(self)
        finally:
            tampered.append(_hash_tree(tests) != before)

    PythonRunner.run = guarded_run
    summary: dict = {"tampered": False, "scores": {}, "tests": [], "first_error": None, "otter_error": None}
    try:
        results = grade_submission(notebook, ag_zip, quiet=True)
    except Exception as err:
        summary["otter_error"] = f"{type(err).__name__}: {err}"
        summary["tampered"] = any(tampered)
    else:
        summary["tampered"] = any(tampered)
        for name, test_file in results.results.items():
            summary["scores"][name] = test_file.score
            for result in test_file.test_case_results:
                case = result.test_case
                summary["tests"].append(
                    {
                        "question": name,
                        "test": case.name,
                        "hidden": bool(case.hidden),
                        "points": case.points,
                        "passed": bool(result.passed),
                        "message": (result.message or "")[:2000],
                    }
                )
        executed = getattr(results, "notebook", None)
        if executed is not None:
            summary["first_error"] = _first_error(executed)
    Path(result_file).write_text(json.dumps(summary))
    return 0


# --------------------------------------------------------------------------- outputs


def write_feedback(row: Row, folder: Path, assignment: Assignment) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        f"# Feedback: {assignment.name}, {row.file}",
        "",
        f"- status: **{row.status}**" + (f" -- {row.message}" if row.message else ""),
        f"- score: **{row.total:g} / {row.possible:g}**",
        "",
    ]
    for question, possible in assignment.questions.items():
        lines += [f"## {question}: {row.scores.get(question, 0):g} / {possible:g}", ""]
        for test in (t for t in row.tests if t["question"] == question):
            mark = "passed" if test["passed"] else "FAILED"
            kind = "hidden" if test["hidden"] else "public"
            lines.append(f"- {test['test']} ({kind}, {test['points']:g} pt): {mark}")
            if not test["passed"]:
                lines += ["", "  ```", *("  " + m for m in test["message"].splitlines()), "  ```", ""]
        if not any(t["question"] == question for t in row.tests):
            lines.append("- not graded (see the status above)")
        lines.append("")
    (folder / f"{row.file}.md").write_text("\n".join(lines))


def write_gradebook(rows: list[Row], path: Path, assignment: Assignment) -> None:
    header = ["file", "sha256", "status", *assignment.questions, "total", "possible", "seconds", "message"]
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in sorted(rows, key=lambda r: r.file):
            scores = [f"{row.scores.get(q, 0.0):g}" for q in assignment.questions]
            writer.writerow(
                [
                    row.file,
                    row.sha256,
                    row.status,
                    *scores,
                    f"{row.total:g}",
                    f"{row.possible:g}",
                    row.seconds,
                    row.message,
                ]
            )
    os.replace(tmp, path)


def read_journal(path: Path) -> dict[str, Row]:
    done: dict[str, Row] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            try:
                row = Row(**json.loads(line))
            except (json.JSONDecodeError, TypeError):
                continue  # a line cut short by an interruption
            done[row.file] = row
    return done


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("assignment", help="assignment name (e.g. 01_cnn) or path to an autograder.zip")
    parser.add_argument("submissions", type=Path, help="folder of .ipynb / .zip submissions")
    parser.add_argument("--out", type=Path, required=True, help="output folder (gradebook, feedback)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="parallel submissions")
    parser.add_argument("--timeout", type=float, default=300, help="wall-clock seconds per submission")
    parser.add_argument("--memory-gb", type=float, default=3.0, help="memory limit per submission (GB)")
    parser.add_argument("--resume", action="store_true", help="skip files already graded (same sha256)")
    parser.add_argument("--no-isolation", dest="isolation", action="store_false", help="keep network access")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "--worker":
        return worker_main(*sys.argv[2:5])
    options = parse_args(argv)
    assignment = load_assignment(options.assignment)
    if not options.submissions.is_dir():
        raise SystemExit(f"{options.submissions} is not a folder of submissions")
    files = sorted(p for p in options.submissions.iterdir() if p.is_file() and not p.name.startswith("."))
    options.out.mkdir(parents=True, exist_ok=True)
    journal = options.out / "journal.jsonl"
    if not options.resume and journal.exists():
        journal.unlink()
    previous = read_journal(journal)
    rows = {p.name: Row(file=p.name, sha256=sha256_of(p), possible=assignment.possible) for p in files}
    todo = []
    for path in files:
        old = previous.get(path.name)
        if old is not None and old.sha256 == rows[path.name].sha256 and old.status != "pending":
            rows[path.name] = old
        else:
            todo.append(path)
    options.isolate = options.isolation and _network_isolation_works()
    if options.isolation and not options.isolate:
        print("note: network isolation (unshare -rn) is not available here; grading with network access")
    print(
        f"grading {len(todo)} of {len(files)} submissions for {assignment.name} "
        f"({options.workers} workers, {options.timeout:g} s, {options.memory_gb:g} GB each)"
    )
    gradebook = options.out / "gradebook.csv"
    write_gradebook(list(rows.values()), gradebook, assignment)
    lock = threading.Lock()
    progress = None
    if not options.quiet:
        from tqdm import tqdm

        progress = tqdm(total=len(todo), unit="submission")
    with (
        ThreadPoolExecutor(max_workers=max(1, options.workers)) as pool,
        open(journal, "a") as journal_handle,
    ):
        futures = {pool.submit(grade_one, path, assignment, options): path for path in todo}
        for future in as_completed(futures):
            row = future.result()
            with lock:
                rows[row.file] = row
                write_feedback(row, options.out / "feedback", assignment)
                journal_handle.write(json.dumps(asdict(row)) + "\n")
                journal_handle.flush()
                os.fsync(journal_handle.fileno())
                write_gradebook(list(rows.values()), gradebook, assignment)
            if progress:
                progress.update(1)
    if progress:
        progress.close()
    for row in rows.values():
        if not (options.out / "feedback" / f"{row.file}.md").exists():
            write_feedback(row, options.out / "feedback", assignment)
    counts = {s: sum(r.status == s for r in rows.values()) for s in STATUSES}
    print(", ".join(f"{n} {s}" for s, n in counts.items() if n), f"-> {gradebook}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
