"""The fairness step of a run: the report on the held-out split and the out-of-fold predictions, written next to
report.md and logged to MLflow, and what excluding the excluded attributes cost."""

from __future__ import annotations

import mlflow
import pandas as pd

from training.fairness.exclusion import exclusion_cost
from training.fairness.overall import holdout_intervals
from training.fairness.protected_data import ProtectedData
from training.fairness.report import FairnessReport, SplitData, compute
from training.selection.cost import CostMatrix
from training.selection.select import SelectionResult
from training.settings import TrainingSettings
from training.tracking import finite_metrics


def fairness_step(
    settings: TrainingSettings,
    selection: SelectionResult,
    protected: ProtectedData,
    model_train: pd.DataFrame,
    categorical: list[str],
    costs: CostMatrix,
    out,
) -> FairnessReport:
    """Measure every protected attribute, write the files into `out`, log them and their figures to the run.

    `model_train` is the training table the model saw (TARGET included); `categorical` lists every categorical
    feature, removed ones included."""
    groups = protected.groups
    splits = {
        "holdout": SplitData(
            selection.y_holdout.to_numpy(), selection.holdout_proba, groups.loc[selection.x_holdout.index]
        ),
        # the threshold is on the calibrated scale: the out-of-fold predictions are judged on it too
        "oof": SplitData(
            selection.y_cv.to_numpy(), selection.calibrated_oof, groups.loc[selection.x_cv.index]
        ),
    }
    report = compute(
        protected.policy, splits, selection.threshold, settings.fairness_bootstrap, settings.seed
    )
    excluded = [a for a in protected.policy.attributes if a.treatment == "excluded"]
    if settings.fairness_exclusion_cost and excluded and not protected.removed.empty:
        report.exclusion = exclusion_cost(
            selection,
            pd.concat([model_train, protected.removed], axis=1),
            list(protected.removed.columns),
            categorical,
            costs,
            settings.seed,
            holdout_groups=groups.loc[selection.x_holdout.index, excluded[0].name],
            min_group=protected.policy.min_group,
        )
        report.exclusion["attributes"] = [a.name for a in excluded]
    report.overall = holdout_intervals(
        selection.y_holdout.to_numpy(),
        selection.holdout_proba,
        selection.threshold,
        costs,
        settings.fairness_bootstrap,
        settings.seed,
    )
    report.write(out)
    mlflow.log_metrics(finite_metrics(report.metrics()))
    return report
