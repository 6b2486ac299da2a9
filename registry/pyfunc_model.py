"""The MLflow pyfunc wrapper registered with each version: the bundle folder travels as its artifact, and
`predict` returns the probability of default and the decision at the bundle's threshold (the plain CatBoost
pyfunc flavour would return labels at 0.5, which is not the product's decision)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from mlflow.pyfunc import PythonModel

BUNDLE_ARTIFACT = "bundle"


class CreditScoringModel(PythonModel):
    """Scores rows of model features (columns named as in the bundle's feature list)."""

    def load_context(self, context: Any) -> None:
        from registry.bundle import ModelBundle

        self.bundle = ModelBundle.load(context.artifacts[BUNDLE_ARTIFACT])

    def predict(
        self, context: Any, model_input: pd.DataFrame, params: dict[str, Any] | None = None
    ) -> pd.DataFrame:
        meta = self.bundle.metadata
        missing = [c for c in meta.features if c not in model_input.columns]
        if missing:
            raise ValueError(
                f"The input lacks {len(missing)} model feature(s), e.g. {', '.join(missing[:5])}."
            )
        frame = model_input[meta.features].copy()
        filler = str(meta.extra.get("missing_category", "MISSING"))
        for column in meta.categorical_features:
            values = frame[column].astype("object")
            frame[column] = values.where(values.notna(), filler).astype(str)
        probability = self.bundle.calibration.apply(self.bundle.model.predict_proba(frame)[:, 1])
        return pd.DataFrame(
            {"probability": probability, "refused": probability >= meta.threshold}, index=model_input.index
        )
