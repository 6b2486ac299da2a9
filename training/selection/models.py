"""The model families compared, from simplest to most complex, each built from a parameter dict.

Every family receives the same pandas frame: numeric columns as floats, categorical columns as strings with missing
values kept as NaN. Each family does its own preparation (imputation, scaling, encoding) inside its estimator, so
that cross-validation fits that preparation on the training part of each fold only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from catboost import CatBoostClassifier
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

from training.selection.seed_bag import SEED_STRIDE, SeedBag

MISSING_CATEGORY = "MISSING"  # the same filler as the feature code, so serving rows match

Monotone = dict[str, int]  # numeric feature -> +1 (never lowers the risk when it rises) or -1


@dataclass(frozen=True)
class ModelSpec:
    """What every family's builder receives: its parameters, the columns by kind, the imbalance method, the seed and
    the monotone constraints (applied by the families that support them)."""

    params: dict[str, Any]
    numeric: list[str]
    categorical: list[str]
    imbalance: str
    seed: int
    monotone: Monotone


Builder = Callable[[ModelSpec], BaseEstimator | SeedBag]


def _dummy(spec: ModelSpec) -> BaseEstimator:
    return DummyClassifier(strategy=spec.params.get("strategy", "prior"))


def _logistic(spec: ModelSpec) -> BaseEstimator:
    """Signs of linear coefficients are not constrained here: `monotone` is ignored (the report says so)."""
    params, numeric, categorical = spec.params, spec.numeric, spec.categorical
    prep = ColumnTransformer(
        [
            (
                "num",
                Pipeline(
                    [
                        ("impute", SimpleImputer(strategy="median", add_indicator=True)),
                        ("scale", StandardScaler()),
                    ]
                ),
                numeric,
            ),
            (
                "cat",
                Pipeline(
                    [
                        ("impute", SimpleImputer(strategy="constant", fill_value=MISSING_CATEGORY)),
                        ("onehot", OneHotEncoder(handle_unknown="ignore", min_frequency=20)),
                    ]
                ),
                categorical,
            ),
        ],
        sparse_threshold=0.0,
    )
    model = LogisticRegression(
        C=float(params.get("C", 0.1)),
        l1_ratio=float(params.get("l1_ratio", 0.0)),
        solver="saga" if params.get("l1_ratio", 0.0) else "lbfgs",
        class_weight="balanced" if spec.imbalance == "class_weight" else None,
        max_iter=int(params.get("max_iter", 300)),
        random_state=spec.seed,
    )
    return Pipeline([("prep", prep), ("model", model)])


def _random_forest(spec: ModelSpec) -> BaseEstimator:
    """A bagged non-linear model. (HistGradientBoosting was the first choice, but in scikit-learn 1.9 its binning
    with sample weights, which class weights imply, is about 30 times slower than without on this data.)"""
    params, numeric, categorical = spec.params, spec.numeric, spec.categorical
    prep = ColumnTransformer(
        [
            (
                "cat",
                OrdinalEncoder(
                    handle_unknown="use_encoded_value",
                    unknown_value=-1,
                    encoded_missing_value=-1,
                    max_categories=60,
                ),
                categorical,
            ),
            ("num", SimpleImputer(strategy="median", keep_empty_features=True), numeric),
        ]
    )
    model = RandomForestClassifier(
        n_estimators=int(params.get("n_estimators", 100)),
        max_depth=int(params.get("max_depth", 10)),
        min_samples_leaf=int(params.get("min_samples_leaf", 20)),
        max_features=params.get("max_features", "sqrt"),
        class_weight="balanced_subsample" if spec.imbalance == "class_weight" else None,
        # columns leave the preparation categorical first, then numeric
        monotonic_cst=[0] * len(categorical) + [spec.monotone.get(c, 0) for c in numeric]
        if spec.monotone
        else None,
        n_jobs=1,
        random_state=spec.seed,
    )
    return Pipeline([("prep", prep), ("model", model)])


def _catboost(spec: ModelSpec) -> BaseEstimator | SeedBag:
    """One CatBoost model, or a bag of `seeds` alike but for their random seed (`seed_bag`)."""
    seeds = int(spec.params.get("seeds", 1))
    if seeds <= 1:
        return _catboost_member(spec, spec.seed)
    return SeedBag([_catboost_member(spec, spec.seed + i * SEED_STRIDE) for i in range(seeds)])


def _catboost_member(spec: ModelSpec, seed: int) -> CatBoostClassifier:
    params, numeric, categorical = spec.params, spec.numeric, spec.categorical
    iterations = int(params.get("iterations", 300))
    options: dict[str, Any] = {}
    if "rsm" in params:  # share of features each split may look at
        options["rsm"] = float(params["rsm"])
    if "random_strength" in params:  # noise added to split scores: fewer splits chosen by chance alone
        options["random_strength"] = float(params["random_strength"])
    if (
        "subsample" in params
    ):  # each tree sees a Bernoulli draw of the clients: less variance at a few thousand
        options["bootstrap_type"] = "Bernoulli"
        options["subsample"] = float(params["subsample"])
    # No minimum leaf size: CatBoost honours min_data_in_leaf only on depth-wise trees, which take no monotone
    # constraints; on its symmetric trees the L2 penalty shrinks the value of a leaf with few clients instead.
    if spec.monotone:
        options["monotone_constraints"] = {c: int(v) for c, v in spec.monotone.items() if c in numeric and v}
    return CatBoostClassifier(
        iterations=iterations,
        learning_rate=float(params.get("learning_rate", default_learning_rate(iterations))),
        depth=int(params.get("depth", 6)),
        l2_leaf_reg=float(params.get("l2_leaf_reg", 3.0)),
        border_count=int(params.get("border_count", 64)),  # half the time of 254 borders, same AUC here
        max_ctr_complexity=int(params.get("max_ctr_complexity", 4)),
        cat_features=categorical,
        auto_class_weights=CATBOOST_CLASS_WEIGHTS.get(spec.imbalance),
        random_seed=seed,
        thread_count=int(params.get("thread_count", 2)),
        allow_writing_files=False,
        verbose=False,
        **options,
    )


# the imbalance methods CatBoost weights itself: the balanced ratio, or its square root (a milder push towards the
# defaults, whose scores need less correcting by the calibration)
CATBOOST_CLASS_WEIGHTS = {"class_weight": "Balanced", "sqrt_class_weight": "SqrtBalanced"}


def default_learning_rate(iterations: int) -> float:
    """A step that lets the given number of trees converge: few trees need large steps."""
    return float(min(max(10.0 / iterations, 0.03), 0.3))


FAMILIES: dict[str, Builder] = {
    "dummy": _dummy,
    "logistic_regression": _logistic,
    "random_forest": _random_forest,
    "catboost": _catboost,
}

# The family whose fitted model goes into the bundle: serving relies on its native categoricals and SHAP values.
SERVED_FAMILY = "catboost"


def build_model(
    family: str,
    params: dict[str, Any],
    numeric: list[str],
    categorical: list[str],
    imbalance: str,
    seed: int,
    monotone: Monotone | None = None,
) -> BaseEstimator | ClassifierMixin | SeedBag:
    """`monotone` (numeric feature -> +1/-1) is applied by the families that support it (CatBoost, random forest)."""
    if family not in FAMILIES:
        raise ValueError(f"Unknown model family {family!r}; choose one of {', '.join(FAMILIES)}.")
    return FAMILIES[family](ModelSpec(params, numeric, categorical, imbalance, seed, dict(monotone or {})))


def prepare_frame(features: pd.DataFrame, categorical: list[str]) -> pd.DataFrame:
    """One frame every family accepts: categoricals as strings (CatBoost wants no NaN there), numerics as floats."""
    frame = features.copy()
    for column in frame.columns:
        if column in categorical:
            values = frame[column].astype("object")
            frame[column] = values.where(values.notna(), MISSING_CATEGORY).astype(str)
        else:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame
