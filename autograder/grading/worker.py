"""The trusted worker: grades submissions one at a time, each in a fresh sandboxed process.

A worker holds the assignment's tests and its own NumPy, scikit-learn and Keras (imported before
the first submission arrives), and one zygote (:mod:`grading.sandbox`) that has TensorFlow imported
too. For each submission it forks a fresh process from the zygote, runs the planned cells there,
runs each question's tests here at its ``grader.check`` (and once more at the end for the questions
not yet full), watches time, memory and processes, and returns one row of plain data.
"""

from __future__ import annotations

import base64
import json
import sys
import threading
import time
from enum import StrEnum

from . import harness
from .assignment import Assignment, NotGradable, content_digest, load_assignment, plan, read_submission
from .sandbox import Limits, Zygote


class Status(StrEnum):
    OK = "ok"
    CELL_ERROR = "cell-error"  # graded; a cell raised (the message names the first error)
    CRASHED = "crashed"  # the notebook's process ended before the end (os._exit, a segfault ...)
    TIMEOUT = "timeout"
    MEMORY = "memory-limit"
    PROCESSES = "process-limit"
    ERROR = "error"  # grading itself failed
    NOT_A_NOTEBOOK = "not-a-notebook"
    WRONG_ASSIGNMENT = "wrong-assignment"
    SKIPPED = "skipped"  # not a regular file: a folder, a link, a hidden file
    PENDING = "pending"  # not graded (yet): only in the gradebook of an interrupted run


class Watch(threading.Thread):
    """Polls the submission's processes; on a crossed limit, records why and kills them all."""

    def __init__(self, zygote: Zygote, limits: Limits, deadline: float):
        super().__init__(daemon=True)
        self.zygote, self.limits, self.deadline = zygote, limits, deadline
        self.verdict: Status | None = None
        self.detail = ""
        self.done = threading.Event()
        self.peak_bytes = 0

    def run(self) -> None:
        while not self.done.wait(0.2):
            rss, processes = self.zygote.usage()
            self.peak_bytes = max(self.peak_bytes, rss)
            if time.monotonic() > self.deadline:
                self.verdict, self.detail = Status.TIMEOUT, f"stopped after the {self.limits.timeout:g} s time limit"
            elif rss > self.limits.memory_bytes:
                gb = self.limits.memory_bytes / 1024**3
                self.verdict, self.detail = Status.MEMORY, f"stopped: used more than {gb:g} GB of memory"
            elif processes > self.limits.max_processes:
                self.verdict = Status.PROCESSES
                self.detail = f"stopped: started more than {self.limits.max_processes} processes"
            if self.verdict:
                self.zygote.kill_submission()
                return


def grade(assignment: Assignment, zygote: Zygote, data: bytes, limits: Limits) -> dict:
    """One submission's row: status, message, points per question (capped), every test's result."""
    start = time.monotonic()
    row = {
        "status": Status.OK.value,
        "message": "",
        "scores": dict.fromkeys(assignment.questions, 0.0),
        "tests": [],
        "notes": [],
    }
    try:
        notebook = read_submission(data, assignment)
    except NotGradable as err:
        return row | {"status": err.status, "message": err.message, "seconds": round(time.monotonic() - start, 2)}
    steps, row["notes"] = plan(assignment, notebook)
    deadline = start + limits.timeout
    session = harness.Session(zygote.fork(), deadline)
    watch = Watch(zygote, limits, deadline)
    watch.start()
    results: dict[str, list[harness.CaseResult]] = {}
    first_error, stopped_at = None, None
    try:
        for step in steps:
            if step.kind == "cell" and session.alive:
                try:
                    answer = session.run_cell(step.source)
                except (harness.Timeout, harness.Gone):
                    stopped_at = step.label
                    continue
                if not answer.get("ok") and first_error is None:
                    error = answer.get("error") or {}
                    text = " | ".join(str(error.get("message", "")).split("\n"))[:300]
                    first_error = f"{error.get('type', 'Error')}: {text} (in {step.label})"
            elif step.kind == "check":
                results[step.question] = harness.run_question(assignment.questions[step.question], session)
        for name, question in assignment.questions.items():  # once more with the finished notebook
            earned = harness.score(results.get(name, []), question.points)
            if earned < question.points and session.alive:
                again = harness.run_question(question, session)
                if harness.score(again, question.points) > earned:
                    results[name] = again
    finally:
        watch.done.set()
        alive = session.alive
        session.close()
        session.alive = alive
        zygote.kill_submission()
        watch.join(timeout=5)
    for name, question in assignment.questions.items():
        row["scores"][name] = harness.score(results.get(name, []), question.points)
        row["tests"] += [r.as_dict() for r in results.get(name, [])]
    crashed = not session.alive
    if watch.verdict in (Status.MEMORY, Status.PROCESSES):
        row["status"], row["message"] = watch.verdict.value, watch.detail
    elif watch.verdict or session.timed_out:
        row["status"] = Status.TIMEOUT.value
        row["message"] = f"stopped after the {limits.timeout:g} s time limit; the questions graded before count"
    elif crashed:
        where = f"while running {stopped_at}" if stopped_at else "during the tests"
        row["status"] = Status.CRASHED.value
        row["message"] = f"the notebook's process ended {where}; the questions graded before count"
    elif first_error:
        row["status"], row["message"] = Status.CELL_ERROR.value, first_error
    if row["notes"]:
        row["message"] = "; ".join(filter(None, [row["message"], *row["notes"]]))
    row["seconds"] = round(time.monotonic() - start, 2)
    return row


def serve(zip_path: str, zip_sha256: str, sandboxed: bool, limits: Limits) -> int:
    """The worker subcommand: one JSON job per line on stdin, one JSON row per line on stdout."""
    import keras  # noqa: F401  (imported before the first submission arrives)
    import sklearn.metrics  # noqa: F401

    from pathlib import Path

    assignment = load_assignment(Path(zip_path))
    if assignment.zip_sha256 != zip_sha256:
        print(json.dumps({"fatal": "the autograder zip changed before grading started"}), flush=True)
        return 1
    zygote = Zygote(sandboxed, limits)
    print(json.dumps({"ready": True}), flush=True)
    try:
        for line in sys.stdin:
            job = json.loads(line)
            if content_digest(Path(zip_path)) != zip_sha256:
                row = {"status": Status.ERROR.value, "message": "the autograder zip changed during grading; not graded"}
            else:
                try:
                    row = grade(assignment, zygote, base64.b64decode(job["data"]), limits)
                except Exception as err:  # the grader must always produce a row
                    row = {"status": Status.ERROR.value, "message": f"grading failed: {type(err).__name__}: {err}"[:500]}
                    zygote.kill_submission()
            print(json.dumps({"key": job["key"], "row": row}), flush=True)
    finally:
        zygote.close()
    return 0
