"""Check an installed environment against its requirements file, refresh the pins, write the kernelspec.

``python tools/check_env.py [--requirements FILE]``: runs ``pip check`` and fails on anything but the
unmet requirements of the packages in requirements-nodeps.txt (installed with ``--no-deps`` on
purpose, each with its reason there), and on any installed version that differs from FILE
(default requirements.txt, the runtime; requirements-tools.txt for the tooling environment).

``--freeze``: rewrites the pins of FILE from ``pip freeze``, keeping each line's comment, after a
top-level pin was changed and installed.

``--write-kernelspec DIR``: writes ``DIR/kernels/python3/kernel.json`` starting this interpreter,
so that tools of another environment (Jupyter Book, nbgrader) run notebooks in this one when
``JUPYTER_PATH`` points at DIR.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "requirements.txt"
NODEPS = ROOT / "requirements-nodeps.txt"


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.split(r"[=<>~! \[]", requirement.strip(), maxsplit=1)[0]).lower()


def pinned(path: Path) -> dict[str, str]:
    """``{normalised name: version}`` of a requirements file."""
    pins = {}
    for line in path.read_text().splitlines():
        req = line.split("#", 1)[0].strip()
        if req and not req.startswith("-"):
            name, _, version = req.partition("==")
            pins[_name(name)] = version.strip()
    return pins


def nodeps_packages() -> set[str]:
    return set(pinned(NODEPS))


def pip_check_problems(allowed: set[str]) -> list[str]:
    """Lines of ``pip check`` about packages other than ``allowed`` (installed without dependencies)."""
    result = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True)
    lines = [line for line in result.stdout.splitlines() if line.strip() and "No broken" not in line]
    return [line for line in lines if _name(line.split()[0]) not in allowed]


def version_mismatches(pins: dict[str, str]) -> list[str]:
    """Pins whose installed version differs (a local label such as ``+cpu`` is ignored)."""
    problems = []
    for name, version in pins.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            problems.append(f"{name}: pinned {version}, not installed")
            continue
        if installed.split("+")[0] != version.split("+")[0]:
            problems.append(f"{name}: pinned {version}, installed {installed}")
    return problems


def freeze(path: Path, skip: set[str]) -> None:
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--all", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    versions = {_name(line): line for line in frozen if "==" in line}
    comments, header = {}, []
    for line in path.read_text().splitlines():
        if line.startswith("#") or not line.strip():
            if not comments:
                header.append(line)
            continue
        req, _, comment = line.partition("#")
        comments[_name(req)] = f"  #{comment}" if comment else ""
    body = [versions[n] + comments.get(n, "") for n in sorted(versions) if n not in skip]
    path.write_text("\n".join(header + body) + "\n")
    print(f"wrote {len(body)} pins to {path.name}")


def write_kernelspec(directory: Path) -> Path:
    spec = directory / "kernels" / "python3" / "kernel.json"
    spec.parent.mkdir(parents=True, exist_ok=True)
    kernel = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (the book's Colab runtime)",
        "language": "python",
        "metadata": {"debugger": False},
        # ipykernel 6.17 (Colab's) warns about Python 3.13's frozen modules at every start; a log
        # message, not a problem.
        "env": {"PYDEVD_DISABLE_FILE_VALIDATION": "1"},
    }
    spec.write_text(json.dumps(kernel, indent=1) + "\n")
    return spec


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requirements", type=Path, default=REQUIREMENTS, help="the pins to compare with")
    parser.add_argument("--freeze", action="store_true", help="rewrite the requirements file from pip freeze")
    parser.add_argument("--write-kernelspec", type=Path, metavar="DIR", help="write DIR/kernels/python3")
    args = parser.parse_args(argv)
    path = args.requirements if args.requirements.is_absolute() else ROOT / args.requirements
    nodeps = nodeps_packages() if path == REQUIREMENTS else set()
    if args.write_kernelspec:
        print(f"wrote {write_kernelspec(args.write_kernelspec)}")
        return 0
    if args.freeze:
        freeze(path, nodeps | {"seqdl"})
        return 0
    pins = pinned(path)
    if path == REQUIREMENTS:
        pins |= pinned(NODEPS)
    problems = pip_check_problems(nodeps) + version_mismatches(pins)
    for problem in problems:
        print(problem)
    print(f"{path.name}: environment OK" if not problems else f"{path.name}: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
