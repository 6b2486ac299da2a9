"""The fault suite: the probes of a demanding operator against a real `python -m scoring_service` process, on
loopback only, each bounded in time, with one table at the end.

    python bench/faults.py [--bundle DIR] [--seconds 8] [--concurrency 16] [--fuzz 2000]
                           [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Rows: malformed messages (status codes, UNKNOWN/INTERNAL), events lost on SIGTERM and on SIGKILL under load per
store (and how old the lost ones were, against the flush interval), Score while the store is stalled (an
exclusive lock) and while it is unreachable, Score p50 while a large ScoreBatch runs, idle CPU of the service.
Without --bundle a tiny model is trained first (about a minute). Figures in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

import grpc
import sqlalchemy as sa
from grpc_health.v1 import health_pb2, health_pb2_grpc

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scoring_service.api.credit.scoring.v1 import scoring_pb2 as pb
from scoring_service.api.credit.scoring.v1 import scoring_pb2_grpc as pb_grpc
from scoring_service.event_store import read_events
from tests.server_support import free_port, service_env, wait_serving

SERVICE = "credit.scoring.v1.ScoringService"
FLUSH_SECONDS = 1.0
SERVING_NAMES = {1: "SERVING", 2: "NOT_SERVING"}
ROWS: list[tuple[str, str]] = []


def row(probe: str, result: str) -> None:
    ROWS.append((probe, result))
    print(f"  {probe}: {result}", flush=True)


class Service:
    """`python -m scoring_service` in its own process group, on a free loopback port."""

    def __init__(self, bundle: Path, store: str, work: Path) -> None:
        self.port, self.metrics_port = free_port(), free_port()
        env = service_env(
            self.port,
            bundle,
            store,
            FLUSH_SECONDS,
            metrics_port=str(self.metrics_port),
            max_batch_size="50000",
        )
        self.log = (work / f"service-{self.port}.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scoring_service"],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.address = f"127.0.0.1:{self.port}"
        if not wait_serving(self.address, self.process):
            raise RuntimeError(f"the service did not start; see {self.log.name}")

    def metric(self, name: str) -> float:
        page = (
            urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=5).read().decode()
        )
        for line in page.splitlines():
            if line.startswith(f"scoring_dataplane_{name} "):
                return float(line.split()[1])
        return float("nan")

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout)
        self.log.close()


def client_ids(address: str) -> list[int]:
    with grpc.insecure_channel(address) as channel:
        page = pb_grpc.ScoringServiceStub(channel).SearchClients(
            pb.SearchClientsRequest(page_size=100), timeout=10
        )
        return [c.client_id for c in page.clients]


class Load:
    """Score calls from `concurrency` threads until stopped; keeps (request id, time answered) of each OK."""

    def __init__(self, address: str, ids: list[int], concurrency: int) -> None:
        self.answered: list[tuple[str, float]] = []
        self.codes: collections.Counter[str] = collections.Counter()
        self.latencies: list[float] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._channel = grpc.insecure_channel(address)
        self._stub = pb_grpc.ScoringServiceStub(self._channel)
        self._threads = [
            threading.Thread(target=self._run, args=(ids,), daemon=True) for _ in range(concurrency)
        ]
        for thread in self._threads:
            thread.start()

    def _run(self, ids: list[int]) -> None:
        rng = random.Random()
        while not self._stop.is_set():
            started = time.perf_counter()
            try:
                answer = self._stub.Score(pb.ScoreRequest(client_id=rng.choice(ids)), timeout=10)
                with self._lock:
                    self.answered.append((answer.request_id, time.time()))
                    self.latencies.append(time.perf_counter() - started)
                    self.codes["OK"] += 1
            except grpc.RpcError as error:
                with self._lock:
                    self.codes[error.code().name] += 1
                time.sleep(0.01)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(15)
        self._channel.close()


def lost_events(store: str, answered: list[tuple[str, float]]) -> int:
    """Answered calls whose event is not in the store."""
    frame = read_events(store, datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
    kept = set(frame["request_id"])
    return sum(1 for request_id, _ in answered if request_id not in kept)


def probe_stop(name: str, bundle: Path, store: str, work: Path, args: argparse.Namespace, sig: int) -> None:
    service = Service(bundle, store, work)
    ids = client_ids(service.address)
    load = Load(service.address, ids, args.concurrency)
    time.sleep(args.seconds)
    killed_at = time.time()
    service.stop(sig)
    load.stop()
    answered = [(r, t) for r, t in load.answered if t <= killed_at + 1]
    lost = lost_events(store, answered)
    last = [(r, t) for r, t in answered if t >= killed_at - FLUSH_SECONDS]
    recent_lost = lost_events(store, last)
    signame = signal.Signals(sig).name
    row(
        f"{signame} under load, {name}",
        f"{len(answered):,} answered, {lost:,} events lost ({recent_lost:,} of them answered in the last "
        f"{FLUSH_SECONDS:.0f} s flush interval, which held {len(last):,})",
    )


def probe_malformed(service: Service, count: int) -> None:
    rng = random.Random(0)
    codes: collections.Counter[str] = collections.Counter()
    with grpc.insecure_channel(service.address) as channel:
        methods = [channel.unary_unary(f"/{SERVICE}/{m}") for m in ("Score", "GetClient", "SearchClients")]
        methods.append(channel.unary_stream(f"/{SERVICE}/ScoreBatch"))
        for i in range(count):
            payload = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 64)))
            call = methods[i % len(methods)]
            try:
                result = call(payload, timeout=5)
                if i % len(methods) == 3:
                    list(result)
                codes["OK"] += 1
            except grpc.RpcError as error:
                codes[error.code().name] += 1
    bad = codes["UNKNOWN"] + codes["INTERNAL"]
    row("malformed messages", f"{count:,} sent: {dict(codes.most_common())}; UNKNOWN+INTERNAL {bad}")


def probe_stalled(bundle: Path, work: Path, args: argparse.Namespace) -> None:
    path = work / f"stalled-{uuid.uuid4().hex[:6]}.db"
    store = f"sqlite:///{path}"
    service = Service(bundle, store, work)
    ids = client_ids(service.address)
    lock = sqlite3.connect(path, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")
    load = Load(service.address, ids, args.concurrency)
    time.sleep(args.seconds)
    load.stop()
    with grpc.insecure_channel(service.address) as channel:
        health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5).status
    failed = service.metric("event_batches_failed")
    lock.execute("ROLLBACK")
    lock.close()
    service.stop()
    p50 = statistics.median(load.latencies) * 1000 if load.latencies else float("nan")
    row(
        "store stalled (exclusive lock)",
        f"{dict(load.codes)}, Score p50 {p50:.1f} ms, health {SERVING_NAMES.get(health, health)}, "
        f"failed writes counted {failed:.0f}",
    )


def probe_unreachable(bundle: Path, work: Path, args: argparse.Namespace) -> None:
    store = f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/nothing"  # nothing listens there
    service = Service(bundle, store, work)
    ids = client_ids(service.address)
    load = Load(service.address, ids, args.concurrency)
    time.sleep(args.seconds)
    load.stop()
    failed, queued = service.metric("event_batches_failed"), service.metric("events_queued")
    service.stop()
    row(
        "store unreachable",
        f"{dict(load.codes)}, failed writes counted {failed:.0f}, events held for retry {queued:.0f}",
    )


def probe_batch_and_idle(bundle: Path, work: Path, args: argparse.Namespace) -> None:
    store = f"sqlite:///{work / 'batch.db'}"
    service = Service(bundle, store, work)
    ids = client_ids(service.address)
    time.sleep(2)
    cpu, wall = service.cpu_seconds(), time.perf_counter()
    time.sleep(args.idle_seconds)
    idle = (service.cpu_seconds() - cpu) / (time.perf_counter() - wall)
    row("idle CPU of the service (after start)", f"{idle:.1%} of a core over {args.idle_seconds:.0f} s")
    alone = Load(service.address, ids, 4)
    time.sleep(args.seconds / 2)
    alone.stop()
    during = Load(service.address, ids, 4)
    with grpc.insecure_channel(service.address) as channel:
        stub = pb_grpc.ScoringServiceStub(channel)
        started = time.perf_counter()
        count = sum(
            len(c.results)
            for c in stub.ScoreBatch(pb.ScoreBatchRequest(client_ids=(ids * 500)[:50_000]), timeout=120)
        )
        batch_seconds = time.perf_counter() - started
    during.stop()
    p50 = [statistics.median(x.latencies) * 1000 for x in (alone, during)]
    row(
        "Score p50 while a 50,000-client ScoreBatch runs",
        f"{p50[0]:.1f} ms alone, {p50[1]:.1f} ms during ({count:,} results in {batch_seconds:.1f} s)",
    )
    deadline = time.monotonic() + 300
    while service.metric("events_queued") > 0 and time.monotonic() < deadline:  # the batch's events written
        time.sleep(0.5)
    time.sleep(2)
    cpu, wall = service.cpu_seconds(), time.perf_counter()
    time.sleep(args.idle_seconds)
    idle = (service.cpu_seconds() - cpu) / (time.perf_counter() - wall)
    row(
        "idle CPU of the service (events all written)", f"{idle:.1%} of a core over {args.idle_seconds:.0f} s"
    )
    probe_malformed(service, args.fuzz)
    service.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, help="a model bundle folder; empty: train a tiny one")
    parser.add_argument("--seconds", type=float, default=8.0, help="load before each stop or per probe")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--fuzz", type=int, default=2_000, help="malformed messages sent")
    parser.add_argument("--idle-seconds", type=float, default=10.0)
    parser.add_argument(
        "--postgres", default=os.environ.get("TEST_POSTGRES_URL", ""), help="empty: SQLite only"
    )
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory(prefix="faults-") as folder:
        work = Path(folder)
        bundle = args.bundle
        if bundle is None:
            from tests.bundle_factory import make_tiny_bundle

            bundle = make_tiny_bundle(work / "bundle")
        probe_batch_and_idle(bundle, work, args)
        probe_stalled(bundle, work, args)
        probe_unreachable(bundle, work, args)
        stores = [("SQLite", lambda: f"sqlite:///{work / f'events-{uuid.uuid4().hex[:6]}.db'}")]
        admin = None
        if args.postgres:
            admin = sa.create_engine(args.postgres, isolation_level="AUTOCOMMIT")
            base = args.postgres.rsplit("/", 1)[0]
            made: list[str] = []

            def postgres() -> str:
                name = f"faults_{uuid.uuid4().hex[:8]}"
                with admin.connect() as conn:  # type: ignore[union-attr]
                    conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
                made.append(name)
                return f"{base}/{name}"

            stores.append(("PostgreSQL", postgres))
        try:
            for name, store in stores:
                for sig in (signal.SIGTERM, signal.SIGKILL):
                    probe_stop(name, bundle, store(), work, args, sig)
        finally:
            if admin is not None:
                with admin.connect() as conn:
                    for name in made:
                        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
    print(f"\nload average at end: {os.getloadavg()[0]:.2f}\n")
    width = max(len(p) for p, _ in ROWS)
    print(f"| {'probe':<{width}} | result |\n|{'-' * (width + 2)}|--------|")
    for probe, result in ROWS:
        print(f"| {probe:<{width}} | {result} |")


if __name__ == "__main__":
    main()
