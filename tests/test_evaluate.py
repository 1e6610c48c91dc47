"""seqdl.evaluate: the rank AUROC against scikit-learn's, and the bootstrap intervals built on it."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from seqdl import evaluate


@pytest.mark.parametrize("seed", range(5))
def test_rank_auroc_is_scikit_learn_s_auroc_with_ties(seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=300)
    y[:2] = (0, 1)
    score = np.round(rng.normal(size=300) + y, 1)  # rounded: many ties
    assert evaluate.auroc(y, score) == pytest.approx(roc_auc_score(y, score), abs=1e-12)


def test_rank_auroc_of_a_perfect_an_inverted_and_a_constant_score():
    y = np.array([0, 0, 1, 1])
    assert evaluate.auroc(y, [0.1, 0.2, 0.8, 0.9]) == 1.0
    assert evaluate.auroc(y, [0.9, 0.8, 0.2, 0.1]) == 0.0
    assert evaluate.auroc(y, [0.5, 0.5, 0.5, 0.5]) == 0.5


def test_bootstrap_defaults_to_the_auroc_and_agrees_with_scikit_learn_s():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 100)
    a, b = rng.normal(size=200) + y, rng.normal(size=200) + 0.5 * y
    fast = evaluate.bootstrap_interval(y, a, n_boot=200)
    assert fast == pytest.approx(evaluate.bootstrap_interval(y, a, metric=roc_auc_score, n_boot=200))
    assert fast[1] < fast[0] < fast[2]
    gap = evaluate.paired_bootstrap(y, a, b, n_boot=200)
    assert gap == pytest.approx(evaluate.paired_bootstrap(y, a, b, metric=roc_auc_score, n_boot=200))
    assert gap[0] == pytest.approx(roc_auc_score(y, a) - roc_auc_score(y, b))


def test_mean_sd_never_prints_a_zero_sd_for_seeds_that_differ():
    import pandas as pd

    summary = evaluate.summarize(
        {
            "steady": pd.DataFrame({"test AUROC": [0.9961, 0.9964, 0.9958]}),
            "noisy": pd.DataFrame({"test AUROC": [0.90, 0.95, 0.97]}),
            "same": pd.DataFrame({"test AUROC": [0.5, 0.5, 0.5]}),
        }
    )
    assert evaluate.mean_sd(summary, "steady", "test AUROC") == "0.9961 ± 0.0003"
    assert evaluate.mean_sd(summary, "noisy", "test AUROC") == "0.940 ± 0.036"
    assert evaluate.mean_sd(summary, "same", "test AUROC") == "0.500 ± 0.000"


@pytest.mark.parametrize(
    ("low", "high", "side"),
    [(0.01, 0.2, "above"), (-0.3, -0.02, "below"), (-0.1, 0.1, "overlaps"), (0.0, 0.2, "overlaps")],
)
def test_interval_side_says_above_only_when_the_interval_excludes_the_reference(low, high, side):
    assert evaluate.interval_side(low, high) == side
    assert evaluate.interval_side(low + 1, high + 1, reference=1.0) == side


def test_word_list_joins_for_a_sentence():
    from seqdl import report

    assert report.word_list(["CTCF"]) == "CTCF"
    assert report.word_list(("a", "b")) == "a and b"
    assert report.word_list(["a", "b", "c"]) == "a, b and c"
