from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 4

@test_case(points=1, hidden=False)
def test_q2_completeness(integrated_gradients):
    """The attributions sum to f(x) - f(baseline), up to the Riemann-sum error."""
    import keras
    import numpy as np
    assert callable(integrated_gradients), 'define integrated_gradients(model, x, baseline=None, steps=50)'
    seed, length = (0, 30)
    keras.utils.set_random_seed(seed)
    tiny = keras.Sequential([keras.Input(shape=(length, 4)), keras.layers.Conv1D(4, 5, activation='relu'), keras.layers.GlobalMaxPooling1D(), keras.layers.Dense(1, activation='sigmoid')])
    x = np.eye(4, dtype='float32')[np.random.default_rng(2).integers(0, 4, length)]
    ig = np.asarray(integrated_gradients(tiny, x, steps=200))
    assert ig.shape == (length, 4), f'return an (L, 4) array, got {ig.shape}'
    delta = float(tiny(x[None])[0, 0] - tiny(np.zeros_like(x)[None])[0, 0])
    error = abs(ig.sum() - delta) / abs(delta)
    assert error < 0.02, f'attributions sum to {ig.sum():.5f} but f(x) - f(baseline) = {delta:.5f} ({error:.1%} off): multiply the averaged gradients by (x - baseline)'

@test_case(points=1.5, hidden=True)
def test_q2_matches_a_reference(integrated_gradients):
    """The attributions match a reference implementation of Integrated Gradients."""
    import keras
    import numpy as np
    import tensorflow as tf
    seed, length = (5, 16)
    keras.utils.set_random_seed(seed)
    tiny = keras.Sequential([keras.Input(shape=(length, 4)), keras.layers.Conv1D(4, 5, activation='relu'), keras.layers.GlobalMaxPooling1D(), keras.layers.Dense(1, activation='sigmoid')])
    x = np.eye(4, dtype='float32')[np.random.default_rng(4).integers(0, 4, length)]
    alphas = np.linspace(0, 1, 401, dtype='float32')
    path = tf.constant(alphas[:, None, None] * x[None])
    with tf.GradientTape() as tape:
        tape.watch(path)
        out = tiny(path)[:, 0]
    grads = tape.gradient(out, path).numpy()
    expected = x * np.trapezoid(grads, alphas, axis=0)
    got = np.asarray(integrated_gradients(tiny, x, steps=200))
    scale = np.abs(expected).max()
    assert np.allclose(got, expected, atol=0.03 * scale), f'attributions differ from a reference implementation by {np.abs(got - expected).max() / scale:.1%}'
    assert getattr(integrated_gradients, '__module__', '') != 'seqdl.interpret', 'write your own'

@test_case(points=1.5, hidden=True)
def test_q2_uses_the_baseline(integrated_gradients):
    """A non-zero baseline is used, not silently replaced by zeros."""
    import keras
    import numpy as np
    seed, length = (7, 20)
    keras.utils.set_random_seed(seed)
    tiny = keras.Sequential([keras.Input(shape=(length, 4)), keras.layers.Conv1D(4, 5, activation='relu'), keras.layers.GlobalMaxPooling1D(), keras.layers.Dense(1, activation='sigmoid')])
    rng = np.random.default_rng(6)
    x = np.eye(4, dtype='float32')[rng.integers(0, 4, length)]
    zero_output = float(tiny(np.zeros_like(x)[None])[0, 0])
    candidates = np.eye(4, dtype='float32')[rng.integers(0, 4, (20, length))]
    outputs = np.asarray(tiny(candidates))[:, 0]
    baseline = candidates[np.argmax(np.abs(outputs - zero_output))]
    ig = np.asarray(integrated_gradients(tiny, x, baseline=baseline, steps=200))
    delta = float(tiny(x[None])[0, 0] - tiny(baseline[None])[0, 0])
    assert abs(ig.sum() - delta) < 0.02 * abs(delta) + 1e-06, f'with another sequence as baseline the attributions should sum to f(x) - f(baseline) = {delta:.5f}, got {ig.sum():.5f}: use the baseline argument for the path and in the (x - baseline) factor'

