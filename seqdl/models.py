"""Every model the book and its tests reuse, defined once (Keras 3, TensorFlow backend).

The chapters build each of these step by step where they teach it, then check that the package
version is the same model (``tests/test_models.py`` checks the recipes themselves); later chapters
simply call them. Inputs follow the book's layouts: one-hot DNA ``(batch, length, 4)`` in A, C, G, T
order (:mod:`seqdl.encode`), and protein tokens ``(batch, length)`` with 0 for padding.

=====================  ==========================================================  =========
function               model                                                       chapters
=====================  ==========================================================  =========
:func:`oct4_cnn`       Conv1D(32 x 12 bp) -> global max pooling -> sigmoid           4, 6
:func:`logit_cnn`      Conv1D -> global max pooling -> one logit                     7, 9
:func:`recurrent`      SimpleRNN / LSTM / GRU, optionally bidirectional, on the      5
                       last state or max-pooled over every step
:func:`cnn_rnn`        Conv1D -> max pooling -> bidirectional LSTM (DanQ-style)      5
:func:`encoder_block`  post-norm transformer encoder block                          10
:func:`transformer_classifier`  token + position embedding, encoder blocks, mean     10, 12
=====================  ==========================================================  =========

Keras is imported inside the functions, so ``import seqdl.models`` is cheap.
"""

from __future__ import annotations

import functools

import numpy as np

from .data import SEQ_LEN
from .encode import PROTEIN_ALPHABET
from .validate import check_choice, check_int, check_number, check_positive_int

# Chapter 4's CNN, the one the predictor page deploys (chapter 6).
OCT4_FILTERS = 32
OCT4_KERNEL_WIDTH = 12  # bp
RECURRENT_KINDS = ("SimpleRNN", "LSTM", "GRU")


def sigmoid(z) -> np.ndarray:
    """The logistic function ``1 / (1 + exp(-z))``: a logit to a probability (float64, stable)."""
    z = np.asarray(z, dtype=np.float64)
    return np.exp(-np.logaddexp(0.0, -z))


_ARCHITECTURE_KEYS = (
    "units", "filters", "kernel_size", "strides", "padding", "activation", "pool_size", "rate",
    "return_sequences", "num_heads", "key_dim", "output_dim", "input_dim",
)  # fmt: skip


def architecture(model) -> list[tuple]:
    """What defines a model's computation, layer by layer: class and the settings that matter.

    Layer names and initial weights are left out, so a model a chapter builds step by step and the
    package's version of it compare equal when they compute the same thing:
    ``assert architecture(chapter_cnn) == architecture(models.oct4_cnn())``.
    """
    rows = []
    for layer in model.layers:
        config = layer.get_config()
        settings = tuple((key, _plain(config[key])) for key in _ARCHITECTURE_KEYS if key in config)
        inner = config.get("layer") or config.get("forward_layer")
        if isinstance(inner, dict):  # Bidirectional wraps a recurrent layer
            settings += (("wraps", inner.get("class_name"), _plain(inner.get("config", {}).get("units"))),)
        rows.append((type(layer).__name__, settings))
    return rows


def _plain(value):
    if isinstance(value, dict):  # a serialised activation or initializer
        return value.get("config", {}).get("name", value.get("class_name"))
    return tuple(value) if isinstance(value, list) else value


# --------------------------------------------------------------------------- DNA CNNs


def oct4_cnn(seq_len: int = SEQ_LEN):
    """Chapter 4's CNN: Conv1D(32 filters, 12 bp, ReLU) -> global max pooling -> Dense(1, sigmoid).

    Every layer is named, so the node names of an exported graph do not depend on how many models
    were built before in the same Python session (the committed web model stays comparable).

    Parameters
    ----------
    seq_len : int
        Input length in bp; inputs are one-hot DNA of shape ``(batch, seq_len, 4)``.

    Returns
    -------
    keras.Model
        Uncompiled; output ``(batch, 1)``: the probability of the Oct4 class.
    """
    import keras

    seq_len = check_positive_int(seq_len, "seq_len")
    return keras.Sequential(
        [
            keras.Input((seq_len, 4), name="onehot"),
            keras.layers.Conv1D(OCT4_FILTERS, OCT4_KERNEL_WIDTH, activation="relu", name="conv"),
            keras.layers.GlobalMaxPooling1D(name="max_pool"),
            keras.layers.Dense(1, activation="sigmoid", name="p_oct4"),
        ],
        name="oct4_cnn",
    )


def train_oct4_cnn(dataset=None, *, seed: int = 0, max_epochs: int = 30, patience: int = 2):
    """Train :func:`oct4_cnn` with chapter 4's recipe on the Oct4 / MafK chromosome split.

    Adam with learning rate 0.01, binary cross-entropy, batches of 64, at most ``max_epochs``
    epochs, stopped when the validation loss has not improved for ``patience`` epochs, keeping the
    weights of the best epoch. Takes about ten seconds on a laptop CPU.

    Parameters
    ----------
    dataset : seqdl.data.Dataset, optional
        Default :func:`seqdl.data.load_oct4_mafk` (validation chr7, test chr8 and chr9).
    seed : int
        Passed to ``keras.utils.set_random_seed`` (initial weights and batch order).
    max_epochs, patience : int

    Returns
    -------
    keras.Model
        Trained and compiled; ``model.history.history`` holds the learning curves (metric ``auroc``).
    """
    import keras

    from .data import load_oct4_mafk
    from .encode import one_hot_batch

    seed = check_int(seed, "seed", minimum=0)
    max_epochs = check_positive_int(max_epochs, "max_epochs")
    patience = check_positive_int(patience, "patience")
    dataset = load_oct4_mafk() if dataset is None else dataset
    x_train = one_hot_batch(dataset.train.x, SEQ_LEN)
    x_val = one_hot_batch(dataset.val.x, SEQ_LEN)
    keras.utils.set_random_seed(seed)
    model = oct4_cnn()
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss="binary_crossentropy",
        metrics=[keras.metrics.AUC(name="auroc")],
        # 16 batches per call into the compiled graph: the same updates in the same order (the
        # learning curves are identical), with less Python overhead per batch on a CPU.
        steps_per_execution=16,
    )
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)
    model.fit(
        x_train,
        dataset.train.y,
        validation_data=(x_val, dataset.val.y),
        epochs=max_epochs,
        batch_size=64,
        callbacks=[stop],
        verbose=0,
    )
    return model


def logit_cnn(seq_len: int = SEQ_LEN, n_filters: int = 32, width: int = 15):
    """Conv1D(``n_filters`` x ``width`` bp, ReLU) -> global max pooling -> Dense(1): one **logit**.

    The models that chapters 7 to 9 explain: their output is the logit (the ``z`` of chapter 1,
    before the sigmoid), because attributions of a probability flatten near 0 and 1. Train with
    :func:`fit` (``from_logits=True``) and turn outputs into probabilities with :func:`sigmoid`.
    """
    import keras

    seq_len = check_positive_int(seq_len, "seq_len")
    n_filters = check_positive_int(n_filters, "n_filters")
    width = check_int(width, "width", minimum=1, maximum=seq_len)
    inputs = keras.Input((seq_len, 4), name="onehot")
    hidden = keras.layers.Conv1D(n_filters, width, activation="relu", name="conv")(inputs)
    hidden = keras.layers.GlobalMaxPooling1D(name="max_pool")(hidden)
    return keras.Model(inputs, keras.layers.Dense(1, name="logit")(hidden), name="logit_cnn")


def fit(
    model,
    x,
    y,
    *,
    validation_data=None,
    epochs: int = 5,
    learning_rate: float = 3e-3,
    from_logits: bool = True,
    patience: int | None = None,
    seed: int = 0,
    batch_size: int = 64,
    callbacks=(),
):
    """Compile ``model`` (Adam, binary cross-entropy, AUROC metric) and train it; return the History.

    Parameters
    ----------
    model : keras.Model
        One output per sequence: a logit (``from_logits=True``) or a probability.
    x, y : numpy.ndarray
        Inputs and 0/1 labels.
    validation_data : tuple, optional
        ``(x_val, y_val)``; needed for ``patience``.
    epochs : int
        At most this many epochs.
    learning_rate : float
    from_logits : bool
    patience : int, optional
        Stop when the validation loss has not improved for this many epochs and keep the best
        epoch's weights (early stopping). ``None``: train all ``epochs``.
    seed : int
        ``keras.utils.set_random_seed`` before training (batch order, dropout).
    batch_size : int
    callbacks : sequence of keras callbacks
    """
    import keras

    epochs = check_positive_int(epochs, "epochs")
    check_number(learning_rate, "learning_rate", minimum=0)
    if patience is not None:
        patience = check_positive_int(patience, "patience")
        if validation_data is None:
            raise ValueError(f"patience={patience!r}: expected validation_data to watch for early stopping")
    keras.utils.set_random_seed(check_int(seed, "seed", minimum=0))
    model.compile(
        keras.optimizers.Adam(learning_rate),
        keras.losses.BinaryCrossentropy(from_logits=from_logits),
        metrics=[keras.metrics.AUC(name="auroc", from_logits=from_logits)],
    )
    callbacks = list(callbacks)
    if patience is not None:
        callbacks.append(
            keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)
        )
    return model.fit(
        x,
        y,
        validation_data=validation_data,
        epochs=epochs,
        batch_size=check_positive_int(batch_size, "batch_size"),
        callbacks=callbacks,
        verbose=0,
    )


def composition_classifier(max_iter: int = 2000):
    """Amino-acid composition + logistic regression, one scikit-learn pipeline on peptide strings.

    The baseline of chapters 10 and 12: each peptide becomes the fraction of each of the 20 amino
    acids (:func:`seqdl.encode.amino_acid_composition`), and a logistic regression weighs them. It
    knows which residues a peptide holds, nothing of their order. ``fit(peptides, y)``, then
    ``predict_proba(peptides)[:, 1]``; ``pipeline[-1]`` is the fitted regression.

    Parameters
    ----------
    max_iter : int
        Iterations of the regression's solver.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    from .encode import amino_acid_composition

    max_iter = check_positive_int(max_iter, "max_iter")
    return make_pipeline(FunctionTransformer(amino_acid_composition), LogisticRegression(max_iter=max_iter))


# --------------------------------------------------------------------------- recurrent networks


def recurrent(
    kind: str = "LSTM",
    units: int = 32,
    bidirectional: bool = False,
    pooled: bool = False,
    seq_len: int = SEQ_LEN,
):
    """A recurrent classifier of one-hot DNA with a sigmoid output (chapter 5).

    Parameters
    ----------
    kind : {"SimpleRNN", "LSTM", "GRU"}
    units : int
        Size of the hidden state (per direction).
    bidirectional : bool
        Add a second recurrent layer reading the sequence from its end (the *same strand*,
        reversed; not the reverse complement).
    pooled : bool
        ``False``: classify from the **last** hidden state, so a motif near the start must survive
        every later step. ``True``: keep the state of every step (``return_sequences=True``) and
        take the maximum of each unit over the steps (global max pooling), as the CNN does -- the
        fair comparison.
    seq_len : int
    """
    import keras
    from keras import layers

    kind = check_choice(kind, "kind", RECURRENT_KINDS)
    units = check_positive_int(units, "units")
    cell = getattr(layers, kind)(units, return_sequences=bool(pooled), name=kind.lower())
    stack = [layers.Bidirectional(cell, name=f"bi_{kind.lower()}") if bidirectional else cell]
    if pooled:
        stack.append(layers.GlobalMaxPooling1D(name="max_over_steps"))
    name = f"{'bi' if bidirectional else ''}{kind.lower()}{'_pooled' if pooled else ''}"
    return keras.Sequential(
        [keras.Input((check_positive_int(seq_len, "seq_len"), 4), name="onehot"), *stack,
         layers.Dense(1, activation="sigmoid", name="p_positive")],
        name=name,
    )  # fmt: skip


def cnn_rnn(pool: int = 8, seq_len: int = SEQ_LEN, n_filters: int = 32, units: int = 16):
    """DanQ-style hybrid (Quang & Xie 2016): Conv1D motif scanner -> max pooling -> BiLSTM -> sigmoid.

    Max pooling over ``pool`` bp shortens the sequence the LSTM reads from ``seq_len - 11`` to about
    ``(seq_len - 11) / pool`` steps.
    """
    import keras
    from keras import layers

    return keras.Sequential(
        [
            keras.Input((check_positive_int(seq_len, "seq_len"), 4), name="onehot"),
            layers.Conv1D(check_positive_int(n_filters, "n_filters"), 12, activation="relu", name="conv"),
            layers.MaxPooling1D(check_positive_int(pool, "pool"), name="pool"),
            layers.Bidirectional(layers.LSTM(check_positive_int(units, "units")), name="bi_lstm"),
            layers.Dense(1, activation="sigmoid", name="p_positive"),
        ],
        name="cnn_rnn",
    )


# --------------------------------------------------------------------------- transformers


@functools.cache
def _token_and_position_embedding():
    import keras

    @keras.saving.register_keras_serializable(package="seqdl")
    class TokenAndPositionEmbedding(keras.layers.Layer):
        """Learned token + position embeddings, ``(batch, length)`` ids -> ``(batch, length, dim)``."""

        def __init__(self, vocab_size: int, max_len: int, dim: int, **kwargs):
            super().__init__(**kwargs)
            self.vocab_size, self.max_len, self.dim = vocab_size, max_len, dim
            self.token = keras.layers.Embedding(vocab_size, dim)
            self.position = keras.layers.Embedding(max_len, dim)

        def call(self, ids):
            positions = keras.ops.arange(keras.ops.shape(ids)[-1])
            return self.token(ids) + self.position(positions)[None]

        def get_config(self):
            return super().get_config() | {
                "vocab_size": self.vocab_size,
                "max_len": self.max_len,
                "dim": self.dim,
            }

    return TokenAndPositionEmbedding


def token_and_position_embedding(vocab_size: int, max_len: int, dim: int, name: str = "embedding"):
    """A layer adding a learned embedding of each token and of each position (chapter 10)."""
    layer = _token_and_position_embedding()
    return layer(
        check_positive_int(vocab_size, "vocab_size"),
        check_positive_int(max_len, "max_len"),
        check_positive_int(dim, "dim"),
        name=name,
    )


def encoder_block(x, attention_mask, num_heads: int, ff_dim: int, dropout: float = 0.1, name: str = "block"):
    """One post-norm transformer encoder block (Vaswani et al. 2017), Keras functional API.

    ``x``: ``(batch, length, dim)``; ``attention_mask``: ``(batch, 1, length)``, True at the keys
    every query may attend to (the residues, not the padding). Self-attention and a feed-forward
    network, each followed by dropout, a residual connection and layer normalisation.
    """
    from keras import layers

    dim = x.shape[-1]
    num_heads = check_positive_int(num_heads, "num_heads")
    if dim % num_heads:
        raise ValueError(f"num_heads={num_heads!r}: expected a divisor of the embedding size {dim}")
    attention = layers.MultiHeadAttention(num_heads, dim // num_heads, dropout=dropout, name=f"{name}_mha")(
        x, x, attention_mask=attention_mask
    )
    x = layers.LayerNormalization(name=f"{name}_norm1")(layers.Add()([x, layers.Dropout(dropout)(attention)]))
    hidden = layers.Dense(check_positive_int(ff_dim, "ff_dim"), activation="relu", name=f"{name}_ffn1")(x)
    hidden = layers.Dense(dim, name=f"{name}_ffn2")(hidden)
    return layers.LayerNormalization(name=f"{name}_norm2")(layers.Add()([x, layers.Dropout(dropout)(hidden)]))


def transformer_classifier(
    max_len: int,
    vocab_size: int = len(PROTEIN_ALPHABET) + 1,
    dim: int = 32,
    num_heads: int = 4,
    ff_dim: int = 64,
    num_blocks: int = 1,
    dropout: float = 0.1,
):
    """The small transformer encoder classifier of chapter 10, one sigmoid output.

    Input: integer tokens ``(n, length <= max_len)`` with 0 = padding (:func:`seqdl.encode.protein_batch`).
    Token + learned position embeddings, ``num_blocks`` :func:`encoder_block` s, then the mean over
    the residues. The padding mask is passed explicitly to every attention layer and to the pooling,
    so padding cannot change a prediction.
    """
    import keras
    from keras import layers

    check_number(dropout, "dropout", minimum=0, maximum=1)
    ids = keras.Input(shape=(None,), dtype="int32", name="tokens")
    is_residue = keras.ops.not_equal(ids, 0)  # (batch, length)
    attention_mask = keras.ops.expand_dims(is_residue, axis=1)  # (batch, 1, length): keys to attend to
    x = token_and_position_embedding(vocab_size, max_len, check_positive_int(dim, "dim"))(ids)
    for block in range(check_positive_int(num_blocks, "num_blocks")):
        x = encoder_block(x, attention_mask, num_heads, ff_dim, dropout, name=f"block{block}")
    pooled = layers.GlobalAveragePooling1D(name="mean_over_residues")(x, mask=is_residue)
    output = layers.Dense(1, activation="sigmoid", name="p_positive")(pooled)
    return keras.Model(ids, output, name="transformer_classifier")
