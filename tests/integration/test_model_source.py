"""Loading and following the model: a real MLflow registry (SQLite) in a temporary folder, two registered
versions, the alias moved under load; a bundle folder that breaks keeps the version serving."""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from registry.bundle import METADATA_FILE
from scoring_service.dataplane import DataPlane, build_dataplane
from scoring_service.domain import ScoreRequest
from scoring_service.errors import ScoringError
from scoring_service.model_source import ModelRef, parse_model_uri
from tests.bundle_factory import make_tiny_bundle

pytestmark = pytest.mark.integration
NAME = "credit-scoring"


def _register(bundle: Path, experiment_id: str) -> str:
    import mlflow

    from registry.registration import log_bundle_model, register

    with mlflow.start_run(experiment_id=experiment_id):
        model_uri = log_bundle_model(bundle)
    return register(model_uri, NAME, holdout_cost=0.5)


def _wait_for(condition, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return bool(condition())


@pytest.mark.parametrize(
    ("uri", "ref"),
    [
        (
            "models:/credit-scoring@champion",
            ModelRef("models:/credit-scoring@champion", "alias", NAME, "champion"),
        ),
        ("models:/credit-scoring/3", ModelRef("models:/credit-scoring/3", "version", NAME, "3")),
        ("/data/bundles/3", ModelRef("/data/bundles/3", "folder")),
        ("runs:/abc/model", ModelRef("runs:/abc/model", "other")),
        ("models:/credit-scoring", ModelRef("models:/credit-scoring", "other")),
    ],
)
def test_model_uris_are_told_apart(uri: str, ref: ModelRef) -> None:
    assert parse_model_uri(uri) == ref


def _scoring_while(
    plane: DataPlane, client: int, action: Callable[[], bool]
) -> tuple[bool, set[str], list[Exception]]:
    """Score `client` in a loop on another thread while `action` runs: (what it returned, the versions that
    answered, the calls that failed)."""
    failures: list[Exception] = []
    versions: set[str] = set()
    stop = threading.Event()

    def keep_scoring() -> None:
        while not stop.is_set():
            try:
                versions.add(plane.score(ScoreRequest(client_id=client, explain=True)).model_version)
            except ScoringError as exc:
                failures.append(exc)

    caller = threading.Thread(target=keep_scoring)
    caller.start()
    try:
        done = action()
        time.sleep(0.2)
    finally:
        stop.set()
        caller.join(timeout=30)
    return done, versions, failures


def test_the_alias_is_followed_and_requests_in_flight_finish_on_their_version(
    tiny_bundle_dir: Path, tmp_path: Path
) -> None:
    import mlflow
    from mlflow.tracking import MlflowClient

    tracking_uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(tracking_uri)
    plane = build_dataplane(
        f"models:/{NAME}@champion",
        tracking_uri,
        None,
        poll_seconds=0.2,
        event_batch_size=10,
        event_flush_seconds=0.1,
        max_batch_size=10,
    )
    try:
        experiment = mlflow.create_experiment("source", artifact_location=(tmp_path / "artifacts").as_uri())
        registry = MlflowClient(tracking_uri=tracking_uri)
        first = _register(tiny_bundle_dir, experiment)
        second = _register(make_tiny_bundle(tmp_path / "second", seed=1), experiment)
        registry.set_registered_model_alias(NAME, "champion", first)

        states: list[bool] = []
        plane.add_ready_listener(states.append)
        plane.start()
        assert plane.ready and states == [False, True]
        old = plane.engine()
        assert old.version == first
        client = int(old.scorer.client_ids[0])
        before = plane.score(ScoreRequest(client_id=client))

        def move_the_alias() -> bool:
            registry.set_registered_model_alias(NAME, "champion", second)
            return _wait_for(lambda: plane.engine().version == second)

        moved, versions, failures = _scoring_while(plane, client, move_the_alias)
        assert moved
        after = plane.score(ScoreRequest(client_id=client))
        assert after.model_version == second and after.probability != before.probability
        assert failures == [] and versions == {first, second}
        # an engine taken before the swap still answers with its own model
        assert old.scorer.known_probability(old.scorer.row_index(client)) == before.probability
        loads = plane.stats()["model_loads"]
        time.sleep(0.6)  # the alias did not move again: nothing is downloaded again
        assert plane.stats()["model_loads"] == loads == 2
        assert states == [False, True]  # a swap is not a readiness change
    finally:
        plane.stop()
        mlflow.set_tracking_uri(previous)


def test_a_model_that_fails_to_load_keeps_the_current_one(tiny_bundle_dir: Path, tmp_path: Path) -> None:
    folder = shutil.copytree(tiny_bundle_dir, tmp_path / "bundle")
    plane = build_dataplane(
        str(folder),
        None,
        None,
        poll_seconds=0.1,
        event_batch_size=10,
        event_flush_seconds=0.1,
        max_batch_size=10,
    )
    plane.start()
    try:
        assert plane.ready
        client = int(plane.engine().scorer.client_ids[0])
        before = plane.score(ScoreRequest(client_id=client))
        metadata = json.loads((folder / METADATA_FILE).read_text())
        (folder / "model.cbm").write_bytes(b"not a model")
        metadata["version"] = "2"
        (folder / METADATA_FILE).write_text(json.dumps(metadata))
        assert _wait_for(lambda: plane.stats()["model_load_failures"] >= 1, seconds=10)
        assert "model.cbm" in str(plane.stats()["model_last_error"])
        time.sleep(0.6)  # six polls: the version that failed is not loaded again while another one serves
        assert plane.stats()["model_load_failures"] == 1
        after = plane.score(ScoreRequest(client_id=client))
        assert (after.model_version, after.probability) == (before.model_version, before.probability)

        shutil.copy(tiny_bundle_dir / "model.cbm", folder / "model.cbm")
        (folder / METADATA_FILE).write_text(json.dumps(metadata))  # a new export of the folder
        assert _wait_for(lambda: plane.engine().version == "2", seconds=10)
    finally:
        plane.stop()


def test_a_registry_without_the_model_leaves_the_service_unavailable(tmp_path: Path, caplog) -> None:
    tracking_uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    plane = build_dataplane(
        f"models:/{NAME}@champion",
        tracking_uri,
        None,
        poll_seconds=0,
        event_batch_size=10,
        event_flush_seconds=0.1,
        max_batch_size=10,
    )
    with caplog.at_level("ERROR"):
        plane.start()
    assert not plane.ready
    assert f"models:/{NAME}@champion" in caplog.text and "python -m training run" in caplog.text
    plane.stop()
