"""Leakage and over-fitting guards."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from training.selection.crossval import SelectionError, check_positives, make_folds, undersample
from training.selection.guards import (
    LeakageError,
    assert_target_absent,
    run_guards,
    single_feature_auc,
    suspicious_features,
)


@pytest.fixture()
def frame() -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(1)
    y = pd.Series((rng.random(600) < 0.1).astype(int), name="TARGET")
    x = pd.DataFrame(
        {
            "noise": rng.normal(size=600),
            "weak": y * 0.3 + rng.normal(size=600),
            "leak": y * 5 + rng.normal(0, 0.1, 600),
            "reverse_leak": -y * 5 + rng.normal(0, 0.1, 600),
            "kind": rng.choice(["a", "b"], 600),
        }
    )
    return x, y


def test_single_feature_auc_flags_leaks_both_ways(frame) -> None:
    x, y = frame
    aucs = single_feature_auc(x, y, categorical=["kind"])
    assert "kind" not in aucs.index
    assert list(aucs.index[:2]) == ["leak", "reverse_leak"] or list(aucs.index[:2]) == [
        "reverse_leak",
        "leak",
    ]
    flagged = suspicious_features(aucs)
    assert set(flagged) == {"leak", "reverse_leak"}
    assert flagged["leak"] > 0.95 and flagged["reverse_leak"] < 0.05


def test_target_column_among_features_is_refused(frame) -> None:
    x, y = frame
    with pytest.raises(LeakageError, match="contains TARGET"):
        assert_target_absent(x.assign(TARGET=y), y)


def test_a_copy_of_target_is_refused(frame) -> None:
    x, y = frame
    with pytest.raises(LeakageError, match="HAS_DEFAULTED"):
        assert_target_absent(x.assign(HAS_DEFAULTED=1 - y.astype(float)), y)
    assert_target_absent(x, y)  # the honest table passes


def test_cv_auc_above_ceiling_warns() -> None:
    report = run_guards(0.86, 0.85, 0.84, pd.Series({"a": 0.6}))
    assert any("above 0.82" in w for w in report.warnings)
    assert report.as_rows() == [("train", 0.86), ("cross-validation", 0.85), ("held-out", 0.84)]


def test_overfitting_gap_warns_and_healthy_run_is_quiet() -> None:
    assert any("over-fits" in w for w in run_guards(0.99, 0.72, 0.71, pd.Series(dtype=float)).warnings)
    assert run_guards(0.78, 0.75, 0.74, pd.Series({"a": 0.65, "b": 0.35})).warnings == []


def test_suspicious_feature_is_reported_as_a_warning() -> None:
    report = run_guards(0.78, 0.75, 0.74, pd.Series({"a": 0.91}))
    assert report.suspicious_features == {"a": 0.91}
    assert any("Feature a alone" in w for w in report.warnings)


def test_too_few_positives_for_the_folds_is_a_clear_error() -> None:
    y = np.array([1] * 4 + [0] * 200)
    with pytest.raises(SelectionError, match="4 defaults"):
        check_positives(y, n_folds=5, test_size=0.2)
    check_positives(np.array([1] * 20 + [0] * 200), n_folds=5, test_size=0.2)


def test_undersampling_touches_only_the_training_part_and_keeps_every_positive() -> None:
    y = np.array([1] * 10 + [0] * 90)
    folds = make_folds(pd.Series(y), 5, seed=0)
    train = folds.train_indices(0)
    kept = undersample(train, y, ratio=1.0, seed=0)
    assert set(kept) <= set(train)
    assert not set(kept) & set(folds.validation[0])
    assert (y[kept] == 1).sum() == (y[train] == 1).sum() == (y[kept] == 0).sum()
