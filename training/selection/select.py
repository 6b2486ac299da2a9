"""The selection procedure, in the order a reviewer expects:

1. hold out a stratified split (touched once, at the end);
2. build repeated stratified folds on the development split (or a stratified sample of it), the same for every
   candidate; feature selection is fitted inside each fold;
3. the application-only baseline: a regularised CatBoost on the application table's features alone;
4. the compared families (dummy, linear, random forest) with their defaults under each imbalance method, then a
   short search of each, the best judged on every repeat;
5. the served family (CatBoost): successive halving over a regularised space, with early stopping;
6. the choice: the lowest cost among the CatBoost candidates whose train-CV AUC gap stays under the over-fit limit
   (the over-fit guard acts on the choice), and what its monotone constraints cost;
7. calibration (Platt or isotonic, chosen by cross-fitted Brier score) on its out-of-fold predictions, and the
   threshold on the calibrated scale;
8. paired comparisons with the application-only baseline on the same folds;
9. fit on the whole development split and measure the held-out split once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from training.features.application import application_feature_names
from training.features.monotone import constraints_for
from training.features.protected import Policy, load_policy
from training.selection import search
from training.selection.calibration import CalibrationChoice, brier, choose_calibration
from training.selection.cost import CostMatrix, best_threshold
from training.selection.crossval import (
    IMBALANCE_METHODS,
    NO_IMBALANCE,
    CVResult,
    EarlyStopping,
    check_positives,
    cross_validate,
    holdout_split,
    search_sample,
    undersample,
)
from training.selection.fold_selection import FoldColumns, SelectionRule, select_features
from training.selection.folds import (
    Estimate,
    PairedComparison,
    RepeatedFolds,
    corrected_interval,
    make_repeated_folds,
    paired,
    test_share,
)
from training.selection.guards import (
    OVERFIT_GAP,
    GuardReport,
    assert_target_absent,
    run_guards,
    single_feature_auc,
)
from training.selection.metrics import metrics_at, safe_auc
from training.selection.models import FAMILIES, SERVED_FAMILY, build_model, prepare_frame
from training.selection.profiles import Budget
from training.selection.summary import comparison_table, fold_spread

BASELINE = "application-only baseline"


@dataclass
class SelectionResult:
    chosen: CVResult
    model: Any  # the served family fitted on the whole development split
    comparison: pd.DataFrame  # one row per compared configuration, with intervals and the paired comparison
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
    holdout_proba: np.ndarray  # calibrated
    folds: RepeatedFolds
    baseline: CVResult  # CatBoost on the application table alone, same folds
    calibration: CalibrationChoice
    threshold_choice: float  # on the calibrated scale
    estimates: dict[str, Estimate]  # chosen model: cv_auc, cv_cost, cv_brier with their intervals
    versus_baseline: dict[str, PairedComparison]  # chosen minus baseline: "auc", "cost"
    monotone_cost: dict[str, PairedComparison]  # constrained minus unconstrained: "auc", "cost"
    final_trees: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def threshold(self) -> float:
        return self.threshold_choice

    @property
    def calibrated_oof(self) -> np.ndarray:
        """The chosen model's out-of-fold predictions, calibrated by maps that never saw their fold, averaged."""
        return np.asarray(np.nanmean(self.calibration.crossfit, axis=0))

    @property
    def beats_baseline(self) -> bool:
        return self.estimates["cv_cost"].mean < self.baseline.cv_cost


def _feature_sets(frame: pd.DataFrame) -> dict[str, list[str]]:
    application = set(application_feature_names())
    return {
        "all": list(frame.columns),
        "application": [c for c in frame.columns if c in application],
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
    rule: SelectionRule | None = None,
    policy: Policy | None = None,
) -> SelectionResult:
    assert_target_absent(features, target)
    # a feature list that breaks the protected-attribute policy (the declared file unless another is given) is refused
    (policy or load_policy()).enforce([str(c) for c in features.columns])
    check_positives(target, budget.n_folds, test_size)
    rule = rule or SelectionRule()
    frame = prepare_frame(features, categorical)
    x_dev, x_hold, y_dev, y_hold = holdout_split(frame, target.astype(int), test_size, seed)
    x_cv, y_cv = search_sample(x_dev, y_dev, budget.search_clients, seed)
    folds = make_repeated_folds(y_cv, budget.n_folds, budget.repeats, seed)
    y = y_cv.to_numpy()
    feature_sets = _feature_sets(frame)
    if not feature_sets["application"]:  # frames without application columns (unit tests): everything
        feature_sets["application"] = feature_sets["all"]
    columns = FoldColumns(x_cv, y, folds, categorical, feature_sets, rule, seed)
    for name in feature_sets:  # once per fold and feature set, before any candidate (timings stay comparable)
        for k in range(len(folds)):
            columns.columns(name, k)
    early = EarlyStopping()
    trees = {"catboost": budget.boosting_iterations, "random_forest": budget.forest_trees}
    size = {"catboost": "iterations", "random_forest": "n_estimators"}

    def evaluate(
        family: str,
        imbalance: str,
        params: dict[str, Any],
        repeats: int | None = None,
        previous: CVResult | None = None,
        feature_set: str = "all",
        monotone: bool = True,
    ) -> CVResult:
        full = dict(params)
        if family in size:
            full[size[family]] = trees[family]
        result = cross_validate(
            family,
            full,
            imbalance,
            x_cv,
            y,
            folds,
            categorical,
            costs,
            seed,
            columns=columns,
            feature_set=feature_set,
            monotone=monotone,
            early=early,
            repeats=repeats,
            previous=previous,
        )
        result.params = dict(params)
        return result

    compared = [f for f in FAMILIES if f != SERVED_FAMILY]
    total = (
        1
        + sum(1 if f == "dummy" else 2 for f in FAMILIES)
        + (budget.first_pass - 1) * (len(compared) - 1)
        + (budget.candidates - 1)
        + budget.promoted
        + 1
    )
    bar = tqdm(total=total, desc="model selection", unit="candidate", disable=not progress)
    results: list[tuple[str, CVResult]] = []

    def record(stage: str, result: CVResult) -> CVResult:
        results.append((stage, result))
        bar.set_postfix_str(f"{result.label} cost={result.cv_cost:.3f} auc={result.cv_auc:.3f}")
        bar.update(1)
        if on_result is not None:
            on_result(stage, result)
        return result

    # 3. the application-only baseline, on every repeat
    cb_defaults = search.DEFAULTS[SERVED_FAMILY]
    baseline = record(
        BASELINE, evaluate(SERVED_FAMILY, "class_weight", cb_defaults, feature_set="application")
    )

    # 4. the compared families: imbalance methods on the first repeat, a short search, the best on every repeat
    best: dict[str, CVResult] = {}
    for i, family in enumerate(FAMILIES):
        methods = (NO_IMBALANCE,) if family == "dummy" else IMBALANCE_METHODS
        scored = [
            record("baseline", evaluate(family, m, search.DEFAULTS[family], repeats=1)) for m in methods
        ]
        method = min(scored, key=search.rank_key).imbalance
        if family == SERVED_FAMILY:
            best[family] = min(scored, key=search.rank_key)
            continue
        pool = [r for r in scored if r.imbalance == method]
        for params in search.candidates(family, budget.first_pass, seed + 100 * i)[1:]:
            pool.append(record("search", evaluate(family, method, params, repeats=1)))
        winner = min(pool, key=search.rank_key)
        best[family] = evaluate(family, method, winner.params, previous=winner)
        results.append(("search (every repeat)", best[family]))

    # 5. CatBoost: successive halving over the regularised space (first repeat, then every repeat for the best)
    method = best[SERVED_FAMILY].imbalance
    rung = [
        r
        for _, r in results
        if r.family == SERVED_FAMILY and r.imbalance == method and r.feature_set == "all"
    ]
    for params in search.candidates(SERVED_FAMILY, budget.candidates, seed + 999)[1:]:
        rung.append(record("search", evaluate(SERVED_FAMILY, method, params, repeats=1)))
    promoted = sorted(rung, key=search.rank_key)[: max(budget.promoted, 1)]
    finalists = [
        record("search (every repeat)", evaluate(SERVED_FAMILY, method, r.params, previous=r))
        for r in promoted
    ]

    # 6. the choice, with the over-fit guard acting on it
    within = [r for r in finalists if r.overfit_gap <= OVERFIT_GAP]
    chosen = min(within, key=search.rank_key) if within else min(finalists, key=lambda r: r.overfit_gap)
    guard_note = (
        f"{len(finalists) - len(within)} of {len(finalists)} finalists over-fitted (train-CV AUC gap above "
        f"{OVERFIT_GAP:.2f}) and could not be chosen"
        if within
        else f"every finalist over-fitted (train-CV AUC gap above {OVERFIT_GAP:.2f}): the least over-fitted is chosen"
    )
    free = record(
        "monotone constraints lifted", evaluate(SERVED_FAMILY, method, chosen.params, monotone=False)
    )
    bar.close()
    best[SERVED_FAMILY] = chosen

    # 7. calibration on the chosen model's out-of-fold predictions, threshold on the calibrated scale
    calibration = choose_calibration(chosen.oof_repeats, y, folds)
    pooled = calibration.calibration.apply(chosen.oof_repeats.reshape(-1))
    threshold = best_threshold(np.tile(y, chosen.repeats), pooled, costs)
    share = test_share(folds)
    fold_brier = [brier(y[f.validation], calibration.crossfit[f.repeat, f.validation]) for f in folds]
    estimates = {
        "cv_auc": corrected_interval(chosen.fold_auc, share),
        # a non-decreasing map moves every threshold with the scores: the cost at a threshold each fold did not see
        # is the same on either scale (up to the ties of an isotonic map), so it is read on the raw scores
        "cv_cost": corrected_interval(chosen.fold_cost, share),
        "cv_brier": corrected_interval(fold_brier, share),
        "train_auc": corrected_interval(chosen.train_auc, share),
    }

    # 8. paired comparisons on the same folds
    versus = {
        "auc": paired("auc", chosen.fold_auc, baseline.fold_auc, folds),
        "cost": paired("cost", chosen.fold_cost, baseline.fold_cost, folds),
    }
    monotone_cost = {
        "auc": paired("auc", chosen.fold_auc, free.fold_auc, folds),
        "cost": paired("cost", chosen.fold_cost, free.fold_cost, folds),
    }

    # 9. final fit on the development split (selection repeated on it), one look at the held-out split
    final_trees = (
        int(np.median(chosen.best_iterations)) if chosen.best_iterations else budget.boosting_iterations
    )
    y_fit = y_dev.to_numpy()
    kept = select_features(x_dev, y_fit, categorical, rule, seed)
    cats = [c for c in kept if c in categorical]
    numeric = [c for c in kept if c not in categorical]
    fit_idx = np.arange(len(y_fit))
    if chosen.imbalance == "undersample":
        fit_idx = undersample(fit_idx, y_fit, 1.0, seed)
    params = dict(chosen.params, iterations=max(final_trees, 1))
    model = build_model(
        SERVED_FAMILY, params, numeric, cats, chosen.imbalance, seed, constraints_for(numeric)
    )
    model.fit(x_dev.iloc[fit_idx][kept], y_fit[fit_idx])
    train_auc = safe_auc(y_fit, model.predict_proba(x_dev[kept])[:, 1])
    hold_proba = calibration.calibration.apply(model.predict_proba(x_hold[kept])[:, 1])
    y_h = y_hold.to_numpy()
    holdout = {
        "at_0.5": metrics_at(y_h, hold_proba, 0.5, costs),
        "at_threshold": metrics_at(y_h, hold_proba, threshold.threshold, costs),
    }
    holdout["at_threshold"]["brier"] = brier(y_h, hold_proba)
    cv_spread = {
        "at_0.5": fold_spread(y, calibration.crossfit, folds, 0.5, costs),
        "at_threshold": fold_spread(y, calibration.crossfit, folds, threshold.threshold, costs),
    }
    feature_aucs = single_feature_auc(x_cv, y_cv, categorical)
    guards = run_guards(train_auc, chosen.cv_auc, holdout["at_threshold"]["auc"], feature_aucs)
    guards.warnings.insert(0, f"Over-fit guard: {guard_note}.")
    comparison = comparison_table(results, best, baseline, chosen, free, y, folds, costs)
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
        baseline=baseline,
        calibration=calibration,
        threshold_choice=threshold.threshold,
        estimates=estimates,
        versus_baseline=versus,
        monotone_cost=monotone_cost,
        final_trees=final_trees,
        extra={
            "best_imbalance": {f: r.imbalance for f, r in best.items()},
            "best_params": {f: r.params for f, r in best.items()},
            "guard": guard_note,
            "features_kept": len(kept),
            "fold_features_kept": columns.kept_counts("all"),
            "threshold_cost": threshold.cost,
        },
    )
