from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 4

@test_case(points=1, hidden=False)
def test_q1_order_shape_dtype(one_hot_encode):
    """one_hot_encode('ACGT') gives a float32 (4, 4) array with columns in the order A, C, G, T."""
    import numpy as np
    assert callable(one_hot_encode), 'define one_hot_encode(seq) in the cell above and run it'
    x = one_hot_encode('ACGT')
    assert isinstance(x, np.ndarray), f'return a NumPy array, not {type(x).__name__}'
    assert x.shape == (4, 4), f"one_hot_encode('ACGT') should give shape (4, 4), got {x.shape}: one row per base"
    assert x.dtype == np.float32, f'use dtype float32 (what Keras expects), got {x.dtype}'
    assert np.array_equal(x, np.eye(4)), f"rows must follow the column order A, C, G, T: 'A' -> [1,0,0,0], 'C' -> [0,1,0,0], the rows of G and T: 'G' -> [0,0,1,0], 'T' -> [0,0,0,1]; one_hot_encode('ACGT') gave\n{x}"

@test_case(points=0.5, hidden=False)
def test_q1_lower_case(one_hot_encode):
    """Lower-case bases are encoded like upper-case ones."""
    import numpy as np
    assert callable(one_hot_encode), 'define one_hot_encode(seq) in the cell above and run it'
    try:
        lower = one_hot_encode('acgtt')
    except ValueError as err:
        raise AssertionError(f"one_hot_encode('acgtt') raised ValueError ({err}): lower-case bases mean the same as upper case") from None
    upper = one_hot_encode('ACGTT')
    assert isinstance(lower, np.ndarray) and lower.shape == (5, 4), "one_hot_encode('acgtt') should give a (5, 4) array"
    lower, upper = (np.asarray(lower), np.asarray(upper))
    assert np.array_equal(upper, np.eye(4)[[0, 1, 2, 3, 3]]), "one_hot_encode('ACGTT') is encoded wrongly"
    assert np.array_equal(lower, upper), "lower-case bases mean the same as upper case: 'acgtt' == 'ACGTT', so encode both alike"

@test_case(points=0.5, hidden=False)
def test_q1_unknown_base_is_uniform(one_hot_encode):
    """N (or n) gives the row 0.25, 0.25, 0.25, 0.25 and keeps its position."""
    import numpy as np
    x = np.asarray(one_hot_encode('ANnT'))
    assert x.shape == (4, 4), "N is a position too: 'ANnT' has 4 rows"
    assert np.allclose(x[1:3], 0.25, atol=1e-06), f'N means any base, each equally likely: its row must be [0.25, 0.25, 0.25, 0.25] (chapter 4 wrote zeros; this exercise does not), got\n{x[1:3]}'
    assert np.array_equal(x[[0, 3]], np.eye(4)[[0, 3]]), 'the A and T around the Ns are wrong'

@test_case(points=0.5, hidden=False)
def test_q1_two_base_codes(one_hot_encode):
    """R (A or G) and y (C or T) share their row equally between their two bases."""
    import numpy as np
    try:
        x = np.asarray(one_hot_encode('RyA'))
    except ValueError as err:
        raise AssertionError(f"one_hot_encode('RyA') raised ValueError ({err}): R and Y are ambiguity codes (see IUPAC_BASES), not invalid characters") from None
    expected = np.array([[0.5, 0, 0.5, 0], [0, 0.5, 0, 0.5], [1, 0, 0, 0]])
    assert x.shape == (3, 4) and np.allclose(x, expected, atol=1e-06), f"R is A or G, each with probability 0.5: [0.5, 0, 0.5, 0]; y is C or T: [0, 0.5, 0, 0.5]. Every row must sum to 1. one_hot_encode('RyA') gave\n{x}"

@test_case(points=0.5, hidden=False)
def test_q1_rejects_invalid_characters(one_hot_encode):
    """Characters that are not IUPAC DNA codes raise ValueError naming the character."""
    one_hot_encode('ACGTNacgtnRYSWKMBDHVryswkmbdhv')
    for bad, char in (('ACXT', 'X'), ('AC GT', ' '), ('ACGU', 'U'), ('AC-T', '-')):
        try:
            one_hot_encode(bad)
        except ValueError as err:
            assert repr(char) in str(err) or (char != ' ' and char in str(err)), f'one_hot_encode({bad!r}) raised ValueError, but its message should name the character {char!r} (as its repr, in quotes)'
            continue
        raise AssertionError(f'one_hot_encode({bad!r}) must raise ValueError: {char!r} is not a DNA code, and the message should say so')

@test_case(points=0.5, hidden=True)
def test_q1_random_sequences(one_hot_encode):
    """Every IUPAC code, in both cases, and random sequences of them are encoded exactly."""
    import numpy as np
    codes = {'A': 'A', 'C': 'C', 'G': 'G', 'T': 'T', 'R': 'AG', 'Y': 'CT', 'S': 'CG', 'W': 'AT', 'K': 'GT', 'M': 'AC', 'B': 'CGT', 'D': 'AGT', 'H': 'ACT', 'V': 'ACG', 'N': 'ACGT'}
    table = {code: np.array([(b in bases) / len(bases) for b in 'ACGT']) for code, bases in codes.items()}
    for code in codes:
        for letter in (code, code.lower()):
            got = np.asarray(one_hot_encode(letter))
            assert got.shape == (1, 4) and np.allclose(got[0], table[code], atol=1e-06), f'{letter!r} stands for {codes[code]}: expected {table[code]}, got {got}'
    rng = np.random.default_rng(2024)
    letters = list(codes) + [c.lower() for c in codes]
    for length in (1, 17, 200):
        seq = ''.join(rng.choice(letters, length))
        expected = np.array([table[c.upper()] for c in seq])
        got = np.asarray(one_hot_encode(seq))
        assert got.shape == (length, 4) and np.allclose(got, expected, atol=1e-06), f'wrong encoding of the random sequence {seq[:30]}...'

@test_case(points=0.5, hidden=True)
def test_q1_empty_and_own_code(one_hot_encode):
    """The empty sequence gives shape (0, 4); the function is your own."""
    import numpy as np
    assert np.asarray(one_hot_encode('')).shape == (0, 4), 'an empty sequence gives an array of shape (0, 4)'
    assert np.array_equal(np.asarray(one_hot_encode('G')), [[0, 0, 1, 0]]), "one_hot_encode('G') should give [[0, 0, 1, 0]]"
    assert getattr(one_hot_encode, '__module__', '') != 'seqdl.encode', 'write your own one_hot_encode'

