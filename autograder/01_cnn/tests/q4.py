from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 3

@test_case(points=1, hidden=False)
def test_q4_model_reads_both_strands(model, one_hot_encode):
    """The trained model is a Keras model giving one probability per sequence, the same on both strands."""
    import keras
    import numpy as np
    assert isinstance(model, keras.Model), 'train a model from build_rc_cnn(200) and call it `model`'
    x = np.stack([one_hot_encode('ACGTTGCAAT' * 20), one_hot_encode('TTGCA' * 40)])
    p = np.asarray(model.predict(x, verbose=0))
    assert p.shape == (2, 1), f'model.predict on 2 sequences of 200 bp should give (2, 1), got {p.shape}'
    p_rc = np.asarray(model.predict(x[:, ::-1, ::-1], verbose=0))
    assert np.allclose(p, p_rc, atol=1e-05), 'your model gives a sequence and its reverse complement different predictions: train the model that build_rc_cnn(200) returns'

@test_case(points=2, hidden=True)
def test_q4_test_auroc_at_least_090(model):
    """The trained model reaches a test AUROC of at least 0.90 on the held-out chromosomes."""
    import numpy as np
    from sklearn.metrics import roc_auc_score
    from seqdl.data import load_oct4_mafk
    from seqdl.encode import one_hot_batch
    test = load_oct4_mafk().test
    scores = np.asarray(model.predict(one_hot_batch(test.x, 200), verbose=0)).ravel()
    auroc = roc_auc_score(test.y, scores)
    assert auroc >= 0.9, f'test AUROC is {auroc:.3f}, below 0.90 (measured with the standard A, C, G, T encoding). Check your encoding, train a few more epochs, and look at the validation AUC in history.'

