"""seqdl.motifs: JASPAR access, PPM/PWM maths, PWM scanning as convolution, TOMTOM matching."""

import numpy as np
import pytest

from seqdl import encode, motifs


def test_jaspar_by_id_and_name():
    m = motifs.jaspar_motif("MA0142.1")
    assert m.name.upper() == "POU5F1::SOX2" and m.counts.shape == (15, 4)
    assert motifs.jaspar_motif("pou5f1::sox2").matrix_id == "MA0142.1"
    with pytest.raises(KeyError):
        motifs.jaspar_motif("NOT_A_FACTOR")
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
    with pytest.raises(ValueError, match="summing to 1"):
        motifs.tomtom_match([np.ones((5, 4))])
