"""The promotion rule on its own: better, worse, equal, forced, first version."""

from __future__ import annotations

import math

from registry.champion import decide


def test_first_version_becomes_champion() -> None:
    decision = decide("1", 0.6, None, None, force=False)
    assert decision.promote and "first" in decision.reason


def test_lower_cost_wins() -> None:
    decision = decide("3", 0.55, "2", 0.60, force=False)
    assert decision.promote and "beats" in decision.reason and decision.previous_version == "2"


def test_higher_or_equal_cost_keeps_the_champion() -> None:
    assert not decide("3", 0.65, "2", 0.60, force=False).promote
    equal = decide("3", 0.60, "2", 0.60, force=False)
    assert not equal.promote and "stays" in equal.reason


def test_force_promotes_a_worse_version() -> None:
    decision = decide("3", 0.9, "2", 0.6, force=True)
    assert decision.promote and "forced" in decision.reason


def test_champion_without_recorded_cost_needs_force() -> None:
    assert not decide("3", 0.5, "2", None, force=False).promote
    assert not decide("3", 0.5, "2", math.nan, force=False).promote
    assert decide("3", 0.5, "2", None, force=True).promote


def test_the_champion_itself_is_not_promoted_again() -> None:
    assert not decide("2", 0.5, "2", 0.5, force=True).promote


def test_a_version_that_does_not_beat_the_application_only_baseline_is_refused() -> None:
    refused = decide("1", 0.5, None, None, force=False, baseline=(0.56, 0.55))
    assert not refused.promote and "application-only baseline" in refused.reason
    assert not decide(
        "3", 0.4, "2", 0.6, force=False, baseline=(0.55, 0.55)
    ).promote  # a tie does not beat it
    assert decide("3", 0.4, "2", 0.6, force=False, baseline=(0.54, 0.55)).promote
    assert decide(
        "1", 0.5, None, None, force=True, baseline=(0.6, 0.55)
    ).promote  # forced, the reason says so
