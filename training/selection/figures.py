"""Figures logged with every run: ROC and precision-recall curves, cost against threshold, confusion matrices,
global SHAP importance. Pure functions from arrays to a saved PNG file (matplotlib, no display needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix, precision_recall_curve, roc_curve

from training.selection.cost import CostMatrix, cost_curve


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def roc_pr_figure(curves: dict[str, tuple[np.ndarray, np.ndarray]], path: Path) -> Path:
    """ROC and precision-recall curves of several models (name -> (y_true, proba)) side by side."""
    plt = _pyplot()
    fig, (roc_ax, pr_ax) = plt.subplots(1, 2, figsize=(11, 4.5))
    for name, (y, p) in curves.items():
        fpr, tpr, _ = roc_curve(y, p)
        precision, recall, _ = precision_recall_curve(y, p)
        roc_ax.plot(fpr, tpr, label=name)
        pr_ax.plot(recall, precision, label=name)
    roc_ax.plot([0, 1], [0, 1], ls=":", color="grey")
    roc_ax.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC (out-of-fold)")
    pr_ax.set(xlabel="recall", ylabel="precision", title="Precision-recall (out-of-fold)")
    roc_ax.legend(fontsize=7)
    pr_ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def cost_figure(y: np.ndarray, proba: np.ndarray, threshold: float, costs: CostMatrix, path: Path) -> Path:
    plt = _pyplot()
    thresholds, cost = cost_curve(y, proba, costs)
    fig, ax = plt.subplots(figsize=(6.5, 4))
    ax.plot(thresholds, cost)
    ax.axvline(threshold, ls="--", color="red", label=f"chosen threshold {threshold:.3f}")
    ax.axvline(0.5, ls=":", color="grey", label="0.5")
    ax.set(
        xlabel="threshold (refuse when probability >= threshold)",
        ylabel=f"cost per applicant ({costs.fn:g}·FN + {costs.fp:g}·FP) / n",
        title="Business cost against threshold (out-of-fold)",
        xlim=(0, 1),
    )
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def confusion_figure(y: np.ndarray, proba: np.ndarray, thresholds: dict[str, float], path: Path) -> Path:
    """One confusion matrix per named threshold (rows: truth, columns: decision)."""
    plt = _pyplot()
    fig, axes = plt.subplots(1, len(thresholds), figsize=(4.2 * len(thresholds), 3.8))
    for ax, (name, t) in zip(np.atleast_1d(axes), thresholds.items(), strict=True):
        matrix = confusion_matrix(
            np.asarray(y).astype(int), (np.asarray(proba) >= t).astype(int), labels=[0, 1]
        )
        ax.imshow(matrix, cmap="Blues")
        dark = matrix.max() / 2  # white figures on the dark cells, black on the light ones
        for (i, j), value in np.ndenumerate(matrix):
            colour = "white" if value > dark else "black"
            ax.text(j, i, f"{value:,}", ha="center", va="center", color=colour, fontsize=11)
        ax.set(
            xticks=[0, 1],
            yticks=[0, 1],
            xticklabels=["granted", "refused"],
            yticklabels=["repaid", "default"],
            title=f"{name} (t={t:.3f})",
        )
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def importance_figure(importance: pd.Series, path: Path, top: int = 20) -> Path:
    plt = _pyplot()
    head = importance.head(top)[::-1]
    fig, ax = plt.subplots(figsize=(7, 0.3 * len(head) + 1.2))
    ax.barh(head.index, head.to_numpy())
    ax.set(xlabel="mean |SHAP| (log-odds)", title="Global importance")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def reliability_figure(curves: dict[str, tuple[np.ndarray, np.ndarray]], path: Path, bins: int = 10) -> Path:
    """Reliability curve: mean predicted probability against the observed default rate, per decile of the
    predictions (name -> (y_true, proba)); a calibrated model follows the diagonal."""
    from training.selection.calibration import reliability_table

    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 5))
    top = 0.0
    for name, (y, p) in curves.items():
        table = reliability_table(y, p, bins)
        predicted = [r[0] for r in table]
        observed = [r[1] for r in table]
        top = max(top, *predicted, *observed)
        ax.plot(predicted, observed, marker="o", label=name)
    top = min(1.0, top * 1.05 + 0.01)
    ax.plot([0, top], [0, top], ls=":", color="grey", label="perfect calibration")
    ax.set(
        xlim=(0, top),
        ylim=(0, top),
        xlabel="mean predicted probability (decile)",
        ylabel="observed default rate",
        title="Reliability",
    )
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path
