from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 2

@test_case(points=1, hidden=False)
def test_q3_padding_ignored(mean_pool):
    """Padded positions are left out of the average; an all-padding row gives zeros."""
    import numpy as np
    assert callable(mean_pool), 'define mean_pool(hidden, mask) above and run it'
    hidden = np.arange(12.0).reshape(1, 4, 3)
    got = np.asarray(mean_pool(hidden, np.array([[1, 1, 0, 0]])))
    assert got.shape == (1, 3), f'one vector per sequence: shape (1, 3), got {got.shape}'
    assert np.allclose(got, [[1.5, 2.5, 3.5]]), f'average only the first two (unpadded) rows: got {got}'
    with np.errstate(all='ignore'):
        empty = np.asarray(mean_pool(hidden, np.array([[0, 0, 0, 0]])))
    assert np.allclose(empty, 0) and np.all(np.isfinite(empty)), f'a row with no real residues must give zeros, got {empty}: divide by max(count, 1), not count'

@test_case(points=1, hidden=True)
def test_q3_random_and_empty_rows(mean_pool):
    """Random masks, empty rows and 0/1 masks all give the masked mean."""
    import numpy as np
    rng = np.random.default_rng(4)
    hidden = rng.normal(size=(6, 9, 5))
    mask = rng.random((6, 9)) > 0.5
    mask[2] = False
    got = np.asarray(mean_pool(hidden, mask))
    assert np.all(np.isfinite(got)), 'an all-zero mask row must give zeros, not NaN'
    for row in range(6):
        expected = hidden[row][mask[row]].mean(axis=0) if mask[row].any() else np.zeros(5)
        assert np.allclose(got[row], expected), f'row {row} is not the mean over its masked positions'
    assert np.allclose(np.asarray(mean_pool(hidden, mask.astype(int))), got), 'accept 0/1 masks as well as booleans'
    assert not getattr(mean_pool, '__module__', '').startswith('seqdl'), 'write your own mean_pool'

