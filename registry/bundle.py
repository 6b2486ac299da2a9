"""The model bundle: everything serving needs, saved as one folder and registered as one MLflow model version.
Its contents are built here from the tables a run hands over (typed and trimmed once, the same way for every
version); what goes into them (the model, the samples, the importance) is the training pipeline's work.

Layout of a bundle folder:
    bundle.json        metadata (threshold, cost matrix, features, descriptions, importance, metrics, fingerprint,
                       calibration map, monotone constraints)
    model.cbm          the CatBoost model (native format)
    reference.parquet  a sample of the training features with TARGET and the out-of-fold probability (drift reference)
    portfolio.parquet  the clients the dashboard browses: raw application fields + model features, indexed by SK_ID_CURR
    history.parquet    training clients with known outcome (features + TARGET), for peer-group default rates
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from catboost import CatBoostClassifier

from common.errors import UserError
from registry.calibration import Calibration

BUNDLE_FORMAT = 1
METADATA_FILE = "bundle.json"
MODEL_FILE = "model.cbm"
REFERENCE_FILE = "reference.parquet"
PORTFOLIO_FILE = "portfolio.parquet"
HISTORY_FILE = "history.parquet"

TARGET = "TARGET"
PROBABILITY_COLUMN = "PROBABILITY"  # the out-of-fold probability of default in reference.parquet
HISTORY_FIELDS = ("CODE_GENDER", "DAYS_BIRTH", "AMT_INCOME_TOTAL", "NAME_CONTRACT_TYPE", "NAME_FAMILY_STATUS")


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
    # raw model score -> calibrated default probability (registry.calibration); empty: the identity
    calibration: dict[str, Any] = field(default_factory=dict)
    monotone_constraints: dict[str, int] = field(default_factory=dict)  # feature -> +1 / -1, as trained
    format: int = BUNDLE_FORMAT


@dataclass
class ModelBundle:
    metadata: BundleMetadata
    model: CatBoostClassifier
    reference: pd.DataFrame
    portfolio: pd.DataFrame
    history: pd.DataFrame

    @property
    def calibration(self) -> Calibration:
        """The map serving applies to every probability (SHAP stays on the model's raw scale)."""
        return Calibration.from_dict(self.metadata.calibration)

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


def portfolio_table(raw_test: pd.DataFrame, test_features: pd.DataFrame) -> pd.DataFrame:
    """Test clients: every raw application column, then the model features not already among them. A raw column
    that is also a feature holds the feature's value (missing categories filled as the model expects), so that
    `portfolio[features]` can be scored as it is."""
    raw = raw_test.set_index("SK_ID_CURR") if "SK_ID_CURR" in raw_test.columns else raw_test
    raw = raw.loc[raw.index.isin(test_features.index)]
    shared = [c for c in test_features.columns if c in raw.columns]
    extra = [c for c in test_features.columns if c not in raw.columns]
    raw = raw.drop(columns=shared).join(test_features[shared], how="inner")[list(raw.columns)]
    portfolio = raw.join(test_features[extra], how="inner")
    portfolio.index.name = "SK_ID_CURR"
    return portfolio


def history_table(raw_train: pd.DataFrame, features: pd.DataFrame, target: pd.Series) -> pd.DataFrame:
    """Training clients with known outcome: model features, TARGET and the descriptive fields peer groups use."""
    raw = raw_train.set_index("SK_ID_CURR") if "SK_ID_CURR" in raw_train.columns else raw_train
    descriptive = [c for c in HISTORY_FIELDS if c in raw.columns and c not in features.columns]
    table = features.join(raw[descriptive], how="left")
    table[TARGET] = target.astype(int)
    table.index.name = "SK_ID_CURR"
    return table


def reference_table(features: pd.DataFrame, target: pd.Series, probability: pd.Series) -> pd.DataFrame:
    """Drift reference: training features, TARGET and the out-of-fold probability of default."""
    table = features.copy()
    table[TARGET] = target.astype(int)
    table[PROBABILITY_COLUMN] = probability.astype(float)
    table.index.name = "SK_ID_CURR"
    return table


def build_bundle(
    *,
    name: str,
    version: str,
    model: CatBoostClassifier,
    threshold: float,
    cost_fn: float,
    cost_fp: float,
    categorical: list[str],
    descriptions: dict[str, str],
    descriptions_en: dict[str, str],
    importance: dict[str, float],
    metrics: dict[str, float],
    fingerprint: str,
    reference: pd.DataFrame,
    portfolio: pd.DataFrame,
    history: pd.DataFrame,
    extra: dict,
    calibration: dict | None = None,
    monotone: dict[str, int] | None = None,
) -> ModelBundle:
    features = [str(c) for c in model.feature_names_]
    metadata = BundleMetadata(
        name=name,
        version=version,
        threshold=float(threshold),
        cost_fn=float(cost_fn),
        cost_fp=float(cost_fp),
        features=features,
        categorical_features=[c for c in features if c in set(categorical)],
        feature_descriptions=dict(descriptions),
        feature_descriptions_en=dict(descriptions_en),
        global_importance=dict(importance),
        metrics={k: float(v) for k, v in metrics.items()},
        data_fingerprint=fingerprint,
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
        extra=dict(extra),
        calibration=dict(calibration or {}),
        monotone_constraints={k: int(v) for k, v in (monotone or {}).items()},
    )
    return ModelBundle(
        metadata=metadata, model=model, reference=reference, portfolio=portfolio, history=history
    )
