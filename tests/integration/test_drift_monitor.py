"""The monitor end to end: events written by the event store's own writer (SQLite and PostgreSQL), a tiny
trained bundle as reference, alerts stored in drift_alerts, the status files and a webhook on a local server."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest
from catboost import CatBoostClassifier

from drift.__main__ import main
from drift.alerts import AlertStore
from drift.monitor import EXIT_ALERT, EXIT_ERROR, EXIT_OK, Monitor, run_once
from drift.settings import DriftSettings
from drift.status_files import read_status
from registry.bundle import MODEL_FILE, ModelBundle
from scoring_service.event_store import PredictionEvent
from scoring_service.event_writer import EventWriter

pytestmark = pytest.mark.integration
END = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def small_bundle_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sixteen application-shaped features: Evidently runs in seconds (the full feature set is checked once,
    with the shared tiny bundle, in test_real_feature_set_without_drift)."""
    from tests.bundle_factory import make_random_bundle

    return make_random_bundle(tmp_path_factory.mktemp("drift-bundle"))


def write_events(url: str, bundle_dir: Path, rows: pd.DataFrame, end: datetime = END) -> None:
    """Score `rows` with the bundle's model and log them, spread over the hour before `end`."""
    bundle = ModelBundle.load(bundle_dir)
    meta = bundle.metadata
    model = CatBoostClassifier()
    model.load_model(str(bundle_dir / MODEL_FILE))
    features = rows[meta.features]
    probabilities = model.predict_proba(features)[:, 1]
    writer = EventWriter(url, batch_size=500, flush_seconds=0.05)
    writer.start()
    step = 3600 / max(len(rows), 1)
    for i, (values, p) in enumerate(zip(features.itertuples(index=False), probabilities, strict=True)):
        writer.submit(
            PredictionEvent(
                event_time=(end - timedelta(seconds=3600 - i * step)).timestamp(),
                request_id=uuid.uuid4().hex,
                client_id=None,
                model_version=meta.version,
                feature_names=meta.features,
                feature_values=list(values),
                probability=float(p),
                decision="refused" if p >= meta.threshold else "granted",
                threshold=meta.threshold,
                latency_ms=1.0,
                explained=False,
            )
        )
    writer.stop()
    assert writer.stats()["events_written"] == len(rows)


def unchanged(bundle_dir: Path) -> pd.DataFrame:
    return ModelBundle.load(bundle_dir).reference  # the reference itself: no drift at all


def shifted(bundle_dir: Path) -> pd.DataFrame:
    """New clients borrowing three times more, with external score 3 mostly missing."""
    rows = ModelBundle.load(bundle_dir).reference.copy()
    rows["AMT_CREDIT"] = rows["AMT_CREDIT"] * 3
    rows["AMT_ANNUITY"] = rows["AMT_ANNUITY"] * 3
    rows["AMT_GOODS_PRICE"] = rows["AMT_GOODS_PRICE"] * 3
    rows["EXT_SOURCE_2"] = rows["EXT_SOURCE_2"] * 0.3
    rows.loc[rows.index[: int(len(rows) * 0.8)], "EXT_SOURCE_3"] = np.nan
    return rows


def settings_for(url: str, bundle_dir: Path, tmp_path: Path, **extra) -> DriftSettings:
    return DriftSettings(
        event_store_url=url,
        bundle_dir=bundle_dir,
        status_dir=tmp_path / "drift",
        window=timedelta(hours=2),
        min_events=100,
        **extra,
    )


@pytest.fixture()
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'events.db'}"


class Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        Hook.received.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture()
def webhook():
    server = HTTPServer(("127.0.0.1", 0), Hook)
    Hook.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", Hook.received
    server.shutdown()
    server.server_close()


def test_grant_rates_drifting_apart_between_groups_raise_the_fairness_alert(
    sqlite_url: str, small_bundle_dir: Path, tmp_path: Path
) -> None:
    """Single clients arriving with very low external scores are refused far more often: the window's grant
    rates by family status (from the logged model inputs) fall under the bound; gender, no model input, is not
    in the events and is not measured."""
    rows = unchanged(small_bundle_dir).copy()
    single = rows["NAME_FAMILY_STATUS"] == "Single / not married"
    rows.loc[single, ["EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3", "EXT_SOURCE_MEAN"]] = 0.01
    write_events(sqlite_url, small_bundle_dir, rows)
    outcome = run_once(Monitor(settings_for(sqlite_url, small_bundle_dir, tmp_path)), END)
    assert outcome.checks is not None
    family = outcome.checks.grant_rates["family_status"]
    assert "Single / not married" in family.judged and family.ratio < 0.8
    assert family.grant_rates["Single / not married"] == min(family.grant_rates[g] for g in family.judged)
    assert "gender" not in outcome.checks.grant_rates
    fired = {a.rule: a for a in outcome.alerts}
    assert "grant_rate_ratio" in fired and "family_status" in fired["grant_rate_ratio"].details
    assert outcome.exit_code == EXIT_ALERT
    stored = read_status(tmp_path / "drift")["checks"]["grant_rates_by_group"]
    assert stored["family_status"]["ratio"] == pytest.approx(family.ratio)


def test_no_shift_no_alert_on_sqlite(sqlite_url: str, small_bundle_dir: Path, tmp_path: Path) -> None:
    write_events(sqlite_url, small_bundle_dir, unchanged(small_bundle_dir))
    settings = settings_for(sqlite_url, small_bundle_dir, tmp_path)
    outcome = run_once(Monitor(settings), END)
    assert outcome.exit_code == EXIT_OK, outcome.message
    assert outcome.alerts == [] and outcome.checks is not None
    assert outcome.checks.drift.drifted == ()
    assert outcome.checks.score_psi == pytest.approx(0.0, abs=1e-9)
    assert outcome.checks.refusal_rate == pytest.approx(outcome.checks.reference_refusal_rate)
    status = read_status(tmp_path / "drift")
    assert status["status"] == "ok" and status["events"] == 400
    assert (tmp_path / "drift" / "latest.html").is_file() and (
        tmp_path / "drift" / "latest-report.html"
    ).is_file()
    assert AlertStore(sqlite_url).recent() == []


def test_planted_shift_alerts_stored_logged_and_posted(
    sqlite_url: str, small_bundle_dir: Path, tmp_path: Path, webhook, caplog
) -> None:
    url, received = webhook
    write_events(sqlite_url, small_bundle_dir, shifted(small_bundle_dir))
    settings = settings_for(sqlite_url, small_bundle_dir, tmp_path, webhook_url=url)
    outcome = run_once(Monitor(settings), END)
    assert outcome.exit_code == EXIT_ALERT
    checks = outcome.checks
    assert checks is not None
    # values moved exactly where planted; the values left in EXT_SOURCE_3 keep their distribution, so its
    # change is caught by the missing-value rate, not by the drift test
    assert set(checks.drift.drifted) == {"AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE", "EXT_SOURCE_2"}
    assert checks.missing_rates["EXT_SOURCE_3"].change > 0.5
    assert 0 < checks.drift.weighted_score < 1
    rules = {a.rule for a in outcome.alerts}
    assert {"score_psi", "refusal_rate_change", "missing_rate_increase"} <= rules
    missing = next(a for a in outcome.alerts if a.rule == "missing_rate_increase")
    assert missing.details == ("EXT_SOURCE_3",)
    stored = AlertStore(sqlite_url).recent()
    assert {r["rule"] for r in stored} == rules
    assert all(r["events"] == 400 and r["model_version"] == "1" for r in stored)
    assert "drift alert score_psi" in caplog.text
    assert outcome.webhook == "sent" and len(received) == 1
    assert {a["rule"] for a in received[0]["alerts"]} == rules and received[0]["text"].startswith(
        "Drift alert"
    )
    assert read_status(tmp_path / "drift")["status"] == "alert"


def test_empty_and_small_windows_say_so(sqlite_url: str, small_bundle_dir: Path, tmp_path: Path) -> None:
    settings = settings_for(sqlite_url, small_bundle_dir, tmp_path)
    empty = run_once(Monitor(settings), END)
    assert (empty.status, empty.exit_code, empty.events) == ("insufficient_data", EXIT_OK, 0)
    assert "Only 0 scored request(s)" in empty.message
    write_events(sqlite_url, small_bundle_dir, shifted(small_bundle_dir).head(40))
    small = run_once(Monitor(settings), END)
    assert (small.status, small.exit_code, small.events) == ("insufficient_data", EXIT_OK, 40)
    assert small.alerts == [] and "at least 100" in small.message
    assert read_status(tmp_path / "drift")["status"] == "insufficient_data"
    later = run_once(Monitor(settings), END + timedelta(hours=5))  # the events are outside this window
    assert later.events == 0


def test_command_line_exit_codes(sqlite_url: str, small_bundle_dir: Path, tmp_path: Path) -> None:
    write_events(sqlite_url, small_bundle_dir, shifted(small_bundle_dir))
    common = ["--event-store-url", sqlite_url, "--status-dir", str(tmp_path / "s"), "--min-events", "100"]
    argv = ["monitor", "--bundle", str(small_bundle_dir), "--window", "2h", "--end", END.isoformat(), *common]
    assert main(argv) == EXIT_ALERT
    quiet = [
        "monitor",
        "--bundle",
        str(small_bundle_dir),
        "--window",
        "1h",
        "--end",
        "2026-03-01T00:00",
        *common,
    ]
    assert main(quiet) == EXIT_OK
    missing = ["monitor", "--bundle", str(tmp_path / "nowhere"), "--end", END.isoformat(), *common]
    assert main(missing) == EXIT_ERROR
    status = read_status(tmp_path / "s")
    assert status["status"] == "error" and "bundle.json" in status["message"]
    assert main(["monitor", "--window", "soon", *common]) == EXIT_ERROR


@pytest.mark.postgres
def test_planted_shift_on_postgresql(postgres_db_url: str, small_bundle_dir: Path, tmp_path: Path) -> None:
    write_events(postgres_db_url, small_bundle_dir, shifted(small_bundle_dir))
    settings = settings_for(postgres_db_url, small_bundle_dir, tmp_path)
    outcome = run_once(Monitor(settings), END)
    assert outcome.exit_code == EXIT_ALERT
    assert outcome.events == 400
    store = AlertStore(postgres_db_url)
    try:
        stored = store.recent()
    finally:
        store.close()
    assert {r["rule"] for r in stored} == {a.rule for a in outcome.alerts}
    assert stored[0]["window_end"] == END


@pytest.mark.postgres
def test_no_shift_on_postgresql(postgres_db_url: str, small_bundle_dir: Path, tmp_path: Path) -> None:
    write_events(postgres_db_url, small_bundle_dir, unchanged(small_bundle_dir))
    outcome = run_once(Monitor(settings_for(postgres_db_url, small_bundle_dir, tmp_path)), END)
    assert outcome.exit_code == EXIT_OK and outcome.alerts == []


def test_real_feature_set_without_drift(sqlite_url: str, tiny_bundle_dir: Path, tmp_path: Path) -> None:
    """The bundle built by the product's own feature code (hundreds of features, 'MISSING' categories)."""
    write_events(sqlite_url, tiny_bundle_dir, unchanged(tiny_bundle_dir))
    outcome = run_once(Monitor(settings_for(sqlite_url, tiny_bundle_dir, tmp_path)), END)
    assert outcome.checks is not None and outcome.checks.drift.tested > 100
    assert outcome.checks.drift.drifted == ()
    # no drift rule fires; the grant rates by group are the tiny model's own (its family-status ratio on its
    # training clients sits near the 0.8 bound), a property of the model that the fairness rule reports, not drift
    assert [a.rule for a in outcome.alerts if a.rule != "grant_rate_ratio"] == [], outcome.message
    assert set(outcome.checks.grant_rates) == {"age_band", "family_status"}  # gender is no model input


def test_every_loop_writes_status_and_stops_on_sigterm(
    sqlite_url: str, small_bundle_dir: Path, tmp_path: Path
) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    status_dir = tmp_path / "loop"
    env = {**os.environ, "DRIFT_STATUS_DIR": str(status_dir), "DRIFT_MIN_EVENTS": "10"}
    argv = ["monitor", "--every", "0.2", "--bundle", str(small_bundle_dir), "--event-store-url", sqlite_url]
    process = subprocess.Popen([sys.executable, "-m", "drift", *argv], env=env, cwd=Path(__file__).parents[2])
    try:
        deadline = time.monotonic() + 60
        while not (status_dir / "latest.json").is_file() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert read_status(status_dir)["status"] == "insufficient_data"  # an empty store, said plainly
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == EXIT_OK
    finally:
        if process.poll() is None:
            process.kill()


def test_reference_from_the_registry_alias(sqlite_url: str, small_bundle_dir: Path, tmp_path: Path) -> None:
    """DRIFT_MODEL_URI models:/credit-scoring@champion through a real MLflow registry (SQLite), as compose runs it;
    the downloaded copy of the bundle does not outlive the run."""
    import tempfile

    import mlflow
    from mlflow.tracking import MlflowClient

    from registry.registration import log_bundle_model, register

    tracking_uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(tracking_uri)
    try:
        experiment = mlflow.create_experiment("drift", artifact_location=(tmp_path / "artifacts").as_uri())
        with mlflow.start_run(experiment_id=experiment):
            model_uri = log_bundle_model(small_bundle_dir)
        version = register(model_uri, "credit-scoring", holdout_cost=0.5)
        MlflowClient(tracking_uri=tracking_uri).set_registered_model_alias(
            "credit-scoring", "champion", version
        )
    finally:
        mlflow.set_tracking_uri(previous)
    write_events(sqlite_url, small_bundle_dir, shifted(small_bundle_dir))
    settings = DriftSettings(
        event_store_url=sqlite_url,
        model_uri="models:/credit-scoring@champion",
        tracking_uri=tracking_uri,
        status_dir=tmp_path / "drift",
        window=timedelta(hours=2),
        min_events=100,
    )
    before = set(Path(tempfile.gettempdir()).glob("drift-bundle-*"))
    outcome = run_once(Monitor(settings), END)
    assert outcome.exit_code == EXIT_ALERT, outcome.message
    assert (
        read_status(tmp_path / "drift")["model_version"]
        == ModelBundle.load(small_bundle_dir).metadata.version
    )
    assert set(Path(tempfile.gettempdir()).glob("drift-bundle-*")) == before
    missing = settings.model_copy(update={"model_uri": "models:/credit-scoring@nobody"})
    failed = run_once(Monitor(missing), END)
    assert failed.exit_code == EXIT_ERROR and "could not run" in failed.message
