from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 3

@test_case(points=1, hidden=False)
def test_q1_shape_and_reference_is_zero(saturation_mutagenesis):
    """An (L, 4) array, 0 at the reference base, effects f(mutant) - f(x) in the right direction."""
    import keras
    import numpy as np
    assert callable(saturation_mutagenesis), 'define saturation_mutagenesis(model, x) above and run it'
    seed, length = (0, 12)
    keras.utils.set_random_seed(seed)
    tiny = keras.Sequential([keras.Input(shape=(length, 4)), keras.layers.Conv1D(4, 5, activation='relu'), keras.layers.GlobalMaxPooling1D(), keras.layers.Dense(1, activation='sigmoid')])
    x = np.eye(4, dtype='float32')[np.random.default_rng(0).integers(0, 4, length)]
    effects = saturation_mutagenesis(tiny, x)
    assert isinstance(effects, np.ndarray) and effects.shape == (length, 4), f'return an (L, 4) array, got {getattr(effects, 'shape', type(effects).__name__)}'
    assert np.allclose(effects[x.astype(bool)], 0), "a 'substitution' by the reference base changes nothing: 0"
    assert np.abs(effects).max() > 0, 'some substitutions must change the output'
    i, b = (0, (int(x[0].argmax()) + 1) % 4)
    mutant = x.copy()
    mutant[i] = np.eye(4)[b]
    expected = float(tiny(mutant[None])[0, 0]) - float(tiny(x[None])[0, 0])
    assert np.isclose(effects[i, b], expected, atol=1e-05), f'effects[0, {b}] should be f(mutant) - f(x) = {expected:.5f}, got {effects[i, b]:.5f}' + (': you subtracted the other way round (f(x) - f(mutant))' if np.isclose(effects[i, b], -expected, atol=1e-05) else '')

@test_case(points=2, hidden=True)
def test_q1_matches_one_mutant_at_a_time(saturation_mutagenesis):
    """Every effect equals predicting that single mutant separately."""
    import keras
    import numpy as np
    seed, length = (3, 10)
    keras.utils.set_random_seed(seed)
    tiny = keras.Sequential([keras.Input(shape=(length, 4)), keras.layers.Conv1D(4, 5, activation='relu'), keras.layers.GlobalMaxPooling1D(), keras.layers.Dense(1, activation='sigmoid')])
    x = np.eye(4, dtype='float32')[np.random.default_rng(1).integers(0, 4, length)]
    reference = float(tiny(x[None])[0, 0])
    expected = np.zeros((length, 4))
    for i in range(length):
        for b in range(4):
            mutant = x.copy()
            mutant[i] = np.eye(4)[b]
            expected[i, b] = float(tiny(mutant[None])[0, 0]) - reference
    got = saturation_mutagenesis(tiny, x)
    assert np.allclose(got, expected, atol=1e-05), f'effects differ from predicting each mutant separately: return f(mutant) - f(x), not the mutant predictions (max difference {np.abs(got - expected).max():.3g})'
    assert getattr(saturation_mutagenesis, '__module__', '') != 'seqdl.interpret', 'write your own'

