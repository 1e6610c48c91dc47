"""Known-wrong answers to exercise 04_transformers (see ex01_cnn.py for the format)."""

from wrong_answers.ex01_cnn import Wrong

ATTENTION = """
def scaled_dot_product_attention(q, k, v, mask=None):
    q, k, v = (np.asarray(a, dtype=np.float64) for a in (q, k, v))
    logits = q @ np.swapaxes(k, -1, -2){scale}
    if mask is not None and {use_mask}:
        logits = np.where(np.asarray(mask, dtype=bool), logits, -np.inf)
    logits = logits - logits.max(axis={axis}, keepdims=True)
    weights = np.exp(logits)
    weights = weights / weights.sum(axis={axis}, keepdims=True)
    return weights @ v, weights
"""


def _attention(scale=" / np.sqrt(q.shape[-1])", use_mask="True", axis="-1"):
    return ATTENTION.format(scale=scale, use_mask=use_mask, axis=axis)


POSITIONS = """
def sinusoidal_positional_encoding(length, depth):
    positions = np.arange(length)[:, None]
    pair = {pair}
    angles = positions / np.power(10000.0, pair / depth)[None, :]
    return np.where(np.arange(depth) % 2 == 0, np.{even}(angles), np.{odd}(angles))
"""

WRONG = [
    Wrong("no 1/sqrt(d) scaling", "q1", 0, _attention(scale="")),
    Wrong("softmax over the queries (wrong axis)", "q1", 0, _attention(axis="-2"), public="over the keys"),
    Wrong("mask ignored", "q1", 0, _attention(use_mask="False")),
    Wrong(
        "sin and cos swapped",
        "q2",
        1,
        POSITIONS.format(pair="(np.arange(depth) // 2) * 2", even="cos", odd="sin"),
    ),
    Wrong(
        "exponent j/depth instead of 2i/depth",
        "q2",
        1,
        POSITIONS.format(pair="np.arange(depth)", even="sin", odd="cos"),
    ),
    Wrong(
        "padding included in the mean",
        "q3",
        2,
        "def mean_pool(hidden, mask):\n    return np.asarray(hidden).mean(axis=1)\n",
    ),
    Wrong(
        "NaN for all-padding rows",
        "q3",
        2,
        "def mean_pool(hidden, mask):\n"
        "    w = np.asarray(mask, dtype=float)[:, :, None]\n"
        "    return (np.asarray(hidden) * w).sum(axis=1) / w.sum(axis=1)\n",
        public="must give zeros",
    ),
    Wrong(
        "probabilities instead of log-probabilities",
        "q4",
        3,
        "def masked_marginal_score(logits, wt_index, mt_index):\n"
        "    p = np.exp(logits - np.max(logits))\n"
        "    p = p / p.sum()\n"
        "    return float(p[mt_index] - p[wt_index])\n",
    ),
    Wrong(
        "log-softmax without subtracting the maximum",
        "q4",
        3,
        "def masked_marginal_score(logits, wt_index, mt_index):\n"
        "    logits = np.asarray(logits, dtype=np.float64)\n"
        "    log_probs = logits - np.log(np.exp(logits).sum())\n"
        "    return float(log_probs[mt_index] - log_probs[wt_index])\n",
    ),
]
