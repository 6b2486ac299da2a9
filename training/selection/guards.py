"""Over-fitting and leakage guards, run on every pipeline run and written into its report.

- train vs cross-validated vs held-out AUC side by side (a large gap means over-fitting);
- a warning when the CV AUC is higher than credit-scoring data usually allows (leakage is the usual cause);
- any single feature that separates defaults on its own suspiciously well (a column computed from the outcome);
- TARGET, or a copy of it, among the features.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from common.errors import UserError
from training.selection.metrics import safe_auc

CV_AUC_CEILING = 0.82
SINGLE_FEATURE_HIGH = 0.70
SINGLE_FEATURE_LOW = 0.30
OVERFIT_GAP = 0.10


class LeakageError(UserError):
    """The outcome reached the features; training on them would produce a model that cannot work in production."""


@dataclass
class GuardReport:
    train_auc: float
    cv_auc: float
    holdout_auc: float
    suspicious_features: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def as_rows(self) -> list[tuple[str, float]]:
        return [("train", self.train_auc), ("cross-validation", self.cv_auc), ("held-out", self.holdout_auc)]


def single_feature_auc(features: pd.DataFrame, target: pd.Series, categorical: list[str]) -> pd.Series:
    """AUC of each numeric feature taken alone as a score (missing values at the median), sorted by distance to 0.5.

    Categorical features are left out: scoring them alone needs a target encoding, which would itself leak here.
    """
    y = np.asarray(target).astype(int)
    scores: dict[str, float] = {}
    for column in features.columns:
        if column in categorical:
            continue
        values = pd.to_numeric(features[column], errors="coerce")
        if values.notna().sum() == 0 or values.nunique(dropna=True) < 2:
            continue
        scores[column] = safe_auc(y, values.fillna(values.median()).to_numpy())
    result = pd.Series(scores, dtype=float)
    return result.reindex((result - 0.5).abs().sort_values(ascending=False).index)


def suspicious_features(
    aucs: pd.Series, high: float = SINGLE_FEATURE_HIGH, low: float = SINGLE_FEATURE_LOW
) -> dict[str, float]:
    flagged = aucs[(aucs > high) | (aucs < low)]
    return {str(k): float(v) for k, v in flagged.items()}


def assert_target_absent(features: pd.DataFrame, target: pd.Series, target_name: str = "TARGET") -> None:
    """Raise when TARGET is a feature or when a feature equals TARGET (or its complement) on every row."""
    if target_name in features.columns:
        raise LeakageError(
            f"The feature table contains {target_name}; drop it from the features before training."
        )
    y = pd.Series(np.asarray(target), index=features.index).astype(float)
    for column in features.columns:
        values = pd.to_numeric(features[column], errors="coerce")
        if values.isna().any() or values.nunique() != 2:
            continue
        if values.equals(y) or values.equals(1.0 - y):
            raise LeakageError(
                f"Feature {column} equals {target_name} on every training row: it is computed from the outcome. "
                "Remove it from the feature definitions."
            )


def run_guards(
    train_auc: float,
    cv_auc: float,
    holdout_auc: float,
    feature_aucs: pd.Series,
    ceiling: float = CV_AUC_CEILING,
) -> GuardReport:
    report = GuardReport(train_auc=train_auc, cv_auc=cv_auc, holdout_auc=holdout_auc)
    report.suspicious_features = suspicious_features(feature_aucs)
    if cv_auc > ceiling:
        report.warnings.append(
            f"Cross-validated AUC {cv_auc:.3f} is above {ceiling:.2f}, more than credit data usually allows: "
            "look for a feature computed from the outcome or from information not known at application time."
        )
    if train_auc - cv_auc > OVERFIT_GAP:
        report.warnings.append(
            f"Train AUC {train_auc:.3f} exceeds the cross-validated AUC {cv_auc:.3f} by more than {OVERFIT_GAP:.2f}: "
            "the model over-fits; more regularisation (depth, l2, fewer trees) would generalise better."
        )
    if abs(cv_auc - holdout_auc) > OVERFIT_GAP:
        report.warnings.append(
            f"Held-out AUC {holdout_auc:.3f} differs from the cross-validated AUC {cv_auc:.3f} by more than "
            f"{OVERFIT_GAP:.2f}: the held-out split is small or the search over-fitted the folds."
        )
    for name, auc in report.suspicious_features.items():
        report.warnings.append(
            f"Feature {name} alone reaches an AUC of {auc:.3f} against TARGET (outside "
            f"[{SINGLE_FEATURE_LOW:.2f}, {SINGLE_FEATURE_HIGH:.2f}]): check that it is known at application time."
        )
    return report
