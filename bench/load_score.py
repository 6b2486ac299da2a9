"""Load benchmark of the scoring service: Score with and without SHAP at concurrency 1, 8 and 32 over gRPC and
in process (the same data plane called directly), and ScoreBatch of a real-size portfolio (48,744 clients).

    python bench/load_score.py                       # builds a bundle whose portfolio has 48,744 clients
    python bench/load_score.py --bundle data/bundles/3 --seconds 5
    python bench/load_score.py --bundle data/bundles/3 --distinct 1000   # clients asked again: kept answers

The server runs in its own process (`python -m scoring_service`, as deployed), so that callers and server do
not share one interpreter lock; callers are threads sharing one channel. The server writes its score events to
a SQLite file in a temporary folder, as in production (the in-process plane has no event writer), and its
event counters are read from its metrics page at the end. Per-call JSON logs are off unless asked for.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from scoring_service.client import ScoringClient  # noqa: E402
from scoring_service.domain import ScoreRequest  # noqa: E402
from scoring_service.settings import ScoringSettings  # noqa: E402
from tests.server_support import free_port  # noqa: E402

REAL_SIZE_PORTFOLIO = 48_744  # clients in Home Credit's application_test


@dataclass
class Run:
    label: str
    concurrency: int
    calls: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def p50(self) -> float:
        return float(np.percentile(self.latencies_ms, 50)) if self.latencies_ms else float("nan")

    @property
    def p99(self) -> float:
        return float(np.percentile(self.latencies_ms, 99)) if self.latencies_ms else float("nan")

    @property
    def throughput(self) -> float:
        return self.calls / self.seconds if self.seconds else 0.0

    def row(self) -> str:
        return (
            f"| {self.label:<28} | {self.concurrency:>3} | {self.p50:>8.3f} | {self.p99:>8.3f} | "
            f"{self.throughput:>8.0f} | {self.calls:>6} | {self.errors:>3} |"
        )


class Scores(Protocol):
    def score(self, request: ScoreRequest) -> object: ...


HEADER = (
    "| scenario                     |   c | p50 (ms) | p99 (ms) | calls/s  |  calls | err |\n"
    "|------------------------------|----:|---------:|---------:|---------:|-------:|----:|"
)


def load(api: Scores, ids: Sequence[int], explain: bool, concurrency: int, seconds: float, label: str) -> Run:
    """`concurrency` threads call score() back to back for `seconds`; every latency is kept."""
    stop = threading.Event()
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency

    def worker(k: int) -> None:
        rng = np.random.default_rng(k)
        mine, perf = latencies[k], time.perf_counter
        while not stop.is_set():
            request = ScoreRequest(client_id=int(ids[int(rng.integers(len(ids)))]), explain=explain, top_k=10)
            started = perf()
            try:
                api.score(request)
            except Exception:  # counted: the benchmark reports errors under load, it does not hide them
                errors[k] += 1
                continue
            mine.append((perf() - started) * 1000.0)

    threads = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    merged = [x for part in latencies for x in part]
    return Run(label, concurrency, len(merged), sum(errors), elapsed, merged)


def paired(remote: Scores, local: Scores, ids: Sequence[int], explain: bool, seconds: float) -> list[Run]:
    """One caller alternates a gRPC call and the same in-process call: on a machine whose load varies, both
    medians then see the same moments, and their ratio is the service's own overhead."""
    rng = np.random.default_rng(7)
    latencies: tuple[list[float], list[float]] = ([], [])
    errors = [0, 0]
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        request = ScoreRequest(client_id=int(ids[int(rng.integers(len(ids)))]), explain=explain, top_k=10)
        for k, api in enumerate((remote, local)):
            begin = time.perf_counter()
            try:
                api.score(request)
            except Exception:  # counted, as in load()
                errors[k] += 1
                continue
            latencies[k].append((time.perf_counter() - begin) * 1000.0)
    elapsed = time.perf_counter() - started
    shap = "with SHAP" if explain else "no SHAP"
    return [
        Run(f"paired gRPC {shap}", 1, len(latencies[0]), errors[0], elapsed, latencies[0]),
        Run(f"paired in-process {shap}", 1, len(latencies[1]), errors[1], elapsed, latencies[1]),
    ]


class _HealthCheck:
    """The transport's floor: a unary call through the same channel and interceptors that does no work."""

    def __init__(self, client: ScoringClient) -> None:
        self._client = client

    def score(self, request: ScoreRequest) -> None:
        if not self._client.health():
            raise RuntimeError("The scoring service stopped serving during the benchmark.")


def time_batch(
    run: Callable[[], int], repeats: int, between: Callable[[], None] = lambda: None
) -> tuple[list[float], int]:
    times, count = [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        count = run()
        times.append(time.perf_counter() - started)
        between()
    return times, count


def drain_events(metrics_port: int, drains: list[tuple[float, float]]) -> None:
    """Wait until the server has written every queued event; note (events queued, seconds to write them)."""
    queued, started = event_figure(metrics_port, "queued"), time.perf_counter()
    while event_figure(metrics_port, "queued") > 0 and time.perf_counter() - started < 600:
        time.sleep(0.2)
    drains.append((queued, time.perf_counter() - started))


def real_size_bundle(folder: Path, clients: int, iterations: int | None, depth: int) -> Path:
    """The test bundle factory's bundle with a portfolio of `clients` clients (generated data, no real rows).

    With `iterations`, its model is refitted on the bundle's history with that many trees, so that SHAP costs
    what it costs on a production-size model (the factory's model has 50 trees).
    """
    from catboost import CatBoostClassifier

    from registry.bundle import ModelBundle
    from tests.bundle_factory import make_tiny_bundle

    path = make_tiny_bundle(folder, clients=2 * clients)
    if iterations is None:
        return path
    bundle = ModelBundle.load(path)
    features, categorical = bundle.metadata.features, bundle.metadata.categorical_features
    model = CatBoostClassifier(iterations=iterations, depth=depth, random_seed=0, verbose=False)
    model.fit(bundle.history[features], bundle.history["TARGET"], cat_features=categorical)
    bundle.model = model
    return bundle.save(path)


def start_server(
    bundle: str,
    tracking_uri: str | None,
    workdir: Path,
    port: int,
    metrics_port: int,
    log_level: str,
    workers: int,
) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCORING_")}
    env.update(
        SCORING_TRACKING_URI=tracking_uri or "",
        SCORING_ADDRESS=f"127.0.0.1:{port}",
        SCORING_MODEL_URI=bundle,
        SCORING_EVENT_STORE_URL=f"sqlite:///{workdir / 'events.db'}",
        SCORING_METRICS_PORT=str(metrics_port),
        SCORING_LOG_LEVEL=log_level,
        SCORING_MAX_WORKERS=str(workers),
        SCORING_MAX_BATCH_SIZE="100000",
    )
    return subprocess.Popen([sys.executable, "-m", "scoring_service"], cwd=PROJECT_ROOT, env=env)


def event_lines(metrics_port: int) -> list[str]:
    """The server's event-store gauges (queued, written, dropped...) as lines of its metrics page."""
    page = urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).read().decode()
    return [line for line in page.splitlines() if line.startswith("scoring_dataplane_events")]


def event_figure(metrics_port: int, name: str) -> float:
    line = next(x for x in event_lines(metrics_port) if x.startswith(f"scoring_dataplane_events_{name} "))
    return float(line.split()[-1])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/load_score.py", description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", help="bundle folder or registry URI; default: build one (see --clients)")
    parser.add_argument("--tracking-uri", help="MLflow store of a registry URI; default: the settings' one")
    parser.add_argument(
        "--clients", type=int, default=REAL_SIZE_PORTFOLIO, help="portfolio size when building"
    )
    parser.add_argument("--iterations", type=int, help="refit the built bundle's model with this many trees")
    parser.add_argument("--depth", type=int, default=6, help="tree depth of the refitted model")
    parser.add_argument("--seconds", type=float, default=3.0, help="duration of each load scenario")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--batch-repeats", type=int, default=3)
    parser.add_argument("--server-log-level", default="WARNING", help="INFO adds one JSON log line per call")
    parser.add_argument("--server-workers", type=int, default=16)
    parser.add_argument(
        "--distinct",
        type=int,
        help="ask only this many clients, each once before the runs (a working set whose explained answers the "
        "service keeps); default: any client of the portfolio, so that most explained calls are first calls",
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-score-") as tmp:
        workdir = Path(tmp)
        if args.bundle:
            bundle = args.bundle
        else:
            started = time.perf_counter()
            bundle = str(real_size_bundle(workdir / "bundle", args.clients, args.iterations, args.depth))
            print(
                f"built a bundle with {args.clients} portfolio clients in {time.perf_counter() - started:.1f} s"
            )
        port = free_port()
        args.tracking_uri = args.tracking_uri or ScoringSettings().tracking_uri
        args.metrics_port = free_port()
        server = start_server(
            bundle,
            args.tracking_uri,
            workdir,
            port,
            args.metrics_port,
            args.server_log_level,
            args.server_workers,
        )
        try:
            return run_all(args, bundle, workdir, f"127.0.0.1:{port}", server)
        finally:
            server.terminate()
            server.wait(timeout=60)


def run_all(
    args: argparse.Namespace, bundle: str, workdir: Path, address: str, server: subprocess.Popen[bytes]
) -> int:
    from scoring_service.dataplane import build_dataplane

    client = ScoringClient(address, timeout=10.0, retries=0)
    deadline = time.monotonic() + 300
    while not client.health():
        if server.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"The scoring service did not start (exit code {server.poll()}).")
        time.sleep(0.2)

    local = build_dataplane(
        bundle,
        args.tracking_uri,
        None,  # no event writer: at in-process rates its backlog would take the CPU from the computation
        poll_seconds=3600,
        event_batch_size=256,
        event_flush_seconds=1.0,
        max_batch_size=100_000,
    )
    local.start()
    if not local.ready:
        raise SystemExit(f"The bundle {bundle} could not be loaded in process; its error is logged above.")
    ids = [int(i) for i in local.engine().scorer.client_ids]
    print(f"portfolio: {len(ids)} clients; cpu count {os.cpu_count()}; load {os.getloadavg()[0]:.1f}")

    # every client of a batch is an event: the writer records them in the background; each batch starts on an
    # empty queue (a batch finding the queue full waits for room rather than drop events)
    drains: list[tuple[float, float]] = []
    grpc_times, grpc_count = time_batch(
        lambda: sum(1 for _ in client.score_batch(ids)),
        args.batch_repeats,
        lambda: drain_events(args.metrics_port, drains),
    )
    local_times, local_count = time_batch(lambda: sum(1 for _ in local.score_batch(ids)), args.batch_repeats)
    print(
        f"ScoreBatch of {grpc_count} clients, no SHAP: gRPC best {min(grpc_times):.3f} s, median "
        f"{statistics.median(grpc_times):.3f} s; in process best {min(local_times):.3f} s "
        f"({local_count} results)"
    )

    print(
        "event store: after each batch, "
        + "; ".join(f"{q:,.0f} events still queued, written {sec:.1f} s later" for q, sec in drains)
        + f" ({event_figure(args.metrics_port, 'written'):,.0f} written, "
        f"{event_figure(args.metrics_port, 'dropped'):,.0f} dropped)"
    )

    if args.distinct:
        ids = ids[: args.distinct]
        for api in (client, local):  # every client of the working set asked once: its answer is kept
            for client_id in ids:
                api.score(ScoreRequest(client_id=client_id, explain=True, top_k=10))
        print(f"asking {len(ids)} distinct clients, each asked once already")
    for api in (client, local):  # warm-up: channels, caches, SHAP code paths
        load(api, ids, False, 2, 0.5, "warm-up")
        load(api, ids, True, 2, 0.5, "warm-up")

    runs: list[Run] = [load(_HealthCheck(client), ids, False, 1, args.seconds, "gRPC floor (Health)")]
    for explain in (False, True):
        shap = "with SHAP" if explain else "no SHAP"
        for concurrency in args.concurrency:
            runs.append(load(client, ids, explain, concurrency, args.seconds, f"gRPC Score {shap}"))
            runs.append(load(local, ids, explain, concurrency, args.seconds, f"in-process {shap}"))
    for explain in (False, True):
        runs.extend(paired(client, local, ids, explain, args.seconds))
    print(HEADER)
    for run in runs:
        print(run.row())
    for explain in (False, True):
        shap = "with SHAP" if explain else "no SHAP"
        remote, here = (
            next(r for r in runs if r.label == f"paired {w} {shap}") for w in ("gRPC", "in-process")
        )
        print(
            f"gRPC overhead at p50, {shap}: +{remote.p50 - here.p50:.3f} ms (+{remote.p50 / here.p50 - 1:.0%})"
        )

    errors = sum(r.errors for r in runs)
    print(f"errors under load: {errors}")
    print(
        "server:",
        ", ".join(event_lines(args.metrics_port)),
    )
    client.close()
    local.stop(timeout=30)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
