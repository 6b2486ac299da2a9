"""Seed bagging: k CatBoost members merged into one CatBoost model whose prediction is the mean of their log-odds,
which serving, SHAP and the monotone constraints treat as any CatBoost model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from catboost import CatBoostClassifier, Pool
from scipy.special import expit, logit

from training.features.monotone import constraints_for
from training.selection.crossval import EarlyStopping, _fit_fold
from training.selection.models import build_model
from training.selection.seed_bag import SMALL_SAMPLE, SeedBag, seeds_for, served_model

PARAMS = {"iterations": 60, "depth": 2, "rsm": 0.5, "subsample": 0.6, "learning_rate": 0.1, "seeds": 3}
NUMERIC = ["EXT_SOURCE_2", "INSTAL_LATE_SHARE", "noise"]


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(3)
    n = 2_000
    x = pd.DataFrame(
        {
            "EXT_SOURCE_2": rng.uniform(0, 1, n),
            "INSTAL_LATE_SHARE": rng.uniform(0, 1, n),
            "noise": rng.normal(size=n),
            "kind": rng.choice(["a", "b", "c"], n),
        }
    )
    risk = -3 * x["EXT_SOURCE_2"] + 2 * x["INSTAL_LATE_SHARE"] + (x["kind"] == "a")
    y = (rng.random(n) < expit(risk - 1)).astype(int)
    return x, y


def _bag(data: tuple[pd.DataFrame, np.ndarray]) -> SeedBag:
    x, y = data
    model = build_model("catboost", PARAMS, NUMERIC, ["kind"], "class_weight", 7, constraints_for(NUMERIC))
    assert isinstance(model, SeedBag)
    return model.fit(x, y)


def test_members_differ_only_by_their_seed() -> None:
    model = build_model("catboost", PARAMS, NUMERIC, ["kind"], "class_weight", 7)
    assert isinstance(model, SeedBag)
    params = [member.get_params() for member in model.members]
    assert [p.pop("random_seed") for p in params] == [7, 1_007, 2_007]
    assert params[0] == params[1] == params[2]
    assert model.get_params()["seeds"] == 3
    single = build_model("catboost", PARAMS | {"seeds": 1}, NUMERIC, ["kind"], "class_weight", 7)
    assert isinstance(single, CatBoostClassifier)


def test_prediction_is_the_mean_of_the_members_log_odds(data: tuple[pd.DataFrame, np.ndarray]) -> None:
    x, _ = data
    bag = _bag(data)
    members = [member.predict_proba(x)[:, 1] for member in bag.members]
    assert not np.allclose(members[0], members[1])  # the seeds change the trees
    expected = expit(np.mean([logit(p) for p in members], axis=0))
    np.testing.assert_allclose(bag.predict_proba(x)[:, 1], expected, rtol=0, atol=1e-12)


def test_the_served_model_is_one_catboost_with_exact_shap_and_the_constraints(
    data: tuple[pd.DataFrame, np.ndarray],
) -> None:
    x, _ = data
    bag = _bag(data)
    served = served_model(bag)
    assert isinstance(served, CatBoostClassifier)
    assert served.tree_count_ == sum(member.tree_count_ for member in bag.members)
    assert list(served.feature_names_) == list(x.columns)
    shap = served.get_feature_importance(Pool(x, cat_features=["kind"]), type="ShapValues")
    raw = served.predict(x, prediction_type="RawFormulaVal")
    np.testing.assert_allclose(shap.sum(axis=1), raw, atol=1e-9)
    grid = np.linspace(0, 1, 31)
    probe = x.iloc[[0] * len(grid)].reset_index(drop=True)
    for feature, sign in constraints_for(NUMERIC).items():
        proba = served.predict_proba(probe.assign(**{feature: grid}))[:, 1]
        assert np.all(sign * np.diff(proba) >= -1e-12), feature


def test_best_iteration_is_the_members_median(data: tuple[pd.DataFrame, np.ndarray]) -> None:
    x, y = data
    model = build_model("catboost", PARAMS | {"iterations": 300}, NUMERIC, ["kind"], "class_weight", 1)
    model.fit(x.iloc[:1_500], y[:1_500], eval_set=(x.iloc[1_500:], y[1_500:]), early_stopping_rounds=10)
    points = [member.get_best_iteration() for member in model.members]
    assert model.get_best_iteration() == int(np.median(points))
    fresh = build_model("catboost", PARAMS, NUMERIC, ["kind"], "class_weight", 1).fit(x, y)
    assert fresh.get_best_iteration() is None  # no evaluation set, no early-stopping point


def test_seeds_only_for_small_samples() -> None:
    assert seeds_for(2_460) == 3  # the real sample's development clients
    assert seeds_for(SMALL_SAMPLE - 1) == 3
    assert seeds_for(SMALL_SAMPLE) == 1
    assert seeds_for(8_000) == 1  # the demo profile's search
    assert seeds_for(30_000) == 1


def test_an_unfitted_bag_says_so() -> None:
    model = build_model("catboost", PARAMS, NUMERIC, ["kind"], "class_weight", 1)
    with pytest.raises(ValueError, match="not fitted"):
        served_model(model)
    with pytest.raises(ValueError, match="at least one"):
        SeedBag([])


def test_in_cross_validation_each_member_stops_early_on_its_own_inner_split(
    data: tuple[pd.DataFrame, np.ndarray],
) -> None:
    x, y = data
    params = PARAMS | {"iterations": 200}
    bag = build_model("catboost", params, NUMERIC, ["kind"], "class_weight", 11)
    trees = _fit_fold(bag, "catboost", x, y, EarlyStopping(rounds=10), seed=11)
    for i, member in enumerate(bag.members):
        # the single model of member i's seed, fitted with the inner split of that same seed
        alone = build_model(
            "catboost", params | {"seeds": 1}, NUMERIC, ["kind"], "class_weight", 11 + 1_000 * i
        )
        _fit_fold(alone, "catboost", x, y, EarlyStopping(rounds=10), seed=11 + 1_000 * i)
        np.testing.assert_allclose(member.predict_proba(x), alone.predict_proba(x), atol=1e-12)
    assert trees == int(np.median([m.get_best_iteration() for m in bag.members])) + 1
