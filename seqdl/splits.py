"""How far apart training and test sequences really are: shared k-mers, and splits that respect it.

A split by chromosome (DNA) or by random draw (peptides) can still put near-copies on both sides:
repeats and segmental duplications copy DNA between chromosomes, and peptide datasets hold
families of variants a residue or two apart. A model then scores well on the test set by
recognising what it has seen. :func:`shared_kmers` measures it: which test sequences share an
exact ``k``-mer with a training sequence (on either strand, for DNA).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from .encode import reverse_complement
from .validate import (
    PROTEIN_ALPHABET,
    check_bool,
    check_int,
    check_number,
    check_positive_int,
    check_protein,
    check_sequences,
    fail,
)


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


# --------------------------------------------------------------------------- identity clusters

IDENTITY_THRESHOLD = 0.5  # fraction: clusters of peptides more than half identical
GAP_OPEN, GAP_EXTEND = 11, 1  # BLAST's protein defaults: a gap of k residues costs 11 + k
_WORD = 64  # bits per word of the bit-parallel LCS


@functools.cache
def _aligner():
    """Semi-global BLOSUM62 alignment: end gaps free, inner gaps cost 11 + 1 per residue."""
    from Bio.Align import PairwiseAligner, substitution_matrices

    aligner = PairwiseAligner(mode="global", substitution_matrix=substitution_matrices.load("BLOSUM62"))
    aligner.open_gap_score, aligner.extend_gap_score = -(GAP_OPEN + GAP_EXTEND), -GAP_EXTEND
    aligner.end_gap_score = 0.0
    return aligner


def _identities(a: str, b: str) -> int:
    """Identical residue pairs in the best alignment of ``a`` and ``b`` (the first, if several tie)."""
    coordinates = _aligner().align(a, b)[0].coordinates
    count = 0
    for k in range(coordinates.shape[1] - 1):
        a0, a1 = coordinates[0, k], coordinates[0, k + 1]
        b0, b1 = coordinates[1, k], coordinates[1, k + 1]
        if a1 > a0 and b1 > b0:  # an aligned block (no gap)
            count += sum(x == y for x, y in zip(a[a0:a1], b[b0:b1]))
    return count


def sequence_identity(a: str, b: str) -> float:
    """Fraction of the longer protein's residues that are identical in the two proteins' best alignment.

    The alignment is semi-global (end gaps are free, so one peptide may overhang the other) with
    BLOSUM62 scores and BLAST's gap costs (11 + 1 per gapped residue), by Biopython's
    ``PairwiseAligner``. Dividing by the **longer** length means a short peptide is not called
    identical to a long one just because its few residues can be placed along it; two variants a
    residue or two apart score close to 1.

    Parameters
    ----------
    a, b : str
        Proteins of the 20 standard amino acids (any case).

    Returns
    -------
    float in [0, 1]
    """
    a, b = check_protein(a, "a"), check_protein(b, "b")
    if not a or not b:
        raise fail("a" if not a else "b", a if not a else b, "a non-empty protein sequence")
    return _identities(a, b) / max(len(a), len(b))


def _tokens(seqs: Sequence[str]) -> list[np.ndarray]:
    lookup = np.zeros(128, dtype=np.int64)
    lookup[[ord(aa) for aa in PROTEIN_ALPHABET]] = np.arange(len(PROTEIN_ALPHABET))
    return [lookup[np.frombuffer(s.encode("ascii"), dtype=np.uint8)] for s in seqs]


def _composition_candidates(tokens: list[np.ndarray], lengths: np.ndarray, threshold: float) -> np.ndarray:
    """Pairs ``(shorter, longer)`` that could exceed ``threshold``: exact bounds, no pair is lost.

    Identities can be no more than the shorter length, nor than the residues the two share by
    composition (sum over amino acids of the smaller count).
    """
    counts = np.stack([np.bincount(t, minlength=len(PROTEIN_ALPHABET)) for t in tokens]).astype(np.int16)
    order = np.argsort(lengths, kind="stable")
    sorted_lengths, sorted_counts = lengths[order], counts[order]
    pairs = []
    for r in range(1, len(order)):
        longest = sorted_lengths[r]
        low = np.searchsorted(sorted_lengths, threshold * longest, side="right")
        if low >= r:
            continue
        shared = np.minimum(sorted_counts[low:r], sorted_counts[r]).sum(axis=1)
        keep = np.flatnonzero(shared > threshold * longest)
        pairs.append(np.stack([order[low + keep], np.full(len(keep), order[r])], axis=1))
    return np.concatenate(pairs) if pairs else np.zeros((0, 2), dtype=np.int64)


def _lcs_lengths(pairs: np.ndarray, tokens: list[np.ndarray], lengths: np.ndarray) -> np.ndarray:
    """Longest common subsequence of each pair, bit-parallel (Allison & Dix 1986), all pairs at once.

    An alignment's identical pairs form a common subsequence, so the LCS bounds the identities of
    every alignment from above. Each bit of a machine word stands for one residue of the pair's
    first sequence (at most 64 residues); the second is read one residue per step.
    """
    result = np.empty(len(pairs), dtype=np.int64)
    padded = np.full((len(tokens), lengths.max()), len(PROTEIN_ALPHABET), dtype=np.int16)  # 20: padding
    for i, t in enumerate(tokens):
        padded[i, : len(t)] = t
    short = lengths[pairs[:, 0]] <= 32
    for chosen, word in ((short, np.uint32), (~short, np.uint64)):  # 32-bit words where they suffice
        bits = np.iinfo(word).bits
        masks = np.zeros((len(tokens), len(PROTEIN_ALPHABET) + 1), dtype=word)  # residue -> positions
        for i, t in enumerate(tokens):
            if len(t) <= bits:
                np.bitwise_or.at(masks[i], t, np.left_shift(word(1), np.arange(len(t), dtype=word)))
        subset = pairs[chosen]
        order = np.lexsort((subset[:, 1], lengths[subset[:, 1]]))  # by second length: a suffix is active
        first, second = subset[order, 0], subset[order, 1]
        second_lengths = lengths[second]
        row = (first * masks.shape[1]).astype(np.int32)
        v = np.full(len(first), np.iinfo(word).max, dtype=word)
        u, w, index = np.empty_like(v), np.empty_like(v), np.empty(len(first), dtype=np.int32)
        for t in range(int(second_lengths.max(initial=0))):
            s = np.searchsorted(second_lengths, t, side="right")  # pairs whose second has residue t
            np.add(row[s:], padded[second[s:], t], out=index[s:])
            np.take(masks.ravel(), index[s:], out=u[s:])
            np.bitwise_and(v[s:], u[s:], out=u[s:])
            np.subtract(v[s:], u[s:], out=w[s:])
            np.add(v[s:], u[s:], out=v[s:])
            np.bitwise_or(v[s:], w[s:], out=v[s:])  # v = (v + u) | (v - u)
        m = lengths[first].astype(word)
        low_bits = np.where(m >= bits, np.iinfo(word).max, (word(1) << m) - word(1)).astype(word)
        found = np.empty(len(first), dtype=np.int64)
        found[order] = lengths[first] - np.bitwise_count(v & low_bits)
        result[np.flatnonzero(chosen)] = found
    return result


@functools.lru_cache(maxsize=8)
def _clusters(seqs: tuple[str, ...], threshold: float) -> tuple[np.ndarray, int, int]:
    tokens = _tokens(seqs)
    lengths = np.array([len(s) for s in seqs], dtype=np.int64)
    pairs = _composition_candidates(tokens, lengths, threshold)
    bit_parallel = lengths[pairs[:, 0]] <= _WORD
    lcs = np.zeros(len(pairs), dtype=np.int64)
    lcs[bit_parallel] = _lcs_lengths(pairs[bit_parallel], tokens, lengths)
    if (~bit_parallel).any():  # both peptides longer than 64 residues: rare, one by one
        from Bio.Align import PairwiseAligner

        longest = PairwiseAligner(mode="global", match_score=1, mismatch_score=0, gap_score=0)
        lcs[~bit_parallel] = [longest.score(seqs[i], seqs[j]) for i, j in pairs[~bit_parallel]]
    longer = lengths[pairs[:, 1]]
    candidates = pairs[lcs > threshold * longer]
    ratio = (lcs / longer)[lcs > threshold * longer]
    parent = np.arange(len(seqs))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    aligned = 0
    for i, j in candidates[np.argsort(-ratio, kind="stable")]:  # likeliest links first
        ri, rj = root(i), root(j)
        if ri == rj:  # already in one cluster: no need to align
            continue
        aligned += 1
        if _identities(seqs[i], seqs[j]) > threshold * max(lengths[i], lengths[j]):
            parent[max(ri, rj)] = min(ri, rj)
    roots = np.array([root(i) for i in range(len(seqs))])
    _, labels = np.unique(roots, return_inverse=True)  # numbered by each cluster's first member
    return labels, len(pairs), aligned


def identity_clusters(seqs: Sequence[str], threshold: float = IDENTITY_THRESHOLD) -> np.ndarray:
    """Single-linkage clusters of proteins: any two more than ``threshold`` identical share a cluster.

    Two proteins are *linked* when :func:`sequence_identity` exceeds ``threshold``; a cluster is a
    connected group of links (single linkage), so proteins in **different** clusters are never more
    than ``threshold`` identical -- the property a leak-free split needs. Computing all
    ``n (n - 1) / 2`` alignments would take minutes; instead, three exact bounds discard pairs
    that cannot exceed the threshold (length, amino-acid composition, and the longest common
    subsequence, computed bit-parallel for all pairs at once), and pairs already joined through
    other links are not aligned at all. No pair above the threshold is missed. Results are cached
    (for the same sequences in any order).

    Parameters
    ----------
    seqs : sequence of str
        Proteins of the 20 standard amino acids.
    threshold : float
        Identity above which two proteins are linked, between 0.3 and 0.95.

    Returns
    -------
    numpy.ndarray of int, shape=(len(seqs),)
        Cluster labels ``0 .. n_clusters - 1``, numbered in order of each cluster's first member.
    """
    seqs = check_sequences(seqs, "seqs")
    seqs = tuple(check_protein(s, f"seqs[{i}]") for i, s in enumerate(seqs))
    empty = [i for i, s in enumerate(seqs) if not s]
    if empty:
        raise fail(f"seqs[{empty[0]}]", "", "a non-empty protein sequence")
    threshold = check_number(threshold, "threshold", minimum=0.3, maximum=0.95)
    order = sorted(range(len(seqs)), key=seqs.__getitem__)  # one cache entry whatever the order
    labels = np.empty(len(seqs), dtype=np.int64)
    labels[order] = _clusters(tuple(seqs[i] for i in order), threshold)[0]
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    return np.argsort(np.argsort(first))[inverse]  # renumbered by each cluster's first member


def _check_fractions(fractions) -> tuple[float, float, float]:
    expected = "three fractions (train, validation, test), each > 0, summing to 1"
    try:
        values = tuple(float(f) for f in fractions)
    except (TypeError, ValueError):
        raise fail("fractions", fractions, expected) from None
    if len(values) != 3 or min(values) <= 0 or not np.isclose(sum(values), 1.0):
        raise fail("fractions", fractions, expected)
    return values  # type: ignore[return-value]


MAX_SHARE = 0.05  # fraction: the most of a split's target (per class) one cluster may fill outside training


def cluster_split(
    clusters,
    y,
    fractions: tuple[float, float, float] = (0.8, 0.1, 0.1),
    seed: int = 0,
    max_share: float = MAX_SHARE,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Train / validation / test indices that never split a cluster, stratified by label where possible.

    Clusters are shuffled with ``seed`` and then taken largest first (a stable sort, so equal
    sizes keep their shuffled order); each goes whole to the split that is furthest below its
    target for the cluster's labels (the fraction of its target still missing, weighted by how
    many members of each label the cluster has). A cluster bigger than ``max_share`` of a
    split's target (for a class it has members of) stays out of that split while the largest
    split (training) has room: otherwise one family of variants -- hundreds of peptides in the
    AMP data -- could make up most of the validation or test set, which would then measure that
    family alone. Large clusters therefore go to training, and the many small ones even out
    the class balance of all three splits.

    Parameters
    ----------
    clusters : array of int, shape=(n,)
        A cluster label per sequence, e.g. from :func:`identity_clusters`.
    y : array of 0/1, shape=(n,)
        Class labels.
    fractions : (float, float, float)
        Targets for train, validation and test, each > 0, summing to 1.
    seed : int
    max_share : float
        Between 0 and 1; with 1, one cluster may fill a split's whole target.

    Returns
    -------
    (train, val, test) : three sorted int arrays of indices into the sequences
    """
    labels = np.asarray(clusters)
    if labels.ndim != 1 or labels.dtype.kind not in "iu" or len(labels) < 3:
        raise fail("clusters", clusters, "one integer cluster label per sequence (at least 3)")
    classes = np.asarray(y)
    if classes.shape != labels.shape or not np.isin(classes, (0, 1)).all():
        raise fail("y", y, f"one 0/1 label per sequence ({len(labels)} labels)")
    fractions = _check_fractions(fractions)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    max_share = check_number(max_share, "max_share", minimum=0, maximum=1)
    ids, members = np.unique(labels, return_inverse=True)
    per_cluster = np.zeros((len(ids), 2), dtype=np.int64)  # members of each class
    np.add.at(per_cluster, (members, classes.astype(int)), 1)
    target = np.outer(fractions, per_cluster.sum(axis=0)).clip(min=1e-9)  # (split, class)
    largest = np.array(fractions) == max(fractions)
    filled = np.zeros_like(target)
    assigned = np.empty(len(ids), dtype=np.int64)
    shuffled = rng.permutation(len(ids))
    for c in shuffled[np.argsort(-per_cluster[shuffled].sum(axis=1), kind="stable")]:
        missing = ((target - filled) / target) @ per_cluster[c]  # one number per split
        small_enough = (per_cluster[c] <= max_share * target).all(axis=1) | largest
        for allowed in (small_enough & (missing > 0), missing > 0, np.ones(3, dtype=bool)):
            if allowed.any():  # the first rule that leaves a split: room and not too big, room, any
                break
        split = int(np.argmax(np.where(allowed, missing, -np.inf)))
        assigned[c] = split
        filled[split] += per_cluster[c]
    where = assigned[members]
    return tuple(np.flatnonzero(where == s) for s in range(3))  # type: ignore[return-value]


def split_by_identity(
    dataset, threshold: float = IDENTITY_THRESHOLD, seed: int = 0, fractions=(0.8, 0.1, 0.1)
):
    """``dataset`` re-split so that no two sequences in different splits exceed ``threshold`` identity.

    The three splits of a :class:`seqdl.data.Dataset` of proteins are pooled, clustered with
    :func:`identity_clusters` and divided with :func:`cluster_split`; ids and labels travel with
    their sequences. Returns a new :class:`~seqdl.data.Dataset` whose ``source`` says how it was split.
    """
    from .data import Dataset, Split

    if not isinstance(dataset, Dataset):
        raise fail("dataset", dataset, "a seqdl.data.Dataset (e.g. seqdl.data.load_amp())")
    parts = (dataset.train, dataset.val, dataset.test)
    seqs = [s for part in parts for s in part.x]
    y = np.concatenate([part.y for part in parts])
    ids = [i for part in parts for i in part.ids]
    clusters = identity_clusters(seqs, threshold)
    index = cluster_split(clusters, y, fractions, seed)
    train, val, test = (Split([seqs[i] for i in idx], y[idx], [ids[i] for i in idx]) for idx in index)
    how = f"clusters at <= {threshold:.0%} identity (single linkage), split by cluster, seed {seed}"
    return Dataset(dataset.name, train, val, test, dataset.classes, f"{dataset.source}; re-split: {how}")
