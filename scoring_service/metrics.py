"""Request count and latency per RPC and status code, plus the data plane's counters, in the Prometheus text
format on an HTTP port that operators scrape.

Each server gets its own registry, so several servers (as in the tests) never share or collide on metrics.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

# Sub-millisecond scoring up to slow batches.
LATENCY_BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class ServiceMetrics:
    """The metrics of one server: the interceptor records into it, the HTTP page reads it."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "scoring_grpc_requests",
            "gRPC calls answered, by method and status code.",
            ["method", "code"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "scoring_grpc_request_seconds",
            "Time from the call's arrival to its last response, by method and status code.",
            ["method", "code"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self._http: Any = None
        self._thread: threading.Thread | None = None
        self._series: dict[
            tuple[str, str], tuple[Any, Any]
        ] = {}  # (method, code) -> its counter and histogram

    def observe(self, method: str, code: str, seconds: float) -> None:
        series = self._series.get((method, code))
        if series is None:  # looked up once per method and code, not per call (labels() takes a lock)
            series = self._series[(method, code)] = (
                self.requests.labels(method, code),
                self.latency.labels(method, code),
            )
        series[0].inc()
        series[1].observe(seconds)

    def watch_dataplane(self, stats: Callable[[], Mapping[str, Any]], ready: Callable[[], bool]) -> None:
        """Exposes the data plane's counters (events written, failed, dropped) and whether a model is up."""
        self.registry.register(_DataPlaneCollector(stats, ready))

    def text(self) -> str:
        return generate_latest(self.registry).decode()

    def serve_http(self, host: str, port: int) -> int:
        """Starts the /metrics page in a daemon thread; returns the port (useful with port 0)."""
        self._http, self._thread = start_http_server(port, addr=host, registry=self.registry)
        return int(self._http.server_port)

    def stop_http(self) -> None:
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None


class _DataPlaneCollector(Collector):
    def __init__(self, stats: Callable[[], Mapping[str, Any]], ready: Callable[[], bool]) -> None:
        self._stats = stats
        self._ready = ready

    def collect(self) -> Iterator[Any]:
        yield GaugeMetricFamily("scoring_model_ready", "1 when a model is loaded.", value=self._ready())
        stats = self._stats()
        version = stats.get("model_version")
        if version is not None:
            info = GaugeMetricFamily("scoring_model", "The model version serving now.", labels=["version"])
            info.add_metric([str(version)], 1.0)
            yield info
        for name, value in sorted(stats.items()):
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            # gauges, not counters: the figures mix totals (events written) and levels (queue size)
            yield GaugeMetricFamily(f"scoring_dataplane_{name}", f"Data plane figure {name}.", value=value)
