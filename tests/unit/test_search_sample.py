"""The search on a stratified sample of the development split: the sample keeps the default rate, the folds and the
out-of-fold predictions cover the sample, the final model and the held-out split are not sampled."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from training.report import _folds_line
from training.selection.cost import CostMatrix
from training.selection.crossval import search_sample
from training.selection.profiles import budget_for
from training.selection.select import select_model


@pytest.fixture()
def frame() -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(3)
    n = 1_500
    signal = rng.normal(size=n)
    ids = pd.RangeIndex(100_000, 100_000 + n, name="SK_ID_CURR")
    y = pd.Series((signal + rng.normal(size=n) > 1.6).astype(int), index=ids, name="TARGET")
    x = pd.DataFrame(
        {
            "signal": signal,
            "noise": rng.normal(size=n),
            "kind": rng.choice(["a", "b", "c"], n),
        },
        index=ids,
    )
    return x, y


def test_sample_has_the_asked_size_and_the_same_default_rate(frame) -> None:
    x, y = frame
    x_cv, y_cv = search_sample(x, y, 500, seed=1)
    assert len(x_cv) == len(y_cv) == 500
    assert x_cv.index.equals(y_cv.index) and x_cv.index.isin(x.index).all()
    assert abs(y_cv.mean() - y.mean()) < 0.005  # stratified: the default rate is kept
    again, _ = search_sample(x, y, 500, seed=1)
    assert again.index.equals(x_cv.index)  # same seed, same sample


@pytest.mark.parametrize("max_rows", [0, 1_500, 10_000])
def test_zero_or_a_larger_budget_keeps_every_client(frame, max_rows: int) -> None:
    x, y = frame
    x_cv, y_cv = search_sample(x, y, max_rows, seed=1)
    assert x_cv is x and y_cv is y


def test_selection_searches_on_the_sample_and_fits_on_the_whole_development_split(frame) -> None:
    x, y = frame
    budget = dataclasses.replace(budget_for("tiny"), search_clients=600)
    result = select_model(x, y, ["kind"], budget, CostMatrix(fn=10, fp=1), 7, 0.2, progress=False)
    assert len(result.y_holdout) == 300  # the held-out split is never sampled
    assert result.n_dev == 1_200
    assert len(result.y_cv) == 600 and len(result.chosen.oof) == 600
    assert sum(len(v) for v in result.folds.validation) == 600
    assert not np.isnan(result.chosen.oof).any()
    assert not set(result.x_cv.index) & set(result.x_holdout.index)
    line = _folds_line(result)
    assert "sample of 600 of the remaining 1,200" in line and "fitted on all 1,200" in line


def test_selection_without_a_sample_says_so(frame) -> None:
    x, y = frame
    result = select_model(x, y, ["kind"], budget_for("tiny"), CostMatrix(fn=10, fp=1), 7, 0.2, progress=False)
    assert len(result.y_cv) == result.n_dev == 1_200
    assert _folds_line(result) == "3 stratified folds on the remaining 1,200"


def test_every_stage_reads_the_search_sample_from_the_settings(tmp_path) -> None:
    from training.settings import TrainingSettings

    assert TrainingSettings(data_root=tmp_path, profile="demo").budget() == budget_for("demo")
    overridden = TrainingSettings(data_root=tmp_path, profile="demo", search_clients=0).budget()
    assert overridden.search_clients == 0 and overridden.n_folds == budget_for("demo").n_folds
