"""Known-wrong answers to exercise 04_transformers (see ex01_cnn.py for the format)."""

from wrong_answers.ex01_cnn import Wrong

ATTENTION = """
def masked_attention(q, k, v, key_mask=None, causal=False):
    q, k, v = (np.asarray(a, dtype=np.float64) for a in (q, k, v))
    scores = q @ np.swapaxes(k, -1, -2){scale}
    allowed = np.ones(scores.shape, dtype=bool)
    if key_mask is not None:
        allowed = allowed & np.asarray(key_mask, dtype=bool){key_axis}
    if causal:
        if q.shape[-2] != k.shape[-2]:
            raise ValueError("causal needs Lq == Lk")
        allowed = allowed & np.tril(np.ones((q.shape[-2], k.shape[-2]), dtype=bool){diagonal})
    {softmax}
    return weights @ v, weights
"""
SAFE_SOFTMAX = """scores = np.where(allowed, scores, -np.inf)
    top = scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores - np.where(np.isfinite(top), top, 0.0))
    totals = weights.sum(axis=-1, keepdims=True)
    weights = weights / np.where(totals > 0, totals, 1.0)"""
NAN_SOFTMAX = """scores = np.where(allowed, scores, -np.inf)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = weights / weights.sum(axis=-1, keepdims=True)"""
# Chapter 10's way: a huge negative score instead of -inf. A row with no allowed key then spreads
# its weight evenly over the keys it may not attend to.
CHAPTER_SOFTMAX = """scores = np.where(allowed, scores, -1e9)
    shifted = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(shifted) / np.exp(shifted).sum(axis=-1, keepdims=True)"""


def _attention(scale=" / np.sqrt(q.shape[-1])", key_axis="[..., None, :]", diagonal="", softmax=SAFE_SOFTMAX):
    return ATTENTION.format(scale=scale, key_axis=key_axis, diagonal=diagonal, softmax=softmax)


# Chapter 10's function as printed, renamed: no causal option, the mask used as it is given.
CHAPTER_ATTENTION = """
def softmax(x, axis=-1):
    shifted = x - x.max(axis=axis, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=axis, keepdims=True)


def masked_attention(q, k, v, key_mask=None):
    d_k = q.shape[-1]
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(d_k)
    if key_mask is not None:
        scores = np.where(key_mask, scores, -1e9)
    weights = softmax(scores, axis=-1)
    return weights @ v, weights
"""

ROTARY = """
def rotary_embedding(x, positions):
    x = np.asarray(x, dtype=np.float64)
    depth = x.shape[-1]
    if depth % 2:
        raise ValueError("d must be even")
    angles = np.asarray(positions, dtype=np.float64)[:, None] / 10000.0 ** ({exponent} / depth)
    even, odd = {pairs}
    first = even * np.cos(angles) {sign} odd * np.sin(angles)
    second = {second_sign}even * np.sin(angles) + odd * np.cos(angles)
    out = np.empty_like(x)
    {store}
    return out
"""


def _rotary(
    exponent="np.arange(0, depth, 2)",
    pairs="x[:, 0::2], x[:, 1::2]",
    sign="-",
    second_sign="",
    store="out[:, 0::2], out[:, 1::2] = first, second",
):
    return ROTARY.format(exponent=exponent, pairs=pairs, sign=sign, second_sign=second_sign, store=store)


# Chapter 10's sinusoidal encoding, added to x instead of rotating it.
ROTARY_ADDED = """
def rotary_embedding(x, positions):
    x = np.asarray(x, dtype=np.float64)
    depth = x.shape[-1]
    pair = np.arange(0, depth, 2)[None, :]
    angles = np.asarray(positions)[:, None] / np.power(10000.0, pair / depth)
    encoding = np.zeros(x.shape)
    encoding[:, 0::2] = np.sin(angles)
    encoding[:, 1::2] = np.cos(angles[:, : depth // 2])
    return x + encoding
"""

POOL = """
def residue_mean(hidden, attention_mask):
    hidden = np.asarray(hidden, dtype=np.float64)
    tokens = np.asarray(attention_mask).astype(bool)
    eos = tokens.sum(axis=1) - 1
    columns = np.arange(tokens.shape[1])
    residues = {residues}
    counts = residues.sum(axis=1, keepdims=True)
    return (hidden * residues[:, :, None]).sum(axis=1) / {divide}
"""


def _pool(
    residues="tokens & (columns > 0) & (columns[None, :] != eos[:, None])", divide="np.maximum(counts, 1)"
):
    return POOL.format(residues=residues, divide=divide)


# `hidden[0, 1:-1]` of chapter 12, right for one sequence without padding, applied to a padded batch.
POOL_LAST_COLUMN = """
def residue_mean(hidden, attention_mask):
    hidden = np.asarray(hidden, dtype=np.float64)[:, 1:-1]
    mask = np.asarray(attention_mask, dtype=np.float64)[:, 1:-1, None]
    return (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1)
"""
# Chapter 12's mean_pool with the attention mask as its mask: <cls> and <eos> are averaged in.
POOL_CHAPTER = """
def residue_mean(hidden, attention_mask):
    mask = np.asarray(attention_mask, dtype=np.float64)
    counts = mask.sum(axis=1)
    return (np.asarray(hidden) * mask[..., None]).sum(axis=1) / np.maximum(counts, 1)[:, None]
"""

SCORE = """
def mutant_score(sequence, mutations, logits, vocab):
    logits = np.asarray(logits, dtype=np.float64)
    total = 0.0
    for mutation in mutations.split(":"){first_only}:
        wt, number, mt = mutation[0], int(mutation[1:-1]), mutation[-1]
        if {check}:
            raise ValueError(mutation)
        row = logits[{row}]
        {log_probs}
        total += log_probs[vocab[mt]] - log_probs[vocab[wt]]
    return float(total)
"""
STABLE = "row = row - row.max()\n        log_probs = row - np.log(np.exp(row).sum())"


def _score(
    first_only="",
    check="not 1 <= number <= len(sequence) or sequence[number - 1] != wt",
    row="number",
    log_probs=STABLE,
):
    return SCORE.format(first_only=first_only, check=check, row=row, log_probs=log_probs)


WRONG = [
    Wrong(
        "chapter 10's attention, renamed (no causal option, -1e9 fill)",
        "q1",
        0,
        CHAPTER_ATTENTION,
    ),
    Wrong("causal mask blocks the diagonal", "q1", 0, _attention(diagonal=", k=-1"), public="itself"),
    Wrong(
        "key mask used on the queries' axis",
        "q1",
        0,
        _attention(key_axis="[..., :, None]"),
        public="ignores its padded keys",
    ),
    Wrong("NaN for a query with no allowed key", "q1", 0, _attention(softmax=NAN_SOFTMAX), public="not NaN"),
    Wrong(
        "-1e9 fill: equal weights on forbidden keys for a query with no allowed key",
        "q1",
        0,
        _attention(softmax=CHAPTER_SOFTMAX),
        public="not equal weights",
    ),
    Wrong("no 1/sqrt(d) scaling", "q1", 0, _attention(scale=""), public="sqrt(d)"),
    Wrong(
        "softmax over the queries' axis",
        "q1",
        0,
        _attention(softmax=SAFE_SOFTMAX.replace("axis=-1", "axis=-2")),
        public="normalised over the queries",
    ),
    Wrong("rotated the other way", "q2", 1, _rotary(sign="+", second_sign="-"), public="the other way"),
    Wrong(
        "pairs (i, i + d/2) instead of neighbouring columns",
        "q2",
        1,
        _rotary(
            pairs="x[:, : depth // 2], x[:, depth // 2 :]",
            store="out[:, : depth // 2], out[:, depth // 2 :] = first, second",
        ),
        public="neighbouring columns",
    ),
    Wrong(
        "angle exponent i/d instead of 2i/d",
        "q2",
        1,
        _rotary(exponent="np.arange(depth // 2)"),
        public="2i/d",
    ),
    Wrong("chapter 10's sinusoids added instead of a rotation", "q2", 1, ROTARY_ADDED, public="do not add"),
    Wrong("<eos> assumed in the last column", "q3", 2, POOL_LAST_COLUMN, public="own end"),
    Wrong(
        "chapter 12's mean_pool on the attention mask (<cls>, <eos> included)",
        "q3",
        2,
        POOL_CHAPTER,
        public="<cls>",
    ),
    Wrong(
        "<cls> included",
        "q3",
        2,
        _pool(residues="tokens & (columns[None, :] != eos[:, None])"),
        public="<cls>",
    ),
    Wrong("<eos> included", "q3", 2, _pool(residues="tokens & (columns > 0)"), public="<eos>"),
    Wrong("NaN for a protein without residues", "q3", 2, _pool(divide="counts"), public="must give zeros"),
    Wrong(
        "residue i read from row i - 1 (<cls> forgotten)",
        "q4",
        3,
        _score(row="number - 1"),
        public="<cls> is token 0",
    ),
    Wrong("residue i read from row i + 1", "q4", 3, _score(row="number + 1"), public="count from 1"),
    Wrong("only the first mutation scored", "q4", 3, _score(first_only="[:1]"), public="every mutation"),
    Wrong("wild type not checked", "q4", 3, _score(check="False"), public="must raise ValueError"),
    Wrong(
        "numbered from 0, with the learner's own wild-type check",
        "q4",
        3,
        _score(check="not 0 <= number < len(sequence) or sequence[number] != wt", row="number + 1"),
        public="count from 1 (M is residue 1)",
    ),
    Wrong(
        "log-softmax without subtracting the maximum",
        "q4",
        3,
        _score(log_probs="log_probs = row - np.log(np.exp(row).sum())"),
    ),
    Wrong(
        "probabilities instead of log-probabilities",
        "q4",
        3,
        _score(log_probs="row = np.exp(row - row.max())\n        log_probs = row / row.sum()"),
    ),
]
