"""Putting a model bundle together from what the pipeline produced: the bundle is the single package serving
reads, so every table is trimmed and typed here, once, the same way for every version."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from catboost import CatBoostClassifier, Pool

from registry.bundle import BundleMetadata, ModelBundle

HISTORY_FIELDS = ("CODE_GENDER", "DAYS_BIRTH", "AMT_INCOME_TOTAL", "NAME_CONTRACT_TYPE", "NAME_FAMILY_STATUS")
PROBABILITY_COLUMN = "PROBABILITY"
TARGET = "TARGET"
MAX_REFERENCE_ROWS = 20_000
MAX_HISTORY_ROWS = 50_000


def data_fingerprint(features: pd.DataFrame, target: pd.Series) -> str:
    """A short hash of the training table (rows, columns, values): two versions trained on the same data agree."""
    digest = hashlib.sha256()
    digest.update(",".join(map(str, features.columns)).encode())
    digest.update(pd.util.hash_pandas_object(features, index=True).to_numpy().tobytes())
    digest.update(pd.util.hash_pandas_object(target, index=True).to_numpy().tobytes())
    return f"sha256:{digest.hexdigest()[:24]} rows={len(features)} columns={features.shape[1]}"


def global_importance(
    model: CatBoostClassifier, sample: pd.DataFrame, categorical: list[str]
) -> dict[str, float]:
    """Mean |SHAP| per feature on `sample`, in decreasing order (CatBoost's own exact tree SHAP)."""
    shap = model.get_feature_importance(Pool(sample, cat_features=categorical), type="ShapValues")
    values = np.abs(shap[:, :-1]).mean(axis=0)
    order = np.argsort(-values, kind="stable")
    return {str(sample.columns[i]): float(values[i]) for i in order}


def sample_rows(frame: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    return frame if len(frame) <= n else frame.sample(n=n, random_state=seed).sort_index()


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


def history_table(
    raw_train: pd.DataFrame, features: pd.DataFrame, target: pd.Series, n: int, seed: int
) -> pd.DataFrame:
    """Training clients with known outcome: model features, TARGET and the descriptive fields peer groups use."""
    raw = raw_train.set_index("SK_ID_CURR") if "SK_ID_CURR" in raw_train.columns else raw_train
    descriptive = [c for c in HISTORY_FIELDS if c in raw.columns and c not in features.columns]
    table = features.join(raw[descriptive], how="left")
    table[TARGET] = target.astype(int)
    table.index.name = "SK_ID_CURR"
    return sample_rows(table, min(n, MAX_HISTORY_ROWS), seed)


def reference_table(
    features: pd.DataFrame, target: pd.Series, probability: pd.Series, n: int, seed: int
) -> pd.DataFrame:
    """Drift reference: training features, TARGET and the out-of-fold probability of default."""
    table = features.copy()
    table[TARGET] = target.astype(int)
    table[PROBABILITY_COLUMN] = probability.astype(float)
    table.index.name = "SK_ID_CURR"
    return sample_rows(table, min(n, MAX_REFERENCE_ROWS), seed)


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
    )
    return ModelBundle(
        metadata=metadata, model=model, reference=reference, portfolio=portfolio, history=history
    )
