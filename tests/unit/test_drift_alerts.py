"""Alert rules on hand-made window figures, the status files, and the settings' durations."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from drift.alerts import evaluate
from drift.checks import MissingRate, WindowChecks, missing_share, refusal_rate
from drift.settings import DriftSettings, parse_duration
from drift.status_files import read_status, render_html, write_status
from drift.summary import ColumnDrift, DriftSummary, weighted_drift_score

END = datetime(2026, 1, 31, tzinfo=UTC)


def summary(drifted: dict[str, bool], importance: dict[str, float]) -> DriftSummary:
    return DriftSummary(
        tuple(
            ColumnDrift(c, "K-S p_value", 0.05, 0.01 if d else 0.5, d, importance.get(c, 0.0))
            for c, d in drifted.items()
        )
    )


def checks(**changes) -> WindowChecks:
    base = dict(
        start=END - timedelta(days=1),
        end=END,
        events=500,
        model_versions=("3",),
        drift=summary(
            {"a": False, "b": False, "c": False, "d": False}, {"a": 0.4, "b": 0.3, "c": 0.2, "d": 0.1}
        ),
        top_features=("a", "b"),
        score_psi=0.01,
        refusal_rate=0.20,
        reference_refusal_rate=0.18,
        threshold=0.3,
        missing_rates={"a": MissingRate(0.1, 0.12)},
    )
    base.update(changes)
    return WindowChecks(**base)


SETTINGS = DriftSettings(
    alert_drift_share=0.5,
    alert_weighted_drift=0.3,
    alert_score_psi=0.2,
    alert_refusal_rate_change=0.1,
    alert_missing_rate_change=0.2,
)


def test_quiet_window_fires_nothing() -> None:
    assert evaluate(checks(), SETTINGS) == []


def test_each_rule_fires_alone_at_its_threshold() -> None:
    imp = {"a": 0.4, "b": 0.3, "c": 0.2, "d": 0.1}
    cases = {
        # one of the two top features drifted (50%), carrying 29% of the importance (< 30%)
        "feature_drift_share": checks(
            drift=summary({"a": False, "b": True, "c": False, "d": False}, {**imp, "b": 0.29}),
        ),
        "weighted_drift": checks(drift=summary({"a": False, "b": False, "c": True, "d": True}, imp)),
        "score_psi": checks(score_psi=0.2),
        "refusal_rate_change": checks(refusal_rate=0.08, reference_refusal_rate=0.18),
        "missing_rate_increase": checks(
            missing_rates={"a": MissingRate(0.1, 0.3), "b": MissingRate(0.0, 0.1)}
        ),
    }
    for rule, window in cases.items():
        fired = evaluate(window, SETTINGS)
        assert [a.rule for a in fired] == [rule], rule
    missing = evaluate(cases["missing_rate_increase"], SETTINGS)[0]
    assert missing.details == ("a",) and missing.value == pytest.approx(0.2)


def test_just_below_thresholds_fires_nothing() -> None:
    window = checks(score_psi=0.199, refusal_rate=0.279, missing_rates={"a": MissingRate(0.1, 0.29)})
    assert evaluate(window, SETTINGS) == []


def test_thresholds_come_from_settings() -> None:
    window = checks(score_psi=0.15)
    assert evaluate(window, SETTINGS) == []
    assert [a.rule for a in evaluate(window, DriftSettings(alert_score_psi=0.1))] == ["score_psi"]


def test_weighted_score() -> None:
    assert weighted_drift_score({"a": True, "b": False}, {"a": 3.0, "b": 1.0}) == pytest.approx(0.75)
    assert weighted_drift_score({"a": True, "b": False, "c": False}, {}) == pytest.approx(1 / 3)
    assert weighted_drift_score({"a": False, "z": True}, {"a": 1.0}) == 0.0  # no importance, no weight
    assert weighted_drift_score({}, {"a": 1.0}) == 0.0
    s = summary({"a": True, "b": True, "c": False, "d": False}, {"a": 0.4, "b": 0.3, "c": 0.2, "d": 0.1})
    assert s.weighted_score == pytest.approx(0.7) and s.share_drifted == 0.5


def test_refusal_and_missing_rates() -> None:
    assert refusal_rate([0.1, 0.3, 0.5, 0.9], 0.3) == 0.75  # at the threshold counts as refused
    import pandas as pd

    assert missing_share(pd.Series(["F", "nan", None, "M"]), "nan") == 0.5
    assert missing_share(pd.Series([1.0, None, 3.0, 4.0])) == 0.25


def test_durations() -> None:
    assert parse_duration("24h") == timedelta(hours=24)
    assert parse_duration("90s") == timedelta(seconds=90)
    assert parse_duration("7d") == timedelta(days=7)
    assert DriftSettings(window="15m").window == timedelta(minutes=15)
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration("tomorrow")


def test_settings_from_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("DRIFT_WINDOW", "2h")
    monkeypatch.setenv("DRIFT_ALERT_SCORE_PSI", "0.25")
    monkeypatch.setenv("DRIFT_DATA_ROOT", str(tmp_path))
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://mlflow:5000")
    settings = DriftSettings()
    assert settings.window == timedelta(hours=2) and settings.alert_score_psi == 0.25
    assert settings.resolved_tracking_uri() == "http://mlflow:5000"
    assert settings.resolved_status_dir() == tmp_path / "drift"
    assert settings.resolved_event_store_url() == f"sqlite:///{tmp_path.resolve() / 'events.db'}"
    assert (
        DriftSettings(tracking_uri="sqlite:///x.db").resolved_tracking_uri() == "sqlite:///x.db"
    )  # by name too


def test_status_files_json_and_html(tmp_path) -> None:
    window = checks(score_psi=0.3)
    alerts = evaluate(window, SETTINGS)
    status = {
        "status": "alert",
        "message": "1 drift alert <b>",
        "events": 500,
        "model_version": "3",
        "alerts": [a.to_dict() for a in alerts],
        "checks": window.to_dict(),
        "report": "latest-report.html",
    }
    json_path, html_path = write_status(tmp_path, status)
    assert read_status(tmp_path)["alerts"][0]["rule"] == "score_psi"
    assert json.loads(json_path.read_text())["checks"]["score_psi"] == 0.3
    page = html_path.read_text()
    assert "Alerte de dérive" in page and "&lt;b&gt;" in page and "latest-report.html" in page
    with pytest.raises(ValueError, match="Unknown drift status"):
        write_status(tmp_path, {"status": "fine", "message": ""})
    assert "Pas assez de scores" in render_html({"status": "insufficient_data", "message": "only 3"})
