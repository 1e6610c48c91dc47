"""Check the installed environment against requirements.txt, or refresh the pins from it.

``python tools/check_env.py``: runs ``pip check`` and fails on anything but janggu's own unmet
requirements (janggu is installed with ``--no-deps`` for its data files; see
requirements-nodeps.txt), and on any installed version that differs from requirements.txt.

``python tools/check_env.py --freeze``: rewrites the pins of requirements.txt from ``pip freeze``,
keeping each line's comment, after a top-level pin was changed and installed.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "requirements.txt"
NODEPS_PACKAGES = {"janggu"}


def _name(requirement: str) -> str:
    return re.split(r"[=<>~! ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def pinned() -> dict[str, str]:
    """``{normalised name: version}`` from requirements.txt."""
    pins = {}
    for line in REQUIREMENTS.read_text().splitlines():
        req = line.split("#", 1)[0].strip()
        if req:
            name, _, version = req.partition("==")
            pins[_name(name)] = version.strip()
    return pins


def pip_check_problems() -> list[str]:
    """Lines of ``pip check`` that are not janggu's own (expected) unmet requirements."""
    result = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True)
    lines = [line for line in result.stdout.splitlines() if line.strip() and "No broken" not in line]
    return [line for line in lines if _name(line.split()[0]) not in NODEPS_PACKAGES]


def version_mismatches() -> list[str]:
    problems = []
    for name, version in pinned().items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            problems.append(f"{name}: pinned {version}, not installed")
            continue
        if installed != version:
            problems.append(f"{name}: pinned {version}, installed {installed}")
    return problems


def freeze() -> None:
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--all", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    versions = {_name(line): line for line in frozen if "==" in line}
    comments = {}
    header = []
    for line in REQUIREMENTS.read_text().splitlines():
        if line.startswith("#") or not line.strip():
            if not comments:
                header.append(line)
            continue
        req, _, comment = line.partition("#")
        comments[_name(req)] = f"  #{comment}" if comment else ""
    skip = NODEPS_PACKAGES | {"pip", "seqdl"}
    body = [versions[n] + comments.get(n, "") for n in sorted(versions) if n not in skip]
    REQUIREMENTS.write_text("\n".join(header + body) + "\n")
    print(f"wrote {len(body)} pins to {REQUIREMENTS.name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--freeze", action="store_true", help="rewrite requirements.txt from pip freeze")
    args = parser.parse_args(argv)
    if args.freeze:
        freeze()
        return 0
    problems = pip_check_problems() + version_mismatches()
    for problem in problems:
        print(problem)
    print("environment OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
