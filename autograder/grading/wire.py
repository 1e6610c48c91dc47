"""The channel between the trusted grader and a submission's sandboxed process: frames and values.

Frames are length-prefixed JSON (4 bytes, big-endian) on a Unix socket; nothing is ever unpickled.
Values cross as plain data (:func:`encode` / :func:`decode`):

* ``None``, ``bool``, ``int``, ``float``, ``str``, lists, tuples and string-keyed dicts of them;
* NumPy arrays and scalars, TensorFlow and PyTorch tensors, as ``.npy`` bytes read with
  ``allow_pickle=False`` (a tensor comes back as an array tagged with what it was);
* pandas DataFrames and Series, by column;
* Keras models, as ``.keras`` files: the trusted side loads them with ``safe_mode=True``, so only
  Keras' own layers are rebuilt and no code from the file runs;
* an exception raised by the submission's code: its name, the built-in exception classes it derives
  from, and its message;
* anything else (functions, classes, other objects): a *reference* -- the object stays in the
  sandbox, and the trusted side gets a proxy whose calls and attribute reads travel over the channel.

The trusted side enforces limits (frame size, nesting) while decoding, so a submission can send
nothing but data of bounded size.
"""

from __future__ import annotations

import base64
import builtins
import io
import json
import socket
import struct
import tempfile
from pathlib import Path

import numpy as np

MAX_FRAME_BYTES = 256 * 1024**2  # a frame (JSON, with base64 payloads) larger than this is refused
MAX_DEPTH = 32  # nesting of lists / dicts in one value
_HEADER = struct.Struct(">I")


class ChannelError(Exception):
    """The other side closed the channel, sent something malformed, or did not answer in time."""


# --------------------------------------------------------------------------- frames


def send(sock: socket.socket, message: dict) -> None:
    payload = json.dumps(message, allow_nan=True).encode()
    if len(payload) > MAX_FRAME_BYTES:
        raise ChannelError(f"message of {len(payload)} bytes is larger than {MAX_FRAME_BYTES}")
    sock.sendall(_HEADER.pack(len(payload)) + payload)


def _read_exactly(sock: socket.socket, n: int) -> bytes:
    chunks, remaining = [], n
    while remaining:
        chunk = sock.recv(min(remaining, 1 << 20))
        if not chunk:
            raise ChannelError("the other side closed the channel")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def receive(sock: socket.socket, timeout: float | None = None) -> dict:
    """One message; ``timeout`` (seconds) bounds the wait for it."""
    sock.settimeout(timeout)
    try:
        (length,) = _HEADER.unpack(_read_exactly(sock, _HEADER.size))
        if length > MAX_FRAME_BYTES:
            raise ChannelError(f"a frame of {length} bytes announced, more than {MAX_FRAME_BYTES}")
        message = json.loads(_read_exactly(sock, length))
    except TimeoutError:
        raise ChannelError("no answer within the time limit") from None
    except (OSError, ValueError) as err:
        raise ChannelError(f"unreadable message ({type(err).__name__})") from None
    if not isinstance(message, dict):
        raise ChannelError("a message must be a JSON object")
    return message


# --------------------------------------------------------------------------- values


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text) -> bytes:
    if not isinstance(text, str):
        raise ChannelError("expected base64 text")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except ValueError:
        raise ChannelError("malformed base64 data") from None


def _npy(array: np.ndarray) -> str:
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
    return _b64(buffer.getvalue())


def _from_npy(text) -> np.ndarray:
    try:
        array = np.load(io.BytesIO(_unb64(text)), allow_pickle=False)
    except (ValueError, OSError, EOFError) as err:  # object arrays (pickles) and malformed files
        raise ChannelError(f"not an acceptable .npy array ({err})") from None
    if array.dtype.kind not in "biufcUS":
        raise ChannelError(f"arrays of dtype {array.dtype} are not accepted")
    return array


def _is_keras_model(value) -> bool:
    cls = type(value)
    return any(c.__module__.startswith("keras") and c.__name__ in ("Model", "Sequential", "Functional") for c in cls.__mro__)


def encode(value, references: dict | None = None, depth: int = 0):
    """Turn ``value`` into plain JSON data; objects that are not data go into ``references``."""
    if depth > MAX_DEPTH:
        raise ValueError(f"the value is nested more than {MAX_DEPTH} levels deep")
    reference_of = getattr(type(value), "wire_reference", None)
    if reference_of is not None:  # a proxy of the other side's object goes back as its reference
        return {"t": "ref", "id": reference_of(value)}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return {"t": "float", "v": repr(value)}  # keeps nan and inf exact
    if isinstance(value, bytes):
        return {"t": "bytes", "v": _b64(value)}
    if isinstance(value, np.ndarray) and value.dtype.kind in "biufcUS":
        return {"t": "ndarray", "v": _npy(value)}
    if isinstance(value, np.generic) and np.asarray(value).dtype.kind in "biufcUS":
        return {"t": "scalar", "v": _npy(np.asarray(value))}
    if isinstance(value, (list, tuple)):
        items = [encode(item, references, depth + 1) for item in value]
        return items if isinstance(value, list) else {"t": "tuple", "v": items}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"t": "dict", "v": {k: encode(v, references, depth + 1) for k, v in value.items()}}
    module = type(value).__module__
    if module.startswith("tensorflow") and hasattr(value, "numpy"):
        return {"t": "tf", "v": _npy(np.asarray(value.numpy()))}
    if module.startswith("torch") and type(value).__name__ in ("Tensor", "Parameter"):
        return {"t": "torch", "v": _npy(value.detach().cpu().numpy())}
    if module.startswith("pandas") and type(value).__name__ == "DataFrame":
        return {
            "t": "frame",
            "columns": encode(list(value.columns), references, depth + 1),
            "index": encode(list(value.index), references, depth + 1),
            "v": [encode(value[c].to_numpy(), references, depth + 1) for c in value.columns],
        }
    if module.startswith("pandas") and type(value).__name__ == "Series":
        return {
            "t": "series",
            "name": encode(value.name, references, depth + 1),
            "index": encode(list(value.index), references, depth + 1),
            "v": encode(value.to_numpy(), references, depth + 1),
        }
    if _is_keras_model(value):
        try:
            return {"t": "keras", "v": _b64(_keras_bytes(value))}
        except Exception as err:  # a subclassed model without get_config, an unsaveable layer ...
            return _reference(value, references, note=f"it could not be saved as a .keras file ({type(err).__name__})")
    return _reference(value, references)


def _reference(value, references: dict | None, note: str = ""):
    if references is None:
        raise ValueError(f"a {type(value).__name__} cannot be sent as data")
    key = id(value)
    references[key] = value
    try:
        text = repr(value)[:300]
    except Exception:
        text = f"<{type(value).__name__}>"
    return {
        "t": "ref",
        "id": key,
        "callable": callable(value),
        "type": type(value).__name__,
        "module": str(getattr(value, "__module__", "") or ""),
        "name": str(getattr(value, "__name__", "") or ""),
        "qualname": str(getattr(value, "__qualname__", "") or ""),
        "repr": text,
        "note": note,
    }


def _keras_bytes(model) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.keras"
        model.save(path)
        return path.read_bytes()


def load_keras(data: bytes):
    """Load a ``.keras`` file's bytes with ``safe_mode=True`` (no code from the file is run)."""
    import keras

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.keras"
        path.write_bytes(data)
        return keras.saving.load_model(path, compile=True, safe_mode=True)


def decode(data, make_reference=None, depth: int = 0):
    """Rebuild a value from :func:`encode`'s data; ``make_reference(info)`` builds proxies for references."""
    if depth > MAX_DEPTH:
        raise ChannelError(f"a value nested more than {MAX_DEPTH} levels deep")
    if data is None or isinstance(data, (bool, int, str)):
        return data
    if isinstance(data, list):
        return [decode(item, make_reference, depth + 1) for item in data]
    if not isinstance(data, dict) or not isinstance(data.get("t"), str):
        raise ChannelError("malformed value")
    kind = data["t"]
    if kind == "float":
        return float(data["v"])
    if kind == "bytes":
        return _unb64(data["v"])
    if kind == "ndarray":
        return _from_npy(data["v"])
    if kind == "scalar":
        return _from_npy(data["v"])[()]
    if kind == "tuple":
        return tuple(decode(item, make_reference, depth + 1) for item in data["v"])
    if kind == "dict":
        if not isinstance(data["v"], dict):
            raise ChannelError("malformed dict")
        return {str(k): decode(v, make_reference, depth + 1) for k, v in data["v"].items()}
    if kind == "tf":
        import tensorflow as tf

        return tf.constant(_from_npy(data["v"]))
    if kind == "torch":
        import torch

        return torch.from_numpy(np.array(_from_npy(data["v"])))
    if kind == "frame":
        import pandas as pd

        columns = decode(data["columns"], None, depth + 1)
        values = [decode(v, None, depth + 1) for v in data["v"]]
        return pd.DataFrame(dict(zip(columns, values)), index=decode(data["index"], None, depth + 1))
    if kind == "series":
        import pandas as pd

        return pd.Series(
            decode(data["v"], None, depth + 1),
            index=decode(data["index"], None, depth + 1),
            name=decode(data["name"], None, depth + 1),
        )
    if kind == "keras":
        return load_keras(_unb64(data["v"]))
    if kind == "ref":
        if make_reference is None:
            raise ChannelError("a reference where only data is accepted")
        return make_reference(data)
    raise ChannelError(f"unknown value kind {kind!r}")


# --------------------------------------------------------------------------- exceptions


def encode_exception(error: BaseException) -> dict:
    """What the trusted side learns of an exception raised by the submission's code."""
    bases = [c.__name__ for c in type(error).__mro__ if getattr(builtins, c.__name__, None) is c]
    try:
        message = str(error)[:1000]
    except Exception:
        message = ""
    return {"type": type(error).__name__, "bases": bases, "message": message}


class SubmissionError(Exception):
    """Base of the exceptions re-raised on the trusted side for errors of the submission's code."""

    from_submission = True


_SUBMISSION_CLASSES: dict[str, type] = {}


def rebuild_exception(info: dict) -> Exception:
    """An exception of the same built-in kind (``except ValueError`` still works), marked as the submission's."""
    candidates = [getattr(builtins, name, None) for name in info.get("bases") or []]
    usable = [c for c in candidates if isinstance(c, type) and issubclass(c, Exception) and c is not StopIteration]
    builtin = usable[0] if usable else RuntimeError  # SystemExit, KeyboardInterrupt ...: never raised here
    if builtin is Exception:
        builtin = SubmissionError
    cls = builtin if builtin is SubmissionError else _SUBMISSION_CLASSES.get(builtin.__name__)
    if cls is None:
        cls = type(builtin.__name__, (builtin, SubmissionError), {"__module__": "submission"})
        _SUBMISSION_CLASSES[builtin.__name__] = cls
    error = cls(str(info.get("message", ""))[:1000])
    error.submission_type = str(info.get("type", builtin.__name__))[:100]
    return error
