"""Training's MLflow runs: open the experiment (the store checked first, its artifacts in the project's data folder
for a local store) and log nested runs. The store helpers themselves live in `common.tracking`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import mlflow
from mlflow.tracking import MlflowClient

from common.tracking import check_reachable, is_local_database
from training.selection.crossval import CVResult


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
    if is_local_database(uri):
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
        mlflow.set_tags(
            {
                "stage": stage,
                "model": result.family,
                "imbalance": result.imbalance,
                "features": result.feature_set,
                "monotone": str(result.monotone),
            }
        )
        mlflow.log_params(flat_params(result.params))
        mlflow.log_metrics(
            finite_metrics(
                {
                    "cv_auc": result.cv_auc,
                    "cv_cost": result.cv_cost,
                    "folds": len(result.fold_auc),
                    "train_auc": sum(result.train_auc) / len(result.train_auc),
                    "overfit_gap": result.overfit_gap,
                    "oof_cost_at_threshold": result.threshold.cost,
                    "threshold": result.threshold.threshold,
                    "fit_seconds": result.fit_seconds,
                }
            )
        )
        for k, auc in enumerate(result.fold_auc):
            if math.isfinite(auc):
                mlflow.log_metric("fold_auc", auc, step=k)
