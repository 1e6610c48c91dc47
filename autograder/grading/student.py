"""The untrusted side: runs a submission's cells and answers the trusted grader's questions.

This module runs inside the sandbox (``python -m grading.student``), started by
:mod:`grading.sandbox`. It is a *zygote*: it imports TensorFlow, Keras, NumPy and the rest once,
then waits on its control socket. For each submission the trusted grader sends a fresh socket;
the zygote forks a child that enters namespaces of its own (user, mount, PID, IPC, network, UTS)
with a private, size-capped ``/tmp`` and working folder, and becomes PID 1 there, so anything it
starts -- a ``setsid`` daemon included -- dies with it. The child then serves requests until told
to stop:

* ``run_cell``: execute one cell's source with IPython (magics work; output goes nowhere);
* ``lookup``: a global of the notebook, as data or as a reference (:mod:`grading.wire`);
* ``call`` / ``getattr``: call a referenced object, or read one of its attributes.

Nothing here decides a score: the trusted side asks, receives plain data and judges.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import sys

from . import wire

CLONE_FLAGS = (
    os.CLONE_NEWUSER | os.CLONE_NEWNS | os.CLONE_NEWPID | os.CLONE_NEWIPC | os.CLONE_NEWNET | os.CLONE_NEWUTS
)
_MS_NOSUID, _MS_NODEV, _MS_REC, _MS_PRIVATE = 2, 4, 16384, 1 << 18
_MS_RDONLY, _MS_REMOUNT, _MS_BIND = 1, 32, 4096
_PR_SET_PDEATHSIG = 1
WORK = "/sandbox"  # the submission's working folder (a private tmpfs)
PREWARM = (
    "numpy", "pandas", "scipy", "sklearn.metrics", "sklearn.linear_model", "matplotlib.pyplot", "IPython",
    "tensorflow", "keras", "seqdl.data", "seqdl.encode", "seqdl.models", "seqdl.interpret", "seqdl.motifs",
)  # fmt: skip


# --------------------------------------------------------------------------- the child's isolation


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    encode = lambda text: text.encode() if text is not None else None  # noqa: E731
    if _libc().mount(encode(source), encode(target), encode(fstype), flags, encode(data)) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"mount {target}: {os.strerror(errno)}")


def _die_with_parent() -> None:
    _libc().prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def enter_namespaces(tmp_bytes: int) -> None:
    """Become PID 1 of new namespaces with a private /tmp and /work (returns in the new process).

    The calling process forks: the parent waits and exits with the child's status, so that whoever
    started it sees one process that ends when the submission's last process ends.
    """
    uid, gid = os.getuid(), os.getgid()
    os.unshare(CLONE_FLAGS)
    with open("/proc/self/setgroups", "w") as handle:
        handle.write("deny")
    with open("/proc/self/uid_map", "w") as handle:
        handle.write(f"0 {uid} 1")
    with open("/proc/self/gid_map", "w") as handle:
        handle.write(f"0 {gid} 1")
    pid = os.fork()
    if pid:
        _die_with_parent()
        _, status = os.waitpid(pid, 0)
        os._exit(os.waitstatus_to_exitcode(status) & 0xFF)
    _die_with_parent()
    _mount(None, "/", None, _MS_REC | _MS_PRIVATE)
    # A runtime that lives under /tmp (a checkout in /tmp, as some CI machines make) would vanish
    # under the new /tmp: hold each such folder open first and bind it back, read-only, afterwards.
    kept = {path: os.open(path, os.O_PATH | os.O_DIRECTORY) for path in _runtime_under("/tmp")}
    for target in ("/tmp", WORK):
        os.makedirs(target, exist_ok=True)
        _mount("tmpfs", target, "tmpfs", _MS_NOSUID | _MS_NODEV, f"size={tmp_bytes},mode=0777")
    for path, fd in kept.items():
        os.makedirs(path, exist_ok=True)
        _mount(f"/proc/self/fd/{fd}", path, None, _MS_BIND | _MS_REC)
        _mount(None, path, None, _MS_BIND | _MS_REMOUNT | _MS_RDONLY | _MS_NOSUID | _MS_NODEV)
        os.close(fd)


def _runtime_under(folder: str) -> list[str]:
    """The interpreter's and the book package's folders that lie inside ``folder``, outermost only."""
    import seqdl

    candidates = {
        sys.prefix,
        sys.base_prefix,
        os.path.dirname(os.path.dirname(os.path.realpath(sys.executable))),
    }
    candidates.add(os.path.dirname(os.path.realpath(seqdl.__file__)))
    inside = sorted(p for p in map(os.path.realpath, candidates) if p.startswith(folder.rstrip("/") + "/"))
    return [p for p in inside if not any(p != q and p.startswith(q + "/") for q in inside)]


def _quiet_output() -> None:
    """The submission's prints go nowhere: the grader judges values, never output."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)


# --------------------------------------------------------------------------- serving the grader


class Notebook:
    """The submission's kernel: an IPython shell and the references handed to the grader."""

    def __init__(self):
        from IPython.core.interactiveshell import InteractiveShell
        from traitlets.config import Config

        config = Config()
        config.HistoryManager.enabled = False
        self.shell = InteractiveShell.instance(config=config)
        self.references: dict[int, object] = {}

    def run_cell(self, source: str) -> dict:
        result = self.shell.run_cell(source, store_history=False, silent=False)
        error = result.error_before_exec or result.error_in_exec
        return {"ok": error is None, "error": wire.encode_exception(error) if error is not None else None}

    def resolve(self, info: dict):
        key = info.get("id")
        if key not in self.references:
            raise KeyError(f"unknown reference {key!r}")
        return self.references[key]

    def answer(self, request: dict) -> dict:
        op = request.get("op")
        if op == "run_cell":
            return self.run_cell(str(request.get("source", "")))
        try:
            if op == "lookup":
                name = str(request.get("name"))
                if name not in self.shell.user_ns:
                    return {"ok": True, "missing": True}
                value = self.shell.user_ns[name]
            elif op == "call":
                target = self.resolve({"id": request.get("ref")})
                args = wire.decode(request.get("args", []), self.resolve)
                kwargs = wire.decode(request.get("kwargs", {"t": "dict", "v": {}}), self.resolve)
                value = target(*args, **kwargs)
            elif op == "getattr":
                value = getattr(self.resolve({"id": request.get("ref")}), str(request.get("name")))
            else:
                return {
                    "ok": False,
                    "raised": {"type": "ValueError", "bases": ["ValueError"], "message": f"op {op!r}"},
                }
        except BaseException as error:  # the submission's code raised: report it, keep serving
            return {"ok": False, "raised": wire.encode_exception(error)}
        try:
            return {"ok": True, "value": wire.encode(value, self.references)}
        except BaseException as error:
            return {"ok": False, "raised": wire.encode_exception(error), "unsendable": True}


def serve(sock: socket.socket) -> None:
    notebook = Notebook()
    while True:
        try:
            request = wire.receive(sock)
        except wire.ChannelError:
            return
        if request.get("op") == "exit":
            return
        wire.send(sock, notebook.answer(request))


def run_submission(sock: socket.socket, control_fd: int, isolate: bool, tmp_bytes: int) -> None:
    """In the forked child: isolate, then serve ``sock`` until the grader is done (never returns)."""
    try:
        os.close(control_fd)
        if isolate:
            enter_namespaces(tmp_bytes)
        os.makedirs(WORK, exist_ok=True)
        os.chdir(WORK)
        os.environ["HOME"] = WORK
        _quiet_output()
        serve(sock)
    except BaseException:
        import traceback

        traceback.print_exc()  # visible with SEQDL_GRADER_DEBUG=1 until the output is quieted
        os._exit(1)
    os._exit(0)


# --------------------------------------------------------------------------- the zygote


def prewarm() -> None:
    import importlib

    import matplotlib

    matplotlib.use("Agg")
    for module in PREWARM:
        importlib.import_module(module)


def zygote(control_fd: int, isolate: bool, tmp_bytes: int) -> None:
    """Fork one isolated child per socket the grader sends over ``control_fd``."""
    prewarm()
    control = socket.socket(fileno=control_fd)
    wire.send(control, {"ready": True})
    while True:
        try:
            _, fds, _, _ = socket.recv_fds(control, 16, 1)
        except OSError:
            return
        while True:  # reap children that have finished
            try:
                if os.waitpid(-1, os.WNOHANG) == (0, 0):
                    break
            except ChildProcessError:
                break
        if not fds:
            return  # the grader closed the channel
        pid = os.fork()
        if pid == 0:
            run_submission(socket.socket(fileno=fds[0]), control_fd, isolate, tmp_bytes)
        os.close(fds[0])
        wire.send(control, {"forked": pid})


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="The sandboxed side of the grader (started by it).")
    parser.add_argument("--control-fd", type=int, required=True)
    parser.add_argument("--no-isolation", dest="isolate", action="store_false")
    parser.add_argument("--tmp-bytes", type=int, default=512 * 1024**2)
    args = parser.parse_args(argv)
    _die_with_parent()
    zygote(args.control_fd, args.isolate, args.tmp_bytes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
