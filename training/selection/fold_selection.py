"""Feature selection fitted inside each fold, on the fold's training rows only.

Selecting features on every row and then cross-validating lets the validation rows vote for the features they
are judged on: with a few thousand clients and a few hundred features, chance alone then lifts the CV AUC. Here
each fold drops, from its own training rows:
- columns almost always missing or constant;
- near-duplicates (|correlation| above `max_correlation`, the later column of the pair goes);
- columns of near-zero importance in a quick, shallow CatBoost fitted on the same rows.
Columns the protected-attribute policy declares as model inputs, with a written reason (`keep`), are never dropped
for low importance: the policy, not one fold's quick model, decides that they are inputs (the model card says so).
The same fold-level choice is reused by every candidate judged on that fold (it does not depend on the candidate),
and the final model repeats it once on the whole development split.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from catboost import CatBoostClassifier

from training.selection.folds import RepeatedFolds


@dataclass(frozen=True)
class SelectionRule:
    max_missing: float = 0.97  # share of missing values above which a column says nothing
    max_correlation: float = 0.98  # near-duplicates
    # of the quick model's total importance: at a few thousand clients, 0.005 keeps about 60 of 330 features and
    # brings the train-CV AUC gap of the chosen model under 0.10 where 0.001 (about 155 kept) leaves it just above
    min_importance_share: float = 0.005
    quick_iterations: int = 100
    enabled: bool = True
    keep: tuple[str, ...] = ()  # declared inputs (the policy's monitored fields with an input reason)


def _near_duplicates(frame: pd.DataFrame, limit: float) -> list[str]:
    """Later columns of every pair correlated above `limit` (missing values at the median, for speed)."""
    if frame.shape[1] < 2:
        return []
    values = frame.to_numpy(dtype=float)
    medians = np.nanmedian(np.where(np.isnan(values).all(axis=0), 0.0, values), axis=0)
    values = np.where(np.isnan(values), medians, values)
    std = values.std(axis=0)
    values = (values - values.mean(axis=0)) / np.where(std > 0, std, 1.0)
    corr = np.abs(values.T @ values) / len(values)
    dropped: set[int] = set()
    for j in range(corr.shape[0]):
        if j in dropped:
            continue
        for k in np.flatnonzero(corr[j, j + 1 :] > limit) + j + 1:
            dropped.add(int(k))
    return [frame.columns[k] for k in sorted(dropped)]


def select_features(
    x: pd.DataFrame, y: np.ndarray, categorical: Sequence[str], rule: SelectionRule, seed: int
) -> list[str]:
    """The columns kept for these training rows, in the frame's order."""
    if not rule.enabled:
        return list(x.columns)
    cats = set(categorical)
    numeric = [c for c in x.columns if c not in cats]
    missing = x[numeric].isna().mean()
    constant = x[numeric].nunique(dropna=True) <= 1
    keep_numeric = [c for c in numeric if missing[c] <= rule.max_missing and not constant[c]]
    duplicates = set(_near_duplicates(x[keep_numeric], rule.max_correlation))
    kept = [c for c in x.columns if c in cats or (c in keep_numeric and c not in duplicates)]
    if rule.min_importance_share > 0 and len(kept) > 1:
        model = CatBoostClassifier(
            iterations=rule.quick_iterations,
            depth=4,
            learning_rate=0.1,
            l2_leaf_reg=10,
            border_count=32,
            rsm=0.3,
            cat_features=[c for c in kept if c in cats],
            auto_class_weights="Balanced",
            random_seed=seed,
            thread_count=2,
            allow_writing_files=False,
            verbose=False,
        )
        model.fit(x[kept], y)
        importance = np.asarray(model.get_feature_importance(), dtype=float)
        total = importance.sum()
        if total > 0:
            floor = rule.min_importance_share * total
            important = [c for c, v in zip(kept, importance, strict=True) if v >= floor or c in rule.keep]
            if important:
                kept = important
    return kept


class FoldColumns:
    """The columns each fold keeps, per feature set ("all", "application"), computed once and reused."""

    def __init__(
        self,
        x: pd.DataFrame,
        y: np.ndarray,
        folds: RepeatedFolds,
        categorical: Sequence[str],
        feature_sets: dict[str, list[str]],
        rule: SelectionRule,
        seed: int,
    ) -> None:
        self.x, self.y, self.folds = x, np.asarray(y).astype(int), folds
        self.categorical = list(categorical)
        self.feature_sets = feature_sets
        self.rule = rule
        self.seed = seed
        self._cache: dict[tuple[str, int], list[str]] = {}
        self.fitted_on: dict[tuple[str, int], np.ndarray] = {}  # rows each choice saw (leakage tests read it)

    def columns(self, feature_set: str, k: int) -> list[str]:
        key = (feature_set, k)
        if key not in self._cache:
            rows = self.folds.train_indices(k)
            base = self.feature_sets[feature_set]
            self._cache[key] = select_features(
                self.x.iloc[rows][base], self.y[rows], self.categorical, self.rule, self.seed + k
            )
            self.fitted_on[key] = rows
        return self._cache[key]

    def kept_counts(self, feature_set: str) -> list[int]:
        return [len(v) for (name, _), v in sorted(self._cache.items()) if name == feature_set]
