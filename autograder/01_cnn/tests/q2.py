from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 3

@test_case(points=1, hidden=False)
def test_q2_basic(reverse_complement_onehot):
    """One encoded sequence in A, C, G, T order: positions reversed and bases complemented."""
    import numpy as np
    assert callable(reverse_complement_onehot), 'define reverse_complement_onehot(x, alphabet) and run it'

    def encode(seq):
        return np.eye(4, dtype=np.float32)[['ACGT'.index(b) for b in seq]]
    got = np.asarray(reverse_complement_onehot(encode('AACG')))
    assert got.shape == (4, 4), f'the result keeps the shape (4, 4), got {got.shape}'
    if np.array_equal(got, encode('GCAA')):
        raise AssertionError('AACG became GCAA: you reversed the positions but did not complement the bases')
    if np.array_equal(got, encode('TTGC')):
        raise AssertionError('AACG became TTGC: you complemented the bases but did not reverse the positions')
    assert np.array_equal(got, encode('CGTT')), 'the reverse complement of AACG is CGTT: reverse the positions AND move each base to its partner'
    assert np.array_equal(reverse_complement_onehot(encode('ACGT')), encode('ACGT')), 'ACGT is its own reverse complement'

@test_case(points=0.5, hidden=False)
def test_q2_batch(reverse_complement_onehot):
    """A batch (n, length, 4): every sequence reverse-complemented, the batch order kept."""
    import numpy as np

    def encode(seq):
        return np.eye(4, dtype=np.float32)[['ACGT'.index(b) for b in seq]]
    batch = np.stack([encode('AAC'), encode('GGT')])
    got = np.asarray(reverse_complement_onehot(batch))
    assert got.shape == (2, 3, 4), f'a batch of shape (2, 3, 4) keeps its shape, got {got.shape}'
    expected = np.stack([encode('GTT'), encode('ACC')])
    if np.array_equal(got, expected[::-1]):
        raise AssertionError('the two sequences came back in swapped order: for a batch, x[::-1, ::-1] reverses the sequences and the positions; reverse the positions axis (-2) and map the base axis (-1)')
    assert np.array_equal(got, expected), 'for a batch (n, length, 4), reverse-complement each sequence: reverse the positions axis (-2, not 0) and complement along the base axis (-1)'

@test_case(points=0.5, hidden=False)
def test_q2_other_column_order(reverse_complement_onehot):
    """Columns in the order A, C, T, G: each base still goes to its complement's column."""
    import numpy as np

    def encode(seq, order):
        return np.eye(4, dtype=np.float32)[[order.index(b) for b in seq]]
    got = np.asarray(reverse_complement_onehot(encode('AACG', 'ACTG'), alphabet='ACTG'))
    assert np.array_equal(got, encode('CGTT', 'ACTG')), "with alphabet='ACTG' the columns are A, C, T, G, and reversing them does not complement (A would land in G's column): find, for each column, the column of its complementary base"

@test_case(points=0.5, hidden=True)
def test_q2_random_batches_every_order(reverse_complement_onehot):
    """Random probability rows, every column order and several dtypes match a reference."""
    import itertools
    import numpy as np
    rng = np.random.default_rng(17)
    pairs = {'A': 'T', 'C': 'G', 'G': 'C', 'T': 'A'}
    for order in (''.join(p) for p in itertools.permutations('ACGT')):
        x = rng.dirichlet(np.ones(4), size=(3, 11)).astype(np.float32)
        partner = [order.index(pairs[b]) for b in order]
        expected = x[:, ::-1][:, :, partner]
        got = np.asarray(reverse_complement_onehot(x, alphabet=order))
        assert got.shape == x.shape and np.allclose(got, expected), f"wrong result for alphabet={order!r} (check each column's complement)"
        again = np.asarray(reverse_complement_onehot(got, alphabet=order))
        assert np.allclose(again, x), 'applying it twice must give the input back'
    for dtype in (np.float64, np.int8):
        x = np.eye(4, dtype=dtype)[rng.integers(0, 4, 9)]
        got = np.asarray(reverse_complement_onehot(x))
        assert got.dtype == dtype, f'keep the dtype: {dtype.__name__} came back as {got.dtype}'
        assert np.array_equal(got, x[::-1, ::-1]), 'wrong result for a single sequence'

@test_case(points=0.5, hidden=True)
def test_q2_wrong_shapes_are_errors(reverse_complement_onehot):
    """Arrays that are not (length, 4) or (n, length, 4) raise ValueError; the function is your own."""
    import numpy as np
    for bad in (np.zeros(4), np.zeros((10, 5)), np.zeros((2, 10, 3))):
        try:
            reverse_complement_onehot(bad)
        except ValueError:
            continue
        raise AssertionError(f'an array of shape {bad.shape} must raise ValueError')
    assert getattr(reverse_complement_onehot, '__module__', '') != 'seqdl.encode', 'write your own reverse_complement_onehot'

