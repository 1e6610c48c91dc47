from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 2

@test_case(points=1, hidden=False)
def test_q5_recovers_a_planted_filter(filter_pwm):
    """The matrix from a planted filter's top windows spells its motif, each row summing to 1."""
    import keras
    import numpy as np
    assert callable(filter_pwm), 'define filter_pwm(model, X, filter_index, top_k=100) above and run it'
    motif = 'TTGCATAA'
    model = keras.Sequential([keras.Input(shape=(40, 4)), keras.layers.Conv1D(2, len(motif), activation='relu'), keras.layers.GlobalMaxPooling1D(), keras.layers.Dense(1, activation='sigmoid')])
    kernel = np.zeros((len(motif), 4, 2), dtype='float32')
    kernel[np.arange(len(motif)), ['ACGT'.index(b) for b in motif], 1] = 2.0
    model.layers[0].set_weights([kernel, np.zeros(2, dtype='float32')])
    rng = np.random.default_rng(0)
    X = np.eye(4, dtype='float32')[rng.integers(0, 4, (60, 40))]
    for row in range(30):
        X[row, 10:10 + len(motif)] = np.eye(4)[['ACGT'.index(b) for b in motif]]
    ppm = np.asarray(filter_pwm(model, X, filter_index=1, top_k=30))
    assert ppm.shape == (len(motif), 4), f'return a (kernel_size, 4) matrix, got {ppm.shape}'
    assert np.allclose(ppm.sum(axis=1), 1), 'each row is a probability distribution over A, C, G, T'
    consensus = ''.join(('ACGT'[i] for i in ppm.argmax(axis=1)))
    assert consensus == motif, f'filter 1 detects {motif}, but your matrix spells {consensus}'

@test_case(points=0.5, hidden=True)
def test_q5_matches_numpy_windows(filter_pwm):
    """The matrix matches a NumPy reference built from every window's activation."""
    import keras
    import numpy as np
    seed, length = (11, 25)
    keras.utils.set_random_seed(seed)
    tiny = keras.Sequential([keras.Input(shape=(length, 4)), keras.layers.Conv1D(4, 5, activation='relu'), keras.layers.GlobalMaxPooling1D(), keras.layers.Dense(1, activation='sigmoid')])
    kernel, bias = tiny.layers[0].get_weights()
    rng = np.random.default_rng(12)
    X = np.eye(4, dtype='float32')[rng.integers(0, 4, (40, length))]
    width = kernel.shape[0]
    windows = np.stack([X[:, p:p + width] for p in range(length - width + 1)], axis=1)
    for f, top_k in ((2, 17), (0, 40)):
        act = np.maximum(np.einsum('npkc,kc->np', windows, kernel[:, :, f]) + bias[f], 0)
        order = sorted(range(len(X)), key=lambda i: (-act[i].max(), i))[:top_k]
        chosen = np.stack([windows[i, int(np.argmax(act[i]))] for i in order])
        expected = chosen.sum(axis=0) / chosen.sum(axis=(0, 2))[:, None]
        got = np.asarray(filter_pwm(tiny, X, f, top_k=top_k))
        assert np.allclose(got, expected, atol=1e-06), f'filter {f}, top_k={top_k}'
    assert getattr(filter_pwm, '__module__', '') != 'seqdl.interpret', 'write your own'

@test_case(points=0.5, hidden=True)
def test_q5_filter_matches_pou5f1_sox2(ppm, oct_filter, cnn, X_train):
    """The matrix of the filter that raises the logit most is matched by TOMTOM to a POU-SOX motif."""
    import numpy as np
    from seqdl import interpret, motifs
    assert oct_filter == int(np.argmax(cnn.layers[-1].get_weights()[0][:, 0]))
    assert np.allclose(np.asarray(ppm), interpret.filter_pwm(cnn, X_train, oct_filter, top_k=200), atol=1e-06)
    names = motifs.tomtom_match([np.asarray(ppm)], top=3)['target_name'].str.upper()
    assert any(('POU' in name and 'SOX' in name for name in names)), list(names)

