"""A real scoring server for tests: the real data plane behind the real gRPC server, on a free loopback port.

    with serve(tiny_bundle_dir, tmp_path) as (address, service):
        with ScoringClient(address) as client: ...

Used by the service's own integration tests, the dashboard's browser tests and the drift tests. Settings
can be overridden by keyword (token="s3cret", event_store_url=..., tls_cert=...); everything else is isolated
from the environment and writes under tmp_path.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from scoring_service.client import ScoringClient
from scoring_service.dataplane import DataPlane, build_dataplane
from scoring_service.domain import ClientPage, Decision, ScoreRequest
from scoring_service.server import RunningService, start_service
from scoring_service.settings import ScoringSettings

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A loopback port nothing listens on now (for a server started in another process)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def service_env(
    port: int, bundle: str | Path, store: str, flush_seconds: float, **settings: str
) -> dict[str, str]:
    """The environment of `python -m scoring_service` in a process of its own: this one's without its SCORING_ and
    MLFLOW_ variables, the bundle, the event store, no alias polling, warnings only; `settings` adds SCORING_<NAME>
    variables (metrics_port="9100")."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCORING_", "MLFLOW_"))}
    env |= {
        "SCORING_ADDRESS": f"127.0.0.1:{port}",
        "SCORING_MODEL_URI": str(bundle),
        "SCORING_EVENT_STORE_URL": store,
        "SCORING_EVENT_FLUSH_SECONDS": str(flush_seconds),
        "SCORING_RELOAD_POLL_SECONDS": "3600",
        "SCORING_LOG_LEVEL": "WARNING",
    }
    return env | {f"SCORING_{name.upper()}": value for name, value in settings.items()}


def start_service_process(env: dict[str, str], log: Path, **popen: Any) -> subprocess.Popen[bytes]:
    """`python -m scoring_service` run from the project's folder with `env`, its output in `log`."""
    return subprocess.Popen(
        [sys.executable, "-m", "scoring_service"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        **popen,
    )


def wait_serving(address: str, process: subprocess.Popen[bytes], timeout: float = 120.0) -> bool:
    """Wait until the health service says SERVING; False when the process ended or the time ran out first."""
    deadline = time.monotonic() + timeout
    with grpc.insecure_channel(address) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        while True:
            try:
                if health.Check(health_pb2.HealthCheckRequest(), timeout=2).status == 1:
                    return True
            except grpc.RpcError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                return False
            time.sleep(0.2)


def score_first_of(client: ScoringClient, page: ClientPage) -> int:
    """Score with five reasons for the first client of a page of the search, checked to hold together (a
    probability, the decision its threshold gives, the reasons asked); returns that client's id."""
    assert page.total > 0
    client_id = page.clients[0].client_id
    result = client.score(ScoreRequest(client_id=client_id, explain=True, top_k=5))
    assert 0.0 < result.probability < 1.0
    expected = Decision.REFUSED if result.probability >= result.threshold else Decision.GRANTED
    assert result.decision == expected
    assert result.explanation is not None and len(result.explanation.contributions) == 5
    return client_id


def offline_dataplane(bundle_dir: str | Path, max_batch_size: int = 50) -> DataPlane:
    """The data plane over a bundle folder, without event store or alias polling; the caller starts and stops it."""
    return build_dataplane(
        str(bundle_dir),
        None,
        None,
        poll_seconds=0,
        event_batch_size=10,
        event_flush_seconds=0.1,
        max_batch_size=max_batch_size,
    )


def server_settings(bundle_dir_or_uri: str | Path, tmp_path: Path, **overrides: Any) -> ScoringSettings:
    """Settings for a test server: free port, events in tmp_path, fast flush and reload, no token."""
    values: dict[str, Any] = {
        "address": "127.0.0.1:0",
        "model_uri": str(bundle_dir_or_uri),
        "tracking_uri": None,
        "event_store_url": f"sqlite:///{tmp_path / 'events.db'}",
        "event_flush_seconds": 0.05,
        "reload_poll_seconds": 0.2,
        "token": None,
        "tls_cert": None,
        "tls_key": None,
        "metrics_port": 0,
        "max_workers": 16,
        "shutdown_grace_seconds": 5.0,
        "drain_seconds": 0.1,
        "drift_status_dir": tmp_path / "drift",
    }
    values.update(overrides)
    return ScoringSettings(**values)


@contextmanager
def serve(
    bundle_dir_or_uri: str | Path, tmp_path: Path, *, ready_timeout: float = 30.0, **overrides: Any
) -> Iterator[tuple[str, RunningService]]:
    """Starts the service, waits for the model, yields (address, service), then stops it gracefully."""
    service = start_service(server_settings(bundle_dir_or_uri, tmp_path, **overrides))
    try:
        deadline = time.monotonic() + ready_timeout
        while not service.dataplane.ready:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"The scoring service did not load {bundle_dir_or_uri} in {ready_timeout} s."
                )
            time.sleep(0.02)
        yield service.address, service
    finally:
        service.stop(grace=service.settings.shutdown_grace_seconds)
