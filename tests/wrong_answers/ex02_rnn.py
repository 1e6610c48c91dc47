"""Known-wrong answers to exercise 02_rnn (see ex01_cnn.py for the format)."""

from wrong_answers.ex01_cnn import Wrong

BUILD_RNN = """
def build_rnn(seq_len, units=32, bidirectional=True, cell="lstm"):
    cells = {{"lstm": keras.layers.LSTM, "gru": keras.layers.GRU}}
    if cell not in cells:
        raise ValueError(cell)
    recurrent = {recurrent}
    if bidirectional:
        recurrent = keras.layers.Bidirectional(recurrent)
    model = keras.Sequential([keras.Input(shape=(seq_len, 4)), {masking}recurrent,
                              keras.layers.Dense(1, activation="{activation}")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=[keras.metrics.AUC()])
    return model
"""


def _build_rnn(
    recurrent="cells[cell](units)", masking="keras.layers.Masking(mask_value=0.0), ", activation="sigmoid"
):
    return BUILD_RNN.format(recurrent=recurrent, masking=masking, activation=activation)


WRONG = [
    Wrong(
        "padding at the front",
        "q1",
        0,
        "def one_hot_batch(seqs, length):\n"
        "    batch = np.zeros((len(seqs), length, 4), dtype=np.float32)\n"
        "    for row, seq in enumerate(seqs):\n"
        "        encoded = one_hot_encode(seq[:length])\n"
        "        batch[row, length - len(encoded):] = encoded\n"
        "    return batch\n",
        public="pad at the END",
    ),
    Wrong(
        "truncating at the front (keeps the last bases)",
        "q1",
        0,
        "def one_hot_batch(seqs, length):\n"
        "    batch = np.zeros((len(seqs), length, 4), dtype=np.float32)\n"
        "    for row, seq in enumerate(seqs):\n"
        "        encoded = one_hot_encode(seq[-length:] if len(seq) > length else seq)\n"
        "        batch[row, : len(encoded)] = encoded\n"
        "    return batch\n",
    ),
    Wrong(
        "a GRU count (3 gates) for an LSTM",
        "q2",
        1,
        "def lstm_param_count(input_dim, units):\n    return 3 * (input_dim * units + units * units + units)\n",
    ),
    Wrong(
        "biases forgotten",
        "q2",
        1,
        "def lstm_param_count(input_dim, units):\n    return 4 * (input_dim * units + units * units)\n",
    ),
    Wrong("no masking", "q3", 2, _build_rnn(masking=""), public="mask the padded positions"),
    Wrong("a softmax head", "q3", 2, _build_rnn(activation="softmax")),
    Wrong("cell argument ignored (always LSTM)", "q3", 2, _build_rnn(recurrent="keras.layers.LSTM(units)")),
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
    ),
]
