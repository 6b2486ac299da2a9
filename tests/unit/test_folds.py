"""Repeated folds and the statistics that compare candidates on them; leakage tests of what is fitted per fold."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from training.features.protected import load_policy
from training.selection.calibration import fit_platt
from training.selection.cost import CostMatrix, bayes_threshold, business_cost
from training.selection.crossval import EarlyStopping, cross_validate, crossfit_costs, pooled_threshold
from training.selection.fold_selection import FoldColumns, SelectionRule, select_features
from training.selection.folds import corrected_interval, make_repeated_folds, paired

COSTS = CostMatrix(fn=10, fp=1)


def test_each_repeat_partitions_the_rows_with_the_class_balance_kept() -> None:
    y = np.r_[np.ones(60), np.zeros(540)].astype(int)
    folds = make_repeated_folds(y, 5, 3, seed=4)
    assert len(folds) == 15 and folds.repeats == 3
    for r in range(3):
        validation = np.concatenate([f.validation for f in folds.repeat(r)])
        assert sorted(validation) == list(range(600))  # every row validated exactly once per repeat
        for fold in folds.repeat(r):
            assert not set(fold.train) & set(fold.validation)
            assert y[fold.validation].sum() == 12  # stratified
    assert not np.array_equal(folds.folds[0].validation, folds.folds[5].validation)  # repeats reshuffle
    again = make_repeated_folds(y, 5, 3, seed=4)
    assert all(np.array_equal(a.validation, b.validation) for a, b in zip(folds, again, strict=True))


def test_the_corrected_interval_is_wider_than_the_naive_one() -> None:
    scores = [0.70, 0.72, 0.74, 0.71, 0.73, 0.69, 0.75, 0.72, 0.70, 0.74]
    corrected = corrected_interval(scores, test_share=0.25)
    naive = corrected_interval(scores, test_share=0.0)
    assert corrected.low < naive.low < corrected.mean < naive.high < corrected.high
    assert corrected.mean == np.mean(scores)


def test_a_paired_comparison_sees_a_small_consistent_gain() -> None:
    folds = make_repeated_folds(np.r_[np.ones(50), np.zeros(450)], 5, 2, seed=0)
    rng = np.random.default_rng(0)
    reference = rng.uniform(0.65, 0.80, 10)  # fold-to-fold spread much larger than the gain
    comparison = paired("auc", reference + 0.01 + rng.normal(0, 0.002, 10), reference, folds)
    assert comparison.significant and comparison.difference.low > 0


def test_a_fold_is_judged_by_the_bayes_rule_on_a_calibration_fitted_without_its_rows() -> None:
    rng = np.random.default_rng(2)
    y = (rng.random(500) < 0.1).astype(int)
    oof = np.clip(0.4 + 0.3 * y + rng.normal(0, 0.15, 500), 0, 1)[None, :]  # ranks well, far from calibrated
    folds = make_repeated_folds(y, 5, 1, seed=0)
    costs = crossfit_costs(oof, y, list(folds), COSTS)
    for fold, cost in zip(folds, costs, strict=True):
        calibrated = fit_platt(oof[0, fold.train], y[fold.train]).apply(oof[0, fold.validation])
        assert cost == business_cost(y[fold.validation], calibrated, bayes_threshold(COSTS), COSTS)
        # the fold's own rows would move the calibration, and so the decisions
        own = fit_platt(oof[0], y).apply(oof[0, fold.validation])
        assert not np.allclose(own, calibrated)


def test_the_candidates_threshold_is_the_raw_score_that_calibrates_to_the_bayes_point() -> None:
    rng = np.random.default_rng(4)
    y = (rng.random(3_000) < 0.1).astype(int)
    oof = np.clip(0.4 + 0.3 * y + rng.normal(0, 0.15, 3_000), 0, 1)[None, :]
    choice = pooled_threshold(oof, y, COSTS)
    calibration = fit_platt(oof[0], y)
    assert calibration.apply(choice.threshold) == pytest.approx(bayes_threshold(COSTS), abs=1e-9)
    assert choice.cost == business_cost(y, oof[0], choice.threshold, COSTS)
    # a score that does not rank: its calibration is the base rate; under 1/11 everyone is granted, above it
    # everyone is refused
    for rate in (0.05, 0.15):
        y_flat = (rng.random(3_000) < rate).astype(int)
        flat = pooled_threshold(np.full((1, 3_000), 0.3), y_flat, COSTS)
        grant_all, refuse_all = COSTS.fn * y_flat.mean(), COSTS.fp * (1 - y_flat.mean())
        assert flat.cost == pytest.approx(grant_all if rate < 1 / 11 else refuse_all)


def noise_frame(n: int = 900, columns: int = 120, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Outcomes unrelated to every feature; one feature is the target itself, shuffled."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.15).astype(int)
    x = pd.DataFrame(rng.normal(size=(n, columns)), columns=[f"noise_{i}" for i in range(columns)])
    x["shuffled_target"] = rng.permutation(y).astype(float)
    x["kind"] = rng.choice(["a", "b", "c"], n)
    return x, y


def test_per_fold_selection_only_sees_the_training_rows_of_its_fold() -> None:
    x, y = noise_frame(n=400, columns=30)
    folds = make_repeated_folds(y, 4, 2, seed=1)
    rule = SelectionRule(quick_iterations=20)
    columns = FoldColumns(x, y, folds, ["kind"], {"all": list(x.columns)}, rule, seed=0)
    for k, fold in enumerate(folds):
        kept = columns.columns("all", k)
        assert kept and set(kept) <= set(x.columns)
        assert not set(columns.fitted_on[("all", k)]) & set(fold.validation)
        # the choice is the one fitted on the training rows alone, whatever the validation rows hold
        assert kept == select_features(x.iloc[fold.train], y[fold.train], ["kind"], rule, seed=k)


def test_near_duplicates_and_empty_columns_are_dropped_inside_the_fold() -> None:
    rng = np.random.default_rng(0)
    base = rng.normal(size=300)
    x = pd.DataFrame({"a": base, "a_copy": base * 2 + 1, "empty": np.nan, "b": rng.normal(size=300)})
    y = (base + rng.normal(size=300) > 1).astype(int)
    kept = select_features(x, y, [], SelectionRule(min_importance_share=0), seed=0)
    assert kept == ["a", "b"]


def test_inputs_the_policy_declares_survive_the_importance_cut() -> None:
    rng = np.random.default_rng(2)
    signal = rng.normal(size=600)
    x = pd.DataFrame({"signal": signal, "declared": rng.normal(size=600), "other": rng.normal(size=600)})
    y = (signal + 0.3 * rng.normal(size=600) > 1).astype(int)
    rule = SelectionRule(min_importance_share=0.2, quick_iterations=30)
    assert select_features(x, y, [], rule, seed=0) == [
        "signal"
    ]  # noise falls under a fifth of the importance
    kept = select_features(x, y, [], dataclasses.replace(rule, keep=("declared",)), seed=0)
    assert kept == ["signal", "declared"]


def test_the_declared_policy_names_its_monitored_inputs() -> None:
    assert set(load_policy().declared_inputs) == {
        "DAYS_BIRTH",
        "NAME_FAMILY_STATUS",
    }  # CODE_GENDER is excluded


def test_a_target_shuffled_feature_and_noise_give_no_skill_out_of_fold() -> None:
    """Nothing fitted on a fold's validation rows: on pure noise (with a shuffled copy of the target among the
    features) the cross-validated AUC stays at chance and the cost does not beat the best trivial rule."""
    x, y = noise_frame()
    folds = make_repeated_folds(y, 5, 2, seed=3)
    columns = FoldColumns(
        x, y, folds, ["kind"], {"all": list(x.columns)}, SelectionRule(quick_iterations=30), 0
    )
    result = cross_validate(
        "catboost",
        {"iterations": 150, "depth": 4, "learning_rate": 0.1, "rsm": 0.3},
        "class_weight",
        x,
        y,
        folds,
        ["kind"],
        COSTS,
        seed=0,
        columns=columns,
        early=EarlyStopping(),
    )
    assert 0.40 < result.cv_auc < 0.58
    trivial = min(
        business_cost(y, np.zeros(len(y)), 0.5, COSTS), business_cost(y, np.ones(len(y)), 0.5, COSTS)
    )
    assert result.cv_cost > trivial - 0.05
    assert (
        result.overfit_gap > 0.1
    )  # the model does learn the noise of its training rows: the guard would see it
