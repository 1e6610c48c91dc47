"""seqdl.simulate: dinucleotide shuffles and planted motifs with recorded positions."""

from collections import Counter

import numpy as np

from seqdl import data, encode, simulate


def test_dinucleotide_shuffle_preserves_dinucleotides():
    rng = np.random.default_rng(0)
    seq = data.load_oct4_mafk().train.x[3]
    shuffled = simulate.dinucleotide_shuffle(seq, rng)
    pairs = lambda s: Counter(zip(s, s[1:]))  # noqa: E731
    assert shuffled != seq
    assert pairs(shuffled) == pairs(seq)
    assert shuffled[0] == seq[0] and shuffled[-1] == seq[-1]
    assert simulate.dinucleotide_shuffle("AC", rng) == "AC"


def test_planted_motifs_positions_are_recorded():
    from seqdl.motifs import jaspar_motif

    planted = simulate.planted_motifs(n=200, length=100, seed=3)
    ppm = jaspar_motif(planted.motif).ppm
    consensus_hits = 0
    for seq, label, start in zip(planted.seqs, planted.y, planted.starts):
        assert len(seq) == 100
        if label == 1:
            window = encode.one_hot_encode(seq[start : start + planted.motif_length])
            # the planted bases are likely under the motif: log-likelihood well above background
            consensus_hits += np.log(ppm[window.astype(bool)]).sum() > np.log(0.25) * planted.motif_length
        else:
            assert start == -1
    assert consensus_hits >= 95
    again = simulate.planted_motifs(n=200, length=100, seed=3)
    assert again.seqs == planted.seqs
