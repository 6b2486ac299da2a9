"""One model version scoring rows of client features: probability, decision, threshold, version, top reasons.

Both engines end here: the DuckDB path calls `score_features` on the whole batch, the Spark path on each
partition (when reasons are asked for) or compares with it in the parity test. The model's columns are taken
from the features by the data plane's ModelInput, so a batch with more or fewer columns than training had
still gives the model exactly its own columns, in its order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from registry.bundle import ModelBundle
from scoring_service.domain import Decision
from scoring_service.explainer import SHAP_CHUNK_ROWS, Explainer
from scoring_service.model_input import ModelInput

ID = "SK_ID_CURR"
CHUNK_ROWS = SHAP_CHUNK_ROWS  # rows scored (and explained) at a time: bounds memory, drives the progress bar
BASE_COLUMNS = ("SK_ID_CURR", "probability", "decision", "threshold", "model_version")


def reason_columns(top_k: int) -> list[str]:
    """Per reason, largest first: its group's code, the sentence a client reads, the group's contribution
    (log-odds of default, the exact sum of the group's features)."""
    return [f"reason_{i}{suffix}" for i in range(1, top_k + 1) for suffix in ("_code", "", "_contribution")]


def output_columns(top_k: int) -> list[str]:
    return [*BASE_COLUMNS, *reason_columns(top_k)]


def output_schema(explain: bool, top_k: int) -> pa.Schema:
    """The results' column types, whatever a slice holds."""
    base = [
        (ID, pa.int64()),
        ("probability", pa.float64()),
        ("decision", pa.string()),
        ("threshold", pa.float64()),
        ("model_version", pa.string()),
    ]
    reasons = [
        (name, pa.float64() if name.endswith("_contribution") else pa.string())
        for name in (reason_columns(top_k) if explain else [])
    ]
    return pa.schema(base + reasons)


@dataclass(frozen=True)
class BatchModel:
    """What one batch run scores with: a model version's input layout and explainer."""

    version: str
    inputs: ModelInput
    explainer: Explainer

    @classmethod
    def from_bundle(cls, bundle: ModelBundle, version: str) -> BatchModel:
        meta = bundle.metadata
        # the features arrive built (by either engine): nothing is recomputed from raw fields here
        inputs = ModelInput(bundle.model, meta, feature_builder=None)
        descriptions = {"fr": dict(meta.feature_descriptions), "en": dict(meta.feature_descriptions_en)}
        explainer = Explainer(bundle.model, inputs.features, inputs.cat_indices, descriptions)
        return cls(version=version or meta.version, inputs=inputs, explainer=explainer)

    @classmethod
    def from_folder(cls, folder: Path | str, version: str = "") -> BatchModel:
        return cls.from_bundle(ModelBundle.load(Path(folder)), version)

    def score_features(
        self,
        features: pd.DataFrame,
        *,
        explain: bool = False,
        top_k: int = 3,
        language: str = "fr",
        on_rows: Callable[[int], None] | None = None,
    ) -> pd.DataFrame:
        """Features indexed (or with a column) SK_ID_CURR -> one output row per client, in the same order."""
        if ID in features.columns:
            features = features.set_index(ID)
        frame = self.inputs.model_features(features)
        numeric, categories = self.inputs.split(frame)
        probabilities = np.empty(len(frame))
        reasons: list[list[object]] = []
        for start in range(0, len(frame), CHUNK_ROWS):
            chunk = slice(start, start + CHUNK_ROWS)
            probabilities[chunk] = self.inputs.predict(numeric[chunk], categories[chunk])
            if explain:
                rows = self.inputs.rows(numeric[chunk], categories[chunk])
                shap = self.explainer.shap_values(rows)
                for i in range(len(rows)):
                    _, grouped = self.explainer.explain_with_reasons(
                        shap[i], rows[i], top_k, language, group_features=0
                    )
                    row: list[object] = []
                    for reason in grouped.groups[:top_k]:
                        row.extend([reason.group, reason.sentence, reason.contribution])
                    row.extend([None] * (3 * top_k - len(row)))
                    reasons.append(row)
            if on_rows is not None:
                on_rows(len(probabilities[chunk]))
        threshold = self.inputs.threshold
        out = pd.DataFrame(
            {
                ID: frame.index.to_numpy(dtype=np.int64),
                "probability": probabilities,
                "decision": np.where(
                    probabilities >= threshold, Decision.REFUSED.value, Decision.GRANTED.value
                ).astype(object),
                "threshold": np.full(len(frame), threshold),
                "model_version": np.full(len(frame), self.version, dtype=object),
            }
        )
        if explain:
            columns = reason_columns(top_k)
            table = pd.DataFrame(reasons, columns=columns) if reasons else pd.DataFrame(columns=columns)
            for name in columns:
                if name.endswith("_contribution"):
                    table[name] = table[name].astype(float)
                else:
                    table[name] = table[name].astype(object)
            out = pd.concat([out, table], axis=1)
        return out
