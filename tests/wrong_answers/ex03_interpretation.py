"""Known-wrong answers to exercise 03_interpretation (see ex01_cnn.py for the format)."""

from wrong_answers.ex01_cnn import Wrong

MUTANTS = """
def saturation_mutagenesis(model, x):
    length = x.shape[0]
    mutants = np.repeat(x[None], length * 4, axis=0)
    for i in range(length):
        for b in range(4):
            mutants[i * 4 + b, i] = np.eye(4)[b]
"""
ISM_PREDICTIONS = MUTANTS + "    return model.predict(mutants, verbose=0)[:, 0].reshape(length, 4)\n"
ISM_SIGN_FLIPPED = MUTANTS + (
    "    reference = model.predict(x[None], verbose=0)[0, 0]\n"
    "    return (reference - model.predict(mutants, verbose=0)[:, 0]).reshape(length, 4)\n"
)

IG = """
def integrated_gradients(model, x, baseline=None, steps=50):
    x = np.asarray(x, dtype="float32")
    baseline = np.zeros_like(x) if baseline is None else np.asarray(baseline, dtype="float32")
    {override}
    alphas = (np.arange(steps, dtype="float32") + 0.5) / steps
    path = tf.constant({path})
    with tf.GradientTape() as tape:
        tape.watch(path)
        outputs = model(path)[:, 0]
    gradients = tape.gradient(outputs, path).numpy()
    return {result}
"""
LINE = "baseline[None] + alphas[:, None, None] * (x - baseline)[None]"

FILTER = """
def filter_pwm(model, X, filter_index, top_k=100):
    conv = next(layer for layer in model.layers if isinstance(layer, keras.layers.Conv1D))
    width = conv.kernel_size[0]
    activations = keras.Model(model.inputs, conv.output).predict(X, verbose=0)[:, :, filter_index]
    best_start = np.minimum(activations.argmax(axis=1) + 1, X.shape[1] - width)  # one base too far
    chosen = np.argsort(-activations.max(axis=1), kind="stable")[:top_k]
    windows = np.stack([X[i, best_start[i] : best_start[i] + width] for i in chosen])
    counts = windows.sum(axis=0)
    return counts / counts.sum(axis=1, keepdims=True)
"""

WRONG = [
    Wrong("mutant predictions instead of changes", "q1", 0, ISM_PREDICTIONS),
    Wrong("sign flipped: f(x) - f(mutant)", "q1", 0, ISM_SIGN_FLIPPED, public="other way round"),
    Wrong(
        "straight-line average without the (x - baseline) factor",
        "q2",
        1,
        IG.format(override="", path=LINE, result="gradients.mean(axis=0)"),
    ),
    Wrong(
        "gradients only (saliency at x)",
        "q2",
        1,
        IG.format(override="", path="np.repeat(x[None], steps, axis=0)", result="gradients.mean(axis=0)"),
    ),
    Wrong(
        "baseline argument ignored",
        "q2",
        1,
        IG.format(
            override="baseline = np.zeros_like(x)",
            path=LINE,
            result="(x - baseline) * gradients.mean(axis=0)",
        ),
    ),
    Wrong(
        "PWM read from the weights, not normalised",
        "q3",
        2,
        "def filter_pwm(model, X, filter_index, top_k=100):\n"
        "    conv = next(layer for layer in model.layers if isinstance(layer, keras.layers.Conv1D))\n"
        "    return conv.get_weights()[0][:, :, filter_index]\n",
    ),
    Wrong("windows off by one", "q3", 2, FILTER),
    Wrong(
        "top windows over all positions (several per sequence)",
        "q3",
        2,
        "def filter_pwm(model, X, filter_index, top_k=100):\n"
        "    conv = next(layer for layer in model.layers if isinstance(layer, keras.layers.Conv1D))\n"
        "    width = conv.kernel_size[0]\n"
        "    act = keras.Model(model.inputs, conv.output).predict(X, verbose=0)[:, :, filter_index]\n"
        "    seqs, starts = np.unravel_index(np.argsort(-act.ravel(), kind='stable')[:top_k], act.shape)\n"
        "    windows = np.stack([X[s, p : p + width] for s, p in zip(seqs, starts)])\n"
        "    return windows.mean(axis=0)\n",
    ),
    Wrong(
        "window start off by one",
        "q4",
        3,
        "def top_window(attributions, width):\n"
        "    sums = np.convolve(np.asarray(attributions).sum(axis=1), np.ones(width), mode='valid')\n"
        "    return int(np.argmax(sums)) + 1\n",
    ),
    Wrong(
        "single best position instead of a window",
        "q4",
        3,
        "def top_window(attributions, width):\n    return int(np.argmax(np.asarray(attributions).sum(axis=1)))\n",
    ),
]
