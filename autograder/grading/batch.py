"""Grade a folder of submissions: one row per entry, in parallel, each in its own sandbox.

The orchestrator never runs submitted code and never imports TensorFlow. It reads every
submission into memory first (so a file changed later cannot change what is graded or its
recorded hash), gives every entry of the folder a row (folders, links and hidden files are
``skipped`` with the reason; identical files are graded once and flagged), sends the notebooks to
``--workers`` trusted workers (:mod:`grading.worker`), and alone writes the gradebook, the feedback
and the journal, which no sandbox can see. Ctrl-C stops within seconds: finished rows are kept,
running ones are killed and marked ``pending``.
"""

from __future__ import annotations

import base64
import csv
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .assignment import Assignment, sha256_bytes
from .worker import Status

GRADE_PY = Path(__file__).resolve().parents[1] / "grade.py"


@dataclass
class Row:
    file: str
    sha256: str = ""
    status: str = Status.PENDING.value
    scores: dict[str, float] = field(default_factory=dict)
    total: float = 0.0
    possible: float = 0.0
    seconds: float = 0.0
    sandbox: str = ""
    duplicate_of: str = ""
    message: str = ""
    tests: list[dict] = field(default_factory=list)


def scan(folder: Path) -> tuple[dict[str, bytes], list[Row]]:
    """Gradable files (name -> bytes) and the rows of entries that are not graded, with the reason."""
    files, skipped = {}, []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        reason = None
        if entry.is_symlink():
            reason = "a symbolic link, not a file: hand in the notebook itself"
        elif entry.is_dir(follow_symlinks=False):
            reason = "a folder, not a file: hand in the notebook (or Otter's export zip)"
        elif not entry.is_file(follow_symlinks=False):
            reason = "not a regular file"
        elif entry.name.startswith("."):
            reason = "a hidden file (its name starts with a dot)"
        if reason:
            skipped.append(Row(file=entry.name, status=Status.SKIPPED.value, message=reason))
            continue
        with open(entry.path, "rb") as handle:
            files[entry.name] = handle.read()
    return files, skipped


def _die_with_parent() -> None:
    import ctypes

    ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG


class Worker:
    """A trusted worker process (``grade.py worker``) and a thread feeding it jobs."""

    def __init__(self, command: list[str]):
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL if not os.environ.get("SEQDL_GRADER_DEBUG") else None,
            text=True,
            preexec_fn=_die_with_parent,
            start_new_session=True,
        )
        ready = self.process.stdout.readline()
        if not ready or not json.loads(ready).get("ready"):
            raise SystemExit(f"a grading worker did not start: {ready.strip() or 'no answer'}")

    def grade(self, key: str, data: bytes) -> dict:
        self.process.stdin.write(json.dumps({"key": key, "data": base64.b64encode(data).decode()}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the worker stopped")
        return json.loads(line)["row"]

    def kill(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# --------------------------------------------------------------------------- outputs


def write_gradebook(rows: list[Row], path: Path, assignment: Assignment) -> None:
    questions = list(assignment.questions)
    header = ["file", "sha256", "status", *questions, "total", "possible", "seconds", "sandbox", "duplicate_of", "message"]
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in sorted(rows, key=lambda r: r.file):
            scores = [f"{row.scores.get(q, 0.0):g}" for q in questions]
            writer.writerow(
                [row.file, row.sha256, row.status, *scores, f"{row.total:g}", f"{row.possible:g}", row.seconds,
                 row.sandbox, row.duplicate_of, row.message]  # fmt: skip
            )
    os.replace(tmp, path)


def feedback_text(row: Row, assignment: Assignment) -> str:
    """The learner's feedback: per question and test its description, points and result -- never test code."""
    lines = [
        f"# Feedback: {assignment.name}, {row.file}",
        "",
        f"- status: **{row.status}**" + (f" -- {row.message}" if row.message else ""),
        f"- score: **{row.total:g} / {row.possible:g}**",
        "",
    ]
    for name, question in assignment.questions.items():
        lines += [f"## {name}: {row.scores.get(name, 0):g} / {question.points:g}", ""]
        tests = [t for t in row.tests if t["question"] == name]
        for test in tests:
            mark = "passed" if test["passed"] else "FAILED"
            kind = "hidden" if test["hidden"] else "public"
            description = f" -- {test['description']}" if test.get("description") else ""
            lines.append(f"- {mark}: {test['name']} ({kind}, {test['points']:g} pt){description}")
            if not test["passed"] and test.get("feedback"):
                lines += ["", *("  > " + m for m in test["feedback"].splitlines()), ""]
        if not tests:
            lines.append("- not graded (see the status above)")
        lines.append("")
    return "\n".join(lines)


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


# --------------------------------------------------------------------------- the batch


def run_batch(options, assignment: Assignment) -> int:
    files, rows = scan(options.submissions)
    for row in rows:  # skipped entries: zero of what the assignment is worth
        row.possible, row.scores = assignment.possible, dict.fromkeys(assignment.questions, 0.0)
    by_file = {row.file: row for row in rows}
    out: Path = options.out
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    journal_path = out / "journal.jsonl"
    if not options.resume and journal_path.exists():
        journal_path.unlink()
    previous = read_journal(journal_path)
    sandbox = "bubblewrap" if options.sandboxed else "none (--no-sandbox)"
    first_with_hash: dict[str, str] = {}
    todo: list[str] = []
    for name, data in files.items():
        digest = sha256_bytes(data)
        row = Row(file=name, sha256=digest, possible=assignment.possible, sandbox=sandbox)
        row.scores = dict.fromkeys(assignment.questions, 0.0)
        if digest in first_with_hash:
            row.duplicate_of = first_with_hash[digest]
        else:
            first_with_hash[digest] = name
        old = previous.get(name)
        if old is not None and old.sha256 == digest and old.status != Status.PENDING.value:
            row = old
        elif not row.duplicate_of:
            todo.append(name)
        by_file[name] = row
    gradebook = out / "gradebook.csv"
    lock = threading.Lock()
    journal = open(journal_path, "a")

    def record(row: Row) -> None:
        with lock:
            by_file[row.file] = row
            (out / "feedback" / f"{row.file}.md").write_text(feedback_text(row, assignment))
            journal.write(json.dumps(asdict(row)) + "\n")
            journal.flush()
            os.fsync(journal.fileno())
            write_gradebook(list(by_file.values()), gradebook, assignment)

    write_gradebook(list(by_file.values()), gradebook, assignment)
    print(
        f"grading {len(todo)} of {len(by_file)} entries for {assignment.name} ({options.workers} workers, "
        f"{options.timeout:g} s, {options.memory_gb:g} GB each, sandbox: {sandbox})",
        flush=True,
    )
    command = [sys.executable, str(GRADE_PY), "worker", str(assignment.zip_path), "--zip-sha256", assignment.zip_sha256,
               "--timeout", str(options.timeout), "--memory-gb", str(options.memory_gb)]  # fmt: skip
    if not options.sandboxed:
        command.append("--no-sandbox")
    jobs: queue.Queue[str] = queue.Queue()
    for name in todo:
        jobs.put(name)
    stop = threading.Event()
    workers: list[Worker] = []

    def work() -> None:
        try:
            worker = Worker(command)
        except BaseException as err:
            print(f"a worker failed to start: {err}", file=sys.stderr)
            return
        workers.append(worker)
        while not stop.is_set():
            try:
                name = jobs.get_nowait()
            except queue.Empty:
                break
            start = time.monotonic()
            try:
                result = worker.grade(name, files[name])
            except Exception as err:
                if stop.is_set():
                    return
                result = {"status": Status.ERROR.value, "message": f"grading failed: {err}"}
                worker.kill()
                worker = Worker(command)
                workers.append(worker)
            row = by_file[name]
            row.status, row.message = result["status"], result.get("message", "")
            row.scores = {q: float(result.get("scores", {}).get(q, 0.0)) for q in assignment.questions}
            row.total = round(sum(row.scores.values()), 4)
            row.tests = result.get("tests", [])
            row.seconds = float(result.get("seconds", round(time.monotonic() - start, 2)))
            record(row)
        worker.process.stdin.close()

    threads = [threading.Thread(target=work, daemon=True) for _ in range(max(1, min(options.workers, len(todo) or 1)))]
    interrupted = threading.Event()

    def on_signal(signum, frame):
        interrupted.set()
        stop.set()
        for worker in workers:
            worker.kill()

    previous_handlers = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            while thread.is_alive():
                thread.join(timeout=0.2)
    finally:
        for s, handler in previous_handlers.items():
            signal.signal(s, handler)
        for worker in workers:
            worker.kill()
    for name, row in by_file.items():  # duplicates share their first copy's result
        if row.duplicate_of and row.status == Status.PENDING.value:
            first = by_file[row.duplicate_of]
            if first.status != Status.PENDING.value:
                copy = Row(**{**asdict(first), "file": name, "duplicate_of": row.duplicate_of})
                copy.message = "; ".join(filter(None, [f"identical to {row.duplicate_of}", first.message]))
                record(copy)
    with lock:
        for row in by_file.values():
            if interrupted.is_set() and row.status == Status.PENDING.value:
                row.message = "not graded: the run was interrupted (use --resume to finish it)"
            if not (out / "feedback" / f"{row.file}.md").exists() or row.status in (Status.SKIPPED.value, Status.PENDING.value):
                (out / "feedback" / f"{row.file}.md").write_text(feedback_text(row, assignment))
        write_gradebook(list(by_file.values()), gradebook, assignment)
    journal.close()
    counts: dict[str, int] = {}
    for row in by_file.values():
        counts[row.status] = counts.get(row.status, 0) + 1
    print(", ".join(f"{n} {s}" for s, n in sorted(counts.items())), f"-> {gradebook}", flush=True)
    return 130 if interrupted.is_set() else 0
