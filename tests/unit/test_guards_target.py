"""TARGET cannot reach the features: shuffling the outcome of generated clients leaves every feature unchanged."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from training.data.loader import load_tables
from training.features.build import build_feature_tables
from training.selection.guards import assert_target_absent
from training.synthetic.generator import generate


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("tiny-tables")
    generate(Path(folder), clients=300, seed=7, fmt="parquet", progress=False)
    return load_tables(Path(folder))


def test_shuffled_target_leaves_features_unchanged(tables) -> None:
    original = build_feature_tables(tables)
    app = tables.application_train.copy()
    rng = np.random.default_rng(0)
    app["TARGET"] = rng.permutation(app["TARGET"].to_numpy())
    assert (app["TARGET"].to_numpy() != tables.application_train["TARGET"].to_numpy()).any()
    tables.application_train = app
    shuffled = build_feature_tables(tables)

    features = original.test.columns
    assert "TARGET" not in features
    pd.testing.assert_frame_equal(original.train[features], shuffled.train[features])
    pd.testing.assert_frame_equal(original.test, shuffled.test)
    assert not original.train["TARGET"].equals(shuffled.train["TARGET"])
    assert_target_absent(original.train[features], original.train["TARGET"])
