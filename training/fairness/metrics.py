"""Decisions by group with fairlearn's MetricFrame, and bootstrap intervals around it.

Conventions: a client is *refused* when the probability of default is at or above the threshold; the positive class
is a default (TARGET = 1). So, per group: TPR is the share of defaulters refused, FPR the share of good clients
refused. The grant-rate ratio is the smallest grant rate over the largest, between groups of at least `min_group`
clients (smaller groups are shown, not judged); the equal-opportunity difference is the largest gap in the share
of good clients granted (1 - FPR), that is in FPR, between the same groups.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame

# metric name -> (French label, English label)
METRIC_LABELS = {
    "count": ("clients", "clients"),
    "refusal_rate": ("part refusée", "share refused"),
    "default_rate_granted": ("défauts parmi les accordés", "default rate among granted"),
    "tpr": ("TPR (défauts refusés)", "TPR (defaulters refused)"),
    "fpr": ("FPR (bons clients refusés)", "FPR (good clients refused)"),
    "mean_probability": ("probabilité moyenne", "mean probability"),
    "default_rate": ("taux de défaut observé", "observed default rate"),
}


def _count(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return float(len(y_true))


def _refusal_rate(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return float(np.mean(y_pred)) if len(y_pred) else math.nan


def _default_rate_granted(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    granted = np.asarray(y_pred) == 0
    return float(np.mean(np.asarray(y_true)[granted])) if granted.any() else math.nan


def _tpr(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    positives = np.asarray(y_true) == 1
    return float(np.mean(np.asarray(y_pred)[positives])) if positives.any() else math.nan


def _fpr(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    negatives = np.asarray(y_true) == 0
    return float(np.mean(np.asarray(y_pred)[negatives])) if negatives.any() else math.nan


def _mean(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return float(np.mean(y_pred)) if len(y_pred) else math.nan


DECISION_METRICS = {
    "count": _count,
    "refusal_rate": _refusal_rate,
    "default_rate_granted": _default_rate_granted,
    "tpr": _tpr,
    "fpr": _fpr,
}


@dataclass
class GroupFairness:
    """One protected attribute on one set of predictions."""

    attribute: str
    by_group: pd.DataFrame  # index group; columns metric, metric_low, metric_high
    judged: list[str]  # groups with at least min_group clients
    grant_rate_ratio: float
    grant_rate_ratio_interval: tuple[float, float]
    equal_opportunity_difference: float
    equal_opportunity_interval: tuple[float, float]
    extra: dict[str, float] = field(default_factory=dict)

    def flagged(self, ratio_min: float, eo_max: float) -> list[str]:
        out = []
        if self.grant_rate_ratio < ratio_min:
            out.append(f"grant-rate ratio {self.grant_rate_ratio:.3f} < {ratio_min:g}")
        if self.equal_opportunity_difference > eo_max:
            out.append(f"equal-opportunity difference {self.equal_opportunity_difference:.3f} > {eo_max:g}")
        return out


def group_metrics(y_true: np.ndarray, proba: np.ndarray, groups: pd.Series, threshold: float) -> pd.DataFrame:
    """Every metric by group (rows), without intervals: decisions at the threshold, then calibration columns
    (mean probability and observed default rate)."""
    y = np.asarray(y_true).astype(int)
    p = np.asarray(proba, dtype=float)
    refused = (p >= threshold).astype(int)
    sensitive = np.asarray(groups, dtype=object).astype(str)
    decisions = MetricFrame(metrics=DECISION_METRICS, y_true=y, y_pred=refused, sensitive_features=sensitive)
    probability = MetricFrame(
        metrics={"mean_probability": _mean}, y_true=y, y_pred=p, sensitive_features=sensitive
    )
    observed = MetricFrame(
        metrics={"default_rate": _mean}, y_true=y, y_pred=y.astype(float), sensitive_features=sensitive
    )
    table = pd.concat([decisions.by_group, probability.by_group, observed.by_group], axis=1)
    table.index = table.index.astype(str)
    table.index.name = "group"
    return table.astype(float)


def _counted_metrics(
    codes: np.ndarray, y: np.ndarray, refused: np.ndarray, p: np.ndarray, k: int
) -> np.ndarray:
    """The same metrics as group_metrics from per-group counts (groups x metrics, in METRIC_LABELS order): the
    bootstrap's inner step, where a MetricFrame per draw would take tens of seconds per attribute."""

    def total(weights: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(codes, weights=weights, minlength=k).astype(float)

    n = total()
    positives = total(y)
    refused_total = total(refused)
    refused_positive = total(refused * y)
    granted = n - refused_total
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.column_stack(
            [
                n,
                refused_total / n,
                (positives - refused_positive) / granted,
                refused_positive / positives,
                (refused_total - refused_positive) / (n - positives),
                total(p) / n,
                positives / n,
            ]
        )


def summarise(table: pd.DataFrame, min_group: int) -> tuple[list[str], float, float]:
    """(judged groups, grant-rate ratio, equal-opportunity difference) of one by-group table."""
    judged = [g for g in table.index if table.loc[g, "count"] >= min_group and g != "unknown"]
    if len(judged) < 2:
        return judged, math.nan, math.nan
    grant = 1.0 - table.loc[judged, "refusal_rate"]
    fpr = table.loc[judged, "fpr"].dropna()
    ratio = float(grant.min() / grant.max()) if grant.max() > 0 else math.nan
    gap = float(fpr.max() - fpr.min()) if len(fpr) >= 2 else math.nan
    return judged, ratio, gap


def fairness_by_group(
    attribute: str,
    y_true: np.ndarray,
    proba: np.ndarray,
    groups: pd.Series,
    threshold: float,
    min_group: int,
    n_boot: int = 200,
    seed: int = 0,
) -> GroupFairness:
    """Metrics by group (fairlearn MetricFrame) with 95% bootstrap intervals: clients resampled with replacement,
    the same draws for every metric, the ratio and the gap."""
    y = np.asarray(y_true).astype(int)
    p = np.asarray(proba, dtype=float)
    g = np.asarray(groups, dtype=object).astype(str)
    table = group_metrics(y, p, pd.Series(g), threshold)
    judged, ratio, gap = summarise(table, min_group)
    names = list(METRIC_LABELS)
    codes = pd.Categorical(g, categories=list(table.index)).codes.astype(np.intp)
    refused = (p >= threshold).astype(float)
    position = [list(table.index).index(j) for j in judged]
    rng = np.random.default_rng(seed)
    draws, ratios, gaps = [], [], []
    for _ in range(n_boot):
        idx = rng.integers(0, len(y), len(y))
        values = _counted_metrics(codes[idx], y[idx].astype(float), refused[idx], p[idx], len(table))
        draws.append(values)
        grant = 1.0 - values[position, names.index("refusal_rate")]
        fpr = values[position, names.index("fpr")]
        fpr = fpr[np.isfinite(fpr)]
        ratios.append(
            float(grant.min() / grant.max()) if len(position) >= 2 and grant.max() > 0 else math.nan
        )
        gaps.append(float(fpr.max() - fpr.min()) if len(fpr) >= 2 else math.nan)
    out = table[names].copy()
    if draws:
        stacked = np.stack(draws)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a group absent from a draw: NaN, left out
            low = np.nanquantile(stacked, 0.025, axis=0)
            high = np.nanquantile(stacked, 0.975, axis=0)
        for j, name in enumerate(names):
            if name == "count":
                continue
            out[f"{name}_low"] = low[:, j]
            out[f"{name}_high"] = high[:, j]
    return GroupFairness(
        attribute=attribute,
        by_group=out,
        judged=judged,
        grant_rate_ratio=ratio,
        grant_rate_ratio_interval=_interval(ratios),
        equal_opportunity_difference=gap,
        equal_opportunity_interval=_interval(gaps),
    )


def _interval(values: list[float]) -> tuple[float, float]:
    finite = np.asarray([v for v in values if math.isfinite(v)])
    if finite.size == 0:
        return (math.nan, math.nan)
    return (float(np.quantile(finite, 0.025)), float(np.quantile(finite, 0.975)))
