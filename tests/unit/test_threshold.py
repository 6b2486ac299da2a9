"""Threshold search on out-of-fold predictions, hand-computed."""

from __future__ import annotations

import numpy as np
import pytest

from training.selection.cost import CostMatrix, bayes_threshold, best_threshold, business_cost


def test_best_threshold_hand_computed() -> None:
    y = [0, 0, 1, 1, 0]
    p = [0.1, 0.4, 0.35, 0.8, 0.4]
    choice = best_threshold(y, p)
    assert choice.threshold == pytest.approx(0.35)
    assert choice.cost == pytest.approx(0.4)


def test_perfect_separation_costs_nothing() -> None:
    y = [0, 0, 0, 1, 1]
    p = [0.05, 0.1, 0.2, 0.7, 0.9]
    choice = best_threshold(y, p)
    assert choice.cost == 0.0
    assert 0.2 < choice.threshold <= 0.7


def test_equal_costs_keep_the_highest_threshold() -> None:
    # refusing 0.9 or refusing nobody both cost 1/2 when fn = fp = 1: fewer refusals wins
    choice = best_threshold([0, 1], [0.9, 0.1], CostMatrix(fn=1, fp=1))
    assert choice.threshold > 0.9
    assert choice.cost == pytest.approx(0.5)


def test_a_constant_score_grants_everyone_when_refusing_costs_more() -> None:
    y = np.array([0] * 95 + [1] * 5)
    choice = best_threshold(y, np.full(100, 0.05))
    assert choice.cost == pytest.approx(0.5)  # 5 defaults x 10 / 100 beats 95 refusals / 100
    assert choice.threshold > 0.05


def test_best_threshold_is_the_minimum_over_a_fine_grid() -> None:
    rng = np.random.default_rng(0)
    y = (rng.random(2000) < 0.08).astype(int)
    p = np.clip(0.08 + 0.15 * y + rng.normal(0, 0.1, 2000), 0, 1)
    choice = best_threshold(y, p)
    grid = np.linspace(0, 1, 1001)
    assert choice.cost <= min(business_cost(y, p, t) for t in grid) + 1e-12
    assert business_cost(y, p, choice.threshold) == pytest.approx(choice.cost)
    assert choice.threshold < 0.5  # FN ten times dearer: the threshold sits low


def test_the_bayes_threshold_is_where_refusing_and_granting_cost_the_same() -> None:
    costs = CostMatrix(fn=10, fp=1)
    t = bayes_threshold(costs)
    assert t == pytest.approx(1 / 11)
    assert costs.fn * t == pytest.approx(costs.fp * (1 - t))  # expected cost of granting = of refusing
    assert bayes_threshold(CostMatrix(fn=1, fp=1)) == 0.5


def test_on_calibrated_probabilities_the_empirical_minimum_lands_near_the_bayes_threshold() -> None:
    rng = np.random.default_rng(5)
    p = rng.beta(1, 8, 400_000)  # calibrated by construction: each client defaults with its probability
    y = (rng.random(p.size) < p).astype(int)
    empirical = best_threshold(y, p)
    assert empirical.threshold == pytest.approx(bayes_threshold(), abs=0.01)
    assert business_cost(y, p, bayes_threshold()) == pytest.approx(empirical.cost, abs=0.002)
