"""The trusted side's tests: Otter's test files, read and run here against a submission's answers.

A test file is Otter's exception-based format (``OK_FORMAT = False``, ``name``, ``points`` and
``@test_case(points=..., hidden=...)`` functions whose parameters name the notebook's globals).
It is read with :mod:`ast` and its functions are run *in the grader's own process*, with its own
NumPy, scikit-learn and Keras. Each parameter is filled with what the submission's process sends
back for that name (:class:`Session.lookup`): data as data, a Keras model as a model loaded with
``safe_mode=True``, a function as a :class:`Remote` proxy whose calls travel to the sandbox and
whose results travel back as data. Patching NumPy or Otter in the notebook changes nothing here.

A test passes when it returns without raising. Its first docstring line is the description that
feedback shows; an assertion's message is shown for public tests, never the test's source.
"""

from __future__ import annotations

import ast
import contextlib
import io
import socket
import time
from dataclasses import dataclass, field

from . import wire


class Timeout(Exception):
    """The submission used up its time."""


class Gone(Exception):
    """The submission's process ended (it crashed, exited, or was killed)."""


# --------------------------------------------------------------------------- talking to the sandbox


class Session:
    """Requests to one submission's process, all under one deadline."""

    def __init__(self, sock: socket.socket, deadline: float):
        self.sock, self.deadline = sock, deadline
        self.alive = True
        self.timed_out = False

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def request(self, message: dict) -> dict:
        if not self.alive:
            raise Gone("the notebook's process is no longer running")
        if self.remaining() <= 0:
            self.timed_out = True
            raise Timeout("the time limit was reached")
        try:
            wire.send(self.sock, message)
            return wire.receive(self.sock, timeout=max(0.1, self.remaining()))
        except wire.ChannelError as err:
            self.alive = False
            if self.remaining() <= 0 or "time limit" in str(err):
                self.timed_out = True
                raise Timeout("the time limit was reached") from None
            raise Gone(f"the notebook's process stopped answering ({err})") from None

    def run_cell(self, source: str) -> dict:
        return self.request({"op": "run_cell", "source": source})

    def _value(self, answer: dict):
        if not answer.get("ok"):
            raise wire.rebuild_exception(answer.get("raised") or {})
        return decode_value(answer.get("value"), self)

    def lookup(self, name: str):
        answer = self.request({"op": "lookup", "name": name})
        if answer.get("missing"):
            raise NameError(f"name {name!r} is not defined in the notebook")
        return self._value(answer)

    def call(self, ref: int, args: tuple, kwargs: dict):
        encoded_args = wire.encode(list(args), _Outgoing())
        encoded_kwargs = wire.encode(dict(kwargs), _Outgoing())
        return self._value(self.request({"op": "call", "ref": ref, "args": encoded_args, "kwargs": encoded_kwargs}))

    def getattr(self, ref: int, name: str):
        return self._value(self.request({"op": "getattr", "ref": ref, "name": name}))

    def close(self) -> None:
        with contextlib.suppress(Exception):
            if self.alive:
                wire.send(self.sock, {"op": "exit"})
        self.sock.close()


class LocalSession:
    """A namespace in this process standing in for a submission: for testing the tests themselves.

    The exercises' own tests (``tests/test_exercises.py``) run known-right and known-wrong answers
    through the same test files and scoring without a sandbox; nothing here is used for grading.
    """

    alive = True

    def __init__(self, namespace: dict):
        self.namespace = namespace

    def lookup(self, name: str):
        if name not in self.namespace:
            raise NameError(f"name {name!r} is not defined in the notebook")
        return self.namespace[name]


class _Outgoing(dict):
    """References the trusted side sends back: only proxies of the submission's own objects."""

    def __setitem__(self, key, value):
        raise ValueError(f"a {type(value).__name__} of the grader cannot be sent to the notebook")


def decode_value(data, session: Session):
    return wire.decode(data, lambda info: Remote.from_info(info, session))


class Remote:
    """An object that stays in the submission's process; reading an attribute asks for it."""

    __slots__ = ("_session", "_info")

    @staticmethod
    def wire_reference(proxy) -> int:
        """Sent back to the notebook, a proxy is the reference it came as (:func:`grading.wire.encode`)."""
        return object.__getattribute__(proxy, "_info")["id"]

    def __init__(self, session: Session, info: dict):
        object.__setattr__(self, "_session", session)
        object.__setattr__(self, "_info", info)

    @staticmethod
    def from_info(info: dict, session: Session) -> Remote:
        cls = RemoteCallable if info.get("callable") else Remote
        return cls(session, info)

    def __getattr__(self, name: str):
        info = object.__getattribute__(self, "_info")
        if name == "__module__":
            return info.get("module", "")
        if name in ("__name__", "__qualname__"):
            return info.get(name.strip("_"), "")
        if name.startswith("__"):
            raise AttributeError(name)
        return object.__getattribute__(self, "_session").getattr(info["id"], name)

    def __repr__(self) -> str:
        info = object.__getattribute__(self, "_info")
        note = f" ({info['note']})" if info.get("note") else ""
        return f"<the notebook's {info.get('type', 'object')}: {info.get('repr', '')[:100]}{note}>"


class RemoteCallable(Remote):
    __slots__ = ()

    def __call__(self, *args, **kwargs):
        session = object.__getattribute__(self, "_session")
        return session.call(object.__getattribute__(self, "_info")["id"], args, kwargs)


# --------------------------------------------------------------------------- test files


@dataclass(frozen=True)
class TestCase:
    name: str
    question: str
    points: float
    hidden: bool
    description: str
    parameters: tuple[str, ...]
    function: object = field(repr=False, compare=False)


@dataclass(frozen=True)
class Question:
    name: str
    points: float
    cases: tuple[TestCase, ...]


def _constant(node: ast.expr):
    if isinstance(node, ast.Constant):
        return node.value
    raise ValueError(f"expected a constant, got {ast.dump(node)[:80]}")


def read_test_file(source: str, filename: str = "<test>") -> Question:
    """One Otter test file (exception-based) as a :class:`Question`, without importing Otter."""
    tree = ast.parse(source, filename)
    settings: dict[str, object] = {}
    functions = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            settings[node.targets[0].id] = _constant(node.value)
        elif isinstance(node, ast.FunctionDef):
            functions.append(node)
    if settings.get("OK_FORMAT") is not False or not isinstance(settings.get("name"), str):
        raise ValueError(f"{filename}: not an exception-based Otter test file (OK_FORMAT = False, name = ...)")
    question = str(settings["name"])
    cases = []
    for node in functions:
        decorators = [d for d in node.decorator_list if isinstance(d, ast.Call) and getattr(d.func, "id", "") == "test_case"]
        if len(decorators) != 1:
            continue
        options = {k.arg: _constant(k.value) for k in decorators[0].keywords}
        plain = ast.FunctionDef(
            name=node.name, args=node.args, body=node.body, decorator_list=[], returns=None, type_params=[]
        )
        module = ast.Module(body=[plain], type_ignores=[])
        ast.fix_missing_locations(module)
        namespace: dict = {"__name__": f"grading.tests.{question}"}
        exec(compile(module, filename, "exec"), namespace)  # the exercise author's own test code
        docstring = (ast.get_docstring(node) or "").strip().splitlines()
        cases.append(
            TestCase(
                name=node.name,
                question=question,
                points=float(options.get("points") or 0),
                hidden=bool(options.get("hidden", False)),
                description=docstring[0] if docstring else "",
                parameters=tuple(a.arg for a in node.args.args),
                function=namespace[node.name],
            )
        )
    total = float(settings.get("points", sum(c.points for c in cases)))
    if abs(sum(c.points for c in cases) - total) > 1e-9:
        raise ValueError(f"{filename}: test points add up to {sum(c.points for c in cases)}, not {total}")
    return Question(question, total, tuple(cases))


# --------------------------------------------------------------------------- running tests


@dataclass
class CaseResult:
    name: str
    question: str
    points: float
    hidden: bool
    description: str
    passed: bool
    feedback: str = ""

    def as_dict(self) -> dict:
        return dict(vars(self))


def _explain(error: BaseException, hidden: bool) -> str:
    """What a learner may read about a failure: never a test's source, never the grader's paths."""
    if isinstance(error, AssertionError):
        message = str(error).strip()
        if hidden:  # a hidden test's message could tell its inputs: its description says what it checks
            return ""
        return message[:1500] if message else "a check of this test did not hold"
    if isinstance(error, Timeout):
        return "the time limit was reached before this test finished"
    if isinstance(error, Gone):
        return "the notebook's process had stopped, so this test could not run"
    if isinstance(error, NameError) and "not defined in the notebook" in str(error):
        return f"{error}: run the cell that defines it (and keep its name)"
    if isinstance(error, wire.SubmissionError):
        kind = getattr(error, "submission_type", type(error).__name__)
        return f"your code raised {kind}" + (f": {str(error)[:300]}" if not hidden else "")
    return f"this test could not check your answer ({type(error).__name__}); is it the type the question asks for?"


def run_case(case: TestCase, session: Session) -> tuple[CaseResult, bool]:
    """``(result, fatal)``: fatal when the submission's process is gone or out of time."""
    result = CaseResult(case.name, case.question, case.points, case.hidden, case.description, False)
    try:
        arguments = {name: session.lookup(name) for name in case.parameters}
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            case.function(**arguments)
    except (Timeout, Gone) as error:
        result.feedback = _explain(error, case.hidden)
        return result, True
    except Exception as error:  # the test failed: say why, as far as a learner may know
        result.feedback = _explain(error, case.hidden)
    else:
        result.passed = True
    return result, False


def run_question(question: Question, session: Session) -> list[CaseResult]:
    """Every test of a question; when time runs out or the process dies, the rest fail with the reason."""
    results = []
    for index, case in enumerate(question.cases):
        result, fatal = run_case(case, session)
        results.append(result)
        if fatal:
            for rest in question.cases[index + 1 :]:
                results.append(
                    CaseResult(rest.name, rest.question, rest.points, rest.hidden, rest.description, False, result.feedback)
                )
            break
    return results


def score(results: list[CaseResult], possible: float) -> float:
    """The points of the passed tests, never more than the question is worth."""
    return min(possible, sum(r.points for r in results if r.passed))
