from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 2

@test_case(points=1, hidden=False)
def test_q3_special_tokens_and_padding(residue_mean):
    """A padded batch: only residues are averaged; <cls> is the first token, <eos> each protein's last."""
    import numpy as np
    assert callable(residue_mean), 'define residue_mean(hidden, attention_mask) above and run it'
    attention_mask = np.array([[1, 1, 1, 1, 1], [1, 1, 1, 1, 0]])
    hidden = np.array([[100.0, 1.0, 2.0, 3.0, 1000.0], [100.0, 4.0, 6.0, 1000.0, 10000.0]])[:, :, None]
    got = np.asarray(residue_mean(hidden, attention_mask))
    assert got.shape == (2, 1), f'one vector per protein: shape (n, d) = (2, 1), got {got.shape}'
    row = got[:, 0]
    mistakes = {'<cls> (the first token) is not a residue: leave it out': ((100 + 1 + 2 + 3) / 4, (100 + 4 + 6) / 3), "<cls> and <eos> are not residues: leave out the first token and each protein's last one": ((100 + 1 + 2 + 3 + 1000) / 5, (100 + 4 + 6 + 1000) / 4), "<eos> sits at each protein's own end (its last token with mask 1), not always in the last column": (2.0, (4 + 6 + 1000) / 3), "<eos> (each protein's last token with mask 1) is not a residue: leave it out": ((1 + 2 + 3 + 1000) / 4, (4 + 6 + 1000) / 3)}
    for message, wrong in mistakes.items():
        if np.allclose(row, wrong):
            raise AssertionError(message)
    assert np.allclose(row, [2.0, 5.0]), f"the residue means are 2 (residues 1, 2, 3) and 5 (residues 4, 6), got {row.tolist()}: average the tokens between <cls> and each protein's <eos>, and leave out padding"

@test_case(points=0.5, hidden=False)
def test_q3_protein_without_residues(residue_mean):
    """A protein with no residue (only <cls> and <eos>) gets zeros, not NaN."""
    import numpy as np
    attention_mask = np.array([[1, 1, 0, 0], [1, 1, 1, 1]])
    hidden = np.arange(16.0).reshape(2, 4, 2)
    with np.errstate(all='ignore'):
        got = np.asarray(residue_mean(hidden, attention_mask))
    assert np.all(np.isfinite(got)) and np.allclose(got[0], 0), f'protein 0 is only <cls> <eos>: it must give zeros, got {got[0].tolist()} -- divide by max(count, 1)'
    assert np.allclose(got[1], hidden[1, 1:3].mean(axis=0)), 'protein 1: the mean of its two residues'

@test_case(points=0.5, hidden=True)
def test_q3_random_batches(residue_mean):
    """Random lengths, boolean and 0/1 masks: the mean over each protein's residues, as a loop computes it."""
    import numpy as np
    rng = np.random.default_rng(4)
    n, length, d = (7, 12, 5)
    hidden = rng.normal(size=(n, length, d))
    residues = rng.integers(0, length - 1, n)
    residues[0] = length - 2
    attention_mask = np.arange(length)[None, :] < (residues + 2)[:, None]
    expected = np.stack([hidden[i, 1:1 + m].mean(axis=0) if m else np.zeros(d) for i, m in enumerate(residues)])
    for mask in (attention_mask, attention_mask.astype(int)):
        with np.errstate(all='ignore'):
            got = np.asarray(residue_mean(hidden, mask))
        assert got.shape == (n, d) and np.allclose(got, expected)
    assert not getattr(residue_mean, '__module__', '').startswith('seqdl'), 'write your own'

