"""Calibration on synthetic scores: the chosen map turns a distorted score into a default rate, keeps the ranking,
never sees the fold it calibrates, and survives the bundle's JSON."""

from __future__ import annotations

import json

import numpy as np
import pytest

from registry.calibration import Calibration, CalibrationError
from training.selection.calibration import (
    brier,
    choose_calibration,
    crossfit_calibrated,
    fit_isotonic,
    fit_platt,
)
from training.selection.folds import make_repeated_folds


def synthetic(n: int = 6_000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """True default rates, and a score pushed towards 0.5 as class weights push it (a monotone distortion)."""
    rng = np.random.default_rng(seed)
    true_logit = rng.normal(-2.6, 1.0, n)
    y = (rng.random(n) < 1 / (1 + np.exp(-true_logit))).astype(int)
    score = 1 / (1 + np.exp(-(0.6 * true_logit + 1.8)))
    return y, score


def test_the_chosen_map_makes_the_score_a_default_rate() -> None:
    y, score = synthetic()
    folds = make_repeated_folds(y, 5, 2, seed=0)
    oof = np.vstack([score, score])
    choice = choose_calibration(oof, y, folds)
    assert choice.brier_by_method["platt"].mean < choice.brier_by_method["uncalibrated"].mean - 0.02
    calibrated = choice.calibration.apply(score)
    assert abs(calibrated.mean() - y.mean()) < 0.01  # the mean probability is the default rate
    assert brier(y, calibrated) < brier(y, score)
    order = np.argsort(score)
    assert np.all(np.diff(calibrated[order]) >= -1e-12)  # the ranking is kept


def test_platt_wins_when_the_distortion_is_a_logistic_one() -> None:
    y, score = synthetic(n=20_000, seed=1)
    choice = choose_calibration(np.vstack([score]), y, make_repeated_folds(y, 5, 1, seed=1))
    assert choice.method == "platt"


def test_a_fold_is_calibrated_by_a_map_that_never_saw_its_outcomes() -> None:
    y, score = synthetic(n=2_000)
    folds = make_repeated_folds(y, 5, 1, seed=0)
    first = folds.folds[0]
    changed = y.copy()
    changed[first.validation] = 1 - changed[first.validation]  # every outcome of the first fold flipped
    for method in ("platt", "isotonic"):
        before, _ = crossfit_calibrated(score[None, :], y, folds, method)
        after, _ = crossfit_calibrated(score[None, :], changed, folds, method)
        np.testing.assert_array_equal(before[0, first.validation], after[0, first.validation])


def test_an_isotonic_block_without_defaults_is_not_a_zero_default_rate() -> None:
    score = np.linspace(0.01, 0.99, 1_000)
    y = (score > 0.7).astype(int)  # no default below 0.7, only defaults above: two blocks at 0 and 1
    fitted = fit_isotonic(score, y)
    low, high = fitted.apply(np.array([0.0, 1.0]))
    rate, goods, bads = y.mean(), int((y == 0).sum()), int(y.sum())
    assert low == pytest.approx(rate / (goods + 1)) and 0 < low < 1e-3  # (0 defaults + the rate) / (n + 1)
    assert high == pytest.approx((bads + rate) / (bads + 1)) and high < 1
    assert np.all(np.diff(fitted.apply(np.linspace(0, 1, 101))) >= 0)


def test_maps_are_non_decreasing_and_survive_json() -> None:
    y, score = synthetic(n=3_000)
    grid = np.linspace(0, 1, 501)
    for fitted in (fit_platt(score, y), fit_isotonic(score, y)):
        assert np.all(np.diff(fitted.apply(grid)) >= -1e-12)
        again = Calibration.from_dict(json.loads(json.dumps(fitted.as_dict())))
        np.testing.assert_allclose(again.apply(grid), fitted.apply(grid))
        assert again.apply_one(0.3) == pytest.approx(float(fitted.apply(np.array([0.3]))[0]))
    assert Calibration.from_dict(None).apply_one(0.37) == 0.37  # a bundle from before calibration


def test_a_broken_map_is_refused() -> None:
    with pytest.raises(CalibrationError, match="non-decreasing"):
        Calibration("isotonic", x=(0.0, 1.0), y=(0.5, 0.2))
    with pytest.raises(CalibrationError, match="positive slope"):
        Calibration("platt", slope=-1.0)


def test_the_inverse_gives_the_same_decision_on_the_raw_scale() -> None:
    y, score = synthetic(n=3_000)
    raw = np.random.default_rng(5).uniform(0, 1, 2_000)
    for fitted in (fit_platt(score, y), fit_isotonic(score, y), Calibration()):
        calibrated = fitted.apply(raw)
        for threshold in (0.05, 0.09, 0.2, 0.5):
            cut = fitted.inverse(threshold)
            agree = (calibrated >= threshold) == (raw >= cut)
            near = np.abs(raw - cut) < 1e-6  # the boundary itself may fall either side by rounding
            assert np.all(agree | near), (fitted.method, threshold)


def test_the_inverse_of_a_nearly_flat_map_is_an_end_of_the_scale_not_an_overflow() -> None:
    # a score that does not rank: Platt's slope falls to its floor, the base rate decides on its own
    above = Calibration("platt", slope=1e-6, intercept=-1.7)  # every client at ~15 %: all reach 1/11
    below = Calibration("platt", slope=1e-6, intercept=-2.6)  # every client at ~7 %: none does
    assert above.inverse(1 / 11) < 1e-300
    assert below.inverse(1 / 11) == 1.0
