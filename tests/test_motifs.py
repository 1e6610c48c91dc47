"""seqdl.motifs: JASPAR access, PPM/PWM maths, PWM scanning as convolution, TOMTOM matching."""

import numpy as np
import pytest

from seqdl import encode, motifs


def test_jaspar_by_id_and_name():
    m = motifs.jaspar_motif("MA0142.1")
    assert m.name.upper() == "POU5F1::SOX2" and m.counts.shape == (15, 4)
    assert motifs.jaspar_motif("pou5f1::sox2").matrix_id == "MA0142.1"
    assert len(motifs.jaspar_motifs()) > 800


def test_ppm_pwm_information():
    ppm = motifs.counts_to_ppm(np.array([[10, 0, 0, 0], [1, 1, 1, 1]]))
    np.testing.assert_allclose(ppm.sum(axis=1), 1)
    ic = motifs.information_content(np.array([[1, 0, 0, 0], [0.25] * 4]))
    np.testing.assert_allclose(ic, [2, 0])
    pwm = motifs.ppm_to_pwm(ppm)
    assert pwm[0, 0] > 1 and abs(pwm[1]).max() < 1e-9
    with pytest.raises(ValueError):
        motifs.ppm_to_pwm(np.array([[1.0, 0, 0, 0]]))


def test_scan_pwm_equals_a_keras_free_convolution_and_finds_the_site():
    pwm = motifs.ppm_to_pwm(motifs.jaspar_motif("MA0142.1").ppm)
    consensus = "".join("ACGT"[i] for i in pwm.argmax(axis=1))
    seq = "T" * 30 + consensus + "A" * 30
    scores = motifs.scan_pwm(encode.one_hot_encode(seq), pwm, both_strands=False)
    assert scores.argmax() == 30
    x = encode.one_hot_encode(seq)
    direct = [np.sum(x[i : i + len(pwm)] * pwm) for i in range(len(seq) - len(pwm) + 1)]
    np.testing.assert_allclose(scores, direct)
    rc = encode.one_hot_encode(encode.reverse_complement(seq))
    assert motifs.scan_pwm(rc, pwm).max() == pytest.approx(scores.max())


def test_benjamini_hochberg_matches_scipy():
    from scipy.stats import false_discovery_control

    p = np.random.default_rng(0).uniform(0, 0.1, (7, 9))
    np.testing.assert_allclose(
        motifs.benjamini_hochberg(p), false_discovery_control(p.ravel()).reshape(p.shape)
    )
    np.testing.assert_allclose(
        motifs.benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.2])), [0.04, 0.16 / 3, 0.16 / 3, 0.2]
    )


def test_tomtom_recovers_a_jaspar_motif_from_a_noisy_copy():
    target = motifs.jaspar_motif("MA0142.1")
    rng = np.random.default_rng(0)
    noisy = target.ppm[2:13] + rng.uniform(0, 0.05, (11, 4))
    noisy /= noisy.sum(axis=1, keepdims=True)
    table = motifs.tomtom_match([noisy, noisy[::-1, ::-1]], query_names=["fwd", "rev"], top=3)
    best = table[table["rank"] == 1].set_index("query")
    assert best.loc["fwd", "target_id"] == "MA0142.1" and best.loc["rev", "target_id"] == "MA0142.1"
    assert best.loc["fwd", "q_value"] < 0.05
    assert best.loc["rev", "strand"] == "-"


def test_tomtom_agrees_with_memelite():
    """seqdl's NumPy TOMTOM against memelite's (tests/data, written by tools/make_tomtom_reference.py)."""
    from make_tomtom_reference import OUT, reference_inputs

    reference = np.load(OUT)
    queries, target_ids = reference_inputs()
    assert list(reference["target_ids"]) == target_ids
    ours = motifs.tomtom(queries, [motifs.jaspar_motif(key).ppm for key in target_ids])
    np.testing.assert_array_equal(ours.scores, reference["scores"])
    np.testing.assert_array_equal(ours.strands, reference["strands"])
    p, expected = ours.p_values, reference["p_values"]
    visible = expected > 1e-12
    np.testing.assert_allclose(p[visible], expected[visible], rtol=1e-2)
    assert (p[~visible] < 1e-10).all()
    # Where the best score is unique, the alignment is the same; memelite breaks ties differently.
    same = ours.offsets == reference["offsets"]
    assert same.mean() > 0.97


def test_tomtom_finds_a_piece_of_a_motif_on_either_strand():
    jaspar = motifs.jaspar_motifs()
    piece = motifs.jaspar_motif("MA0142.1").ppm[3:12]
    result = motifs.tomtom([piece, piece[::-1, ::-1]], [m.ppm for m in jaspar])
    best = result.p_values.argmin(axis=1)
    index = next(i for i, m in enumerate(jaspar) if m.matrix_id == "MA0142.1")
    assert best[0] == index and best[1] == index
    assert result.offsets[0, index] == 3 and result.overlaps[0, index] == 9 and result.strands[0, index] == 0
    assert result.strands[1, index] == 1
    assert result.p_values[0, index] < 1e-6
