"""Alert rules (thresholds from the settings), the `drift_alerts` table, and the optional webhook.

An alert is always stored and logged; the webhook is a copy for people, so its failure is logged and reported
in the status file but does not hide the alert.
"""

from __future__ import annotations

import json
import logging
import math
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from drift.checks import WindowChecks
from drift.settings import DriftSettings

log = logging.getLogger("drift.alerts")

ALERTS_TABLE = "drift_alerts"
_metadata = sa.MetaData()
drift_alerts = sa.Table(
    ALERTS_TABLE,
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
    sa.Column("window_end", sa.DateTime(timezone=True), nullable=False),
    sa.Column("rule", sa.String(64), nullable=False),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("threshold", sa.Float, nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("model_version", sa.String(64), nullable=True),
    sa.Column("events", sa.Integer, nullable=False),
    sa.Column("details", sa.Text, nullable=False),  # JSON: the columns concerned
)


@dataclass(frozen=True)
class Alert:
    rule: str
    value: float
    threshold: float
    message: str
    details: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "details": list(self.details)}


def reached(value: float, threshold: float) -> bool:
    """value >= threshold, forgiving the float noise of a difference (0.18 - 0.08 is 0.0999...)."""
    return value >= threshold - 1e-9


def evaluate(checks: WindowChecks, settings: DriftSettings) -> list[Alert]:
    """Every rule whose threshold the window reached, in a fixed order."""
    found = (rule(checks, settings) for rule in RULES)
    return [alert for alert in found if alert is not None]


def _feature_drift_share(checks: WindowChecks, settings: DriftSettings) -> Alert | None:
    top = checks.top_drift
    if not (top.tested and reached(top.share_drifted, settings.alert_drift_share)):
        return None
    return Alert(
        "feature_drift_share",
        top.share_drifted,
        settings.alert_drift_share,
        f"{len(top.drifted)} of the {top.tested} most important features drifted "
        f"({top.share_drifted:.0%} >= {settings.alert_drift_share:.0%}): {', '.join(top.drifted)}.",
        top.drifted,
    )


def _weighted_drift(checks: WindowChecks, settings: DriftSettings) -> Alert | None:
    weighted = checks.drift.weighted_score
    if not (checks.drift.tested and reached(weighted, settings.alert_weighted_drift)):
        return None
    return Alert(
        "weighted_drift",
        weighted,
        settings.alert_weighted_drift,
        f"Drifted features carry {weighted:.0%} of the model's importance "
        f"(alert at {settings.alert_weighted_drift:.0%}).",
        checks.drift.drifted,
    )


def _score_psi(checks: WindowChecks, settings: DriftSettings) -> Alert | None:
    if not reached(checks.score_psi, settings.alert_score_psi):
        return None
    return Alert(
        "score_psi",
        checks.score_psi,
        settings.alert_score_psi,
        f"The score distribution moved: PSI {checks.score_psi:.3f} >= {settings.alert_score_psi}.",
    )


def _refusal_rate_change(checks: WindowChecks, settings: DriftSettings) -> Alert | None:
    change = checks.refusal_rate_change
    if not reached(abs(change), settings.alert_refusal_rate_change):
        return None
    return Alert(
        "refusal_rate_change",
        change,
        settings.alert_refusal_rate_change,
        f"The refusal rate is {checks.refusal_rate:.1%} against {checks.reference_refusal_rate:.1%} "
        f"on the reference at threshold {checks.threshold:.3f} ({change:+.1%}).",
    )


def _missing_rate_increase(checks: WindowChecks, settings: DriftSettings) -> Alert | None:
    rising = {
        c: m for c, m in checks.missing_rates.items() if reached(m.change, settings.alert_missing_rate_change)
    }
    if not rising:
        return None
    worst = max(m.change for m in rising.values())
    listed = ", ".join(f"{c} {m.reference:.0%} -> {m.current:.0%}" for c, m in rising.items())
    return Alert(
        "missing_rate_increase",
        worst,
        settings.alert_missing_rate_change,
        f"Missing values rose in {len(rising)} feature(s): {listed}.",
        tuple(rising),
    )


def _grant_rate_ratio(checks: WindowChecks, settings: DriftSettings) -> Alert | None:
    """Fairness in production: the grant rates of a protected attribute's groups drifted apart."""
    under = {
        a: g
        for a, g in checks.grant_rates.items()
        if not math.isnan(g.ratio) and g.ratio < settings.alert_grant_rate_ratio
    }
    if not under:
        return None
    worst = min(g.ratio for g in under.values())
    listed = "; ".join(
        f"{a} {g.ratio:.2f} (" + ", ".join(f"{k} {g.grant_rates[k]:.0%}" for k in g.judged) + ")"
        for a, g in under.items()
    )
    return Alert(
        "grant_rate_ratio",
        worst,
        settings.alert_grant_rate_ratio,
        f"Grant rates between groups fell under the ratio {settings.alert_grant_rate_ratio:g}: {listed}.",
        tuple(under),
    )


RULES = (
    _feature_drift_share,
    _weighted_drift,
    _score_psi,
    _refusal_rate_change,
    _missing_rate_increase,
    _grant_rate_ratio,
)


class AlertStore:
    """The `drift_alerts` table in the event store's database (its schema is owned here)."""

    def __init__(self, url: str) -> None:
        self.engine = sa.create_engine(url)

    def create(self) -> None:
        _metadata.create_all(self.engine, tables=[drift_alerts])

    def save(self, alerts: list[Alert], checks: WindowChecks, now: datetime | None = None) -> None:
        if not alerts:
            return
        self.create()
        created = now or datetime.now(UTC)
        version = ",".join(checks.model_versions) or None
        rows = [
            {
                "created_at": created,
                "window_start": checks.start,
                "window_end": checks.end,
                "rule": a.rule,
                "value": a.value,
                "threshold": a.threshold,
                "message": a.message,
                "model_version": version,
                "events": checks.events,
                "details": json.dumps(list(a.details)),
            }
            for a in alerts
        ]
        with self.engine.begin() as conn:
            conn.execute(drift_alerts.insert(), rows)

    def recent(self, limit: int = 50) -> list[dict[str, Any]]:
        self.create()
        query = sa.select(drift_alerts).order_by(drift_alerts.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def close(self) -> None:
        self.engine.dispose()


def log_alerts(alerts: list[Alert]) -> None:
    for alert in alerts:
        log.warning("drift alert %s: %s", alert.rule, alert.message)


def post_webhook(url: str, alerts: list[Alert], checks: WindowChecks, timeout: float) -> None:
    """One POST per run listing its alerts; 'text' makes it readable in Slack or Teams incoming webhooks."""
    text = f"Drift alert on {checks.start:%Y-%m-%d %H:%M} -> {checks.end:%Y-%m-%d %H:%M} UTC " + (
        f"({checks.events} scores): " + " ".join(a.message for a in alerts)
    )
    body = json.dumps(
        {
            "text": text,
            "window": {"start": checks.start.isoformat(), "end": checks.end.isoformat()},
            "events": checks.events,
            "alerts": [a.to_dict() for a in alerts],
        }
    ).encode()
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise WebhookError(
            f"The drift webhook {url} did not accept the alert ({exc}); check DRIFT_WEBHOOK_URL."
        ) from exc


class WebhookError(Exception):
    """The webhook refused or could not be reached."""
