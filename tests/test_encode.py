"""seqdl.encode: one-hot DNA, batches, decode, reverse complement, protein encodings."""

import numpy as np
import pytest

from seqdl import encode


def test_one_hot_order_and_dtype():
    x = encode.one_hot_encode("ACGT")
    assert x.dtype == np.float32
    np.testing.assert_array_equal(x, np.eye(4, dtype=np.float32))


def test_one_hot_is_case_insensitive_and_n_is_zero():
    np.testing.assert_array_equal(encode.one_hot_encode("acgtn"), encode.one_hot_encode("ACGTN"))
    assert encode.one_hot_encode("N").sum() == 0


def test_one_hot_empty_sequence():
    assert encode.one_hot_encode("").shape == (0, 4)


def test_batch_pads_and_truncates_at_the_end():
    batch = encode.one_hot_batch(["AC", "ACGTAC"], length=4)
    assert batch.shape == (2, 4, 4)
    np.testing.assert_array_equal(batch[0, :2], encode.one_hot_encode("AC"))
    assert batch[0, 2:].sum() == 0
    np.testing.assert_array_equal(batch[1], encode.one_hot_encode("ACGT"))


def test_batch_equals_encoding_one_by_one():
    rng = np.random.default_rng(3)
    seqs = ["".join(rng.choice(list("ACGTNacgtn"), size=n)) for n in (0, 1, 7, 30)]
    batch = encode.one_hot_batch(seqs, 30)
    for row, seq in zip(batch, seqs):
        np.testing.assert_array_equal(row[: len(seq)], encode.one_hot_encode(seq))
        assert row[len(seq) :].sum() == 0


def test_decode_roundtrip_and_n():
    for seq in ["ACGTTGCA", "ANNA"]:
        assert encode.decode(encode.one_hot_encode(seq)) == seq
    with pytest.raises(ValueError):
        encode.decode(np.zeros((3, 5)))


def test_reverse_complement_keeps_case():
    assert encode.reverse_complement("ACGTN") == "NACGT"
    assert encode.reverse_complement("aacG") == "Cgtt"
    with pytest.raises(ValueError, match="invalid base"):
        encode.reverse_complement("ACXT")


def test_reverse_complement_onehot_matches_string_version():
    seq = "AACGTTTGCN"
    np.testing.assert_array_equal(
        encode.reverse_complement_onehot(encode.one_hot_encode(seq)),
        encode.one_hot_encode(encode.reverse_complement(seq)),
    )


def test_gc_content_and_kmers():
    assert encode.gc_content("GGCCAATT") == 0.5
    assert encode.gc_content("GCNN") == 1.0
    assert np.isnan(encode.gc_content("NN"))
    counts, kmers = encode.kmer_counts(["AAAC", "ANAA"], k=2)
    assert kmers[:2] == ["AA", "AC"] and len(kmers) == 16
    assert counts[0, kmers.index("AA")] == 2 and counts[0, kmers.index("AC")] == 1
    assert counts[1].sum() == 1  # k-mers overlapping N are skipped


def test_protein_encodings():
    tokens = encode.protein_to_indices("ACy")
    np.testing.assert_array_equal(tokens, [1, 2, 20])
    batch = encode.protein_batch(["AC", "WWWW"], 3)
    np.testing.assert_array_equal(batch, [[1, 2, 0], [19, 19, 19]])
    assert encode.one_hot_protein("AW").shape == (2, 20)
    comp = encode.amino_acid_composition(["AAC"])
    assert comp[0, 0] == pytest.approx(2 / 3) and comp.sum() == pytest.approx(1)
