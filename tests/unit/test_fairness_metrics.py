"""Fairness metrics on hand-made decisions whose grant-rate ratio and equal-opportunity difference are known."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from training.fairness.metrics import fairness_by_group, group_metrics
from training.fairness.report import SplitData, compute, markdown
from training.features.protected import load_policy


def _decisions() -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """Group A: 100 clients, 20 refused; group B: 100 clients, 40 refused; group C: 5 clients, all refused.

    In A, the 10 defaulters are all refused and 10 of the 90 good clients too (FPR 1/9); in B, the 10 defaulters
    are refused and 30 of the 90 good clients (FPR 1/3).
    """
    groups, y, refused = [], [], []
    for name, good_refused in (("A", 10), ("B", 30)):
        groups += [name] * 100
        y += [1] * 10 + [0] * 90
        refused += [1] * 10 + [1] * good_refused + [0] * (90 - good_refused)
    groups += ["C"] * 5
    y += [0] * 5
    refused += [1] * 5
    proba = np.where(np.asarray(refused) == 1, 0.9, 0.1)
    return np.asarray(y), proba, pd.Series(groups)


def test_metrics_by_group_match_the_hand_count() -> None:
    y, proba, groups = _decisions()
    table = group_metrics(y, proba, groups, threshold=0.5)
    assert table.loc["A", "refusal_rate"] == pytest.approx(0.2)
    assert table.loc["B", "refusal_rate"] == pytest.approx(0.4)
    assert table.loc["A", "tpr"] == 1.0 and table.loc["B", "tpr"] == 1.0
    assert table.loc["A", "fpr"] == pytest.approx(10 / 90) and table.loc["B", "fpr"] == pytest.approx(30 / 90)
    assert table.loc["A", "default_rate_granted"] == 0.0  # every defaulter refused
    assert table.loc["B", "default_rate"] == pytest.approx(0.1)
    assert table.loc["A", "mean_probability"] == pytest.approx(0.2 * 0.9 + 0.8 * 0.1)


def test_grant_rate_ratio_and_equal_opportunity_difference_with_intervals() -> None:
    y, proba, groups = _decisions()
    result = fairness_by_group("x", y, proba, groups, 0.5, min_group=30, n_boot=300, seed=1)
    assert result.judged == ["A", "B"]  # C (5 clients) is shown, not judged
    assert result.grant_rate_ratio == pytest.approx(0.6 / 0.8)
    assert result.equal_opportunity_difference == pytest.approx(30 / 90 - 10 / 90)
    low, high = result.grant_rate_ratio_interval
    assert low < 0.75 < high and low > 0.5 and high <= 1.0
    low, high = result.equal_opportunity_interval
    assert low < 2 / 9 < high
    row = result.by_group.loc["B"]
    assert row["refusal_rate_low"] < 0.4 < row["refusal_rate_high"]
    assert result.flagged(0.8, 0.1) == [
        "grant-rate ratio 0.750 < 0.8",
        "equal-opportunity difference 0.222 > 0.1",
    ]
    assert result.flagged(0.7, 0.25) == []


def test_equal_decisions_give_a_ratio_of_one() -> None:
    rng = np.random.default_rng(0)
    groups = pd.Series(["A"] * 200 + ["B"] * 200)
    y = rng.integers(0, 2, 400)
    proba = np.tile(np.r_[np.full(50, 0.9), np.full(150, 0.1)], 2)
    result = fairness_by_group("x", y, proba, groups, 0.5, min_group=30, n_boot=0)
    assert result.grant_rate_ratio == 1.0 and math.isnan(result.grant_rate_ratio_interval[0])


def test_the_report_flags_the_attribute_and_gives_the_gate_its_figures(tmp_path) -> None:
    y, proba, groups = _decisions()
    frame = pd.DataFrame(
        {"gender": groups, "age_band": "35-44", "family_status": groups.map({"A": "M", "B": "S"})}
    )
    report = compute(load_policy(), {"holdout": SplitData(y, proba, frame)}, 0.5, n_boot=50)
    assert report.gate_figures()["fairness_min_grant_rate_ratio"] == pytest.approx(0.75)
    assert report.gate_figures()["fairness_max_equal_opportunity_difference"] == pytest.approx(2 / 9)
    assert any(f.startswith("gender: grant-rate ratio 0.750") for f in report.flags())
    text = markdown(report)
    assert "## Fairness by protected attribute" in text and "⚠ gender" in text
    written = report.write(tmp_path)
    assert all(p.is_file() for p in written)
    table = pd.read_csv(tmp_path / "fairness_by_group.csv")
    assert set(table["attribute"]) == {"gender", "age_band", "family_status"}
    assert report.metrics()["fairness_holdout_gender_grant_rate_ratio"] == pytest.approx(0.75)


def test_the_run_judges_out_of_fold_predictions_on_the_threshold_s_calibrated_scale(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Raw out-of-fold scores of an under-sampled or weighted model sit far above the calibrated threshold: judged
    on them, nearly every client would count as refused."""
    from types import SimpleNamespace

    from training.fairness import stage
    from training.fairness.protected_data import ProtectedData
    from training.selection.cost import CostMatrix
    from training.settings import TrainingSettings

    monkeypatch.setattr(stage.mlflow, "log_metrics", lambda metrics: None)
    y, calibrated, groups = _decisions()
    index = pd.RangeIndex(len(y))
    policy = load_policy()
    frame = pd.DataFrame({a.name: groups.to_numpy() for a in policy.attributes}, index=index)
    selection = SimpleNamespace(
        y_holdout=pd.Series(y),
        holdout_proba=calibrated,
        x_holdout=pd.DataFrame(index=index),
        y_cv=pd.Series(y),
        x_cv=pd.DataFrame(index=index),
        chosen=SimpleNamespace(oof=np.full(len(y), 0.95)),  # raw scores: all above the threshold
        calibrated_oof=calibrated,
        threshold=0.5,
    )
    protected = ProtectedData(policy, frame, pd.DataFrame(index=index), [])
    settings = TrainingSettings(fairness_bootstrap=0, fairness_exclusion_cost=False)
    costs = CostMatrix(fn=10, fp=1)
    report = stage.fairness_step(settings, selection, protected, pd.DataFrame(), [], costs, tmp_path)
    oof = {r.attribute: r for r in report.results["oof"]}
    assert oof["gender"].grant_rate_ratio == pytest.approx(0.6 / 0.8)
