"""The event store: what Score writes, read back with one column per feature, on SQLite and on the PostgreSQL
server (one body, a fresh store of each kind); batches, flush on stop, and a failing store that never fails
scoring."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import sqlite

from scoring_service.dataplane import DataPlane, build_dataplane
from scoring_service.domain import ScoreRequest
from scoring_service.event_store import (
    BASE_COLUMNS,
    WRITE_COLUMNS,
    PredictionEvent,
    json_text,
    read_events,
)
from scoring_service.event_writer import EventWriter

FAR_PAST = datetime(2000, 1, 1, tzinfo=UTC)
FAR_FUTURE = datetime(2100, 1, 1, tzinfo=UTC)


def event(i: int, when: float | None = None) -> PredictionEvent:
    return PredictionEvent(
        event_time=time.time() if when is None else when,
        request_id=f"r{i}",
        client_id=100_001 + i if i % 2 else None,
        model_version="3",
        feature_names=("AMT_CREDIT", "CODE_GENDER", "EXT_SOURCE_1"),
        feature_values=(1000.0 * i, "F", float("nan")),
        probability=0.01 * i,
        decision="refused" if i >= 35 else "granted",
        threshold=0.35,
        latency_ms=0.2,
        explained=bool(i % 3 == 0),
    )


def started_plane(
    bundle_dir: Path, url: str, *, event_batch_size: int, event_flush_seconds: float
) -> DataPlane:
    """A data plane on the bundle (no reload) that records its events in `url`, started."""
    plane = build_dataplane(
        str(bundle_dir),
        None,
        url,
        poll_seconds=0,
        event_batch_size=event_batch_size,
        event_flush_seconds=event_flush_seconds,
        max_batch_size=10,
    )
    plane.start()
    return plane


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=[pytest.mark.integration, pytest.mark.postgres])]
)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty event store of each kind: a SQLite file in a folder not created yet, a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'sub' / 'events.db'}"
    return str(request.getfixturevalue("postgres_db_url"))


def test_written_events_read_back_with_a_column_per_feature(store_url: str) -> None:
    writer = EventWriter(store_url, batch_size=7, flush_seconds=0.05)
    writer.start()
    now = time.time()
    for i in range(40):
        writer.submit(event(i, now + i))
    writer.stop()
    assert writer.stats()["events_written"] == 40
    frame = read_events(store_url, FAR_PAST, FAR_FUTURE)
    assert list(frame.columns) == [*BASE_COLUMNS, "AMT_CREDIT", "CODE_GENDER", "EXT_SOURCE_1"]
    assert len(frame) == 40
    assert str(frame["event_time"].dt.tz) == "UTC"
    assert abs(frame["event_time"].iloc[0].timestamp() - now) < 1e-3
    assert list(frame["request_id"]) == [f"r{i}" for i in range(40)]
    assert frame.loc[3, "AMT_CREDIT"] == 3000.0 and frame.loc[3, "client_id"] == 100_004
    assert frame["client_id"].isna().sum() == 20  # new applications have no client id
    assert frame["EXT_SOURCE_1"].isna().all()
    assert set(frame["decision"]) == {"granted", "refused"}
    if store_url.startswith("postgresql"):  # times are stored with their zone, not as naive UTC
        engine = sa.create_engine(store_url)
        with engine.connect() as conn:
            kind = conn.execute(
                sa.text(
                    "select data_type from information_schema.columns "
                    "where table_name = 'prediction_events' and column_name = 'event_time'"
                )
            ).scalar()
            # the features' JSON (above PostgreSQL's compression size for a real model) is compressed with lz4
            compression = conn.execute(
                sa.text(
                    "select attcompression from pg_attribute "
                    "where attrelid = 'prediction_events'::regclass and attname = 'features'"
                )
            ).scalar()
        engine.dispose()
        assert kind == "timestamp with time zone"
        assert compression == "l"


def test_a_copy_row_holds_the_insert_rows_values_in_the_tables_column_order() -> None:
    """to_values() is written out by hand for speed: it must stay the insert row, column for column."""
    for i in (1, 2, 36):
        made = event(i)
        row = made.to_row(naive_time=False)
        row["features"] = json_text(row["features"])
        assert made.to_values() == tuple(row[c] for c in WRITE_COLUMNS)


def test_a_sqlite_row_holds_the_time_as_sqlalchemy_stores_it() -> None:
    """SQLite rows skip SQLAlchemy's binding: their time text must be the one its DateTime type writes (and reads)."""
    dialect = sqlite.dialect()
    store_time = sa.DateTime().dialect_impl(dialect).bind_processor(dialect)
    for when in (1_764_746_400.0, 1_764_746_400.000123, time.time()):
        made = event(1, when)
        naive = made.to_row(naive_time=True)["event_time"]
        values = made.to_values(sqlite_time=True)
        assert values[0] == store_time(naive)
        assert values[1:] == made.to_values()[1:]


def test_the_time_window_is_half_open_and_naive_times_mean_utc(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'events.db'}"
    start = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    writer = EventWriter(url, batch_size=100, flush_seconds=0.05)
    writer.start()
    for i in range(5):
        writer.submit(event(i, (start + timedelta(hours=i)).timestamp()))
    writer.stop()
    window = read_events(url, start + timedelta(hours=1), start + timedelta(hours=3))
    assert list(window["request_id"]) == ["r1", "r2"]
    naive = read_events(url, datetime(2026, 3, 1, 13, 0), datetime(2026, 3, 1, 14, 0))
    assert list(naive["request_id"]) == ["r1"]
    assert window["event_time"].iloc[0] == start + timedelta(hours=1)


def test_an_empty_store_reads_as_an_empty_frame(tmp_path: Path) -> None:
    frame = read_events(f"sqlite:///{tmp_path / 'empty.db'}", FAR_PAST, FAR_FUTURE)
    assert frame.empty and list(frame.columns) == list(BASE_COLUMNS)


def test_stop_flushes_what_waits_for_the_interval(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'events.db'}"
    writer = EventWriter(url, batch_size=1_000, flush_seconds=60.0)  # nothing would be written for a minute
    writer.start()
    for i in range(25):
        writer.submit(event(i))
    time.sleep(0.2)
    assert writer.stats()["events_written"] == 0
    writer.stop()
    assert len(read_events(url, FAR_PAST, FAR_FUTURE)) == 25


def test_a_failing_store_counts_and_bounds_what_it_keeps(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    writer = EventWriter(
        f"sqlite:///{blocker / 'events.db'}", batch_size=5, flush_seconds=0.02, max_pending=10
    )
    writer.start()
    for i in range(30):
        writer.submit(event(i))
    writer.stop(timeout=5)
    stats = writer.stats()
    assert stats["events_written"] == 0
    assert stats["event_batches_failed"] >= 1
    assert stats["events_dropped"] == 30  # 20 beyond the bound, then the 10 kept, lost at stop


def test_events_kept_while_the_store_fails_are_written_when_it_recovers(tmp_path: Path) -> None:
    folder = tmp_path / "later"
    url = f"sqlite:///{folder / 'events.db'}"
    folder.write_text("in the way")  # the store's folder cannot be created yet
    writer = EventWriter(url, batch_size=5, flush_seconds=0.02)
    writer.start()
    for i in range(12):
        writer.submit(event(i))
    deadline = time.monotonic() + 5
    while writer.stats()["event_batches_failed"] == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    folder.unlink()
    writer.stop(timeout=10)
    assert writer.stats()["event_batches_failed"] >= 1
    assert writer.stats()["events_dropped"] == 0
    assert len(read_events(url, FAR_PAST, FAR_FUTURE)) == 12


def test_every_score_is_recorded_and_a_graceful_stop_loses_none(
    tiny_bundle_dir: Path, store_url: str
) -> None:
    url = store_url
    plane = started_plane(tiny_bundle_dir, url, event_batch_size=16, event_flush_seconds=30.0)
    clients = [int(c) for c in plane.engine().scorer.client_ids[:50]]
    scorer = plane.engine().scorer
    plane_features = scorer.features
    first_row = dict(zip(plane_features, scorer.row(scorer.row_index(clients[0])).tolist(), strict=True))
    results = [plane.score(ScoreRequest(client_id=c, explain=c % 5 == 0)) for c in clients]
    results.append(
        plane.score(ScoreRequest(values={"AMT_CREDIT": 300_000.0, "NAME_CONTRACT_TYPE": "Cash loans"}))
    )
    plane.stop()
    frame = read_events(url, FAR_PAST, FAR_FUTURE)
    assert list(frame["request_id"]) == [r.request_id for r in results]
    assert list(frame["probability"]) == pytest.approx([r.probability for r in results])
    assert list(frame["client_id"])[:-1] == clients and set(frame["model_version"]) == {"1"}
    assert plane.stats()["events_dropped"] == 0
    assert not plane.ready
    features = list(frame.columns[len(BASE_COLUMNS) :])
    assert sorted(features) == sorted(plane_features)  # kept by name; the order is the store's own
    for name, value in first_row.items():  # each value under its own feature's name
        stored = frame.iloc[0][name]
        assert stored == value or (pd.isna(stored) and pd.isna(value)), name
    assert frame.iloc[-1]["AMT_CREDIT"] == 300_000.0 and frame.iloc[-1]["NAME_CONTRACT_TYPE"] == "Cash loans"
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        explained = conn.execute(sa.text("select count(*) from prediction_events where explained")).scalar()
    engine.dispose()
    assert explained == sum(1 for c in clients if c % 5 == 0)


def test_a_failing_store_never_fails_scoring(tiny_bundle_dir: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    plane = started_plane(
        tiny_bundle_dir, f"sqlite:///{blocker / 'events.db'}", event_batch_size=4, event_flush_seconds=0.01
    )
    clients = [int(c) for c in plane.engine().scorer.client_ids[:20]]
    for client in clients:
        assert plane.score(ScoreRequest(client_id=client)).client_id == client
        time.sleep(0.005)
    plane.stop(timeout=5)
    stats = plane.stats()
    assert stats["event_batches_failed"] >= 1
    assert stats["events_dropped"] == 20
    assert stats["events_written"] == 0


def test_a_full_queue_drops_and_counts_instead_of_blocking(tmp_path: Path) -> None:
    writer = EventWriter(
        f"sqlite:///{tmp_path / 'events.db'}", batch_size=10, flush_seconds=0.05, max_queue=5
    )
    started = time.perf_counter()
    for i in range(8):  # the writer thread is not started: nothing drains the queue
        writer.submit(event(i))
    assert time.perf_counter() - started < 0.5
    assert writer.stats()["events_dropped"] == 3 and writer.stats()["events_queued"] == 5
    writer.start()
    writer.stop()
    assert writer.stats()["events_written"] == 5
    writer.submit(event(99))  # after stop: counted, never blocking
    assert writer.stats()["events_dropped"] == 4


@pytest.mark.parametrize("url", ["not a url", "nosuchdb://host/db", "postgresql+nodriver://u@h/d"])
def test_a_malformed_store_url_is_refused_at_start(url: str) -> None:
    with pytest.raises(ValueError, match="event store URL"):
        EventWriter(url)


OLD_TABLE = """create table prediction_events (id bigserial primary key, event_time timestamptz not null,
  request_id varchar(64) not null, client_id bigint, model_version varchar(64) not null, features json not null,
  probability float8 not null, decision varchar(16) not null, threshold float8 not null,
  latency_ms float8 not null, explained boolean not null)"""


@pytest.mark.integration
@pytest.mark.postgres
def test_a_table_written_before_packing_reads_as_before_then_takes_packed_rows(
    postgres_db_url: str, tmp_path: Path
) -> None:
    """A PostgreSQL table made and filled by the JSON-only writer is read as it is, then migrated by the writer
    (never by a reader): old rows keep their JSON, new rows are packed, and both read, in time order, as the same
    events stored as JSON only (SQLite) read."""
    engine = sa.create_engine(postgres_db_url)
    now = time.time()
    with engine.begin() as conn:
        conn.execute(sa.text(OLD_TABLE))
        for i in range(3):
            row = event(i, now + i).to_row(naive_time=False)
            row["features"] = json_text(row["features"])
            conn.execute(
                sa.text(
                    f"insert into prediction_events ({', '.join(WRITE_COLUMNS)}) "
                    f"values ({', '.join(':' + c for c in WRITE_COLUMNS)})"
                ),
                row,
            )
    before = read_events(postgres_db_url, FAR_PAST, FAR_FUTURE)
    with engine.connect() as conn:
        columns = {
            r[0]
            for r in conn.execute(
                sa.text(
                    "select column_name from information_schema.columns "
                    "where table_name = 'prediction_events'"
                )
            )
        }
    assert "feature_values" not in columns  # the reader changed nothing
    writer = EventWriter(postgres_db_url, batch_size=2, flush_seconds=0.05)
    writer.start()
    for i in range(3, 40):
        writer.submit(event(i, now + i))
    writer.stop()
    assert writer.stats()["events_written"] == 37
    with engine.connect() as conn:
        forms = conn.execute(
            sa.text(
                "select count(features), count(feature_values), count(feature_text) from prediction_events"
            )
        ).one()
        lists = conn.execute(sa.text("select count(*) from event_feature_lists")).scalar()
    engine.dispose()
    assert tuple(forms) == (3, 37, 37) and lists == 1
    frame = read_events(postgres_db_url, FAR_PAST, FAR_FUTURE)
    pd.testing.assert_frame_equal(frame.iloc[:3], before)
    assert list(frame["request_id"]) == [f"r{i}" for i in range(40)]
    assert list(frame["AMT_CREDIT"]) == [1000.0 * i for i in range(40)]
    assert set(frame["CODE_GENDER"]) == {"F"} and frame["EXT_SOURCE_1"].isna().all()
    json_only = f"sqlite:///{tmp_path / 'events.db'}"
    writer = EventWriter(json_only, batch_size=50, flush_seconds=0.05)
    writer.start()
    writer.submit_many([event(i, now + i) for i in range(40)], time.monotonic() + 10)
    writer.stop()
    pd.testing.assert_frame_equal(frame, read_events(json_only, FAR_PAST, FAR_FUTURE))


@pytest.mark.integration
@pytest.mark.postgres
def test_packed_rows_read_as_the_json_form_reads(postgres_db_url: str, tmp_path: Path) -> None:
    """The same events written to SQLite (JSON) and to PostgreSQL (packed) read back alike."""
    names = ("AMT_CREDIT", "CODE_GENDER", "EXT_SOURCE_1", "CNT_CHILDREN", "OCCUPATION_TYPE")
    values: list[tuple[object, ...]] = [
        (1000.5 * i, "F" if i % 2 else "M", float("nan") if i % 3 else 0.25 * i, i, None if i % 4 else "1")
        for i in range(30)
    ]
    now = time.time()
    made = [
        PredictionEvent(now + i, f"r{i}", None, "2", names, v, 0.1, "granted", 0.35, 0.2, False)
        for i, v in enumerate(values)
    ]
    frames = _written_and_read(made, [f"sqlite:///{tmp_path / 'events.db'}", postgres_db_url], batch_size=7)
    pd.testing.assert_frame_equal(frames[1], frames[0])


@pytest.mark.integration
@pytest.mark.postgres
def test_a_planes_events_of_every_kind_read_alike_packed_and_as_json(
    tiny_bundle_dir: Path, postgres_db_url: str, tmp_path: Path
) -> None:
    """Known clients, what-ifs and new applications scored by the data plane: the events it makes (the scorer's
    split rows, what-ifs included) read back alike from SQLite's JSON and PostgreSQL's packed rows, each holding
    the values of the row it was scored on, by name."""
    plane = started_plane(
        tiny_bundle_dir, f"sqlite:///{tmp_path / 'plane.db'}", event_batch_size=8, event_flush_seconds=0.05
    )
    scorer = plane.engine().scorer
    clients = [int(c) for c in scorer.client_ids[:6]]
    change = {"AMT_CREDIT": 450_000.5, "NAME_CONTRACT_TYPE": "Cash loans", "EXT_SOURCE_1": None}
    requests = [ScoreRequest(client_id=c) for c in clients[:3]]
    requests += [ScoreRequest(client_id=c, values=change) for c in clients[3:]]
    requests += [ScoreRequest(values={"AMT_CREDIT": 300_000.0, "AMT_INCOME_TOTAL": 90_000.0})]
    rows = [
        scorer.what_if_row(None if r.client_id is None else scorer.row_index(r.client_id), r.values or {})
        if r.values
        else scorer.row(scorer.row_index(r.client_id or 0))
        for r in requests
    ]
    made: list[PredictionEvent] = []
    plane._events.submit = made.append  # type: ignore[method-assign,union-attr]
    for request in requests:
        plane.score(request)
    plane.stop()
    assert all(e.feature_names == scorer.event_features for e in made)
    frames = _written_and_read(made, [f"sqlite:///{tmp_path / 'events.db'}", postgres_db_url], batch_size=5)
    pd.testing.assert_frame_equal(frames[1], frames[0])
    for i, row in enumerate(rows):  # each event holds its row's values under their names
        for name, value in zip(scorer.features, row.tolist(), strict=True):
            stored = frames[1].iloc[i][name]
            assert stored == value or (pd.isna(stored) and pd.isna(value)), (i, name)


def _written_and_read(events: list[PredictionEvent], urls: list[str], batch_size: int) -> list[pd.DataFrame]:
    """The same events written by a writer to each store, then read back from each."""
    frames = []
    for url in urls:
        writer = EventWriter(url, batch_size=batch_size, flush_seconds=0.05)
        writer.start()
        writer.submit_many(events, time.monotonic() + 10)
        writer.stop()
        frames.append(read_events(url, FAR_PAST, FAR_FUTURE))
    return frames
