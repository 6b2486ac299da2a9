"""Cross-validation with one fixed set of stratified folds, so that every model is judged on the same splits.

Resampling for class imbalance happens here, on the training part of each fold only: the validation part keeps the
real class balance, otherwise the out-of-fold cost would describe a population that does not exist.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold, train_test_split
from threadpoolctl import threadpool_limits

from common.errors import UserError
from training.selection.cost import CostMatrix, ThresholdChoice, best_threshold
from training.selection.metrics import safe_auc
from training.selection.models import build_model

IMBALANCE_METHODS = ("class_weight", "undersample")
NO_IMBALANCE = "none"  # the dummy baseline: it has nothing to weight


class SelectionError(UserError):
    """The data cannot support the requested selection; the message says what to change."""


@dataclass
class Folds:
    """Validation indices of each fold (positions in the development frame)."""

    validation: list[np.ndarray]
    n_rows: int

    def train_indices(self, k: int) -> np.ndarray:
        mask = np.ones(self.n_rows, dtype=bool)
        mask[self.validation[k]] = False
        return np.flatnonzero(mask)


@dataclass
class CVResult:
    family: str
    imbalance: str
    params: dict[str, Any]
    oof: np.ndarray
    fold_auc: list[float]
    train_auc: list[float]
    threshold: ThresholdChoice
    fit_seconds: float
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def cv_auc(self) -> float:
        return float(np.nanmean(self.fold_auc))

    @property
    def label(self) -> str:
        return f"{self.family} / {self.imbalance}"


def check_positives(y: pd.Series | np.ndarray, n_folds: int, test_size: float) -> None:
    """Fail early, with the numbers, when the positives cannot fill the held-out split and every fold."""
    positives = int(np.sum(np.asarray(y) == 1))
    negatives = int(np.sum(np.asarray(y) == 0))
    needed = max(2 * n_folds, int(np.ceil(n_folds / (1 - test_size))) + 2)
    if positives < needed or negatives < needed:
        raise SelectionError(
            f"The training data has {positives} defaults (TARGET=1) and {negatives} non-defaults; a held-out split "
            f"plus {n_folds} stratified folds need at least {needed} of each. Use more clients (--data with a larger "
            "folder, or more generated clients) or a profile with fewer folds."
        )


def holdout_split(
    features: pd.DataFrame, target: pd.Series, test_size: float, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, pd.Series]:
    """The stratified held-out split, made first and used once at the end."""
    x_dev, x_hold, y_dev, y_hold = train_test_split(
        features, target, test_size=test_size, stratify=target, random_state=seed
    )
    return x_dev, x_hold, y_dev, y_hold


def search_sample(
    x_dev: pd.DataFrame, y_dev: pd.Series, max_rows: int, seed: int
) -> tuple[pd.DataFrame, pd.Series]:
    """At most `max_rows` development clients, stratified on the target, for the cross-validated search
    (0 or a larger number: all of them)."""
    if max_rows <= 0 or len(y_dev) <= max_rows:
        return x_dev, y_dev
    x_cv, _, y_cv, _ = train_test_split(x_dev, y_dev, train_size=max_rows, stratify=y_dev, random_state=seed)
    return x_cv, y_cv


def make_folds(target: pd.Series, n_folds: int, seed: int) -> Folds:
    splitter = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    validation = [val for _, val in splitter.split(np.zeros(len(target)), target)]
    return Folds(validation=validation, n_rows=len(target))


def undersample(train_idx: np.ndarray, y: np.ndarray, ratio: float, seed: int) -> np.ndarray:
    """Keep every positive and a random `ratio` x (number of positives) of the negatives, in the fold's train part."""
    rng = np.random.default_rng(seed)
    pos = train_idx[y[train_idx] == 1]
    neg = train_idx[y[train_idx] == 0]
    keep = min(neg.size, int(np.ceil(ratio * pos.size)))
    return np.sort(np.r_[pos, rng.choice(neg, size=keep, replace=False)])


def cross_validate(
    family: str,
    params: dict[str, Any],
    imbalance: str,
    x: pd.DataFrame,
    y: pd.Series,
    folds: Folds,
    categorical: list[str],
    costs: CostMatrix,
    seed: int,
    undersample_ratio: float = 1.0,
) -> CVResult:
    """Fit on each fold's train part, predict its validation part; the threshold is chosen on the pooled OOF."""
    if imbalance not in (*IMBALANCE_METHODS, NO_IMBALANCE):
        raise ValueError(
            f"Unknown imbalance method {imbalance!r}; choose one of {', '.join(IMBALANCE_METHODS)}."
        )
    y_arr = np.asarray(y).astype(int)
    numeric = [c for c in x.columns if c not in categorical]
    oof = np.full(len(y_arr), np.nan)
    fold_auc: list[float] = []
    train_auc: list[float] = []
    start = time.perf_counter()
    for k, val_idx in enumerate(folds.validation):
        train_idx = folds.train_indices(k)
        if imbalance == "undersample":
            train_idx = undersample(train_idx, y_arr, undersample_ratio, seed + k)
        model = build_model(family, params, numeric, categorical, imbalance, seed)
        # one BLAS/OpenMP thread: on a shared 2-core machine spinning worker threads (BLAS in the logistic
        # regression) cost far more than they bring on fold-sized data (CatBoost keeps its own thread pool)
        with threadpool_limits(limits=1):
            model.fit(x.iloc[train_idx], y_arr[train_idx])
            oof[val_idx] = model.predict_proba(x.iloc[val_idx])[:, 1]
            train_proba = model.predict_proba(x.iloc[train_idx])[:, 1]
        fold_auc.append(safe_auc(y_arr[val_idx], oof[val_idx]))
        train_auc.append(safe_auc(y_arr[train_idx], train_proba))
    return CVResult(
        family=family,
        imbalance=imbalance,
        params=dict(params),
        oof=oof,
        fold_auc=fold_auc,
        train_auc=train_auc,
        threshold=best_threshold(y_arr, oof, costs),
        fit_seconds=time.perf_counter() - start,
    )
