"""The typed client's service config at work against a small gRPC server (no model): UNAVAILABLE is retried a
bounded number of times, other codes never, and calls are spread round-robin over every address of the target,
skipping an address whose health service says NOT_SERVING."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from scoring_service import errors
from scoring_service.api.credit.scoring.v1 import scoring_pb2 as pb
from scoring_service.api.credit.scoring.v1 import scoring_pb2_grpc as pb_grpc
from scoring_service.client import SERVICE_NAME, ScoringClient, service_config

pytestmark = pytest.mark.integration


class Scripted(pb_grpc.ScoringServiceServicer):
    """GetModelInfo answers the scripted codes in turn, then OK; counts the calls it saw."""

    def __init__(self, codes: list[grpc.StatusCode] | None = None) -> None:
        self.codes = list(codes or [])
        self.calls = 0

    def GetModelInfo(self, request: Any, context: grpc.ServicerContext) -> Any:
        self.calls += 1
        if self.codes:
            context.abort(self.codes.pop(0), "scripted")
        return pb.ModelInfo()


@contextmanager
def replica(servicer: Scripted) -> Iterator[tuple[str, health.HealthServicer]]:
    server = grpc.server(ThreadPoolExecutor(max_workers=4), options=[("grpc.so_reuseport", 0)])
    pb_grpc.add_ScoringServiceServicer_to_server(servicer, server)
    health_servicer = health.HealthServicer(experimental_non_blocking=True)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    health_servicer.set(SERVICE_NAME, health_pb2.HealthCheckResponse.SERVING)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield f"127.0.0.1:{port}", health_servicer
    finally:
        server.stop(0).wait()


def test_unavailable_is_retried_as_many_times_as_asked_and_no_more() -> None:
    unavailable = grpc.StatusCode.UNAVAILABLE
    servicer = Scripted([unavailable, unavailable])
    with replica(servicer) as (address, _), ScoringClient(address, retries=2) as client:
        client.model_info()
        assert servicer.calls == 3
        servicer.codes, servicer.calls = [unavailable] * 3, 0
        with pytest.raises(errors.Unavailable):
            client.model_info()
        assert servicer.calls == 3
    servicer = Scripted([unavailable])
    with replica(servicer) as (address, _), ScoringClient(address, retries=0) as client:
        with pytest.raises(errors.Unavailable):
            client.model_info()
        assert servicer.calls == 1


def test_other_codes_are_not_retried() -> None:
    servicer = Scripted([grpc.StatusCode.INTERNAL, grpc.StatusCode.NOT_FOUND])
    with replica(servicer) as (address, _), ScoringClient(address, retries=4) as client:
        for _ in range(2):
            with pytest.raises(errors.ScoringError):
                client.model_info()
        assert servicer.calls == 2


def test_round_robin_over_the_addresses_skips_one_not_serving() -> None:
    servicers = [Scripted() for _ in range(3)]
    with (
        replica(servicers[0]) as (a, health_a),
        replica(servicers[1]) as (b, _),
        replica(servicers[2]) as (c, _),
        ScoringClient(f"ipv4:{a},{b},{c}", retries=2) as client,
    ):
        for _ in range(30):  # the first calls go to whichever replica is connected first
            client.model_info()
        for servicer in servicers:
            servicer.calls = 0
        for _ in range(30):
            client.model_info()
        assert [s.calls for s in servicers] == [10, 10, 10]
        health_a.enter_graceful_shutdown()  # what a replica says while it drains before its stop
        time.sleep(0.5)  # the client hears of it through its health watch
        for _ in range(30):
            client.model_info()
        assert servicers[0].calls == 10
        assert servicers[1].calls + servicers[2].calls == 50


def test_the_service_config() -> None:
    config = service_config(retries=2)
    assert config["loadBalancingConfig"] == [{"round_robin": {}}]
    assert config["healthCheckConfig"] == {"serviceName": SERVICE_NAME}
    (method,) = config["methodConfig"]
    assert method["waitForReady"] is False
    assert method["retryPolicy"]["maxAttempts"] == 3
    assert method["retryPolicy"]["retryableStatusCodes"] == ["UNAVAILABLE"]
    assert "retryPolicy" not in service_config(retries=0)["methodConfig"][0]
    with pytest.raises(ValueError, match="between 0 and 4"):
        ScoringClient("127.0.0.1:1", retries=5)
