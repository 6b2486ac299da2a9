"""The figures one monitoring window produces, and the plain computations behind the non-Evidently ones.

Kept apart from the rules (alerts.py) and from the I/O (monitor.py) so each is tested on hand-made numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from drift.fairness import GroupGrants
from drift.summary import DriftSummary


@dataclass(frozen=True)
class MissingRate:
    reference: float
    current: float

    @property
    def change(self) -> float:
        return self.current - self.reference


@dataclass(frozen=True)
class WindowChecks:
    """Everything measured on one window of logged predictions against the model's reference."""

    start: datetime
    end: datetime
    events: int
    model_versions: tuple[str, ...]
    drift: DriftSummary  # every model feature
    top_features: tuple[str, ...]
    score_psi: float
    refusal_rate: float
    reference_refusal_rate: float
    threshold: float
    missing_rates: Mapping[str, MissingRate] = field(default_factory=dict)
    grant_rates: Mapping[str, GroupGrants] = field(default_factory=dict)  # protected attribute -> by group

    @property
    def top_drift(self) -> DriftSummary:
        return self.drift.restricted(self.top_features)

    @property
    def refusal_rate_change(self) -> float:
        return self.refusal_rate - self.reference_refusal_rate

    def to_dict(self) -> dict[str, Any]:
        top = self.top_drift
        return {
            "window": {"start": self.start.isoformat(), "end": self.end.isoformat()},
            "events": self.events,
            "model_versions": list(self.model_versions),
            "feature_drift": {
                "all": self.drift.to_dict(),
                "top": {
                    "features": list(self.top_features),
                    "drifted": list(top.drifted),
                    "share_drifted": top.share_drifted,
                    "weighted_score": top.weighted_score,
                },
            },
            "score_psi": self.score_psi,
            "refusal_rate": self.refusal_rate,
            "reference_refusal_rate": self.reference_refusal_rate,
            "refusal_rate_change": self.refusal_rate_change,
            "threshold": self.threshold,
            "missing_rates": {
                c: {"reference": m.reference, "current": m.current, "change": m.change}
                for c, m in self.missing_rates.items()
            },
            "grant_rates_by_group": {a: g.to_dict() for a, g in self.grant_rates.items()},
        }


def refusal_rate(probabilities: Iterable[float], threshold: float) -> float:
    """Share of scores at or above the threshold: the clients the decision rule refuses."""
    values = np.asarray(list(probabilities), dtype=float)
    values = values[~np.isnan(values)]
    if values.size == 0:
        raise ValueError("No score to compute a refusal rate from.")
    return float(np.mean(values >= threshold))


def missing_share(values: pd.Series, missing_token: str | None = None) -> float:
    """Share of missing values; a categorical's placeholder level (e.g. 'nan') counts as missing."""
    if len(values) == 0:
        return 0.0
    missing = values.isna()
    if missing_token is not None and values.dtype == object:
        missing = missing | (values == missing_token)
    return float(missing.mean())


def missing_rates(
    reference: pd.DataFrame, current: pd.DataFrame, columns: Iterable[str], missing_token: str | None = None
) -> dict[str, MissingRate]:
    return {
        c: MissingRate(missing_share(reference[c], missing_token), missing_share(current[c], missing_token))
        for c in columns
    }
