"""Calibration fitted on out-of-fold predictions, Platt or isotonic chosen by cross-validation.

A class-weighted or under-sampled model ranks clients well but its scores are not default rates (class weights
push every score towards 0.5). The map is fitted on out-of-fold predictions only, never on rows the model was fitted
on; the choice of method is itself cross-fitted: each fold is calibrated by a map fitted on the other folds of its
repeat and scored by its Brier score there. The chosen method is then refitted on every out-of-fold prediction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

from registry.calibration import Calibration
from training.selection.folds import Estimate, RepeatedFolds, corrected_interval, test_share

CANDIDATE_METHODS = ("platt", "isotonic")
_EPS = 1e-6
MAX_ISOTONIC_POINTS = 200  # a bundle stores at most this many breakpoints (plenty for a few thousand clients)


def _logit(p: np.ndarray) -> np.ndarray:
    clipped = np.clip(np.asarray(p, dtype=float), _EPS, 1 - _EPS)
    return np.log(clipped / (1 - clipped))


def fit_platt(scores: np.ndarray, y: np.ndarray) -> Calibration:
    """Logistic regression of the outcome on the score's log-odds (almost unpenalised)."""
    model = LogisticRegression(C=1e4, max_iter=1000)
    model.fit(_logit(scores).reshape(-1, 1), np.asarray(y).astype(int))
    slope = float(model.coef_[0, 0])
    if (
        slope <= 0
    ):  # a score that does not rank at all: fall back to the base rate's flat map would lose order
        slope = _EPS
    return Calibration("platt", slope=slope, intercept=float(model.intercept_[0]))


def fit_isotonic(scores: np.ndarray, y: np.ndarray) -> Calibration:
    """Isotonic regression of the outcome on the score, each block's rate shrunk by one pseudo-client at the overall
    default rate: a block of clients with no default (or only defaults) among the out-of-fold predictions does not
    have a default rate of 0 (or 1), and no client is shown a probability of 0 % or 100 %."""
    scores, outcome = np.asarray(scores, dtype=float), np.asarray(y).astype(float)
    model = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip", increasing=True)
    model.fit(scores, outcome)
    x = np.asarray(model.X_thresholds_, float)
    fitted = _shrunk(np.asarray(model.y_thresholds_, float), model.predict(scores), outcome)
    if x.size > MAX_ISOTONIC_POINTS:
        keep = np.unique(np.linspace(0, x.size - 1, MAX_ISOTONIC_POINTS).round().astype(int))
        x, fitted = x[keep], fitted[keep]
    if x.size < 2:  # every score equal: a flat map at the observed rate
        rate = float(np.mean(y))
        x, fitted = np.array([0.0, 1.0]), np.array([rate, rate])
    return Calibration("isotonic", x=tuple(x.tolist()), y=tuple(np.maximum.accumulate(fitted).tolist()))


def _shrunk(values: np.ndarray, blocks: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    """Each isotonic block's rate k / n as (k + overall rate) / (n + 1); `blocks` is the fitted value of every
    client, `values` those of the map's breakpoints."""
    levels, which, counts = np.unique(blocks, return_inverse=True, return_counts=True)
    defaults = np.bincount(which, weights=outcome, minlength=levels.size)
    shrunk = (defaults + float(outcome.mean())) / (counts + 1.0)
    return shrunk[np.clip(np.searchsorted(levels, values), 0, levels.size - 1)]


FITTERS = {"platt": fit_platt, "isotonic": fit_isotonic}


def brier(y: np.ndarray, proba: np.ndarray) -> float:
    return float(np.mean((np.asarray(proba, float) - np.asarray(y, float)) ** 2))


@dataclass
class CalibrationChoice:
    calibration: Calibration  # fitted on every out-of-fold prediction
    brier_by_method: dict[str, Estimate]  # cross-fitted Brier score of each method (and of the raw scores)
    crossfit: (
        np.ndarray
    )  # (repeats, n) calibrated out-of-fold predictions, each fold mapped by the other folds' fit

    @property
    def method(self) -> str:
        return self.calibration.method


def crossfit_calibrated(
    oof: np.ndarray, y: np.ndarray, folds: RepeatedFolds, method: str
) -> tuple[np.ndarray, list[float]]:
    """Each fold's predictions mapped by a calibration fitted on the other folds of its repeat; Brier per fold."""
    out = np.full_like(oof, np.nan, dtype=float)
    scores: list[float] = []
    for fold in folds:
        scores_r = oof[fold.repeat]
        fitted = FITTERS[method](scores_r[fold.train], y[fold.train])
        out[fold.repeat, fold.validation] = fitted.apply(scores_r[fold.validation])
        scores.append(brier(y[fold.validation], out[fold.repeat, fold.validation]))
    return out, scores


def choose_calibration(oof: np.ndarray, y: np.ndarray, folds: RepeatedFolds) -> CalibrationChoice:
    """`oof` is (repeats, n): the out-of-fold predictions of each repeat. Lower cross-fitted Brier wins; Platt
    (two parameters) wins ties against isotonic (a step function that over-fits small samples)."""
    y = np.asarray(y).astype(int)
    share = test_share(folds)
    raw = [brier(y[f.validation], oof[f.repeat, f.validation]) for f in folds]
    briers = {"uncalibrated": corrected_interval(raw, share)}
    crossfits: dict[str, np.ndarray] = {}
    for method in CANDIDATE_METHODS:
        crossfits[method], per_fold = crossfit_calibrated(oof, y, folds, method)
        briers[method] = corrected_interval(per_fold, share)
    method = min(CANDIDATE_METHODS, key=lambda m: (round(briers[m].mean, 6), CANDIDATE_METHODS.index(m)))
    pooled_scores, pooled_y = oof.reshape(-1), np.tile(y, oof.shape[0])
    return CalibrationChoice(
        calibration=FITTERS[method](pooled_scores, pooled_y),
        brier_by_method=briers,
        crossfit=crossfits[method],
    )


def reliability_table(y: np.ndarray, proba: np.ndarray, bins: int = 10) -> list[tuple[float, float, int]]:
    """(mean predicted probability, observed default rate, clients) per bin of equal count (quantile bins)."""
    y = np.asarray(y, dtype=float)
    p = np.asarray(proba, dtype=float)
    order = np.argsort(p, kind="mergesort")
    rows = []
    for chunk in np.array_split(order, bins):
        if chunk.size:
            rows.append((float(p[chunk].mean()), float(y[chunk].mean()), int(chunk.size)))
    return rows
