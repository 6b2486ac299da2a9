"""Three replicas behind one address: three `python -m scoring_service` processes on loopback sharing one event
store, one typed client balancing over them. One replica stops (SIGTERM, graceful) under load: no call fails (the
client stops picking it once its health says NOT_SERVING, and retries UNAVAILABLE on another), and every answered
call's event is in the store. Once every replica is down, a call says so at once instead of waiting.

The figures of a run go to the log (`-s` shows them); docs/benchmarks.md keeps one.
"""

from __future__ import annotations

import signal
import subprocess
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scoring_service import errors
from scoring_service.client import ScoringClient
from scoring_service.domain import ClientFilters, ScoreRequest
from scoring_service.event_store import read_events
from tests.server_support import free_port, service_env, start_service_process, wait_serving

pytestmark = pytest.mark.integration
REPLICAS = 3
CALLERS = 4
LOAD_SECONDS = 1.5  # before the stop, then as long again on the two replicas left
SCORE_METRIC = 'scoring_grpc_requests_total{code="OK",method="/credit.scoring.v1.ScoringService/Score"}'


@dataclass
class Replica:
    process: subprocess.Popen[bytes]
    address: str
    metrics_port: int
    log: Path

    def scores_answered(self) -> int:
        """Score calls this replica answered OK, read from its metrics page."""
        url = f"http://127.0.0.1:{self.metrics_port}/metrics"
        with urllib.request.urlopen(url, timeout=5) as page:
            for line in page.read().decode().splitlines():
                if line.startswith(SCORE_METRIC):
                    return int(float(line.rsplit(" ", 1)[1]))
        return 0

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(60)


@dataclass
class Load:
    """Callers scoring through one client until told to stop; every answer and every failure is kept."""

    client: ScoringClient
    ids: list[int]
    answered: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def caller(self, offset: int) -> None:
        i = offset
        while not self.stop.is_set():
            i += 1
            try:
                result = self.client.score(ScoreRequest(client_id=self.ids[i % len(self.ids)]))
            except errors.ScoringError as exc:
                self.failed.append(f"{type(exc).__name__}: {exc}")
            else:
                self.answered.append(result.request_id)


@dataclass
class Figures:
    calls: int
    failed: list[str]
    lost: list[str]
    answered_after_the_stop: int
    per_replica_before_the_stop: list[int]
    per_survivor_at_the_end: list[int]
    exit_codes: list[int]
    all_down_seconds: float


def _start(bundle: Path, store: str, folder: Path, index: int) -> Replica:
    port, metrics_port = free_port(), free_port()
    env = service_env(
        port,
        bundle,
        store,
        0.2,
        metrics_port=str(metrics_port),
        drain_seconds="0.5",
        shutdown_grace_seconds="5",
    )
    log = folder / f"replica-{index}.log"
    process = start_service_process(env, log)
    return Replica(process, f"127.0.0.1:{port}", metrics_port, log)


def _wait_serving(replica: Replica) -> None:
    assert wait_serving(replica.address, replica.process), replica.log.read_text()[-2000:]


def _scale_out(bundle: Path, store: str, folder: Path) -> Figures:
    replicas = [_start(bundle, store, folder, k) for k in range(REPLICAS)]
    try:
        for replica in replicas:
            _wait_serving(replica)
        target = "ipv4:" + ",".join(r.address for r in replicas)
        with ScoringClient(target, timeout=10.0, retries=2) as client:
            ids = [c.client_id for c in client.search_clients(ClientFilters(), page_size=50).clients]
            load = Load(client, ids)
            threads = [threading.Thread(target=load.caller, args=(k * 13,)) for k in range(CALLERS)]
            for thread in threads:
                thread.start()
            try:
                time.sleep(LOAD_SECONDS)
                before_stop = [r.scores_answered() for r in replicas]
                stopped_code = replicas[0].stop()
                answered_at_stop = len(load.answered)
                time.sleep(LOAD_SECONDS)
                after = [r.scores_answered() for r in replicas[1:]]
            finally:
                load.stop.set()
                for thread in threads:
                    thread.join(30)
            codes = [stopped_code] + [r.stop() for r in replicas[1:]]
            started = time.perf_counter()
            with pytest.raises(errors.Unavailable):
                client.score(ScoreRequest(client_id=ids[0]))
            down_seconds = time.perf_counter() - started
    finally:
        for replica in replicas:
            if replica.process.poll() is None:
                replica.process.kill()
    stored = set(
        read_events(store, datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))["request_id"]
    )
    return Figures(
        calls=len(load.answered) + len(load.failed),
        failed=load.failed,
        lost=[r for r in load.answered if r not in stored],
        answered_after_the_stop=len(load.answered) - answered_at_stop,
        per_replica_before_the_stop=before_stop,
        per_survivor_at_the_end=after,
        exit_codes=codes,
        all_down_seconds=round(down_seconds, 3),
    )


def _check(figures: Figures) -> None:
    print(f"\nreplicas: {figures}")  # the figures of docs/benchmarks.md
    assert figures.failed == [], figures.failed[:5]
    assert figures.lost == []
    assert figures.exit_codes == [0] * REPLICAS
    assert all(n > 0 for n in figures.per_replica_before_the_stop), "round-robin left a replica idle"
    assert figures.answered_after_the_stop > 0  # the two others kept answering
    assert figures.all_down_seconds < 3.0  # said at once, well within the call's 10 s deadline


def test_three_replicas_one_stopped_under_load_no_failed_call_no_lost_event(
    tiny_bundle_dir: Path, tmp_path: Path
) -> None:
    _check(_scale_out(tiny_bundle_dir, f"sqlite:///{tmp_path / 'events.db'}", tmp_path))


@pytest.mark.postgres
def test_three_replicas_on_postgresql(tiny_bundle_dir: Path, tmp_path: Path, postgres_db_url: str) -> None:
    _check(_scale_out(tiny_bundle_dir, postgres_db_url, tmp_path))
