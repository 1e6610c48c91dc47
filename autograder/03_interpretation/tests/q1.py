from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 2

@test_case(points=0.5, hidden=False)
def test_q1_logit_of_a_small_model(logit_model):
    """The new model outputs the logit of a small model whose weights are known, not its probability."""
    import keras
    import numpy as np
    assert callable(logit_model), 'define logit_model(model) above and run it'
    small = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2, activation='relu'), keras.layers.Dense(1, activation='sigmoid')])
    w1 = np.array([[1.0, -2.0], [0.5, 1.0], [-1.0, 3.0]], dtype='float32')
    b1 = np.array([0.1, -0.2], dtype='float32')
    w2, b2 = (np.array([[1.5], [-1.0]], dtype='float32'), np.array([0.5], dtype='float32'))
    small.layers[0].set_weights([w1, b1])
    small.layers[1].set_weights([w2, b2])
    x = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 2.0], [3.0, 1.0, 1.0]], dtype='float32')
    expected = np.maximum(x @ w1 + b1, 0) @ w2 + b2
    got = np.asarray(logit_model(small)(x))
    assert got.shape == (3, 1), f'one logit per input: shape (3, 1), got {got.shape}'
    if np.allclose(got, 1 / (1 + np.exp(-expected)), atol=1e-05):
        raise AssertionError('these are the probabilities: output the logit, the value of the last layer before its sigmoid')
    assert np.allclose(got, expected, atol=0.0001), f"expected the logits {expected.ravel().round(3)}, got {got.ravel().round(3)}: copy the last layer's trained weights, do not start from new random ones"

@test_case(points=0.5, hidden=False)
def test_q1_cnn_still_gives_probabilities(cnn, logit_cnn, X_test):
    """cnn still outputs probabilities, and logit_cnn their logits: sigmoid(logit_cnn(x)) = cnn(x)."""
    import numpy as np
    x = np.asarray(X_test[:64])
    p = np.asarray(cnn(x), dtype=np.float64)
    z = np.asarray(logit_cnn(x), dtype=np.float64)
    assert p.min() >= 0 and p.max() <= 1, 'logit_model changed cnn, which no longer outputs probabilities: build a new model and leave the layers of the one you are given as they are'
    assert z.shape == (64, 1), f'logit_cnn should give one logit per sequence, shape (64, 1), got {z.shape}'
    assert np.all(np.isfinite(z)), 'some logits of logit_cnn are infinite or NaN'
    assert np.allclose(1 / (1 + np.exp(-z)), p, atol=1e-05), "sigmoid(logit_cnn(x)) should equal cnn(x): use the trained weights of cnn's last layer"

@test_case(points=0.5, hidden=True)
def test_q1_saturated_functional_model(logit_model):
    """A functional model whose probabilities round to 1 gets finite, right logits and is left unchanged."""
    import keras
    import numpy as np
    keras.utils.set_random_seed(3)
    inputs = keras.Input(shape=(12, 4))
    hidden = keras.layers.Dense(6, activation='relu')(keras.layers.Flatten()(inputs))
    functional = keras.Model(inputs, keras.layers.Dense(1, activation='sigmoid')(hidden))
    kernel, bias = functional.layers[-1].get_weights()
    functional.layers[-1].set_weights([40 * np.abs(kernel), bias + 20])
    x = np.eye(4, dtype='float32')[np.random.default_rng(3).integers(0, 4, (20, 12))]
    features = np.asarray(keras.Model(inputs, hidden)(x))
    expected = features @ (40 * np.abs(kernel)) + bias + 20
    got = np.asarray(logit_model(functional)(x))
    assert np.all(np.isfinite(got)), 'logits must stay finite where the probability rounds to 1'
    assert np.allclose(got, expected, rtol=0.0001, atol=0.001), 'the logits of a functional model are wrong'
    assert np.all(np.asarray(functional(x)) <= 1), 'the model passed in must be left unchanged'

@test_case(points=0.5, hidden=True)
def test_q1_refuses_models_without_sigmoid(logit_model):
    """A model whose last layer has no sigmoid is refused with ValueError."""
    import keras
    for activation in (None, 'relu'):
        model = keras.Sequential([keras.Input(shape=(5,)), keras.layers.Dense(1, activation=activation)])
        try:
            logit_model(model)
        except ValueError:
            continue
        raise AssertionError(f'a last Dense layer with activation {activation!r}: expected ValueError')

