"""The model's input: exactly its feature columns, in its order, built from whatever rows are given.

One class serves every way a client is scored: the portfolio of a version at load (ScoreBatch and Score by id
read what it computed), a what-if or a new application (Score with values), and the batch command over files.
Application features are always recomputed by the training code from the raw application fields (a raw
sentinel such as DAYS_EMPLOYED = 365243 becomes what the model saw); the other features (secondary-table
aggregates) are taken as given. A batch may hold more columns or fewer than training had: only the model's
feature list counts, and column dropping belongs to training alone.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from catboost import CatBoostClassifier

from registry.bundle import BundleMetadata
from registry.calibration import Calibration

# raw application rows -> application-derived feature columns, same index (training.features.application)
FeatureBuilder = Callable[[pd.DataFrame], pd.DataFrame]

DEFAULT_MISSING_CATEGORY = "MISSING"  # training.features.application.MISSING_CATEGORY


class ModelInput:
    """Feature matrices in one model version's column order, and its probabilities."""

    def __init__(
        self,
        model: CatBoostClassifier,
        metadata: BundleMetadata,
        feature_builder: FeatureBuilder | None = None,
    ) -> None:
        self.model = model
        # every probability returned is calibrated (the bundle's map); SHAP values stay on the raw log-odds scale
        self.calibration = Calibration.from_dict(metadata.calibration)
        self.threshold = float(metadata.threshold)
        # the same decision on the model's raw scale: raw probability >= raw_threshold <=> calibrated >= threshold
        self.raw_threshold = self.calibration.inverse(self.threshold)
        self.features: tuple[str, ...] = tuple(metadata.features)
        self.categorical: frozenset[str] = frozenset(metadata.categorical_features)
        self.cat_indices: tuple[int, ...] = tuple(
            i for i, f in enumerate(self.features) if f in self.categorical
        )
        self.missing_category = str(metadata.extra.get("missing_category", DEFAULT_MISSING_CATEGORY))
        self.position: dict[str, int] = {f: i for i, f in enumerate(self.features)}
        self.feature_builder = feature_builder
        self.numeric_positions = np.array(
            [i for i, f in enumerate(self.features) if f not in self.categorical], dtype=np.intp
        )
        self.cat_positions = np.array(self.cat_indices, dtype=np.intp)
        self._column_of = {self.features[i]: ("n", j) for j, i in enumerate(self.numeric_positions)}
        self._column_of.update({self.features[i]: ("c", j) for j, i in enumerate(self.cat_positions)})

    # Numeric features live in one float matrix and categorical ones in a small string matrix: an object
    # matrix of the whole portfolio would box every number (about 0.5 GB at 48,744 clients x 331 features).
    def model_features(self, raw: pd.DataFrame) -> pd.DataFrame:
        """The model's features of raw rows (application fields, plus the aggregates as computed): the
        application features recomputed by the training code, the rest as given, in the model's order."""
        derived = (
            self.feature_builder(raw) if self.feature_builder is not None else pd.DataFrame(index=raw.index)
        )
        missing = [f for f in self.features if f not in derived.columns and f not in raw.columns]
        if missing:
            raise ValueError(
                f"The input lacks {len(missing)} model feature(s), e.g. {', '.join(missing[:5])}: this model "
                "uses features that the product's feature definitions no longer produce. Retrain it, or score "
                "with the version of the product that trained it."
            )
        return pd.DataFrame(
            {f: derived[f] if f in derived.columns else raw[f] for f in self.features}, index=raw.index
        )

    def split(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """(float matrix of the numeric features, object matrix of the category levels as strings)."""
        names = [self.features[i] for i in self.numeric_positions]
        try:
            numeric = frame[names].to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError):  # a column stored as text: convert it column by column
            numeric = (
                np.column_stack(
                    [pd.to_numeric(frame[n], errors="coerce").to_numpy(dtype=np.float64) for n in names]
                )
                if names
                else np.empty((len(frame), 0))
            )
        categories = np.empty((len(frame), len(self.cat_positions)), dtype=object)
        for j, i in enumerate(self.cat_positions):
            column = frame[self.features[i]]
            levels = column.astype(object).where(column.notna(), self.missing_category).astype(str)
            categories[:, j] = levels.to_numpy(dtype=object)
        return numeric, categories

    def rows(self, numeric: np.ndarray, categories: np.ndarray) -> np.ndarray:
        """Object matrix in the model's feature order (what CatBoost takes fastest for a few rows)."""
        matrix = np.empty((len(numeric), len(self.features)), dtype=object)
        matrix[:, self.numeric_positions] = numeric
        matrix[:, self.cat_positions] = categories
        return matrix

    def predict(self, numeric: np.ndarray, categories: np.ndarray) -> np.ndarray:
        """Probabilities of many rows at once, from a DataFrame (CatBoost reads a large one faster than an
        object matrix)."""
        if len(numeric) == 0:
            return np.zeros(0)
        columns: dict[str, np.ndarray] = {}
        for j, i in enumerate(self.numeric_positions):
            columns[self.features[i]] = numeric[:, j]
        for j, i in enumerate(self.cat_positions):
            columns[self.features[i]] = categories[:, j]
        frame = pd.DataFrame({f: columns[f] for f in self.features}, copy=False)
        return self.calibration.apply(np.asarray(self.model.predict_proba(frame)[:, 1], dtype=float))

    def predict_row(self, row: np.ndarray) -> float:
        return self.calibration.apply_one(float(self.model.predict_proba(row.reshape(1, -1))[0, 1]))
