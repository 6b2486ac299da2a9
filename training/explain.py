"""SHAP explanations of the chosen model for a run: the global importance stored in the bundle, and the three
held-out clients the report explains. CatBoost computes the exact tree SHAP itself."""

from __future__ import annotations

import numpy as np
import pandas as pd
from catboost import CatBoostClassifier, Pool

from training.selection.select import SelectionResult

LocalExplanation = tuple[str, float, pd.Series]  # (which client, probability, SHAP contributions by |size|)


def global_importance(
    model: CatBoostClassifier, sample: pd.DataFrame, categorical: list[str]
) -> dict[str, float]:
    """Mean |SHAP| per feature on `sample`, in decreasing order (CatBoost's own exact tree SHAP)."""
    shap = model.get_feature_importance(Pool(sample, cat_features=categorical), type="ShapValues")
    values = np.abs(shap[:, :-1]).mean(axis=0)
    order = np.argsort(-values, kind="stable")
    return {str(sample.columns[i]): float(values[i]) for i in order}


def local_explanations(selection: SelectionResult, categorical: list[str]) -> list[LocalExplanation]:
    """SHAP contributions for three held-out clients: the riskiest, the one closest to the threshold, the safest."""
    proba = selection.holdout_proba
    picks = {
        "riskiest held-out client": int(np.argmax(proba)),
        "held-out client closest to the threshold": int(np.argmin(np.abs(proba - selection.threshold))),
        "safest held-out client": int(np.argmin(proba)),
    }
    names = list(selection.model.feature_names_)
    rows = selection.x_holdout[names].iloc[list(picks.values())]
    shap = selection.model.get_feature_importance(Pool(rows, cat_features=categorical), type="ShapValues")
    out = []
    for k, (label, i) in enumerate(picks.items()):
        values = pd.Series(shap[k, :-1], index=names)
        out.append((label, float(proba[i]), values.reindex(values.abs().sort_values(ascending=False).index)))
    return out
