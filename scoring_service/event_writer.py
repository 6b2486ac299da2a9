"""The event writer: scored requests go from a bounded queue to the event store in bulk, from one thread.

`submit` (a single Score) never waits; `submit_many` (a batch) waits for room at most until its call's deadline.
The thread sleeps until events come (no polling), writes when a batch is full or the oldest event has waited the
flush interval, with one COPY (PostgreSQL) or one multi-row insert per transaction. A failing store never fails
scoring: failures are counted and logged, events are kept for retry up to a bound, beyond which the oldest are
dropped and counted. Every loss is counted: a full queue, a stop that could not write everything in its time,
a thread that died.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Sequence

import sqlalchemy as sa

from scoring_service.event_buffer import EventBuffer
from scoring_service.event_insert import write_events
from scoring_service.event_store import (
    PredictionEvent,
    add_packed_columns,
    check_url,
    compress_features_fast,
    create_store_engine,
    ensure_schema,
)

log = logging.getLogger(__name__)

MAX_RETRY_SECONDS = 30.0
WRITE_CHUNK = 2_000  # events per transaction at most: a kill loses at most the one in flight


class EventWriter:
    """Writes events in bulk from a background thread; never blocks a single Score nor fails any caller.

    Losses are bounded and stated: a graceful stop writes everything queued within its timeout and counts (and
    logs) what it could not; a killed process loses at most the events of its last flush interval, since the
    writer keeps far ahead of the service (one COPY or multi-row insert per flush).
    """

    def __init__(
        self,
        url: str,
        *,
        batch_size: int = 256,
        flush_seconds: float = 1.0,
        max_queue: int = 100_000,
        max_pending: int = 100_000,
        single_reserve: float = 0.1,
    ) -> None:
        if batch_size < 1 or flush_seconds <= 0:
            raise ValueError("the event batch size must be at least 1 and the flush interval positive")
        check_url(url)
        self.url = url
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.max_pending = max_pending
        self._buffer: EventBuffer[PredictionEvent] = EventBuffer(max_queue, int(max_queue * single_reserve))
        self._thread: threading.Thread | None = None
        self._engine: sa.Engine | None = None
        self._schema_ready = False
        self._lock = threading.Lock()
        self._stop_deadline = math.inf
        self._pending = 0
        self.written = 0
        self.failed_batches = 0
        self.dropped = 0
        self.lost_at_stop = 0
        self._failures_in_row = 0
        self._retry_at = 0.0

    def start(self) -> None:
        """Check the store (a failure is logged and retried by the writer, never fatal), then start the thread."""
        if self._thread is not None:
            return
        try:
            self._connect()
        except Exception as exc:  # the writer retries: a store that is down at start comes back later
            self._record_failure(0, exc)
        self._thread = threading.Thread(target=self._run, name="event-writer", daemon=True)
        self._thread.start()

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def submit(self, event: PredictionEvent) -> None:
        """Queue one event without ever waiting (a full queue drops and counts it)."""
        if not self._buffer.put_one(event):
            self._count_dropped(1, self._why_refused())

    def submit_many(self, events: Sequence[PredictionEvent], deadline: float) -> None:
        """Queue a batch's events, waiting for room until `deadline` (time.monotonic()); the rest are dropped
        and counted. Batches leave a reserve of the queue to single scores."""
        done = self._buffer.put_many(events, deadline) if events else 0
        if done < len(events):
            self._count_dropped(len(events) - done, self._why_refused())

    def stop(self, timeout: float = 10.0) -> None:
        """Write every queued event within `timeout`; what cannot be written is counted and logged."""
        self._stop_deadline = time.monotonic() + timeout
        self._buffer.close()
        if self._thread is not None:
            self._thread.join(timeout + 1.0)
            if self._thread.is_alive():
                with self._lock:
                    left = len(self._buffer) + self._pending
                self._count_lost(left, f"the event writer did not finish within {timeout:.1f} s")
        if self._engine is not None:
            self._engine.dispose()

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {
                "events_written": self.written,
                "event_batches_failed": self.failed_batches,
                "events_dropped": self.dropped,
                "events_lost_at_stop": self.lost_at_stop,
                "events_queued": len(self._buffer) + self._pending,
                "event_writer_alive": int(self.alive),
            }

    def _why_refused(self) -> str:
        if self._buffer.closed:
            return "the event writer is stopped"
        return "the event queue is full (the store is slower than the traffic)"

    def _count_dropped(self, count: int, why: str) -> None:
        with self._lock:
            self.dropped += count
            total = self.dropped
        if total == count or total // 1000 != (total - count) // 1000:  # the first drop, then every 1,000th
            log.error("Dropped %d prediction event(s): %s (%d dropped so far).", count, why, total)

    def _count_lost(self, count: int, why: str) -> None:
        if count <= 0:
            return
        with self._lock:
            self.dropped += count
            self.lost_at_stop += count
        log.error("Lost %d prediction event(s) at stop: %s (store %s).", count, why, self._safe_url())

    def _run(self) -> None:
        pending: list[PredictionEvent] = []
        first_at = 0.0
        try:
            while True:
                got = self._gather(pending, first_at)
                if got:
                    if not pending:
                        first_at = time.monotonic()
                    pending.extend(got)
                with self._lock:
                    self._pending = len(pending)
                now = time.monotonic()
                closing = self._buffer.closed
                if closing and not pending and not len(self._buffer):
                    return
                due = len(pending) >= self.batch_size or (pending and now - first_at >= self.flush_seconds)
                if not (due or closing):
                    continue
                if now < self._retry_at and not closing:
                    continue
                if closing and now >= self._stop_deadline:
                    with self._lock:
                        self._pending = 0
                    self._count_lost(
                        len(pending) + len(self._buffer), "the store could not take them in time"
                    )
                    self._drain_buffer()
                    return
                if closing:
                    self._retry_at = min(
                        self._retry_at, now + 0.25
                    )  # at stop, retry often within the time left
                    if now < self._retry_at:
                        time.sleep(min(self._retry_at - now, max(0.0, self._stop_deadline - now)))
                        continue
                pending = self._flush(pending)
                first_at = time.monotonic()
                with self._lock:
                    self._pending = len(pending)
        except BaseException as exc:  # never die silently: the loss is counted and the thread shows as dead
            with self._lock:
                self._pending = 0
            self._count_lost(len(pending) + len(self._buffer), f"the event writer failed ({exc!r})")
            log.exception("The event writer stopped on an unexpected error (event_writer_alive is now 0).")

    def _gather(self, pending: list[PredictionEvent], first_at: float) -> list[PredictionEvent]:
        """The events to add to `pending`: asleep until the first event or the stop when idle; then woken by a
        write's worth of them, or at the flush (or retry) time; none while `pending` is full."""
        now = time.monotonic()
        closing = self._buffer.closed
        room = self.max_pending - len(pending)
        if not pending:
            timeout: float | None = None
        elif closing:
            timeout = 0.0
        else:
            timeout = max(0.0, max(first_at + self.flush_seconds, self._retry_at) - now)
        if room > 0:
            want = max(1, self.batch_size - len(pending)) if pending else 1
            return self._buffer.take(room, timeout, want=want)
        if not closing:
            self._buffer.wait_closed(max(0.01, self._retry_at - now))
        return []

    def _drain_buffer(self) -> None:
        while self._buffer.take(10_000, 0.0):
            pass

    def _connect(self) -> sa.Engine:
        if self._engine is None:
            self._engine = create_store_engine(self.url)
        if not self._schema_ready:
            ensure_schema(self._engine)
            add_packed_columns(self._engine)
            compress_features_fast(self._engine)
            self._schema_ready = True
        return self._engine

    def _flush(self, pending: list[PredictionEvent]) -> list[PredictionEvent]:
        """Write `pending`; return what is left to retry (empty on success)."""
        done = 0
        try:
            engine = self._connect()
            for start in range(0, len(pending), WRITE_CHUNK):
                chunk = pending[start : start + WRITE_CHUNK]
                made = write_events(engine, chunk, self._refuse)
                done += len(chunk)
                with self._lock:
                    self.written += made
                    self._pending = len(pending) - done
            self._failures_in_row = 0
            self._retry_at = 0.0
            return []
        except (
            Exception
        ) as exc:  # whatever the store or driver raises, scoring goes on and the writer retries
            self._record_failure(len(pending) - done, exc)
            remaining = pending[done:]  # chunks already committed are not written twice
            if len(remaining) > self.max_pending:
                self._count_dropped(len(remaining) - self.max_pending, "too many events wait for the store")
                remaining = remaining[-self.max_pending :]
            return remaining

    def _refuse(self, event: PredictionEvent, exc: Exception) -> None:
        """An event that cannot be made a row is dropped and counted (it would fail every retry)."""
        self._count_dropped(1, f"an event cannot be stored ({type(exc).__name__}: {str(exc)[:200]})")

    def _record_failure(self, count: int, exc: BaseException) -> None:
        with self._lock:
            self.failed_batches += 1
        self._failures_in_row += 1
        backoff = min(MAX_RETRY_SECONDS, self.flush_seconds * 2 ** min(self._failures_in_row, 10))
        self._retry_at = time.monotonic() + backoff
        log.error(
            "Cannot write %d prediction event(s) to %s (%s: %s); retrying in %.1f s.",
            count,
            self._safe_url(),
            type(exc).__name__,
            (str(exc).splitlines() or [""])[0][:300],
            backoff,
        )

    def _safe_url(self) -> str:
        return sa.engine.make_url(self.url).render_as_string(hide_password=True)
