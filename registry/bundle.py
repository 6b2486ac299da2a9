"""The model bundle: everything serving needs, saved as one folder and registered as one MLflow model version.

Layout of a bundle folder:
    bundle.json        metadata (threshold, cost matrix, features, descriptions, importance, metrics, fingerprint)
    model.cbm          the CatBoost model (native format)
    reference.parquet  a sample of the training features with TARGET and the out-of-fold probability (drift reference)
    portfolio.parquet  the clients the dashboard browses: raw application fields + model features, indexed by SK_ID_CURR
    history.parquet    training clients with known outcome (features + TARGET), for peer-group default rates
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from catboost import CatBoostClassifier

from common.errors import UserError

BUNDLE_FORMAT = 1
METADATA_FILE = "bundle.json"
MODEL_FILE = "model.cbm"
REFERENCE_FILE = "reference.parquet"
PORTFOLIO_FILE = "portfolio.parquet"
HISTORY_FILE = "history.parquet"


class BundleError(UserError):
    """A bundle folder that cannot be read; the message names the file and the fix."""


@dataclass
class BundleMetadata:
    name: str
    version: str
    threshold: float
    cost_fn: float
    cost_fp: float
    features: list[str]
    categorical_features: list[str]
    feature_descriptions: dict[str, str]  # feature or application field -> plain French description
    feature_descriptions_en: dict[str, str]  # the same in English
    global_importance: dict[str, float]  # feature -> mean |SHAP|, in decreasing order
    metrics: dict[str, float]
    data_fingerprint: str
    trained_at: str
    extra: dict[str, Any] = field(default_factory=dict)
    format: int = BUNDLE_FORMAT


@dataclass
class ModelBundle:
    metadata: BundleMetadata
    model: CatBoostClassifier
    reference: pd.DataFrame
    portfolio: pd.DataFrame
    history: pd.DataFrame

    def save(self, folder: Path) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / METADATA_FILE).write_text(json.dumps(asdict(self.metadata), indent=2, ensure_ascii=False))
        self.model.save_model(str(folder / MODEL_FILE))
        self.reference.to_parquet(folder / REFERENCE_FILE)
        self.portfolio.to_parquet(folder / PORTFOLIO_FILE)
        self.history.to_parquet(folder / HISTORY_FILE)
        return folder

    @classmethod
    def load(cls, folder: Path) -> ModelBundle:
        folder = Path(folder)
        metadata = load_metadata(folder)
        model = CatBoostClassifier()
        try:
            model.load_model(str(folder / MODEL_FILE))
        except Exception as exc:  # catboost raises its own CatBoostError with a C++ message
            raise BundleError(
                f"The model file {folder / MODEL_FILE} cannot be loaded ({exc}). "
                "Re-run training or point the setting at another model version."
            ) from exc
        return cls(
            metadata=metadata,
            model=model,
            reference=_read_parquet(folder / REFERENCE_FILE),
            portfolio=_read_parquet(folder / PORTFOLIO_FILE),
            history=_read_parquet(folder / HISTORY_FILE),
        )


def load_metadata(folder: Path) -> BundleMetadata:
    path = Path(folder) / METADATA_FILE
    if not path.is_file():
        raise BundleError(
            f"{path} is missing: {folder} is not a model bundle. "
            "Give the folder written by `python -m training run` "
            "or a registry URI such as models:/credit-scoring@champion."
        )
    try:
        raw = json.loads(path.read_text())
        metadata = BundleMetadata(**raw)
    except (json.JSONDecodeError, TypeError) as exc:
        raise BundleError(f"{path} is corrupt ({exc}). Re-export the bundle from the registry.") from exc
    if metadata.format != BUNDLE_FORMAT:
        raise BundleError(
            f"{path} has bundle format {metadata.format}; this version reads format {BUNDLE_FORMAT}. "
            "Retrain with this version of the product."
        )
    return metadata


def _read_parquet(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise BundleError(f"{path} is missing from the model bundle. Re-run training to rebuild the bundle.")
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several unrelated types for a damaged file
        raise BundleError(f"{path} cannot be read ({exc}). Re-run training to rebuild the bundle.") from exc
