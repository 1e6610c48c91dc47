from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 3

@test_case(points=1, hidden=False)
def test_q1_shape_and_padding_at_the_end(one_hot_batch):
    """Shape (n, max_len, 4); short sequences are padded with zero rows at the end."""
    import numpy as np
    assert callable(one_hot_batch), 'define one_hot_batch(seqs, length) above and run the cell'
    batch = one_hot_batch(['AC', 'GGTT'], 4)
    assert isinstance(batch, np.ndarray) and batch.shape == (2, 4, 4), f'2 sequences, length 4 -> shape (2, 4, 4); got {getattr(batch, 'shape', type(batch).__name__)}'
    assert batch.dtype == np.float32, f'use float32, got {batch.dtype}'
    if np.array_equal(batch[0, 2:], np.eye(4)[[0, 1]]) and (not batch[0, :2].any()):
        raise AssertionError('the short sequence AC was padded at the front: keep it first, pad at the END')
    assert np.array_equal(batch[0, :2], np.eye(4)[[0, 1]]), 'the short sequence AC should fill the first two rows (A, then C)'
    assert np.array_equal(batch[0, 2:], np.zeros((2, 4))), 'pad short sequences with zero rows at the END'

@test_case(points=1, hidden=False)
def test_q1_long_sequences_keep_their_centre(one_hot_batch):
    """A long sequence keeps its central bases."""
    import numpy as np
    batch = np.asarray(one_hot_batch(['AACGTT'], 2))
    assert batch.shape == (1, 2, 4), f'length 2 -> shape (1, 2, 4), got {batch.shape}'
    if np.array_equal(batch[0], np.eye(4)[[0, 0]]):
        raise AssertionError('the sequence AACGTT cut to 2 bases gave AA, its first two: keep the CENTRAL bases (CG), dropping (len(seq) - length) // 2 bases at the start and the rest at the end')
    assert np.array_equal(batch[0], np.eye(4)[[1, 2]]), 'AACGTT cut to 2 bases should keep CG, its centre'
    odd = np.asarray(one_hot_batch(['ACGTA'], 2))[0].argmax(axis=1).tolist()
    assert odd == [1, 2], f'ACGTA (surplus 3) cut to 2 bases should keep CG, got {''.join(('ACGT'[i] for i in odd))}: an odd surplus loses (len(seq) - length) // 2 bases at the start and one more at the end'

@test_case(points=1, hidden=True)
def test_q1_random_batches(one_hot_batch):
    """Random batches of mixed lengths (odd surpluses too) match a reference; an empty list works."""
    import numpy as np
    rng = np.random.default_rng(5)
    table = np.vstack([np.eye(4), np.zeros((1, 4))])
    seqs = [''.join(('ACGTN'[i] for i in rng.integers(0, 5, n))) for n in (0, 1, 7, 30, 31, 45, 46)]
    got = np.asarray(one_hot_batch(seqs, 30))
    expected = np.zeros((len(seqs), 30, 4))
    for row, seq in enumerate(seqs):
        start = max(len(seq) - 30, 0) // 2
        index = ['ACGTN'.index(b) for b in seq[start:start + 30]]
        expected[row, :len(index)] = table[index]
    assert got.shape == expected.shape and np.array_equal(got, expected), 'random sequences of lengths 0-46 into length 30 are encoded wrongly'
    assert one_hot_batch(['ACGTG'], 3)[0].argmax(axis=1).tolist() == [1, 2, 3], 'ACGTG cut to 3 bases keeps CGT (surplus 2: one base from each end)'
    assert one_hot_batch([], 5).shape == (0, 5, 4), 'no sequences -> shape (0, length, 4)'
    assert getattr(one_hot_batch, '__module__', '') != 'seqdl.encode', 'write your own one_hot_batch'

