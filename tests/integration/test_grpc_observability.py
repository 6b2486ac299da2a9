"""What operators and other tools see: the standard health service, server reflection, the Prometheus metrics
page and the JSON log line of each call."""

from __future__ import annotations

import json
import logging
import urllib.request
from pathlib import Path

import grpc
import pytest
from google.protobuf.descriptor_pool import DescriptorPool
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

from common.logs import JsonFormatter
from scoring_service import errors
from scoring_service.client import ScoringClient
from scoring_service.domain import ScoreRequest
from scoring_service.server import SERVICE_NAME, build_dataplane_from, create_server
from tests.server_support import serve, server_settings

pytestmark = pytest.mark.integration
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


def _health(address: str, service: str = SERVICE_NAME) -> int:
    with grpc.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        return int(stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5).status)


def test_health_follows_the_model(tiny_bundle_dir: Path, tmp_path: Path) -> None:
    settings = server_settings(tiny_bundle_dir, tmp_path)
    dataplane = build_dataplane_from(settings)
    server, port = create_server(settings, dataplane)
    server.start()
    address = f"127.0.0.1:{port}"
    try:
        assert _health(address) == NOT_SERVING
        assert _health(address, "") == NOT_SERVING
        dataplane.start()
        assert dataplane.ready
        assert _health(address) == SERVING
        assert _health(address, "") == SERVING
        dataplane.stop(timeout=5)  # the model is unloaded: health says so and calls are UNAVAILABLE
        assert _health(address) == NOT_SERVING
        with ScoringClient(address, retries=0) as client, pytest.raises(errors.Unavailable):
            client.score(ScoreRequest(client_id=100_001))
    finally:
        server.stop(0).wait()


def test_reflection_lists_and_describes_the_service(tiny_bundle_dir: Path, tmp_path: Path) -> None:
    with serve(tiny_bundle_dir, tmp_path) as (address, _), grpc.insecure_channel(address) as channel:
        database = ProtoReflectionDescriptorDatabase(channel)
        services = set(database.get_services())
        assert {SERVICE_NAME, "grpc.health.v1.Health"} <= services
        described = DescriptorPool(database).FindServiceByName(SERVICE_NAME)
        assert {m.name for m in described.methods} == {
            "Score",
            "ScoreBatch",
            "GetClient",
            "SearchClients",
            "ComparePeers",
            "GetModelInfo",
            "GetDriftStatus",
            "GetDriftReport",
        }


def test_metrics_page_counts_calls_by_method_and_code(tiny_bundle_dir: Path, tmp_path: Path) -> None:
    with serve(tiny_bundle_dir, tmp_path) as (address, service), ScoringClient(address, retries=0) as client:
        for _ in range(3):
            client.score(ScoreRequest(client_id=100_001))
        with pytest.raises(errors.NotFound):
            client.score(ScoreRequest(client_id=999_999))
        assert service.metrics_port is not None
        url = f"http://127.0.0.1:{service.metrics_port}/metrics"
        page = urllib.request.urlopen(url, timeout=5).read().decode()
    score = 'method="/credit.scoring.v1.ScoringService/Score"'
    assert f'scoring_grpc_requests_total{{code="OK",{score}}} 3.0' in page
    assert f'scoring_grpc_requests_total{{code="NOT_FOUND",{score}}} 1.0' in page
    assert f'scoring_grpc_request_seconds_count{{code="OK",{score}}} 3.0' in page
    assert "scoring_model_ready 1.0" in page
    assert 'scoring_model{version="1"} 1.0' in page


def test_each_call_logs_one_json_line(
    tiny_bundle_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="scoring_service.rpc")
    with serve(tiny_bundle_dir, tmp_path) as (address, _), ScoringClient(address, retries=0) as client:
        client.score(ScoreRequest(client_id=100_001))
        with pytest.raises(errors.InvalidArgument):
            client.score(ScoreRequest(client_id=1))
    records = [r for r in caplog.records if r.name == "scoring_service.rpc"]
    lines = [json.loads(JsonFormatter().format(r)) for r in records]
    score_lines = [line for line in lines if line["method"].endswith("/Score")]
    assert [line["code"] for line in score_lines] == ["OK", "INVALID_ARGUMENT"]
    assert [line["level"] for line in score_lines] == ["INFO", "WARNING"]
    assert all(line["ms"] >= 0 and line["peer"].startswith("ipv4:127.0.0.1") for line in score_lines)
