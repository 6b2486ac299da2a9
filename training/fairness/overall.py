"""Held-out figures of the whole model with bootstrap intervals (the model card's metrics with their intervals)."""

from __future__ import annotations

import numpy as np

from training.selection.cost import CostMatrix
from training.selection.metrics import metrics_at


def holdout_intervals(
    y: np.ndarray, proba: np.ndarray, threshold: float, costs: CostMatrix, n_boot: int, seed: int
) -> dict[str, list[float]]:
    """metric -> [value, 2.5 % quantile, 97.5 % quantile] over clients resampled with replacement."""
    y = np.asarray(y).astype(int)
    p = np.asarray(proba, dtype=float)

    def figures(yy: np.ndarray, pp: np.ndarray) -> dict[str, float]:
        out = metrics_at(yy, pp, threshold, costs)
        out["refusal_rate"] = float(np.mean(pp >= threshold))
        return out

    point = figures(y, p)
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(n_boot):
        idx = rng.integers(0, len(y), len(y))
        draws.append(figures(y[idx], p[idx]))
    out = {}
    for name, value in point.items():
        values = np.asarray([d[name] for d in draws], dtype=float)
        values = values[np.isfinite(values)]
        low, high = np.quantile(values, [0.025, 0.975]) if values.size else (np.nan, np.nan)
        out[name] = [float(value), float(low), float(high)]
    return out
