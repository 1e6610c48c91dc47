from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 4

@test_case(points=1, hidden=False)
def test_q1_order_shape_dtype(one_hot_encode):
    """'ACGT' gives a float32 (4, 4) array with columns in the order A, C, G, T."""
    import numpy as np
    assert callable(one_hot_encode), 'define one_hot_encode(seq) in the cell above and run it'
    x = one_hot_encode('ACGT')
    assert isinstance(x, np.ndarray), f'return a NumPy array, not {type(x).__name__}'
    assert x.shape == (4, 4), f"'ACGT' should give shape (4, 4), got {x.shape}: one row per base"
    assert x.dtype == np.float32, f'use dtype float32 (what Keras expects), got {x.dtype}'
    assert np.array_equal(x, np.eye(4)), f"rows must follow the column order A, C, G, T: 'A' -> [1,0,0,0], 'C' -> [0,1,0,0], 'G' -> [0,0,1,0], 'T' -> [0,0,0,1]; one_hot_encode('ACGT') gave\n{x}"

@test_case(points=0.5, hidden=False)
def test_q1_lower_case(one_hot_encode):
    """Lower-case bases are encoded like upper-case ones."""
    import numpy as np
    assert callable(one_hot_encode), 'define one_hot_encode(seq) in the cell above and run it'
    lower, upper = (one_hot_encode('acgtt'), one_hot_encode('ACGTT'))
    assert isinstance(lower, np.ndarray) and lower.shape == (5, 4), "'acgtt' should give a (5, 4) array"
    lower, upper = (np.asarray(lower), np.asarray(upper))
    assert np.array_equal(upper, np.eye(4)[[0, 1, 2, 3, 3]]), "'ACGTT' is encoded wrongly"
    assert np.array_equal(lower, upper), "lower-case bases mean the same as upper case: 'acgtt' == 'ACGTT'"

@test_case(points=0.5, hidden=False)
def test_q1_unknown_base_is_zero(one_hot_encode):
    """N (or n) gives an all-zero row and keeps its position."""
    import numpy as np
    x = one_hot_encode('ANnT')
    assert x.shape == (4, 4), "N is a position too: 'ANnT' has 4 rows"
    assert np.array_equal(x[1:3], np.zeros((2, 4))), f'N (or n) must give an all-zero row, got {x[1:3]}'
    assert np.array_equal(x[[0, 3]], np.eye(4)[[0, 3]]), 'the A and T around the Ns are wrong'

@test_case(points=1, hidden=True)
def test_q1_random_sequences(one_hot_encode):
    """Random sequences of several lengths, with Ns, are encoded exactly."""
    import numpy as np
    rng = np.random.default_rng(2024)
    for length in (1, 17, 200):
        index = rng.integers(0, 5, length)
        seq = ''.join(('ACGTN'[i] for i in index))
        expected = np.vstack([np.eye(4), np.zeros((1, 4))])[index]
        got = one_hot_encode(seq)
        assert np.array_equal(got, expected), f'wrong encoding of the random sequence {seq[:30]}...'

@test_case(points=0.5, hidden=False)
def test_q1_rejects_invalid_characters(one_hot_encode):
    """Characters other than A, C, G, T, N raise ValueError naming the character."""
    one_hot_encode('ACGTNacgtn')
    for bad, char in (('ACXT', 'X'), ('AC GT', ' '), ('ACGU', 'U'), ('AC-T', '-')):
        try:
            one_hot_encode(bad)
        except ValueError as err:
            assert repr(char) in str(err) or (char != ' ' and char in str(err)), f'one_hot_encode({bad!r}) raised ValueError, but its message should name the character {char!r}'
            continue
        raise AssertionError(f'one_hot_encode({bad!r}) must raise ValueError: only A, C, G, T, N are DNA')

@test_case(points=0.5, hidden=True)
def test_q1_empty_and_own_code(one_hot_encode):
    """The empty sequence gives shape (0, 4); the function is your own."""
    import numpy as np
    assert np.asarray(one_hot_encode('')).shape == (0, 4), 'an empty sequence gives an array of shape (0, 4)'
    assert np.array_equal(np.asarray(one_hot_encode('G')), [[0, 0, 1, 0]]), "'G' should give [[0, 0, 1, 0]]"
    assert getattr(one_hot_encode, '__module__', '') != 'seqdl.encode', 'write your own one_hot_encode'

