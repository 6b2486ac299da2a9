"""Business cost per applicant on hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest

from training.selection.cost import CostMatrix, business_cost, cost_curve


def test_cost_counts_false_negatives_ten_times_false_positives() -> None:
    # refused: 0.6, 0.9 (a good client -> 1 FP; a default -> TP); granted: 0.2 (good), 0.3 (default -> 1 FN)
    y = [0, 1, 0, 1]
    p = [0.6, 0.9, 0.2, 0.3]
    assert business_cost(y, p, 0.5) == pytest.approx((10 * 1 + 1 * 1) / 4)


def test_threshold_is_inclusive_refusal() -> None:
    assert business_cost([1], [0.5], 0.5) == 0.0  # refused at exactly the threshold: no false negative
    assert business_cost([0], [0.5], 0.5) == 1.0  # and a good client at the threshold is a false positive


def test_custom_cost_matrix() -> None:
    y, p = [1, 0, 0], [0.1, 0.8, 0.9]
    assert business_cost(y, p, 0.5, CostMatrix(fn=5, fp=2)) == pytest.approx((5 * 1 + 2 * 2) / 3)


def test_refusing_everyone_costs_the_share_of_good_clients() -> None:
    y = np.array([0] * 92 + [1] * 8)
    p = np.linspace(0.01, 0.99, 100)
    assert business_cost(y, p, 0.0) == pytest.approx(0.92)
    assert business_cost(y, p, 1.01) == pytest.approx(0.8)  # granting everyone: 8 defaults x 10 / 100


def test_cost_curve_matches_the_direct_cost_at_every_candidate() -> None:
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 400)
    p = rng.random(400).round(2)  # many ties
    thresholds, costs = cost_curve(y, p)
    assert np.all(np.diff(thresholds) > 0)
    for t, c in zip(thresholds, costs, strict=True):
        assert business_cost(y, p, t) == pytest.approx(c)


def test_cost_curve_hand_computed() -> None:
    y = [0, 0, 1, 1, 0]
    p = [0.1, 0.4, 0.35, 0.8, 0.4]
    thresholds, costs = cost_curve(y, p)
    assert thresholds[:4].tolist() == [0.1, 0.35, 0.4, 0.8]
    assert thresholds[4] > 0.8
    # refuse all: 3 FP; from 0.35: 2 FP; from 0.4: 2 FP + 1 FN; from 0.8: 1 FN; nobody: 2 FN
    assert costs.tolist() == pytest.approx([3 / 5, 2 / 5, 12 / 5, 10 / 5, 20 / 5])


def test_shapes_must_match() -> None:
    with pytest.raises(ValueError, match="shape"):
        business_cost([0, 1], [0.3], 0.5)
    with pytest.raises(ValueError, match="at least one"):
        business_cost([], [], 0.5)
