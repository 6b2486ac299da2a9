"""A real scoring server for tests: the real data plane behind the real gRPC server, on a free loopback port.

    with serve(tiny_bundle_dir, tmp_path) as (address, service):
        with ScoringClient(address) as client: ...

Used by the service's own integration tests, the dashboard's browser tests and the drift tests. Settings
can be overridden by keyword (token="s3cret", event_store_url=..., tls_cert=...); everything else is isolated
from the environment and writes under tmp_path.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from scoring_service.dataplane import DataPlane, build_dataplane
from scoring_service.server import RunningService, start_service
from scoring_service.settings import ScoringSettings


def free_port() -> int:
    """A loopback port nothing listens on now (for a server started in another process)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
