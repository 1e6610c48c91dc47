"""Ask a trained model which bases it uses: mutagenesis, gradients, Integrated Gradients, filters.

Every function takes one-hot DNA in the book's layout -- ``(length, 4)`` float arrays in **A, C,
G, T** column order, as made by :func:`seqdl.encode.one_hot_encode` -- or a DNA string, which is
encoded with that same function. Passing strings is the safest habit: the sequence is then
encoded exactly as the training data were, so attributions cannot land on the wrong letters.
Arrays are checked to be one-hot-like (each row all zeros or a single 1) and are never modified.

The model must be a Keras model (TensorFlow backend) mapping ``(n, length, 4)`` to one number per
sequence, shape ``(n,)`` or ``(n, 1)``. Explain the **logit** (the value before the sigmoid)
rather than the probability where you can: the sigmoid flattens every difference near 0 and 1.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .encode import DNA_ALPHABET, one_hot_batch, one_hot_encode
from .validate import check_array, check_int, check_onehot, check_positive_int, fail

_GRADIENT_BATCH = 256  # interpolated inputs per forward/backward pass in integrated_gradients


# --------------------------------------------------------------------------- input checks


def _as_onehot(x: np.ndarray | str, name: str = "x") -> np.ndarray:
    """A float32 copy of one sequence ``(length, 4)``; a DNA string is encoded."""
    return one_hot_encode(x) if isinstance(x, str) else check_onehot(x, name)


def _as_onehot_batch(X: np.ndarray | Sequence[str], name: str = "X") -> np.ndarray:
    """A float32 copy of a batch ``(n, length, 4)``; a list of equal-length DNA strings is encoded."""
    if isinstance(X, str):
        raise fail(
            name, X, "several sequences (a list of strings or an (n, length, 4) array), not one string"
        )
    if isinstance(X, (list, tuple)) and len(X) > 0 and all(isinstance(seq, str) for seq in X):
        lengths = sorted({len(seq) for seq in X})
        if len(lengths) != 1:
            raise fail(name, X, f"sequences of one length, got lengths {lengths}")
        return one_hot_batch(X, lengths[0])
    return check_onehot(X, name, batch=True)


def _check_model_length(model, length: int) -> None:
    """Raise if the model was built for a different sequence length than ``length``."""
    shape = getattr(model, "input_shape", None)
    if isinstance(shape, tuple) and len(shape) == 3:
        if shape[2] != len(DNA_ALPHABET):
            raise fail(
                "model", model, f"a model of one-hot DNA (4 channels); it reads {shape[2]} per position"
            )
        if shape[1] is not None and shape[1] != length:
            raise fail("x", f"<{length} bp>", f"sequences of the model's length, {shape[1]} bp")


def _one_value_per_sequence(output, n: int) -> np.ndarray:
    """Model output ``(n,)`` or ``(n, 1)`` as a float64 vector; anything else is an error."""
    values = np.asarray(output, dtype=np.float64)
    if values.shape not in ((n,), (n, 1)):
        raise fail(
            "model",
            f"<output of shape {values.shape}>",
            f"one value per sequence, shape ({n},) or ({n}, 1); wrap the output to explain in a keras.Model",
        )
    return values.reshape(n)


def predict(model, X: np.ndarray, batch_size: int = 1024) -> np.ndarray:
    """The model's output for every sequence of a one-hot batch, as a float64 vector.

    Direct (eager) calls on chunks of ``batch_size`` sequences rather than ``model.predict``: its
    compiled function is retraced (with a warning) for every new batch shape, and its ``tf.data``
    pipeline costs more than a small network itself. The model must return one value per sequence
    (a probability or a logit, whatever its last layer gives).

    Parameters
    ----------
    model : keras.Model
    X : numpy.ndarray, shape=(n, length, 4)
    batch_size : int

    Returns
    -------
    numpy.ndarray, shape=(n,)
    """
    import keras

    X = check_array(X, "X", ndim=3, shape_text="(n, length, channels)").astype(np.float32)
    batch_size = check_positive_int(batch_size, "batch_size")
    chunks = [
        _one_value_per_sequence(
            keras.ops.convert_to_numpy(model(X[i : i + batch_size], training=False)),
            len(X[i : i + batch_size]),
        )
        for i in range(0, len(X), batch_size)
    ]
    return np.concatenate(chunks) if chunks else np.zeros(0)


def _gradients(model, X: np.ndarray) -> np.ndarray:
    """Gradient of the model's output for each sequence w.r.t. its own input, shape ``X.shape``."""
    import tensorflow as tf

    inputs = tf.convert_to_tensor(X, dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        output = model(inputs, training=False)
        # Sequences do not interact, so the gradient of the sum is each sequence's own gradient.
        total = tf.reduce_sum(output)
    _one_value_per_sequence(output, len(X))
    return tape.gradient(total, inputs).numpy().astype(np.float64)


# --------------------------------------------------------------------------- attributions


def saturation_mutagenesis(model, x: np.ndarray | str) -> np.ndarray:
    """In-silico saturation mutagenesis: the effect of every single-base substitution.

    All ``3 * length`` mutants are predicted together with the reference (see :func:`predict`).

    Parameters
    ----------
    model : keras.Model
        Maps ``(n, length, 4)`` to one value per sequence.
    x : numpy.ndarray, shape=(length, 4), or str
        One one-hot sequence (A, C, G, T order), or the DNA string itself.

    Returns
    -------
    numpy.ndarray, shape=(length, 4), dtype=float64
        ``effects[i, b]`` = model(x with base ``b`` at position ``i``) - model(x). Zero at the
        reference base. At an ``N`` position (all-zero row) all four bases are substituted.
    """
    x = _as_onehot(x)
    length = len(x)
    _check_model_length(model, length)
    positions, bases = np.nonzero(x == 0)  # every (position, base) that differs from the reference
    mutants = np.repeat(x[None], len(positions) + 1, axis=0)  # row 0 stays the reference
    rows = np.arange(1, len(positions) + 1)
    mutants[rows, positions] = 0.0
    mutants[rows, positions, bases] = 1.0
    scores = predict(model, mutants)
    effects = np.zeros((length, len(DNA_ALPHABET)))
    effects[positions, bases] = scores[1:] - scores[0]
    return effects


def saliency(model, x: np.ndarray | str) -> np.ndarray:
    """Saliency map: the gradient of the model's output with respect to its one-hot input.

    ``gradient[i, b]`` says how fast the output would change if the value for base ``b`` at
    position ``i`` were nudged; multiply by ``x`` to keep only the bases that are present
    ("gradient x input").

    Parameters
    ----------
    model : keras.Model
    x : numpy.ndarray, shape=(length, 4), or str

    Returns
    -------
    numpy.ndarray, shape=(length, 4), dtype=float64
    """
    x = _as_onehot(x)
    _check_model_length(model, len(x))
    return _gradients(model, x[None])[0]


def integrated_gradients(
    model, x: np.ndarray | str, baseline: np.ndarray | None = None, steps: int = 50
) -> np.ndarray:
    """Integrated Gradients (Sundararajan et al. 2017) of one sequence against a baseline.

    ``IG = (x - baseline) * mean gradient along the straight path baseline -> x``; the path
    integral is approximated with the **trapezoidal rule** on ``steps`` equal intervals, i.e.
    gradients at the ``steps + 1`` points ``baseline + k / steps * (x - baseline)``, ``k = 0 ..
    steps``, the two end points weighted one half. Completeness: ``IG.sum()`` approaches
    ``model(x) - model(baseline)`` as ``steps`` grows; check it.

    Parameters
    ----------
    model : keras.Model
    x : numpy.ndarray, shape=(length, 4), or str
        The sequence to explain (one-hot, A, C, G, T order).
    baseline : numpy.ndarray, shape=(length, 4), optional
        The reference input; any finite values (all zeros, 0.25 everywhere, a dinucleotide-shuffled
        one-hot sequence ...). Default: all zeros. To average over several baselines, call this
        once per baseline and average the results.
    steps : int
        Number of intervals of the trapezoidal rule, at least 1.

    Returns
    -------
    numpy.ndarray, shape=(length, 4), dtype=float64
        Attribution of each base at each position; with a zero baseline, only the bases present
        in ``x`` are non-zero.
    """
    x = _as_onehot(x)
    _check_model_length(model, len(x))
    steps = check_positive_int(steps, "steps")
    if baseline is None:
        baseline = np.zeros_like(x)
    else:
        baseline = check_array(baseline, "baseline", ndim=2, last=4, shape_text=f"{x.shape}, the shape of x")
        if baseline.shape != x.shape:
            raise fail("baseline", baseline, f"the shape of x, {x.shape}")
        baseline = baseline.astype(np.float32)
    alphas = np.linspace(0.0, 1.0, steps + 1, dtype=np.float32)
    weights = np.full(steps + 1, 1.0 / steps)
    weights[[0, -1]] /= 2  # trapezoidal rule
    gradient_sum = np.zeros(x.shape)
    for start in range(0, steps + 1, _GRADIENT_BATCH):
        chunk = alphas[start : start + _GRADIENT_BATCH]
        path = baseline[None] + chunk[:, None, None] * (x - baseline)[None]
        gradient_sum += np.tensordot(weights[start : start + len(chunk)], _gradients(model, path), axes=1)
    return (x - baseline).astype(np.float64) * gradient_sum


# --------------------------------------------------------------------------- first-layer filters


def _first_conv1d(model):
    """The model's first ``Conv1D`` layer (searched depth-first through nested models)."""
    import keras

    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv1D):
            return layer
        if isinstance(layer, keras.Model):
            found = _first_conv1d(layer)
            if found is not None:
                return found
    return None


def filter_activations(model, X: np.ndarray | Sequence[str], filter_index: int | None = None) -> np.ndarray:
    """Outputs of the model's first ``Conv1D`` layer (after its activation function).

    The layer is applied directly to ``X``, so it must be the layer that reads the one-hot input.

    Parameters
    ----------
    model : keras.Model
    X : numpy.ndarray, shape=(n, length, 4), or list of n equal-length DNA strings
    filter_index : int, optional
        One filter; default all.

    Returns
    -------
    numpy.ndarray, shape=(n, positions, n_filters), or (n, positions) for one filter
        ``positions`` is ``length - kernel_size + 1`` for ``padding="valid"`` and ``length`` for
        ``"same"``. Computed in batches of 512 sequences.
    """
    X = _as_onehot_batch(X)
    return _activations(_first_conv1d(model), X, filter_index)


def _activations(conv, X: np.ndarray, filter_index: int | None) -> np.ndarray:
    """``conv``'s output on the checked batch ``X``, for all filters or one."""
    import keras

    if conv is None:
        raise fail("model", "<keras.Model>", "a model whose first layers include a Conv1D")
    if filter_index is not None:
        filter_index = check_int(filter_index, "filter_index", minimum=0, maximum=conv.filters - 1)
    if filter_index is None:
        layer = conv
    else:  # convolve with this one filter only: n_filters times less work than the whole layer

        def layer(batch):
            kernel = conv.kernel[:, :, filter_index : filter_index + 1]
            out = keras.ops.conv(batch, kernel, strides=1, padding=conv.padding)
            if conv.use_bias:
                out = out + conv.bias[filter_index]
            return conv.activation(out)

    parts = [keras.ops.convert_to_numpy(layer(X[i : i + 512])) for i in range(0, len(X), 512)]
    activations = np.concatenate(parts).astype(np.float64)
    return activations if filter_index is None else activations[..., 0]


def filter_pwm(model, X: np.ndarray | Sequence[str], filter_index: int, top_k: int = 100) -> np.ndarray:
    """Position probability matrix of a first-layer filter, from the windows that excite it most.

    For every sequence, the window at the filter's highest activation is taken (so one sequence
    contributes at most one window and overlapping, shifted copies of the same site cannot fill
    the list); the ``top_k`` sequences with the highest such activation are kept (ties: the
    earlier sequence first), and their windows' bases are counted position by position.

    Only windows lying entirely inside the sequence are considered: with ``padding="same"`` the
    positions whose window would run into the zero padding are skipped. ``N`` bases inside a
    window are not counted; a position with no counted base at all gets 0.25 for each base.
    A filter that never activates gives a background-like matrix: look at its activations.

    Parameters
    ----------
    model : keras.Model
        Its first ``Conv1D`` layer (stride 1, no dilation) reads the one-hot input.
    X : numpy.ndarray, shape=(n, length, 4), or list of n equal-length DNA strings
    filter_index : int
    top_k : int
        How many windows to count, at most ``n``.

    Returns
    -------
    numpy.ndarray, shape=(kernel_size, 4)
        Base frequencies per position, A, C, G, T order; rows sum to 1, no pseudocount added.
    """
    X = _as_onehot_batch(X)
    conv = _first_conv1d(model)
    if conv is None:
        raise fail("model", "<keras.Model>", "a model whose first layers include a Conv1D")
    if tuple(conv.strides) != (1,) or tuple(conv.dilation_rate) != (1,):
        raise fail("model", "<keras.Model>", "a first Conv1D with strides=1 and dilation_rate=1")
    top_k = check_int(top_k, "top_k", minimum=1, maximum=len(X))
    width = conv.kernel_size[0]
    length = X.shape[1]
    if width > length:
        raise fail("X", X, f"sequences at least as long as the filter ({width} bp)")
    activations = _activations(conv, X, filter_index)
    # Window start of each output position; Keras/TensorFlow pad (width - 1) // 2 zeros on the left.
    offset = (width - 1) // 2 if conv.padding == "same" else 0
    starts = np.arange(activations.shape[1]) - offset
    inside = (starts >= 0) & (starts + width <= length)
    activations, starts = activations[:, inside], starts[inside]
    best = activations.argmax(axis=1)
    chosen = np.argsort(-activations[np.arange(len(X)), best], kind="stable")[:top_k]
    windows = np.stack([X[i, starts[best[i]] : starts[best[i]] + width] for i in chosen])
    counts = windows.sum(axis=0).astype(np.float64)
    totals = counts.sum(axis=1, keepdims=True)
    return np.divide(counts, totals, out=np.full_like(counts, 0.25), where=totals > 0)


def top_window(attributions: np.ndarray, width: int) -> int:
    """Start of the ``width``-bp window with the largest total attribution.

    Parameters
    ----------
    attributions : numpy.ndarray, shape=(length, 4) or (length,)
        Per-base (summed over the 4 columns) or per-position scores; signed values are summed as
        they are, so negative evidence lowers a window's total.
    width : int
        Window length in bp, typically the motif's length.

    Returns
    -------
    int
        0-based start of the best window; the first one if several tie.
    """
    scores = check_array(attributions, "attributions", shape_text="(length, 4) or (length,)")
    if scores.ndim == 2 and scores.shape[1] == len(DNA_ALPHABET):
        scores = scores.sum(axis=1)
    if scores.ndim != 1:
        raise fail("attributions", attributions, f"shape (length, 4) or (length,), got {scores.shape}")
    width = check_int(width, "width", minimum=1, maximum=len(scores))
    window_sums = np.convolve(scores, np.ones(width), mode="valid")
    return int(np.argmax(window_sums))
