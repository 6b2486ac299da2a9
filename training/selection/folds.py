"""Repeated stratified folds, shared by every candidate, and the statistics that tell two candidates apart.

At a few thousand clients one 5-fold split gives an AUC that moves by ±0.02 from one seed to the next: a ranking
of candidates on one split is mostly noise. Repeating the split with other seeds and comparing candidates on the
same folds (a paired comparison) removes most of that noise from the differences.

The interval of a mean over repeated folds uses the Nadeau-Bengio correction: fold scores share training rows, so
their plain standard error is too small; the corrected variance is (1/J + n_test/n_train) · s² over J fold scores.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.model_selection import StratifiedKFold

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Fold:
    repeat: int
    index: int  # position among the folds of its repeat
    train: np.ndarray
    validation: np.ndarray


@dataclass
class RepeatedFolds:
    """`repeats` x `n_folds` stratified folds over `n_rows` rows; fold j of repeat r is `folds[r * n_folds + j]`."""

    n_rows: int
    n_folds: int
    repeats: int
    folds: list[Fold]

    @property
    def validation(self) -> list[np.ndarray]:
        return [f.validation for f in self.folds]

    def train_indices(self, k: int) -> np.ndarray:
        return self.folds[k].train

    def of_repeats(self, repeats: int) -> list[Fold]:
        """The folds of the first `repeats` repeats (a cheaper rung of the search uses fewer repeats)."""
        return self.folds[: min(repeats, self.repeats) * self.n_folds]

    def repeat(self, r: int) -> list[Fold]:
        return self.folds[r * self.n_folds : (r + 1) * self.n_folds]

    def __iter__(self) -> Iterator[Fold]:
        return iter(self.folds)

    def __len__(self) -> int:
        return len(self.folds)


def make_repeated_folds(
    target: pd.Series | np.ndarray, n_folds: int, repeats: int, seed: int
) -> RepeatedFolds:
    """Stratified folds, each repeat with its own shuffle; every row is validated exactly once per repeat."""
    y = np.asarray(target).astype(int)
    folds: list[Fold] = []
    for r in range(repeats):
        splitter = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed + 7919 * r)
        for j, (train, val) in enumerate(splitter.split(np.zeros(len(y)), y)):
            folds.append(Fold(repeat=r, index=j, train=np.sort(train), validation=np.sort(val)))
    return RepeatedFolds(n_rows=len(y), n_folds=n_folds, repeats=repeats, folds=folds)


@dataclass(frozen=True)
class Estimate:
    """A mean over fold scores with its corrected confidence interval."""

    mean: float
    low: float
    high: float
    n: int

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2

    def text(self, digits: int = 3) -> str:
        if not math.isfinite(self.mean):
            return "n/a"
        return f"{self.mean:.{digits}f} [{self.low:.{digits}f}, {self.high:.{digits}f}]"


def corrected_interval(
    scores: Sequence[float], test_share: float, confidence: float = CONFIDENCE
) -> Estimate:
    """Mean of fold scores and its Nadeau-Bengio corrected t interval; `test_share` = n_test / n_train of a fold."""
    values = np.asarray([s for s in scores if math.isfinite(s)], dtype=float)
    n = values.size
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    mean = float(values.mean())
    if n == 1:
        return Estimate(mean, math.nan, math.nan, 1)
    half = float(stats.t.ppf(0.5 + confidence / 2, df=n - 1)) * corrected_standard_error(values, test_share)
    return Estimate(mean, mean - half, mean + half, n)


def corrected_standard_error(scores: Sequence[float] | np.ndarray, test_share: float) -> float:
    """Standard error of the mean of fold scores, Nadeau-Bengio corrected for overlapping training folds (NaN for
    fewer than two scores)."""
    values = np.asarray([s for s in scores if math.isfinite(s)], dtype=float)
    if values.size < 2:
        return math.nan
    return math.sqrt((1.0 / values.size + test_share) * float(values.var(ddof=1)))


def test_share(folds: RepeatedFolds) -> float:
    """n_test / n_train of one fold (1/(k-1) for k folds)."""
    return 1.0 / max(folds.n_folds - 1, 1)


@dataclass(frozen=True)
class PairedComparison:
    """Candidate minus reference, fold by fold on the same folds: the interval of the mean difference."""

    metric: str
    difference: Estimate

    @property
    def significant(self) -> bool:
        d = self.difference
        return math.isfinite(d.low) and (d.low > 0 or d.high < 0)


def paired(
    metric: str, candidate: Sequence[float], reference: Sequence[float], folds: RepeatedFolds
) -> PairedComparison:
    """Both sequences hold one score per fold of the same folds (the reference may have more: its first ones)."""
    n = min(len(candidate), len(reference))
    diffs = [float(a) - float(b) for a, b in zip(candidate[:n], reference[:n], strict=True)]
    return PairedComparison(metric=metric, difference=corrected_interval(diffs, test_share(folds)))
