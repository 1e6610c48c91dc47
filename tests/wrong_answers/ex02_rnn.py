"""Known-wrong answers to exercise 02_rnn (see ex01_cnn.py for the format).

Transcriptions of what chapter 5 and ``seqdl`` do (truncating at the end, the single-LSTM formula,
``seqdl.models.recurrent(pooled=True)`` with a Masking layer added) are among them: copying must
not pass.
"""

from wrong_answers.ex01_cnn import Wrong

ONE_HOT_BATCH = """
def one_hot_batch(seqs, length):
    batch = np.zeros((len(seqs), length, 4), dtype=np.float32)
    for row, seq in enumerate(seqs):
        start = {start}
        encoded = one_hot_encode(seq[start : start + length])
        batch[row, {rows}] = encoded
    return batch
"""


def _one_hot_batch(start="max(len(seq) - length, 0) // 2", rows=": len(encoded)"):
    return ONE_HOT_BATCH.format(start=start, rows=rows)


def _count(body: str) -> str:
    return f"def hybrid_param_count(n_filters, width, pool, units):\n    return {body}\n"


POOLED = """
def build_pooled_rnn(seq_len, units=32, bidirectional=True, cell="lstm"):
    cells = {{"lstm": keras.layers.LSTM, "gru": keras.layers.GRU}}
    if cell not in cells:
        raise ValueError(cell)
    recurrent = {recurrent}
    if bidirectional:
        recurrent = keras.layers.Bidirectional(recurrent)
    inputs = keras.Input(shape=(seq_len, 4))
    states = recurrent({masked})
    is_base = keras.ops.any(keras.ops.not_equal(inputs, 0.0), axis=-1, keepdims=True)
    best = {pool}
    outputs = keras.layers.Dense(1, activation="{activation}")(best)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=[keras.metrics.AUC()])
    return model
"""
MASKED_MAX = "keras.ops.max(keras.ops.where(is_base, states, -1e9), axis=1)"


def _pooled(
    recurrent="cells[cell](units, return_sequences=True)",
    masked="keras.layers.Masking(mask_value=0.0)(inputs)",
    pool=MASKED_MAX,
    activation="sigmoid",
):
    return POOLED.format(recurrent=recurrent, masked=masked, pool=pool, activation=activation)


# seqdl.models.recurrent(pooled=True), as chapter 5 uses it, with the Masking layer of chapter 5 added.
RECURRENT_POOLED_WITH_MASKING = """
def build_pooled_rnn(seq_len, units=32, bidirectional=True, cell="lstm"):
    kinds = {"lstm": "LSTM", "gru": "GRU"}
    if cell not in kinds:
        raise ValueError(cell)
    layer = getattr(keras.layers, kinds[cell])(units, return_sequences=True)
    stack = [keras.layers.Bidirectional(layer) if bidirectional else layer, keras.layers.GlobalMaxPooling1D()]
    model = keras.Sequential([keras.Input((seq_len, 4)), keras.layers.Masking(mask_value=0.0), *stack,
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=[keras.metrics.AUC()])
    return model
"""

# Chapter 5's masked model: the last state, no pooling.
LAST_STATE = _pooled(recurrent="cells[cell](units)", pool="states")

# A Lambda layer for the masked maximum: right numbers, but the grader cannot reload the model.
LAMBDA_MAX = _pooled(
    pool="keras.layers.Lambda(lambda t: keras.ops.max(keras.ops.where(t[1], t[0], -1e9), axis=1))([states, is_base])"
)

WRONG = [
    Wrong(
        "padding at the front",
        "q1",
        0,
        _one_hot_batch(rows="length - len(encoded) :"),
        public="pad at the END",
    ),
    Wrong(
        "truncating at the end, as seqdl.encode.one_hot_batch does",
        "q1",
        0,
        _one_hot_batch(start="0"),
        public="keep the CENTRAL bases",
    ),
    Wrong(
        "centre rounded the other way (odd surplus)",
        "q1",
        0,
        _one_hot_batch(start="(max(len(seq) - length, 0) + 1) // 2"),
        public="an odd surplus loses",
    ),
    Wrong(
        "chapter 5's single-LSTM formula for the LSTM's input of 4 bases",
        "q2",
        1,
        _count("n_filters * (4 * width + 1) + 2 * 4 * units * (4 + units + 1) + 2 * units + 1"),
        public="does not read the 4 bases",
    ),
    Wrong(
        "one direction only",
        "q2",
        1,
        _count("n_filters * (4 * width + 1) + 4 * units * (n_filters + units + 1) + 2 * units + 1"),
        public="TWO LSTMs",
    ),
    Wrong(
        "Dense reading one direction's state",
        "q2",
        1,
        _count("n_filters * (4 * width + 1) + 2 * 4 * units * (n_filters + units + 1) + units + 1"),
        public="2 * units",
    ),
    Wrong(
        "pooling counted as weights",
        "q2",
        1,
        _count(
            "n_filters * (4 * width + 1) + pool * n_filters + 8 * units * (n_filters + units + 1) + 2 * units + 1"
        ),
        public="Count layer by layer",
    ),
    Wrong(
        "the model built and counted by Keras, not worked out",
        "q2",
        1,
        "def hybrid_param_count(n_filters, width, pool, units):\n"
        "    return keras.Sequential([keras.Input((200, 4)), keras.layers.Conv1D(n_filters, width),\n"
        "        keras.layers.MaxPooling1D(pool), keras.layers.Bidirectional(keras.layers.LSTM(units)),\n"
        "        keras.layers.Dense(1)]).count_params()\n",
        public="without building the model",
    ),
    Wrong(
        "an unknown cell looked up in a dict: KeyError, not ValueError",
        "q3",
        2,
        _pooled().replace("    if cell not in cells:\n        raise ValueError(cell)\n", ""),
        public="it must raise ValueError",
    ),
    Wrong(
        "seqdl.models.recurrent(pooled=True) with Masking: GlobalMaxPooling1D ignores the mask",
        "q3",
        2,
        RECURRENT_POOLED_WITH_MASKING,
        public="must not enter the maximum",
    ),
    Wrong("chapter 5's last-state model (no pooling)", "q3", 2, LAST_STATE, public="return_sequences=True"),
    Wrong(
        "no Masking layer", "q3", 2, _pooled(masked="inputs"), public="keras.layers.Masking(mask_value=0.0)"
    ),
    Wrong(
        "masked average instead of maximum",
        "q3",
        2,
        _pooled(pool="keras.layers.GlobalAveragePooling1D()(states)"),
    ),
    Wrong("a Lambda layer for the masked maximum", "q3", 2, LAMBDA_MAX, public="safe_mode=True"),
    Wrong("a softmax head", "q3", 2, _pooled(activation="softmax")),
    Wrong(
        "cell argument ignored (always LSTM)",
        "q3",
        2,
        _pooled(recurrent="keras.layers.LSTM(units, return_sequences=True)"),
        public="needs one GRU layer",
    ),
    Wrong(
        "a CNN without any recurrent layer",
        "q4",
        3,
        "model = keras.Sequential([keras.Input(shape=(200, 4)), keras.layers.Conv1D(8, 12, activation='relu'),\n"
        "    keras.layers.GlobalMaxPooling1D(), keras.layers.Dense(1, activation='sigmoid')])\n"
        "model.compile(optimizer='adam', loss='binary_crossentropy')\n"
        "model.fit(one_hot_batch(data.train.x, 200), data.train.y, epochs=1, verbose=0)\n",
    ),
    Wrong(
        "recurrent model never trained",
        "q4",
        3,
        "model = keras.Sequential([keras.Input(shape=(200, 4)), keras.layers.Conv1D(8, 12, activation='relu'),\n"
        "    keras.layers.MaxPooling1D(8), keras.layers.LSTM(4), keras.layers.Dense(1, activation='sigmoid')])\n",
        public="validation AUROC is",
    ),
]
