"""The selection procedure, in the order a reviewer expects:

1. hold out a stratified split (touched once, at the end);
2. compare every family under both imbalance methods, with the same stratified folds (on a stratified sample of
   the development split when it is larger than the budget's `search_clients`);
3. search each family's parameters (first pass), then refine around the best of the served family;
4. choose the threshold on the served candidate's out-of-fold predictions;
5. fit on the whole development split and measure the held-out split once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from training.selection import search
from training.selection.cost import CostMatrix
from training.selection.crossval import (
    IMBALANCE_METHODS,
    NO_IMBALANCE,
    CVResult,
    Folds,
    check_positives,
    cross_validate,
    holdout_split,
    make_folds,
    search_sample,
    undersample,
)
from training.selection.guards import GuardReport, assert_target_absent, run_guards, single_feature_auc
from training.selection.metrics import fold_metrics, metrics_at, safe_auc
from training.selection.models import FAMILIES, SERVED_FAMILY, build_model, prepare_frame
from training.selection.profiles import Budget


@dataclass
class SelectionResult:
    chosen: CVResult
    model: Any  # the served family fitted on the whole development split
    comparison: pd.DataFrame  # one row per evaluated configuration, best per (family, imbalance, stage)
    results: list[tuple[str, CVResult]]  # (stage, result) for every evaluated candidate
    holdout: dict[str, dict[str, float]]  # "at_0.5" / "at_threshold" -> metrics on the held-out split
    cv_spread: dict[str, dict[str, tuple[float, float]]]  # same keys -> (mean, std) across folds
    guards: GuardReport
    feature_aucs: pd.Series
    x_cv: pd.DataFrame  # the development clients cross-validated (OOF predictions are aligned on them)
    y_cv: pd.Series
    n_dev: int  # development clients the final model was fitted on (x_cv is all of them or a sample)
    x_holdout: pd.DataFrame
    y_holdout: pd.Series
    holdout_proba: np.ndarray
    folds: Folds
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def threshold(self) -> float:
        return self.chosen.threshold.threshold


def comparison_row(stage: str, result: CVResult, y: np.ndarray, folds: Folds, costs: CostMatrix) -> dict:
    at_half = fold_metrics(y, result.oof, folds.validation, 0.5, costs)
    at_thr = fold_metrics(y, result.oof, folds.validation, result.threshold.threshold, costs)
    return {
        "stage": stage,
        "model": result.family,
        "imbalance": result.imbalance,
        "cv_auc": at_half["auc"][0],
        "cv_auc_std": at_half["auc"][1],
        "train_auc": float(np.nanmean(result.train_auc)),
        "cost_at_0.5": at_half["cost"][0],
        "cost_at_0.5_std": at_half["cost"][1],
        "threshold": result.threshold.threshold,
        "cost_at_threshold": at_thr["cost"][0],
        "cost_at_threshold_std": at_thr["cost"][1],
        "accuracy": at_thr["accuracy"][0],
        "precision": at_thr["precision"][0],
        "recall": at_thr["recall"][0],
        "recall_std": at_thr["recall"][1],
        "fit_seconds": result.fit_seconds,
        "params": result.params,
    }


def select_model(
    features: pd.DataFrame,
    target: pd.Series,
    categorical: list[str],
    budget: Budget,
    costs: CostMatrix,
    seed: int,
    test_size: float,
    progress: bool = True,
    on_result: Callable[[str, CVResult], None] | None = None,
) -> SelectionResult:
    assert_target_absent(features, target)
    check_positives(target, budget.n_folds, test_size)
    frame = prepare_frame(features, categorical)
    x_dev, x_hold, y_dev, y_hold = holdout_split(frame, target.astype(int), test_size, seed)
    x_cv, y_cv = search_sample(x_dev, y_dev, budget.search_clients, seed)
    folds = make_folds(y_cv, budget.n_folds, seed)
    y = y_cv.to_numpy()
    boosting = {"catboost": "iterations", "random_forest": "n_estimators"}
    trees = {"catboost": budget.boosting_iterations, "random_forest": budget.forest_trees}

    def evaluate(family: str, imbalance: str, params: dict[str, Any]) -> CVResult:
        full = dict(params)
        if family in boosting:
            full[boosting[family]] = trees[family]
        return cross_validate(family, full, imbalance, x_cv, y_cv, folds, categorical, costs, seed)

    families = list(FAMILIES)
    total = 1 + 2 * (len(families) - 1) + (budget.first_pass - 1) * (len(families) - 1) + budget.refine
    bar = tqdm(total=total, desc="model selection", unit="fit", disable=not progress)
    results: list[tuple[str, CVResult]] = []

    def record(stage: str, result: CVResult) -> None:
        results.append((stage, result))
        bar.set_postfix_str(f"{result.label} cost={result.threshold.cost:.3f} auc={result.cv_auc:.3f}")
        bar.update(1)
        if on_result is not None:
            on_result(stage, result)

    # 2. every family, both imbalance methods, default parameters (the dummy needs no imbalance handling)
    best_method: dict[str, str] = {}
    for family in families:
        methods = (NO_IMBALANCE,) if family == "dummy" else IMBALANCE_METHODS
        scored = []
        for method in methods:
            result = evaluate(family, method, search.DEFAULTS[family])
            record("baseline", result)
            scored.append(result)
        best_method[family] = min(scored, key=search.objective).imbalance

    # 3a. first pass: random candidates for every family, with its better imbalance method
    best_params: dict[str, dict[str, Any]] = {f: dict(search.DEFAULTS[f]) for f in families}
    for i, family in enumerate(families):
        extra = search.candidates(family, budget.first_pass, seed + 100 * i)[1:]
        search.run_search(
            family,
            extra,
            functools.partial(evaluate, family, best_method[family]),
            functools.partial(record, "search"),
        )
        pool = [r for _, r in results if r.family == family and r.imbalance == best_method[family]]
        best_params[family] = min(pool, key=search.objective).params

    # 3b. refinement around the best candidate of the served family
    start = {k: v for k, v in best_params[SERVED_FAMILY].items() if k != boosting[SERVED_FAMILY]}
    search.run_search(
        SERVED_FAMILY,
        search.candidates(SERVED_FAMILY, budget.refine, seed + 999, around=start),
        lambda p: evaluate(SERVED_FAMILY, best_method[SERVED_FAMILY], p),
        lambda r: record("refine", r),
    )
    bar.close()

    # 4. the chosen candidate and its out-of-fold threshold
    served = [r for _, r in results if r.family == SERVED_FAMILY]
    chosen = min(served, key=lambda r: (search.objective(r), -r.cv_auc))

    # 5. final fit on the development split, one look at the held-out split
    numeric = [c for c in x_dev.columns if c not in categorical]
    y_fit = y_dev.to_numpy()
    fit_idx = np.arange(len(y_fit))
    if chosen.imbalance == "undersample":
        fit_idx = undersample(fit_idx, y_fit, 1.0, seed)
    model = build_model(SERVED_FAMILY, chosen.params, numeric, categorical, chosen.imbalance, seed)
    model.fit(x_dev.iloc[fit_idx], y_fit[fit_idx])
    train_auc = safe_auc(y_fit, model.predict_proba(x_dev)[:, 1])
    hold_proba = model.predict_proba(x_hold)[:, 1]
    y_h = y_hold.to_numpy()
    holdout = {
        "at_0.5": metrics_at(y_h, hold_proba, 0.5, costs),
        "at_threshold": metrics_at(y_h, hold_proba, chosen.threshold.threshold, costs),
    }
    cv_spread = {
        "at_0.5": fold_metrics(y, chosen.oof, folds.validation, 0.5, costs),
        "at_threshold": fold_metrics(y, chosen.oof, folds.validation, chosen.threshold.threshold, costs),
    }
    feature_aucs = single_feature_auc(x_cv, y_cv, categorical)
    guards = run_guards(train_auc, chosen.cv_auc, holdout["at_threshold"]["auc"], feature_aucs)
    comparison = _comparison(results, y, folds, costs)
    return SelectionResult(
        chosen=chosen,
        model=model,
        comparison=comparison,
        results=results,
        holdout=holdout,
        cv_spread=cv_spread,
        guards=guards,
        feature_aucs=feature_aucs,
        x_cv=x_cv,
        y_cv=y_cv,
        n_dev=len(y_dev),
        x_holdout=x_hold,
        y_holdout=y_hold,
        holdout_proba=hold_proba,
        folds=folds,
        extra={"best_imbalance": best_method, "best_params": best_params},
    )


def _comparison(
    results: list[tuple[str, CVResult]], y: np.ndarray, folds: Folds, costs: CostMatrix
) -> pd.DataFrame:
    """The best candidate of each (family, imbalance method), from simplest to most complex family."""
    best: dict[tuple[str, str], tuple[str, CVResult]] = {}
    for stage, result in results:
        key = (result.family, result.imbalance)
        if key not in best or search.objective(result) < search.objective(best[key][1]):
            best[key] = (stage, result)
    order = list(FAMILIES)
    rows = [comparison_row(stage, r, y, folds, costs) for stage, r in best.values()]
    table = pd.DataFrame(rows)
    table["_order"] = table["model"].map(order.index)
    return table.sort_values(["_order", "imbalance"]).drop(columns="_order").reset_index(drop=True)
