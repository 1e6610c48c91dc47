from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 2

@test_case(points=1, hidden=False)
def test_q4_example(masked_marginal_score):
    """The masked-marginal score of a small example is right."""
    import numpy as np
    assert callable(masked_marginal_score), 'define masked_marginal_score(logits, wt_index, mt_index)'
    logits = np.array([2.0, 0.5, -1.0])
    got = masked_marginal_score(logits, 0, 1)
    assert isinstance(got, float), f'return a Python float, got {type(got).__name__}'
    log_probs = logits - np.log(np.exp(logits).sum())
    assert np.isclose(got, log_probs[1] - log_probs[0]), f'expected log p(mt) - log p(wt) = {log_probs[1] - log_probs[0]:.4f}, got {got:.4f}'

@test_case(points=1, hidden=True)
def test_q4_matches_torch_and_is_stable(masked_marginal_score):
    """The score matches a PyTorch log-softmax and stays finite for large logits."""
    import numpy as np
    import torch
    rng = np.random.default_rng(5)
    for scale in (1.0, 30.0, 10000.0):
        logits = scale * rng.normal(size=33)
        log_probs = torch.log_softmax(torch.tensor(logits), dim=0).numpy()
        for wt, mt in ((4, 5), (10, 2), (7, 7)):
            got = masked_marginal_score(logits, wt, mt)
            assert np.isfinite(got), f'not finite for logits of scale {scale}: subtract the maximum first'
            assert np.isclose(got, log_probs[mt] - log_probs[wt], rtol=1e-06, atol=1e-06), f'logit scale {scale}, wt {wt}, mt {mt}: expected {log_probs[mt] - log_probs[wt]:.4f}, got {got:.4f}'
    assert not getattr(masked_marginal_score, '__module__', '').startswith('seqdl'), 'write your own'

