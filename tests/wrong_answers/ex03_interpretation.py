"""Known-wrong answers to exercise 03_interpretation (see ex01_cnn.py for the format)."""

from wrong_answers.ex01_cnn import Wrong

LOGIT = """
def logit_model(model):
    last = model.layers[-1]
    if not isinstance(last, keras.layers.Dense) or last.activation is not keras.activations.sigmoid:
        raise ValueError("not a sigmoid")
    {body}
"""
LOGIT_NEW_WEIGHTS = LOGIT.format(
    body="head = keras.layers.Dense(last.units)\n    return keras.Model(model.inputs[0], head(last.input))"
)
LOGIT_FROM_PROBABILITY = LOGIT.format(
    body="p = model.outputs[0]\n    return keras.Model(model.inputs[0], keras.ops.log(p / (1 - p)))"
)
LOGIT_PROBABILITY = LOGIT.format(body="return model")
# Switching the sigmoid off in place changes `cnn` itself; a copy keeps the other tests' `cnn` intact.
LOGIT_IN_PLACE = (
    "copy = keras.models.clone_model(cnn)\n"
    "copy.set_weights(cnn.get_weights())\n"
    "cnn = copy\n"
    + LOGIT.format(body="last.activation = keras.activations.linear\n    return model")
    + "\n\nlogit_cnn = logit_model(cnn)\n"
)
LOGIT_NO_CHECK = """
def logit_model(model):
    last = model.layers[-1]
    head = keras.layers.Dense.from_config(last.get_config() | {"activation": None, "name": "logit"})
    logit = head(last.input)
    head.set_weights(last.get_weights())
    return keras.Model(model.inputs[0], logit)
"""

ISM = """
def saturation_mutagenesis(model, x):
    length = x.shape[0]
    mutants = np.repeat(np.asarray(x, dtype="float32")[None], 4 * length, axis=0)
    for i in range(length):
        mutants[4 * i : 4 * i + 4, i] = np.eye(4)
    reference = float(np.asarray(model(x[None]))[0, 0])
    predictions = np.asarray(model(mutants), dtype=np.float64)[:, 0].reshape(length, 4)
    {result}


ism = saturation_mutagenesis({model}, example)
"""
ISM_RIGHT = "effects = predictions - reference\n    effects[x.astype(bool)] = 0\n    return effects"

OCCLUSION = """
def occlusion_scan(model, x, width):
    length = x.shape[0]
    if not 1 <= width <= length:
        raise ValueError("width")
    occluded = np.repeat(np.asarray(x, dtype="float32")[None], {windows}, axis=0)
    for s in range({windows}):
        occluded[s, {rows}] = 0
    reference = float(np.asarray(model(x[None]))[0, 0])
    return {result}
"""


def _occlusion(windows="length - width + 1", rows="s : s + width", result=None):
    result = result or "np.asarray(model(occluded), dtype=np.float64)[:, 0] - reference"
    return OCCLUSION.format(windows=windows, rows=rows, result=result)


IG = """
def integrated_gradients(model, x, baseline, steps=50):
    x = np.asarray(x, dtype="float32")
    baseline = np.asarray(baseline, dtype="float32")
    {override}
    alphas = {alphas}
    path = tf.constant(baseline[None] + alphas[:, None, None] * (x - baseline)[None])
    with tf.GradientTape() as tape:
        tape.watch(path)
        outputs = model(path)[:, 0]
    gradients = tape.gradient(outputs, path).numpy()
    attributions = {attributions}
    ends = np.asarray(model(np.stack([x, baseline])), dtype=np.float64)[:, 0]
    return attributions, float({gap})


ig, gap = integrated_gradients({model}, example, baseline, steps=128)
"""


def _ig(
    override="",
    alphas='(np.arange(steps, dtype="float32") + 0.5) / steps',
    attributions="(x - baseline) * gradients.mean(axis=0)",
    gap="attributions.sum() - (ends[0] - ends[1])",
    model="logit_cnn",
):
    return IG.format(override=override, alphas=alphas, attributions=attributions, gap=gap, model=model)


FILTER = """
def filter_pwm(model, X, filter_index, top_k=100):
    conv = next(layer for layer in model.layers if isinstance(layer, keras.layers.Conv1D))
    width = conv.kernel_size[0]
    activations = keras.Model(model.inputs[0], conv.output).predict(X, verbose=0)[:, :, filter_index]
    best_start = np.minimum(activations.argmax(axis=1) + 1, X.shape[1] - width)  # one base too far
    chosen = np.argsort(-activations.max(axis=1), kind="stable")[:top_k]
    windows = np.stack([X[i, best_start[i] : best_start[i] + width] for i in chosen])
    counts = windows.sum(axis=0)
    return counts / counts.sum(axis=1, keepdims=True)
"""

WRONG = [
    Wrong(
        "returns the probability model itself",
        "q1",
        0,
        LOGIT_PROBABILITY,
        public="these are the probabilities",
    ),
    Wrong("new Dense layer, weights not copied", "q1", 0, LOGIT_NEW_WEIGHTS, public="trained weights"),
    Wrong("logit as log(p / (1 - p)): infinite where p rounds to 1", "q1", 0, LOGIT_FROM_PROBABILITY),
    Wrong(
        "sigmoid switched off in cnn itself",
        "q1",
        0,
        LOGIT_IN_PLACE,
        also=("q2", "q4"),  # cnn now outputs logits, so the later checks' "probability" is a logit too
        public="logit_model changed cnn",
    ),
    Wrong("models without a sigmoid not refused", "q1", 0, LOGIT_NO_CHECK),
    Wrong(
        "sign flipped: f(x) - f(mutant)",
        "q2",
        1,
        ISM.format(
            result="effects = reference - predictions\n    effects[x.astype(bool)] = 0\n    return effects",
            model="logit_cnn",
        ),  # fmt: skip
        public="other way round",
    ),
    Wrong(
        "mutant predictions instead of changes",
        "q2",
        1,
        ISM.format(result="return predictions", model="logit_cnn"),
        public="changes nothing",
    ),
    Wrong(
        "attributes the probability (cnn instead of logit_cnn)",
        "q2",
        1,
        ISM.format(result=ISM_RIGHT, model="cnn"),
        public="attribute the logit",
    ),
    Wrong(
        "the book's seqdl.interpret.saturation_mutagenesis imported",
        "q2",
        1,
        "from seqdl.interpret import saturation_mutagenesis\n\nism = saturation_mutagenesis(logit_cnn, example)\n",
    ),
    Wrong(
        "one window too few (range(L - width))",
        "q3",
        2,
        _occlusion(windows="length - width"),
        public="L - width + 1",
    ),
    Wrong(
        "windows one base too wide", "q3", 2, _occlusion(rows="s : s + width + 1"), public="x[s : s + width]"
    ),
    Wrong(
        "windows shifted by one base",
        "q3",
        2,
        _occlusion(rows="s + 1 : s + 1 + width"),
        public="x[s : s + width]",
    ),
    Wrong(
        "sign flipped: f(x) - f(occluded)",
        "q3",
        2,
        _occlusion(result="reference - np.asarray(model(occluded), dtype=np.float64)[:, 0]"),
        public="other way round",
    ),
    Wrong(
        "no ValueError for impossible widths",
        "q3",
        2,
        _occlusion().replace('    if not 1 <= width <= length:\n        raise ValueError("width")\n', ""),
    ),
    Wrong(
        "without the (x - baseline) factor",
        "q4",
        3,
        _ig(attributions="gradients.mean(axis=0)"),
        public="(x - baseline)",
    ),
    Wrong(
        "baseline ignored (zeros)",
        "q4",
        3,
        _ig(override="baseline = np.zeros_like(x)"),
        public="f(x) - f(baseline)",
    ),
    Wrong(
        "gap of the wrong sign",
        "q4",
        3,
        _ig(gap="(ends[0] - ends[1]) - attributions.sum()"),
        public="gap should be",
    ),
    Wrong(
        "attributes the probability (cnn instead of logit_cnn)",
        "q4",
        3,
        _ig(model="cnn"),
        public="attribute the logit",
    ),
    Wrong(
        "left Riemann sum from the baseline, not the midpoint rule",
        "q4",
        3,
        _ig(alphas='np.arange(steps, dtype="float32") / steps'),
        public="the midpoint rule takes one gradient",
    ),
    Wrong(
        "the trapezoidal rule of seqdl.interpret, copied",
        "q4",
        3,
        _ig(
            alphas='np.linspace(0, 1, steps + 1, dtype="float32")',
            attributions="(x - baseline) * np.trapezoid(gradients, alphas, axis=0)",
        ),
        public="not a trapezoid",
    ),
    Wrong(
        "the book's seqdl.interpret.integrated_gradients imported (no gap)",
        "q4",
        3,
        "from seqdl.interpret import integrated_gradients\n",
        public="tuple (attributions, gap)",
    ),
    Wrong(
        "PWM read from the weights, not normalised",
        "q5",
        4,
        "def filter_pwm(model, X, filter_index, top_k=100):\n"
        "    conv = next(layer for layer in model.layers if isinstance(layer, keras.layers.Conv1D))\n"
        "    return conv.get_weights()[0][:, :, filter_index]\n",
        public="probability distribution",
    ),
    Wrong("windows off by one", "q5", 4, FILTER),
    Wrong(
        "top windows over all positions (several per sequence)",
        "q5",
        4,
        "def filter_pwm(model, X, filter_index, top_k=100):\n"
        "    conv = next(layer for layer in model.layers if isinstance(layer, keras.layers.Conv1D))\n"
        "    width = conv.kernel_size[0]\n"
        "    act = keras.Model(model.inputs[0], conv.output).predict(X, verbose=0)[:, :, filter_index]\n"
        "    seqs, starts = np.unravel_index(np.argsort(-act.ravel(), kind='stable')[:top_k], act.shape)\n"
        "    windows = np.stack([X[s, p : p + width] for s, p in zip(seqs, starts)])\n"
        "    return windows.mean(axis=0)\n",
    ),
]
