from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 2

@test_case(points=0.5, hidden=False)
def test_q2_shape_reference_and_sign(saturation_mutagenesis):
    """An (L, 4) array, 0 at the reference base, effects f(mutant) - f(x) in the right direction."""
    import keras
    import numpy as np
    assert callable(saturation_mutagenesis), 'define saturation_mutagenesis(model, x) above and run it'
    seed, length = (0, 12)
    keras.utils.set_random_seed(seed)
    tiny = keras.Sequential([keras.Input(shape=(length, 4)), keras.layers.Conv1D(4, 5, activation='relu'), keras.layers.GlobalMaxPooling1D(), keras.layers.Dense(1)])
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

@test_case(points=0.5, hidden=False)
def test_q2_ism_explains_the_logit(saturation_mutagenesis, ism, cnn, logit_cnn, example):
    """ism is the saturation mutagenesis of the logit of example, not of its probability."""
    import numpy as np
    ism = np.asarray(ism)
    assert ism.shape == example.shape, f'ism: one row per position of example, {example.shape}, got {ism.shape}'
    if np.allclose(ism, np.asarray(saturation_mutagenesis(cnn, example)), atol=1e-06):
        raise AssertionError('ism holds changes of the probability: attribute the logit (pass logit_cnn, not cnn)')
    assert np.allclose(ism, np.asarray(saturation_mutagenesis(logit_cnn, example)), atol=0.0001), 'ism should be the saturation mutagenesis of example by logit_cnn'

@test_case(points=1, hidden=True)
def test_q2_matches_one_mutant_at_a_time(saturation_mutagenesis, ism, cnn, example):
    """Each effect equals predicting that mutant alone; ism matches an independent logit reference."""
    import keras
    import numpy as np
    seed, length = (3, 10)
    keras.utils.set_random_seed(seed)
    tiny = keras.Sequential([keras.Input(shape=(length, 4)), keras.layers.Conv1D(4, 5, activation='relu'), keras.layers.GlobalMaxPooling1D(), keras.layers.Dense(1)])
    x = np.eye(4, dtype='float32')[np.random.default_rng(1).integers(0, 4, length)]
    reference = float(tiny(x[None])[0, 0])
    expected = np.zeros((length, 4))
    for i in range(length):
        for b in range(4):
            mutant = x.copy()
            mutant[i] = np.eye(4)[b]
            expected[i, b] = float(tiny(mutant[None])[0, 0]) - reference
    got = np.asarray(saturation_mutagenesis(tiny, x))
    assert np.allclose(got, expected, atol=1e-05), 'effects differ from predicting each mutant separately'
    assert getattr(saturation_mutagenesis, '__module__', '') != 'seqdl.interpret', 'write your own'
    features = keras.Model(cnn.inputs[0], cnn.layers[-1].input)
    kernel, bias = cnn.layers[-1].get_weights()
    mutants = np.repeat(example[None], 4 * len(example), axis=0)
    for i in range(len(example)):
        mutants[4 * i:4 * i + 4, i] = np.eye(4)
    logits = (np.asarray(features(mutants)) @ kernel + bias)[:, 0]
    logit_x = float((np.asarray(features(example[None])) @ kernel + bias)[0, 0])
    assert np.allclose(np.asarray(ism), logits.reshape(-1, 4) - logit_x, atol=0.001), "ism is not the logit's"

