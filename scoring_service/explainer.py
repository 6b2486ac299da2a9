"""SHAP contributions of one or many rows: the top K features by magnitude and the rest summed.

CatBoost computes exact TreeSHAP itself (`get_feature_importance(type="ShapValues")`, which
shap.TreeExplainer delegates to anyway) and handles categorical splits, where shap's own background-data modes
fail. Contributions are in log-odds of default: base_value + sum(contributions) + rest = logit(probability).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from catboost import CatBoostClassifier, Pool

from scoring_service.domain import LANGUAGES, Contribution, Explanation, FeatureValue
from scoring_service.errors import InvalidArgument

MAX_TOP_K = 100
SHAP_CHUNK_ROWS = 2_000  # bounds the memory of one SHAP call in a batch
SMALL_BATCH_ROWS = 16


def validate_top_k(top_k: object) -> int:
    if isinstance(top_k, bool) or not isinstance(top_k, int) or not 1 <= top_k <= MAX_TOP_K:
        raise InvalidArgument(
            f"top_k must be an integer from 1 to {MAX_TOP_K}, got {top_k!r}.", field="top_k"
        )
    return top_k


def validate_language(language: object) -> str:
    if language not in LANGUAGES:
        raise InvalidArgument(
            f"language must be one of {', '.join(LANGUAGES)}, got {language!r}.", field="language"
        )
    return str(language)


def display_value(value: object) -> FeatureValue:
    """A matrix cell as a plain value: None for a missing number, Python float or str otherwise."""
    if isinstance(value, str):
        return value
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def top_contributions(
    shap_row: np.ndarray,
    values: Sequence[object],
    features: Sequence[str],
    descriptions: Mapping[str, str],
    top_k: int,
) -> Explanation:
    """Split one SHAP row (features..., base value last) into the top K by |contribution| and the rest."""
    contributions = shap_row[:-1]
    order = np.argsort(-np.abs(contributions), kind="stable")
    top = order[:top_k]
    rest = order[top_k:]
    return Explanation(
        base_value=float(shap_row[-1]),
        contributions=tuple(
            Contribution(
                feature=features[i],
                description=descriptions.get(features[i], ""),
                value=display_value(values[i]),
                contribution=float(contributions[i]),
            )
            for i in top
        ),
        rest=float(contributions[rest].sum()) if len(rest) else 0.0,
        rest_count=len(rest),
    )


class Explainer:
    """Explains rows of the model's feature matrix, with descriptions in the language asked for."""

    def __init__(
        self,
        model: CatBoostClassifier,
        features: Sequence[str],
        cat_indices: Sequence[int],
        descriptions: Mapping[str, Mapping[str, str]],
    ) -> None:
        self.model = model
        self.features = tuple(features)
        self.cat_indices = list(cat_indices)
        self.descriptions = descriptions  # language -> feature -> description

    def shap_values(self, rows: np.ndarray) -> np.ndarray:
        """SHAP matrix (n, features + 1), the last column being the base value, computed in chunks."""
        parts = []
        for start in range(0, len(rows), SHAP_CHUNK_ROWS):
            pool = Pool(rows[start : start + SHAP_CHUNK_ROWS], cat_features=self.cat_indices)
            # one thread for a few rows: concurrent requests already use the cores, and splitting one row's
            # trees over threads costs more than it saves (measured on a 300-tree, 331-feature model)
            threads = 1 if len(rows) <= SMALL_BATCH_ROWS else -1
            shap = self.model.get_feature_importance(pool, type="ShapValues", thread_count=threads)
            parts.append(np.asarray(shap, dtype=float))
        return np.vstack(parts) if parts else np.zeros((0, len(self.features) + 1))

    def explain(self, rows: np.ndarray, top_k: int, language: str) -> list[Explanation]:
        shap = self.shap_values(rows)
        descriptions = self.descriptions.get(language, {})
        return [
            top_contributions(shap[i], rows[i], self.features, descriptions, top_k) for i in range(len(rows))
        ]
