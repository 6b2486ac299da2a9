"""The registry through an MLflow tracking server reached by URL (not only a local SQLite file)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import mlflow
import pytest
import requests
from mlflow.tracking import MlflowClient

from registry.bundle import ModelBundle
from registry.champion import promote
from registry.registration import download_bundle, log_bundle_model, register
from tests.server_support import free_port
from training.tracking import open_experiment

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("mlflow-server")
    port = free_port()
    command = [
        sys.executable, "-m", "mlflow", "server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
        "--backend-store-uri", f"sqlite:///{root / 'mlflow.db'}", "--artifacts-destination", str(root / "artifacts"),
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    try:
        while True:
            try:
                if requests.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the MLflow server did not start on {url}")
            time.sleep(1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_register_promote_and_download_through_a_server(
    server: str, tiny_bundle_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", server)
    open_experiment(server, "server-test", tmp_path / "unused")
    assert not (tmp_path / "unused").exists()  # a server decides where artifacts go
    with mlflow.start_run():
        model_uri = log_bundle_model(tiny_bundle_dir)
    client = MlflowClient(tracking_uri=server)
    first = register(model_uri, "credit-scoring", holdout_cost=0.5)
    assert promote(client, "credit-scoring", "champion", first).promote
    worse = register(model_uri, "credit-scoring", holdout_cost=0.9)
    assert not promote(client, "credit-scoring", "champion", worse).promote
    folder = download_bundle("models:/credit-scoring@champion", server, tmp_path / "dl")
    assert ModelBundle.load(folder).metadata.features == ModelBundle.load(tiny_bundle_dir).metadata.features
