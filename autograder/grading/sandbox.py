"""Start the sandboxed zygote (:mod:`grading.student`) and the per-submission processes it forks.

The zygote runs under Debian's bubblewrap (``bwrap``):

* its own user, PID, mount, IPC, network (no interface but a down loopback), UTS and cgroup
  namespaces; it dies with the process that started it (``--die-with-parent``), in a new session;
* a read-only view of what Python needs -- the system's ``/usr``, the interpreter, the runtime
  environment, the ``seqdl`` package and this grading package -- and nothing else: no view of the
  submissions folder, the output folder, the repository, the tests or the autograder zip;
* a minimal ``/etc`` (no host accounts), an empty environment plus an allow-list of variables.

Each submission then gets a process forked from the zygote with namespaces of its own and a private,
size-capped ``/tmp`` and working folder (see :mod:`grading.student`). The trusted side watches the
whole process tree from outside: wall-clock time, resident memory and number of processes, and
kills it all when a limit is crossed.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import wire

GRADING = Path(__file__).resolve().parent
ENV_ALLOW = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "MPLBACKEND": "Agg",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "PYTHONHASHSEED": "0",
    "PYTHONDONTWRITEBYTECODE": "1",
    "OMP_NUM_THREADS": "1",  # one core per submission: parallel grading does not oversubscribe
    "TF_NUM_INTEROP_THREADS": "1",
    "TF_NUM_INTRAOP_THREADS": "1",
    "CUDA_VISIBLE_DEVICES": "",
    "HF_HUB_OFFLINE": "1",
}
ETC_FILES = {
    "passwd": "root:x:0:0:root:/sandbox:/bin/false\nnobody:x:65534:65534:nobody:/:/bin/false\n",
    "group": "root:x:0:\nnogroup:x:65534:\n",
    "hostname": "sandbox\n",
    "hosts": "127.0.0.1 localhost\n",
}


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


def _prefixes() -> list[Path]:
    """Folders the interpreter and its packages live in (the runtime venv, the base Python)."""
    paths = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent.parent}
    import seqdl

    package = Path(seqdl.__file__).resolve().parent
    if not any(package.is_relative_to(p) for p in paths):  # an editable install: the package folder only
        paths.add(package)
    return sorted(paths)


def bwrap_command(etc: Path, control_fd: int, tmp_bytes: int) -> list[str]:
    command = [
        bwrap_path() or "bwrap",
        "--unshare-all", "--die-with-parent", "--new-session", "--clearenv",
        "--ro-bind", "/usr", "/usr",
        "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin",
        "--symlink", "usr/sbin", "/sbin",
        "--proc", "/proc", "--dev", "/dev",
        "--size", str(tmp_bytes), "--tmpfs", "/tmp",
        "--dir", "/sandbox", "--ro-bind", str(etc), "/etc", "--ro-bind-try", "/etc/fonts", "/etc/fonts",
        "--ro-bind-try", "/sys/devices/system/cpu", "/sys/devices/system/cpu",
        "--ro-bind", str(GRADING), "/grader/grading",
    ]  # fmt: skip
    for prefix in _prefixes():
        command += ["--ro-bind", str(prefix), str(prefix)]
    for key, value in ENV_ALLOW.items():
        command += ["--setenv", key, value]
    command += ["--setenv", "PYTHONPATH", "/grader", "--setenv", "HOME", "/sandbox", "--chdir", "/sandbox"]
    return command + [sys.executable, "-m", "grading.student", "--control-fd", str(control_fd), "--tmp-bytes", str(tmp_bytes)]


def sandbox_works() -> tuple[bool, str]:
    """Whether bubblewrap can start a sandbox here, and if not, why."""
    if bwrap_path() is None:
        return False, "bubblewrap (bwrap) is not installed: apt-get install bubblewrap"
    with tempfile.TemporaryDirectory() as etc:
        probe = [bwrap_path(), "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev",
                 "--proc", "/proc", "--ro-bind", etc, "/etc", sys.executable, "-c",
                 "import os; os.unshare(os.CLONE_NEWUSER | os.CLONE_NEWNS | os.CLONE_NEWPID); print('ok')"]  # fmt: skip
        try:
            result = subprocess.run(probe, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as err:
            return False, f"bubblewrap did not start ({err})"
    if result.returncode != 0 or result.stdout.strip() != "ok":
        return False, "bubblewrap cannot create namespaces here: " + (result.stderr.strip()[-300:] or "no reason given")
    return True, ""


def _die_with_parent() -> None:
    import ctypes

    ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG


@dataclass
class Limits:
    timeout: float = 300.0  # wall-clock seconds per submission
    memory_bytes: int = 3 * 1024**3  # resident memory of all its processes together
    max_processes: int = 64
    tmp_bytes: int = 256 * 1024**2  # each of /tmp and the working folder


class Zygote:
    """One sandboxed zygote, forking one submission process at a time."""

    def __init__(self, sandboxed: bool, limits: Limits):
        self.sandboxed, self.limits = sandboxed, limits
        self._etc = tempfile.TemporaryDirectory(prefix="seqdl-etc-")
        for name, text in ETC_FILES.items():
            Path(self._etc.name, name).write_text(text)
        Path(self._etc.name, "fonts").mkdir()  # matplotlib's fontconfig reads the system's /etc/fonts
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.control = ours
        if sandboxed:
            command = bwrap_command(Path(self._etc.name), theirs.fileno(), limits.tmp_bytes)
            env = {}
        else:
            command = [sys.executable, "-m", "grading.student", "--control-fd", str(theirs.fileno()),
                       "--no-isolation", "--tmp-bytes", str(limits.tmp_bytes)]  # fmt: skip
            env = dict(ENV_ALLOW, PYTHONPATH=str(GRADING.parent), HOME=tempfile.gettempdir())
        self.process = subprocess.Popen(
            command,
            pass_fds=(theirs.fileno(),),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=None if os.environ.get("SEQDL_GRADER_DEBUG") else subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
            start_new_session=True,
        )
        theirs.close()
        ready = wire.receive(self.control, timeout=300)
        if not ready.get("ready"):
            raise RuntimeError("the grading sandbox did not start")
        self._zygote = self._find_zygote()

    def fork(self) -> socket.socket:
        """A fresh submission process; returns the socket to talk to it."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        socket.send_fds(self.control, [b"F"], [theirs.fileno()])
        theirs.close()
        wire.receive(self.control, timeout=60)
        return ours

    def _find_zygote(self):
        """The zygote's process as the host sees it: the first ``grading.student`` in the tree."""
        import psutil

        root = psutil.Process(self.process.pid)
        for process in [root, *root.children(recursive=True)]:
            if _is_zygote(process) and not _is_zygote(process.parent()):
                return process
        raise RuntimeError("the grading sandbox's zygote process was not found")

    def submission_processes(self):
        """Every process of the current submission (the zygote's descendants), seen from outside."""
        import psutil

        try:
            return self._zygote.children(recursive=True)
        except psutil.Error:
            return []

    def usage(self) -> tuple[int, int]:
        """``(resident bytes, processes)`` of the current submission."""
        import psutil

        processes = self.submission_processes()
        rss = 0
        for process in processes:
            try:
                rss += process.memory_info().rss
            except psutil.Error:
                pass
        return rss, len(processes)

    def kill_submission(self) -> None:
        """Kill every process of the current submission (its PID namespace goes with its first)."""
        for _ in range(20):
            processes = self.submission_processes()
            if not processes:
                return
            for process in processes:
                try:
                    process.kill()
                except Exception:
                    pass
            time.sleep(0.05)

    def close(self) -> None:
        try:
            self.control.close()
        finally:
            if self.process.poll() is None:
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait(timeout=30)
            self._etc.cleanup()


def _is_zygote(process) -> bool:
    if process is None:
        return False
    try:
        command = process.cmdline()
        return bool(command) and Path(command[0]).name != "bwrap" and "grading.student" in command
    except Exception:
        return False
