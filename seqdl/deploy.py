"""Save a trained Keras model for the browser, and check what the browser will load.

The path that works with Keras 3 and TensorFlow.js 4.22 on Colab's runtime (chapter 6 shows why
the others fail):

1. ``model.save("x.keras")`` -- the Keras file: architecture, weights and optimizer state;
2. ``model.export(dir)`` -- a TensorFlow *SavedModel*: a frozen computation graph with a
   ``serving_default`` signature, independent of Keras (:func:`export_saved_model`);
3. the ``tensorflowjs`` converter, ``--input_format=tf_saved_model`` -- a TensorFlow.js *graph
   model*: ``model.json`` (graph + signature + weight manifest) and binary weight shards
   (:func:`convert_saved_model`, or both steps at once with :func:`convert_keras_model`);
   :func:`import_tensorflowjs` makes the converter importable on Python 3.13;
4. ``tf.loadGraphModel("model.json")`` in the web page.

:func:`check_graph_model` validates a converted folder (format, files, input and output shapes,
size) and :func:`read_graph_weights` reads its weights back into NumPy, so that a fresh conversion
can be compared with a committed one (:func:`max_weight_difference`). The deployed model itself is
:func:`seqdl.models.oct4_cnn`; ``tools/write_predictor_model.py`` writes the page's files.
TensorFlow is imported only inside the functions that need it.
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .data import SEQ_LEN

MODEL_JSON = "model.json"
KERAS_FILE = "oct4_cnn.keras"
EXAMPLES_FILE = "examples.json"
_DTYPES = {"float32": np.float32, "int32": np.int32}


# --------------------------------------------------------------------------- export and convert

TFDF_MODULE = "tensorflow_decision_forests"


def import_tensorflowjs():
    """Import the ``tensorflowjs`` converter on Colab's runtime (Python 3.13, TensorFlow 2.20).

    tensorflowjs 4.22.0 (October 2024) is the latest release. Its SavedModel converter imports
    ``tensorflow_decision_forests`` when it loads, only to register the TensorFlow operations of
    decision-forest models. TF Decision Forests has no build for Python 3.13 or TensorFlow 2.20, so
    the import fails there. A neural network contains none of those operations and converts the same
    without them, so when the package is missing an empty module named ``tensorflow_decision_forests``
    stands in for that one import (a decision-forest model would then fail to convert, with the name
    of the missing operation). Install tensorflowjs itself with ``pip install --no-deps
    tensorflowjs==4.22.0``: its declared dependencies would replace Colab's TensorFlow.

    Returns
    -------
    module
        ``tensorflowjs``.
    """
    import importlib.util
    import types

    if TFDF_MODULE not in sys.modules and importlib.util.find_spec(TFDF_MODULE) is None:
        stand_in = types.ModuleType(TFDF_MODULE)
        stand_in.__doc__ = "seqdl.deploy's stand-in: no decision-forest operations are registered."
        sys.modules[TFDF_MODULE] = stand_in
    import tensorflowjs

    return tensorflowjs


def export_saved_model(model, directory: str | Path) -> Path:
    """Write ``model`` as a TensorFlow SavedModel (``model.export``) and return its folder.

    The folder must not exist yet or be empty: a SavedModel mixed with stale files is a
    classic source of "the page still shows the old model".
    """
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise FileExistsError(f"{directory} is not empty; export into a new folder")
    tf_logger = logging.getLogger("tensorflow")
    level = tf_logger.level
    tf_logger.setLevel(logging.WARNING)  # not "INFO: Assets written to ..." for every export
    try:
        model.export(str(directory), verbose=False)
    finally:
        tf_logger.setLevel(level)
    return directory


def convert_saved_model(
    saved_model_dir: str | Path, output_dir: str | Path, *, control_flow_v2: bool = False
) -> Path:
    """Convert a SavedModel to a TensorFlow.js graph model (``model.json`` + weight shards).

    Same as ``tensorflowjs_converter --input_format=tf_saved_model --output_format=tfjs_graph_model
    saved_model_dir output_dir``.

    Parameters
    ----------
    saved_model_dir : path
        Written by :func:`export_saved_model`; its ``serving_default`` signature is converted.
    output_dir : path
        Created if needed; must not already contain a ``model.json``.
    control_flow_v2 : bool
        Keep TensorFlow 2 control flow (``While``) ops; needed for recurrent layers (LSTM, GRU),
        useless for a CNN.

    Returns
    -------
    pathlib.Path
        ``output_dir``.
    """
    convert_tf_saved_model = import_tensorflowjs().converters.convert_tf_saved_model
    output_dir = Path(output_dir)
    if (output_dir / MODEL_JSON).exists():
        raise FileExistsError(f"{output_dir / MODEL_JSON} exists; convert into a new folder")
    output_dir.mkdir(parents=True, exist_ok=True)
    convert_tf_saved_model(str(saved_model_dir), str(output_dir), control_flow_v2=control_flow_v2)
    return output_dir


def convert_keras_model(model, output_dir: str | Path, *, control_flow_v2: bool = False) -> Path:
    """Export ``model`` to a temporary SavedModel and convert it into ``output_dir`` (a graph model)."""
    with tempfile.TemporaryDirectory(prefix="seqdl_savedmodel_") as tmp:
        saved = export_saved_model(model, Path(tmp) / "saved_model")
        return convert_saved_model(saved, output_dir, control_flow_v2=control_flow_v2)


# --------------------------------------------------------------------------- inspect and check


@dataclass(frozen=True)
class GraphModelInfo:
    """What a TensorFlow.js graph model folder holds (see :func:`check_graph_model`).

    ``inputs`` and ``outputs`` map signature names to shapes (``-1``: any batch size);
    ``weights`` lists ``(name, shape, dtype)``; ``files`` maps each file to its size in bytes.
    """

    inputs: dict[str, tuple[int, ...]]
    outputs: dict[str, tuple[int, ...]]
    ops: tuple[str, ...]
    weights: tuple[tuple[str, tuple[int, ...], str], ...]
    files: dict[str, int]

    @property
    def total_bytes(self) -> int:
        return sum(self.files.values())


def _shape(tensor_info: dict) -> tuple[int, ...]:
    return tuple(int(d.get("size", -1)) for d in tensor_info.get("tensorShape", {}).get("dim", []))


def _load_model_json(directory: Path) -> dict:
    path = Path(directory) / MODEL_JSON
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: not a converted TensorFlow.js model folder")
    spec = json.loads(path.read_text())
    if spec.get("format") != "graph-model":
        raise ValueError(
            f"{path} has format {spec.get('format')!r}, expected 'graph-model' "
            "(convert with --input_format=tf_saved_model; Keras 3 layers models do not load in TF.js)"
        )
    return spec


def check_graph_model(
    directory: str | Path,
    *,
    input_shape: tuple[int, ...] | None = (-1, SEQ_LEN, 4),
    output_shape: tuple[int, ...] | None = (-1, 1),
    max_bytes: int | None = None,
) -> GraphModelInfo:
    """Check a converted graph model folder and describe it.

    Parameters
    ----------
    directory : path
        Holds ``model.json`` and the weight shards it lists.
    input_shape, output_shape : tuple of int or None
        Expected shape of the single input / output of the signature (``-1`` = any batch size);
        ``None`` skips that check.
    max_bytes : int or None
        Largest allowed size of ``model.json`` plus shards.

    Returns
    -------
    GraphModelInfo

    Raises
    ------
    FileNotFoundError
        If ``model.json`` or a shard it lists is missing.
    ValueError
        If the format, a shard's size, a shape or the total size is not what is expected.
    """
    directory = Path(directory)
    spec = _load_model_json(directory)
    signature = spec.get("signature", {})
    inputs = {name: _shape(info) for name, info in signature.get("inputs", {}).items()}
    outputs = {name: _shape(info) for name, info in signature.get("outputs", {}).items()}
    files = {MODEL_JSON: (directory / MODEL_JSON).stat().st_size}
    weights = []
    for group in spec.get("weightsManifest", []):
        expected = 0
        for w in group["weights"]:
            if w["dtype"] not in _DTYPES or "quantization" in w:
                raise ValueError(f"weight {w['name']!r}: unsupported dtype {w['dtype']!r} or quantization")
            weights.append((w["name"], tuple(w["shape"]), w["dtype"]))
            expected += int(np.prod(w["shape"], dtype=np.int64)) * 4
        actual = 0
        for shard in group["paths"]:
            if not (directory / shard).is_file():
                raise FileNotFoundError(f"weight shard {directory / shard} listed in model.json is missing")
            files[shard] = (directory / shard).stat().st_size
            actual += files[shard]
        if actual != expected:
            raise ValueError(f"shards {group['paths']} hold {actual} bytes; the manifest needs {expected}")
    info = GraphModelInfo(
        inputs=inputs,
        outputs=outputs,
        ops=tuple(node["op"] for node in spec["modelTopology"]["node"]),
        weights=tuple(weights),
        files=files,
    )
    for kind, found, wanted in (("input", inputs, input_shape), ("output", outputs, output_shape)):
        if wanted is not None and list(found.values()) != [tuple(wanted)]:
            raise ValueError(f"expected one {kind} of shape {tuple(wanted)}, found {found}")
    if max_bytes is not None and info.total_bytes > max_bytes:
        raise ValueError(
            f"{directory} holds {info.total_bytes} bytes of model, more than the allowed {max_bytes} bytes"
        )
    return info


def read_graph_weights(directory: str | Path) -> dict[str, np.ndarray]:
    """Read a graph model's weights into NumPy arrays, keyed by their graph names (in file order).

    Parameters
    ----------
    directory : path
        A folder passing :func:`check_graph_model` (float32 / int32 weights, no quantization).
    """
    directory = Path(directory)
    check_graph_model(directory, input_shape=None, output_shape=None, max_bytes=None)
    spec = _load_model_json(directory)
    arrays: dict[str, np.ndarray] = {}
    for group in spec["weightsManifest"]:
        buffer = b"".join((directory / shard).read_bytes() for shard in group["paths"])
        offset = 0
        for w in group["weights"]:
            dtype = np.dtype(_DTYPES[w["dtype"]]).newbyteorder("<")
            count = int(np.prod(w["shape"], dtype=np.int64))
            values = np.frombuffer(buffer, dtype=dtype, count=count, offset=offset)
            arrays[w["name"]] = values.reshape(w["shape"]).astype(dtype.newbyteorder("="))
            offset += count * dtype.itemsize
    return arrays


def max_weight_difference(dir_a: str | Path, dir_b: str | Path) -> float:
    """Largest absolute difference between two graph models' weights of the same architecture.

    Raises ``ValueError`` if the two graphs differ in their signature or in the names and shapes
    of their weights -- then they are not the same model at all. The list of operations is not
    compared: TensorFlow's graph optimizer fuses operations differently on different machines
    (for example a sigmoid into the preceding matrix product), which changes nothing numerically.
    """
    info_a = check_graph_model(dir_a, input_shape=None, output_shape=None, max_bytes=None)
    info_b = check_graph_model(dir_b, input_shape=None, output_shape=None, max_bytes=None)
    for what in ("inputs", "outputs", "weights"):
        if getattr(info_a, what) != getattr(info_b, what):
            raise ValueError(
                f"the models differ in their {what}: {getattr(info_a, what)} vs {getattr(info_b, what)}"
            )
    a, b = read_graph_weights(dir_a), read_graph_weights(dir_b)
    return max(float(np.max(np.abs(a[k].astype(np.float64) - b[k]), initial=0.0)) for k in a)


def keras_graph_weight_difference(model, directory: str | Path) -> float:
    """Largest absolute difference between a Keras model's weights and a graph model's weights.

    Each Keras weight is matched to the one graph weight of the same shape, allowing extra
    leading axes of size 1 (the converter stores a Conv1D kernel ``(12, 4, 32)`` as a Conv2D
    kernel ``(1, 12, 4, 32)``). Meant for small models like :func:`seqdl.models.oct4_cnn`; raises
    ``ValueError``
    when a weight has no unique match (for example after the optimizer folded a batch
    normalisation into a convolution, or dropped a bias that is exactly zero, as in an untrained
    model).
    """
    graph = {name: a for name, a in read_graph_weights(directory).items() if a.dtype == np.float32}
    worst = 0.0
    for weight in model.weights:
        values = np.asarray(weight.numpy())
        matches = [
            a
            for a in graph.values()
            if a.shape[a.ndim - values.ndim :] == values.shape and set(a.shape[: a.ndim - values.ndim]) <= {1}
        ]
        if len(matches) != 1:
            raise ValueError(
                f"Keras weight {weight.path!r} {values.shape}: {len(matches)} graph weights of that "
                "shape, expected exactly one"
            )
        worst = max(worst, float(np.max(np.abs(matches[0].reshape(values.shape) - values))))
    return worst


# --------------------------------------------------------------------------- the page's model files
