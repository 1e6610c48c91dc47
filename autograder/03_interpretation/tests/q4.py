from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 3

@test_case(points=1.5, hidden=False)
def test_q4_completeness_and_gap(integrated_gradients):
    """With a non-zero baseline the attributions sum to f(x) - f(baseline), and gap is what is left over."""
    import keras
    import numpy as np
    assert callable(integrated_gradients), 'define integrated_gradients(model, x, baseline, steps=50)'
    seed, length = (0, 30)
    keras.utils.set_random_seed(seed)
    tiny = keras.Sequential([keras.Input(shape=(length, 4)), keras.layers.Conv1D(4, 5, activation='tanh'), keras.layers.Flatten(), keras.layers.Dense(1)])
    rng = np.random.default_rng(2)
    x = np.eye(4, dtype='float32')[rng.integers(0, 4, length)]
    baseline = np.eye(4, dtype='float32')[rng.integers(0, 4, length)]
    result = integrated_gradients(tiny, x, baseline, steps=100)
    assert isinstance(result, tuple) and len(result) == 2, 'return a tuple (attributions, gap)'
    attributions, gap = (np.asarray(result[0]), result[1])
    assert attributions.shape == (length, 4), f'attributions: an (L, 4) array, got {attributions.shape}'
    delta = float(tiny(x[None])[0, 0] - tiny(baseline[None])[0, 0])
    total = float(attributions.sum())
    assert abs(total - delta) < 0.01 * abs(delta), f'attributions sum to {total:.5f} but f(x) - f(baseline) = {delta:.5f}: walk the straight path from baseline to x and multiply the averaged gradients by (x - baseline)'
    assert isinstance(gap, float), f'gap must be a Python float, got {type(gap).__name__}'
    attributions, gap = integrated_gradients(tiny, x, baseline, steps=1)
    total = float(np.asarray(attributions).sum())

    def f(point):
        return float(tiny(np.asarray(point, dtype='float32')[None])[0, 0])
    h = 0.01
    slope = (f(baseline + (0.5 + h) * (x - baseline)) - f(baseline + (0.5 - h) * (x - baseline))) / (2 * h)
    assert abs(total - slope) < 0.001 * max(1.0, abs(slope)), 'with steps=1 the midpoint rule takes one gradient, halfway from the baseline to x (alpha = 0.5), and yours differs: use alpha_k = (k + 0.5) / steps, not k / steps and not a trapezoid over both ends'
    assert np.isclose(gap, total - delta, atol=1e-05), f'with steps=1, gap should be attributions.sum() - (f(x) - f(baseline)) = {total - delta:.5f}, got {gap:.5f}'

@test_case(points=0.5, hidden=False)
def test_q4_ig_explains_the_logit(integrated_gradients, ig, gap, cnn, logit_cnn, example, baseline):
    """ig and gap are Integrated Gradients of example's logit against baseline (128 steps)."""
    import numpy as np
    ig = np.asarray(ig)
    assert ig.shape == example.shape, f'ig: one row per position of example, {example.shape}, got {ig.shape}'
    probability, _ = integrated_gradients(cnn, example, baseline, steps=128)
    if np.allclose(ig, np.asarray(probability), atol=1e-07):
        raise AssertionError('ig explains the probability: attribute the logit (pass logit_cnn, not cnn)')
    logit, logit_gap = integrated_gradients(logit_cnn, example, baseline, steps=128)
    assert np.allclose(ig, np.asarray(logit), atol=1e-05) and np.isclose(gap, logit_gap, atol=1e-05), 'ig, gap should be integrated_gradients(logit_cnn, example, baseline, steps=128)'

@test_case(points=1, hidden=True)
def test_q4_matches_a_reference(integrated_gradients):
    """The attributions match a fine-grid reference for non-zero baselines, and steps=1 uses the midpoint."""
    import keras
    import numpy as np
    import tensorflow as tf
    seed, length = (5, 16)
    keras.utils.set_random_seed(seed)
    tiny = keras.Sequential([keras.Input(shape=(length, 4)), keras.layers.Conv1D(4, 5, activation='tanh'), keras.layers.Flatten(), keras.layers.Dense(1)])

    def gradients(points):
        points = tf.constant(points)
        with tf.GradientTape() as tape:
            tape.watch(points)
            out = tiny(points)[:, 0]
        return tape.gradient(out, points).numpy()
    rng = np.random.default_rng(4)
    x = np.eye(4, dtype='float32')[rng.integers(0, 4, length)]
    for baseline in (np.full_like(x, 0.25), np.eye(4, dtype='float32')[rng.integers(0, 4, length)]):
        alphas = np.linspace(0, 1, 401, dtype='float32')
        grads = gradients(baseline[None] + alphas[:, None, None] * (x - baseline)[None])
        expected = (x - baseline) * np.trapezoid(grads, alphas, axis=0)
        got = np.asarray(integrated_gradients(tiny, x, baseline, steps=64)[0])
        assert np.allclose(got, expected, atol=0.01 * np.abs(expected).max())
        midpoint = (x - baseline) * gradients((baseline + 0.5 * (x - baseline))[None])[0]
        assert np.allclose(np.asarray(integrated_gradients(tiny, x, baseline, steps=1)[0]), midpoint, atol=1e-05)
    assert getattr(integrated_gradients, '__module__', '') != 'seqdl.interpret', 'write your own'

