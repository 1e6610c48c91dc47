"""Gradescope: grade the one submission of ``/autograder/submission`` with the same trusted design.

Gradescope runs ``run_autograder`` (written by ``make assign`` into the autograder zip), which calls
``grade.py gradescope``. The submission runs in a sandboxed process where the container allows
bubblewrap, and otherwise in a separate, unsandboxed process (the result says which); either way the
scores are computed here, by the trusted side, and written to ``results/results.json`` in
Gradescope's format: one test per Otter test case, hidden ones shown after grades are published.
"""

from __future__ import annotations

import json
from pathlib import Path

from .assignment import load_assignment
from .batch import feedback_text, Row
from .sandbox import Limits, Zygote, sandbox_works
from .worker import grade


def run(root: Path, limits: Limits) -> dict:
    assignment = load_assignment(root / "source")  # Gradescope unpacks the zip there
    candidates = sorted(p for p in (root / "submission").iterdir() if p.suffix in (".ipynb", ".zip"))
    sandboxed, why = sandbox_works()
    results = {"score": 0.0, "tests": [], "output": ""}
    if not candidates:
        results["output"] = "No .ipynb (or Otter export .zip) was found in the submission."
    else:
        zygote = Zygote(sandboxed, limits)
        try:
            row = grade(assignment, zygote, candidates[0].read_bytes(), limits)
        finally:
            zygote.close()
        total = round(sum(row["scores"].values()), 4)
        results["score"] = total
        for test in row["tests"]:
            results["tests"].append(
                {
                    "name": f"{test['question']}: {test['name']}",
                    "score": test["points"] if test["passed"] else 0.0,
                    "max_score": test["points"],
                    "visibility": "after_published" if test["hidden"] else "visible",
                    "output": test.get("description", "") + ("" if test["passed"] else f"\n{test.get('feedback', '')}"),
                }
            )
        summary = Row(file=candidates[0].name, status=row["status"], scores=row["scores"], total=total,
                      possible=assignment.possible, message=row["message"], tests=[t for t in row["tests"] if not t["hidden"]])  # fmt: skip
        results["output"] = feedback_text(summary, assignment)
        if not sandboxed:
            results["output"] += f"\n\n(Graded without a sandbox: {why}.)"
    out = root / "results" / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1))
    return results
