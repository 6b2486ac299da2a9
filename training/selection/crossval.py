"""Cross-validation on one fixed set of repeated stratified folds, so that every model is judged on the same splits.

Everything fitted is fitted on the training part of each fold only: feature selection (`fold_selection`), the
resampling for class imbalance, early stopping (on an inner split of the training part), and the decision threshold
a fold is judged at (chosen on the other folds' out-of-fold predictions of the same repeat). The validation part
keeps the real class balance, otherwise the out-of-fold cost would describe a population that does not exist.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

from common.errors import UserError
from training.features.monotone import constraints_for
from training.selection.calibration import fit_platt
from training.selection.cost import CostMatrix, ThresholdChoice, bayes_threshold, business_cost
from training.selection.fold_selection import FoldColumns
from training.selection.folds import Fold, RepeatedFolds, make_repeated_folds
from training.selection.metrics import safe_auc
from training.selection.models import build_model
from training.selection.seed_bag import SEED_STRIDE, SeedBag

IMBALANCE_METHODS = ("class_weight", "undersample")
# Boosting at a few thousand clients keeps every client: under-sampling would throw away nine in ten of the
# non-defaults it learns from; it chooses between the balanced class weights and their square root instead.
BOOSTED_IMBALANCE_METHODS = ("class_weight", "sqrt_class_weight")
NO_IMBALANCE = "none"  # the dummy baseline: it has nothing to weight


def imbalance_methods(family: str) -> tuple[str, ...]:
    """The imbalance methods a family is judged under."""
    if family == "dummy":
        return (NO_IMBALANCE,)
    return BOOSTED_IMBALANCE_METHODS if family == "catboost" else IMBALANCE_METHODS


class SelectionError(UserError):
    """The data cannot support the requested selection; the message says what to change."""


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


def make_folds(target: pd.Series | np.ndarray, n_folds: int, seed: int, repeats: int = 1) -> RepeatedFolds:
    return make_repeated_folds(target, n_folds, repeats, seed)


def undersample(train_idx: np.ndarray, y: np.ndarray, ratio: float, seed: int) -> np.ndarray:
    """Keep every positive and a random `ratio` x (number of positives) of the negatives, in the fold's train part."""
    rng = np.random.default_rng(seed)
    pos = train_idx[y[train_idx] == 1]
    neg = train_idx[y[train_idx] == 0]
    keep = min(neg.size, int(np.ceil(ratio * pos.size)))
    return np.sort(np.r_[pos, rng.choice(neg, size=keep, replace=False)])


@dataclass(frozen=True)
class EarlyStopping:
    """Boosting stops when the loss on an inner split of the fold's training part stops improving."""

    inner_share: float = 0.2
    rounds: int = 40


@dataclass
class CVResult:
    family: str
    imbalance: str
    params: dict[str, Any]
    oof_repeats: np.ndarray  # (repeats evaluated, n): out-of-fold predictions of each repeat
    fold_auc: list[float]  # one per fold evaluated, in the folds' order
    train_auc: list[float]
    fold_cost: list[float]  # each fold at the threshold chosen on the other folds of its repeat
    threshold: ThresholdChoice  # chosen on every out-of-fold prediction pooled (what serving would use)
    fit_seconds: float
    feature_set: str = "all"
    monotone: bool = True
    best_iterations: list[int] = field(default_factory=list)
    n_features: list[int] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def oof(self) -> np.ndarray:
        """Out-of-fold predictions averaged over the repeats evaluated (figures, drift reference)."""
        return np.asarray(np.nanmean(self.oof_repeats, axis=0))

    @property
    def repeats(self) -> int:
        return int(self.oof_repeats.shape[0])

    @property
    def cv_auc(self) -> float:
        return float(np.nanmean(self.fold_auc))

    @property
    def cv_cost(self) -> float:
        return float(np.nanmean(self.fold_cost))

    @property
    def overfit_gap(self) -> float:
        return float(np.nanmean(self.train_auc)) - self.cv_auc

    @property
    def label(self) -> str:
        scope = "" if self.feature_set == "all" else f" [{self.feature_set} only]"
        free = "" if self.monotone else " [no monotone constraints]"
        return f"{self.family} / {self.imbalance}{scope}{free}"


def crossfit_costs(
    oof_repeats: np.ndarray, y: np.ndarray, folds: list[Fold], costs: CostMatrix
) -> list[float]:
    """Each fold's cost under the served decision rule, refusing once the calibrated probability reaches
    `bayes_threshold`, with the calibration (Platt: two parameters) fitted on the other folds of its repeat: the cost
    a decision taken without seeing the fold gives it. On the real sample this is 0.003-0.011 per applicant cheaper
    than judging each fold at the other folds' empirical cost minimum, whose threshold scatters with a few hundred
    defaults."""
    threshold = bayes_threshold(costs)
    out = []
    for fold in folds:
        scores = oof_repeats[fold.repeat]
        calibration = fit_platt(scores[fold.train], y[fold.train])
        calibrated = calibration.apply(scores[fold.validation])
        out.append(business_cost(y[fold.validation], calibrated, threshold, costs))
    return out


def pooled_threshold(oof_repeats: np.ndarray, y: np.ndarray, costs: CostMatrix) -> ThresholdChoice:
    """The raw score at which a Platt calibration of every out-of-fold prediction reaches `bayes_threshold`, and the
    pooled cost there (the candidate's threshold in the comparison table)."""
    scores, pooled_y = oof_repeats.reshape(-1), np.tile(y, oof_repeats.shape[0])
    raw = fit_platt(scores, pooled_y).inverse(bayes_threshold(costs))
    return ThresholdChoice(threshold=raw, cost=business_cost(pooled_y, scores, raw, costs))


def _fit_fold(
    model: Any,
    family: str,
    x_train: pd.DataFrame,
    y_train: np.ndarray,
    early: EarlyStopping | None,
    seed: int,
) -> int | None:
    """Fit one fold's model; boosting with early stopping holds out a stratified inner split (each member of a seed
    bag its own). Returns the number of trees kept (None when the family does not boost)."""
    if family != "catboost" or early is None:
        model.fit(x_train, y_train)
        return None
    if isinstance(model, SeedBag):
        model.fit_members(
            lambda member, i: _fit_early(member, x_train, y_train, early, seed + i * SEED_STRIDE)
        )
    else:
        _fit_early(model, x_train, y_train, early, seed)
    return int(model.get_best_iteration() or 0) + 1


def _fit_early(
    model: Any, x_train: pd.DataFrame, y_train: np.ndarray, early: EarlyStopping, seed: int
) -> None:
    """Fit on a stratified part of the training rows, stopping where the loss on the rest stops improving."""
    inner_fit, inner_eval = train_test_split(
        np.arange(len(y_train)), test_size=early.inner_share, stratify=y_train, random_state=seed
    )
    model.fit(
        x_train.iloc[inner_fit],
        y_train[inner_fit],
        eval_set=(x_train.iloc[inner_eval], y_train[inner_eval]),
        early_stopping_rounds=early.rounds,
        use_best_model=True,
    )


@dataclass
class _FoldScores:
    """What cross-validation gathers fold after fold; a candidate promoted to more repeats starts from what it had."""

    oof: np.ndarray  # (repeats, n), NaN where a fold is not evaluated yet
    fold_auc: list[float] = field(default_factory=list)
    train_auc: list[float] = field(default_factory=list)
    best_iterations: list[int] = field(default_factory=list)
    n_features: list[int] = field(default_factory=list)

    @classmethod
    def carried(cls, previous: CVResult | None, n_repeats: int, n: int) -> _FoldScores:
        scores = cls(np.full((n_repeats, n), np.nan))
        if previous is not None:
            scores.oof[: previous.repeats] = previous.oof_repeats
            scores.fold_auc, scores.train_auc = list(previous.fold_auc), list(previous.train_auc)
            scores.best_iterations = list(previous.best_iterations)
            scores.n_features = list(previous.n_features)
        return scores

    def add(self, fold: Fold, y: np.ndarray, train_proba: np.ndarray, n_used: int, trees: int | None) -> None:
        self.fold_auc.append(safe_auc(y[fold.validation], self.oof[fold.repeat, fold.validation]))
        self.train_auc.append(safe_auc(y[fold.train], train_proba))
        self.n_features.append(n_used)
        if trees is not None:
            self.best_iterations.append(trees)


def _check_imbalance(family: str, imbalance: str) -> None:
    known = (*imbalance_methods(family), NO_IMBALANCE)
    if imbalance not in known:
        raise ValueError(
            f"Unknown imbalance method {imbalance!r} for {family}; choose one of {', '.join(known)}."
        )


def _train_rows(fold: Fold, y: np.ndarray, imbalance: str, ratio: float, seed: int) -> np.ndarray:
    """The fold's training rows, undersampled when that is the imbalance method."""
    return undersample(fold.train, y, ratio, seed) if imbalance == "undersample" else fold.train


def _fold_model(
    family: str,
    params: dict[str, Any],
    imbalance: str,
    used: list[str],
    categorical: list[str],
    seed: int,
    monotone: bool,
) -> Any:
    """An unfitted model of the family on one fold's columns, with the monotone constraints of its numeric ones."""
    cats = [c for c in used if c in categorical]
    numeric = [c for c in used if c not in categorical]
    constraints = constraints_for(numeric) if monotone else {}
    return build_model(family, params, numeric, cats, imbalance, seed, constraints)


def cross_validate(
    family: str,
    params: dict[str, Any],
    imbalance: str,
    x: pd.DataFrame,
    y: pd.Series | np.ndarray,
    folds: RepeatedFolds,
    categorical: list[str],
    costs: CostMatrix,
    seed: int,
    *,
    columns: FoldColumns | None = None,
    feature_set: str = "all",
    monotone: bool = True,
    early: EarlyStopping | None = None,
    repeats: int | None = None,
    previous: CVResult | None = None,
    undersample_ratio: float = 1.0,
) -> CVResult:
    """Fit on each fold's train part, predict its validation part, for the first `repeats` repeats.

    `previous`, the same candidate judged on fewer repeats, is extended rather than recomputed (successive
    halving promotes a candidate to more repeats)."""
    _check_imbalance(family, imbalance)
    y_arr = np.asarray(y).astype(int)
    wanted = folds.of_repeats(repeats or folds.repeats)
    scores = _FoldScores.carried(previous, len(wanted) // folds.n_folds, len(y_arr))
    done = len(scores.fold_auc)
    start = time.perf_counter()
    for k, fold in enumerate(wanted):
        if k < done:
            continue
        used = columns.columns(feature_set, k) if columns is not None else list(x.columns)
        train_idx = _train_rows(fold, y_arr, imbalance, undersample_ratio, seed + k)
        model = _fold_model(family, params, imbalance, used, categorical, seed, monotone)
        # one BLAS/OpenMP thread: on a shared 2-core machine spinning worker threads (BLAS in the logistic
        # regression) cost far more than they bring on fold-sized data (CatBoost keeps its own thread pool)
        with threadpool_limits(limits=1):
            trees = _fit_fold(model, family, x.iloc[train_idx][used], y_arr[train_idx], early, seed + k)
            validation = model.predict_proba(x.iloc[fold.validation][used])[:, 1]
            scores.oof[fold.repeat, fold.validation] = validation
            train_proba = model.predict_proba(x.iloc[fold.train][used])[:, 1]
        scores.add(fold, y_arr, train_proba, len(used), trees)
    seconds = time.perf_counter() - start + (previous.fit_seconds if previous is not None else 0.0)
    return CVResult(
        family=family,
        imbalance=imbalance,
        params=dict(params),
        oof_repeats=scores.oof,
        fold_auc=scores.fold_auc,
        train_auc=scores.train_auc,
        fold_cost=crossfit_costs(scores.oof, y_arr, wanted, costs),
        threshold=pooled_threshold(scores.oof, y_arr, costs),
        fit_seconds=seconds,
        feature_set=feature_set,
        monotone=monotone,
        best_iterations=scores.best_iterations,
        n_features=scores.n_features,
    )
