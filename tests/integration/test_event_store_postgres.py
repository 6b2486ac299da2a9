"""The event store on the PostgreSQL server: the same schema and reader as on SQLite, a fresh database per test."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from scoring_service.dataplane import build_dataplane
from scoring_service.domain import ScoreRequest
from scoring_service.event_store import BASE_COLUMNS, EventWriter, PredictionEvent, read_events

pytestmark = [pytest.mark.integration, pytest.mark.postgres]
FAR_PAST = datetime(2000, 1, 1, tzinfo=UTC)
FAR_FUTURE = datetime(2100, 1, 1, tzinfo=UTC)


def test_events_round_trip_through_postgresql(postgres_db_url: str) -> None:
    writer = EventWriter(postgres_db_url, batch_size=8, flush_seconds=0.05)
    writer.start()
    now = time.time()
    for i in range(30):
        writer.submit(
            PredictionEvent(
                event_time=now + i,
                request_id=f"r{i}",
                client_id=None if i % 2 else 100_001 + i,
                model_version="7",
                feature_names=("AMT_CREDIT", "CODE_GENDER", "EXT_SOURCE_1"),
                feature_values=(1000.0 * i, "M", float("nan")),
                probability=i / 30,
                decision="refused" if i / 30 >= 0.5 else "granted",
                threshold=0.5,
                latency_ms=0.1,
                explained=False,
            )
        )
    writer.stop()
    assert writer.stats()["events_written"] == 30
    frame = read_events(postgres_db_url, FAR_PAST, FAR_FUTURE)
    assert list(frame.columns) == [*BASE_COLUMNS, "AMT_CREDIT", "CODE_GENDER", "EXT_SOURCE_1"]
    assert list(frame["request_id"]) == [f"r{i}" for i in range(30)]
    assert str(frame["event_time"].dt.tz) == "UTC"
    assert abs(frame["event_time"].iloc[0].timestamp() - now) < 1e-3
    assert frame["EXT_SOURCE_1"].isna().all() and frame.loc[4, "AMT_CREDIT"] == 4000.0
    engine = sa.create_engine(postgres_db_url)
    with engine.connect() as conn:
        kind = conn.execute(
            sa.text(
                "select data_type from information_schema.columns "
                "where table_name = 'prediction_events' and column_name = 'event_time'"
            )
        ).scalar()
    engine.dispose()
    assert kind == "timestamp with time zone"


def test_scores_are_recorded_in_postgresql(tiny_bundle_dir: Path, postgres_db_url: str) -> None:
    plane = build_dataplane(
        str(tiny_bundle_dir),
        None,
        postgres_db_url,
        poll_seconds=0,
        event_batch_size=20,
        event_flush_seconds=0.05,
        max_batch_size=10,
    )
    plane.start()
    clients = [int(c) for c in plane.engine().scorer.client_ids[:40]]
    results = [plane.score(ScoreRequest(client_id=c)) for c in clients]
    plane.stop()
    frame = read_events(postgres_db_url, FAR_PAST, FAR_FUTURE)
    assert list(frame["request_id"]) == [r.request_id for r in results]
    assert list(frame["client_id"]) == clients
    assert set(frame["model_version"]) == {"1"}
    assert plane.stats()["events_dropped"] == 0
