"""Compare models honestly: several seeds, intervals, and the winner chosen on validation data.

One training run is one draw: another seed (initial weights, batch order, dropout) gives another
number, and two models whose difference is smaller than that spread have not been told apart.
The chapters therefore train each model under several seeds (:func:`over_seeds`), report the mean
and standard deviation (:func:`summarize`), choose the winner on the **validation** split
(:func:`choose_on_validation`) and look at the test split once, for the chosen model. A bootstrap
over the test sequences (:func:`bootstrap_interval`, :func:`paired_bootstrap`) says how much the
test set itself could move a number.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from .validate import check_int, check_number, check_positive_int, fail


def over_seeds(run: Callable[[int], Mapping[str, float]], seeds: Sequence[int]):
    """Call ``run(seed)`` for every seed; a table with one row per seed and one column per metric.

    ``run`` trains one model with that seed and returns its metrics, for example
    ``{"validation AUROC": ..., "test AUROC": ...}``.
    """
    import pandas as pd

    seeds = [check_int(seed, f"seeds[{i}]", minimum=0) for i, seed in enumerate(seeds)]
    if not seeds:
        raise fail("seeds", seeds, "at least one seed")
    rows = []
    for seed in seeds:
        metrics = dict(run(seed))
        rows.append({"seed": seed} | {k: float(v) for k, v in metrics.items()})
    return pd.DataFrame(rows).set_index("seed")


def summarize(results: Mapping[str, object]):
    """Mean and standard deviation (over seeds) of every metric, one row per model.

    Parameters
    ----------
    results : mapping of model name -> table from :func:`over_seeds`

    Returns
    -------
    pandas.DataFrame
        Columns ``"<metric> mean"``, ``"<metric> sd"`` (sample standard deviation, ``ddof=1``; 0 for a
        single seed) and ``"seeds"``.
    """
    import pandas as pd

    rows = {}
    for name, table in results.items():
        row = {}
        for metric in table.columns:
            values = table[metric].to_numpy(dtype=float)
            row[f"{metric} mean"] = values.mean()
            row[f"{metric} sd"] = values.std(ddof=1) if len(values) > 1 else 0.0
        row["seeds"] = len(table)
        rows[name] = row
    return pd.DataFrame.from_dict(rows, orient="index")


def choose_on_validation(summary, metric: str = "validation AUROC", higher_is_better: bool = True) -> str:
    """The model with the best mean validation metric -- never chosen on the test split."""
    column = f"{metric} mean"
    if column not in summary.columns:
        raise fail("metric", metric, f"a metric of the summary ({', '.join(summary.columns)})")
    return str(summary[column].idxmax() if higher_is_better else summary[column].idxmin())


def within_noise(summary, a: str, b: str, metric: str) -> bool:
    """Whether models ``a`` and ``b`` differ in ``metric`` by less than the larger of their sds.

    A deliberately modest rule for prose ("within seed noise"): with a handful of seeds, a gap
    smaller than one standard deviation of either model is not evidence that one is better.
    """
    mean, sd = summary[f"{metric} mean"], summary[f"{metric} sd"]
    return bool(abs(mean[a] - mean[b]) < max(sd[a], sd[b]))


def mean_sd(summary, model: str, metric: str, digits: int = 3) -> str:
    """``"0.987 ± 0.004"``: a model's mean and sd of a metric, for a table or the prose.

    A non-zero sd that would round to zero gets more digits (up to 6), so that ``± 0.000`` is never
    printed for seeds that did differ: ``"0.9961 ± 0.0003"``.
    """
    mean, sd = summary.loc[model, f"{metric} mean"], summary.loc[model, f"{metric} sd"]
    while sd > 0 and round(sd, digits) == 0 and digits < 6:
        digits += 1
    return f"{mean:.{digits}f} ± {sd:.{digits}f}"


def interval_side(low: float, high: float, reference: float = 0.0) -> str:
    """Where an interval lies against a reference: ``"above"``, ``"below"`` or ``"overlaps"``.

    The one rule behind every "higher than / lower than / not distinguishable from" of the book: a
    (paired) bootstrap interval of a difference says "above" only when it excludes zero.
    """
    low, high = check_number(low, "low"), check_number(high, "high")
    if low > high:
        raise fail("low", low, f"an interval's lower end, at most high={high!r}")
    reference = check_number(reference, "reference")
    return "above" if low > reference else "below" if high < reference else "overlaps"


def _auroc(y: np.ndarray, score: np.ndarray) -> float:
    # Mann-Whitney: the rank sum of the positives, less its minimum, over the number of pairs.
    from scipy.stats import rankdata

    ranks = rankdata(score)  # tied scores share their average rank: a tie counts one half
    n_positive = int(y.sum())
    return float(
        (ranks[y == 1].sum() - n_positive * (n_positive + 1) / 2) / (n_positive * (len(y) - n_positive))
    )


def auroc(y_true, score) -> float:
    """Area under the ROC curve, as a rank statistic: the probability that a random positive
    scores higher than a random negative (ties count one half).

    The same value as ``sklearn.metrics.roc_auc_score``, several times faster, which matters when
    a bootstrap computes it a thousand times; the default metric of :func:`bootstrap_interval` and
    :func:`paired_bootstrap`.

    Parameters
    ----------
    y_true : array of 0/1, shape (n,)
        Both classes present.
    score : array of float, shape (n,)
        Higher means "more likely class 1"; probabilities and logits give the same AUROC.
    """
    return _auroc(*_paired(y_true, score))


def _resample_indices(n: int, n_boot: int, seed: int, y=None) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if y is None:
        return rng.integers(0, n, size=(n_boot, n))
    # Stratified: each class is resampled within itself, so every replicate keeps both classes.
    parts = [
        rng.choice(np.flatnonzero(y == label), size=(n_boot, int((y == label).sum())))
        for label in np.unique(y)
    ]
    return np.concatenate(parts, axis=1)


def bootstrap_interval(
    y_true, score, metric: Callable | None = None, n_boot: int = 1000, level: float = 0.95, seed: int = 0
) -> tuple[float, float, float]:
    """``(estimate, low, high)``: a metric on the test set and its percentile bootstrap interval.

    Test sequences are resampled with replacement within each class (``n_boot`` times); the
    interval holds the central ``level`` of the resampled metric. Default metric: :func:`auroc`.
    """
    metric = _auroc if metric is None else metric
    y_true, score = _paired(y_true, score)
    n_boot = check_positive_int(n_boot, "n_boot")
    level = check_number(level, "level", minimum=0.5, maximum=0.999)
    index = _resample_indices(len(y_true), n_boot, check_int(seed, "seed", minimum=0), y_true)
    values = np.array([metric(y_true[i], score[i]) for i in index])
    tail = (1 - level) / 2 * 100
    return (
        float(metric(y_true, score)),
        float(np.percentile(values, tail)),
        float(np.percentile(values, 100 - tail)),
    )


def paired_bootstrap(
    y_true,
    score_a,
    score_b,
    metric: Callable | None = None,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> tuple[float, float, float]:
    """``(difference, low, high)`` of ``metric(a) - metric(b)`` on the same resampled test sequences.

    Default metric: :func:`auroc`."""
    metric = _auroc if metric is None else metric
    y_true, score_a = _paired(y_true, score_a)
    _, score_b = _paired(y_true, score_b)
    level = check_number(level, "level", minimum=0.5, maximum=0.999)
    index = _resample_indices(
        len(y_true), check_positive_int(n_boot, "n_boot"), check_int(seed, "seed", minimum=0), y_true
    )
    differences = np.array([metric(y_true[i], score_a[i]) - metric(y_true[i], score_b[i]) for i in index])
    tail = (1 - level) / 2 * 100
    estimate = metric(y_true, score_a) - metric(y_true, score_b)
    return (
        float(estimate),
        float(np.percentile(differences, tail)),
        float(np.percentile(differences, 100 - tail)),
    )


def _paired(y_true, score) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y_true)
    s = np.asarray(score, dtype=np.float64).ravel()
    if y.ndim != 1 or len(y) != len(s) or len(y) < 2:
        raise fail("score", score, f"one score per label ({len(y)} labels)")
    if not set(np.unique(y)) <= {0, 1} or len(np.unique(y)) < 2:
        raise fail("y_true", y_true, "0/1 labels with both classes present")
    if not np.isfinite(s).all():
        raise fail("score", score, "finite scores (no NaN or infinity)")
    return y.astype(int), s
