"""Classification metrics at a decision threshold, for one set of predictions or per fold with their spread."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import accuracy_score, precision_score, recall_score, roc_auc_score

from training.selection.cost import CostMatrix, business_cost

METRIC_NAMES = ("auc", "accuracy", "precision", "recall", "cost")
DEFAULT_COSTS = CostMatrix()


def safe_auc(y_true: np.ndarray, proba: np.ndarray) -> float:
    """ROC AUC, or NaN when only one class is present (a fold too small to say anything)."""
    y = np.asarray(y_true)
    if np.unique(y).size < 2:
        return float("nan")
    return float(roc_auc_score(y, proba))


def metrics_at(
    y_true: np.ndarray, proba: np.ndarray, threshold: float, costs: CostMatrix = DEFAULT_COSTS
) -> dict[str, float]:
    """AUC (threshold-free) and accuracy, precision, recall, cost per applicant when refusing at proba >= threshold."""
    y = np.asarray(y_true).astype(int)
    p = np.asarray(proba, dtype=float)
    refused = (p >= threshold).astype(int)
    return {
        "auc": safe_auc(y, p),
        "accuracy": float(accuracy_score(y, refused)),
        "precision": float(precision_score(y, refused, zero_division=0)),
        "recall": float(recall_score(y, refused, zero_division=0)),
        "cost": business_cost(y, p, threshold, costs),
    }


def fold_metrics(
    y_true: np.ndarray,
    proba: np.ndarray,
    folds: Sequence[np.ndarray],
    threshold: float,
    costs: CostMatrix = DEFAULT_COSTS,
) -> dict[str, tuple[float, float]]:
    """Mean and standard deviation across folds of each metric, each fold scored on its own validation part."""
    per_fold = [metrics_at(y_true[idx], proba[idx], threshold, costs) for idx in folds]
    return {
        name: (float(np.nanmean([m[name] for m in per_fold])), float(np.nanstd([m[name] for m in per_fold])))
        for name in METRIC_NAMES
    }
