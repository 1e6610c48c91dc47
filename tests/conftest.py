"""pytest configuration: shared fixtures, and honest tiers (under CI, a skipped test is a failure).

The test suite runs in the book's runtime (.venv, Colab's versions). Tools that cannot live there
(Jupyter Book, nbgrader, Otter Assign) are called through the tooling environment's interpreter:
``$SEQDL_TOOLS_PYTHON`` (the Makefile exports it), else ``.venv-tools/bin/python``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _tools_python() -> str | None:
    candidate = os.environ.get("SEQDL_TOOLS_PYTHON") or str(ROOT / ".venv-tools" / "bin" / "python")
    return candidate if Path(candidate).is_file() else None


@pytest.fixture(scope="session")
def tools_python() -> str:
    """The tooling environment's Python (fails, with the fix, when it is missing)."""
    path = _tools_python()
    if path is None:
        pytest.fail("the tooling environment is missing: run `make env` (it creates .venv-tools)")
    return path


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = terminalreporter.stats.get("skipped", [])
    if skipped and not os.environ.get("CI"):
        terminalreporter.section("NOT RUN", sep="!", red=True, bold=True)
        terminalreporter.write_line(
            f"{len(skipped)} test(s) were skipped and did not check anything:", red=True
        )
        for report in skipped:
            terminalreporter.write_line(f"  {report.nodeid}: {report.longrepr[-1]}", red=True)


def pytest_sessionfinish(session, exitstatus):
    """Under CI (``CI=true``) every skip is a failure: a test that cannot run must not look green."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("CI") and skipped and session.exitstatus == 0:
        reporter.write_line(f"CI: {len(skipped)} skipped test(s) count as failures", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _distributions() -> set[str]:
    import importlib.metadata

    return {d.metadata["Name"].lower() for d in importlib.metadata.distributions()}


@pytest.fixture
def runtime_restored():
    """The notebook's setup cell installs what Colab lacks into this runtime: remove it afterwards,
    so that the runtime stays Colab's versions plus the book's extras (tools/check_env.py)."""
    before = _distributions()
    yield
    added = sorted(_distributions() - before)
    if added:
        subprocess.run([sys.executable, "-m", "pip", "uninstall", "-q", "-y", *added], check=True)
