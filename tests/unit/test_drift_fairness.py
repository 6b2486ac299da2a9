"""Grant rates by group in a monitoring window, from logged decisions, and the alert under the bound."""

from __future__ import annotations

import pandas as pd
import pytest

from drift.alerts import evaluate
from drift.fairness import grant_rates_by_group
from drift.settings import DriftSettings
from tests.unit.test_drift_alerts import SETTINGS, checks
from training.features.protected import load_policy


def _events() -> pd.DataFrame:
    """100 married clients, 80 granted; 100 single, 50 granted; 10 widows, all refused (too few to judge)."""
    status = ["Married"] * 100 + ["Single / not married"] * 100 + ["Widow"] * 10
    granted = [True] * 80 + [False] * 20 + [True] * 50 + [False] * 50 + [False] * 10
    return pd.DataFrame(
        {
            "NAME_FAMILY_STATUS": status,
            "DAYS_BIRTH": [-40 * 365.25] * 210,
            "AMT_CREDIT": 1.0,
            "decision": ["granted" if g else "refused" for g in granted],
        }
    )


def test_grant_rates_by_group_from_logged_decisions() -> None:
    grants = grant_rates_by_group(_events(), load_policy(), min_group=30)
    family = grants["family_status"]
    assert family.grant_rates == {"Married": 0.8, "Single / not married": 0.5, "Widow": 0.0}
    assert family.judged == ("Married", "Single / not married") and family.ratio == pytest.approx(0.625)
    assert "gender" not in grants  # excluded from the model: not in the events, never reconstructed
    assert (
        grants["age_band"].judged == ("35-44",) and grants["age_band"].ratio != grants["age_band"].ratio
    )  # NaN


def test_the_alert_fires_under_the_bound_only() -> None:
    grants = grant_rates_by_group(_events(), load_policy(), min_group=30)
    fired = {a.rule: a for a in evaluate(checks(grant_rates=grants), SETTINGS)}
    assert "grant_rate_ratio" in fired and "family_status 0.62" in fired["grant_rate_ratio"].message
    assert fired["grant_rate_ratio"].details == ("family_status",)
    lenient = SETTINGS.model_copy(update={"alert_grant_rate_ratio": 0.6})
    assert "grant_rate_ratio" not in {a.rule for a in evaluate(checks(grant_rates=grants), lenient)}
    assert checks(grant_rates=grants).to_dict()["grant_rates_by_group"]["family_status"]["ratio"] == 0.625
    assert DriftSettings().alert_grant_rate_ratio == 0.8
