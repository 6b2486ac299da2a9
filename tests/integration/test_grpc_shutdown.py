"""A graceful stop loses no event: calls in flight finish, and every answered Score (and every client of a
ScoreBatch) is in the event store, on SQLite and PostgreSQL, through the server helper and through
`python -m scoring_service` and SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from scoring_service import errors
from scoring_service.client import ScoringClient
from scoring_service.domain import ScoreRequest
from tests.server_support import serve

pytestmark = pytest.mark.integration
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def stored_request_ids(url: str) -> list[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return [row[0] for row in conn.execute(sa.text("select request_id from prediction_events"))]
    finally:
        engine.dispose()


def _portfolio_ids(bundle: Path) -> list[int]:
    return [int(i) for i in pd.read_parquet(bundle / "portfolio.parquet").index]


def test_stop_under_load_loses_no_event(tiny_bundle_dir: Path, tmp_path: Path) -> None:
    ids = _portfolio_ids(tiny_bundle_dir)
    url = f"sqlite:///{tmp_path / 'events.db'}"
    answered: list[str] = []
    refused: list[str] = []
    # a large batch and a slow flush: events are still in memory when the stop comes
    with serve(
        tiny_bundle_dir, tmp_path, event_store_url=url, event_batch_size=10_000, event_flush_seconds=60
    ) as (
        address,
        service,
    ):

        def caller(offset: int) -> None:
            with ScoringClient(address, retries=0) as client:
                for i in range(10_000):
                    explain = i % 4 == 0
                    try:
                        result = client.score(
                            ScoreRequest(client_id=ids[(offset + i) % len(ids)], explain=explain)
                        )
                    except errors.ScoringError as exc:  # the server has stopped taking calls
                        refused.append(type(exc).__name__)
                        return
                    answered.append(result.request_id)

        threads = [threading.Thread(target=caller, args=(k * 17,)) for k in range(8)]
        for thread in threads:
            thread.start()
        while len(answered) < 100:
            time.sleep(0.01)
        service.stop(grace=5)
        for thread in threads:
            thread.join(timeout=30)
        assert not any(thread.is_alive() for thread in threads)
    assert len(refused) == 8 and set(refused) <= {"Unavailable", "ScoringError"}
    stored = stored_request_ids(url)
    assert len(stored) == len(set(stored))
    assert set(answered) == set(stored)


def test_every_client_of_a_batch_is_recorded_like_a_score(tiny_bundle_dir: Path, tmp_path: Path) -> None:
    ids = _portfolio_ids(tiny_bundle_dir)[:150]
    url = f"sqlite:///{tmp_path / 'batch-events.db'}"
    with (
        serve(tiny_bundle_dir, tmp_path, event_store_url=url) as (address, _),
        ScoringClient(address) as client,
    ):
        results = list(client.score_batch(ids))
        results += list(client.score_batch(ids[:3], explain=True))
    engine = sa.create_engine(url)
    try:
        stored = pd.read_sql(
            "select request_id, client_id, probability, decision, explained, features from prediction_events",
            engine,
        )
    finally:
        engine.dispose()
    assert len(stored) == 153 and stored["request_id"].is_unique
    by_request = stored.set_index("request_id")
    for result in results:
        row = by_request.loc[result.request_id]
        assert int(row["client_id"]) == result.client_id
        assert float(row["probability"]) == pytest.approx(result.probability)
        assert row["decision"] == result.decision.value
    assert int(stored["explained"].astype(int).sum()) == 3
    features = json.loads(stored["features"].iloc[0])
    assert len(features) > 5  # the client's feature row, for drift monitoring


@pytest.mark.postgres
def test_events_go_to_postgresql(tiny_bundle_dir: Path, tmp_path: Path, postgres_db_url: str) -> None:
    ids = _portfolio_ids(tiny_bundle_dir)[:20]
    served = serve(tiny_bundle_dir, tmp_path, event_store_url=postgres_db_url)
    with served as (address, _), ScoringClient(address) as client:
        answered = [client.score(ScoreRequest(client_id=i)).request_id for i in ids]
        answered.append(client.score(ScoreRequest(values={"AMT_CREDIT": 250_000.0})).request_id)
    assert sorted(stored_request_ids(postgres_db_url)) == sorted(answered)


def _read_json_lines(stream, until: str, timeout: float) -> dict:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            time.sleep(0.05)
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if record.get("msg") == until:
            return record
    raise AssertionError(f"no {until!r} log line within {timeout} s")


def test_command_line_serves_and_stops_on_sigterm(tiny_bundle_dir: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli-events.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCORING_", "MLFLOW_"))}
    env["SCORING_EVENT_FLUSH_SECONDS"] = "60"  # nothing is written before the stop
    command = [
        sys.executable,
        "-m",
        "scoring_service",
        "--address=127.0.0.1:0",
        f"--model-uri={tiny_bundle_dir}",
        f"--event-store-url={url}",
        "--metrics-port=",
        "--log-level=INFO",
    ]
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        serving = _read_json_lines(process.stderr, "serving", timeout=60)
        with ScoringClient(serving["address"]) as client:
            assert client.health()
            answered = [client.score(ScoreRequest(client_id=100_001)).request_id for _ in range(5)]
        process.send_signal(signal.SIGTERM)
        stopped = _read_json_lines(process.stderr, "stopped", timeout=30)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
    assert stopped["stats"]
    assert sorted(stored_request_ids(url)) == sorted(answered)


def test_command_line_help_and_bad_settings() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "scoring_service", "--help"], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0
    assert "SCORING_MODEL_URI" in done.stdout and "--event-store-url" in done.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "scoring_service", "--max-workers=none"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2
    assert "--max-workers / SCORING_MAX_WORKERS='none'" in bad.stderr and "Traceback" not in bad.stderr
