from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 3

@test_case(points=1, hidden=False)
def test_q4_is_a_recurrent_model(model):
    """The submitted model contains a recurrent layer."""
    import keras
    assert isinstance(model, keras.Model), 'train a Keras model and call it `model`'

    def walk(layer):
        yield layer
        for sub in getattr(layer, 'layers', []):
            yield from walk(sub)
    layers = list(walk(model))
    recurrent = [layer for layer in layers if isinstance(layer, (keras.layers.RNN, keras.layers.Bidirectional))]
    assert recurrent, 'the model needs a recurrent layer (LSTM, GRU or SimpleRNN, possibly Bidirectional)'
    assert tuple(model.input_shape) == (None, 200, 4), f'input shape should be (None, 200, 4), got {model.input_shape}'

@test_case(points=1, hidden=False)
def test_q4_validation_auroc(model):
    """On the validation peaks the trained model already reaches an AUROC of 0.85."""
    import numpy as np
    from sklearn.metrics import roc_auc_score
    from seqdl.data import load_oct4_mafk
    from seqdl.encode import one_hot_batch
    val = load_oct4_mafk().val
    scores = np.asarray(model.predict(one_hot_batch(val.x, 200), verbose=0)).ravel()
    auroc = roc_auc_score(val.y, scores)
    assert auroc >= 0.85, f'validation AUROC is {auroc:.3f}, below 0.85, and the hidden test split will not do better. Shorten the sequence before the RNN (Conv1D + MaxPooling1D), train a few epochs more, and watch val_auc in the history'

@test_case(points=1, hidden=True)
def test_q4_test_auroc_at_least_085(model):
    """The trained recurrent model reaches a test AUROC of at least 0.85."""
    import numpy as np
    from sklearn.metrics import roc_auc_score
    from seqdl.data import load_oct4_mafk
    from seqdl.encode import one_hot_batch
    test = load_oct4_mafk().test
    scores = np.asarray(model.predict(one_hot_batch(test.x, 200), verbose=0)).ravel()
    auroc = roc_auc_score(test.y, scores)
    assert auroc >= 0.85, f'test AUROC is {auroc:.3f}, below 0.85. Shorten the sequence before the RNN (Conv1D + MaxPooling1D), train a few epochs more, and watch val_auc in the history.'

