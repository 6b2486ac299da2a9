"""The typed client's service config at work against a small gRPC server (no model): UNAVAILABLE is retried a
bounded number of times, other codes never, and calls are spread round-robin over every address of the target,
skipping an address whose health service says NOT_SERVING."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from scoring_service import errors
from scoring_service.api.credit.scoring.v1 import scoring_pb2 as pb
from scoring_service.api.credit.scoring.v1 import scoring_pb2_grpc as pb_grpc
from scoring_service.client import RETRIED_METHODS, SERVICE_NAME, ScoringClient, service_config
from scoring_service.domain import ClientFilters, PeerRequest, ScoreRequest

pytestmark = pytest.mark.integration


class Scripted(pb_grpc.ScoringServiceServicer):
    """Each method answers the scripted codes in turn (shared by all), then OK; counts the calls it saw."""

    def __init__(self, codes: list[grpc.StatusCode] | None = None) -> None:
        self.codes = list(codes or [])
        self.calls = 0

    def _next(self, context: grpc.ServicerContext) -> None:
        self.calls += 1
        if self.codes:
            context.abort(self.codes.pop(0), "scripted")

    def GetModelInfo(self, request: Any, context: grpc.ServicerContext) -> Any:
        self._next(context)
        return pb.ModelInfo()

    def GetDriftStatus(self, request: Any, context: grpc.ServicerContext) -> Any:
        self._next(context)
        return pb.DriftStatus(status="ok")

    def GetDriftReport(self, request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
        self._next(context)
        yield pb.DriftReportChunk(data=b"<html>")
        yield pb.DriftReportChunk(data=b"</html>")

    def Score(self, request: Any, context: grpc.ServicerContext) -> Any:
        self._next(context)
        return pb.ScoreResponse(request_id="r", probability=0.1, decision=pb.DECISION_GRANTED, threshold=0.5)

    def ScoreBatch(self, request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
        self._next(context)
        yield pb.ScoreBatchResponse(
            results=[
                pb.ScoreResponse(request_id=str(i), client_id=i, decision=pb.DECISION_GRANTED)
                for i in request.client_ids
            ]
        )

    def GetClient(self, request: Any, context: grpc.ServicerContext) -> Any:
        self._next(context)
        return pb.ClientInfo(client_id=request.client_id)

    def SearchClients(self, request: Any, context: grpc.ServicerContext) -> Any:
        self._next(context)
        return pb.ClientPage()

    def ComparePeers(self, request: Any, context: grpc.ServicerContext) -> Any:
        self._next(context)
        return pb.PeerComparison()


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


# Each of the service's methods through the typed client, as the dashboard calls it.
CALLS: dict[str, Callable[[ScoringClient], object]] = {
    "Score": lambda c: c.score(ScoreRequest(client_id=100001)),
    "ScoreBatch": lambda c: list(c.score_batch([100001, 100002])),
    "GetClient": lambda c: c.get_client(100001),
    "SearchClients": lambda c: c.search_clients(ClientFilters()),
    "ComparePeers": lambda c: c.compare_peers(PeerRequest(client_id=100001, feature="AMT_CREDIT")),
    "GetModelInfo": lambda c: c.model_info(),
    "GetDriftStatus": lambda c: c.drift_status(),
    "GetDriftReport": lambda c: c.drift_report(),
}


def test_every_method_of_the_service_is_retried_and_called_by_the_client() -> None:
    """A method missing from the retry policy fails its calls on the first UNAVAILABLE: a replica stopping, or
    one still loading its model, would show the dashboard an error instead of an answer from another replica."""
    methods = {m.name for m in pb.DESCRIPTOR.services_by_name["ScoringService"].methods}
    assert set(RETRIED_METHODS) == methods
    assert set(CALLS) == methods


@pytest.mark.parametrize("method", sorted(CALLS))
def test_each_method_is_retried_after_unavailable(method: str) -> None:
    unavailable = grpc.StatusCode.UNAVAILABLE
    servicer = Scripted([unavailable, unavailable])
    with replica(servicer) as (address, _), ScoringClient(address, retries=2, timeout=10) as client:
        CALLS[method](client)
        assert servicer.calls == 3


def test_the_drift_report_is_retried_only_before_its_first_chunk() -> None:
    """A stream that has delivered a chunk is committed: a failure after it is the caller's, not retried."""

    class BrokenReport(Scripted):
        def GetDriftReport(self, request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
            self.calls += 1
            yield pb.DriftReportChunk(data=b"<html>")
            context.abort(grpc.StatusCode.UNAVAILABLE, "scripted")

    servicer = BrokenReport()
    with replica(servicer) as (address, _), ScoringClient(address, retries=4, timeout=10) as client:
        with pytest.raises(errors.Unavailable):
            client.drift_report()
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


def test_a_dns_target_as_the_compose_dashboard_gives_it() -> None:
    """`dns:///NAME:PORT` (DASH_SCORING_ADDRESS in docker-compose.yml): gRPC's own resolver gives the client every
    address of the name, which it balances over; here the name is localhost."""
    servicer = Scripted([grpc.StatusCode.UNAVAILABLE])
    with replica(servicer) as (address, _):
        port = address.rsplit(":", 1)[1]
        with ScoringClient(f"dns:///localhost:{port}", retries=1, timeout=10) as client:
            for _ in range(5):
                client.model_info()
    assert servicer.calls == 6
