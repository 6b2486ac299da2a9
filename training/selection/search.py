"""Hyper-parameter search with cross-validation. The objective is the business cost at the best out-of-fold
threshold (lower is better); the AUC is recorded beside it but never decides.

A first pass samples every family's space; a refinement samples around the best candidate of the chosen family.
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
        "learning_rate": ("log", 0.02, 0.3),
        "depth": ("choice", [4, 5, 6, 7]),
        "l2_leaf_reg": ("log", 1.0, 20.0),
    },
}

DEFAULTS: dict[str, Params] = {
    "dummy": {"strategy": "prior"},
    "logistic_regression": {"C": 0.1},
    "random_forest": {"max_depth": 10, "min_samples_leaf": 20, "max_features": "sqrt"},
    "catboost": {"depth": 6, "l2_leaf_reg": 3.0},  # learning rate from the budget's trees
}


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
    if not SPACES[family]:
        return [dict(DEFAULTS[family])][: max(n, 1)]
    if around is not None:
        return [neighbour_params(family, around, rng) for _ in range(n)]
    return [dict(DEFAULTS[family])] + [sample_params(family, rng) for _ in range(max(n - 1, 0))]


def objective(result: CVResult) -> float:
    return result.threshold.cost


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
    return sorted(results, key=lambda r: (objective(r), -r.cv_auc))
