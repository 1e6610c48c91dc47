from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 2

@test_case(points=1, hidden=False)
def test_q4_residue_numbers(mutant_score):
    """A small example: residue i is row i of logits (row 0 is <cls>); the mutations' scores add up."""
    import numpy as np
    assert callable(mutant_score), 'define mutant_score(sequence, mutations, logits, vocab) above and run it'
    vocab = {'<cls>': 0, '<eos>': 1, 'M': 2, 'K': 3, 'F': 4, 'A': 5}
    sequence = 'MKF'
    logits = np.array([[0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1], [0, 0, 3, 1, 0, 2], [0, 0, 0.5, 2, 1, 0], [0, 0, 1, 0, 0, 3]], dtype=float)

    def score(row, wt, mt):
        log_probs = logits[row] - np.log(np.exp(logits[row]).sum())
        return log_probs[vocab[mt]] - log_probs[vocab[wt]]
    try:
        got = mutant_score(sequence, 'K2A', logits, vocab)
    except ValueError as err:
        raise AssertionError(f"mutant_score('MKF', 'K2A', ...) raised ValueError ({err}), but residue 2 of MKF is K: residue numbers count from 1 (M is residue 1), so residue i is sequence[i - 1]") from None
    assert isinstance(got, float), f'return a Python float, got {type(got).__name__}'
    if np.isclose(got, score(1, 'K', 'A')):
        raise AssertionError('residue 2 is token 2: <cls> is token 0, so residue number i is row i of logits')
    if np.isclose(got, score(3, 'K', 'A')):
        raise AssertionError('residue numbers count from 1: residue i is row i of logits, not row i + 1')
    assert np.isclose(got, score(2, 'K', 'A')), f'K2A should score {score(2, 'K', 'A'):.4f}, got {got:.4f}'
    both = mutant_score(sequence, 'K2A:F3M', logits, vocab)
    expected = score(2, 'K', 'A') + score(3, 'F', 'M')
    assert np.isclose(both, expected), f'K2A:F3M should score {expected:.4f} (the sum of both), got {both:.4f}: add the scores of every mutation (split the text at the colons)'

@test_case(points=0.5, hidden=False)
def test_q4_wrong_wild_type_is_refused(mutant_score):
    """A substitution whose wild-type letter is not the residue at that number raises ValueError."""
    import numpy as np
    vocab = {'<cls>': 0, '<eos>': 1, 'M': 2, 'K': 3, 'F': 4, 'A': 5}
    logits = np.zeros((5, 6))
    for mutations in ('M2A', 'K2A:K3A'):
        try:
            mutant_score('MKF', mutations, logits, vocab)
        except ValueError:
            continue
        raise AssertionError(f'{mutations}: residue 2 of MKF is K, residue 3 F; a wrong wild-type letter must raise ValueError')

@test_case(points=0.5, hidden=True)
def test_q4_matches_torch_on_a_long_protein(mutant_score):
    """Random logits of any scale match a PyTorch log-softmax; out-of-range numbers raise ValueError."""
    import numpy as np
    import torch
    from seqdl.protein_lm import ESM2_VOCAB
    vocab = {token: index for index, token in enumerate(ESM2_VOCAB)}
    rng = np.random.default_rng(5)
    amino_acids = 'ACDEFGHIKLMNPQRSTVWY'
    sequence = ''.join(rng.choice(list(amino_acids), 120))
    for scale in (1.0, 30.0, 10000.0):
        logits = scale * rng.normal(size=(len(sequence) + 2, len(vocab)))
        log_probs = torch.log_softmax(torch.tensor(logits), dim=1).numpy()
        numbers = rng.choice(np.arange(1, len(sequence) + 1), 3, replace=False)
        mutants = [rng.choice([a for a in amino_acids if a != sequence[i - 1]]) for i in numbers]
        text = ':'.join((f'{sequence[i - 1]}{i}{m}' for i, m in zip(numbers, mutants)))
        expected = sum((log_probs[i, vocab[m]] - log_probs[i, vocab[sequence[i - 1]]] for i, m in zip(numbers, mutants)))
        got = mutant_score(sequence, text, logits, vocab)
        assert np.isfinite(got) and np.isclose(got, expected, rtol=1e-06, atol=1e-06), f'scale {scale}: {text}'
    for text in (f'{sequence[0]}0A', f'A{len(sequence) + 1}C'):
        try:
            mutant_score(sequence, text, np.zeros((len(sequence) + 2, len(vocab))), vocab)
        except ValueError:
            continue
        raise AssertionError(f'{text}: expected ValueError')
    assert not getattr(mutant_score, '__module__', '').startswith('seqdl'), 'write your own'

