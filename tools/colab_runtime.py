"""Google Colab's runtime: what it holds, whether the book's pins agree with it, and a copy of it.

Colab publishes the ``pip freeze`` of its runtime (vendored in ``tools/colab/``, with provenance).
This module reads it and

* ``check``: compares ``requirements.txt`` with it -- every package Colab has must be pinned at
  Colab's version, unless its line says why not with a ``# deviation:`` comment;
* ``build-env DIR``: builds a fresh Python 3.13 environment from the freeze: every package that
  installs on this machine, at Colab's exact version and without dependency resolution (the
  freeze *is* the resolved set). The packages that cannot be installed here are listed in
  :data:`NOT_INSTALLABLE` with the reason; the CPU builds of PyTorch come from PyTorch's own
  index, which is unreachable here, so the same versions come from PyPI (:data:`FROM_PYPI`).
  ``make test-colab`` runs the book's notebooks in it (``tools/colab_fidelity.py``).

    python tools/colab_runtime.py check
    python tools/colab_runtime.py build-env .venv-colab --python python3.13
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FREEZE = ROOT / "tools" / "colab" / "pip-freeze.txt"
REQUIREMENTS = ROOT / "requirements.txt"
STAMP = ".colab-runtime.json"  # written into a built environment: what it was built from

# Packages of Colab's freeze that this machine (Debian, 2 cores, PyPI only) cannot install.
NOT_INSTALLABLE = {
    "google-colab": "Colab's own front-end package, installed from a file inside Colab's image; not on PyPI",
    "jupyter-kernel-gateway": "Colab's fork, installed from GitHub (unreachable from the build machine)",
    "en-core-web-sm": "a spaCy model installed from a GitHub release (unreachable from the build machine)",
    "gdal": "no wheel on PyPI; its source build needs the GDAL C library (libgdal-dev)",
    "dbus-python": "no wheel on PyPI; Ubuntu's system binding (needs libdbus-1-dev)",
    "pygobject": "no wheel on PyPI; Ubuntu's system binding (needs gobject-introspection)",
    "pycairo": "no wheel on PyPI; its source build needs the cairo C library (libcairo2-dev)",
    "python-apt": "Ubuntu's system binding, version 0.0.0; not on PyPI",
    "psycopg2": "no wheel on PyPI; its source build needs PostgreSQL's pg_config (libpq-dev)",
    "cyipopt": "no wheel on PyPI; its source build needs the Ipopt C library",
    "rpy2": "its source build needs R, which Colab has and the build machine does not",
    "dlib": "no wheel on PyPI; its C++ source build takes over 10 minutes with CMake",
}
# Colab installs these CPU builds from download.pytorch.org (unreachable here); the same versions
# come from PyPI instead, where Linux wheels are CUDA builds (they run on a CPU; bigger download).
FROM_PYPI = ("torch", "torchvision", "torchaudio", "torchcodec")
# Installed with the CUDA build of torch from PyPI (not in Colab's CPU runtime). Colab keeps its own
# nvidia-nccl-cu13 for other packages; torch runs with it (same library, newer minor version).
CUDA_BUILD_PREFIXES = ("nvidia-", "cuda-", "triton")


def canonical(name: str) -> str:
    """PyPI's normalised project name: ``Foo_bar.baz`` -> ``foo-bar-baz``."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class ColabPackage:
    name: str  # as Colab's freeze spells it
    version: str  # local labels kept: "2.11.0+cpu"
    url: str = ""  # for packages Colab installs from a URL

    @property
    def public_version(self) -> str:
        """The version without a local label (``2.11.0+cpu`` -> ``2.11.0``)."""
        return self.version.split("+")[0]


def _version_from_url(url: str) -> str:
    filename = url.rsplit("/", 1)[-1].replace("%2B", "+")
    match = re.search(r"-(\d+(?:\.\d+)+(?:\+\w+)?)(?:-|\.tar)", filename)
    return match.group(1) if match else ""


def colab_packages(freeze: Path = FREEZE) -> dict[str, ColabPackage]:
    """Colab's packages keyed by canonical name."""
    packages = {}
    for line in freeze.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if " @ " in line:
            name, url = (part.strip() for part in line.split(" @ ", 1))
            package = ColabPackage(name, _version_from_url(url), url)
        else:
            name, _, version = line.partition("==")
            package = ColabPackage(name, version)
        packages[canonical(package.name)] = package
    return packages


def freeze_digest(freeze: Path = FREEZE) -> str:
    return hashlib.sha256(freeze.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- requirements.txt vs Colab


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    comment: str

    @property
    def deviation(self) -> str:
        """The reason given after ``# deviation:``, or ``""``."""
        match = re.search(r"deviation:\s*(.+)", self.comment)
        return match.group(1).strip() if match else ""


def read_pins(path: Path = REQUIREMENTS) -> dict[str, Pin]:
    """``name==version  # comment`` lines of a requirements file, keyed by canonical name."""
    pins = {}
    for line in path.read_text().splitlines():
        requirement, _, comment = line.partition("#")
        requirement = requirement.strip()
        if not requirement or requirement.startswith("-"):
            continue
        name, _, version = requirement.partition("==")
        pins[canonical(name)] = Pin(name.strip(), version.strip(), comment.strip())
    return pins


def compare_with_colab(pins: dict[str, Pin], colab: dict[str, ColabPackage]) -> list[str]:
    """Problems: a pin of a Colab package at another version without a stated deviation, or the reverse."""
    problems = []
    for key, pin in sorted(pins.items()):
        package = colab.get(key)
        if package is None:
            continue
        same = pin.version in (package.version, package.public_version)
        if not same and not pin.deviation:
            problems.append(
                f"{pin.name}=={pin.version}: Colab has {package.version}; pin Colab's version or say why "
                "not with '# deviation: <reason>'"
            )
        elif same and pin.deviation:
            problems.append(f"{pin.name}=={pin.version} matches Colab but is marked as a deviation")
    return problems


def deviations(pins: dict[str, Pin], colab: dict[str, ColabPackage]) -> list[tuple[str, str, str, str]]:
    """``(name, pinned, Colab's version, reason)`` for every pin that differs from Colab."""
    return [
        (pin.name, pin.version, colab[key].version, pin.deviation)
        for key, pin in sorted(pins.items())
        if key in colab and pin.deviation
    ]


# --------------------------------------------------------------------------- a copy of the runtime


def fidelity_requirements(
    colab: dict[str, ColabPackage] | None = None,
) -> tuple[list[str], dict[str, str]]:
    """``(pins to install, {skipped package: reason})`` for a copy of Colab's runtime."""
    colab = colab_packages() if colab is None else colab
    pins, skipped = [], {}
    for key, package in sorted(colab.items()):
        if key in NOT_INSTALLABLE:
            skipped[package.name] = NOT_INSTALLABLE[key]
        elif key in FROM_PYPI:
            pins.append(f"{package.name}=={package.public_version}")
        elif package.url:
            raise ValueError(f"{package.name} is installed from {package.url}: say how to replace it")
        else:
            pins.append(f"{package.name}=={package.version}")
    return pins, skipped


def site_packages(env: Path) -> Path:
    (path,) = (env / "lib").glob("python3.*/site-packages")
    return path


def _pip(env: Path, *args: str) -> None:
    subprocess.run(
        [str(env / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", *args], check=True
    )


def _torch_cuda_closure(env: Path) -> list[str]:
    """The CUDA-build packages PyPI's torch needs and ``env`` lacks, resolved by pip (not installed)."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        _pip(
            env,
            "install",
            "-q",
            "--dry-run",
            "--ignore-installed",
            "--report",
            str(report),
            f"torch=={_torch(env)}",
        )
        resolved = json.loads(report.read_text())["install"]
    installed = installed_versions(env)
    wanted = []
    for item in resolved:
        name, version = item["metadata"]["name"], item["metadata"]["version"]
        if canonical(name).startswith(CUDA_BUILD_PREFIXES) and canonical(name) not in installed:
            wanted.append(f"{name}=={version}")
    return wanted


def _torch(env: Path) -> str:
    return installed_versions(env)["torch"]


def installed_versions(env: Path) -> dict[str, str]:
    """``{distribution: version}`` as the environment's interpreter sees them (the first one found wins)."""
    code = (
        "import importlib.metadata as m, json, re\n"
        "seen = {}\n"
        "for d in m.distributions():\n"
        "    name = d.metadata['Name']\n"
        "    if name: seen.setdefault(re.sub(r'[-_.]+', '-', name).lower(), d.version)\n"
        "print(json.dumps(seen))"
    )
    result = subprocess.run(
        [str(env / "bin" / "python"), "-c", code], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def _install(target: Path, uv: str | None, *args: str) -> None:
    """``pip install`` into ``target``, with uv when given (parallel: minutes instead of a quarter hour)."""
    if uv:
        subprocess.run(
            [uv, "pip", "install", "-q", "--python", str(target / "bin" / "python"), *args], check=True
        )
    else:
        _pip(target, "install", "-q", *args)


def build_env(target: Path, python: str, uv: str | None = None) -> dict:
    """Create ``target`` anew: Colab's packages at Colab's versions. Returns what the stamp records."""
    start = time.monotonic()
    colab = colab_packages()
    pins, skipped = fidelity_requirements(colab)
    if target.exists():
        shutil.rmtree(target)
    subprocess.run([python, "-m", "venv", str(target)], check=True)
    _pip(target, "install", "-q", f"pip=={colab['pip'].version}")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(pins) + "\n")
    # --no-deps: the freeze is already a resolved, complete set; resolving again could pick others.
    _install(target, uv, "--no-deps", "--compile-bytecode" if uv else "--compile", "-r", handle.name)
    Path(handle.name).unlink()
    cuda = _torch_cuda_closure(target)
    if cuda:
        _install(target, uv, "--no-deps", *cuda)
    stamp = {
        "freeze_sha256": freeze_digest(),
        "python": subprocess.run(
            [str(target / "bin" / "python"), "--version"], capture_output=True, text=True
        ).stdout.strip(),
        "installed": len(pins),
        "skipped": skipped,
        "cuda_build_of_torch": cuda,
        "seconds": round(time.monotonic() - start),
    }
    (target / STAMP).write_text(json.dumps(stamp, indent=1) + "\n")
    return stamp


def env_is_current(target: Path) -> bool:
    stamp = target / STAMP
    return stamp.is_file() and json.loads(stamp.read_text()).get("freeze_sha256") == freeze_digest()


def _size(path: Path) -> str:
    result = subprocess.run(["du", "-sh", str(path)], capture_output=True, text=True)
    return result.stdout.split()[0] if result.returncode == 0 else "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="requirements.txt against Colab's versions")
    build = sub.add_parser("build-env", help="a fresh environment from Colab's freeze")
    build.add_argument("target", type=Path)
    build.add_argument("--python", default="python3.13", help="the interpreter to create it with")
    build.add_argument("--uv", default=None, help="install with this uv (much faster than pip)")
    build.add_argument("--if-stale", action="store_true", help="keep an environment built from this freeze")
    args = parser.parse_args(argv)
    if args.command == "check":
        colab = colab_packages()
        pins = read_pins()
        problems = compare_with_colab(pins, colab)
        shared = sum(key in colab for key in pins)
        print(f"requirements.txt: {len(pins)} pins, {shared} of them Colab packages")
        for name, pinned, theirs, reason in deviations(pins, colab):
            print(f"  deviation: {name} {pinned} (Colab {theirs}): {reason}")
        for problem in problems:
            print(f"  PROBLEM: {problem}")
        return 1 if problems else 0
    if args.if_stale and env_is_current(args.target):
        print(f"{args.target}: built from the current Colab freeze; kept")
        return 0
    stamp = build_env(args.target, args.python, args.uv)
    print(
        f"{args.target}: {stamp['python']}, {stamp['installed']} Colab packages in {stamp['seconds']} s, "
        f"{_size(args.target)}; CUDA build of torch added {len(stamp['cuda_build_of_torch'])} packages"
    )
    for name, reason in stamp["skipped"].items():
        print(f"  not installed: {name}: {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
