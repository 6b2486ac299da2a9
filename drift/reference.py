"""The model's reference, as the monitor needs it: the training sample with its out-of-fold scores, the
feature list and types, the threshold and the global importance, all read from the registered bundle.

Only bundle.json and reference.parquet are read: the model and the portfolio are not needed to judge drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from common.errors import UserError
from drift.settings import DriftSettings
from registry.bundle import PROBABILITY_COLUMN, REFERENCE_FILE, BundleError, load_metadata


@dataclass(frozen=True)
class Reference:
    version: str
    features: tuple[str, ...]
    categorical: tuple[str, ...]
    importance: dict[str, float]
    threshold: float
    frame: pd.DataFrame  # features (+ TARGET + probability)
    missing_token: str | None  # the categorical placeholder for a missing value, e.g. "nan"

    @property
    def probabilities(self) -> pd.Series:
        return self.frame[PROBABILITY_COLUMN]


class ReferenceUnavailable(UserError):
    """The registry could not provide the model bundle; the message says what to fix."""


def bundle_folder(settings: DriftSettings, download_to: Path) -> Path:
    """The local bundle folder: DRIFT_BUNDLE_DIR if set, else the registry model downloaded into `download_to`
    (a temporary folder the caller removes, so a monitor running for months does not pile up copies)."""
    if settings.bundle_dir is not None:
        return settings.bundle_dir
    return resolve_bundle(settings.model_uri, settings.resolved_tracking_uri(), download_to)


def resolve_bundle(model_uri_or_folder: str, tracking_uri: str | None, download_to: Path) -> Path:
    """A bundle folder as is, or a registry URI downloaded (mlflow is imported only then)."""
    local = Path(model_uri_or_folder)
    if "://" not in model_uri_or_folder and not model_uri_or_folder.startswith("models:") and local.is_dir():
        load_metadata(local)  # a clear error when the folder is not a bundle
        return local
    from registry.registration import RegistryError, download_bundle

    try:
        return download_bundle(model_uri_or_folder, tracking_uri, download_to)
    except (RegistryError, BundleError) as exc:
        raise ReferenceUnavailable(str(exc)) from exc


def load_reference(folder: Path) -> Reference:
    metadata = load_metadata(folder)
    path = Path(folder) / REFERENCE_FILE
    if not path.is_file():
        raise BundleError(
            f"{path} is missing: this bundle has no drift reference. Re-run training to rebuild it."
        )
    frame = pd.read_parquet(path)
    absent = [c for c in [*metadata.features, PROBABILITY_COLUMN] if c not in frame.columns]
    if absent:
        raise BundleError(
            f"The drift reference {path} lacks {len(absent)} column(s) ({', '.join(absent[:8])}). "
            "Re-run training so the reference carries every model feature and the out-of-fold probability."
        )
    token = metadata.extra.get("missing_category")
    return Reference(
        version=str(metadata.version),
        features=tuple(metadata.features),
        categorical=tuple(metadata.categorical_features),
        importance={str(k): float(v) for k, v in metadata.global_importance.items()},
        threshold=float(metadata.threshold),
        frame=frame,
        missing_token=str(token) if token is not None else None,
    )
