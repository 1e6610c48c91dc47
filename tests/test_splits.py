"""seqdl.splits: shared k-mers between training and test sequences, checked against brute force."""

import functools
import time

import numpy as np
import pytest

from seqdl import encode, splits
from seqdl.validate import PROTEIN_ALPHABET


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


# --------------------------------------------------------------------------- identity clusters


@functools.cache
def amp_peptides():
    from seqdl.data import load_amp

    amp = load_amp()
    parts = (amp.train, amp.val, amp.test)
    return [s for p in parts for s in p.x], np.concatenate([p.y for p in parts])


@functools.cache
def lcs_aligner():
    """An independent longest common subsequence: Biopython's aligner scoring 1 per match, 0 else."""
    from Bio.Align import PairwiseAligner

    return PairwiseAligner(mode="global", match_score=1, mismatch_score=0, gap_score=0)


def mutate(rng, seq: str, n: int) -> str:
    """``seq`` with ``n`` residues substituted at distinct random positions."""
    residues = list(seq)
    for position in rng.choice(len(seq), n, replace=False):
        residues[position] = rng.choice([aa for aa in PROTEIN_ALPHABET if aa != seq[position]])
    return "".join(residues)


def test_sequence_identity_counts_identities_of_biopythons_alignment():
    rng = np.random.default_rng(0)
    seqs = ["".join(rng.choice(list(PROTEIN_ALPHABET), rng.integers(8, 60))) for _ in range(30)]
    seqs += [mutate(rng, seqs[0], 3), seqs[1][5:20]]
    aligner = splits._aligner()
    for a, b in zip(seqs, seqs[1:] + seqs[:1]):
        counts = aligner.align(a, b)[0].counts()
        assert splits.sequence_identity(a, b) == counts.identities / max(len(a), len(b))
    assert splits.sequence_identity("GIGKFLHSAKKFGKAFVGEIMNS", "gigkflhsakkfgkafvgeimns") == 1.0
    assert splits.sequence_identity(seqs[0], seqs[-2]) == (len(seqs[0]) - 3) / len(seqs[0])
    assert splits.sequence_identity(seqs[1], seqs[-1]) == 15 / len(seqs[1])  # over the longer


def test_lcs_bound_equals_an_independent_longest_common_subsequence():
    rng = np.random.default_rng(1)
    seqs = ["".join(rng.choice(list("KLAGR"), rng.integers(1, 90))) for _ in range(40)]
    tokens = splits._tokens(seqs)
    lengths = np.array([len(s) for s in seqs])
    pairs = np.array([(i, j) for i in range(40) for j in range(40) if i != j and lengths[i] <= 64])
    found = splits._lcs_lengths(pairs, tokens, lengths)
    assert found.tolist() == [lcs_aligner().score(seqs[i], seqs[j]) for i, j in pairs]


def test_planted_families_are_clustered_and_unrelated_peptides_are_not():
    rng = np.random.default_rng(2)
    parents = ["".join(rng.choice(list(PROTEIN_ALPHABET), 30)) for _ in range(6)]
    family = {}
    seqs = []
    for f, parent in enumerate(parents):
        for n_changes in (0, 3, 6, 9):  # 100 % down to 70 % identical to the parent
            family[len(seqs)] = f
            seqs.append(mutate(rng, parent, n_changes))
    clusters = splits.identity_clusters(seqs)
    for i in family:
        for j in family:
            assert (clusters[i] == clusters[j]) == (family[i] == family[j])
    assert sorted(np.unique(clusters)) == list(range(6))
    shuffled = rng.permutation(len(seqs))  # any order: the same clusters, numbered by first member
    again = splits.identity_clusters([seqs[i] for i in shuffled])
    assert all(
        (again[a] == again[b]) == (clusters[i] == clusters[j])
        for a, i in enumerate(shuffled)
        for b, j in enumerate(shuffled)
    )
    assert (np.diff(np.unique(again, return_index=True)[1]) > 0).all()  # label k first appears k-th
    assert (splits.identity_clusters(seqs, threshold=0.95) != clusters).any()


def test_single_linkage_joins_chains_below_the_threshold_end_to_end():
    rng = np.random.default_rng(3)
    chain = ["".join(rng.choice(list(PROTEIN_ALPHABET), 40))]
    for _ in range(5):  # each step changes 12 of 40 residues: 70 % identical to the previous one
        chain.append(mutate(rng, chain[-1], 12))
    assert splits.sequence_identity(chain[0], chain[-1]) <= 0.5  # the ends are unrelated...
    assert len(set(splits.identity_clusters(chain))) == 1  # ...but linked through the middle


def brute_force_cross_pairs(dataset, sample, rng, threshold=0.5, side="test"):
    """Every (sampled peptide of split ``side``, peptide of another split) pair above ``threshold``."""
    queries = getattr(dataset, side).x
    others = [s for name in ("train", "val", "test") if name != side for s in getattr(dataset, name).x]
    found = []
    for i in rng.choice(len(queries), sample, replace=False):
        a = queries[i]
        for b in others:
            if lcs_aligner().score(a, b) <= threshold * max(len(a), len(b)):  # cannot exceed
                continue
            if splits.sequence_identity(a, b) > threshold:
                found.append((a, b))
    return found


def test_cluster_split_of_the_amp_data_has_no_cross_split_homologs():
    from seqdl.data import load_amp

    amp = load_amp(split="random")
    start = time.perf_counter()
    clustered = splits.split_by_identity(amp, seed=0)
    assert time.perf_counter() - start < 60  # a few seconds on an idle laptop
    rng = np.random.default_rng(0)
    assert brute_force_cross_pairs(clustered, 40, rng) == []
    # the same check finds the leak of the random split, so it can fail
    assert len(brute_force_cross_pairs(amp, 40, np.random.default_rng(0))) > 10
    # and what the issue measured: test peptides sharing a 15-mer with a same-class training one.
    # Identity <= 50 % still allows a shared 15-mer between two peptides of 30 or more residues.
    for label in (0, 1):
        for dataset, low, high in ((clustered, 0.0, 0.02), (amp, 0.2, 1.0)):
            train = [s for s, y in zip(dataset.train.x, dataset.train.y) if y == label]
            test = [s for s, y in zip(dataset.test.x, dataset.test.y) if y == label]
            assert low <= splits.shared_kmers(train, test, 15).mean() <= high


def test_split_by_identity_keeps_every_peptide_once_and_is_seeded():
    from seqdl.data import load_amp

    amp = load_amp(split="random")
    a, b, c = (splits.split_by_identity(amp, seed=s) for s in (0, 0, 1))
    pooled = sorted(zip(amp.train.ids + amp.val.ids + amp.test.ids, amp.train.x + amp.val.x + amp.test.x))
    assert sorted(zip(a.train.ids + a.val.ids + a.test.ids, a.train.x + a.val.x + a.test.x)) == pooled
    assert (a.train.ids, a.val.ids, a.test.ids) == (b.train.ids, b.val.ids, b.test.ids)
    assert a.test.ids != c.test.ids
    assert "identity" in a.source and amp.source in a.source
    for split, share in ((a.train, 0.8), (a.val, 0.1), (a.test, 0.1)):
        for label, total in zip((0, 1), np.bincount(np.concatenate([amp.train.y, amp.val.y, amp.test.y]))):
            assert abs((split.y == label).sum() / total - share) < 0.01  # stratified


def test_cluster_split_keeps_big_families_out_of_validation_and_test():
    big_a, big_b = np.zeros(100, dtype=int), np.ones(30, dtype=int)  # two families of positives
    clusters = np.concatenate([big_a, big_b, np.arange(2, 342)])  # and 340 singletons
    y = np.concatenate([np.ones(130, dtype=int), np.arange(340) % 2])
    train, val, test = splits.cluster_split(clusters, y, seed=0)
    assert set(range(130)) <= set(train)  # both families train; the singletons fill val and test
    for part in (val, test):
        for label in (0, 1):
            assert abs((y[part] == label).sum() / (y == label).sum() - 0.1) < 0.01
    # without the cap, the second family goes where most of the target is missing: validation
    _, val_uncapped, _ = splits.cluster_split(clusters, y, seed=0, max_share=1.0)
    assert set(range(100, 130)) <= set(val_uncapped)
    with pytest.raises(ValueError, match="max_share=1.5: expected a finite number"):
        splits.cluster_split(clusters, y, max_share=1.5)


def test_load_amp_default_split_keeps_every_homolog_family_in_one_split():
    """``load_amp()`` splits by identity cluster: checked by brute force and against the clusters."""
    from seqdl.data import load_amp

    amp = load_amp()
    assert "identity" in amp.source and "seed 0" in amp.source
    assert brute_force_cross_pairs(amp, 40, np.random.default_rng(1)) == []
    assert brute_force_cross_pairs(amp, 20, np.random.default_rng(2), side="val") == []
    seqs = amp.train.x + amp.val.x + amp.test.x
    side = np.repeat([0, 1, 2], [len(amp.train), len(amp.val), len(amp.test)])
    clusters = splits.identity_clusters(seqs)
    assert all(len(set(side[clusters == c])) == 1 for c in np.unique(clusters))
    assert len(np.unique(clusters)) < len(seqs) / 2  # families of variants exist, so the check can fail
    y = np.concatenate([amp.train.y, amp.val.y, amp.test.y])
    for code in (1, 2):  # and no family makes up more than MAX_SHARE of validation or test
        for label in (0, 1):
            _, sizes = np.unique(clusters[(side == code) & (y == label)], return_counts=True)
            assert sizes.max() <= splits.MAX_SHARE * 0.1 * (y == label).sum()


def test_cluster_split_never_splits_a_cluster_and_uses_every_index_once():
    rng = np.random.default_rng(4)
    clusters = rng.integers(0, 60, 500)
    y = rng.integers(0, 2, 500)
    train, val, test = splits.cluster_split(clusters, y, (0.6, 0.2, 0.2), seed=3)
    assert sorted(np.concatenate([train, val, test]).tolist()) == list(range(500))
    sides = [set(clusters[part]) for part in (train, val, test)]
    assert not (sides[0] & sides[1] or sides[0] & sides[2] or sides[1] & sides[2])
    again = splits.cluster_split(clusters, y, (0.6, 0.2, 0.2), seed=3)
    assert all(np.array_equal(x, z) for x, z in zip((train, val, test), again))
    other = splits.cluster_split(clusters, y, (0.6, 0.2, 0.2), seed=4)
    assert not np.array_equal(other[2], test)
    for part, share in zip((train, val, test), (0.6, 0.2, 0.2)):
        assert abs(len(part) / 500 - share) < 0.05
