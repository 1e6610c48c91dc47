"""seqdl.splits: shared k-mers between training and test sequences, checked against brute force."""

import numpy as np

from seqdl import encode, splits


def test_shared_kmers_equals_brute_force_on_both_strands():
    rng = np.random.default_rng(0)
    train = ["".join(rng.choice(list("ACGT"), 40)) for _ in range(20)]
    test = ["".join(rng.choice(list("ACGT"), 40)) for _ in range(20)]
    test[3] = "TTTT" + train[5][10:22] + "GGGG"  # a 12-mer of training peak 5
    test[7] = encode.reverse_complement(train[2][:15])  # the other strand of training peak 2

    def brute(k, strands):
        pool = train + ([encode.reverse_complement(s) for s in train] if strands else [])
        return [any(t[i : i + k] in s for s in pool for i in range(len(t) - k + 1)) for t in test]

    for k, strands in ((12, False), (12, True), (6, True)):
        assert splits.shared_kmers(train, test, k, both_strands=strands).tolist() == brute(k, strands)
    found = splits.shared_kmers(train, test, 12, both_strands=True)
    assert found[3] and found[7] and not splits.shared_kmers(train, test, 12)[7]
