"""Known-wrong answers to exercise 01_cnn, as mistakes learners really make.

Each entry replaces one answer cell (``answer``: 0-based index of the answer cell in the student
notebook) and must lose points on ``question`` while every other question keeps full marks, except
those listed in ``also`` that depend on the same answer (a different model changes the AUROC the
learner reported). Entries with ``public`` are the mistakes the learner's own ``grader.check``
must already catch, with a message that contains ``public`` (what to change).
"""

from typing import NamedTuple


class Wrong(NamedTuple):
    name: str
    question: str
    answer: int
    code: str
    also: tuple[str, ...] = ()
    public: str = ""  # when set: a public check (the learner's own grader.check) fails, saying this


ONE_HOT = """
def one_hot_encode(seq):
    columns = {columns}
    encoded = np.zeros((len(seq), 4), dtype={dtype})
    for position, base in enumerate({iterate}):
        if base in columns:
            encoded[position, columns[base]] = 1.0
        elif base == "N":
            encoded[position] = {n_row}
        elif {strict}:
            raise ValueError(f"invalid base {{base!r}}")
    return encoded
"""


def _one_hot(
    columns='{"A": 0, "C": 1, "G": 2, "T": 3}',
    dtype="np.float32",
    iterate="seq.upper()",
    n_row="0.0",
    strict="True",
):
    return ONE_HOT.format(columns=columns, dtype=dtype, iterate=iterate, n_row=n_row, strict=strict)


BUILD_CNN = """
def build_cnn(seq_len, n_filters=32, kernel_size=12):
    model = keras.Sequential([
        keras.Input(shape=(seq_len, 4)),
        keras.layers.Conv1D(n_filters, {kernel}, activation="relu"),
        keras.layers.GlobalMaxPooling1D(),
        keras.layers.Dense(1, activation="{activation}"),
    ])
    {compile_line}
    return model
"""
COMPILE = 'model.compile(optimizer="adam", loss="{loss}", metrics=[keras.metrics.AUC()])'


def _build_cnn(kernel="kernel_size", activation="sigmoid", loss="binary_crossentropy", compile_line=None):
    if compile_line is None:
        compile_line = COMPILE.format(loss=loss)
    return BUILD_CNN.format(kernel=kernel, activation=activation, compile_line=compile_line)


WRONG = [
    Wrong("base order A, C, T, G", "q1", 0, _one_hot(columns='{"A": 0, "C": 1, "T": 2, "G": 3}')),
    Wrong("N encoded as 0.25 everywhere", "q1", 0, _one_hot(n_row="0.25"), public="all-zero row"),
    Wrong("float64 instead of float32", "q1", 0, _one_hot(dtype="np.float64")),
    Wrong("lower case not handled", "q1", 0, _one_hot(iterate="seq")),
    Wrong(
        "invalid characters silently ignored",
        "q1",
        0,
        _one_hot(strict="False"),
        public="must raise ValueError",
    ),
    Wrong("reversed but not complemented", "q2", 1, "def reverse_complement(seq):\n    return seq[::-1]\n"),
    Wrong(
        "complemented but not reversed",
        "q2",
        1,
        'def reverse_complement(seq):\n    return seq.translate(str.maketrans("ACGTNacgtn", "TGCANtgcan"))\n',
    ),
    Wrong(
        "case not kept",
        "q2",
        1,
        "def reverse_complement(seq):\n"
        '    return seq.upper().translate(str.maketrans("ACGTN", "TGCAN"))[::-1]\n',
    ),
    Wrong("softmax over one unit", "q3", 2, _build_cnn(activation="softmax")),
    Wrong("missing compile", "q3", 2, _build_cnn(compile_line="")),
    Wrong("kernel_size argument ignored", "q3", 2, _build_cnn(kernel="12")),
    Wrong("mean squared error loss", "q3", 2, _build_cnn(loss="mse")),
    Wrong("model never trained", "q4", 3, "model = build_cnn(200)\n", also=("q5",)),
    Wrong(
        "AUROC of the validation split reported",
        "q5",
        4,
        "X_val = np.stack([one_hot_encode(s) for s in data.val.x])\n"
        "test_auroc = float(roc_auc_score(data.val.y, model.predict(X_val, verbose=0).ravel()))\n",
    ),
]
