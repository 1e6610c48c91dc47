from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 4

@test_case(points=0.5, hidden=False)
def test_q3_layers_as_asked(build_pooled_rnn):
    """Masking, then one LSTM or GRU of the asked size returning every position, Bidirectional as asked."""
    import keras
    assert callable(build_pooled_rnn), "define build_pooled_rnn(seq_len, units=32, bidirectional=True, cell='lstm')"
    for cell, layer_type in (('lstm', keras.layers.LSTM), ('gru', keras.layers.GRU)):
        for bidirectional in (True, False):
            model = build_pooled_rnn(50, units=8, bidirectional=bidirectional, cell=cell)
            assert isinstance(model, keras.Model), f'return a keras.Model, got {type(model).__name__}'
            assert tuple(model.input_shape) == (None, 50, 4), f'input shape (None, 50, 4), got {model.input_shape}'
            assert tuple(model.output_shape) == (None, 1), f'one probability per sequence, got {model.output_shape}'
            assert any((isinstance(layer, keras.layers.Masking) for layer in model.layers)), 'start with keras.layers.Masking(mask_value=0.0), so that the recurrent layer skips padding'
            wrappers = [layer for layer in model.layers if isinstance(layer, keras.layers.Bidirectional)]
            plain = [layer for layer in model.layers if isinstance(layer, keras.layers.RNN)]
            assert bool(wrappers) == bidirectional, f'bidirectional={bidirectional}: wrap the recurrent layer in Bidirectional only then'
            inner = [w.forward_layer for w in wrappers] + plain
            assert len(inner) == 1 and isinstance(inner[0], layer_type), f'cell={cell!r} needs one {layer_type.__name__} layer'
            assert inner[0].units == 8, f'units=8 asked, the recurrent layer has {inner[0].units}'
            assert inner[0].return_sequences, 'the recurrent layer must return its output at every position (return_sequences=True), to be pooled over the positions'

@test_case(points=0.5, hidden=False)
def test_q3_unknown_cell_is_an_error(build_pooled_rnn):
    """An unknown cell name raises ValueError."""
    try:
        build_pooled_rnn(20, cell='transformer')
    except ValueError:
        return
    except Exception as err:
        raise AssertionError(f"build_pooled_rnn(..., cell='transformer') raised {type(err).__name__} ({err}): it must raise ValueError, saying that cell must be lstm or gru") from None
    raise AssertionError("build_pooled_rnn(..., cell='transformer') must raise ValueError, since only lstm and gru are cells")

@test_case(points=1, hidden=False)
def test_q3_padding_does_not_change_the_prediction(build_pooled_rnn):
    """A bidirectional LSTM model predicts the same, padded or not, and reloads in Keras' safe mode."""
    import os
    import tempfile
    import keras
    import numpy as np
    rng = np.random.default_rng(8)
    padded = build_pooled_rnn(20, units=6)
    padded.set_weights([rng.normal(0, 0.5, w.shape).astype('float32') for w in padded.get_weights()])
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, 'model.keras')
        padded.save(path)
        try:
            keras.saving.load_model(path, safe_mode=True, compile=False)
        except Exception as err:
            raise AssertionError(f'the grader reloads your model with keras.saving.load_model(..., safe_mode=True), and that failed ({type(err).__name__}): use Keras layers and keras.ops only, no Lambda layer and no layer class of your own') from None
    for length in (4, 13):
        x = np.eye(4, dtype='float32')[rng.integers(0, 4, (2, length))]
        exact = build_pooled_rnn(length, units=6)
        exact.set_weights(padded.get_weights())
        x_padded = np.concatenate([x, np.zeros((2, 20 - length, 4), dtype='float32')], axis=1)
        p, p_padded = (np.asarray(exact(x)), np.asarray(padded(x_padded)))
        assert np.allclose(p, p_padded, atol=1e-05), f'{20 - length} zero rows of padding changed the prediction ({p.ravel()[0]:.4f} -> {p_padded.ravel()[0]:.4f}): the padded positions must not enter the maximum. Check what each layer does with the mask, and what a Bidirectional layer outputs at padded positions'

@test_case(points=0.5, hidden=True)
def test_q3_padding_invariant_for_every_cell(build_pooled_rnn):
    """For LSTM and GRU, one- and two-directional, padding never changes the prediction."""
    import numpy as np
    rng = np.random.default_rng(21)
    x = np.eye(4, dtype='float32')[rng.integers(0, 4, (3, 9))]
    x_padded = np.concatenate([x, np.zeros((3, 22, 4), dtype='float32')], axis=1)
    for cell in ('lstm', 'gru'):
        for bidirectional in (False, True):
            exact = build_pooled_rnn(9, units=5, bidirectional=bidirectional, cell=cell)
            padded = build_pooled_rnn(31, units=5, bidirectional=bidirectional, cell=cell)
            weights = [rng.normal(0, 0.5, w.shape).astype('float32') for w in exact.get_weights()]
            exact.set_weights(weights)
            padded.set_weights(weights)
            assert np.allclose(np.asarray(exact(x)), np.asarray(padded(x_padded)), atol=1e-05), f'cell={cell!r}, bidirectional={bidirectional}: 22 rows of padding changed the prediction'

@test_case(points=1, hidden=True)
def test_q3_max_over_the_real_positions(build_pooled_rnn):
    """The output is the sigmoid unit applied to each recurrent output's maximum over the real positions."""
    import keras
    import numpy as np
    rng = np.random.default_rng(4)
    seqs = [np.eye(4, dtype='float32')[rng.integers(0, 4, n)] for n in (3, 11, 25)]
    x_padded = np.stack([np.concatenate([s, np.zeros((25 - len(s), 4), dtype='float32')]) for s in seqs])
    for cell in ('lstm', 'gru'):
        model = build_pooled_rnn(25, units=4, bidirectional=True, cell=cell)
        model.set_weights([rng.normal(0, 0.5, w.shape).astype('float32') for w in model.get_weights()])
        recurrent = next((layer for layer in model.layers if isinstance(layer, (keras.layers.Bidirectional, keras.layers.RNN))))
        kernel, bias = (np.asarray(w, dtype='float64') for w in model.layers[-1].get_weights())
        got = np.asarray(model(x_padded))
        for row, seq in enumerate(seqs):
            states = np.asarray(recurrent(seq[np.newaxis]), dtype='float64')[0]
            expected = 1 / (1 + np.exp(-(states.max(axis=0) @ kernel + bias)))
            assert np.allclose(got[row], expected, atol=0.0001), f'cell={cell!r}, {len(seq)} real bases: the output is not sigmoid(Dense(maximum of each recurrent output over the real positions))'

@test_case(points=0.5, hidden=True)
def test_q3_sigmoid_and_compiled(build_pooled_rnn):
    """One sigmoid output; compiled with binary cross-entropy and an AUC metric."""
    import keras
    import numpy as np
    model = build_pooled_rnn(15, units=4)
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

