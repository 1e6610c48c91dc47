"""How far apart training and test sequences really are: shared k-mers, and splits that respect it.

A split by chromosome (DNA) or by random draw (peptides) can still put near-copies on both sides:
repeats and segmental duplications copy DNA between chromosomes, and peptide datasets hold
families of variants a residue or two apart. A model then scores well on the test set by
recognising what it has seen. :func:`shared_kmers` measures it: which test sequences share an
exact ``k``-mer with a training sequence (on either strand, for DNA).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .encode import reverse_complement
from .validate import check_bool, check_positive_int, check_sequences


def _kmers(seq: str, k: int) -> set[str]:
    return {seq[i : i + k] for i in range(len(seq) - k + 1)}


def shared_kmers(train: Sequence[str], test: Sequence[str], k: int, both_strands: bool = False) -> np.ndarray:
    """For each test sequence, whether it shares at least one exact ``k``-mer with any training sequence.

    Parameters
    ----------
    train, test : sequence of str
        Upper-case sequences (DNA or protein).
    k : int
        k-mer length: long enough that a chance match is rare (for 200-bp DNA, k = 30 matches
        by chance with probability well below 1e-6 per pair).
    both_strands : bool
        DNA: a test sequence also matches a training sequence's reverse complement.

    Returns
    -------
    numpy.ndarray of bool, shape=(len(test),)
    """
    train = check_sequences(train, "train")
    test = check_sequences(test, "test")
    k = check_positive_int(k, "k")
    both_strands = check_bool(both_strands, "both_strands")
    seen: set[str] = set()
    for seq in train:
        seen |= _kmers(seq, k)
        if both_strands:
            seen |= _kmers(reverse_complement(seq), k)
    return np.array([not seen.isdisjoint(_kmers(seq, k)) for seq in test], dtype=bool)
