"""The instructor's grader (autograder/grade.py): one honest row per entry, whatever a class hands in.

The slow tests grade a whole class in one batch: honest submissions (correct, blank, wrong,
broken ones) and a hostile corpus, one submission per way a student tried to get marks without
work (patching what tests use, writing the grader's files, reading or sabotaging classmates'
files, outliving time limits, leaking hidden tests or the grader's environment). Each must get no
more than its honest score, classmates' files and the autograder zip must stay byte-identical,
feedback must agree with the gradebook and hold no hidden test text, and no process may outlive
the batch.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import zipfile
from pathlib import Path

import nbformat
import pytest
from exercise_notebooks import ROOT, fill_answers, write
from grading import harness, wire
from grading.assignment import NotGradable, load_assignment, plan, read_submission
from grading.batch import scan

ASSIGNMENT = "01_cnn"
ZIP = ROOT / "autograder" / ASSIGNMENT / "autograder.zip"
TIMEOUT = 240  # seconds per submission in the class batch: generous, so a slow machine does not time out
LIMITS_TIMEOUT = 30  # in the batch of submissions that exist to hit a limit
FULL = 15.0
SECRET = "seqdl-grader-secret-7f3a"  # in the grader's environment; must never reach a gradebook or feedback
MARKER = "seqdl_hostile_marker"  # in the command line of every process a hostile submission starts
GRADE = [sys.executable, str(ROOT / "autograder" / "grade.py")]


def _answers(**replace: str):
    """The correct notebook with some answer cells replaced (answer index -> code)."""
    return fill_answers(ASSIGNMENT, {int(k[1:]): v for k, v in replace.items()})


def _blank_with(code: str):
    """The blank student notebook whose first answer cell holds ``code`` (the other answers stay blank)."""
    nb = nbformat.read(ROOT / "exercises" / f"{ASSIGNMENT}.ipynb", as_version=4)
    first = next(c for c in nb.cells if "otter_answer_cell" in c.metadata.get("tags", []))
    first.source = textwrap.dedent(code)
    return nb


def _hostile(paths: dict[str, Path]) -> dict[str, tuple[object, float]]:
    """``{file: (notebook, highest honest score)}``: every attack on a notebook with no real answers."""
    out, subs, zip_path = paths["out"], paths["subs"], ZIP
    daemon = (
        f"import subprocess, sys\n"
        f"subprocess.Popen([sys.executable, '-c', 'import time, sys\\nwhile True:\\n    time.sleep(0.2)\\n"
        f'    try: open(sys.argv[1], "w").write("file,status\\\\nx,ok")\\n    except OSError: pass\', '
        f"'{out}/gradebook.csv', '{MARKER}'], start_new_session=True)\n"
    )
    return {
        "hostile_patch_numpy.ipynb": (
            _blank_with("""
            import numpy as np, sklearn.metrics, sys, types
            np.array_equal = lambda *a, **k: True
            np.allclose = lambda *a, **k: True
            sklearn.metrics.roc_auc_score = lambda *a, **k: 1.0
            sys.modules["numpy"] = types.SimpleNamespace(array_equal=lambda *a: True)
            import builtins
            builtins.AssertionError = type("Never", (Exception,), {})
        """),
            0.0,
        ),
        "hostile_fake_otter.ipynb": (
            _blank_with("""
            import sys, types
            fake = types.ModuleType("otter.test_files")
            fake.test_case = lambda **kw: (lambda f: (lambda *a, **k: None))
            sys.modules["otter"] = types.ModuleType("otter"); sys.modules["otter.test_files"] = fake
        """),
            0.0,
        ),
        "hostile_atexit.ipynb": (
            _blank_with("""
            import atexit, glob, os, pickle, tempfile
            def forge():
                for folder in {tempfile.gettempdir(), os.environ.get("TMPDIR", "/tmp"), "/tmp", "."}:
                    for path in glob.glob(os.path.join(folder, "*")):
                        try:
                            open(path, "wb").write(pickle.dumps({"score": 15}))
                        except OSError:
                            pass
            atexit.register(forge)
        """),
            0.0,
        ),
        "hostile_proc_cmdline.ipynb": (
            _blank_with("""
            import os
            for pid in os.listdir("/proc"):
                if pid.isdigit():
                    try:
                        argv = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\\0")
                    except OSError:
                        continue
                    for arg in argv:
                        if arg.endswith(b".json") or arg.endswith(b".csv"):
                            try:
                                open(arg, "w").write('{"scores": {"q1": 1000}}')
                            except OSError:
                                pass
            os._exit(0)
        """),
            0.0,
        ),
        "hostile_daemon.ipynb": (_blank_with(daemon + "while True:\n    pass\n"), 0.0),
        "hostile_rewrite_zip.ipynb": (
            _blank_with(f"""
            for path in ["{zip_path}", "autograder.zip", "/autograder/source/autograder.zip"]:
                try:
                    open(path, "wb").write(b"PK forged")
                except OSError:
                    pass
        """),
            0.0,
        ),
        "hostile_classmates.ipynb": (
            _blank_with(f"""
            import json, shutil
            try:
                stolen = json.load(open("{subs}/correct.ipynb"))
                for cell in stolen["cells"]:
                    if "otter_answer_cell" in cell["metadata"].get("tags", []):
                        exec("".join(cell["source"]))
            except OSError:
                pass
            try:
                shutil.copy("{subs}/blank.ipynb", "{subs}/zz_victim.ipynb")
            except OSError:
                pass
        """),
            0.0,
        ),
        "hostile_leak_files.ipynb": (
            _blank_with(f"""
            texts = []
            secrets = ["{ZIP.parent}/tests/q1.py", "{ROOT}/solutions/01_cnn.ipynb"]
            secrets += ["/etc/passwd", "/etc/shadow"]
            for path in secrets:
                try:
                    texts.append(open(path).read())
                except OSError as err:
                    texts.append(str(err))
            def one_hot_encode(seq):
                raise ValueError("\\n".join(texts))
            raise RuntimeError("\\n".join(texts))
        """),
            0.0,
        ),
        "hostile_environment.ipynb": (
            _blank_with("""
            import os
            def one_hot_encode(seq):
                raise ValueError(repr(dict(os.environ)))
            raise RuntimeError(repr(dict(os.environ)))
        """),
            0.0,
        ),
        "hostile_socket.ipynb": (
            _blank_with(f"""
            import socket
            for address in ["{paths["socket"]}", "\\0{MARKER}"]:
                try:
                    s = socket.socket(socket.AF_UNIX); s.connect(address); s.sendall(b"forged")
                except OSError:
                    pass
            for host in ["127.0.0.1", "8.8.8.8"]:
                try:
                    socket.create_connection((host, 80), timeout=2)
                except OSError:
                    pass
        """),
            0.0,
        ),
        "hostile_disk.ipynb": (
            _blank_with(f"""
            block = b"x" * 2**20
            for path in ["{paths["outside"]}", "/sandbox/big", "/tmp/big"]:
                try:
                    with open(path, "wb") as handle:
                        for _ in range(1024):
                            handle.write(block)
                except OSError:
                    pass
        """),
            0.0,
        ),
        "hostile_fork_bomb.ipynb": (
            _blank_with(f"""
            import subprocess, sys
            children = [subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", "{MARKER}"])
                        for _ in range(200)]
        """),
            0.0,
        ),
        "hostile_fake_values.ipynb": (
            _blank_with("""
            import numpy as np
            class Always(np.ndarray):
                def __eq__(self, other):
                    return True
            def one_hot_encode(seq):
                return np.zeros((len(seq), 4), dtype=np.float32).view(Always)
            def reverse_complement(seq):
                class Equal(str):
                    def __eq__(self, other):
                        return True
                return Equal("x")
        """),
            0.0,
        ),
        "hostile_lambda_model.ipynb": (
            _answers(
                a2="""
            def build_cnn(seq_len, n_filters=32, kernel_size=12):
                import os
                hook = keras.layers.Lambda(lambda x: os.system("touch /tmp/pwned") or x)
                model = keras.Sequential([keras.Input((seq_len, 4)), hook,
                    keras.layers.Conv1D(n_filters, kernel_size, activation="relu"),
                    keras.layers.GlobalMaxPooling1D(),
                    keras.layers.Dense(1, activation="sigmoid")])
                model.compile(optimizer="adam", loss="binary_crossentropy", metrics=[keras.metrics.AUC()])
                return model
        """
            ),
            7.0,
        ),  # q1 and q2; its models cannot be loaded safely, so q3 to q5 fail
    }


# Submissions that exist to hit a limit: graded in their own batch, with a short time limit.
LIMITED = {"infinite_loop.ipynb", "four_gigabytes.ipynb", "hostile_daemon.ipynb", "hostile_fork_bomb.ipynb"}


def _corpus(paths: dict[str, Path], limited: bool) -> dict[str, tuple[str, float]]:
    """Write the class's submissions (``limited``: only those meant to hit a limit); return
    ``{entry: (expected status, expected total)}``."""
    subs = paths["subs"]
    correct = fill_answers(ASSIGNMENT)
    blank = nbformat.read(ROOT / "exercises" / f"{ASSIGNMENT}.ipynb", as_version=4)
    from wrong_answers.ex01_cnn import WRONG

    base_order = next(w for w in WRONG if w.name.startswith("base order"))
    expected: dict[str, tuple[str, float | None]] = {}

    def add(name: str, nb, status: str, total: float | None):
        if (name in LIMITED) == limited:
            write(nb, subs / name)
            expected[name] = (status, total)

    add("correct.ipynb", correct, "ok", FULL)
    add("zz_victim.ipynb", correct, "ok", FULL)
    add("blank.ipynb", blank, "cell-error", 0.0)
    add("wrong_base_order.ipynb", _answers(a0=base_order.code), "ok", None)
    add(
        "syntax_error.ipynb",
        _answers(a1="def reverse_complement(seq)\n    return seq[::-1]\n"),
        "cell-error",
        12.0,
    )
    add("import_error.ipynb", _answers(a4="import a_module_that_does_not_exist"), "cell-error", 14.0)
    add("infinite_loop.ipynb", _answers(a3="while True:\n    pass"), "timeout", 11.0)
    add(
        "four_gigabytes.ipynb",
        _answers(a3="import numpy as np\nhog = np.ones(4 * 1024**3 // 8)\nprint(hog.sum())"),
        "memory-limit",
        11.0,
    )
    add(
        "loud.ipynb",
        _answers(a4=_master_answer(4) + "\nfor _ in range(100):\n    print('x' * 1_000_000)"),
        "ok",
        FULL,
    )
    add("exits_after_q2.ipynb", _answers(a2="import os\nos._exit(0)"), "crashed", 7.0)
    add(
        "remover.ipynb",
        _answers(
            a4=_master_answer(4) + "\nimport glob, os, shutil\nfor p in glob.glob('/*') + glob.glob('*'):\n"
            "    shutil.rmtree(p, ignore_errors=True) if os.path.isdir(p) else None"
        ),
        "ok",
        FULL,
    )
    add(
        "overwriter.ipynb",
        _blank_with(
            "import glob\n"
            "for path in glob.glob('tests/*.py') + glob.glob('/*/*/q1.py') + glob.glob('/*/*/*/q*.py'):\n"
            "    open(path, 'w').write('points = 99')"
        ),
        "cell-error",
        0.0,
    )
    edited = copy.deepcopy(correct)  # a student who "fixes" a given cell: the template's version runs
    given = next(c for c in edited.cells if c.source.startswith("data = load_oct4_mafk()"))
    given.source = "data = None"
    add("edited_given_cell.ipynb", edited, "ok", FULL)
    no_kernel = copy.deepcopy(correct)
    no_kernel.metadata["kernelspec"] = {
        "name": "a-kernel-nobody-has",
        "display_name": "?",
        "language": "python",
    }
    no_kernel.metadata.pop("otter", None)
    add("odd_metadata.ipynb", no_kernel, "ok", FULL)
    other = copy.deepcopy(correct)
    other.metadata["otter"] = {"assignment_name": "02_rnn"}
    add("other_assignment.ipynb", other, "wrong-assignment", 0.0)
    for name, (nb, honest) in _hostile(paths).items():
        add(name, nb, "timeout" if name == "hostile_daemon.ipynb" else "any", honest)
    if limited:
        return expected
    (subs / "empty.ipynb").write_bytes(b"")
    expected["empty.ipynb"] = ("not-a-notebook", 0.0)
    (subs / "not_json.ipynb").write_text("{ this is not json")
    expected["not_json.ipynb"] = ("not-a-notebook", 0.0)
    (subs / "notes.txt").write_text("I could not finish, sorry")
    expected["notes.txt"] = ("not-a-notebook", 0.0)
    with zipfile.ZipFile(subs / "otter_export.zip", "w") as zf:
        zf.writestr(f"{ASSIGNMENT}.ipynb", nbformat.writes(correct))
        zf.writestr(".OTTER_LOG", b"")
    expected["otter_export.zip"] = ("ok", FULL)
    with zipfile.ZipFile(subs / "no_notebook.zip", "w") as zf:
        zf.writestr("answers.txt", "42")
    expected["no_notebook.zip"] = ("not-a-notebook", 0.0)
    write(correct, subs / "copy_of_correct.ipynb")
    expected["copy_of_correct.ipynb"] = ("ok", FULL)
    (subs / ".DS_Store").write_bytes(b"\0\0")
    expected[".DS_Store"] = ("skipped", 0.0)
    (subs / ".ipynb_checkpoints").mkdir()
    expected[".ipynb_checkpoints"] = ("skipped", 0.0)
    (subs / "broken_link.ipynb").symlink_to(subs / "does_not_exist.ipynb")
    expected["broken_link.ipynb"] = ("skipped", 0.0)
    return expected


def _master_answer(index: int) -> str:
    from exercise_notebooks import master_solutions

    return master_solutions(nbformat.read(ROOT / "solutions" / f"{ASSIGNMENT}.ipynb", as_version=4))[index]


def _rows(out: Path) -> dict[str, dict]:
    with open(out / "gradebook.csv", newline="") as handle:
        return {row["file"]: row for row in csv.DictReader(handle)}


def _tree_bytes(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def _leftover_processes() -> list[str]:
    import psutil

    found = []
    for process in psutil.process_iter(["pid", "cmdline"]):
        command = " ".join(process.info["cmdline"] or [])
        if MARKER in command or ("grading.student" in command and "bwrap" not in command):
            found.append(f"{process.info['pid']}: {command[:120]}")
    return found


def _grade(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*GRADE, *args], capture_output=True, text=True, env=env)


def _grade_class(root: Path, limited: bool, timeout: int) -> dict:
    paths = {
        "subs": root / "subs",
        "out": root / "out",
        "socket": root / "host.sock",
        "outside": root / "outside.bin",
    }
    paths["subs"].mkdir()
    expected = _corpus(paths, limited)
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(paths["socket"]))
    listener.listen()
    listener.settimeout(0.2)
    abstract = socket.socket(socket.AF_UNIX)
    abstract.bind(f"\0{MARKER}{int(limited)}")
    abstract.listen()
    abstract.settimeout(0.2)
    connections = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            for server in (listener, abstract):
                try:
                    connections.append(server.accept())
                except OSError:
                    pass

    threading.Thread(target=accept, daemon=True).start()
    zip_before = ZIP.read_bytes()
    subs_before = _tree_bytes(paths["subs"])
    start = time.monotonic()
    command = [
        ASSIGNMENT,
        str(paths["subs"]),
        "--out",
        str(paths["out"]),
        "--timeout",
        str(timeout),
        "--memory-gb",
        "3",
    ]
    result = _grade(*command, env=os.environ | {"SEQDL_SECRET": SECRET})
    seconds = time.monotonic() - start
    time.sleep(1)  # let a daemon that survived (it must not) have a go at the gradebook
    stop.set()
    listener.close()
    abstract.close()
    return {
        "paths": paths,
        "expected": expected,
        "result": result,
        "seconds": seconds,
        "connections": connections,
        "zip_before": zip_before,
        "subs_before": subs_before,
        "leftovers": _leftover_processes(),
        "timeout": timeout,
    }


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    return _grade_class(tmp_path_factory.mktemp("class"), False, TIMEOUT)


@pytest.fixture(scope="module")
def graded_limits(tmp_path_factory):
    return _grade_class(tmp_path_factory.mktemp("limits"), True, LIMITS_TIMEOUT)


@pytest.fixture(params=["class", "limits"])
def batch(request):
    """Each of the two batches, for the checks that hold for both."""
    return request.getfixturevalue("graded_class" if request.param == "class" else "graded_limits")


@pytest.mark.slow
def test_every_entry_gets_one_row_with_its_status_and_honest_score(batch):
    result, expected, out = batch["result"], batch["expected"], batch["paths"]["out"]
    assert result.returncode == 0, result.stderr[-3000:]
    rows = _rows(out)
    assert sorted(rows) == sorted(expected)
    for name, (status, total) in expected.items():
        row = rows[name]
        if status != "any":
            assert row["status"] == status, (name, row)
        if name.startswith("hostile"):
            assert float(row["total"]) <= total, (name, row)
        elif total is not None:
            assert float(row["total"]) == total, (name, row)
        assert float(row["total"]) <= float(row["possible"]) == FULL
        for question, points in {"q1": 4, "q2": 3, "q3": 4, "q4": 3, "q5": 1}.items():
            assert 0 <= float(row[question]) <= points
        assert row["sandbox"] in ("bubblewrap", ""), row
    if "wrong_base_order.ipynb" in rows:  # the class batch
        wrong = rows["wrong_base_order.ipynb"]
        assert float(wrong["q1"]) < 4 and float(wrong["q2"]) == 3
        pair = {rows["copy_of_correct.ipynb"]["duplicate_of"], rows["correct.ipynb"]["duplicate_of"]}
        assert pair in ({"", "correct.ipynb"}, {"", "copy_of_correct.ipynb"})
        assert "folder" in rows[".ipynb_checkpoints"]["message"]
        assert "link" in rows["broken_link.ipynb"]["message"]


@pytest.mark.slow
def test_classmates_files_the_zip_and_the_host_are_untouched(batch):
    paths = batch["paths"]
    assert ZIP.read_bytes() == batch["zip_before"]
    assert _tree_bytes(paths["subs"]) == batch["subs_before"]
    assert not paths["outside"].exists()
    assert batch["connections"] == []
    assert not Path("/tmp/pwned").exists()
    assert batch["leftovers"] == [], batch["leftovers"]
    rows = _rows(paths["out"])
    if "zz_victim.ipynb" in rows:
        assert rows["zz_victim.ipynb"]["status"] == "ok" and float(rows["zz_victim.ipynb"]["total"]) == FULL


@pytest.mark.slow
def test_feedback_agrees_and_leaks_nothing(batch):
    out = batch["paths"]["out"]
    rows = _rows(out)
    feedback = {p.name[: -len(".md")]: p.read_text() for p in (out / "feedback").iterdir()}
    assert sorted(feedback) == sorted(rows)
    hidden = [case.name for q in load_assignment(ZIP).questions.values() for case in q.cases if case.hidden]
    gradebook = (out / "gradebook.csv").read_text() + (out / "journal.jsonl").read_text()
    host_passwd = Path("/etc/passwd").read_text().splitlines()[0]
    solutions_dir = str(ROOT / "solutions")
    subs = batch["paths"]["subs"]
    for name, text in feedback.items():
        assert f"**{float(rows[name]['total']):g} / 15**" in text, name
        for secret in (SECRET, host_passwd, "def test_q", "BEGIN SOLUTION"):
            assert secret not in text and secret not in gradebook, (name, secret)
        # The host's path to the solutions may appear only where the student typed it: an attack's
        # own "No such file or directory: '<path>'" is echoed back, the grader never names it.
        source = subs / name
        typed = source.is_file() and solutions_dir in source.read_text(errors="replace")
        if not typed:
            assert solutions_dir not in text, (name, "the grader named the host's solutions folder")
        for function in hidden:
            if function in text:  # hidden tests are named, with their description, never their code
                assert f"{function} (hidden" in text
    if "wrong_base_order.ipynb" in feedback:
        text = feedback["wrong_base_order.ipynb"]
        assert "(hidden" in text and "FAILED" in text
        assert "A, C, G, T" in text  # a public test's message says what to fix


@pytest.mark.slow
def test_limits_and_crashes_are_reported_and_bounded(batch):
    rows = _rows(batch["paths"]["out"])
    if "infinite_loop.ipynb" in rows:  # the limits batch
        assert "time limit" in rows["infinite_loop.ipynb"]["message"]
        assert "time limit" in rows["hostile_daemon.ipynb"]["message"]
        assert "memory" in rows["four_gigabytes.ipynb"]["message"]
        assert rows["hostile_fork_bomb.ipynb"]["status"] == "process-limit"
    else:
        assert rows["exits_after_q2.ipynb"]["message"].startswith("the notebook's process ended")
        assert rows["syntax_error.ipynb"]["message"].startswith("SyntaxError")
        assert "ModuleNotFoundError" in rows["import_error.ipynb"]["message"]
        assert "02_rnn" in rows["other_assignment.ipynb"]["message"]
    for row in rows.values():
        assert float(row["seconds"]) <= batch["timeout"] + 20, row


@pytest.mark.slow
def test_resume_skips_graded_files_and_regrades_changed_ones(graded_class):
    paths, expected = graded_class["paths"], graded_class["expected"]
    out, subs = paths["out"], paths["subs"]
    before = (out / "gradebook.csv").read_text()
    result = _grade(ASSIGNMENT, str(subs), "--out", str(out), "--resume")
    assert "grading 0 of" in result.stdout, result.stdout + result.stderr[-2000:]
    assert (out / "gradebook.csv").read_text() == before
    journal = (out / "journal.jsonl").read_text().splitlines()
    kept = [line for line in journal if json.loads(line)["file"] not in ("empty.ipynb", "notes.txt")]
    (out / "journal.jsonl").write_text("\n".join(kept) + '\n{"file": "not_js')
    result = _grade(ASSIGNMENT, str(subs), "--out", str(out), "--resume")
    assert "grading 2 of" in result.stdout
    assert _rows(out)["empty.ipynb"]["status"] == "not-a-notebook"
    assert len(_rows(out)) == len(expected)


def _slow_class(folder: Path, n: int) -> None:
    folder.mkdir()
    write(fill_answers(ASSIGNMENT), folder / "a_fast.ipynb")
    for i in range(n):
        write(
            _blank_with(
                "import subprocess, sys\n"
                f"subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)', '{MARKER}'],\n"
                "                 start_new_session=True)\nwhile True:\n    pass"
            ),
            folder / f"slow_{i}.ipynb",
        )


def _start_batch(tmp_path: Path) -> subprocess.Popen:
    command = [*GRADE, ASSIGNMENT, str(tmp_path / "subs"), "--out", str(tmp_path / "out"), "--timeout", "300"]
    return subprocess.Popen([*command, "--workers", "2"], stdout=subprocess.DEVNULL)


@pytest.mark.slow
def test_ctrl_c_stops_within_seconds_keeps_finished_rows_and_leaves_no_process(tmp_path):
    _slow_class(tmp_path / "subs", 4)
    process = _start_batch(tmp_path)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and (
        not (tmp_path / "out" / "journal.jsonl").exists()
        or not (tmp_path / "out" / "journal.jsonl").read_text().strip()
    ):
        time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    start = time.monotonic()
    process.wait(timeout=30)
    assert time.monotonic() - start < 10
    rows = _rows(tmp_path / "out")
    assert len(rows) == 5
    finished = [r for r in rows.values() if r["status"] != "pending"]
    assert finished and all(r["status"] == "ok" and float(r["total"]) == FULL for r in finished)
    assert all("interrupted" in r["message"] for r in rows.values() if r["status"] == "pending")
    time.sleep(2)
    assert _leftover_processes() == []


@pytest.mark.slow
def test_killing_the_grader_leaves_no_process_behind(tmp_path):
    _slow_class(tmp_path / "subs", 2)
    process = _start_batch(tmp_path)
    time.sleep(45)  # workers and sandboxes are up and grading
    assert any("grading.student" in p for p in _leftover_processes())
    process.kill()
    process.wait()
    deadline = time.monotonic() + 20
    while _leftover_processes() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _leftover_processes() == []


@pytest.mark.slow
def test_gradescope_grades_its_one_submission_with_the_same_design(tmp_path):
    root = tmp_path / "autograder"
    with zipfile.ZipFile(ZIP) as archive:
        archive.extractall(root / "source")
    (root / "submission").mkdir()
    write(
        _answers(a1="def reverse_complement(seq):\n    return seq[::-1]\n"),
        root / "submission" / "mine.ipynb",
    )
    result = subprocess.run(
        [sys.executable, str(root / "source" / "grade.py"), "gradescope", "--root", str(root)],
        capture_output=True,
        text=True,
        cwd=root / "source",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == FULL - 3  # reversed but not complemented: every test of q2 fails
    tests = {t["name"]: t for t in results["tests"]}
    assert tests["q2: test_q2_basic"]["score"] == 0 and tests["q2: test_q2_basic"]["visibility"] == "visible"
    assert tests["q1: test_q1_random_sequences"]["visibility"] == "after_published"
    assert "def test_" not in json.dumps(results)


# --------------------------------------------------------------------------- fast unit tests


@pytest.fixture(scope="module")
def assignment():
    return load_assignment(ZIP)


def test_assignment_points_come_from_the_autograder(assignment):
    assert assignment.name == ASSIGNMENT
    assert list(assignment.questions) == ["q1", "q2", "q3", "q4", "q5"]
    assert assignment.possible == FULL
    assert assignment.seed_variable == "SEED" and assignment.seed == 42


def test_unknown_assignment_is_a_clear_error():
    result = _grade("99_nothing", "/tmp", "--out", "/tmp/x")
    assert result.returncode != 0 and "known assignments:" in result.stderr and ASSIGNMENT in result.stderr


def test_the_grader_refuses_to_run_without_a_sandbox(tmp_path):
    (tmp_path / "subs").mkdir()
    env = os.environ | {"PATH": "/nonexistent"}  # no bwrap to be found
    result = subprocess.run(
        [*GRADE, ASSIGNMENT, str(tmp_path / "subs"), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode != 0 and "--no-sandbox" in result.stderr


def test_only_answer_cells_and_the_template_s_given_cells_run(assignment):
    nb = json.loads(nbformat.writes(fill_answers(ASSIGNMENT)))
    given = next(c for c in nb["cells"] if "".join(c["source"]).startswith("data = load_oct4_mafk()"))
    given["source"] = "import os; os.system('rm -rf /')"
    nb["cells"].insert(
        3,
        {
            "cell_type": "code",
            "metadata": {},
            "source": "grader = 'extra cell'",
            "outputs": [],
            "execution_count": None,
        },
    )
    steps, notes = plan(assignment, nb)
    sources = [s.source for s in steps if s.kind == "cell"]
    assert "os.system" not in "".join(sources) and "extra cell" not in "".join(sources)
    assert any(s.startswith("data = load_oct4_mafk()") for s in sources)
    assert [s.question for s in steps if s.kind == "check"] == ["q1", "q2", "q3", "q4", "q5"]
    assert "SEED = 42" in "".join(sources) and notes == []
    assert not any("otter" in s or s.lstrip().startswith("grader.") for s in sources)


def test_answer_cells_are_matched_by_order_when_ids_changed(assignment):
    nb = json.loads(nbformat.writes(fill_answers(ASSIGNMENT)))
    for cell in nb["cells"]:
        cell["id"] = "changed" + str(id(cell))
    steps, notes = plan(assignment, nb)
    assert notes == [] and any("def one_hot_encode" in s.source for s in steps)
    answers = [c for c in nb["cells"] if "otter_answer_cell" in c["metadata"].get("tags", [])]
    nb["cells"].remove(answers[1])
    steps, notes = plan(assignment, nb)
    assert notes and "answer cell" in notes[0]


@pytest.mark.parametrize(
    ("content", "status", "words"),
    [
        (b"", "not-a-notebook", "empty"),
        (b"\x00\x01binary", "not-a-notebook", "not valid JSON"),
        (b'{"a": 1}', "not-a-notebook", "without 'cells'"),
        (
            b'{"cells": [], "nbformat": 4, "metadata": {"otter": {"assignment_name": "03_x"}}}',
            "wrong-assignment",
            "03_x",
        ),
        (b"PK\x03\x04 not really a zip", "not-a-notebook", "damaged zip"),
    ],
)
def test_preflight_rejects_with_a_reason(assignment, content, status, words):
    with pytest.raises(NotGradable) as err:
        read_submission(content, assignment)
    assert err.value.status == status and words in err.value.message


def test_every_folder_entry_gets_a_row(tmp_path):
    (tmp_path / "a.ipynb").write_text("{}")
    (tmp_path / ".hidden.ipynb").write_text("{}")
    (tmp_path / "folder").mkdir()
    (tmp_path / "link.ipynb").symlink_to(tmp_path / "a.ipynb")
    files, skipped = scan(tmp_path)
    assert list(files) == ["a.ipynb"]
    assert sorted(r.file for r in skipped) == [".hidden.ipynb", "folder", "link.ipynb"]
    assert all(r.status == "skipped" and r.message for r in skipped)


def test_the_harness_reads_otter_test_files_without_otter(assignment):
    question = assignment.questions["q1"]
    assert question.points == 4 and sum(c.points for c in question.cases) == 4
    assert {c.hidden for c in question.cases} == {True, False}
    assert all(c.parameters == ("one_hot_encode",) for c in question.cases)


def test_scores_are_capped_and_hidden_messages_are_not_shown():
    results = [
        harness.CaseResult("t", "q1", 3, False, "", True),
        harness.CaseResult("u", "q1", 3, True, "", True),
    ]
    assert harness.score(results, 4) == 4
    assert harness._explain(AssertionError("the hidden input was ACXT"), hidden=True) == ""
    assert "ACXT" in harness._explain(AssertionError("ACXT should raise"), hidden=False)


def test_a_submission_s_exception_keeps_its_kind_and_is_marked():
    error = wire.rebuild_exception(
        {"type": "MyError", "bases": ["ValueError", "Exception"], "message": "bad base"}
    )
    assert isinstance(error, ValueError) and isinstance(error, wire.SubmissionError)
    assert not isinstance(wire.rebuild_exception({"type": "SystemExit", "bases": ["SystemExit"]}), SystemExit)


def test_values_cross_as_data_and_refuse_pickles():
    import numpy as np

    refs: dict = {}
    value = {"a": np.arange(6).reshape(2, 3), "b": (1.5, float("nan"), "x"), "f": len}
    decoded = wire.decode(wire.encode(value, refs), lambda info: ("proxy", info["name"]))
    assert np.array_equal(decoded["a"], value["a"]) and decoded["b"][0] == 1.5 and np.isnan(decoded["b"][1])
    assert decoded["f"] == ("proxy", "len")
    import base64
    import io

    pickled = io.BytesIO()
    np.save(pickled, np.array([object()], dtype=object), allow_pickle=True)
    with pytest.raises(wire.ChannelError, match="acceptable"):
        wire.decode({"t": "ndarray", "v": base64.b64encode(pickled.getvalue()).decode()})
    with pytest.raises(wire.ChannelError):
        wire.decode({"t": "pickle", "v": ""})
