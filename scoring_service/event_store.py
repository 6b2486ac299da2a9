"""The event store: THE schema of scored requests, how rows are written in bulk, and its reader.

The service writes one row per scored client (scoring_service.event_writer, off the request path); the drift
monitor reads them back with `read_events`. SQLite (the default, a file under the project's data folder) and
PostgreSQL (postgresql+psycopg://...) share the schema through SQLAlchemy Core.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
TABLE_NAME = "prediction_events"
BASE_COLUMNS: tuple[str, ...] = (
    "event_time",
    "request_id",
    "client_id",
    "model_version",
    "probability",
    "decision",
    "threshold",
    "latency_ms",
)
STATEMENT_TIMEOUT_MS = 5_000  # a locked table fails a write (retried) instead of hanging the writer

log = logging.getLogger(__name__)

metadata = sa.MetaData()
prediction_events = sa.Table(
    TABLE_NAME,
    metadata,
    sa.Column(
        "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True
    ),
    sa.Column("event_time", sa.DateTime(timezone=True), nullable=False, index=True),  # UTC
    sa.Column("request_id", sa.String(64), nullable=False),
    sa.Column("client_id", sa.BigInteger(), nullable=True),  # None for a new application
    sa.Column("model_version", sa.String(64), nullable=False),
    sa.Column("features", sa.JSON(), nullable=False),  # model feature -> value (null when missing)
    sa.Column("probability", sa.Float(), nullable=False),
    sa.Column("decision", sa.String(16), nullable=False),  # "granted" / "refused"
    sa.Column("threshold", sa.Float(), nullable=False),
    sa.Column("latency_ms", sa.Float(), nullable=False),
    sa.Column("explained", sa.Boolean(), nullable=False),
)
WRITE_COLUMNS: tuple[str, ...] = tuple(c.name for c in prediction_events.columns if c.name != "id")


def default_event_store_url() -> str:
    return f"sqlite:///{DATA_DIR / 'events.db'}"


def create_store_engine(url: str) -> sa.Engine:
    """An engine for the store; a SQLite file's folder is created when missing."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)  # type: ignore[arg-type]
        return sa.create_engine(
            url, connect_args={"timeout": STATEMENT_TIMEOUT_MS / 1000}, json_serializer=json_text
        )
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in ("psycopg", "psycopg2"):
        options = f"-c statement_timeout={STATEMENT_TIMEOUT_MS} -c lock_timeout={STATEMENT_TIMEOUT_MS}"
        return sa.create_engine(
            url, connect_args={"options": options, "connect_timeout": 5}, json_serializer=json_text
        )
    return sa.create_engine(url, json_serializer=json_text)


def check_url(url: str) -> None:
    """A malformed URL or a missing driver is a setting to fix before serving, not a store failure to retry:
    the dialect AND its driver module are loaded here, at start, not at the first write."""
    try:
        sa.engine.make_url(url).get_dialect().import_dbapi()
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise ValueError(
            f"The event store URL {url!r} cannot be used ({exc}). Give sqlite:///PATH/events.db or "
            "postgresql+psycopg://USER@HOST:PORT/DATABASE, or leave it empty to record no events."
        ) from exc


def ensure_schema(engine: sa.Engine) -> None:
    """Creates the table and its indexes unless they exist. Replicas that start together on one store may
    both find it missing: the one whose create fails finds it made by the other on a second look."""
    try:
        metadata.create_all(engine, checkfirst=True)
    except sa.exc.DBAPIError:
        metadata.create_all(engine, checkfirst=True)


def compress_features_fast(engine: sa.Engine) -> None:
    """On PostgreSQL, has the features column compressed with lz4 rather than the default pglz.

    A row's features are about 3 kB of JSON, above the size from which PostgreSQL compresses a value: with pglz
    that compression cost the server more than the rest of the row (a COPY of 30,000 events of 120 features took
    twice as long as with lz4). Set once on the column (rows already written keep theirs); a server without lz4
    (before version 14, or built without it) keeps pglz, and the log says so. Called by the writer only: the
    drift monitor reads the table and changes nothing.
    """
    if engine.dialect.name != "postgresql":
        return
    query = sa.text(
        "SELECT attcompression FROM pg_attribute WHERE attrelid = CAST(:table AS regclass) AND attname = 'features'"
    )
    try:
        with engine.begin() as conn:
            if conn.execute(query, {"table": TABLE_NAME}).scalar() == "l":
                return
            conn.execute(sa.text(f"ALTER TABLE {TABLE_NAME} ALTER COLUMN features SET COMPRESSION lz4"))
    except sa.exc.DBAPIError as exc:
        log.warning(
            "The event store keeps pglz compression for the features column (%s); writing events costs the "
            "PostgreSQL server about twice as much CPU. PostgreSQL 14 or later built with lz4 avoids it.",
            (str(exc.orig).splitlines() or [""])[0][:200],
        )


@dataclass(frozen=True, slots=True)
class PredictionEvent:
    """One scored request, as cheap to build as possible: features are serialised by the writer thread."""

    event_time: float  # seconds since the epoch
    request_id: str
    client_id: int | None
    model_version: str
    feature_names: Sequence[str]
    feature_values: Sequence[object] | Callable[[], Sequence[object]]  # a callable is read by the writer
    probability: float
    decision: str
    threshold: float
    latency_ms: float
    explained: bool

    def to_row(self, naive_time: bool) -> dict[str, Any]:
        """The row for an insert; features as a dict (the engine serialises it with features_json's encoder)."""
        when = datetime.fromtimestamp(self.event_time, tz=UTC)
        return {
            "event_time": when.replace(tzinfo=None) if naive_time else when,
            "request_id": self.request_id,
            "client_id": self.client_id,
            "model_version": self.model_version,
            "features": self.features(),
            "probability": self.probability,
            "decision": self.decision,
            "threshold": self.threshold,
            "latency_ms": self.latency_ms,
            "explained": self.explained,
        }

    def features(self) -> dict[str, Any]:
        values = self.feature_values() if callable(self.feature_values) else self.feature_values
        if len(values) != len(self.feature_names):
            raise ValueError(f"{len(values)} feature values for {len(self.feature_names)} feature names")
        return dict(zip(self.feature_names, values, strict=True))

    def to_values(self, sqlite_time: bool = False) -> tuple[object, ...]:
        """The row in WRITE_COLUMNS order, features as JSON text (for COPY, or SQLite's plain executemany), built
        without to_row's dict: the writer makes one per event. `sqlite_time`: the time as the naive UTC text
        SQLAlchemy stores in SQLite ("2026-12-03 07:30:00.123456")."""
        when = datetime.fromtimestamp(self.event_time, tz=UTC)
        return (
            when.replace(tzinfo=None).isoformat(" ", "microseconds") if sqlite_time else when,
            self.request_id,
            self.client_id,
            self.model_version,
            json_text(self.features()),
            self.probability,
            self.decision,
            self.threshold,
            self.latency_ms,
            self.explained,
        )


def json_text(value: Any) -> str:
    """JSON in one fast step (orjson: about five times faster than json here, the writer's main cost); NaN and
    infinities become null, as the drift monitor reads a missing value."""
    return orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY).decode()


def uses_copy(engine: sa.Engine) -> bool:
    return engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg"


def row_maker(engine: sa.Engine) -> Callable[[PredictionEvent], Any]:
    """How insert_rows wants an event on this store: to_values() for COPY, to_values(sqlite_time=True) for
    SQLite, to_row() elsewhere."""
    if uses_copy(engine):
        return PredictionEvent.to_values
    if engine.dialect.name == "sqlite":
        return lambda event: event.to_values(sqlite_time=True)
    return lambda event: event.to_row(naive_time=False)


def insert_rows(engine: sa.Engine, rows: Iterable[Any]) -> None:
    """One transaction: COPY on PostgreSQL with psycopg 3, one executemany of plain tuples on SQLite (without
    SQLAlchemy's per-row binding, which cost more than the insert), one multi-row executemany of dicts
    elsewhere; rows as row_maker(engine) makes them. `rows` may be a generator: on PostgreSQL each row is made as
    the COPY goes, so the server stores the first rows while the next are made (on two cores, about twice the
    pace of making every row first)."""
    if uses_copy(engine):
        columns = ", ".join(WRITE_COLUMNS)
        with engine.begin() as conn:
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            with cursor, cursor.copy(f"COPY {TABLE_NAME} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    listed = list(rows)
    if not listed:
        return
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            marks = ", ".join("?" for _ in WRITE_COLUMNS)
            conn.exec_driver_sql(
                f"INSERT INTO {TABLE_NAME} ({', '.join(WRITE_COLUMNS)}) VALUES ({marks})", listed
            )
        else:
            conn.execute(prediction_events.insert(), listed)


def read_events(url: str, start: datetime, end: datetime) -> pd.DataFrame:
    """Events with start <= event_time < end (naive times mean UTC), oldest first, one column per feature."""
    engine = create_store_engine(url)
    try:
        ensure_schema(engine)
        naive = engine.dialect.name == "sqlite"
        bounds = [_as_utc(t, naive) for t in (start, end)]
        query = (
            sa.select(prediction_events)
            .where(prediction_events.c.event_time >= bounds[0], prediction_events.c.event_time < bounds[1])
            .order_by(prediction_events.c.event_time, prediction_events.c.id)
        )
        with engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
    finally:
        engine.dispose()
    base = pd.DataFrame([{c: r[c] for c in BASE_COLUMNS} for r in rows], columns=list(BASE_COLUMNS))
    base["event_time"] = pd.to_datetime(base["event_time"], utc=True)
    if not rows:
        return base
    features = pd.DataFrame.from_records(
        [r["features"] if isinstance(r["features"], dict) else json.loads(r["features"]) for r in rows],
        index=base.index,
    )
    extra = [c for c in features.columns if c not in base.columns]
    return pd.concat([base, features[extra]], axis=1)


def _as_utc(moment: datetime, naive: bool) -> datetime:
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.replace(tzinfo=None) if naive else aware
