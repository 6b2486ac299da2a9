"""What excluding a protected attribute costs: the chosen model's family and parameters refitted with the excluded
features added back, on the same folds and the same held-out split, with its own out-of-fold threshold.

This counterpart model is a measurement only: it is never bundled, registered or served.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from training.fairness.metrics import group_metrics, summarise
from training.selection.cost import CostMatrix
from training.selection.crossval import cross_validate, undersample
from training.selection.metrics import metrics_at
from training.selection.models import build_model, prepare_frame
from training.selection.select import SelectionResult


def exclusion_cost(
    selection: SelectionResult,
    train: pd.DataFrame,
    added: list[str],
    categorical: list[str],
    costs: CostMatrix,
    seed: int,
    holdout_groups: pd.Series | None = None,
    min_group: int = 30,
) -> dict[str, Any]:
    """Figures of the served model (`without`) and of its counterpart with `added` features (`with`).

    `train` is the whole feature table (TARGET included) holding the `added` columns; `holdout_groups` (the
    excluded attribute's group of each held-out client) adds the grant-rate ratio of both models.
    """
    chosen = selection.chosen
    added_categorical = [c for c in added if c in categorical]
    extra = prepare_frame(train[added], added_categorical)
    x_cv = pd.concat([selection.x_cv, extra.loc[selection.x_cv.index]], axis=1)
    cats = [c for c in x_cv.columns if c in categorical]
    counterpart = cross_validate(
        chosen.family,
        chosen.params,
        chosen.imbalance,
        x_cv,
        selection.y_cv,
        selection.folds,
        cats,
        costs,
        seed,
    )
    proba = _counterpart_holdout(selection, train, list(x_cv.columns), cats, seed)
    y_hold = selection.y_holdout.to_numpy().astype(int)
    served_hold = metrics_at(y_hold, selection.holdout_proba, selection.threshold, costs)
    with_hold = metrics_at(y_hold, proba, counterpart.threshold.threshold, costs)
    without = _figures(chosen.cv_auc, chosen.threshold.cost, served_hold, selection.threshold)
    with_ = _figures(
        counterpart.cv_auc, counterpart.threshold.cost, with_hold, counterpart.threshold.threshold
    )
    if holdout_groups is not None:
        groups = pd.Series(np.asarray(holdout_groups, dtype=object).astype(str))
        for figures, p, t in (
            (without, selection.holdout_proba, selection.threshold),
            (with_, proba, with_["threshold"]),
        ):
            figures["grant_rate_ratio"] = summarise(group_metrics(y_hold, p, groups, t), min_group)[1]
    return {
        "fields": list(added),
        "without": without,
        "with": with_,
        # served minus counterpart: a negative AUC difference and a positive cost difference are the price paid
        "difference": {
            k: float(without[k] - with_[k]) for k in ("cv_auc", "cv_cost", "holdout_auc", "holdout_cost")
        },
    }


def _counterpart_holdout(
    selection: SelectionResult, train: pd.DataFrame, columns: list[str], cats: list[str], seed: int
) -> np.ndarray:
    """The counterpart fitted on the whole development split, its probabilities on the held-out split."""
    chosen = selection.chosen
    development = train.index.difference(selection.x_holdout.index)
    features = [c for c in train.columns if c != "TARGET" and c in set(columns)]
    frame = prepare_frame(train.loc[development, features], cats)
    y_dev = train.loc[development, "TARGET"].astype(int).to_numpy()
    fit_idx = np.arange(len(y_dev))
    if chosen.imbalance == "undersample":
        fit_idx = undersample(fit_idx, y_dev, 1.0, seed)
    numeric = [c for c in frame.columns if c not in cats]
    model = build_model(chosen.family, chosen.params, numeric, cats, chosen.imbalance, seed)
    with threadpool_limits(limits=1):
        model.fit(frame.iloc[fit_idx], y_dev[fit_idx])
        x_hold = prepare_frame(train.loc[selection.x_holdout.index, features], cats)
        return np.asarray(model.predict_proba(x_hold)[:, 1])


def _figures(cv_auc: float, cv_cost: float, holdout: dict[str, float], threshold: float) -> dict[str, Any]:
    return {
        "cv_auc": cv_auc,
        "cv_cost": cv_cost,
        "holdout_auc": holdout["auc"],
        "holdout_cost": holdout["cost"],
        "threshold": threshold,
    }
