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

DNA_ALPHABET = "ACGT"
PROTEIN_ALPHABET = "ACDEFGHIKLMNPQRSTVWY"
_DNA_INDEX = {base: i for i, base in enumerate(DNA_ALPHABET)}
_COMPLEMENT = str.maketrans("ACGTNacgtn", "TGCANtgcan")


def _check_dna(seq: str) -> str:
    """Return ``seq`` upper-cased, or raise naming the first character that is not A, C, G, T, N."""
    if not isinstance(seq, str):
        raise TypeError(f"expected a DNA sequence as str, got {type(seq).__name__}")
    upper = seq.upper()
    for position, char in enumerate(upper):
        if char not in "ACGTN":
            raise ValueError(
                f"invalid base {seq[position]!r} at position {position}; "
                "expected one of A, C, G, T, N (case-insensitive)"
            )
    return upper


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
    upper = _check_dna(seq)
    encoded = np.zeros((len(upper), len(DNA_ALPHABET)), dtype=np.float32)
    for position, base in enumerate(upper):
        column = _DNA_INDEX.get(base)
        if column is not None:
            encoded[position, column] = 1.0
    return encoded


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
    if not isinstance(length, (int, np.integer)) or length < 1:
        raise ValueError(f"length must be a positive integer, got {length!r}")
    seqs = list(seqs)
    batch = np.zeros((len(seqs), length, len(DNA_ALPHABET)), dtype=np.float32)
    for i, seq in enumerate(seqs):
        try:
            encoded = one_hot_encode(seq[:length])
        except ValueError as err:
            raise ValueError(f"sequence {i}: {err}") from None
        batch[i, : len(encoded)] = encoded
    return batch


def decode(onehot: np.ndarray) -> str:
    """Turn a one-hot ``(length, 4)`` array back into a string; all-zero rows become ``N``.

    A row that is not one-hot (for example an attribution map) is decoded to its largest
    column; use this only on encodings.
    """
    onehot = np.asarray(onehot)
    if onehot.ndim != 2 or onehot.shape[1] != len(DNA_ALPHABET):
        raise ValueError(f"expected shape (length, 4), got {onehot.shape}")
    letters = np.array(list(DNA_ALPHABET))[onehot.argmax(axis=1)]
    letters[onehot.sum(axis=1) == 0] = "N"
    return "".join(letters)


def reverse_complement(seq: str) -> str:
    """Reverse complement of a DNA sequence; case is kept (``acgT`` -> ``Acgt``), ``N`` -> ``N``."""
    _check_dna(seq)
    return seq.translate(_COMPLEMENT)[::-1]


def reverse_complement_onehot(onehot: np.ndarray) -> np.ndarray:
    """Reverse complement of one-hot arrays ``(..., length, 4)`` in A, C, G, T order (a copy)."""
    onehot = np.asarray(onehot)
    if onehot.shape[-1] != len(DNA_ALPHABET):
        raise ValueError(f"expected a last axis of size 4 (A, C, G, T), got {onehot.shape}")
    # Reversing both the length axis and the ACGT axis maps A<->T and C<->G.
    return onehot[..., ::-1, ::-1].copy()


def gc_content(seq: str) -> float:
    """Fraction of G and C among the A, C, G, T bases of ``seq`` (``N`` is not counted)."""
    upper = _check_dna(seq)
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
    if not 1 <= k <= 8:
        raise ValueError(f"k must be between 1 and 8, got {k}")
    kmers = ["".join(p) for p in product(DNA_ALPHABET, repeat=k)]
    column = {kmer: i for i, kmer in enumerate(kmers)}
    counts = np.zeros((len(seqs), len(kmers)), dtype=np.float32)
    for row, seq in enumerate(seqs):
        upper = _check_dna(seq)
        for start in range(len(upper) - k + 1):
            index = column.get(upper[start : start + k])
            if index is not None:
                counts[row, index] += 1
    return counts, kmers


def _check_protein(seq: str) -> str:
    if not isinstance(seq, str):
        raise TypeError(f"expected a protein sequence as str, got {type(seq).__name__}")
    upper = seq.upper()
    for position, char in enumerate(upper):
        if char not in PROTEIN_ALPHABET:
            raise ValueError(
                f"invalid amino acid {seq[position]!r} at position {position}; "
                f"expected one of the 20 standard residues {PROTEIN_ALPHABET}"
            )
    return upper


def protein_to_indices(seq: str) -> np.ndarray:
    """Map a protein sequence to integer tokens ``1..20`` (alphabetical one-letter order).

    ``0`` is reserved for padding, so the result can feed a Keras ``Embedding`` with
    ``mask_zero=True``.
    """
    upper = _check_protein(seq)
    return np.array([PROTEIN_ALPHABET.index(aa) + 1 for aa in upper], dtype=np.int32)


def protein_batch(seqs: Iterable[str], length: int) -> np.ndarray:
    """Integer-encode proteins into ``(n, length)`` int32, zero-padded / truncated at the end."""
    if not isinstance(length, (int, np.integer)) or length < 1:
        raise ValueError(f"length must be a positive integer, got {length!r}")
    seqs = list(seqs)
    batch = np.zeros((len(seqs), length), dtype=np.int32)
    for i, seq in enumerate(seqs):
        try:
            tokens = protein_to_indices(seq[:length])
        except ValueError as err:
            raise ValueError(f"sequence {i}: {err}") from None
        batch[i, : len(tokens)] = tokens
    return batch


def one_hot_protein(seq: str) -> np.ndarray:
    """One-hot encode a protein: float32 ``(len(seq), 20)`` in :data:`PROTEIN_ALPHABET` order."""
    tokens = protein_to_indices(seq)
    return np.eye(len(PROTEIN_ALPHABET), dtype=np.float32)[tokens - 1]


def amino_acid_composition(seqs: Sequence[str]) -> np.ndarray:
    """Fraction of each of the 20 amino acids per sequence, ``(len(seqs), 20)`` float32."""
    composition = np.zeros((len(seqs), len(PROTEIN_ALPHABET)), dtype=np.float32)
    for row, seq in enumerate(seqs):
        tokens = protein_to_indices(seq)
        if len(tokens):
            composition[row] = np.bincount(tokens - 1, minlength=20) / len(tokens)
    return composition
