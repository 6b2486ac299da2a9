"""MLflow helpers: connect to the tracking store (failing with a clear sentence when it cannot be reached),
open the experiment with its artifacts in the project's data folder for a local store, log nested runs."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import mlflow
from mlflow.tracking import MlflowClient

from training.selection.crossval import CVResult


class TrackingError(Exception):
    """The MLflow tracking store cannot be used; the message names the URI and the fix."""


def _is_local_database(uri: str) -> bool:
    return uri.startswith("sqlite:")


def check_reachable(uri: str, timeout: float = 5.0) -> None:
    """Raise TrackingError unless the store answers; a remote server gets one quick health request, not retries."""
    if uri.startswith(("http://", "https://")):
        import requests

        try:
            response = requests.get(uri.rstrip("/") + "/health", timeout=timeout)
        except requests.RequestException as exc:
            raise TrackingError(
                f"The MLflow tracking server at {uri} cannot be reached ({type(exc).__name__}). Start it, or unset "
                "MLFLOW_TRACKING_URI to use the local SQLite store in the project's data folder."
            ) from exc
        if response.status_code != 200:
            raise TrackingError(
                f"The MLflow tracking server at {uri} answered HTTP {response.status_code} to its health check. "
                "Check the URL (scheme, host, port) in MLFLOW_TRACKING_URI."
            )
        return
    if _is_local_database(uri):
        path = Path(uri.split("sqlite:///", 1)[-1])
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise TrackingError(
                f"The folder {path.parent} of the SQLite tracking store {uri} cannot be created ({exc}). "
                "Point MLFLOW_TRACKING_URI at a writable location."
            ) from exc
    try:
        MlflowClient(tracking_uri=uri).search_experiments(max_results=1)
    except Exception as exc:  # mlflow wraps driver errors in several unrelated types
        raise TrackingError(
            f"The MLflow tracking store {uri} cannot be used ({str(exc).splitlines()[0][:200]}). "
            "Check MLFLOW_TRACKING_URI (a database URL such as sqlite:///path/mlflow.db, or an http:// server)."
        ) from exc


def open_experiment(uri: str, experiment: str, artifacts_root: Path) -> str:
    """Select the store and the experiment (created on first use); returns the experiment id.

    With a local SQLite store the artifacts go under `artifacts_root` (not ./mlruns of whatever folder the command
    runs from); a tracking server decides its own artifact location.
    """
    check_reachable(uri)
    mlflow.set_tracking_uri(uri)
    client = MlflowClient(tracking_uri=uri)
    found = client.get_experiment_by_name(experiment)
    if found is not None:
        mlflow.set_experiment(experiment_id=found.experiment_id)
        return str(found.experiment_id)
    location = None
    if _is_local_database(uri):
        artifacts_root.mkdir(parents=True, exist_ok=True)
        location = artifacts_root.resolve().as_uri()
    experiment_id = client.create_experiment(experiment, artifact_location=location)
    mlflow.set_experiment(experiment_id=experiment_id)
    return str(experiment_id)


def finite_metrics(values: Mapping[str, float], prefix: str = "") -> dict[str, float]:
    """MLflow refuses NaN in some stores; drop what is not a finite number."""
    out = {}
    for key, value in values.items():
        if isinstance(value, (int, float)) and math.isfinite(float(value)):
            out[f"{prefix}{key}".replace("@", "_at_")] = float(value)
    return out


def flat_params(params: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    return {f"{prefix}{k}": str(v)[:490] for k, v in params.items()}


def log_cv_result(stage: str, result: CVResult) -> None:
    """One nested run per evaluated candidate, under the active pipeline run."""
    with mlflow.start_run(run_name=f"{stage}: {result.label}", nested=True):
        mlflow.set_tags({"stage": stage, "model": result.family, "imbalance": result.imbalance})
        mlflow.log_params(flat_params(result.params))
        mlflow.log_metrics(
            finite_metrics(
                {
                    "cv_auc": result.cv_auc,
                    "train_auc": sum(result.train_auc) / len(result.train_auc),
                    "oof_cost_at_threshold": result.threshold.cost,
                    "threshold": result.threshold.threshold,
                    "fit_seconds": result.fit_seconds,
                }
            )
        )
        for k, auc in enumerate(result.fold_auc):
            if math.isfinite(auc):
                mlflow.log_metric("fold_auc", auc, step=k)
