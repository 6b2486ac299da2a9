"""A run stopped by SIGTERM or Ctrl-C ends KILLED in MLflow (parent and nested runs), with what it logged kept."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import mlflow
import pytest
from mlflow.tracking import MlflowClient

from training.interrupt import killed_on_signal


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_ends_every_open_run_killed(tmp_path: Path, signum: int) -> None:
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    mlflow.set_tracking_uri(uri)
    mlflow.set_experiment(experiment_name="interrupt")
    previous = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt), mlflow.start_run() as parent, killed_on_signal():
        mlflow.log_param("profile", "tiny")
        with mlflow.start_run(nested=True) as child:
            mlflow.log_metric("cv_auc", 0.7)
            os.kill(os.getpid(), signum)
    assert mlflow.active_run() is None
    client = MlflowClient(tracking_uri=uri)
    assert client.get_run(parent.info.run_id).info.status == "KILLED"
    assert client.get_run(child.info.run_id).info.status == "KILLED"
    assert client.get_run(parent.info.run_id).data.params["profile"] == "tiny"
    assert client.get_run(child.info.run_id).data.metrics["cv_auc"] == 0.7
    assert (
        signal.getsignal(signal.SIGTERM),
        signal.getsignal(signal.SIGINT),
    ) == previous  # handlers put back


def test_a_run_that_fails_otherwise_stays_failed(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    mlflow.set_tracking_uri(uri)
    mlflow.set_experiment(experiment_name="interrupt")
    with pytest.raises(ValueError), mlflow.start_run() as run, killed_on_signal():
        raise ValueError("a bug")
    assert MlflowClient(tracking_uri=uri).get_run(run.info.run_id).info.status == "FAILED"
