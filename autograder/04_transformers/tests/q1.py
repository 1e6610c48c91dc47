from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 4

@test_case(points=1, hidden=False)
def test_q1_by_hand(scaled_dot_product_attention):
    """A 2 x 2 example computed by hand: scores scaled by 1/sqrt(d), softmax over the keys."""
    import numpy as np
    assert callable(scaled_dot_product_attention), 'define scaled_dot_product_attention(q, k, v, mask=None)'
    q = np.array([[1.0, 0.0]])
    k = np.array([[1.0, 0.0], [0.0, 1.0]])
    v = np.array([[10.0], [20.0]])
    result = scaled_dot_product_attention(q, k, v)
    assert isinstance(result, tuple) and len(result) == 2, 'return a tuple (output, weights)'
    output, weights = (np.asarray(a) for a in result)
    e = np.exp(1 / np.sqrt(2))
    expected = np.array([[e / (e + 1), 1 / (e + 1)]])
    assert weights.shape == (1, 2), f'weights: one row per query, one column per key: (1, 2), got {weights.shape}'
    assert np.allclose(weights.sum(axis=-1), 1), f'each row of weights must sum to 1 over the keys (softmax over the last axis): {weights.round(4)}'
    if np.allclose(weights, [[0.5, 0.5]]):
        raise AssertionError('both keys got weight 0.5: the scores q @ k.T were lost (is the softmax applied to them?)')
    assert weights.shape == (1, 2) and np.allclose(weights, expected, atol=1e-06), f'weights should be softmax([1, 0] / sqrt(2)) = {expected.round(4)}, got {weights.round(4)}; did you scale by 1/sqrt(d) with d = 2?'
    assert output.shape == (1, 1) and np.allclose(output, expected @ v), 'output = weights @ v'

@test_case(points=1, hidden=False)
def test_q1_mask(scaled_dot_product_attention):
    """Masked keys get zero attention weight."""
    import numpy as np
    rng = np.random.default_rng(0)
    q, k, v = (rng.normal(size=(4, 3)), rng.normal(size=(5, 3)), rng.normal(size=(5, 2)))
    mask = np.array([True, True, False, True, False])
    _, weights = scaled_dot_product_attention(q, k, v, mask=mask)
    weights = np.asarray(weights)
    assert np.all(weights[:, ~mask] == 0), 'masked keys (mask False) must get a weight of exactly 0'
    assert np.allclose(weights.sum(axis=-1), 1), 'each row of weights sums to 1 over the allowed keys'

@test_case(points=1.5, hidden=True)
def test_q1_matches_pytorch(scaled_dot_product_attention):
    """The output matches PyTorch's scaled_dot_product_attention."""
    import numpy as np
    import torch
    rng = np.random.default_rng(1)
    for shape_q, shape_k, dv in (((2, 3, 4, 8), (2, 3, 6, 8), 5), ((7, 16), (9, 16), 3), ((1, 1, 4), (1, 2, 4), 1)):
        q, k = (rng.normal(size=shape_q), rng.normal(size=shape_k))
        v = rng.normal(size=shape_k[:-1] + (dv,))
        mask = rng.random(shape_q[:-1] + (shape_k[-2],)) > 0.4
        mask[..., 0] = True
        for m in (None, mask):
            expected = torch.nn.functional.scaled_dot_product_attention(*(torch.tensor(a) for a in (q, k, v)), attn_mask=None if m is None else torch.tensor(m)).numpy()
            output, _ = scaled_dot_product_attention(q, k, v, mask=m)
            assert np.allclose(output, expected, atol=1e-06), f"output differs from torch's scaled_dot_product_attention for q {shape_q}, k {shape_k}, mask {('given' if m is not None else 'None')}: softmax over the keys (last axis)?"

@test_case(points=0.5, hidden=True)
def test_q1_large_logits_and_broadcast_mask(scaled_dot_product_attention):
    """Large scores stay finite, and a mask that broadcasts over queries works."""
    import numpy as np
    rng = np.random.default_rng(2)
    q, k, v = (1000.0 * rng.normal(size=(2, 5, 4)), 1000.0 * rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 5, 3)))
    causal = np.tril(np.ones((5, 5), dtype=bool))
    output, weights = scaled_dot_product_attention(q, k, v, mask=causal)
    assert np.all(np.isfinite(output)) and np.all(np.isfinite(weights)), 'no inf or NaN for large logits'
    assert np.all(np.asarray(weights)[:, ~causal] == 0), 'a (Lq, Lk) mask applies to every batch element'
    assert np.allclose(np.asarray(weights).sum(axis=-1), 1)

