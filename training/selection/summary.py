"""The comparison table of a selection: one row per compared configuration, judged on the same repeated folds,
with the mean and corrected interval of AUC and cost, and the paired difference with the application-only
baseline. Costs are at a threshold each fold did not see (chosen on the other folds of its repeat)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from training.selection.cost import CostMatrix
from training.selection.crossval import CVResult
from training.selection.folds import RepeatedFolds, corrected_interval, paired, test_share
from training.selection.metrics import METRIC_NAMES, metrics_at
from training.selection.models import FAMILIES


def fold_spread(
    y: np.ndarray, oof_repeats: np.ndarray, folds: RepeatedFolds, threshold: float, costs: CostMatrix
) -> dict[str, tuple[float, float]]:
    """Mean and standard deviation across the folds of every repeat, each fold on its own validation rows."""
    per_fold = [
        metrics_at(y[f.validation], oof_repeats[f.repeat, f.validation], threshold, costs)
        for f in folds.of_repeats(oof_repeats.shape[0])
    ]
    return {
        name: (float(np.nanmean([m[name] for m in per_fold])), float(np.nanstd([m[name] for m in per_fold])))
        for name in METRIC_NAMES
    }


def comparison_row(
    stage: str, result: CVResult, baseline: CVResult, y: np.ndarray, folds: RepeatedFolds, costs: CostMatrix
) -> dict:
    share = test_share(folds)
    used = folds.of_repeats(result.repeats)
    at_half = [
        metrics_at(y[f.validation], result.oof_repeats[f.repeat, f.validation], 0.5, costs) for f in used
    ]
    at_thr = fold_spread(y, result.oof_repeats, folds, result.threshold.threshold, costs)
    auc = corrected_interval(result.fold_auc, share)
    cost = corrected_interval(result.fold_cost, share)
    d_auc = paired("auc", result.fold_auc, baseline.fold_auc, folds).difference
    d_cost = paired("cost", result.fold_cost, baseline.fold_cost, folds).difference
    half_costs = [m["cost"] for m in at_half]
    return {
        "stage": stage,
        "model": result.family,
        "imbalance": result.imbalance,
        "features": result.feature_set,
        "monotone": result.monotone,
        "folds": len(result.fold_auc),
        "cv_auc": auc.mean,
        "cv_auc_low": auc.low,
        "cv_auc_high": auc.high,
        "cv_auc_std": float(np.nanstd(result.fold_auc)),
        "train_auc": float(np.nanmean(result.train_auc)),
        "overfit_gap": result.overfit_gap,
        "cost_at_0.5": float(np.mean(half_costs)),
        "cost_at_0.5_std": float(np.std(half_costs)),
        "threshold": result.threshold.threshold,
        "cost_at_threshold": cost.mean,
        "cost_low": cost.low,
        "cost_high": cost.high,
        "cost_at_threshold_std": float(np.nanstd(result.fold_cost)),
        "auc_vs_baseline": d_auc.mean,
        "auc_vs_baseline_low": d_auc.low,
        "auc_vs_baseline_high": d_auc.high,
        "cost_vs_baseline": d_cost.mean,
        "cost_vs_baseline_low": d_cost.low,
        "cost_vs_baseline_high": d_cost.high,
        "accuracy": at_thr["accuracy"][0],
        "precision": at_thr["precision"][0],
        "recall": at_thr["recall"][0],
        "recall_std": at_thr["recall"][1],
        "fit_seconds": result.fit_seconds,
        "params": result.params,
    }


def comparison_table(
    results: list[tuple[str, CVResult]],
    best: dict[str, CVResult],
    baseline: CVResult,
    chosen: CVResult,
    unconstrained: CVResult,
    y: np.ndarray,
    folds: RepeatedFolds,
    costs: CostMatrix,
) -> pd.DataFrame:
    """The best of each family on every repeat (the served family: the chosen candidate), the chosen model without
    its monotone constraints, and the application-only baseline; simplest family first, baseline last."""
    stage_of = {id(r): s for s, r in results}
    rows = [
        comparison_row(stage_of.get(id(best[f]), "search"), best[f], baseline, y, folds, costs)
        for f in FAMILIES
    ]
    rows.append(comparison_row("monotone constraints lifted", unconstrained, baseline, y, folds, costs))
    rows.append(comparison_row("application-only baseline", baseline, baseline, y, folds, costs))
    table = pd.DataFrame(rows)
    table["chosen"] = [False] * len(FAMILIES) + [False, False]
    table.loc[list(FAMILIES).index(chosen.family), "chosen"] = True
    return table.reset_index(drop=True)
