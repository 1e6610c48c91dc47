from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 4

@test_case(points=1, hidden=False)
def test_q3_cells_and_shapes(build_rnn):
    """The cell and bidirectional options build the requested layers and shapes."""
    import keras
    assert callable(build_rnn), "define build_rnn(seq_len, units=32, bidirectional=True, cell='lstm') above"
    for cell, layer_type in (('lstm', keras.layers.LSTM), ('gru', keras.layers.GRU)):
        for bidirectional in (True, False):
            model = build_rnn(50, units=8, bidirectional=bidirectional, cell=cell)
            assert isinstance(model, keras.Model), f'build_rnn must return a keras.Model, got {type(model).__name__}'
            assert tuple(model.input_shape) == (None, 50, 4), f'input shape (None, 50, 4), got {model.input_shape}'
            assert tuple(model.output_shape) == (None, 1), f'one probability per sequence, got {model.output_shape}'
            wrappers = [layer for layer in model.layers if isinstance(layer, keras.layers.Bidirectional)]
            inner = [w.forward_layer for w in wrappers] + [layer for layer in model.layers if isinstance(layer, keras.layers.RNN)]
            assert any((isinstance(layer, layer_type) for layer in inner)), f'cell={cell!r} needs a {layer_type.__name__} layer'
            assert bool(wrappers) == bidirectional, f'bidirectional={bidirectional}: wrap the layer in Bidirectional only then'

@test_case(points=0.5, hidden=False)
def test_q3_unknown_cell_is_an_error(build_rnn):
    """An unknown cell name raises ValueError."""
    try:
        build_rnn(20, cell='transformer')
    except ValueError:
        return
    raise AssertionError("build_rnn(..., cell='transformer') must raise ValueError: only 'lstm' and 'gru'")

@test_case(points=1.5, hidden=False)
def test_q3_padding_is_masked(build_rnn):
    """Zero padding at the end does not change the prediction (masking)."""
    import keras
    import numpy as np
    rng = np.random.default_rng(8)
    x20 = np.eye(4, dtype='float32')[rng.integers(0, 4, (3, 20))]
    x30 = np.concatenate([x20, np.zeros((3, 10, 4), dtype='float32')], axis=1)
    for cell in ('lstm', 'gru'):
        for bidirectional in (False, True):
            keras.utils.set_random_seed(1)
            padded = build_rnn(30, units=6, bidirectional=bidirectional, cell=cell)
            exact = build_rnn(20, units=6, bidirectional=bidirectional, cell=cell)
            exact.set_weights(padded.get_weights())
            p30, p20 = (padded.predict(x30, verbose=0), exact.predict(x20, verbose=0))
            assert np.allclose(p30, p20, atol=1e-05), f'cell={cell!r}, bidirectional={bidirectional}: 10 zero rows of padding changed the prediction ({p20.ravel()[0]:.4f} -> {p30.ravel()[0]:.4f}); mask the padded positions'

@test_case(points=1, hidden=True)
def test_q3_sigmoid_and_compiled(build_rnn):
    """One sigmoid output; compiled with binary cross-entropy."""
    import keras
    import numpy as np
    model = build_rnn(15, units=4)
    assert getattr(model.layers[-1], 'activation', None) is keras.activations.sigmoid, 'end with a sigmoid unit'
    rng = np.random.default_rng(2)
    x = np.eye(4, dtype='float32')[rng.integers(0, 4, (16, 15))]
    y = rng.integers(0, 2, 16).astype('float32')
    try:
        result = model.evaluate(x, y, verbose=0, return_dict=True)
    except Exception as err:
        raise AssertionError(f'model.evaluate failed -- compile the model ({err})') from None
    p = np.clip(model.predict(x, verbose=0)[:, 0].astype('float64'), 1e-07, 1 - 1e-07)
    bce = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert abs(result['loss'] - bce) < 0.001, f'compile with binary cross-entropy ({bce:.4f}), loss was {result['loss']:.4f}'
    assert any(('auc' in name.lower() for name in result)), f'add an AUC metric; metrics were {list(result)}'

