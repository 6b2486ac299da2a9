"""PSI of the score on hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from drift.psi import EPSILON, psi, psi_from_shares


def test_identical_distributions_have_zero_psi() -> None:
    scores = np.linspace(0, 1, 1000)
    assert psi(scores, scores).value == pytest.approx(0.0, abs=1e-12)


def test_two_bins_by_hand() -> None:
    # (0.25 - 0.5) ln(0.25/0.5) + (0.75 - 0.5) ln(0.75/0.5)
    expected = -0.25 * math.log(0.5) + 0.25 * math.log(1.5)
    assert psi_from_shares([0.5, 0.5], [0.25, 0.75]) == pytest.approx(expected)
    assert expected == pytest.approx(0.274653, abs=1e-6)


def test_quantile_bins_from_the_reference() -> None:
    reference = np.arange(1, 11, dtype=float)  # median 5: (-inf, 5] and (5, inf), five each
    current = np.array([1, 2, 6, 7, 8, 9, 10, 10], dtype=float)  # 2/8 below, 6/8 above
    result = psi(reference, current, bins=2)
    assert result.edges == (-math.inf, 5.0, math.inf)
    assert result.reference_share == (0.5, 0.5)
    assert result.current_share == (0.25, 0.75)
    assert result.value == pytest.approx(0.274653, abs=1e-6)


def test_empty_bin_is_floored_not_infinite() -> None:
    expected = (EPSILON - 0.5) * math.log(EPSILON / 0.5) + 0.5 * math.log(1.0 / 0.5)
    assert psi_from_shares([0.5, 0.5], [0.0, 1.0]) == pytest.approx(expected)


def test_values_outside_the_reference_range_fall_in_the_outer_bins() -> None:
    reference = np.arange(1, 11, dtype=float)
    result = psi(reference, [-5.0, 50.0], bins=2)
    assert result.current_share == (0.5, 0.5)
    assert result.value == pytest.approx(0.0, abs=1e-12)


def test_spike_of_equal_scores_does_not_make_empty_duplicate_bins() -> None:
    reference = np.array([0.1] * 90 + [0.9] * 10)
    result = psi(reference, reference, bins=10)
    assert len(result.edges) == 3  # duplicate quantiles merged into one cut at 0.1
    assert result.value == pytest.approx(0.0, abs=1e-12)


def test_missing_values_are_left_out_and_empty_side_is_an_error() -> None:
    assert psi([0.1, 0.2, np.nan, 0.8], [0.1, 0.2, 0.8, np.nan]).value == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError, match="both sides"):
        psi([0.1, 0.2], [np.nan])


def test_a_large_shift_reads_as_major() -> None:
    rng = np.random.default_rng(0)
    reference = rng.beta(2, 8, 5000)
    assert psi(reference, rng.beta(2, 8, 5000)).value < 0.1
    assert psi(reference, rng.beta(4, 6, 5000)).value > 0.2
