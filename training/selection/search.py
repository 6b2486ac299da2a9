"""Hyper-parameter spaces and the search objective. The objective is the business cost of each fold at a threshold
chosen on the other folds (lower is better), averaged over the folds; the AUC breaks ties.

CatBoost's space is the one of a few thousand clients: trees of depth 2 (interactions of two features at most),
strong L2 on the leaf values, 32 borders per feature and no combinations of categories, each split looking at a tenth
to a third of the features, each tree fitted on a Bernoulli draw of half to four fifths of the clients, small steps,
and as many trees as early stopping on an inner split allows within a budget of steps x trees. On the real sample
(3,076 clients, a few hundred features) deeper, less penalised trees fit their training folds far above their
cross-validated AUC. Its search is a successive halving: every candidate on the first repeat of the folds, the best
on every repeat.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from training.selection.crossval import CVResult

Params = dict[str, Any]

# family -> parameter -> ("log", low, high) | ("float", low, high) | ("choice", [values])
SPACES: dict[str, dict[str, tuple]] = {
    "dummy": {},
    "logistic_regression": {"C": ("log", 1e-3, 3.0)},
    "random_forest": {
        "max_depth": ("choice", [6, 8, 10, 12, 16]),
        "min_samples_leaf": ("choice", [5, 10, 20, 50, 100]),
        "max_features": ("choice", ["sqrt", 0.1, 0.2]),
    },
    "catboost": {
        "learning_rate": ("log", 0.02, 0.05),
        "l2_leaf_reg": ("log", 40.0, 120.0),
        "rsm": ("float", 0.1, 0.33),
        "subsample": ("float", 0.5, 0.8),
        "random_strength": ("choice", [1.0, 2.0, 5.0]),
    },
}

DEFAULTS: dict[str, Params] = {
    "dummy": {"strategy": "prior"},
    "logistic_regression": {"C": 0.1},
    "random_forest": {"max_depth": 10, "min_samples_leaf": 20, "max_features": "sqrt"},
    # regularised for a small sample; the number of trees comes from early stopping
    "catboost": {"l2_leaf_reg": 80.0, "rsm": 0.2, "subsample": 0.5, "learning_rate": 0.02},  # depth: FIXED
}

# Settings every candidate of a family shares, outside the search. CatBoost: 32 borders per numeric feature and no
# combinations of categorical features (`max_ctr_complexity` 1). At a few thousand clients finer borders and the
# target statistics of category pairs fit the training folds, not the clients: on the real sample (5 x 3 folds,
# in-fold selection) they cut the train-CV AUC gap from 0.104 to 0.097 at the same CV AUC and cost.
# Trees of depth 2 only: depth 3 lifted the gap to 0.125 for no gain in CV AUC or cost.
FIXED: dict[str, Params] = {"catboost": {"depth": 2, "border_count": 32, "max_ctr_complexity": 1}}

# Most trees a CatBoost candidate may grow, as steps x trees: 400 trees at the smallest step (0.02), fewer at larger
# steps (160 at 0.05). A flat 400 let the larger steps fit their folds further (gap 0.111 at step 0.03, 366 trees).
STEP_BUDGET = 8.0


def tree_budget(params: Params, most: int) -> int:
    """The trees a boosting candidate may grow: `most`, cut to STEP_BUDGET / step when its step is given."""
    step = params.get("learning_rate")
    return most if step is None else max(1, min(most, round(STEP_BUDGET / float(step))))


def step_for(params: Params, most: int) -> Params:
    """The candidate as a profile that allows `most` trees fits it: a step raised to STEP_BUDGET / most when those
    trees could not go as far as the step needs (the tiny profile's 60 trees at step 0.02 barely leave the prior;
    at 0.13 they learn as far as 400 at 0.02), unchanged otherwise."""
    step = params.get("learning_rate")
    if step is None or most * float(step) >= STEP_BUDGET - 1e-9:
        return params
    return params | {"learning_rate": STEP_BUDGET / most}


def sample_params(family: str, rng: np.random.Generator) -> Params:
    params: Params = {}
    for name, spec in SPACES[family].items():
        kind = spec[0]
        if kind == "log":
            params[name] = float(math.exp(rng.uniform(math.log(spec[1]), math.log(spec[2]))))
        elif kind == "float":
            params[name] = float(rng.uniform(spec[1], spec[2]))
        else:
            params[name] = spec[1][int(rng.integers(len(spec[1])))]
    return params


def neighbour_params(family: str, best: Params, rng: np.random.Generator) -> Params:
    """A candidate near `best`: continuous values scaled by up to ±40 %, choices moved to an adjacent value."""
    params: Params = dict(best)
    for name, spec in SPACES[family].items():
        kind = spec[0]
        if name not in best:
            params[name] = sample_params(family, rng)[name]
            continue
        if kind in ("log", "float"):
            value = float(best[name]) * float(rng.uniform(0.6, 1.4))
            params[name] = float(min(max(value, spec[1]), spec[2]))
        else:
            values = spec[1]
            i = values.index(best[name]) if best[name] in values else 0
            params[name] = values[int(min(max(i + int(rng.integers(-1, 2)), 0), len(values) - 1))]
    return params


def candidates(family: str, n: int, seed: int, around: Params | None = None) -> list[Params]:
    """`n` parameter sets: the defaults first (first pass), or neighbours of `around` (refinement)."""
    rng = np.random.default_rng(seed)
    fixed = FIXED.get(family, {})
    if not SPACES[family]:
        return [dict(DEFAULTS[family])][: max(n, 1)]
    if around is not None:
        return [neighbour_params(family, around, rng) | fixed for _ in range(n)]
    return [defaults(family)] + [sample_params(family, rng) | fixed for _ in range(max(n - 1, 0))]


def defaults(family: str) -> Params:
    """The family's default candidate, with the settings all its candidates share."""
    return dict(DEFAULTS[family]) | FIXED.get(family, {})


def objective(result: CVResult) -> float:
    return result.cv_cost


def rank_key(result: CVResult) -> tuple[float, float]:
    """Lower cost first, higher AUC among equal costs."""
    return (objective(result), -result.cv_auc)


def run_search(
    family: str,
    params_list: list[Params],
    evaluate: Callable[[Params], CVResult],
    on_result: Callable[[CVResult], None] | None = None,
) -> list[CVResult]:
    """Evaluate every candidate with the same folds; results sorted best (lowest cost, then highest AUC) first."""
    results = []
    for params in params_list:
        result = evaluate(params)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return sorted(results, key=rank_key)
