"""Who serves: the alias (default `champion`) moves to a new version only when its cross-validated cost beats the
application-only baseline judged on the same folds (the six other tables must pay for themselves) and its
held-out business cost is lower than the current champion's, or when forced. Every decision is written on the
version as tags."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient

from registry import fairness_gate

COST_TAG = "holdout_cost"
CV_COST_TAG = "cv_cost"  # repeated-CV cost per applicant of the version
BASELINE_COST_TAG = "baseline_cv_cost"  # the application-only baseline's, on the same folds
DECISION_TAG = "promotion_decision"
REASON_TAG = "promotion_reason"


@dataclass(frozen=True)
class PromotionDecision:
    promote: bool
    reason: str
    version: str
    previous_version: str | None
    new_cost: float
    previous_cost: float | None


def decide(
    version: str,
    new_cost: float,
    champion_version: str | None,
    champion_cost: float | None,
    force: bool,
    baseline: tuple[float, float] | None = None,
) -> PromotionDecision:
    """The rule alone, without the registry: a version whose CV cost does not beat its application-only baseline
    (`baseline` = (cv cost, baseline cv cost)) is refused; then lower held-out cost per applicant wins and ties keep
    the champion."""

    def made(promote: bool, reason: str) -> PromotionDecision:
        return PromotionDecision(promote, reason, version, champion_version, new_cost, champion_cost)

    if champion_version == version:
        return made(False, f"version {version} is already the champion")
    if baseline is not None and not force:
        cv_cost, baseline_cost = baseline
        if not cv_cost < baseline_cost:
            return made(
                False,
                f"cross-validated cost {cv_cost:.4f} per applicant does not beat the application-only baseline's "
                f"{baseline_cost:.4f} on the same folds: the other tables do not pay for themselves",
            )
    if champion_version is None:
        return made(True, f"no current champion: version {version} becomes the first one")
    if force:
        return made(True, f"forced: version {version} replaces version {champion_version} whatever the costs")
    if champion_cost is None or not math.isfinite(champion_cost):
        return made(
            False,
            f"the champion (version {champion_version}) has no recorded held-out cost to beat; use --force to promote",
        )
    if new_cost < champion_cost:
        return made(
            True,
            f"held-out cost {new_cost:.4f} per applicant beats the champion's {champion_cost:.4f} "
            f"(version {champion_version})",
        )
    return made(
        False,
        f"held-out cost {new_cost:.4f} per applicant does not beat the champion's {champion_cost:.4f} "
        f"(version {champion_version}); the champion stays",
    )


def current_champion(client: MlflowClient, name: str, alias: str) -> tuple[str, float | None] | None:
    """The version holding the alias and its recorded held-out cost, or None when the alias is not set."""
    try:
        version = client.get_model_version_by_alias(name, alias)
    except MlflowException as exc:
        if "RESOURCE_DOES_NOT_EXIST" in str(exc.error_code) or "INVALID_PARAMETER_VALUE" in str(
            exc.error_code
        ):
            return None
        raise
    cost = version.tags.get(COST_TAG)
    return str(version.version), (float(cost) if cost is not None else None)


def champion_version_is_not(version: str, champion: tuple[str, float | None] | None) -> bool:
    return champion is None or champion[0] != version


def version_cost(client: MlflowClient, name: str, version: str) -> float | None:
    cost = client.get_model_version(name, version).tags.get(COST_TAG)
    return float(cost) if cost is not None else None


def version_baseline(client: MlflowClient, name: str, version: str) -> tuple[float, float] | None:
    """(CV cost, application-only baseline CV cost) recorded on the version, None for a version without them."""
    tags = client.get_model_version(name, version).tags
    if CV_COST_TAG not in tags or BASELINE_COST_TAG not in tags:
        return None
    return float(tags[CV_COST_TAG]), float(tags[BASELINE_COST_TAG])


def promote(
    client: MlflowClient,
    name: str,
    alias: str,
    version: str,
    force: bool = False,
    fairness_override: str | None = None,
) -> PromotionDecision:
    """Apply the rule to a registered version, then the fairness gate (registry.fairness_gate) to a winner; move the
    alias if both agree, record the decisions (and an override's written reason) on the version."""
    fairness_gate.check_override(fairness_override)  # a blank reason is refused before anything is written
    new_cost = version_cost(client, name, version)
    if new_cost is None:
        new_cost = math.inf
    champion = current_champion(client, name, alias)
    decision = decide(
        version,
        new_cost,
        champion[0] if champion else None,
        champion[1] if champion else None,
        force,
        baseline=version_baseline(client, name, version),
    )
    gate = fairness_gate.judge(client.get_model_version(name, version).tags, fairness_override)
    for key, value in gate.tags().items():
        client.set_model_version_tag(name, version, key, value)
    if decision.promote and champion_version_is_not(version, champion):
        decision = dataclasses.replace(
            decision, promote=gate.passed, reason=f"{decision.reason}; {gate.reason}"
        )
    if decision.promote:
        client.set_registered_model_alias(name, alias, version)
    client.set_model_version_tag(
        name, version, DECISION_TAG, "promoted" if decision.promote else "not promoted"
    )
    client.set_model_version_tag(name, version, REASON_TAG, decision.reason)
    return decision
