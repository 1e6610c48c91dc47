from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 2

@test_case(points=1, hidden=False)
def test_q2_by_hand(rotary_embedding):
    """Two rows worked out by hand: position 0 is unchanged, position 1 turns pair i by 10000^(-2i/d)."""
    import numpy as np
    assert callable(rotary_embedding), 'define rotary_embedding(x, positions) above and run it'
    x = np.array([[1.0, 0.0, 0.0, 1.0], [1.0, 0.0, 0.0, 1.0]])
    original = x.copy()
    got = np.asarray(rotary_embedding(x, np.array([0, 1])))
    assert np.array_equal(x, original), 'rotary_embedding must not modify x'
    assert got.shape == (2, 4), f'one row per row of x: (2, 4), got {got.shape}'
    assert np.allclose(got[0], x[0]), f'position 0 is turned by angle 0 and must stay {x[0].tolist()}, got {got[0].round(4).tolist()}: rotary encodings rotate, they do not add a vector'
    t0, t1 = (1.0, 1.0 / 100)
    expected = np.array([np.cos(t0), np.sin(t0), -np.sin(t1), np.cos(t1)])
    if np.allclose(got[1], [np.cos(t0), -np.sin(t0), np.sin(t1), np.cos(t1)]):
        raise AssertionError('you rotate the other way: out[2i] = x[2i] cos - x[2i+1] sin, out[2i+1] = x[2i] sin + x[2i+1] cos')
    if np.allclose(got[1], [np.cos(t0), -np.sin(t1), np.sin(t0), np.cos(t1)]):
        raise AssertionError('the pairs are neighbouring columns (2i, 2i + 1), not column i with column i + d/2')
    assert np.allclose(got[1], expected), f'position 1 should give {expected.round(4).tolist()}, got {got[1].round(4).tolist()}: pair i turns by the angle p / 10000^(2i/d)'

@test_case(points=1, hidden=True)
def test_q2_matches_complex_rotation(rotary_embedding):
    """Random inputs match rotations written with complex numbers; scores depend on offsets; odd d raises."""
    import numpy as np
    rng = np.random.default_rng(7)
    for length, depth in ((9, 16), (5, 2), (3, 64)):
        x = rng.normal(size=(length, depth))
        positions = rng.integers(-50, 2000, length)
        omega = 10000.0 ** (-np.arange(0, depth, 2) / depth)
        z = (x[:, 0::2] + 1j * x[:, 1::2]) * np.exp(1j * positions[:, None] * omega)
        expected = np.stack([z.real, z.imag], axis=-1).reshape(length, depth)
        got = np.asarray(rotary_embedding(x, positions))
        assert got.shape == expected.shape and np.allclose(got, expected, atol=1e-09), f'L {length}, d {depth}'
    q, k = (rng.normal(size=(1, 32)), rng.normal(size=(1, 32)))
    scores = [float((rotary_embedding(q, np.array([p + 7])) @ rotary_embedding(k, np.array([p])).T)[0, 0]) for p in (0, 40, 900)]
    assert np.allclose(scores, scores[0])
    try:
        rotary_embedding(rng.normal(size=(4, 5)), np.arange(4))
    except ValueError:
        pass
    else:
        raise AssertionError('odd d must raise ValueError')

