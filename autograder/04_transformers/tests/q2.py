from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 2

@test_case(points=1, hidden=False)
def test_q2_first_rows(sinusoidal_positional_encoding):
    """The first positions of the encoding have the expected sines and cosines."""
    import numpy as np
    assert callable(sinusoidal_positional_encoding), 'define sinusoidal_positional_encoding(length, depth)'
    pe = np.asarray(sinusoidal_positional_encoding(3, 4))
    assert pe.shape == (3, 4), f'shape (length, depth) = (3, 4), got {pe.shape}'
    assert np.allclose(pe[0], [0, 1, 0, 1]), f'position 0 is sin(0)=0 on even and cos(0)=1 on odd columns, got {pe[0]}'
    assert np.isclose(pe[1, 0], np.sin(1.0)) and np.isclose(pe[1, 1], np.cos(1.0)), 'columns 0/1 use pos / 10000^0'

@test_case(points=1, hidden=True)
def test_q2_formula(sinusoidal_positional_encoding):
    """Every entry follows the sinusoidal formula."""
    import math
    import numpy as np
    for length, depth in ((50, 16), (7, 5), (1, 2)):
        expected = np.array([[(math.sin if j % 2 == 0 else math.cos)(pos / 10000 ** (2 * (j // 2) / depth)) for j in range(depth)] for pos in range(length)])
        got = np.asarray(sinusoidal_positional_encoding(length, depth))
        assert got.shape == expected.shape and np.allclose(got, expected, atol=1e-09), f'length {length}, depth {depth}: does not match the formula (sin on even, cos on odd columns, exponent 2i/depth)'

