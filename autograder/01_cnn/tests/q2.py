from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 3

@test_case(points=1, hidden=False)
def test_q2_basic(reverse_complement):
    """Each base is complemented and the order reversed."""
    assert callable(reverse_complement), 'define reverse_complement(seq) above and run the cell'
    got = reverse_complement('AACG')
    assert got == 'CGTT', f"reverse_complement('AACG') should be 'CGTT', got {got!r}. Complement each base (A<->T, C<->G) AND reverse the order."
    assert reverse_complement('ACGT') == 'ACGT', "'ACGT' is its own reverse complement"

@test_case(points=0.5, hidden=True)
def test_q2_keeps_case(reverse_complement):
    """Lower-case bases stay lower case in the reverse complement."""
    got = reverse_complement('aaCG')
    assert got == 'CGtt', f"keep each base's case: reverse_complement('aaCG') should be 'CGtt', got {got!r}"

@test_case(points=0.5, hidden=True)
def test_q2_unknown_base(reverse_complement):
    """N pairs with N."""
    got = reverse_complement('ANNG')
    assert got == 'CNNT', f"N pairs with N: reverse_complement('ANNG') should be 'CNNT', got {got!r}"

@test_case(points=1, hidden=True)
def test_q2_random_and_involution(reverse_complement):
    """Random sequences match a reference, and applying it twice gives the input back."""
    import random
    pairs = dict(zip('ACGTNacgtn', 'TGCANtgcan'))
    rng = random.Random(11)
    for length in (1, 10, 200):
        seq = ''.join((rng.choice('ACGTNacgt') for _ in range(length)))
        expected = ''.join((pairs[b] for b in reversed(seq)))
        got = reverse_complement(seq)
        assert got == expected, f'wrong reverse complement of {seq[:30]}...: got {got[:30]}...'
        assert reverse_complement(got) == seq, 'applying reverse_complement twice must give the input back'
    assert getattr(reverse_complement, '__module__', '') != 'seqdl.encode', 'write your own reverse_complement'

