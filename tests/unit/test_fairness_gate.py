"""The fairness gate on a version's tags: within bounds, under them, overridden with a written reason."""

from __future__ import annotations

import pytest

from registry.fairness_gate import OverrideError, check_override, judge, registration_tags


def test_within_bounds_passes() -> None:
    gate = judge(registration_tags(0.9, 0.05, 0.8, 0.1))
    assert gate.passed and gate.status == "passed" and "within bounds" in gate.reason


@pytest.mark.parametrize(
    ("ratio", "gap", "says"),
    [
        (0.7, 0.05, "grant-rate ratio 0.700 under 0.8"),
        (0.9, 0.2, "equal-opportunity difference 0.200 over 0.1"),
    ],
)
def test_under_a_bound_is_refused_without_an_override(ratio: float, gap: float, says: str) -> None:
    gate = judge(registration_tags(ratio, gap, 0.8, 0.1))
    assert not gate.passed and gate.status == "refused" and says in gate.reason
    assert gate.tags() == {"fairness_gate": "refused", "fairness_gate_reason": gate.reason}


def test_an_override_with_a_written_reason_passes_and_is_kept() -> None:
    reason = (
        "Young applicants are refused more: accepted by the risk committee of 2026-12-01, review in 3 months"
    )
    gate = judge(registration_tags(0.6, 0.05, 0.8, 0.1), override=reason)
    assert gate.passed and gate.status == "overridden"
    assert gate.tags()["fairness_override_reason"] == reason


@pytest.mark.parametrize("reason", ["", "   ", "ok", "because"])
def test_an_override_without_a_real_reason_is_refused(reason: str) -> None:
    with pytest.raises(OverrideError, match="written reason"):
        check_override(reason)


def test_a_version_without_figures_is_not_judged() -> None:
    gate = judge({"holdout_cost": "0.5"})
    assert gate.passed and gate.status == "not measured"
