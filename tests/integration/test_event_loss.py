"""What a stop costs in events, on a real `python -m scoring_service` process under load: a SIGTERM loses none; a
SIGKILL loses at most the events of the last flush interval (everything answered earlier is in the store)."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import grpc
import pytest

from scoring_service.api.credit.scoring.v1 import scoring_pb2 as pb
from scoring_service.api.credit.scoring.v1 import scoring_pb2_grpc as pb_grpc
from scoring_service.event_store import read_events
from tests.server_support import free_port, service_env, start_service_process, wait_serving

pytestmark = pytest.mark.integration
FLUSH_SECONDS = 0.5


def _start(bundle: Path, store: str, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = service_env(port, bundle, store, FLUSH_SECONDS, metrics_port="", drain_seconds="0.2")
    process = start_service_process(env, log)
    address = f"127.0.0.1:{port}"
    assert wait_serving(address, process), log.read_text()[-2000:]
    return process, address


def _load_then(signum: int, bundle: Path, tmp_path: Path) -> tuple[list[tuple[str, float]], float, set[str]]:
    store = f"sqlite:///{tmp_path / 'events.db'}"
    process, address = _start(bundle, store, tmp_path / "service.log")
    answered: list[tuple[str, float]] = []
    stop = threading.Event()
    try:
        with grpc.insecure_channel(address) as channel:
            stub = pb_grpc.ScoringServiceStub(channel)
            ids = [
                c.client_id
                for c in stub.SearchClients(pb.SearchClientsRequest(page_size=50), timeout=10).clients
            ]

            def load(offset: int) -> None:
                i = offset
                while not stop.is_set():
                    i += 1
                    try:
                        answer = stub.Score(pb.ScoreRequest(client_id=ids[i % len(ids)]), timeout=10)
                        answered.append((answer.request_id, time.time()))
                    except grpc.RpcError:
                        time.sleep(0.01)

            threads = [threading.Thread(target=load, args=(k,)) for k in range(4)]
            for thread in threads:
                thread.start()
            time.sleep(3.0)
            stopped_at = time.time()
            process.send_signal(signum)
            process.wait(60)
            stop.set()
            for thread in threads:
                thread.join(15)
    finally:
        stop.set()
        if process.poll() is None:
            process.kill()
    frame = read_events(store, datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
    return answered, stopped_at, set(frame["request_id"])


def test_a_sigterm_under_load_loses_no_event(tiny_bundle_dir: Path, tmp_path: Path) -> None:
    answered, _, stored = _load_then(signal.SIGTERM, tiny_bundle_dir, tmp_path)
    assert len(answered) > 50
    assert [r for r, _ in answered if r not in stored] == []


def test_a_sigkill_under_load_loses_at_most_the_last_flush_interval(
    tiny_bundle_dir: Path, tmp_path: Path
) -> None:
    answered, killed_at, stored = _load_then(signal.SIGKILL, tiny_bundle_dir, tmp_path)
    assert len(answered) > 50
    # one interval for the events waiting to be written, one for the write in progress; a second of slack for
    # a loaded machine's scheduling
    bound = killed_at - 2 * FLUSH_SECONDS - 1.0
    old_and_lost = [r for r, when in answered if when < bound and r not in stored]
    assert old_and_lost == [], f"{len(old_and_lost)} events answered long before the kill are missing"
