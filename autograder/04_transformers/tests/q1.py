from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 4

@test_case(points=1, hidden=False)
def test_q1_causal_by_hand(masked_attention):
    """A 3-token causal example computed by hand: each query attends to itself and the keys before it."""
    import numpy as np
    assert callable(masked_attention), 'define masked_attention(q, k, v, key_mask=None, causal=False)'
    q = k = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    v = np.array([[1.0], [2.0], [3.0]])
    result = masked_attention(q, k, v, causal=True)
    assert isinstance(result, tuple) and len(result) == 2, 'return a tuple (output, weights)'
    output, weights = (np.asarray(a) for a in result)
    assert weights.shape == (3, 3), f'weights: one row per query, one column per key, got {weights.shape}'
    assert np.all(np.isfinite(weights)), 'weights must be finite'
    if np.allclose(weights.sum(axis=0), 1) and (not np.allclose(weights.sum(axis=1), 1)):
        raise AssertionError("each column of weights sums to 1, not each row: the softmax normalised over the queries. Take it over the keys, the last axis (axis=-1), so that each query's weights sum to 1")
    assert weights[0].sum() > 0.5, 'query 0 has nothing left to attend to: a query may attend to key i itself (j <= i), so keep the diagonal in the causal mask'
    assert np.all(np.triu(weights, 1) == 0), 'with causal=True, query i must give weight exactly 0 to the later keys j > i (the upper triangle)'
    scores = q @ k.T / np.sqrt(2)
    expected = np.tril(np.exp(scores))
    expected /= expected.sum(axis=1, keepdims=True)
    assert np.allclose(weights, expected, atol=1e-06), f'weights should be {expected.round(4).tolist()}, got {weights.round(4).tolist()}: softmax of q @ k.T / sqrt(d) over the allowed keys of each row'
    assert output.shape == (3, 1) and np.allclose(output, expected @ v), 'output = weights @ v'

@test_case(points=1, hidden=False)
def test_q1_key_mask_in_a_batch(masked_attention):
    """A batch of two padded sequences: every query ignores its own sequence's padded keys."""
    import numpy as np
    rng = np.random.default_rng(0)
    q, k, v = (rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 4, 2)))
    key_mask = np.array([[True, True, True, False], [True, True, False, False]])
    output, weights = (np.asarray(a) for a in masked_attention(q, k, v, key_mask=key_mask))
    assert weights.shape == (2, 4, 4), f'weights of shape (batch, Lq, Lk) = (2, 4, 4), got {weights.shape}'
    for b in range(2):
        assert np.all(weights[b][:, ~key_mask[b]] == 0), f'sequence {b}: its padded keys must get weight exactly 0 from every query, so that each query ignores its padded keys: key_mask (batch, Lk) is one value per key, i.e. key_mask[..., None, :]'
    assert np.allclose(weights.sum(axis=-1), 1), 'each row of weights sums to 1 over the allowed keys'
    assert output.shape == (2, 4, 2) and np.allclose(output, weights @ v), 'output = weights @ v'

@test_case(points=0.5, hidden=False)
def test_q1_rows_with_nothing_to_attend(masked_attention):
    """Causal attention on a left-padded sequence: queries with no allowed key get weights 0 and output 0."""
    import numpy as np
    rng = np.random.default_rng(1)
    x = rng.normal(size=(1, 4, 3))
    key_mask = np.array([[False, False, True, True]])
    with np.errstate(all='ignore'):
        output, weights = (np.asarray(a) for a in masked_attention(x, x, x, key_mask=key_mask, causal=True))
    assert np.all(np.isfinite(weights)) and np.all(np.isfinite(output)), 'queries 0 and 1 may attend to no key (padding before them, causal mask): their weights and outputs must be 0, not NaN'
    assert np.all(weights[0, :2] == 0) and np.all(output[0, :2] == 0), f'queries 0 and 1 have no allowed key: weights 0 and output 0, got weights {weights[0, :2].round(3).tolist()} -- not equal weights on keys they may not attend to'
    assert np.allclose(weights[0, 2:].sum(axis=-1), 1), 'queries 2 and 3 still attend to keys 2 (and 3)'

@test_case(points=1, hidden=True)
def test_q1_matches_pytorch(masked_attention):
    """Outputs match PyTorch's scaled_dot_product_attention for key, causal and both masks, with heads."""
    import numpy as np
    import torch
    rng = np.random.default_rng(2)
    for batch, heads, length, d, dv in ((2, 3, 6, 8, 5), (1, 1, 1, 4, 2), (3, 2, 7, 4, 3)):
        q, k = (rng.normal(size=(batch, heads, length, d)), rng.normal(size=(batch, heads, length, d)))
        v = rng.normal(size=(batch, heads, length, dv))
        key_mask = rng.random((batch, 1, length)) > 0.3
        key_mask[..., 0] = True
        tril = np.tril(np.ones((length, length), dtype=bool))
        for mask, causal in ((None, True), (key_mask, False), (key_mask, True)):
            allowed = np.ones((length, length), dtype=bool) if mask is None else mask[..., None, :]
            allowed = allowed & tril if causal else allowed
            expected = torch.nn.functional.scaled_dot_product_attention(*(torch.tensor(a) for a in (q, k, v)), attn_mask=torch.tensor(np.broadcast_to(allowed, (batch, heads, length, length)).copy())).numpy()
            output, _ = masked_attention(q, k, v, key_mask=mask, causal=causal)
            assert np.allclose(output, expected, atol=1e-06), f'q {q.shape}, key_mask given: {mask is not None}, causal {causal}'
    try:
        masked_attention(rng.normal(size=(3, 4)), rng.normal(size=(5, 4)), rng.normal(size=(5, 2)), causal=True)
    except ValueError:
        pass
    else:
        raise AssertionError('causal with Lq != Lk must raise ValueError')
    q, k, v = (rng.normal(size=(3, 4)), rng.normal(size=(5, 4)), rng.normal(size=(5, 2)))
    output, weights = masked_attention(q, k, v)
    expected = torch.nn.functional.scaled_dot_product_attention(*(torch.tensor(a) for a in (q, k, v))).numpy()
    assert np.allclose(output, expected, atol=1e-06), 'no mask, Lq != Lk'
    assert not getattr(masked_attention, '__module__', '').startswith('seqdl'), 'write your own'

@test_case(points=0.5, hidden=True)
def test_q1_large_scores_and_integer_masks(masked_attention):
    """Scores of order 10^4 stay finite, forbidden weights are exactly 0, and 0/1 integer masks work."""
    import numpy as np
    rng = np.random.default_rng(3)
    q, k, v = (100.0 * rng.normal(size=(2, 5, 4)), 100.0 * rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 5, 3)))
    key_mask = np.array([[1, 1, 0, 1, 1], [1, 0, 1, 1, 0]])
    output, weights = (np.asarray(a) for a in masked_attention(q, k, v, key_mask=key_mask, causal=True))
    assert np.all(np.isfinite(output)) and np.all(np.isfinite(weights))
    allowed = key_mask.astype(bool)[:, None, :] & np.tril(np.ones((5, 5), dtype=bool))
    assert np.all(weights[~allowed] == 0)
    assert np.allclose(weights.sum(axis=-1), 1)

