"""The fairness gate beside the champion rule: the alias does not move to a version whose grant-rate ratio between
groups of a protected attribute is under its bound, or whose equal-opportunity difference is over its bound, unless
an override with a written reason is given. The figures and bounds travel as tags on the version (written at
registration from the run's fairness report); the gate's decision and any override reason are written back on it.

`--force` (the cost rule's override) does not pass this gate: only a written fairness reason does.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass

from common.errors import UserError

RATIO_TAG = "fairness_min_grant_rate_ratio"
EO_TAG = "fairness_max_equal_opportunity_difference"
RATIO_BOUND_TAG = "fairness_grant_rate_ratio_min"
EO_BOUND_TAG = "fairness_equal_opportunity_max"
GATE_TAG = "fairness_gate"  # passed | refused | overridden | not measured
GATE_REASON_TAG = "fairness_gate_reason"
OVERRIDE_TAG = "fairness_override_reason"
MIN_REASON_CHARS = 20


def add_override_argument(parser: argparse.ArgumentParser) -> None:
    """--fairness-override REASON, spelt and explained the same by every command that can move the alias."""
    parser.add_argument(
        "--fairness-override",
        metavar="REASON",
        default=None,
        help="move the alias even if the fairness gate refuses; the written reason is recorded on the version",
    )


class OverrideError(UserError):
    """An override without a usable written reason."""


@dataclass(frozen=True)
class GateDecision:
    passed: bool
    status: str
    reason: str
    override: str | None = None

    def tags(self) -> dict[str, str]:
        out = {GATE_TAG: self.status, GATE_REASON_TAG: self.reason}
        if self.override:
            out[OVERRIDE_TAG] = self.override
        return out


def registration_tags(ratio: float, eo_difference: float, ratio_min: float, eo_max: float) -> dict[str, str]:
    """The tags a version is registered with so that the gate can judge it later (also from the command line)."""
    return {
        RATIO_TAG: repr(float(ratio)),
        EO_TAG: repr(float(eo_difference)),
        RATIO_BOUND_TAG: repr(float(ratio_min)),
        EO_BOUND_TAG: repr(float(eo_max)),
    }


def check_override(reason: str | None) -> str | None:
    """The override reason, stripped; an empty or too short one is refused (it must say why, for an auditor)."""
    if reason is None:
        return None
    text = " ".join(reason.split())
    if len(text) < MIN_REASON_CHARS:
        raise OverrideError(
            f"A fairness override needs a written reason of at least {MIN_REASON_CHARS} characters "
            f"(got {text!r}): say why this version may serve despite the gap between groups."
        )
    return text


def judge(tags: dict[str, str], override: str | None = None) -> GateDecision:
    """The gate on a version's tags."""
    override = check_override(override)
    try:
        ratio, gap = float(tags[RATIO_TAG]), float(tags[EO_TAG])
        ratio_min, eo_max = float(tags[RATIO_BOUND_TAG]), float(tags[EO_BOUND_TAG])
    except (KeyError, ValueError):
        return GateDecision(True, "not measured", "no fairness figures recorded on the version", override)
    problems = []
    if math.isfinite(ratio) and ratio < ratio_min:
        problems.append(f"grant-rate ratio {ratio:.3f} under {ratio_min:g}")
    if math.isfinite(gap) and gap > eo_max:
        problems.append(f"equal-opportunity difference {gap:.3f} over {eo_max:g}")
    figures = (
        f"grant-rate ratio {ratio:.3f} (bound {ratio_min:g}), "
        f"equal-opportunity difference {gap:.3f} (bound {eo_max:g})"
    )
    if not problems:
        return GateDecision(True, "passed", f"fairness within bounds: {figures}")
    if override:
        return GateDecision(
            True, "overridden", f"fairness gate overridden ({'; '.join(problems)}): {override}", override
        )
    return GateDecision(
        False,
        "refused",
        f"fairness gate: {'; '.join(problems)} on the held-out split; give an override with a written reason "
        "to promote it anyway",
    )
