"""Hot reload seen from a gRPC caller: when the registry alias moves, the version in the answers changes without
a restart and without a failed call."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from scoring_service import errors
from scoring_service.client import ScoringClient
from scoring_service.domain import ScoreRequest
from tests.bundle_factory import make_tiny_bundle
from tests.server_support import serve

pytestmark = pytest.mark.integration
NAME = "credit-scoring"


def _register(bundle: Path, tracking_uri: str, experiment_id: str) -> str:
    import mlflow

    from registry.registration import log_bundle_model, register

    with mlflow.start_run(experiment_id=experiment_id):
        model_uri = log_bundle_model(bundle)
    return register(model_uri, NAME, holdout_cost=0.5)


def test_alias_move_is_served_without_restart(tiny_bundle_dir: Path, tmp_path: Path) -> None:
    import mlflow
    from mlflow.tracking import MlflowClient

    tracking_uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(tracking_uri)
    try:
        experiment = mlflow.create_experiment("reload", artifact_location=(tmp_path / "artifacts").as_uri())
        registry = MlflowClient(tracking_uri=tracking_uri)
        first = _register(tiny_bundle_dir, tracking_uri, experiment)
        registry.set_registered_model_alias(NAME, "champion", first)
        second = _register(make_tiny_bundle(tmp_path / "second", seed=1), tracking_uri, experiment)

        served = serve(
            f"models:/{NAME}@champion", tmp_path, tracking_uri=tracking_uri, reload_poll_seconds=0.2
        )
        with served as (address, _), ScoringClient(address, retries=0) as client:
            request = ScoreRequest(client_id=100_001)
            before = client.score(request)
            assert before.model_version == first

            failures: list[Exception] = []
            versions: set[str] = set()
            stop = threading.Event()

            def keep_calling() -> None:
                while not stop.is_set():
                    try:
                        versions.add(client.score(request).model_version)
                    except errors.ScoringError as exc:
                        failures.append(exc)

            caller = threading.Thread(target=keep_calling)
            caller.start()
            registry.set_registered_model_alias(NAME, "champion", second)
            deadline = time.monotonic() + 60
            while client.model_info().version != second and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(0.2)
            stop.set()
            caller.join(timeout=30)
            after = client.score(request)
    finally:
        mlflow.set_tracking_uri(previous)
    assert after.model_version == second
    assert after.probability != before.probability  # another model answers
    assert failures == []
    assert second in versions and versions <= {first, second}
