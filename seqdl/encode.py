"""Turn biological sequences into arrays a neural network can read, and back.

DNA is one-hot encoded as ``(length, 4)`` float32 arrays in **A, C, G, T** column order
(Keras' channels-last layout). ``N`` (an unknown base) becomes an all-zero row; any other
character is an error, never silently dropped. Proteins use the 20 standard amino acids in
alphabetical one-letter order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import product

import numpy as np

from .validate import (
    DNA_ALPHABET,
    PROTEIN_ALPHABET,
    check_dna,
    check_int,
    check_matrix4,
    check_positive_int,
    check_protein,
    check_sequences,
    fail,
)

# Row of the one-hot matrix for every byte: A, C, G, T (any case) get their column, N stays zero.
_ONE_HOT_ROWS = np.zeros((256, len(DNA_ALPHABET)), dtype=np.float32)
for _column, _base in enumerate(DNA_ALPHABET):
    _ONE_HOT_ROWS[[ord(_base), ord(_base.lower())], _column] = 1.0
_COMPLEMENT = str.maketrans("ACGTNacgtn", "TGCANtgcan")


def one_hot_encode(seq: str) -> np.ndarray:
    """One-hot encode one DNA sequence.

    Parameters
    ----------
    seq : str
        Bases ``A``, ``C``, ``G``, ``T`` or ``N``, upper or lower case (soft-masked repeats are
        lower case in genome FASTA files and mean the same base).

    Returns
    -------
    numpy.ndarray, shape=(len(seq), 4), dtype=float32
        Column order A, C, G, T; ``N`` gives an all-zero row.

    Raises
    ------
    ValueError
        If a character is not a base, naming the character and its 0-based position.
    """
    upper = check_dna(seq, "seq")
    return _ONE_HOT_ROWS[np.frombuffer(upper.encode("ascii"), dtype=np.uint8)]


def one_hot_batch(seqs: Iterable[str], length: int) -> np.ndarray:
    """One-hot encode several sequences into one array of a fixed length.

    Sequences shorter than ``length`` are padded with all-zero rows **at the end** (the 3' side);
    longer ones are truncated **at the end**, keeping their first ``length`` bases. Padding
    rows look like ``N``, which is what a masking layer keys on.

    Parameters
    ----------
    seqs : iterable of str
        DNA sequences (see :func:`one_hot_encode`).
    length : int
        Output length in bases, at least 1.

    Returns
    -------
    numpy.ndarray, shape=(n, length, 4), dtype=float32
    """
    length = check_positive_int(length, "length")
    seqs = check_sequences(seqs, "seqs")
    batch = np.zeros((len(seqs), length, len(DNA_ALPHABET)), dtype=np.float32)
    for i, seq in enumerate(seqs):
        upper = check_dna(seq, f"seqs[{i}]")[:length]
        batch[i, : len(upper)] = _ONE_HOT_ROWS[np.frombuffer(upper.encode("ascii"), dtype=np.uint8)]
    return batch


def decode(onehot: np.ndarray) -> str:
    """Turn a one-hot ``(length, 4)`` array back into a string; all-zero rows become ``N``.

    A row that is not one-hot (for example an attribution map) is decoded to its largest
    column; use this only on encodings.
    """
    onehot = check_matrix4(onehot, "onehot")
    letters = np.array(list(DNA_ALPHABET))[onehot.argmax(axis=1)]
    letters[onehot.sum(axis=1) == 0] = "N"
    return "".join(letters)


def reverse_complement(seq: str) -> str:
    """Reverse complement of a DNA sequence; case is kept (``acgT`` -> ``Acgt``), ``N`` -> ``N``."""
    check_dna(seq, "seq")
    return seq.translate(_COMPLEMENT)[::-1]


def reverse_complement_onehot(onehot: np.ndarray) -> np.ndarray:
    """Reverse complement of one-hot arrays ``(..., length, 4)`` in A, C, G, T order (a copy)."""
    onehot = np.asarray(onehot)
    if onehot.ndim < 2 or onehot.shape[-1] != len(DNA_ALPHABET):
        raise fail("onehot", onehot, "an array of shape (..., length, 4) in A, C, G, T order")
    # Reversing both the length axis and the ACGT axis maps A<->T and C<->G.
    return onehot[..., ::-1, ::-1].copy()


def gc_content(seq: str) -> float:
    """Fraction of G and C among the A, C, G, T bases of ``seq`` (``N`` is not counted)."""
    upper = check_dna(seq, "seq")
    acgt = sum(upper.count(base) for base in DNA_ALPHABET)
    if acgt == 0:
        return float("nan")
    return (upper.count("G") + upper.count("C")) / acgt


def kmer_counts(seqs: Sequence[str], k: int) -> tuple[np.ndarray, list[str]]:
    """Count every DNA k-mer in each sequence (k-mers containing ``N`` are skipped).

    Returns
    -------
    counts : numpy.ndarray, shape=(len(seqs), 4**k), dtype=float32
    kmers : list of str
        Column names, in lexicographic A, C, G, T order.
    """
    k = check_int(k, "k", minimum=1, maximum=8)
    seqs = check_sequences(seqs, "seqs")
    kmers = ["".join(p) for p in product(DNA_ALPHABET, repeat=k)]
    column = {kmer: i for i, kmer in enumerate(kmers)}
    counts = np.zeros((len(seqs), len(kmers)), dtype=np.float32)
    for row, seq in enumerate(seqs):
        upper = check_dna(seq, f"seqs[{row}]")
        for start in range(len(upper) - k + 1):
            index = column.get(upper[start : start + k])
            if index is not None:
                counts[row, index] += 1
    return counts, kmers


def protein_to_indices(seq: str) -> np.ndarray:
    """Map a protein sequence to integer tokens ``1..20`` (alphabetical one-letter order).

    ``0`` is reserved for padding, so the result can feed a Keras ``Embedding`` with
    ``mask_zero=True``.
    """
    upper = check_protein(seq, "seq")
    return np.array([PROTEIN_ALPHABET.index(aa) + 1 for aa in upper], dtype=np.int32)


def protein_batch(seqs: Iterable[str], length: int) -> np.ndarray:
    """Integer-encode proteins into ``(n, length)`` int32, zero-padded / truncated at the end."""
    length = check_positive_int(length, "length")
    seqs = check_sequences(seqs, "seqs")
    batch = np.zeros((len(seqs), length), dtype=np.int32)
    for i, seq in enumerate(seqs):
        tokens = protein_to_indices(check_protein(seq, f"seqs[{i}]")[:length])
        batch[i, : len(tokens)] = tokens
    return batch


def one_hot_protein(seq: str) -> np.ndarray:
    """One-hot encode a protein: float32 ``(len(seq), 20)`` in :data:`PROTEIN_ALPHABET` order."""
    tokens = protein_to_indices(seq)
    return np.eye(len(PROTEIN_ALPHABET), dtype=np.float32)[tokens - 1]


def amino_acid_composition(seqs: Sequence[str]) -> np.ndarray:
    """Fraction of each of the 20 amino acids per sequence, ``(len(seqs), 20)`` float32."""
    seqs = check_sequences(seqs, "seqs")
    composition = np.zeros((len(seqs), len(PROTEIN_ALPHABET)), dtype=np.float32)
    for row, seq in enumerate(seqs):
        tokens = protein_to_indices(seq)
        if len(tokens):
            composition[row] = np.bincount(tokens - 1, minlength=20) / len(tokens)
    return composition
