"""The gRPC service and its clients for the integration tests: one real server on the tiny bundle per test module;
and `store`, a SQLite MLflow store holding the tiny bundle logged as a model (registry tests).

A module tunes them with module-level constants: MAX_BATCH (the server's largest batch) and CLIENT_RETRIES (the typed
client's retries; a test of status codes wants none)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import mlflow
import pytest

from registry.registration import log_bundle_model
from scoring_service.api.credit.scoring.v1 import scoring_pb2_grpc as pb_grpc
from scoring_service.client import ScoringClient
from scoring_service.server import RunningService
from tests.server_support import serve
from training.tracking import open_experiment


@pytest.fixture(scope="module")
def service(
    request: pytest.FixtureRequest, tiny_bundle_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningService]:
    options: dict[str, Any] = {}
    if hasattr(request.module, "MAX_BATCH"):
        options["max_batch_size"] = request.module.MAX_BATCH
    folder = tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])
    with serve(tiny_bundle_dir, folder, **options) as (_, running):
        yield running


@pytest.fixture(scope="module")
def client(request: pytest.FixtureRequest, service: RunningService) -> Iterator[ScoringClient]:
    retries = getattr(request.module, "CLIENT_RETRIES", 2)
    with ScoringClient(service.address, retries=retries) as scoring_client:
        yield scoring_client


@pytest.fixture(scope="module")
def stub(service: RunningService) -> Iterator[pb_grpc.ScoringServiceStub]:
    """The raw generated stub, for requests the typed client would refuse to build."""
    with grpc.insecure_channel(service.address) as channel:
        yield pb_grpc.ScoringServiceStub(channel)


@pytest.fixture()
def store(tmp_path: Path, tiny_bundle_dir: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """(tracking URI, model URI): a SQLite MLflow store in tmp_path (MLFLOW_TRACKING_URI names it) where one run
    logged the tiny bundle as a model."""
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    open_experiment(uri, "test", tmp_path / "mlartifacts")
    with mlflow.start_run():
        model_uri = log_bundle_model(tiny_bundle_dir)
    return uri, model_uri
