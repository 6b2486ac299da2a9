"""The event writer under pressure: batches wait for room within one budget per call and never take the room
kept for single scores, the idle writer sleeps, a missing driver is refused at start, an event that cannot be
stored is counted without stopping the writer, and a stop that cannot write everything counts what it lost."""

from __future__ import annotations

import importlib.util
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scoring_service.dataplane import DataPlane, build_dataplane
from scoring_service.event_buffer import EventBuffer
from scoring_service.event_store import PredictionEvent, read_events
from scoring_service.event_writer import EventWriter

FAR_PAST = datetime(2000, 1, 1, tzinfo=UTC)
FAR_FUTURE = datetime(2100, 1, 1, tzinfo=UTC)


def event(i: int) -> PredictionEvent:
    return PredictionEvent(
        event_time=time.time(),
        request_id=f"r{i}",
        client_id=100_001 + i,
        model_version="3",
        feature_names=("AMT_CREDIT", "CODE_GENDER"),
        feature_values=(1000.0 * i, "F"),
        probability=0.01,
        decision="granted",
        threshold=0.35,
        latency_ms=0.2,
        explained=False,
    )


def test_a_batch_waits_for_room_within_its_budget_then_drops_and_counts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'events.db'}"
    writer = EventWriter(url, batch_size=2, flush_seconds=0.05, max_queue=10, single_reserve=0.2)
    writer.submit_many([event(i) for i in range(8)], time.monotonic() + 1.0)  # fills the batches' share
    started = time.perf_counter()
    writer.submit_many([event(8), event(9)], time.monotonic() + 0.2)  # no room for batches within 0.2 s
    assert 0.19 <= time.perf_counter() - started < 2.0
    assert writer.stats()["events_dropped"] == 2
    writer.submit(event(10))  # a single score still finds room: the reserve is its own
    writer.submit(event(11))
    assert writer.stats()["events_dropped"] == 2 and writer.stats()["events_queued"] == 10
    writer.start()  # the writer drains the queue: a batch's events wait for room and all get in
    writer.submit_many([event(i) for i in range(12, 60)], time.monotonic() + 10.0)
    writer.stop()
    assert writer.stats()["events_dropped"] == 2 and writer.stats()["events_written"] == 58
    frame = read_events(url, FAR_PAST, FAR_FUTURE)
    assert sorted(frame["request_id"]) == sorted(f"r{i}" for i in [*range(8), *range(10, 60)])


def test_many_waiting_batches_hold_no_thread_beyond_their_budget() -> None:
    buffer: EventBuffer[int] = EventBuffer(capacity=10, reserve=2)
    assert buffer.put_many(list(range(8)), time.monotonic()) == 8
    finished: list[float] = []

    def batch() -> None:
        started = time.monotonic()
        buffer.put_many([1, 2, 3], started + 0.3)
        finished.append(time.monotonic() - started)

    threads = [threading.Thread(target=batch) for _ in range(17)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert len(finished) == 17 and max(finished) < 2.0
    assert buffer.put_one(99) and buffer.put_one(100) and not buffer.put_one(101)


def test_the_writer_is_woken_by_a_writes_worth_of_events_not_by_each_one() -> None:
    """Each wake-up costs the scoring threads the interpreter lock: the taker waits for what it asked for."""
    buffer: EventBuffer[int] = EventBuffer(capacity=100, reserve=10)
    taken: list[tuple[int, float]] = []

    def taker() -> None:
        started = time.monotonic()
        got = buffer.take(50, timeout=10.0, want=5)
        taken.append((len(got), time.monotonic() - started))

    thread = threading.Thread(target=taker)
    thread.start()
    time.sleep(0.1)
    for i in range(4):
        assert buffer.put_one(i)
    time.sleep(0.3)
    assert not taken, "the taker woke before the 5 events it waits for"
    buffer.put_one(4)
    thread.join(5)
    assert taken and taken[0][0] == 5 and taken[0][1] < 5.0
    assert buffer.take(10, timeout=0.05, want=3) == []  # nothing comes: the wait ends at its timeout
    buffer.put_one(5)
    assert buffer.take(10, timeout=0.05, want=3) == [5]  # fewer than asked, once the time is up


def test_the_idle_writer_sleeps(tmp_path: Path) -> None:
    writer = EventWriter(f"sqlite:///{tmp_path / 'events.db'}", batch_size=100, flush_seconds=0.05)
    writer.start()
    writer.submit(event(1))
    time.sleep(0.3)  # the event is written; nothing else comes
    assert writer.stats()["events_written"] == 1
    cpu, wall = time.process_time(), time.perf_counter()
    time.sleep(1.0)
    used = (time.process_time() - cpu) / (time.perf_counter() - wall)
    writer.stop()
    assert used < 0.05, f"the idle writer used {used:.0%} of a core"


@pytest.mark.parametrize(
    ("url", "driver"),
    [("postgresql+psycopg2://u@127.0.0.1/d", "psycopg2"), ("mysql://u@127.0.0.1/d", "MySQLdb")],
)
def test_a_store_whose_driver_is_missing_is_refused_at_start(url: str, driver: str) -> None:
    if importlib.util.find_spec(driver) is not None:
        pytest.skip(f"{driver} is installed here")
    with pytest.raises(ValueError, match="event store URL"):
        EventWriter(url)


def test_an_event_that_cannot_be_stored_is_counted_and_the_rest_written(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'events.db'}"
    writer = EventWriter(url, batch_size=5, flush_seconds=0.02)
    writer.start()

    def broken() -> list[object]:
        raise RuntimeError("the row is gone")

    poison = PredictionEvent(
        event_time=time.time(),
        request_id="poison",
        client_id=None,
        model_version="3",
        feature_names=("AMT_CREDIT",),
        feature_values=broken,
        probability=0.1,
        decision="granted",
        threshold=0.35,
        latency_ms=0.1,
        explained=False,
    )
    writer.submit(poison)
    for i in range(1, 10):
        writer.submit(event(i))
    writer.stop()
    stats = writer.stats()
    assert stats["events_written"] == 9 and stats["events_dropped"] == 1
    assert len(read_events(url, FAR_PAST, FAR_FUTURE)) == 9


def test_a_dead_writer_thread_shows_in_the_stats(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    writer = EventWriter(f"sqlite:///{tmp_path / 'events.db'}", batch_size=1, flush_seconds=0.02)

    def crash(*_: object) -> list[PredictionEvent]:
        raise SystemError("an interpreter fault")

    monkeypatch.setattr(writer, "_flush", crash)
    writer.start()
    writer.submit(event(1))
    deadline = time.monotonic() + 5
    while writer.alive and time.monotonic() < deadline:
        time.sleep(0.01)
    stats = writer.stats()
    assert stats["event_writer_alive"] == 0 and stats["events_dropped"] == 1


def test_a_stop_that_cannot_write_in_time_counts_what_it_lost(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    writer = EventWriter(f"sqlite:///{blocker / 'events.db'}", batch_size=5, flush_seconds=0.02)
    writer.start()
    writer.submit_many([event(i) for i in range(50)], time.monotonic() + 1)
    started = time.monotonic()
    writer.stop(timeout=1.0)
    assert time.monotonic() - started < 3.0
    stats = writer.stats()
    assert (
        stats["events_written"] == 0 and stats["events_lost_at_stop"] == 50 and stats["events_dropped"] == 50
    )


def _small_batches_plane(bundle: Path, url: str) -> DataPlane:
    """A started data plane recording into `url`, in writes of 16 events, batches of at most 100 clients."""
    plane = build_dataplane(
        str(bundle),
        None,
        url,
        poll_seconds=0,
        event_batch_size=16,
        event_flush_seconds=0.05,
        max_batch_size=100,
    )
    plane.start()
    return plane


def test_a_cancelled_batch_records_only_what_was_delivered(tiny_bundle_dir: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'events.db'}"
    plane = _small_batches_plane(tiny_bundle_dir, url)
    ids = [int(c) for c in plane.engine().scorer.client_ids[:20]]
    batch = plane.score_batch(ids)
    delivered = batch.deliveries()  # type: ignore[attr-defined]
    sent = [next(batch) for _ in range(5)]
    delivered()
    [next(batch) for _ in range(5)]  # computed, never delivered: the call was cancelled
    whole = list(plane.score_batch(ids[:3]))  # a batch read to the end is recorded whole
    plane.stop()
    frame = read_events(url, FAR_PAST, FAR_FUTURE)
    assert list(frame["request_id"]) == [r.request_id for r in sent + whole]


def test_a_batch_in_columns_records_each_delivered_client_as_the_results_form_does(
    tiny_bundle_dir: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'events.db'}"
    plane = _small_batches_plane(tiny_bundle_dir, url)
    scorer = plane.engine().scorer
    ids = [int(c) for c in scorer.client_ids[:20]]
    chunks = plane.score_batch_columns(ids, chunk_size=4)
    delivered = chunks.deliveries()  # type: ignore[attr-defined]
    sent = [next(chunks) for _ in range(2)]
    delivered()
    next(chunks)  # computed, never delivered: the call was cancelled
    chunks.close()  # type: ignore[attr-defined]
    expected = {r.client_id: r for r in plane.score_batch(ids[:8])}
    plane.stop()
    results = [r for chunk in sent for r in chunk.results()]
    assert [r.client_id for r in results] == ids[:8]
    frame = read_events(url, FAR_PAST, FAR_FUTURE).iloc[:8]
    assert list(frame["request_id"]) == [r.request_id for r in results]
    assert list(frame["client_id"]) == ids[:8]
    assert list(frame["probability"]) == [expected[c].probability for c in ids[:8]]
    assert list(frame["decision"]) == [expected[c].decision.value for c in ids[:8]]
    assert frame.iloc[5]["AMT_CREDIT"] == scorer.row(scorer.row_index(ids[5]))[scorer.position["AMT_CREDIT"]]
