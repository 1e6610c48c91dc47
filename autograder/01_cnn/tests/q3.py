from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 4

@test_case(points=1, hidden=False)
def test_q3_shapes(build_cnn):
    """The model takes (L, 4) one-hot input and gives one probability per sequence."""
    import keras
    assert callable(build_cnn), 'define build_cnn(seq_len, n_filters=32, kernel_size=12) above and run it'
    model = build_cnn(200)
    assert isinstance(model, keras.Model), f'build_cnn must return a keras.Model, got {type(model).__name__}'
    assert tuple(model.input_shape) == (None, 200, 4), f'input shape should be (None, 200, 4), got {model.input_shape}'
    assert tuple(model.output_shape) == (None, 1), f'output shape should be (None, 1): one probability, got {model.output_shape}'

@test_case(points=1, hidden=False)
def test_q3_first_layer_is_the_conv(build_cnn):
    """The first layer is the requested Conv1D (filters, width, ReLU)."""
    import keras
    for args, (filters, width) in (((200,), (32, 12)), ((100, 8, 5), (8, 5))):
        model = build_cnn(*args)
        first = [layer for layer in model.layers if layer.weights][0]
        assert isinstance(first, keras.layers.Conv1D), f'the first layer with weights must be Conv1D, got {type(first).__name__}'
        assert first.filters == filters and tuple(first.kernel_size) == (width,), f'build_cnn{args}: expected Conv1D({filters}, {width}), got Conv1D({first.filters}, {first.kernel_size[0]})'

@test_case(points=1, hidden=True)
def test_q3_sigmoid_output(build_cnn):
    """The output is one sigmoid unit, and different sequences get different probabilities."""
    import keras
    import numpy as np
    model = build_cnn(60, 4, 6)
    last = model.layers[-1]
    assert getattr(last, 'units', 1) == 1, 'the output layer needs exactly one unit'
    assert getattr(last, 'activation', None) is keras.activations.sigmoid, 'the output layer must use a sigmoid activation (a softmax over one unit always outputs 1.0)'
    rng = np.random.default_rng(0)
    x = np.eye(4, dtype='float32')[rng.integers(0, 4, (16, 60))]
    p = np.asarray(model.predict(x, verbose=0))
    assert p.shape == (16, 1) and np.all((p > 0) & (p < 1)), 'predictions must be probabilities strictly between 0 and 1'
    assert p.std() > 0, 'different sequences should give different predictions'

@test_case(points=1, hidden=True)
def test_q3_compiled_with_bce_and_auc(build_cnn):
    """The model is compiled with binary cross-entropy and an AUC metric."""
    import numpy as np
    model = build_cnn(30, 4, 5)
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

