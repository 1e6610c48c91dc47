"""Save a trained Keras model, convert it for the browser, and check what the browser will load.

The path that works with Keras 3 and TensorFlow.js 4.22 (chapter 6 shows why the others fail):

1. ``model.save("x.keras")`` -- the Keras file: architecture, weights and optimizer state;
2. ``model.export(dir)`` -- a TensorFlow *SavedModel*: a frozen computation graph with a
   ``serving_default`` signature, independent of Keras (:func:`export_saved_model`);
3. the ``tensorflowjs`` converter, ``--input_format=tf_saved_model`` -- a TensorFlow.js *graph
   model*: ``model.json`` (graph + signature + weight manifest) and binary weight shards
   (:func:`convert_saved_model`, or both steps at once with :func:`convert_keras_model`);
4. ``tf.loadGraphModel("model.json")`` in the web page.

:func:`check_graph_model` validates a converted folder (format, files, input and output shapes,
size) and :func:`read_graph_weights` reads its weights back into NumPy, so that tests can compare
a fresh conversion with the committed one (:func:`max_weight_difference`).

The model the book deploys -- chapter 4's Oct4-vs-MafK CNN -- is defined once, here
(:func:`build_oct4_cnn`, :func:`train_oct4_cnn`), so that the chapter, the committed files of the
web page and their test all use the same recipe. ``python -m seqdl.deploy DIR`` rewrites those
files (:func:`write_predictor_files`). TensorFlow is imported only inside the functions that need it.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SEQ_LEN = 200  # bp, the Oct4 / MafK peak length the deployed CNN reads
N_FILTERS = 32
KERNEL_WIDTH = 12  # bp
MAX_MODEL_BYTES = 500_000  # the committed graph model (model.json + shards) must stay below this
# Tolerances (absolute, in probability) of the tests that guard the page:
BROWSER_TOLERANCE = 1e-5  # TensorFlow.js in the page vs Keras, same weights (float32 rounding: ~1e-7)
RETRAIN_TOLERANCE = 0.01  # retrained on another machine vs the committed model (measured: <= 4e-4)
MODEL_JSON = "model.json"
KERAS_FILE = "oct4_cnn.keras"
EXAMPLES_FILE = "examples.json"
_DTYPES = {"float32": np.float32, "int32": np.int32}


# --------------------------------------------------------------------------- the deployed model


def build_oct4_cnn(seq_len: int = SEQ_LEN):
    """Chapter 4's CNN: Conv1D(32 filters, 12 bp, ReLU) -> global max pooling -> Dense(1, sigmoid).

    Every layer is named, so the node names in an exported graph do not depend on how many
    models were built before in the same Python session.

    Parameters
    ----------
    seq_len : int
        Input length in bp; the input is one-hot DNA of shape ``(batch, seq_len, 4)`` (A, C, G, T).

    Returns
    -------
    keras.Model
        Uncompiled; its output, shape ``(batch, 1)``, is the probability of the Oct4 class.
    """
    import keras

    return keras.Sequential(
        [
            keras.Input((seq_len, 4), name="onehot"),
            keras.layers.Conv1D(N_FILTERS, KERNEL_WIDTH, activation="relu", name="conv"),
            keras.layers.GlobalMaxPooling1D(name="max_pool"),
            keras.layers.Dense(1, activation="sigmoid", name="p_oct4"),
        ],
        name="oct4_cnn",
    )


def train_oct4_cnn(dataset=None, *, seed: int = 0, epochs: int = 5, batch_size: int = 64):
    """Build and train :func:`build_oct4_cnn` on the Oct4 / MafK training split (a few seconds).

    Parameters
    ----------
    dataset : seqdl.data.Dataset, optional
        Default: :func:`seqdl.data.load_oct4_mafk` (chromosome split).
    seed : int
        Passed to ``keras.utils.set_random_seed`` (weights and batch order).
    epochs, batch_size : int
        Adam, binary cross-entropy, validation on the validation split.

    Returns
    -------
    keras.Model
        Trained and compiled; ``model.history.history`` holds the learning curves.
    """
    import keras

    from .data import load_oct4_mafk
    from .encode import one_hot_batch

    if dataset is None:
        dataset = load_oct4_mafk()
    x_train = one_hot_batch(dataset.train.x, SEQ_LEN)
    x_val = one_hot_batch(dataset.val.x, SEQ_LEN)
    keras.utils.set_random_seed(seed)
    model = build_oct4_cnn()
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=[keras.metrics.AUC(name="auc")])
    model.fit(
        x_train,
        dataset.train.y,
        validation_data=(x_val, dataset.val.y),
        epochs=epochs,
        batch_size=batch_size,
        verbose=0,
    )
    return model


# --------------------------------------------------------------------------- export and convert


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
    from tensorflowjs.converters import convert_tf_saved_model

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
    max_bytes: int | None = MAX_MODEL_BYTES,
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
    kernel ``(1, 12, 4, 32)``). Meant for small models like :func:`build_oct4_cnn`; raises ``ValueError``
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


def write_predictor_files(output_dir: str | Path, *, seed: int = 0, n_examples: int = 3) -> GraphModelInfo:
    """Train the deployed CNN and write everything the predictor page loads into ``output_dir``.

    Writes ``model.json`` and its weight shard (the graph model), ``oct4_cnn.keras`` (the Keras
    model it was converted from) and ``examples.json``: the first ``n_examples`` test-split peaks
    of each class with the Keras probability, which the page shows next to its own prediction.
    Existing files of these names are replaced.
    """
    from .data import load_oct4_mafk
    from .encode import one_hot_batch

    output_dir = Path(output_dir)
    dataset = load_oct4_mafk()
    model = train_oct4_cnn(dataset, seed=seed)
    output_dir.mkdir(parents=True, exist_ok=True)
    for old in [output_dir / MODEL_JSON, *output_dir.glob("group*-shard*of*.bin")]:
        old.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="seqdl_graph_") as tmp:
        convert_keras_model(model, Path(tmp) / "graph")
        for path in (Path(tmp) / "graph").iterdir():
            shutil.copy2(path, output_dir / path.name)
    model.save(output_dir / KERAS_FILE)
    test = dataset.test
    chosen = [i for label in (1, 0) for i in np.flatnonzero(test.y == label)[:n_examples]]
    probabilities = model.predict(one_hot_batch([test.x[i] for i in chosen], SEQ_LEN), verbose=0)[:, 0]
    examples = [
        {
            "id": test.ids[i],
            "label": dataset.classes[test.y[i]],
            "sequence": test.x[i],
            "keras_probability": float(p),
        }
        for i, p in zip(chosen, probabilities)
    ]
    (output_dir / EXAMPLES_FILE).write_text(json.dumps({"seed": seed, "examples": examples}, indent=1) + "\n")
    return check_graph_model(output_dir)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Rewrite the predictor page's model files.")
    parser.add_argument("output_dir", type=Path, help="e.g. book/_extra/predictor/model")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    info = write_predictor_files(args.output_dir, seed=args.seed)
    print(f"wrote {args.output_dir}: {info.files} ({info.total_bytes} bytes of graph model)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
