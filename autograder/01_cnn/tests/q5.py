from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 1

@test_case(points=1, hidden=False)
def test_q5_reported_auroc(test_auroc, model):
    """The reported AUROC is the trained model's test AUROC, computed, not typed."""
    import numpy as np
    from sklearn.metrics import roc_auc_score
    from seqdl.data import load_oct4_mafk
    from seqdl.encode import one_hot_batch
    assert isinstance(test_auroc, float), f'store the AUROC as a float in test_auroc, got {type(test_auroc).__name__}'
    test = load_oct4_mafk().test
    expected = roc_auc_score(test.y, np.asarray(model.predict(one_hot_batch(test.x, 200), verbose=0)).ravel())
    assert abs(test_auroc - expected) < 0.001, f"test_auroc = {test_auroc:.4f} but the model's AUROC on the test split is {expected:.4f}: use data.test and the scores from model.predict"

