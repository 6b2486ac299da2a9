"""The selection procedure, in the order a reviewer expects:

1. hold out a stratified split (touched once, at the end);
2. build repeated stratified folds on the development split (or a stratified sample of it), the same for every
   candidate; feature selection is fitted inside each fold;
3. the application-only baseline: a regularised CatBoost on the application table's features alone;
4. the compared families (dummy, linear, random forest) with their defaults under each imbalance method, then a
   short search of each, the best judged on every repeat;
5. the served family (CatBoost): its class weighting (balanced or its square root) chosen on every repeat, then
   successive halving over a space regularised for a small sample, with early stopping;
6. the choice among the CatBoost finalists whose train-CV AUC gap stays under the over-fit limit (the over-fit guard
   acts on the choice): the cheapest, unless others cost no more than one standard error of the paired difference
   above it, then the highest AUC among those; and what its monotone constraints cost;
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
from training.selection.cost import (
    CostMatrix,
    ThresholdChoice,
    bayes_threshold,
    best_threshold,
    business_cost,
)
from training.selection.crossval import (
    CVResult,
    EarlyStopping,
    check_positives,
    cross_validate,
    holdout_split,
    imbalance_methods,
    search_sample,
    undersample,
)
from training.selection.fold_selection import FoldColumns, SelectionRule, select_features
from training.selection.folds import (
    Estimate,
    PairedComparison,
    RepeatedFolds,
    corrected_interval,
    corrected_standard_error,
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
from training.selection.seed_bag import seeds_for, served_model
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


@dataclass
class _Search:
    """The folds every candidate is judged on, and the record of every candidate evaluated (with its progress)."""

    x_cv: pd.DataFrame
    y: np.ndarray
    folds: RepeatedFolds
    categorical: list[str]
    columns: FoldColumns
    costs: CostMatrix
    seed: int
    budget: Budget
    bar: tqdm
    on_result: Callable[[str, CVResult], None] | None
    early: EarlyStopping = field(default_factory=EarlyStopping)
    results: list[tuple[str, CVResult]] = field(default_factory=list)

    def evaluate(
        self,
        family: str,
        imbalance: str,
        params: dict[str, Any],
        repeats: int | None = None,
        previous: CVResult | None = None,
        feature_set: str = "all",
        monotone: bool = True,
    ) -> CVResult:
        if family == SERVED_FAMILY:
            params = search.step_for(params, self.budget.boosting_iterations)
            params = params | {"seeds": seeds_for(len(self.y))}
        full = dict(params)
        if family in TREES_PARAMETER:
            full[TREES_PARAMETER[family]] = _trees(self.budget, params)[family]
        result = cross_validate(
            family,
            full,
            imbalance,
            self.x_cv,
            self.y,
            self.folds,
            self.categorical,
            self.costs,
            self.seed,
            columns=self.columns,
            feature_set=feature_set,
            monotone=monotone,
            early=self.early,
            repeats=repeats,
            previous=previous,
        )
        result.params = dict(params)
        return result

    def record(self, stage: str, result: CVResult) -> CVResult:
        self.results.append((stage, result))
        self.bar.set_postfix_str(f"{result.label} cost={result.cv_cost:.3f} auc={result.cv_auc:.3f}")
        self.bar.update(1)
        if self.on_result is not None:
            self.on_result(stage, result)
        return result


TREES_PARAMETER = {"catboost": "iterations", "random_forest": "n_estimators"}


def _trees(budget: Budget, params: dict[str, Any]) -> dict[str, int]:
    """The trees a candidate may grow: the profile's cap, cut for larger boosting steps (search.tree_budget)."""
    return {
        "catboost": search.tree_budget(params, budget.boosting_iterations),
        "random_forest": budget.forest_trees,
    }


def _progress_bar(budget: Budget, progress: bool) -> tqdm:
    return tqdm(
        total=_candidates_total(budget), desc="model selection", unit="candidate", disable=not progress
    )


def _candidates_total(budget: Budget) -> int:
    """How many candidates the search evaluates (the progress bar's length)."""
    compared = [f for f in FAMILIES if f != SERVED_FAMILY]
    return (
        1
        + sum(1 if f == "dummy" else 2 for f in FAMILIES)
        + (budget.first_pass - 1) * (len(compared) - 1)
        + (budget.candidates - 1)
        + budget.promoted
        + 1
    )


@dataclass(frozen=True)
class _Splits:
    frame: pd.DataFrame  # every client, prepared for the models
    x_dev: pd.DataFrame
    x_hold: pd.DataFrame
    y_dev: pd.Series
    y_hold: pd.Series
    x_cv: pd.DataFrame  # the development clients the search runs on (all of them or a stratified sample)
    y_cv: pd.Series
    folds: RepeatedFolds


def _split(
    features: pd.DataFrame,
    target: pd.Series,
    categorical: list[str],
    budget: Budget,
    seed: int,
    test_size: float,
) -> _Splits:
    """1-2. The held-out split, the search sample and its repeated folds."""
    frame = prepare_frame(features, categorical)
    x_dev, x_hold, y_dev, y_hold = holdout_split(frame, target.astype(int), test_size, seed)
    x_cv, y_cv = search_sample(x_dev, y_dev, budget.search_clients, seed)
    folds = make_repeated_folds(y_cv, budget.n_folds, budget.repeats, seed)
    return _Splits(frame, x_dev, x_hold, y_dev, y_hold, x_cv, y_cv, folds)


def _fold_columns(splits: _Splits, categorical: list[str], rule: SelectionRule, seed: int) -> FoldColumns:
    """Feature selection inside each fold, for every feature set, before any candidate (timings stay comparable)."""
    feature_sets = _feature_sets(splits.frame)
    if not feature_sets["application"]:  # frames without application columns (unit tests): everything
        feature_sets["application"] = feature_sets["all"]
    y = splits.y_cv.to_numpy()
    columns = FoldColumns(splits.x_cv, y, splits.folds, categorical, feature_sets, rule, seed)
    for name in feature_sets:
        for k in range(len(splits.folds)):
            columns.columns(name, k)
    return columns


def _baseline(trials: _Search) -> CVResult:
    """3. The application-only baseline, on every repeat."""
    cb_defaults = search.defaults(SERVED_FAMILY)
    return trials.record(
        BASELINE, trials.evaluate(SERVED_FAMILY, "class_weight", cb_defaults, feature_set="application")
    )


def _compared_families(trials: _Search) -> dict[str, CVResult]:
    """4. Each family: its imbalance methods at its defaults, a short search, the best on every repeat. The served
    family's imbalance method is chosen on every repeat (one repeat's costs are too noisy to choose between two
    weightings) and only its best default is kept here: its own search comes next."""
    best: dict[str, CVResult] = {}
    for i, family in enumerate(FAMILIES):
        repeats = None if family == SERVED_FAMILY else 1
        scored = [
            trials.record("baseline", trials.evaluate(family, m, search.defaults(family), repeats=repeats))
            for m in imbalance_methods(family)
        ]
        method = min(scored, key=search.rank_key).imbalance
        if family == SERVED_FAMILY:
            best[family] = min(scored, key=search.rank_key)
            continue
        pool = [r for r in scored if r.imbalance == method]
        for params in search.candidates(family, trials.budget.first_pass, trials.seed + 100 * i)[1:]:
            pool.append(trials.record("search", trials.evaluate(family, method, params, repeats=1)))
        winner = min(pool, key=search.rank_key)
        best[family] = trials.evaluate(family, method, winner.params, previous=winner)
        trials.results.append(("search (every repeat)", best[family]))
    return best


def _first_repeat_key(result: CVResult, n_folds: int) -> tuple[bool, float, float]:
    """The promotion order of the rung, on the first repeat's folds alone (the folds every candidate of the rung
    shares, whatever the repeats it was judged on): candidates within the over-fit limit first (the guard would
    refuse the others), then `search.rank_key`."""
    auc = float(np.nanmean(result.fold_auc[:n_folds]))
    gap = float(np.nanmean(result.train_auc[:n_folds])) - auc
    return (gap > OVERFIT_GAP, float(np.nanmean(result.fold_cost[:n_folds])), -auc)


def _served_finalists(trials: _Search, method: str) -> list[CVResult]:
    """5. CatBoost: successive halving over the regularised space (first repeat, then every repeat for the best).
    The default, already judged on every repeat, is not fitted again and stays a finalist: one repeat's costs move by
    a few hundredths from one shuffle to the next, so a candidate judged on every fold is not dropped on the first
    repeat's figures alone."""
    rung = [
        r
        for _, r in trials.results
        if r.family == SERVED_FAMILY and r.imbalance == method and r.feature_set == "all"
    ]
    for params in search.candidates(SERVED_FAMILY, trials.budget.candidates, trials.seed + 999)[1:]:
        rung.append(trials.record("search", trials.evaluate(SERVED_FAMILY, method, params, repeats=1)))
    n_folds, repeats = trials.folds.n_folds, trials.folds.repeats
    judged = [r for r in rung if r.repeats >= repeats]
    partial = [r for r in rung if r.repeats < repeats]
    promoted = sorted(partial, key=lambda r: _first_repeat_key(r, n_folds))[: max(trials.budget.promoted, 1)]
    return judged + [
        trials.record("search (every repeat)", trials.evaluate(SERVED_FAMILY, method, r.params, previous=r))
        for r in promoted
    ]


def _choose(finalists: list[CVResult], folds: RepeatedFolds) -> tuple[CVResult, str, str]:
    """6. The choice among the finalists within the over-fit limit (the least over-fitted when none is), the guard's
    note and the choice's.

    Cost comes first, but at a few thousand clients its estimate is noisy: on the real sample the finalists' mean
    costs differ by 0.004-0.008 per applicant where the standard error of those paired differences is 0.013-0.020,
    so the cheapest is the luckiest as often as the best. Finalists whose cost is within one standard error of the
    cheapest one's (paired on the same folds, corrected for overlapping training folds) are tied on cost, and the
    highest AUC among them, a steadier measure of the same ranking (it does not hang on one threshold), decides. With
    more clients the standard errors shrink, so a cost difference that matters separates the finalists; a tie costs at
    most one standard error of cost (0.001 per applicant at real size, where the five finalists were tied)."""
    within = [r for r in finalists if r.overfit_gap <= OVERFIT_GAP]
    if not within:
        note = f"every finalist over-fitted (train-CV AUC gap above {OVERFIT_GAP:.2f}): the least over-fitted is chosen"
        return min(finalists, key=lambda r: r.overfit_gap), note, ""
    guard_note = (
        f"{len(finalists) - len(within)} of {len(finalists)} finalists over-fitted (train-CV AUC gap above "
        f"{OVERFIT_GAP:.2f}) and could not be chosen"
    )
    cheapest = min(within, key=search.rank_key)
    tied = [r for r in within if _cost_tied(r, cheapest, folds)]
    chosen = max(tied, key=lambda r: (r.cv_auc, -r.cv_cost))
    if len(tied) == 1:
        choice_note = (
            f"the cheapest finalist is chosen (cost {cheapest.cv_cost:.3f} per applicant, AUC {cheapest.cv_auc:.3f}): "
            "every other finalist within the over-fit limit costs more than one standard error of the paired "
            "difference above it"
        )
    else:
        choice_note = (
            f"the cheapest finalist costs {cheapest.cv_cost:.3f} per applicant (AUC {cheapest.cv_auc:.3f}); "
            f"{len(tied)} of the {len(within)} finalists within the over-fit limit cost at most one standard error "
            "of the paired difference more, so cost cannot tell them apart and the highest AUC among them is "
            f"chosen: AUC {chosen.cv_auc:.3f}, cost {chosen.cv_cost:.3f}"
        )
    return chosen, guard_note, choice_note


def _cost_tied(candidate: CVResult, cheapest: CVResult, folds: RepeatedFolds) -> bool:
    """The candidate's mean cost exceeds the cheapest one's by at most one standard error of their paired
    fold-by-fold difference."""
    n = min(len(candidate.fold_cost), len(cheapest.fold_cost))
    differences = np.subtract(candidate.fold_cost[:n], cheapest.fold_cost[:n])
    if not np.any(differences):
        return True  # the cheapest itself, or a candidate no fold tells apart from it
    margin = corrected_standard_error(differences, test_share(folds))
    return bool(np.isfinite(margin) and float(np.mean(differences)) <= margin)


def _calibrated(
    chosen: CVResult, y: np.ndarray, folds: RepeatedFolds, costs: CostMatrix
) -> tuple[CalibrationChoice, ThresholdChoice, ThresholdChoice, dict[str, Estimate]]:
    """7. Calibration on the chosen model's out-of-fold predictions, the threshold on the calibrated scale (the
    Bayes point) with the empirical minimum of the same predictions' cost beside it (for the report), and the
    chosen model's estimates with their intervals."""
    calibration = choose_calibration(chosen.oof_repeats, y, folds)
    pooled = calibration.calibration.apply(chosen.oof_repeats.reshape(-1))
    pooled_y = np.tile(y, chosen.repeats)
    decision = bayes_threshold(costs)
    threshold = ThresholdChoice(decision, business_cost(pooled_y, pooled, decision, costs))
    empirical = best_threshold(pooled_y, pooled, costs)
    share = test_share(folds)
    fold_brier = [brier(y[f.validation], calibration.crossfit[f.repeat, f.validation]) for f in folds]
    estimates = {
        "cv_auc": corrected_interval(chosen.fold_auc, share),
        # each fold judged by the served rule (refuse from the Bayes threshold on a calibrated scale), its Platt
        # calibration fitted on the other folds of its repeat (crossval.crossfit_costs)
        "cv_cost": corrected_interval(chosen.fold_cost, share),
        "cv_brier": corrected_interval(fold_brier, share),
        "train_auc": corrected_interval(chosen.train_auc, share),
    }
    return calibration, threshold, empirical, estimates


def _paired(chosen: CVResult, other: CVResult, folds: RepeatedFolds) -> dict[str, PairedComparison]:
    """8. Chosen minus another candidate, fold by fold on the same folds."""
    return {
        "auc": paired("auc", chosen.fold_auc, other.fold_auc, folds),
        "cost": paired("cost", chosen.fold_cost, other.fold_cost, folds),
    }


@dataclass(frozen=True)
class _FinalFit:
    model: Any
    trees: int
    kept: list[str]
    train_auc: float


def _final_fit(
    chosen: CVResult, splits: _Splits, categorical: list[str], rule: SelectionRule, budget: Budget, seed: int
) -> _FinalFit:
    """9. The chosen candidate fitted on the whole development split, feature selection repeated on it, with the
    median early-stopping point of its folds."""
    final_trees = (
        int(np.median(chosen.best_iterations)) if chosen.best_iterations else budget.boosting_iterations
    )
    y_fit = splits.y_dev.to_numpy()
    kept = select_features(splits.x_dev, y_fit, categorical, rule, seed)
    cats = [c for c in kept if c in categorical]
    numeric = [c for c in kept if c not in categorical]
    fit_idx = np.arange(len(y_fit))
    if chosen.imbalance == "undersample":
        fit_idx = undersample(fit_idx, y_fit, 1.0, seed)
    params = dict(chosen.params, iterations=max(final_trees, 1))
    model = build_model(
        SERVED_FAMILY, params, numeric, cats, chosen.imbalance, seed, constraints_for(numeric)
    )
    model = served_model(model.fit(splits.x_dev.iloc[fit_idx][kept], y_fit[fit_idx]))
    train_auc = safe_auc(y_fit, model.predict_proba(splits.x_dev[kept])[:, 1])
    return _FinalFit(model, final_trees, kept, train_auc)


def _holdout_metrics(
    y_hold: np.ndarray, hold_proba: np.ndarray, threshold: float, costs: CostMatrix
) -> dict[str, dict[str, float]]:
    """The one look at the held-out split: at 0.5 and at the chosen threshold (with the Brier score)."""
    holdout = {
        "at_0.5": metrics_at(y_hold, hold_proba, 0.5, costs),
        "at_threshold": metrics_at(y_hold, hold_proba, threshold, costs),
    }
    holdout["at_threshold"]["brier"] = brier(y_hold, hold_proba)
    return holdout


@dataclass
class _Choice:
    baseline: CVResult
    best: dict[str, CVResult]  # per family, the served family's entry being the chosen candidate
    chosen: CVResult
    free: CVResult  # the chosen candidate without its monotone constraints
    guard_note: str
    choice_note: str  # why this finalist (empty when every finalist over-fitted)


def _search_and_choose(trials: _Search) -> _Choice:
    """3-6. The baseline, the compared families, the served family's search, the choice and what its monotone
    constraints cost."""
    baseline = _baseline(trials)
    best = _compared_families(trials)
    method = best[SERVED_FAMILY].imbalance
    chosen, guard_note, choice_note = _choose(_served_finalists(trials, method), trials.folds)
    free = trials.record(
        "monotone constraints lifted", trials.evaluate(SERVED_FAMILY, method, chosen.params, monotone=False)
    )
    trials.bar.close()
    best[SERVED_FAMILY] = chosen
    return _Choice(baseline, best, chosen, free, guard_note, choice_note)


def _check_inputs(
    features: pd.DataFrame, target: pd.Series, budget: Budget, test_size: float, policy: Policy | None
) -> Policy:
    """Refuse inputs the selection cannot use; the protected-attribute policy judged (the declared file unless
    another is given)."""
    assert_target_absent(features, target)
    policy = policy or load_policy()
    policy.enforce([str(c) for c in features.columns])  # a feature list that breaks the policy is refused
    check_positives(target, budget.n_folds, test_size)
    return policy


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
    """The procedure of this module's docstring: baseline and search, refinement (calibration, threshold,
    intervals, paired comparisons), final fit and the one look at the held-out split."""
    policy = _check_inputs(features, target, budget, test_size, policy)
    rule = rule or SelectionRule(keep=tuple(policy.declared_inputs))
    splits = _split(features, target, categorical, budget, seed, test_size)
    columns = _fold_columns(splits, categorical, rule, seed)
    y, folds = splits.y_cv.to_numpy(), splits.folds
    bar = _progress_bar(budget, progress)
    trials = _Search(splits.x_cv, y, folds, categorical, columns, costs, seed, budget, bar, on_result)
    choice = _search_and_choose(trials)
    chosen = choice.chosen
    calibration, threshold, empirical, estimates = _calibrated(chosen, y, folds, costs)
    final = _final_fit(chosen, splits, categorical, rule, budget, seed)
    hold_proba = calibration.calibration.apply(final.model.predict_proba(splits.x_hold[final.kept])[:, 1])
    holdout = _holdout_metrics(splits.y_hold.to_numpy(), hold_proba, threshold.threshold, costs)
    feature_aucs = single_feature_auc(splits.x_cv, splits.y_cv, categorical)
    guards = _guards(final, chosen, holdout, feature_aucs, choice.guard_note)
    return SelectionResult(
        chosen=chosen,
        model=final.model,
        comparison=comparison_table(
            trials.results, choice.best, choice.baseline, chosen, choice.free, y, folds, costs
        ),
        results=trials.results,
        holdout=holdout,
        cv_spread={
            key: fold_spread(y, calibration.crossfit, folds, t, costs)
            for key, t in (("at_0.5", 0.5), ("at_threshold", threshold.threshold))
        },
        guards=guards,
        feature_aucs=feature_aucs,
        x_cv=splits.x_cv,
        y_cv=splits.y_cv,
        n_dev=len(splits.y_dev),
        x_holdout=splits.x_hold,
        y_holdout=splits.y_hold,
        holdout_proba=hold_proba,
        folds=folds,
        baseline=choice.baseline,
        calibration=calibration,
        threshold_choice=threshold.threshold,
        estimates=estimates,
        versus_baseline=_paired(chosen, choice.baseline, folds),
        monotone_cost=_paired(chosen, choice.free, folds),
        final_trees=final.trees,
        extra=_extra(choice, final, columns, threshold, empirical),
    )


def _guards(
    final: _FinalFit,
    chosen: CVResult,
    holdout: dict[str, dict[str, float]],
    feature_aucs: pd.Series,
    guard_note: str,
) -> GuardReport:
    """The over-fitting and leakage guards on the final model, the over-fit guard's note first."""
    guards = run_guards(final.train_auc, chosen.cv_auc, holdout["at_threshold"]["auc"], feature_aucs)
    guards.warnings.insert(0, f"Over-fit guard: {guard_note}.")
    return guards


def _extra(
    choice: _Choice,
    final: _FinalFit,
    columns: FoldColumns,
    threshold: ThresholdChoice,
    empirical: ThresholdChoice,
) -> dict[str, Any]:
    return {
        "best_imbalance": {f: r.imbalance for f, r in choice.best.items()},
        "best_params": {f: r.params for f, r in choice.best.items()},
        "guard": choice.guard_note,
        "choice": choice.choice_note,
        "features_kept": len(final.kept),
        "fold_features_kept": columns.kept_counts("all"),
        "threshold_cost": threshold.cost,
        "threshold_empirical": empirical,
    }
