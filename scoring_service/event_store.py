"""The event store: THE schema of scored requests, how rows are written in bulk, and its reader.

The service writes one row per scored client (scoring_service.event_writer, off the request path); the drift
monitor reads them back with `read_events`. SQLite (the default, a file under the project's data folder) and
PostgreSQL (postgresql+psycopg://...) share the schema through SQLAlchemy Core. An event's features are stored in
one of two forms, both read back alike: a JSON object of name -> value (`features`: SQLite, other drivers, and
every row written before 2026-12-03), or packed (PostgreSQL with psycopg: `feature_list`, `feature_values`,
`feature_text`, see scoring_service.event_packing), which costs the writer and the server several times less.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from scoring_service.event_packing import unpack

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
TABLE_NAME = "prediction_events"
FEATURE_LISTS = "event_feature_lists"
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
    sa.Column("features", sa.JSON(), nullable=True),  # model feature -> value (null when missing); or packed:
    sa.Column("probability", sa.Float(), nullable=False),
    sa.Column("decision", sa.String(16), nullable=False),  # "granted" / "refused"
    sa.Column("threshold", sa.Float(), nullable=False),
    sa.Column("latency_ms", sa.Float(), nullable=False),
    sa.Column("explained", sa.Boolean(), nullable=False),
    sa.Column("feature_list", sa.String(64), nullable=True),  # event_feature_lists' key
    sa.Column("feature_values", sa.LargeBinary(), nullable=True),  # float64 per feature, little-endian
    sa.Column("feature_text", sa.JSON(), nullable=True),  # position -> any value not a float
)
event_feature_lists = sa.Table(
    FEATURE_LISTS,
    metadata,
    sa.Column("feature_list", sa.String(64), primary_key=True),
    sa.Column("names", sa.JSON(), nullable=False),  # the feature names, in the packed values' order
)
PACKED_COLUMNS: tuple[str, ...] = ("feature_list", "feature_values", "feature_text")
WRITE_COLUMNS: tuple[str, ...] = tuple(
    c.name for c in prediction_events.columns if c.name != "id" and c.name not in PACKED_COLUMNS
)


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


def add_packed_columns(engine: sa.Engine) -> None:
    """On PostgreSQL, gives a table made before the packed form its three columns (and lets `features` be null):
    rows already written keep their JSON and read as before. Called by the writer only; a failure (a lock held
    longer than the statement timeout) is raised, and the writer retries."""
    if engine.dialect.name != "postgresql":
        return
    present = {c["name"] for c in sa.inspect(engine).get_columns(TABLE_NAME)}
    if set(PACKED_COLUMNS) <= present:
        return
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                f"ALTER TABLE {TABLE_NAME} ADD COLUMN IF NOT EXISTS feature_list varchar(64), "
                "ADD COLUMN IF NOT EXISTS feature_values bytea, ADD COLUMN IF NOT EXISTS feature_text json, "
                "ALTER COLUMN features DROP NOT NULL"
            )
        )
    log.info(
        "The event store's table %s now takes packed features (rows before keep their JSON).", TABLE_NAME
    )


def compress_features_fast(engine: sa.Engine) -> None:
    """On PostgreSQL, has the features columns (JSON and packed numbers) compressed with lz4 rather than pglz.

    A row's features were about 3 kB of JSON, above the size from which PostgreSQL compresses a value: with pglz
    that compression cost the server more than the rest of the row (a COPY of 30,000 events of 120 features took
    twice as long as with lz4); packed numbers pass that size from about 250 features. Set once on the columns
    (rows already written keep theirs); a server without lz4
    (before version 14, or built without it) keeps pglz, and the log says so. Called by the writer only: the
    drift monitor reads the table and changes nothing.
    """
    if engine.dialect.name != "postgresql":
        return
    query = sa.text(
        "SELECT count(*) FROM pg_attribute WHERE attrelid = CAST(:table AS regclass) "
        "AND attname IN ('features', 'feature_values') AND attcompression <> 'l'"
    )
    try:
        with engine.begin() as conn:
            if conn.execute(query, {"table": TABLE_NAME}).scalar() == 0:
                return
            conn.execute(
                sa.text(
                    f"ALTER TABLE {TABLE_NAME} ALTER COLUMN features SET COMPRESSION lz4, "
                    "ALTER COLUMN feature_values SET COMPRESSION lz4"
                )
            )
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
        return dict(zip(self.feature_names, self.values(), strict=True))

    def values(self) -> Sequence[object]:
        """The feature values, one per name (a callable is read now)."""
        values = self.feature_values() if callable(self.feature_values) else self.feature_values
        if len(values) != len(self.feature_names):
            raise ValueError(f"{len(values)} feature values for {len(self.feature_names)} feature names")
        return values

    def to_values(self, sqlite_time: bool = False) -> tuple[object, ...]:
        """The row in WRITE_COLUMNS order, features as JSON text (for SQLite's plain executemany), built without
        to_row's dict: the writer makes one per event. `sqlite_time`: the time as the naive UTC text SQLAlchemy
        stores in SQLite ("2026-12-03 07:30:00.123456"); otherwise the aware time, as to_row gives it."""
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


def read_events(url: str, start: datetime, end: datetime) -> pd.DataFrame:
    """Events with start <= event_time < end (naive times mean UTC), oldest first, one column per feature."""
    engine = create_store_engine(url)
    try:
        ensure_schema(engine)
        naive = engine.dialect.name == "sqlite"
        bounds = [_as_utc(t, naive) for t in (start, end)]
        # a table made before packing lacks its columns
        present = {c["name"] for c in sa.inspect(engine).get_columns(TABLE_NAME)}
        query = (
            sa.select(*(c for c in prediction_events.columns if c.name in present))
            .where(prediction_events.c.event_time >= bounds[0], prediction_events.c.event_time < bounds[1])
            .order_by(prediction_events.c.event_time, prediction_events.c.id)
        )
        with engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
            keys = {r["feature_list"] for r in rows if r.get("features") is None}
            lists = _feature_lists(conn, keys)
    finally:
        engine.dispose()
    base = pd.DataFrame([{c: r[c] for c in BASE_COLUMNS} for r in rows], columns=list(BASE_COLUMNS))
    base["event_time"] = pd.to_datetime(base["event_time"], utc=True)
    if not rows:
        return base
    features = _features(rows, lists)
    extra = [c for c in features.columns if c not in base.columns]
    return pd.concat([base, features[extra]], axis=1)


def _feature_lists(conn: sa.Connection, keys: set[str]) -> dict[str, list[str]]:
    if not keys:
        return {}
    table = event_feature_lists
    found = conn.execute(sa.select(table.c.feature_list, table.c.names).where(table.c.feature_list.in_(keys)))
    lists = {key: names if isinstance(names, list) else json.loads(names) for key, names in found}
    if missing := keys - lists.keys():
        raise ValueError(
            f"The event store has no feature list {sorted(missing)[0]!r} for some of its events."
        )
    return lists


def _features(rows: Sequence[Any], lists: dict[str, list[str]]) -> pd.DataFrame:
    """One column per feature, row i for rows[i], whichever form each row's features were stored in."""
    as_json: list[int] = []
    packed: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        if r["features"] is None:
            packed.setdefault(r["feature_list"], []).append(i)
        else:
            as_json.append(i)
    parts = []
    if as_json:
        parts.append(
            pd.DataFrame.from_records(
                [f if isinstance(f := rows[i]["features"], dict) else json.loads(f) for i in as_json],
                index=as_json,
            )
        )
    for key, index in packed.items():
        numbers = [rows[i]["feature_values"] for i in index]
        parts.append(unpack(lists[key], numbers, [rows[i]["feature_text"] for i in index], index))
    if len(parts) == 1:
        return parts[0]
    # typed as one JSON read would type each column
    return pd.concat(parts, sort=False).sort_index().infer_objects()


def _as_utc(moment: datetime, naive: bool) -> datetime:
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.replace(tzinfo=None) if naive else aware
