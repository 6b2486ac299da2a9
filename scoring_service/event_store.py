"""The event store: THE schema of scored requests, its background writer and its reader.

The service writes one row per Score; the drift monitor reads them back with `read_events`. Writing happens
off the request path: `submit` only puts the event in a bounded queue, and a thread inserts batches (by size
or interval). A store that fails never fails scoring: failed batches are counted and logged and the events
are kept for retry up to a bound, beyond which the oldest are dropped and counted. `stop()` writes the rest.
SQLite (the default, a file under the project's data folder) and PostgreSQL (postgresql+psycopg://...) share
the schema through SQLAlchemy Core.
"""

from __future__ import annotations

import json
import logging
import math
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

log = logging.getLogger(__name__)

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
MAX_RETRY_SECONDS = 30.0

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


def default_event_store_url() -> str:
    return f"sqlite:///{DATA_DIR / 'events.db'}"


def create_store_engine(url: str) -> sa.Engine:
    """An engine for the store; a SQLite file's folder is created when missing."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)  # type: ignore[arg-type]
    return sa.create_engine(url)


def check_url(url: str) -> None:
    """A malformed URL or a missing driver is a setting to fix before serving, not a store failure to retry."""
    try:
        sa.engine.make_url(url).get_dialect()
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise ValueError(
            f"The event store URL {url!r} cannot be used ({exc}). Give sqlite:///PATH/events.db or "
            "postgresql+psycopg://USER@HOST:PORT/DATABASE, or leave it empty to record no events."
        ) from exc


def ensure_schema(engine: sa.Engine) -> None:
    metadata.create_all(engine, checkfirst=True)


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
        when = datetime.fromtimestamp(self.event_time, tz=UTC)
        values = self.feature_values() if callable(self.feature_values) else self.feature_values
        return {
            "event_time": when.replace(tzinfo=None) if naive_time else when,
            "request_id": self.request_id,
            "client_id": self.client_id,
            "model_version": self.model_version,
            "features": {
                name: _json_value(value) for name, value in zip(self.feature_names, values, strict=True)
            },
            "probability": self.probability,
            "decision": self.decision,
            "threshold": self.threshold,
            "latency_ms": self.latency_ms,
            "explained": self.explained,
        }


def _json_value(value: object) -> float | str | None:
    if value is None or isinstance(value, str):
        return value
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) or math.isinf(number) else number


class EventWriter:
    """Writes events in batches from a background thread; never blocks nor fails the caller."""

    def __init__(
        self,
        url: str,
        *,
        batch_size: int = 200,
        flush_seconds: float = 1.0,
        max_queue: int = 100_000,
        max_pending: int = 100_000,
    ) -> None:
        if batch_size < 1 or flush_seconds <= 0:
            raise ValueError("the event batch size must be at least 1 and the flush interval positive")
        check_url(url)
        self.url = url
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.max_pending = max_pending
        self._queue: queue.Queue[PredictionEvent] = queue.Queue(maxsize=max_queue)
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._engine: sa.Engine | None = None
        self._schema_ready = False
        self._lock = threading.Lock()
        self.written = 0
        self.failed_batches = 0
        self.dropped = 0
        self._failures_in_row = 0
        self._retry_at = 0.0

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="event-writer", daemon=True)
        self._thread.start()

    def submit(self, event: PredictionEvent, wait_seconds: float = 0.0) -> None:
        """Queue an event. A single Score never waits (a full queue drops and counts the event); a batch may wait
        up to `wait_seconds` for room, so that scoring a whole portfolio slows to the store's pace instead of
        losing events."""
        if self._stopping.is_set():
            self._count_dropped(1, "the event writer is stopped")
            return
        try:
            if wait_seconds > 0:
                self._queue.put(event, timeout=wait_seconds)
            else:
                self._queue.put_nowait(event)
        except queue.Full:
            self._count_dropped(1, "the event queue is full (the store is slower than the traffic)")

    def stop(self, timeout: float = 10.0) -> None:
        """Write every queued event, then end the thread."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.error(
                    "The event writer did not finish within %.1f s; queued events may be lost.", timeout
                )
        if self._engine is not None:
            self._engine.dispose()

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {
                "events_written": self.written,
                "event_batches_failed": self.failed_batches,
                "events_dropped": self.dropped,
                "events_queued": self._queue.qsize(),
            }

    def _count_dropped(self, count: int, why: str) -> None:
        with self._lock:
            self.dropped += count
            total = self.dropped
        if total == count or total // 1000 != (total - count) // 1000:  # the first drop, then every 1,000th
            log.error("Dropped %d prediction event(s): %s (%d dropped so far).", count, why, total)

    def _run(self) -> None:
        pending: list[PredictionEvent] = []
        last_flush = time.monotonic()
        while True:
            stopping = self._stopping.is_set()
            wait = max(0.0, self.flush_seconds - (time.monotonic() - last_flush))
            try:
                pending.append(self._queue.get(timeout=0.05 if stopping else min(wait, 0.2)))
                while len(pending) < self.batch_size * 10:
                    pending.append(self._queue.get_nowait())
            except queue.Empty:
                pass
            now = time.monotonic()
            if stopping and self._queue.empty():
                if pending:
                    pending = self._flush(pending)
                if pending:
                    self._count_dropped(
                        len(pending), f"the event store at {self._safe_url()} is failing at stop"
                    )
                return
            due = len(pending) >= self.batch_size or (pending and now - last_flush >= self.flush_seconds)
            if due and (stopping or now >= self._retry_at):
                pending = self._flush(pending)
                last_flush = time.monotonic()

    def _flush(self, pending: list[PredictionEvent]) -> list[PredictionEvent]:
        """Write `pending`; return what is left to retry (empty on success)."""
        done = 0
        try:
            if self._engine is None:
                self._engine = create_store_engine(self.url)
            if not self._schema_ready:
                ensure_schema(self._engine)
                self._schema_ready = True
            naive = self._engine.dialect.name == "sqlite"
            for start in range(0, len(pending), self.batch_size):
                chunk = pending[start : start + self.batch_size]
                with self._engine.begin() as conn:
                    conn.execute(prediction_events.insert(), [e.to_row(naive) for e in chunk])
                done += len(chunk)
                with self._lock:
                    self.written += len(chunk)
            self._failures_in_row = 0
            return []
        except (SQLAlchemyError, OSError) as exc:
            with self._lock:
                self.failed_batches += 1
            self._failures_in_row += 1
            backoff = min(MAX_RETRY_SECONDS, self.flush_seconds * 2**self._failures_in_row)
            self._retry_at = time.monotonic() + backoff
            log.error(
                "Cannot write %d prediction event(s) to %s (%s); retrying in %.1f s.",
                len(pending),
                self._safe_url(),
                str(exc).splitlines()[0],
                backoff,
            )
            remaining = pending[done:]  # chunks already committed are not written twice
            if len(remaining) > self.max_pending:
                self._count_dropped(len(remaining) - self.max_pending, "too many events wait for the store")
                remaining = remaining[-self.max_pending :]
            return remaining

    def _safe_url(self) -> str:
        return sa.engine.make_url(self.url).render_as_string(hide_password=True)


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
