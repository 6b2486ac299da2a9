"""Drift settings: one object, read from `DRIFT_*` variables (and `MLFLOW_TRACKING_URI`), built in main().

The alert thresholds live here so that an operator tunes the rules without touching code.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from common.paths import PROJECT_DATA
from common.tracking import default_tracking_uri

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str | timedelta | int | float) -> timedelta:
    """'90s', '15m', '24h', '7d', '2w' or a number of seconds -> timedelta."""
    if isinstance(text, timedelta):
        return text
    if isinstance(text, int | float):
        seconds = float(text)
    else:
        match = _DURATION.match(text)
        if match is None:
            if text.strip().isdigit():
                seconds = float(text)
            else:
                raise ValueError(
                    f"'{text}' is not a duration: write a number followed by s, m, h, d or w, "
                    "for example 24h or 7d."
                )
        else:
            seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds <= 0:
        raise ValueError(f"The duration '{text}' must be positive.")
    return timedelta(seconds=seconds)


class DriftSettings(BaseSettings):
    """Where the monitor reads, what it compares, and when it raises an alert."""

    model_config = SettingsConfigDict(env_prefix="DRIFT_", extra="ignore", populate_by_name=True)

    data_root: Path = Field(
        default=PROJECT_DATA, description="Project data folder; the defaults below live under it."
    )
    event_store_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the scoring event store (prediction_events; drift_alerts is "
        "written there too); "
        "empty means sqlite:///<data_root>/events.db.",
    )
    bundle_dir: Path | None = Field(
        default=None,
        description="A local model bundle folder to use as reference; when set, the registry is not "
        "contacted.",
    )
    model_uri: str = Field(
        default="models:/credit-scoring@champion",
        description="Registry URI of the model whose reference sample, threshold and importance are used.",
    )
    tracking_uri: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DRIFT_TRACKING_URI", "MLFLOW_TRACKING_URI"),
        description="MLflow tracking store URI; empty means sqlite:///<data_root>/mlflow.db.",
    )
    status_dir: Path | None = Field(
        default=None,
        description="Folder of latest.json / latest.html (the status analysts open) and latest-report.html; "
        "empty means <data_root>/drift.",
    )
    window: timedelta = Field(
        default=timedelta(hours=24), description="Length of the monitored window, e.g. 1h, 24h, 7d."
    )
    min_events: int = Field(
        default=500,
        ge=1,
        description="Below this many events in the window, the run says so and checks nothing. Above 1,000 "
        "reference rows Evidently measures distances, whose sampling noise alone reaches the 0.1 threshold "
        "for a skewed feature in about a third of 200-event windows and 7% of 500-event ones (docs/drift.md).",
    )
    top_features: int = Field(
        default=20, ge=1, description="How many features, by global importance, make the top set."
    )
    method: str | None = Field(
        default=None,
        description="Evidently drift method for every feature (e.g. psi, wasserstein, jensenshannon, ks); "
        "empty lets Evidently choose by sample size (p-values up to 1,000 rows, distances above).",
    )
    method_threshold: float | None = Field(
        default=None, description="Threshold of that method; empty means the method's own default."
    )
    psi_bins: int = Field(
        default=10, ge=2, description="Quantile bins of the reference score for the score PSI."
    )
    alert_drift_share: float = Field(
        default=0.5, ge=0, le=1, description="Alert when at least this share of the top features drifted."
    )
    alert_weighted_drift: float = Field(
        default=0.3,
        ge=0,
        le=1,
        description="Alert when the importance-weighted drift score reaches this value.",
    )
    alert_score_psi: float = Field(
        default=0.2,
        ge=0,
        description="Alert when the PSI of the score distribution reaches this value (0.2 = major).",
    )
    alert_refusal_rate_change: float = Field(
        default=0.10,
        ge=0,
        le=1,
        description="Alert when the refusal rate moves by at least this much (absolute, 0.10 = 10 points) "
        "from the reference refusal rate at the threshold.",
    )
    alert_grant_rate_ratio: float = Field(
        default=0.8,
        ge=0,
        le=1,
        description="Alert when, for a protected attribute of the policy, the smallest grant rate of a group over the "
        "largest falls under this ratio (groups of at least DRIFT_FAIRNESS_MIN_GROUP events).",
    )
    fairness_min_group: int = Field(
        default=30, ge=1, description="Events a group needs in the window for its grant rate to be judged."
    )
    alert_missing_rate_change: float = Field(
        default=0.20,
        ge=0,
        le=1,
        description="Alert when a feature's missing-value rate rises by at least this much (absolute).",
    )
    webhook_url: str | None = Field(
        default=None,
        description="When set, each alert is POSTed there as JSON (Slack-compatible 'text' field).",
    )
    webhook_timeout: float = Field(
        default=5.0, gt=0, description="Seconds to wait for the webhook to answer."
    )

    @field_validator("window", mode="before")
    @classmethod
    def _window(cls, value: object) -> timedelta:
        if isinstance(value, str | int | float | timedelta):
            return parse_duration(value)
        raise ValueError("window must be a duration such as 24h")

    def resolved_event_store_url(self) -> str:
        return self.event_store_url or f"sqlite:///{(self.data_root / 'events.db').resolve()}"

    def resolved_tracking_uri(self) -> str:
        return self.tracking_uri or default_tracking_uri(self.data_root)

    def resolved_status_dir(self) -> Path:
        return self.status_dir or self.data_root / "drift"
