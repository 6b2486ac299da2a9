"""The served family's space is the one of a few thousand clients: shallow trees, strong L2, feature and client
sampling, small steps, class weights rather than under-sampling; its weighting is chosen on every repeat."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from training.selection import search
from training.selection.cost import CostMatrix, ThresholdChoice
from training.selection.crossval import CVResult, cross_validate, imbalance_methods
from training.selection.folds import RepeatedFolds, make_repeated_folds
from training.selection.models import build_model
from training.selection.profiles import budget_for
from training.selection.select import _choose, _first_repeat_key, _served_finalists, select_model


def _within_small_sample_space(params: dict) -> bool:
    return (
        params["depth"] == 2
        and params["border_count"] == 32
        and params["max_ctr_complexity"] == 1
        and 40.0 <= params["l2_leaf_reg"] <= 120.0
        and 0.1 <= params["rsm"] <= 0.33
        and 0.5 <= params["subsample"] <= 0.8
        and 0.02 <= params["learning_rate"] <= 0.05
    )


def test_every_catboost_candidate_lies_in_the_small_sample_space() -> None:
    drawn = search.candidates("catboost", 200, seed=5)
    assert drawn[0] == search.defaults("catboost")
    assert drawn[0]["depth"] == 2 and drawn[0]["l2_leaf_reg"] == 80.0
    assert drawn[0]["rsm"] == 0.2 and drawn[0]["subsample"] == 0.5
    assert all(_within_small_sample_space(p) for p in drawn)
    assert len({p["l2_leaf_reg"] for p in drawn}) == 200  # the space is explored, not one point
    around = search.candidates("catboost", 100, seed=6, around=drawn[0])
    assert all(_within_small_sample_space(p) for p in around)  # refinement stays inside too


def test_larger_steps_grow_fewer_trees() -> None:
    assert search.tree_budget({"learning_rate": 0.02}, 400) == 400
    assert search.tree_budget({"learning_rate": 0.05}, 400) == 160
    assert search.tree_budget({"learning_rate": 0.02}, 60) == 60  # the profile's cap still holds
    assert search.tree_budget({}, 300) == 300


def test_a_profile_with_few_trees_takes_larger_steps() -> None:
    assert search.step_for({"learning_rate": 0.02}, 60)["learning_rate"] == pytest.approx(8 / 60)  # tiny
    assert search.step_for({"learning_rate": 0.02}, 400) == {"learning_rate": 0.02}  # full: unchanged
    assert search.step_for({"learning_rate": 0.05}, 300) == {"learning_rate": 0.05}
    raised = search.step_for({"learning_rate": 0.02}, 60)
    assert search.step_for(raised, 60) == raised  # a promoted candidate is not raised again


def test_boosting_keeps_every_client_and_weights_them_instead() -> None:
    assert imbalance_methods("catboost") == ("class_weight", "sqrt_class_weight")
    assert "undersample" in imbalance_methods("random_forest")
    params = dict(search.defaults("catboost"), iterations=10)
    weights = {
        method: build_model("catboost", params, ["a"], [], method, 0).get_params()["auto_class_weights"]
        for method in imbalance_methods("catboost")
    }
    assert weights == {"class_weight": "Balanced", "sqrt_class_weight": "SqrtBalanced"}
    model = build_model("catboost", params, ["a"], [], "class_weight", 0).get_params()
    assert model["bootstrap_type"] == "Bernoulli" and model["subsample"] == 0.5


def test_under_sampling_a_boosted_model_is_refused_with_the_methods_it_takes() -> None:
    y = np.array([0, 1] * 20)
    x = pd.DataFrame({"a": np.arange(40, dtype=float)})
    folds = make_repeated_folds(y, 2, 1, seed=0)
    with pytest.raises(ValueError, match="class_weight, sqrt_class_weight"):
        cross_validate("catboost", {"iterations": 5}, "undersample", x, y, folds, [], CostMatrix(10, 1), 0)


def test_the_served_weighting_is_chosen_on_every_repeat() -> None:
    rng = np.random.default_rng(4)
    n = 900
    signal = rng.normal(size=n)
    ids = pd.RangeIndex(10_000, 10_000 + n, name="SK_ID_CURR")
    y = pd.Series((signal + rng.normal(size=n) > 1.4).astype(int), index=ids)
    x = pd.DataFrame({"signal": signal, "noise": rng.normal(size=n)}, index=ids)
    budget = dataclasses.replace(budget_for("tiny"), repeats=2, candidates=3)
    result = select_model(x, y, [], budget, CostMatrix(fn=10, fp=1), 3, 0.2, progress=False)
    weighting = [r for stage, r in result.results if stage == "baseline" and r.family == "catboost"]
    assert {r.imbalance for r in weighting} == {"class_weight", "sqrt_class_weight"}
    assert all(r.repeats == 2 and len(r.fold_cost) == 2 * budget.n_folds for r in weighting)
    searched = [r for stage, r in result.results if stage == "search" and r.family == "catboost"]
    assert len(searched) == 2 and all(r.repeats == 1 for r in searched)  # the rest of the rung: one repeat
    assert result.chosen.repeats == 2 and result.chosen.imbalance in ("class_weight", "sqrt_class_weight")
    assert not any(r.family == "catboost" and r.imbalance == "undersample" for _, r in result.results)


def _judged(fold_cost: list[float], fold_auc: list[float], train_auc: list[float]) -> CVResult:
    n = len(fold_cost)
    return CVResult(
        family="catboost",
        imbalance="class_weight",
        params={},
        oof_repeats=np.zeros((n // 2, 4)),
        fold_auc=fold_auc,
        train_auc=train_auc,
        fold_cost=fold_cost,
        threshold=ThresholdChoice(0.5, 0.0),
        fit_seconds=0.0,
    )


def test_promotion_ranks_the_first_repeat_and_puts_over_fitted_candidates_last() -> None:
    over_fitted = _judged([0.40, 0.40], [0.75, 0.75], [0.95, 0.95])  # cheapest, but gap 0.20
    cheap = _judged([0.50, 0.50, 0.90, 0.90], [0.74] * 4, [0.80] * 4)  # later repeats worse: not compared
    dear = _judged([0.55, 0.55], [0.76, 0.76], [0.80, 0.80])
    ranked = sorted([over_fitted, dear, cheap], key=lambda r: _first_repeat_key(r, n_folds=2))
    assert ranked == [cheap, dear, over_fitted]


class _Rung:
    """What the served family's search needs of its trials: the default judged on both repeats, candidates judged
    on the first repeat only (cheaper there), promoted to both repeats by `evaluate(previous=...)`."""

    def __init__(self) -> None:
        y = np.array([0, 1] * 10)
        self.folds = make_repeated_folds(y, 2, 2, seed=0)
        self.budget = dataclasses.replace(budget_for("tiny"), candidates=3, promoted=1)
        self.seed = 0
        self.default = _judged([0.60, 0.60, 0.40, 0.40], [0.74] * 4, [0.80] * 4)
        self.results: list[tuple[str, CVResult]] = [("baseline", self.default)]

    def evaluate(self, family, method, params, repeats=None, previous=None):
        if previous is None:
            return _judged([0.50, 0.50], [0.74] * 2, [0.80] * 2)
        return _judged([*previous.fold_cost, 0.70, 0.70], [0.74] * 4, [0.80] * 4)

    def record(self, stage: str, result: CVResult) -> CVResult:
        self.results.append((stage, result))
        return result


def test_the_default_judged_on_every_repeat_stays_a_finalist() -> None:
    """Its first repeat is dearer than the candidates', but its whole record is cheaper than theirs: it competes
    at the end instead of being dropped on one repeat's figures."""
    trials = _Rung()
    finalists = _served_finalists(trials, "class_weight")  # type: ignore[arg-type]
    assert finalists[0] is trials.default and len(finalists) == 1 + trials.budget.promoted
    assert all(r.repeats == 2 for r in finalists)
    assert (
        _choose(finalists, trials.folds)[0] is trials.default
    )  # 0.50 over both repeats against 0.60 (0.2 > 1 SE)


def _tied_finalists(spread: float) -> tuple[CVResult, CVResult, RepeatedFolds]:
    """The cheapest finalist and a dearer one with a higher AUC, their fold costs 0.01 apart on average, the
    difference moving by `spread` from fold to fold."""
    folds = make_repeated_folds(np.array([0, 1] * 10), 2, 2, seed=0)
    cheap = _judged([0.50, 0.50, 0.50, 0.50], [0.73] * 4, [0.80] * 4)
    wiggle = [spread, -spread, spread, -spread]
    dearer = _judged([0.51 + w for w in wiggle], [0.75] * 4, [0.82] * 4)
    return cheap, dearer, folds


def test_finalists_tied_on_cost_are_decided_by_auc() -> None:
    cheap, dearer, folds = _tied_finalists(spread=0.05)  # 0.01 dearer, one standard error about 0.05
    chosen, _, note = _choose([cheap, dearer], folds)
    assert chosen is dearer
    assert "2 of the 2 finalists" in note and "AUC 0.750, cost 0.510" in note


def test_a_cost_difference_beyond_its_standard_error_keeps_the_cheapest() -> None:
    cheap, dearer, folds = _tied_finalists(spread=0.001)  # 0.01 dearer on every fold: not noise
    chosen, _, note = _choose([cheap, dearer], folds)
    assert chosen is cheap and note.startswith("the cheapest finalist is chosen (cost 0.500")


def test_an_over_fitted_finalist_is_never_chosen_for_its_auc() -> None:
    cheap, dearer, folds = _tied_finalists(spread=0.05)
    dearer.train_auc = [0.90] * 4  # gap 0.15
    chosen, guard, _ = _choose([cheap, dearer], folds)
    assert chosen is cheap and guard.startswith("1 of 2 finalists over-fitted")
