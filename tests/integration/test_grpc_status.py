"""Every status code the service promises, through a real server: the code says what went wrong, the message
names the field, and bad input never comes back as UNKNOWN or INTERNAL."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import grpc
import pandas as pd
import pytest

from scoring_service import errors
from scoring_service.api.credit.scoring.v1 import scoring_pb2 as pb
from scoring_service.api.credit.scoring.v1 import scoring_pb2_grpc as pb_grpc
from scoring_service.client import ScoringClient
from scoring_service.domain import ClientFilters, PeerRequest, ScoreRequest
from scoring_service.server import RunningService, build_dataplane_from, create_server
from tests.server_support import serve, server_settings

pytestmark = pytest.mark.integration
MAX_BATCH = 50
CLIENT_RETRIES = 0  # a status code comes back as it is, not retried


@pytest.fixture(scope="module")
def known_id(tiny_bundle_dir: Path) -> int:
    return int(pd.read_parquet(tiny_bundle_dir / "portfolio.parquet").index[0])


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (ScoreRequest(client_id=12), "client_id"),
        (ScoreRequest(client_id=-100_001), "client_id"),
        (ScoreRequest(client_id=1_000_000), "client_id"),
        (ScoreRequest(values={"NOT_A_FIELD": 1.0}), "NOT_A_FIELD"),
        (ScoreRequest(values={"AMT_CREDIT": "a lot"}), "AMT_CREDIT"),
        (ScoreRequest(values={"CODE_GENDER": 3.0}), "CODE_GENDER"),
        (ScoreRequest(values={"AMT_CREDIT": float("nan")}), "AMT_CREDIT"),
        (ScoreRequest(values={"AMT_INCOME_TOTAL": float("inf")}), "AMT_INCOME_TOTAL"),
        (ScoreRequest(client_id=100_001, explain=True, top_k=0), "top_k"),
        (ScoreRequest(client_id=100_001, language="de"), "language"),
    ],
)
def test_invalid_argument_names_the_field(client: ScoringClient, request_: ScoreRequest, field: str) -> None:
    with pytest.raises(errors.InvalidArgument) as caught:
        client.score(request_)
    assert caught.value.field == field
    assert field in str(caught.value)


def test_an_empty_request_is_invalid(client: ScoringClient) -> None:
    with pytest.raises(errors.InvalidArgument):
        client.score(ScoreRequest())


def test_unknown_client_is_not_found_on_every_rpc(client: ScoringClient) -> None:
    unknown = 999_999
    with pytest.raises(errors.NotFound, match="999999"):
        client.score(ScoreRequest(client_id=unknown))
    with pytest.raises(errors.NotFound):
        client.get_client(unknown)
    with pytest.raises(errors.NotFound):
        client.compare_peers(PeerRequest(client_id=unknown, feature="AMT_CREDIT"))
    with pytest.raises(errors.NotFound):
        list(client.score_batch([unknown]))


def test_other_rpcs_reject_bad_arguments(client: ScoringClient, known_id: int) -> None:
    with pytest.raises(errors.InvalidArgument):
        client.get_client(42)
    with pytest.raises(errors.InvalidArgument):
        client.search_clients(ClientFilters(age_band="12-15"))
    with pytest.raises(errors.InvalidArgument):
        client.search_clients(ClientFilters(), page_size=0)
    with pytest.raises(errors.InvalidArgument) as caught:
        client.compare_peers(PeerRequest(client_id=known_id, feature="NO_SUCH_FEATURE"))
    assert "NO_SUCH_FEATURE" in str(caught.value)
    with pytest.raises(errors.InvalidArgument):
        client.model_info(language="xx")


def test_unknown_enum_values_are_invalid_arguments(service: RunningService, known_id: int) -> None:
    with grpc.insecure_channel(service.address) as channel:
        stub = pb_grpc.ScoringServiceStub(channel)
        with pytest.raises(grpc.RpcError) as caught:
            stub.ComparePeers(pb.PeerRequest(client_id=known_id, feature="AMT_CREDIT", group=9), timeout=5)
        assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
        with pytest.raises(grpc.RpcError) as caught:
            stub.SearchClients(pb.SearchClientsRequest(filters=pb.ClientFilters(decision=7)), timeout=5)
        assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT


def test_batch_over_the_bound_is_resource_exhausted(client: ScoringClient, known_id: int) -> None:
    assert len(list(client.score_batch([known_id] * MAX_BATCH))) == MAX_BATCH
    with pytest.raises(errors.ResourceExhausted, match=str(MAX_BATCH)):
        list(client.score_batch([known_id] * (MAX_BATCH + 1)))


def test_deadline_exceeded(service: RunningService, known_id: int) -> None:
    # a stream of explained results outlasts a microsecond deadline (a single known client is now a lookup that
    # can come back before gRPC's millisecond timer fires)
    hurried = ScoringClient(service.address, timeout=0.000_001, retries=0, batch_timeout_per_client=0.0)
    with hurried, pytest.raises(errors.DeadlineExceeded):
        list(hurried.score_batch([known_id] * MAX_BATCH, explain=True))
    # the server keeps answering the next caller normally
    with ScoringClient(service.address) as patient:
        assert patient.score(ScoreRequest(client_id=known_id)).client_id == known_id


def test_unavailable_until_the_model_is_loaded_then_serving(tiny_bundle_dir: Path, tmp_path: Path) -> None:
    settings = server_settings(tiny_bundle_dir, tmp_path)
    dataplane = build_dataplane_from(settings)
    server, port = create_server(settings, dataplane)
    server.start()
    try:
        with ScoringClient(f"127.0.0.1:{port}", retries=2, timeout=10.0) as client:
            assert client.health() is False
            started = time.perf_counter()
            with pytest.raises(errors.Unavailable):
                client.score(ScoreRequest(client_id=100_001))
            assert time.perf_counter() - started < 5.0  # said after the retries, long before the deadline
            with pytest.raises(errors.Unavailable):
                client.model_info()

            # a caller that tries again gets through once the model is loaded
            threading.Timer(0.2, dataplane.start).start()
            deadline = time.monotonic() + 60
            while True:
                try:
                    assert client.score(ScoreRequest(client_id=100_001)).client_id == 100_001
                    break
                except errors.Unavailable:
                    assert time.monotonic() < deadline, "the model never loaded"
                    time.sleep(0.1)
            assert client.health() is True
    finally:
        server.stop(0).wait()
        dataplane.stop(timeout=5)


def test_unreachable_server_is_unavailable() -> None:
    with ScoringClient("127.0.0.1:1", timeout=0.5, retries=1) as client:
        assert client.health() is False
        with pytest.raises(errors.Unavailable):
            client.model_info()


def test_a_field_name_with_any_character_comes_back_intact(client: ScoringClient) -> None:
    name = "REVENU_MENSUEL_€\n"
    with pytest.raises(errors.InvalidArgument) as caught:
        client.score(ScoreRequest(values={name: 1.0}))
    assert caught.value.field == name


def test_a_passed_deadline_stops_a_long_batch_on_the_server(tiny_bundle_dir: Path, tmp_path: Path) -> None:
    ids = [int(i) for i in pd.read_parquet(tiny_bundle_dir / "portfolio.parquet").index] * 250  # 50,000

    def ended(service: RunningService, code: str) -> float:
        labels = {"method": "/credit.scoring.v1.ScoringService/ScoreBatch", "code": code}
        return service.metrics.registry.get_sample_value("scoring_grpc_requests_total", labels) or 0.0

    with serve(tiny_bundle_dir, tmp_path, max_batch_size=len(ids)) as (address, service):
        hurried = ScoringClient(address, timeout=0.3, retries=0, batch_timeout_per_client=0.0)
        with hurried, pytest.raises(errors.DeadlineExceeded):
            list(hurried.score_batch(ids, explain=True))  # SHAP of 50,000 rows takes seconds
        deadline = time.monotonic() + 30
        while ended(service, "DEADLINE_EXCEEDED") + ended(service, "CANCELLED") == 0:
            assert time.monotonic() < deadline, "the server never ended the call"
            time.sleep(0.05)
        assert ended(service, "OK") == 0  # it stopped instead of running the batch to its end
