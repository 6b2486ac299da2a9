"""Monotone declarations: every declared feature exists, says which way and why, and CatBoost honours it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from training.features.aggregates import aggregate_texts
from training.features.application import application_feature_names
from training.features.monotone import DECREASING, INCREASING, MONOTONE, constraints_for
from training.selection.models import build_model


def test_every_declaration_names_a_feature_with_a_direction_and_a_reason() -> None:
    known = set(application_feature_names()) | set(aggregate_texts())
    assert set(MONOTONE) <= known, sorted(set(MONOTONE) - known)
    for name, direction in MONOTONE.items():
        assert direction.sign in (INCREASING, DECREASING), name
        assert len(direction.reason) > 20 and "\n" not in direction.reason, name


def test_known_directions() -> None:
    assert MONOTONE["EXT_SOURCE_2"].sign == DECREASING
    assert MONOTONE["INSTAL_LATE_SHARE"].sign == INCREASING
    assert MONOTONE["CREDIT_INCOME_RATIO"].sign == INCREASING
    assert "AMT_CREDIT" not in MONOTONE  # a larger credit is not riskier in itself


def test_constraints_cover_only_the_declared_features_asked_for() -> None:
    assert constraints_for(["EXT_SOURCE_1", "AMT_CREDIT", "POS_DPD_SHARE"]) == {
        "EXT_SOURCE_1": -1,
        "POS_DPD_SHARE": 1,
    }


def test_catboost_honours_the_constraints_even_against_the_data() -> None:
    rng = np.random.default_rng(0)
    n = 3_000
    x = pd.DataFrame(
        {
            "EXT_SOURCE_2": rng.uniform(0, 1, n),
            "INSTAL_LATE_SHARE": rng.uniform(0, 1, n),
            "kind": rng.choice(["a", "b"], n),
        }
    )
    # the data says the opposite of the declarations in the middle of each range
    bump = np.exp(-((x["EXT_SOURCE_2"] - 0.5) ** 2) / 0.01) - np.exp(
        -((x["INSTAL_LATE_SHARE"] - 0.5) ** 2) / 0.01
    )
    y = (rng.random(n) < 1 / (1 + np.exp(-(2 * bump - 2)))).astype(int)
    numeric = ["EXT_SOURCE_2", "INSTAL_LATE_SHARE"]
    model = build_model(
        "catboost", {"iterations": 100, "depth": 4}, numeric, ["kind"], "none", 0, constraints_for(numeric)
    )
    model.fit(x, y)
    grid = np.linspace(0, 1, 41)
    base = x.iloc[[0] * len(grid)].reset_index(drop=True)
    for feature, sign in constraints_for(numeric).items():
        probe = base.assign(**{feature: grid})
        proba = model.predict_proba(probe)[:, 1]
        assert np.all(sign * np.diff(proba) >= -1e-12), feature
