"""The service's edge under abuse: one port per instance, bytes that do not parse, oversized input quoted back,
and a stalled event store that must not take scoring down."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path

import grpc
import pytest

from scoring_service.api.credit.scoring.v1 import scoring_pb2 as pb
from scoring_service.api.credit.scoring.v1 import scoring_pb2_grpc as pb_grpc
from scoring_service.dataplane import DataPlane, build_dataplane
from scoring_service.event_store import read_events
from scoring_service.event_writer import EventWriter
from scoring_service.server import SERVICE_NAME, ServerError, start_service
from tests.server_support import serve, server_settings

pytestmark = pytest.mark.integration
SCORE = f"/{SERVICE_NAME}/Score"


def test_a_second_instance_cannot_take_a_port_in_use(tiny_bundle_dir: Path, tmp_path: Path) -> None:
    with serve(tiny_bundle_dir, tmp_path) as (_, service), pytest.raises(ServerError, match="port is taken"):
        start_service(server_settings(tiny_bundle_dir, tmp_path / "b", address=f"127.0.0.1:{service.port}"))


def test_a_graceful_stop_keeps_answering_while_health_says_not_serving(
    tiny_bundle_dir: Path, tmp_path: Path
) -> None:
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    service = start_service(server_settings(tiny_bundle_dir, tmp_path, drain_seconds=1.5))
    while not service.dataplane.ready:
        time.sleep(0.02)
    with grpc.insecure_channel(service.address) as channel:
        stub, health = pb_grpc.ScoringServiceStub(channel), health_pb2_grpc.HealthStub(channel)
        client_id = int(service.dataplane.engine().scorer.client_ids[0])  # type: ignore[attr-defined]
        stopping = threading.Thread(target=service.stop)
        stopping.start()
        time.sleep(0.5)  # draining: health says NOT_SERVING, calls are still answered
        status = health.Check(health_pb2.HealthCheckRequest(service=SERVICE_NAME), timeout=5).status
        assert status == health_pb2.HealthCheckResponse.NOT_SERVING
        assert stub.Score(pb.ScoreRequest(client_id=client_id), timeout=5).client_id == client_id
        stopping.join(30)


def _raw_score(channel: grpc.Channel, payload: bytes, token: str | None = None) -> grpc.RpcError:
    call = channel.unary_unary(SCORE)  # bytes in, bytes out: no serializer
    metadata = (("authorization", f"Bearer {token}"),) if token else None
    with pytest.raises(grpc.RpcError) as error:
        call(payload, timeout=10, metadata=metadata)
    return error.value


def test_bytes_that_do_not_parse_are_invalid_argument_counted_and_logged_without_traceback(
    tiny_bundle_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    with serve(tiny_bundle_dir, tmp_path, token="s3cret") as (address, service):
        with grpc.insecure_channel(address) as channel:
            garbage = b"\xff\xff\xff\xff\x0f"
            assert _raw_score(channel, garbage).code() == grpc.StatusCode.UNAUTHENTICATED  # token first
            error = _raw_score(channel, garbage, token="s3cret")
            assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
            assert "not a valid Score request" in (error.details() or "")
        page = service.metrics.text()
    assert f'method="{SCORE}"' in page and 'code="INVALID_ARGUMENT"' in page
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def test_a_huge_field_name_gets_a_short_answer(tiny_bundle_dir: Path, tmp_path: Path) -> None:
    huge = "X" * 20_000
    with serve(tiny_bundle_dir, tmp_path) as (address, _), grpc.insecure_channel(address) as channel:
        stub = pb_grpc.ScoringServiceStub(channel)
        request = pb.ScoreRequest(client_id=100_001)
        request.values[huge].number = 1.0
        with pytest.raises(grpc.RpcError) as error:
            stub.Score(request, timeout=10)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert len(error.value.details() or "") < 1_100


def _small_queue_plane(bundle: Path, url: str) -> DataPlane:
    plane = build_dataplane(
        str(bundle),
        None,
        None,
        poll_seconds=0,
        event_batch_size=50,
        event_flush_seconds=0.05,
        max_batch_size=1_000,
        max_concurrent_batches=2,
    )
    plane._events = EventWriter(url, batch_size=50, flush_seconds=0.05, max_queue=300, max_pending=300)
    return plane


def test_a_stalled_store_never_stalls_scoring(tiny_bundle_dir: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'events.db'}"
    plane = _small_queue_plane(tiny_bundle_dir, url)
    settings = server_settings(tiny_bundle_dir, tmp_path, max_workers=8)
    service = start_service(settings, plane)
    lock = sqlite3.connect(tmp_path / "events.db", isolation_level=None)
    try:
        while not plane.ready:
            time.sleep(0.02)
        ids = [int(c) for c in plane.engine().scorer.client_ids]
        lock.execute("BEGIN EXCLUSIVE")  # the store stalls: every write waits, then fails and is retried
        with grpc.insecure_channel(service.address) as channel:
            stub = pb_grpc.ScoringServiceStub(channel)
            refused: list[grpc.StatusCode] = []

            def batch() -> None:
                try:
                    list(stub.ScoreBatch(pb.ScoreBatchRequest(client_ids=ids * 4), timeout=60))
                except grpc.RpcError as error:
                    refused.append(error.code())

            # more batches than worker threads, each far larger than the event queue
            batches = [threading.Thread(target=batch) for _ in range(12)]
            for thread in batches:
                thread.start()
            time.sleep(0.5)
            slowest = 0.0
            for client_id in ids[:20]:
                started = time.perf_counter()
                stub.Score(pb.ScoreRequest(client_id=client_id), timeout=10)
                slowest = max(slowest, time.perf_counter() - started)
            for thread in batches:
                thread.join(60)
        assert slowest < 3.0, f"a single Score waited {slowest:.1f} s behind the batches"
        assert set(refused) <= {grpc.StatusCode.RESOURCE_EXHAUSTED}  # too many batches at once: said at once
        stats = plane.stats()
        assert stats["events_dropped"] > 0  # counted, not silently lost
    finally:
        lock.execute("ROLLBACK")
        lock.close()
        service.stop(grace=5)
    singles = read_events(url, pd_far_past(), pd_far_future())
    assert singles["request_id"].str.len().eq(32).sum() == 20  # every single Score's event was kept


def pd_far_past():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime(2000, 1, 1, tzinfo=UTC)


def pd_far_future():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime(2100, 1, 1, tzinfo=UTC)
