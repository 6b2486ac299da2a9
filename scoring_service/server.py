"""The gRPC server: the scoring servicer behind its interceptors, the standard health service (SERVING only
while a model is loaded), server reflection, plain-text or TLS port; and the running service that ties it to
the data plane and the metrics page, with the stop order that loses no event."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from common.paths import PROJECT_DATA
from scoring_service.api.credit.scoring.v1 import scoring_pb2 as pb
from scoring_service.api.credit.scoring.v1 import scoring_pb2_grpc as pb_grpc
from scoring_service.interceptors import (
    AuthInterceptor,
    LoggingInterceptor,
    MalformedRequestInterceptor,
    MetricsInterceptor,
)
from scoring_service.metrics import ServiceMetrics
from scoring_service.servicer import ScoringServicer, ServedApi
from scoring_service.settings import ScoringSettings

SERVICE_NAME: str = pb.DESCRIPTOR.services_by_name["ScoringService"].full_name
MAX_MESSAGE_BYTES = 16 * 1024 * 1024  # a ScoreBatch of 50,000 ids is about 0.3 MB; this leaves room
MAX_CONNECTION_AGE_MS = 300_000

logger = logging.getLogger(__name__)


class ServedDataPlane(ServedApi, Protocol):
    """What the server needs from the data plane besides the scoring API."""

    @property
    def ready(self) -> bool: ...

    def add_ready_listener(self, callback: Callable[[bool], None]) -> None: ...

    def stats(self) -> Mapping[str, Any]: ...

    def start(self) -> None: ...

    def stop(self, timeout: float) -> None: ...


class ServerError(Exception):
    """The server cannot start; the message names the setting to change."""


def create_server(
    settings: ScoringSettings,
    dataplane: ServedDataPlane,
    metrics: ServiceMetrics | None = None,
    health_servicer: health.HealthServicer | None = None,
) -> tuple[grpc.Server, int]:
    """Builds the server and binds settings.address; returns it unstarted, with the port it got."""
    interceptors: list[grpc.ServerInterceptor] = []
    if metrics is not None:
        interceptors.append(MetricsInterceptor(metrics))  # outermost: counts rejected calls too
    interceptors.append(LoggingInterceptor())
    token = settings.token_value()
    if token is not None:
        interceptors.append(AuthInterceptor(token))
    interceptors.append(MalformedRequestInterceptor())  # innermost: after the token check
    server = grpc.server(
        ThreadPoolExecutor(max_workers=settings.max_workers, thread_name_prefix="scoring-rpc"),
        interceptors=interceptors,
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            # gRPC enables SO_REUSEPORT by default: a second instance would then share the port and take
            # half of the new connections. One port, one service.
            ("grpc.so_reuseport", 0),
            # clients look the service's name up again when a connection closes: closing each one after a few
            # minutes (calls in flight finish first) lets them find replicas added since
            ("grpc.max_connection_age_ms", MAX_CONNECTION_AGE_MS),
        ],
    )
    pb_grpc.add_ScoringServiceServicer_to_server(ScoringServicer(dataplane), server)

    health_servicer = health_servicer or health.HealthServicer(experimental_non_blocking=True)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)

    def set_health(ready: bool) -> None:
        status = (
            health_pb2.HealthCheckResponse.SERVING if ready else health_pb2.HealthCheckResponse.NOT_SERVING
        )
        for name in ("", SERVICE_NAME):
            health_servicer.set(name, status)

    set_health(dataplane.ready)
    dataplane.add_ready_listener(set_health)
    reflection.enable_server_reflection((SERVICE_NAME, health.SERVICE_NAME, reflection.SERVICE_NAME), server)
    return server, _bind(server, settings)


def _bind(server: grpc.Server, settings: ScoringSettings) -> int:
    cause: RuntimeError | None = None
    try:
        if settings.tls_cert is not None and settings.tls_key is not None:
            credentials = grpc.ssl_server_credentials(
                [(settings.tls_key.read_bytes(), settings.tls_cert.read_bytes())]
            )
            port = server.add_secure_port(settings.address, credentials)
        else:
            if settings.token_value() is not None:
                logger.warning("The token travels in plain text: set SCORING_TLS_CERT and SCORING_TLS_KEY.")
            port = server.add_insecure_port(settings.address)
    except RuntimeError as exc:
        port, cause = 0, exc
    if port == 0:
        raise ServerError(
            f"Cannot listen on {settings.address} ({cause or 'bind failed'}): the port is taken or the "
            "address is wrong. Set SCORING_ADDRESS to a free host:port (port 0 picks one)."
        )
    return port


@dataclass
class RunningService:
    """A started server with its data plane, health service and metrics page."""

    settings: ScoringSettings
    dataplane: ServedDataPlane
    server: grpc.Server
    port: int
    health: health.HealthServicer
    metrics: ServiceMetrics
    metrics_port: int | None
    stopped: bool = False

    @property
    def address(self) -> str:
        host = self.settings.address.rsplit(":", 1)[0]
        return f"{host}:{self.port}"

    def stop(self, grace: float | None = None) -> None:
        """Stops accepting calls, lets those in flight finish, then flushes the events they produced."""
        if self.stopped:
            return
        self.stopped = True
        grace = self.settings.shutdown_grace_seconds if grace is None else grace
        self.health.enter_graceful_shutdown()
        time.sleep(self.settings.drain_seconds)  # NOT_SERVING, still answering: callers move elsewhere first
        self.server.stop(grace).wait()
        self.dataplane.stop(timeout=max(grace, 5.0))
        self.metrics.stop_http()


def build_dataplane_from(settings: ScoringSettings) -> ServedDataPlane:
    from scoring_service.dataplane import build_dataplane  # pandas and catboost load only when serving

    dataplane: ServedDataPlane = build_dataplane(
        settings.model_uri,
        settings.tracking_uri or None,
        settings.event_store_url or None,
        poll_seconds=settings.reload_poll_seconds,
        event_batch_size=settings.event_batch_size,
        event_flush_seconds=settings.event_flush_seconds,
        max_batch_size=settings.max_batch_size,
        max_concurrent_batches=max(1, settings.max_workers // 4),  # the other threads stay for single scores
        drift_status_dir=settings.drift_status_dir or PROJECT_DATA / "drift",
    )
    return dataplane


def start_service(settings: ScoringSettings, dataplane: ServedDataPlane | None = None) -> RunningService:
    """Starts the server first (health answers NOT_SERVING meanwhile), then loads the model."""
    dataplane = dataplane or build_dataplane_from(settings)
    metrics = ServiceMetrics()
    metrics.watch_dataplane(dataplane.stats, lambda: dataplane.ready)
    health_servicer = health.HealthServicer(experimental_non_blocking=True)
    server, port = create_server(settings, dataplane, metrics=metrics, health_servicer=health_servicer)
    server.start()
    try:
        dataplane.start()
        metrics_port = None
        if settings.metrics_port is not None:
            try:
                metrics_port = metrics.serve_http(settings.metrics_host, settings.metrics_port)
            except OSError as exc:
                raise ServerError(
                    f"Cannot open the metrics page on {settings.metrics_host}:{settings.metrics_port} "
                    f"({exc}): set SCORING_METRICS_PORT to a free port, 0 for any, or empty to disable it."
                ) from exc
    except BaseException:
        server.stop(0).wait()
        dataplane.stop(timeout=5.0)
        raise
    service = RunningService(settings, dataplane, server, port, health_servicer, metrics, metrics_port)
    logger.info(
        "serving",
        extra={"address": service.address, "metrics_port": metrics_port, "tls": bool(settings.tls_cert)},
    )
    return service
