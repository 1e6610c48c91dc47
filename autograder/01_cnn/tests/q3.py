from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 4

@test_case(points=1, hidden=False)
def test_q3_shapes_and_one_conv(build_rc_cnn):
    """The model maps (L, 4) one-hot DNA to one probability and has exactly one Conv1D, as requested."""
    import keras
    assert callable(build_rc_cnn), 'define build_rc_cnn(seq_len, n_filters=32, kernel_size=12) and run it'
    for args, (filters, width) in (((200,), (32, 12)), ((100, 8, 5), (8, 5))):
        model = build_rc_cnn(*args)
        assert isinstance(model, keras.Model), f'return a keras.Model, got {type(model).__name__}'
        seq_len = args[0]
        assert tuple(model.input_shape) == (None, seq_len, 4), f'build_rc_cnn{args}: input shape should be (None, {seq_len}, 4), got {model.input_shape}'
        assert tuple(model.output_shape) == (None, 1), f'output shape should be (None, 1): one probability, got {model.output_shape}'
        convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv1D)]
        assert len(convs) == 1, f'use exactly ONE Conv1D layer and call it on both strands, found {len(convs)}: two layers would have two different sets of weights'
        conv = convs[0]
        assert conv.filters == filters and tuple(conv.kernel_size) == (width,), f'build_rc_cnn{args}: expected Conv1D({filters}, {width}), got Conv1D({conv.filters}, {conv.kernel_size[0]})'
        assert conv.activation is keras.activations.relu, 'the Conv1D layer needs a ReLU activation'

@test_case(points=1, hidden=False)
def test_q3_same_prediction_on_both_strands(build_rc_cnn):
    """One sequence and its reverse complement get the same prediction; the model reloads in safe mode."""
    import os
    import tempfile
    import keras
    import numpy as np
    model = build_rc_cnn(40, 6, 5)
    rng = np.random.default_rng(3)
    x = np.eye(4, dtype='float32')[rng.integers(0, 4, (1, 40))]
    p, p_rc = (float(np.asarray(model.predict(v, verbose=0))[0, 0]) for v in (x, x[:, ::-1, ::-1]))
    assert abs(p - p_rc) < 1e-05, f'a sequence scored {p:.5f} and its reverse complement {p_rc:.5f}: scan the sequence AND its reverse complement with the same Conv1D layer, and take the maximum over both strands'
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, 'model.keras')
        model.save(path)
        try:
            keras.saving.load_model(path, safe_mode=True, compile=False)
        except Exception as err:
            raise AssertionError(f'the grader reloads your model with keras.saving.load_model(..., safe_mode=True), and that failed ({type(err).__name__}): build it from Keras layers and keras.ops, no Lambda layer (slicing a Keras tensor works)') from None

@test_case(points=1, hidden=True)
def test_q3_strand_independent_everywhere(build_rc_cnn):
    """Random sequences and sizes: a sequence and its reverse complement get equal sigmoid outputs."""
    import keras
    import numpy as np
    rng = np.random.default_rng(11)
    for seq_len, filters, width in ((60, 4, 6), (200, 16, 12), (31, 3, 31)):
        model = build_rc_cnn(seq_len, filters, width)
        last = model.layers[-1]
        assert getattr(last, 'units', None) == 1, 'the output layer needs exactly one unit'
        assert getattr(last, 'activation', None) is keras.activations.sigmoid, 'the output layer must use a sigmoid activation'
        x = np.eye(4, dtype='float32')[rng.integers(0, 4, (32, seq_len))]
        p = np.asarray(model.predict(x, verbose=0))
        p_rc = np.asarray(model.predict(x[:, ::-1, ::-1], verbose=0))
        assert p.shape == (32, 1) and np.all((p > 0) & (p < 1)), 'predictions must be probabilities'
        assert np.allclose(p, p_rc, atol=1e-05), f'seq_len={seq_len}: the reverse complements got other predictions (largest difference {np.abs(p - p_rc).max():.2e})'
        assert p.std() > 0, 'different sequences should give different predictions'

@test_case(points=0.5, hidden=True)
def test_q3_max_over_both_strands(build_rc_cnn):
    """The output equals the sigmoid unit applied to each filter's maximum over both strands."""
    import keras
    import numpy as np
    model = build_rc_cnn(50, 5, 7)
    rng = np.random.default_rng(5)
    model.set_weights([rng.normal(0, 0.5, w.shape).astype('float32') for w in model.get_weights()])
    conv = next((layer for layer in model.layers if isinstance(layer, keras.layers.Conv1D)))
    kernel, bias = (np.asarray(w, dtype='float64') for w in conv.get_weights())
    dense_kernel, dense_bias = (np.asarray(w, dtype='float64') for w in model.layers[-1].get_weights())
    x = np.eye(4)[rng.integers(0, 4, (16, 50))]

    def scores(seqs):
        windows = np.lib.stride_tricks.sliding_window_view(seqs, 7, axis=1)
        return np.maximum(np.einsum('npck,kcf->npf', windows, kernel) + bias, 0)
    best = np.maximum(scores(x).max(axis=1), scores(x[:, ::-1, ::-1]).max(axis=1))
    expected = 1 / (1 + np.exp(-(best @ dense_kernel + dense_bias)))
    got = np.asarray(model.predict(x.astype('float32'), verbose=0))
    assert np.allclose(got, expected, atol=0.0001), 'the output is not sigmoid(Dense(max over positions and both strands of ReLU(Conv1D)))'

@test_case(points=0.5, hidden=True)
def test_q3_compiled_with_bce_and_auc(build_rc_cnn):
    """The model is compiled with binary cross-entropy and an AUC metric."""
    import numpy as np
    model = build_rc_cnn(30, 4, 5)
    rng = np.random.default_rng(1)
    x = np.eye(4, dtype='float32')[rng.integers(0, 4, (32, 30))]
    y = rng.integers(0, 2, 32).astype('float32')
    try:
        result = model.evaluate(x, y, verbose=0, return_dict=True)
    except Exception as err:
        raise AssertionError(f'model.evaluate failed -- did you call model.compile(...)? ({err})') from None
    assert any(('auc' in name.lower() for name in result)), f'add an AUC metric to compile(); metrics were {list(result)}'
    p = np.clip(model.predict(x, verbose=0)[:, 0].astype('float64'), 1e-07, 1 - 1e-07)
    bce = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert abs(result['loss'] - bce) < 0.001, f'the loss should be binary cross-entropy ({bce:.4f}), got {result['loss']:.4f}'

