"""Known-wrong answers to exercise 01_cnn, as mistakes learners really make.

Each entry replaces one answer cell (``answer``: 0-based index of the answer cell in the student
notebook) and must lose points on ``question`` while every other question keeps full marks, except
those listed in ``also`` that depend on the same answer (a different model changes the AUROC the
learner reported). Entries with ``public`` are the mistakes the learner's own ``grader.check``
must already catch, with a message that contains ``public`` (what to change). The transcriptions
of what chapter 4 prints (its ``one_hot``, its ``pwm[::-1, ::-1]``, its one-strand CNN) are here
too: copying the chapter must not pass.
"""

from typing import NamedTuple


class Wrong(NamedTuple):
    name: str
    question: str
    answer: int
    code: str
    also: tuple[str, ...] = ()
    public: str = ""  # when set: a public check (the learner's own grader.check) fails, saying this


IUPAC = """
IUPAC_BASES = {
    "A": "A", "C": "C", "G": "G", "T": "T",
    "R": "AG", "Y": "CT", "S": "CG", "W": "AT", "K": "GT", "M": "AC",
    "B": "CGT", "D": "AGT", "H": "ACT", "V": "ACG", "N": "ACGT",
}
"""

ONE_HOT = """
def one_hot_encode(seq):
    columns = {columns}
    encoded = np.zeros((len(seq), 4), dtype={dtype})
    for position, letter in enumerate(seq):
        bases = IUPAC_BASES.get({letter})
        if bases is None:
            if {strict}:
                raise ValueError(f"invalid base {{letter!r}}")
            continue
        for base in bases:
            encoded[position, columns[base]] = {share}
    return encoded
"""


def _one_hot(
    columns='{"A": 0, "C": 1, "G": 2, "T": 3}',
    dtype="np.float32",
    letter="letter.upper()",
    strict="True",
    share="1.0 / len(bases)",
):
    return IUPAC + ONE_HOT.format(columns=columns, dtype=dtype, letter=letter, strict=strict, share=share)


# Chapter 4's encoder, word for word (N -> zeros, ambiguity codes refused).
CHAPTER_4_ONE_HOT = """
BASES = "ACGT"


def one_hot_encode(seq: str) -> np.ndarray:
    encoded = np.zeros((len(seq), len(BASES)), dtype=np.float32)
    for position, base in enumerate(seq.upper()):
        if base in BASES:
            encoded[position, BASES.index(base)] = 1.0
        elif base != "N":
            raise ValueError(f"invalid base {base!r} at position {position}")
    return encoded
"""

RC_ONEHOT = """
COMPLEMENT = {{"A": "T", "C": "G", "G": "C", "T": "A"}}


def reverse_complement_onehot(x, alphabet="ACGT"):
    x = np.asarray(x)
    if {check} and (x.ndim < 2 or x.shape[-1] != 4):
        raise ValueError(f"bad shape {{x.shape}}")
    partner = [alphabet.index(COMPLEMENT[base]) for base in alphabet]
    return {expression}
"""


def _rc_onehot(expression="x[..., ::-1, partner]", check="True"):
    return RC_ONEHOT.format(expression=expression, check=check)


RC_CNN = """
def build_rc_cnn(seq_len, n_filters=32, kernel_size=12):
    inputs = keras.Input(shape=(seq_len, 4))
    conv = keras.layers.Conv1D(n_filters, kernel_size, activation="relu")
    other = {other}
    forward_best = keras.layers.GlobalMaxPooling1D()(conv(inputs))
    reverse_best = keras.layers.GlobalMaxPooling1D()({second_conv}(other))
    best = {combine}
    outputs = keras.layers.Dense(1, activation="{activation}")(best)
    model = keras.Model(inputs, outputs)
    {compile_line}
    return model
"""
COMPILE = 'model.compile(optimizer="adam", loss="{loss}", metrics=[keras.metrics.AUC()])'


def _rc_cnn(
    other="inputs[:, ::-1, ::-1]",
    second_conv="conv",
    combine="keras.layers.Maximum()([forward_best, reverse_best])",
    activation="sigmoid",
    loss="binary_crossentropy",
    compile_line=None,
):
    if compile_line is None:
        compile_line = COMPILE.format(loss=loss)
    return RC_CNN.format(
        other=other,
        second_conv=second_conv,
        combine=combine,
        activation=activation,
        compile_line=compile_line,
    )


# Chapter 4's one-strand CNN under the new name.
CHAPTER_4_CNN = """
def build_rc_cnn(seq_len, n_filters=32, kernel_size=12):
    model = keras.Sequential([
        keras.Input(shape=(seq_len, 4)),
        keras.layers.Conv1D(n_filters, kernel_size, activation="relu"),
        keras.layers.GlobalMaxPooling1D(),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=[keras.metrics.AUC()])
    return model
"""

# Averaging the two strands' predictions inside the model: strand-independent, but not the model asked for.
AVERAGED_OUTPUTS = """
def build_rc_cnn(seq_len, n_filters=32, kernel_size=12):
    inputs = keras.Input(shape=(seq_len, 4))
    conv = keras.layers.Conv1D(n_filters, kernel_size, activation="relu")
    pool, dense = keras.layers.GlobalMaxPooling1D(), keras.layers.Dense(1, activation="sigmoid")
    forward = dense(pool(conv(inputs)))
    reverse = dense(pool(conv(inputs[:, ::-1, ::-1])))
    model = keras.Model(inputs, keras.layers.Average()([forward, reverse]))
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=[keras.metrics.AUC()])
    return model
"""

LAMBDA_RC = _rc_cnn(other="keras.layers.Lambda(lambda t: t[:, ::-1, ::-1])(inputs)")

WRONG = [
    Wrong(
        "chapter 4's encoder copied (N as zeros, ambiguity codes refused)",
        "q1",
        0,
        CHAPTER_4_ONE_HOT,
        public="[0.25, 0.25, 0.25, 0.25]",
    ),
    Wrong(
        "base order A, C, T, G",
        "q1",
        0,
        _one_hot(columns='{"A": 0, "C": 1, "T": 2, "G": 3}'),
        public="A, C, G, T",
    ),
    Wrong("float64 instead of float32", "q1", 0, _one_hot(dtype="np.float64"), public="float32"),
    Wrong(
        "lower case not handled", "q1", 0, _one_hot(letter="letter"), public="lower-case bases mean the same"
    ),
    Wrong(
        "invalid characters silently ignored",
        "q1",
        0,
        _one_hot(strict="False"),
        public="must raise ValueError",
    ),
    Wrong("ambiguity codes as 1 in each of their columns", "q1", 0, _one_hot(share="1.0"), public="sum to 1"),
    Wrong(
        "only N handled, the other ambiguity codes refused",
        "q1",
        0,
        CHAPTER_4_ONE_HOT.replace(
            "np.float32)\n", "np.float32)\n    encoded[[b in 'Nn' for b in seq]] = 0.25\n"
        ),
        public="not invalid characters",
    ),
    Wrong(
        "every ambiguity code shared as 0.5",
        "q1",
        0,
        _one_hot(share="1.0 if len(bases) == 1 else 0.5 if len(bases) < 4 else 0.25"),
    ),
    Wrong(
        "chapter 4's 2-D flip x[::-1, ::-1] (wrong axes for a batch)",
        "q2",
        1,
        "def reverse_complement_onehot(x, alphabet='ACGT'):\n    return np.asarray(x)[::-1, ::-1].copy()\n",
        public="reverse the positions axis",
    ),
    Wrong(
        "reversed but not complemented",
        "q2",
        1,
        _rc_onehot("x[..., ::-1, :].copy()"),
        public="did not complement",
    ),
    Wrong("complemented but not reversed", "q2", 1, _rc_onehot("x[..., partner]"), public="did not reverse"),
    Wrong(
        "alphabet ignored: columns always reversed",
        "q2",
        1,
        _rc_onehot("x[..., ::-1, ::-1].copy()"),
        public="find, for each column, the column of its complementary base",
    ),
    Wrong("wrong shapes not refused", "q2", 1, _rc_onehot(check="False")),
    Wrong(
        "chapter 4's one-strand CNN copied",
        "q3",
        2,
        CHAPTER_4_CNN,
        public="take the maximum over both strands",
    ),
    Wrong(
        "two Conv1D layers, one per strand (weights not shared)",
        "q3",
        2,
        _rc_cnn(second_conv="keras.layers.Conv1D(n_filters, kernel_size, activation='relu')"),
        public="use exactly ONE Conv1D layer",
    ),
    Wrong(
        "other strand only reversed, not complemented",
        "q3",
        2,
        _rc_cnn(other="inputs[:, ::-1, :]"),
        public="reverse complement",
    ),
    Wrong(
        "other strand only complemented, not reversed",
        "q3",
        2,
        _rc_cnn(other="inputs[:, :, ::-1]"),
        public="reverse complement",
    ),
    Wrong(
        "the two strands' maxima averaged",
        "q3",
        2,
        _rc_cnn(combine="keras.layers.Average()([forward_best, reverse_best])"),
    ),
    Wrong("predictions of the two strands averaged", "q3", 2, AVERAGED_OUTPUTS),
    Wrong("a Lambda layer for the reverse complement", "q3", 2, LAMBDA_RC, public="safe_mode=True"),
    Wrong("softmax over one unit", "q3", 2, _rc_cnn(activation="softmax")),
    Wrong("missing compile", "q3", 2, _rc_cnn(compile_line="")),
    Wrong("mean squared error loss", "q3", 2, _rc_cnn(loss="mse")),
    Wrong("model never trained", "q4", 3, "model = build_rc_cnn(200)\n", also=("q5",)),
    Wrong(
        "chapter 4's one-strand CNN trained instead",
        "q4",
        3,
        CHAPTER_4_CNN.replace("def build_rc_cnn", "def build_cnn") + "\nmodel = build_cnn(200)\n",
        also=("q5",),
        public="train the model that build_rc_cnn(200) returns",
    ),
    Wrong(
        "AUROC of the validation split reported",
        "q5",
        4,
        "X_val = np.stack([one_hot_encode(s) for s in data.val.x])\n"
        "test_auroc = float(roc_auc_score(data.val.y, model.predict(X_val, verbose=0).ravel()))\n",
        public="use data.test",
    ),
]
