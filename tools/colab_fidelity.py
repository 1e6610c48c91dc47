"""Run every chapter and exercise as Google Colab runs it: the Colab-fidelity run (``make test-colab``).

For each notebook, in a copy of Colab's runtime (built by ``tools/colab_runtime.py build-env``):

1. a fresh environment layered on that copy (a virtual environment whose ``.pth`` file adds the
   copy's site-packages: the notebook sees Colab's packages, and whatever it installs goes into the
   layer, so every notebook starts from an untouched Colab, as every Colab session does);
2. an empty working folder (the notebook itself is not in it: Colab runs a notebook opened from
   GitHub in an empty /content);
3. the notebook's own setup cell does all the installing. It installs the book's package from
   ``git+https://github.com/<repo>@v<version>``; here git is pointed (``url.<x>.insteadOf``) at a
   repository made from this checkout and tagged with that version, so the checkout is what gets
   installed, through the same pip command a learner's Colab runs;
4. exercises run as the student notebook with the master's answers filled in, so ``grader.check``
   reads the public tests the setup cell wrote, exactly as a learner's does, and every check must
   pass.

Each notebook must run without error within the chapter budget and leave every package of
Colab's runtime at its version (``importlib.metadata`` before and after). The budget counts the
chapter's own cells, from the end of the setup cell (where ``NOTEBOOK_START`` is set, as the
chapter's last cell reports) to the end; the setup cell's install time is printed beside it, since
it depends on the network and pip's cache, not on the chapter. One line per notebook; the exit
status is 1 if any notebook failed.

With ``--book-cache DIR`` (``make test-colab`` passes the book's ``_build/.jupyter_cache``), the
chapters run with ``SEQDL_BOOK_BUILD=1``, so that ``seqdl.report.glue`` writes the records the
book's text reads instead of printing them (the only difference from a learner's Colab), and each
chapter that passes is stored in that execution cache, keyed by its code as Jupyter Book keys it.
The book build then renders these executed notebooks instead of running every chapter a second
time: the site shows exactly what ran as on Colab, and CI runs each chapter once.

    python tools/colab_fidelity.py .venv-colab [NOTEBOOK ...] [--budget 180] [--book-cache DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from colab_runtime import installed_versions, site_packages
from exercise_notebooks import exercise_names, fill_answers
from notebook_setup import SETUP_TAG, release_tag, repository

ROOT = Path(__file__).resolve().parents[1]
BUDGET_SECONDS = 180
CELL_TIMEOUT = 600


@dataclass
class Outcome:
    notebook: str
    seconds: float = 0.0
    setup_seconds: float = 0.0
    changed: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    added: int = 0
    error: str = ""

    executed: nbformat.NotebookNode | None = None

    @property
    def ok(self) -> bool:
        return not self.error and not self.changed

    @property
    def chapter_seconds(self) -> float:
        """The notebook's own cells: everything after the setup cell (what the budget counts)."""
        return self.seconds - self.setup_seconds

    def line(self, budget: float) -> str:
        status = "ok" if self.ok else "FAILED"
        text = (
            f"colab  {self.notebook:38} {status:6} {self.chapter_seconds:6.1f} s "
            f"+ setup cell {self.setup_seconds:5.1f} s, "
            f"{self.added} packages added, {len(self.changed)} Colab packages changed"
        )
        if self.changed:
            text += ": " + ", ".join(f"{n} {a} -> {b}" for n, (a, b) in sorted(self.changed.items()))
        if self.error:
            text += f"\n       {self.error}"
        return text


def default_notebooks() -> list[Path]:
    return sorted((ROOT / "book").glob("*.ipynb")) + [
        ROOT / "exercises" / f"{n}.ipynb" for n in exercise_names()
    ]


# --------------------------------------------------------------------------- the environment


def layered_env(base: Path, target: Path, python: str) -> Path:
    """A virtual environment that sees ``base``'s packages and installs into itself."""
    subprocess.run([python, "-m", "venv", "--without-pip", str(target)], check=True)
    # site.addsitedir also processes base's own .pth files (namespace packages, editable installs).
    # Not inside pip's isolated build environments (pip sets PIP_BUILD_TRACKER for them): there, as
    # on Colab, a package is built with the build tools pip installed, not the runtime's setuptools.
    base_site = str(site_packages(base))
    line = f"import os, site; os.environ.get('PIP_BUILD_TRACKER') or site.addsitedir({base_site!r})\n"
    (site_packages(target) / "_colab_runtime.pth").write_text(line)
    return target


def checkout_mirror(target: Path) -> Path:
    """A git repository of this checkout's files (tracked and new, not ignored), tagged ``v<version>``."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (item.decode() for item in listed)):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git = ["git", "-c", "user.name=seqdl", "-c", "user.email=seqdl@localhost", "-C", str(target)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "checkout for the Colab-fidelity run"], check=True)
    subprocess.run([*git, "tag", release_tag()], check=True)
    return target


def kernel_environment(env: Path, gitconfig: Path, book_build: bool = False) -> dict[str, str]:
    """What the kernel sees: this machine's environment (its network, pip and certificate settings)
    without any trace of the book's own environments, and with git pointed at the checkout."""
    book = (str(ROOT / ".venv"), str(ROOT / ".venv-tools"))
    dropped = ("VIRTUAL_ENV", "JUPYTER_PATH", "PYTHONPATH", "PYTHONHOME", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")
    kept = {
        k: v
        for k, v in os.environ.items()
        if k not in dropped and not k.startswith(("SEQDL_", "JPY_", "PYDEVD"))
    }
    path = [p for p in os.environ.get("PATH", "/usr/bin:/bin").split(":") if p and not p.startswith(book)]
    return (
        kept
        | {
            "PATH": ":".join([str(env / "bin"), *path]),
            "GIT_CONFIG_GLOBAL": str(gitconfig),
            "PYTHONHASHSEED": "0",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # no debugger warnings about frozen modules in the log
        }
        | ({"SEQDL_BOOK_BUILD": "1"} if book_build else {})
    )


# --------------------------------------------------------------------------- one notebook


def _notebook_to_run(path: Path) -> nbformat.NotebookNode:
    if path.parent.name == "exercises":
        return fill_answers(path.stem)
    return nbformat.read(path, as_version=4)


def _check_failures(nb: nbformat.NotebookNode) -> list[str]:
    failures = []
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.startswith("grader.check("):
            text = json.dumps(cell.outputs)
            if "All test cases passed" not in text and "passed!" not in text:
                failures.append(cell.source.strip())
    return failures


def run_notebook(
    path: Path, base: Path, python: str, mirror: Path, budget: float, book_build: bool = False
) -> Outcome:
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    outcome = Outcome(path.relative_to(ROOT).as_posix())
    with tempfile.TemporaryDirectory(prefix="seqdl-colab-") as tmp:
        tmp = Path(tmp)
        env = layered_env(base, tmp / "env", python)
        gitconfig = tmp / "gitconfig"
        url, _ = repository()
        include = (
            f"[include]\n\tpath = {Path.home() / '.gitconfig'}\n"
            if (Path.home() / ".gitconfig").is_file()
            else ""
        )
        gitconfig.write_text(f'{include}[url "file://{mirror}"]\n\tinsteadOf = {url}\n')
        kernels = tmp / "jupyter" / "kernels" / "colab"
        kernels.mkdir(parents=True)
        spec = {
            "argv": [str(env / "bin" / "python"), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Colab's runtime",
            "language": "python",
            "env": kernel_environment(env, gitconfig, book_build and path.parent.name == "book"),
        }
        (kernels / "kernel.json").write_text(json.dumps(spec))
        content = tmp / "content"
        content.mkdir()
        nb = _notebook_to_run(path)
        # Colab runs a notebook opened from GitHub in /content, which does not hold the notebook.
        before = installed_versions(env)
        manager = KernelManager(
            kernel_name="colab", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels.parent)])
        )
        client = NotebookClient(
            nb, km=manager, timeout=CELL_TIMEOUT, resources={"metadata": {"path": str(content)}}
        )
        setup_cell = next(c for c in nb.cells if SETUP_TAG in c.metadata.get("tags", []))
        start = time.perf_counter()
        try:
            client.execute()
        except CellExecutionError as err:
            outcome.error = str(err).strip().splitlines()[-1][:500]
        except Exception as err:  # a dead kernel, a timeout: still one line for this notebook
            outcome.error = f"{type(err).__name__}: {err}"[:500]
        finally:
            if manager.has_kernel:  # nbclient leaves a kernel it was given running
                manager.shutdown_kernel(now=True)
        outcome.seconds = time.perf_counter() - start
        timing = setup_cell.metadata.get("execution", {})
        if "shell.execute_reply" in timing and "iopub.execute_input" in timing:
            from datetime import datetime

            spans = [
                datetime.fromisoformat(timing[k].replace("Z", "+00:00"))
                for k in ("iopub.execute_input", "shell.execute_reply")
            ]
            outcome.setup_seconds = (spans[1] - spans[0]).total_seconds()
        after = installed_versions(env)
        outcome.changed = {n: (v, after.get(n)) for n, v in before.items() if after.get(n) != v}
        outcome.added = len(set(after) - set(before))
        failures = _check_failures(nb) if path.parent.name == "exercises" else []
        if failures and not outcome.error:
            outcome.error = f"public checks did not pass: {failures}"
        if not outcome.error and outcome.chapter_seconds > budget:
            outcome.error = f"took {outcome.chapter_seconds:.0f} s, over the {budget:.0f} s budget"
        outcome.executed = nb
    return outcome


def store_in_book_cache(cache_dir: Path, path: Path, outcome: Outcome) -> None:
    """Store a chapter that ran as on Colab in Jupyter Book's execution cache.

    MyST-NB's cache mode matches a notebook by its kernelspec and its code cells (source and all
    cell metadata), then merges the stored outputs. So the stored notebook is the source notebook
    with the executed outputs moved in, not the executed copy, whose cells carry nbclient's timing
    metadata and would never match. The setup cell is stored without output.
    """
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    stored = nbformat.read(path, as_version=4)
    executed = outcome.executed
    if [c.source for c in stored.cells] != [c.source for c in executed.cells]:
        raise ValueError(f"{path.name} changed while it ran; not stored in the book's cache")
    for cell, ran in zip(stored.cells, executed.cells, strict=True):
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = ran.outputs, ran.execution_count
        if SETUP_TAG in cell.metadata.get("tags", []):
            # pip's log of installing into the copy of Colab (this machine's pip settings, say); the
            # site shows the setup cell as the book's own build runs it, with nothing to install.
            cell.outputs = []
    if "language_info" in executed.metadata:
        stored.metadata["language_info"] = executed.metadata["language_info"]
    data = {"execution_seconds": outcome.chapter_seconds, "setup_seconds": outcome.setup_seconds}
    get_cache(str(cache_dir)).cache_notebook_bundle(
        CacheBundleIn(stored, str(path), data=data), check_validity=False, overwrite=True
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "base", type=Path, help="the copy of Colab's runtime (tools/colab_runtime.py build-env)"
    )
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every chapter and exercise")
    parser.add_argument("--budget", type=float, default=BUDGET_SECONDS, help="seconds per notebook")
    parser.add_argument(
        "--book-cache", type=Path, help="store the chapters that pass in this Jupyter Book execution cache"
    )
    args = parser.parse_args(argv)
    base = args.base.resolve()
    python = str(base / "bin" / "python")
    notebooks = [p.resolve() for p in args.notebooks] or default_notebooks()
    print(
        f"Colab-fidelity run: {len(notebooks)} notebooks on {base.name} ({release_tag()} from this checkout)"
    )
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="seqdl-mirror-") as mirror:
        checkout_mirror(Path(mirror))
        for path in notebooks:
            book_build = args.book_cache is not None
            outcome = run_notebook(path, base, python, Path(mirror), args.budget, book_build)
            print(outcome.line(args.budget), flush=True)
            if book_build and outcome.ok and path.parent.name == "book":
                store_in_book_cache(args.book_cache, path, outcome)
            outcome.executed = None  # one executed notebook in memory at a time
            outcomes.append(outcome)
    failed = [o.notebook for o in outcomes if not o.ok]
    total = sum(o.seconds for o in outcomes)  # setup cells included
    print(
        f"{len(outcomes) - len(failed)} of {len(outcomes)} notebooks ran as on Colab in {total:.0f} s"
        + (f"; FAILED: {failed}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
