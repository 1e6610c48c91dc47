from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 3

@test_case(points=1.5, hidden=False)
def test_q3_windows_and_sign(occlusion_scan):
    """One entry per window start; entry s hides x[s : s + width] and is f(occluded) - f(x)."""
    import keras
    import numpy as np
    assert callable(occlusion_scan), 'define occlusion_scan(model, x, width) above and run it'
    length, width = (12, 4)
    keras.utils.set_random_seed(0)
    tiny = keras.Sequential([keras.Input(shape=(length, 4)), keras.layers.Conv1D(3, 3, activation='relu'), keras.layers.Flatten(), keras.layers.Dense(1)])
    x = np.eye(4, dtype='float32')[np.random.default_rng(0).integers(0, 4, length)]
    original = x.copy()
    scan = np.asarray(occlusion_scan(tiny, x, width))
    assert np.array_equal(x, original), 'occlusion_scan must not modify x: occlude copies'
    assert scan.shape == (length - width + 1,), f'there are L - width + 1 = {length - width + 1} windows (starts 0 to L - width), so the scan has shape ({length - width + 1},); got {scan.shape}'
    f_x = float(tiny(x[None])[0, 0])
    for s in (0, 3, length - width):
        occluded = x.copy()
        occluded[s:s + width] = 0
        expected = float(tiny(occluded[None])[0, 0]) - f_x
        if np.isclose(scan[s], -expected, atol=1e-05) and (not np.isclose(expected, 0, atol=1e-05)):
            raise AssertionError('you subtracted the other way round: scan[s] = f(occluded) - f(x)')
        assert np.isclose(scan[s], expected, atol=1e-05), f'scan[{s}] should be {expected:.5f}, got {scan[s]:.5f}: entry s hides the width rows x[s : s + width] (positions s to s + width - 1), no more, no fewer'

@test_case(points=1, hidden=True)
def test_q3_brute_force_and_errors(occlusion_scan):
    """Every window and width match a one-at-a-time reference; widths outside 1..L raise ValueError."""
    import keras
    import numpy as np
    length = 9
    keras.utils.set_random_seed(4)
    tiny = keras.Sequential([keras.Input(shape=(length, 4)), keras.layers.Conv1D(2, 2, activation='tanh'), keras.layers.Flatten(), keras.layers.Dense(1)])
    x = np.eye(4, dtype='float32')[np.random.default_rng(5).integers(0, 4, length)]
    f_x = float(tiny(x[None])[0, 0])
    for width in (1, 2, 5, length):
        expected = []
        for s in range(length - width + 1):
            occluded = x.copy()
            occluded[s:s + width] = 0
            expected.append(float(tiny(occluded[None])[0, 0]) - f_x)
        got = np.asarray(occlusion_scan(tiny, x, width), dtype=float)
        assert got.shape == (len(expected),) and np.allclose(got, expected, atol=1e-05), f'width {width}'
    for width in (0, length + 1):
        try:
            occlusion_scan(tiny, x, width)
        except ValueError:
            continue
        raise AssertionError(f'width {width}: expected ValueError')

@test_case(points=0.5, hidden=True)
def test_q3_scans_find_the_planted_motif(scans, checked, cnn, X_test, starts_test):
    """The notebook's scans are of the logit, and their worst window mostly overlaps the planted motif."""
    import keras
    import numpy as np
    scans, checked = (np.asarray(scans), np.asarray(checked))
    width = X_test.shape[1] - scans.shape[1] + 1
    assert scans.shape == (len(checked), 200 - 15 + 1) and width == 15
    features = keras.Model(cnn.inputs[0], cnn.layers[-1].input)
    kernel, bias = cnn.layers[-1].get_weights()
    for row in (0, len(checked) // 2, len(checked) - 1):
        x = X_test[checked[row]]
        occluded = np.repeat(x[None], scans.shape[1], axis=0)
        for s in range(scans.shape[1]):
            occluded[s, s:s + width] = 0
        logits = (np.asarray(features(occluded)) @ kernel + bias)[:, 0]
        logit_x = float((np.asarray(features(x[None])) @ kernel + bias)[0, 0])
        assert np.allclose(scans[row], logits - logit_x, atol=0.001)
    hits = np.abs(scans.argmin(axis=1) - starts_test[checked]) <= width // 2
    assert hits.mean() >= 0.7

