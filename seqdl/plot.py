"""Figures the chapters share: sequence logos, training curves, ROC and precision-recall curves.

Colours come from the Okabe-Ito palette, which stays distinguishable with colour-blindness.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .encode import DNA_ALPHABET
from .validate import check_choice, check_known, check_matrix4, check_probability_rows, fail

OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")
# For thin lines on white: the palette without its yellow, which is hard to see there.
LINE_COLORS = tuple(color for color in OKABE_ITO if color != "#F0E442")
# One meaning for the book's two signed colours, in every chapter: blue lowers (the score, the
# probability of the positive class, class 0), vermilion raises (class 1). Effects, attributions
# and mutation maps use the diverging scale between them, white at zero (diverging_colormap).
LOWER_COLOR = OKABE_ITO[4]  # blue #0072B2
HIGHER_COLOR = OKABE_ITO[5]  # vermilion #D55E00
# Classic logo colours are red/green/blue/orange; these Okabe-Ito choices keep A and T apart
# for red-green colour-blind readers.
BASE_COLORS = {"A": "#009E73", "C": "#0072B2", "G": "#E69F00", "T": "#D55E00"}


def diverging_colormap(bad: str = "#b3b3b3"):
    """The book's signed scale: blue (lowers) -- white (no effect) -- vermilion (raises); NaN in grey."""
    from matplotlib.colors import LinearSegmentedColormap, is_color_like

    if not is_color_like(bad):
        raise fail("bad", bad, "a matplotlib colour for missing values, e.g. '#b3b3b3' or 'grey'")
    cmap = LinearSegmentedColormap.from_list("seqdl_diverging", [LOWER_COLOR, "#ffffff", HIGHER_COLOR])
    cmap.set_bad(bad)
    return cmap


def _axes(ax, figsize=(8, 2.2)):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_logo(
    matrix: np.ndarray,
    ax=None,
    title: str | None = None,
    kind: str = "information",
    ylabel: str | None = None,
    start: int = 1,
):
    """Draw a sequence logo from a ``(length, 4)`` matrix in A, C, G, T order.

    Parameters
    ----------
    matrix : numpy.ndarray, shape=(length, 4)
        ``kind="information"``: probabilities (rows sum to 1), drawn in bits.
        ``kind="weight"``: signed values such as attributions or PWM log-odds, drawn as they are
        (negative letters below the axis).
    ax : matplotlib Axes, optional
    title : str, optional
    kind : {"information", "weight"}
    ylabel : str, optional
        Default ``"information (bits)"`` or ``"weight"``; say what a weight is (e.g. an attribution).
    start : int
        Position label of the first column (1-based, as biologists count; an offset for alignments).
    """
    import logomaker
    import pandas as pd

    check_choice(kind, "kind", ("information", "weight"))
    matrix = check_matrix4(matrix, "matrix")
    frame = pd.DataFrame(matrix, columns=list(DNA_ALPHABET))
    if kind == "information":
        check_probability_rows(matrix, "matrix")  # kind="information" draws probabilities in bits
        frame = logomaker.transform_matrix(frame, from_type="probability", to_type="information")
        default = "information (bits)"
    else:
        default = "weight"
    ax = _axes(ax)
    logomaker.Logo(frame, ax=ax, color_scheme=BASE_COLORS)
    step = max(1, int(np.ceil(len(matrix) / 10)))
    ticks = np.arange(0, len(matrix), step)
    ax.set_xticks(ticks, [str(t + start) for t in ticks])  # whole positions, never 2.5, 7.5, ...
    ax.set_xlabel("position (bp)")
    ax.set_ylabel(default if ylabel is None else ylabel)
    if title:
        ax.set_title(title)
    return ax


def plot_training_curves(history: Mapping[str, list[float]] | object, metrics=("loss",), axes=None):
    """Plot training and validation curves from a Keras ``History`` (or its ``.history`` dict)."""
    import matplotlib.pyplot as plt

    logs = getattr(history, "history", history)
    if axes is None:
        _, axes = plt.subplots(1, len(metrics), figsize=(4.5 * len(metrics), 3.2), squeeze=False)
        axes = axes[0]
    for ax, metric in zip(np.atleast_1d(axes), metrics):
        if metric not in logs:
            check_known(metric, "metrics", sorted(logs), "metric of this history")
        epochs = np.arange(1, len(logs[metric]) + 1)
        ax.plot(epochs, logs[metric], color=OKABE_ITO[4], marker="o", label="training")
        if f"val_{metric}" in logs:
            ax.plot(epochs, logs[f"val_{metric}"], color=OKABE_ITO[5], marker="s", label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.legend()
    return axes


def plot_roc_pr(y_true: np.ndarray, scores: Mapping[str, np.ndarray], axes=None):
    """ROC and precision-recall curves for one or more models' scores on the same labels.

    Legends give each model's AUROC and average precision (the area under the PR curve).
    """
    import matplotlib.pyplot as plt
    from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score, roc_curve

    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 4))
    roc_ax, pr_ax = axes
    for color, (name, score) in zip(LINE_COLORS, scores.items()):
        fpr, tpr, _ = roc_curve(y_true, score)
        precision, recall, _ = precision_recall_curve(y_true, score)
        roc_ax.plot(fpr, tpr, color=color, label=f"{name} (AUROC {roc_auc_score(y_true, score):.3f})")
        pr_ax.plot(
            recall, precision, color=color, label=f"{name} (AP {average_precision_score(y_true, score):.3f})"
        )
    roc_ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label="chance")
    pr_ax.axhline(np.mean(y_true), color="grey", linestyle=":", label="chance")
    roc_ax.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC curve")
    pr_ax.set(xlabel="recall", ylabel="precision", title="Precision-recall curve")
    for ax in axes:
        ax.legend(loc="lower right" if ax is roc_ax else "lower left", fontsize="small")
    return axes
