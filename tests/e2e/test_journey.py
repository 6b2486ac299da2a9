"""The whole journey, each part started with the command its compose service runs, as local processes:
an MLflow tracking server on PostgreSQL, the one-shot trainer, the scoring service, the dashboard under gunicorn,
a browser that looks a client up, the events in PostgreSQL, and the drift monitor over them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from dash_app.auth import hash_password
from scoring_service.client import ScoringClient
from scoring_service.domain import ClientFilters
from tests.e2e.dashboard_support import PASSWORD, USER, log_in, look_up, screenshot
from tests.server_support import free_port, score_first_of

pytestmark = [pytest.mark.e2e, pytest.mark.integration]
TOKEN = "journey-token"


@contextmanager
def _process(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()


def _wait_until(check, what: str, process: subprocess.Popen, log: Path, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{what} exited with {process.returncode}:\n{log.read_text()[-3000:]}"
        if check():
            return
        time.sleep(0.5)
    pytest.fail(f"{what} not ready after {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def test_train_register_serve_score_browse_log_and_monitor(
    tmp_path: Path, postgres_db_url: str, chromium_path: str, dash_br
) -> None:
    base_env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SCORING_", "DASH_", "DRIFT_", "TRAINING_"))
    }
    mlflow_port, grpc_port, dash_port, metrics_port = (free_port() for _ in range(4))
    tracking = f"http://127.0.0.1:{mlflow_port}"
    env = {**base_env, "MLFLOW_TRACKING_URI": tracking, "TRAINING_DATA_ROOT": str(tmp_path / "data")}

    mlflow_log = tmp_path / "mlflow.log"
    mlflow_cmd = [
        sys.executable, "-m", "mlflow", "server", "--host", "127.0.0.1", "--port", str(mlflow_port),
        "--backend-store-uri", postgres_db_url, "--artifacts-destination", str(tmp_path / "mlartifacts"),
        "--serve-artifacts", "--workers", "1",
    ]  # fmt: skip
    with _process(mlflow_cmd, base_env, mlflow_log) as mlflow_server:
        _wait_until(lambda: _http_ok(f"{tracking}/health"), "MLflow server", mlflow_server, mlflow_log)
        _train(env)

        scoring_log = tmp_path / "scoring.log"
        address = f"127.0.0.1:{grpc_port}"
        scoring_env = {
            **env,
            "SCORING_ADDRESS": address,
            "SCORING_MODEL_URI": "models:/credit-scoring@champion",
            "SCORING_EVENT_STORE_URL": postgres_db_url,
            "SCORING_TOKEN": TOKEN,
            "SCORING_METRICS_PORT": str(metrics_port),
        }
        with _process([sys.executable, "-m", "scoring_service"], scoring_env, scoring_log) as scoring:
            probe = [sys.executable, "-m", "scoring_service.healthcheck", "--address", address]
            serving = lambda: subprocess.run(probe, capture_output=True).returncode == 0  # noqa: E731
            _wait_until(serving, "scoring service", scoring, scoring_log)
            client_id = _score_over_grpc(address)
            _browse(dash_br, env, address, dash_port, client_id, tmp_path)
        assert scoring.returncode == 0, scoring_log.read_text()[-3000:]

        # Every Score is in the event store, the graceful stop included: ours and the dashboard's.
        assert _events_logged(postgres_db_url) >= 2
        _monitor(env, postgres_db_url, tmp_path / "drift")


def _train(env: dict[str, str]) -> None:
    """The one-shot trainer: generates tiny data, trains, registers and sets the alias through the server."""
    trainer = subprocess.run(
        [
            sys.executable,
            "-m",
            "training",
            "run",
            "--profile",
            "tiny",
            "--clients",
            "800",
            "--no-progress",
            "--fairness-override",
            "End-to-end test on generated data: no applicant is decided on",
        ],
        env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert trainer.returncode == 0, trainer.stdout[-3000:] + trainer.stderr[-3000:]


def _score_over_grpc(address: str) -> int:
    """Search, Score with reasons and ScoreBatch through the typed client; returns the client scored."""
    with ScoringClient(address, token=TOKEN, timeout=10.0) as client:
        page = client.search_clients(ClientFilters(), page=0, page_size=5)
        client_id = score_first_of(client, page)
        batch = list(client.score_batch([c.client_id for c in page.clients]))
        assert [r.client_id for r in batch] == [c.client_id for c in page.clients]
    return client_id


def _browse(
    dash_br: Any, env: dict[str, str], address: str, dash_port: int, client_id: int, tmp_path: Path
) -> None:
    """The dashboard under gunicorn: log in, look the client up; the service token never reaches the browser."""
    dash_log = tmp_path / "dashboard.log"
    dash_env = {
        **env,
        "DASH_SCORING_ADDRESS": address,
        "DASH_SCORING_TOKEN": TOKEN,
        "DASH_SECRET_KEY": "journey-secret",
        "DASH_ACCOUNTS": json.dumps({USER: hash_password(PASSWORD)}),
        "DASH_USERS_FILE": str(tmp_path / "no-users-file.json"),
        "DASH_SESSION_STORE": str(tmp_path / "sessions.db"),
    }
    gunicorn = [
        sys.executable, "-m", "gunicorn", "dash_app.wsgi:server",
        "--bind", f"127.0.0.1:{dash_port}", "--workers", "1", "--timeout", "120",
    ]  # fmt: skip
    with _process(gunicorn, dash_env, dash_log) as dashboard:
        base_url = f"http://127.0.0.1:{dash_port}"
        _wait_until(lambda: _http_ok(f"{base_url}/login"), "dashboard", dashboard, dash_log)
        log_in(dash_br.driver, base_url)
        look_up(dash_br.driver, client_id)
        assert TOKEN not in dash_br.driver.page_source, "the service token must never reach the browser"
        artifacts = Path(__file__).resolve().parents[2] / "test-artifacts" / "journey"
        artifacts.mkdir(parents=True, exist_ok=True)
        screenshot(dash_br.driver, artifacts / "client.png")


def _events_logged(db_url: str) -> int:
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        logged = int(conn.execute(sa.text("select count(*) from prediction_events")).scalar_one())
    engine.dispose()
    return logged


def _monitor(env: dict[str, str], db_url: str, status_dir: Path) -> None:
    """The drift monitor over the events; its status says ok or alert."""
    monitor = subprocess.run(
        [sys.executable, "-m", "drift", "monitor", "--window", "1h", "--min-events", "1"],
        env={
            **env,
            "DRIFT_EVENT_STORE_URL": db_url,
            "DRIFT_MODEL_URI": "models:/credit-scoring@champion",
            "DRIFT_STATUS_DIR": str(status_dir),
        },
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert monitor.returncode in (0, 1), monitor.stdout[-3000:] + monitor.stderr[-3000:]
    status = json.loads((status_dir / "latest.json").read_text())
    assert status["status"] in {"ok", "alert"}, status
