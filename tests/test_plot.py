"""seqdl.plot: logos, training curves, ROC/PR -- drawn on the Agg backend, checked for content."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from seqdl import plot  # noqa: E402


def teardown_function():
    plt.close("all")


def test_logo_information_and_weight():
    ppm = np.array([[0.97, 0.01, 0.01, 0.01], [0.25] * 4, [0.01, 0.01, 0.01, 0.97]])
    ax = plot.plot_logo(ppm, title="test")
    assert ax.get_ylabel() == "information (bits)" and ax.get_title() == "test"
    assert 1.5 < ax.get_ylim()[1] <= 2.1  # a near-certain base is close to 2 bits tall
    ax = plot.plot_logo(np.array([[0.5, -0.2, 0, 0]]), kind="weight")
    assert ax.get_ylim()[0] < 0  # negative attribution drawn below the axis


def test_training_curves_from_history_dict():
    axes = plot.plot_training_curves(
        {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "auc": [0.6, 0.8]}, ("loss", "auc")
    )
    assert len(axes) == 2
    assert [line.get_label() for line in axes[0].get_lines()] == ["training", "validation"]


def test_roc_pr_legend_reports_auroc():
    y = np.array([0, 0, 1, 1])
    roc_ax, pr_ax = plot.plot_roc_pr(y, {"perfect": np.array([0.1, 0.2, 0.8, 0.9])})
    labels = [t.get_text() for t in roc_ax.get_legend().get_texts()]
    assert "perfect (AUROC 1.000)" in labels
    assert any("AP 1.000" in t.get_text() for t in pr_ax.get_legend().get_texts())


def test_logo_ticks_whole_positions_and_diverging_scale():
    ax = plot.plot_logo(np.full((15, 4), 0.25), start=3, ylabel="P")
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[0] == "3" and all(label.isdigit() for label in labels) and ax.get_ylabel() == "P"
    cmap = plot.diverging_colormap()
    assert np.allclose(cmap(0.5)[:3], 1, atol=0.01)  # white at zero
    assert cmap(0.0)[2] > cmap(0.0)[0] and cmap(1.0)[0] > cmap(1.0)[2]  # blue lowers, vermilion raises
    plt.close("all")
