"""`python -m training select`: the model-selection stage alone, on a feature folder written by
`python -m training features`. It is tracked as an MLflow run like the pipeline, but registers nothing."""

from __future__ import annotations

import argparse
from pathlib import Path

from common.errors import UserError, exit_with, load_settings
from common.paths import PROJECT_DATA

DEFAULT_FEATURES = PROJECT_DATA / "features"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--features", type=Path, default=DEFAULT_FEATURES, help=f"feature folder (default {DEFAULT_FEATURES})"
    )
    parser.add_argument("--profile", choices=["tiny", "demo", "full"], default=None, help="search budget")
    parser.add_argument("--out", type=Path, default=None, help="also write model_comparison.csv/.md here")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")


def run(args: argparse.Namespace) -> int:
    import mlflow

    from training.features.build import FeatureTables
    from training.features.protected import load_policy
    from training.interrupt import killed_on_signal
    from training.report import comparison_markdown, write_comparison
    from training.selection.cost import CostMatrix
    from training.selection.select import select_model
    from training.settings import TrainingSettings
    from training.tracking import log_cv_result, open_experiment

    try:
        settings = load_settings(TrainingSettings, "TRAINING_")
        if args.profile:
            settings = settings.model_copy(update={"profile": args.profile})
        features = FeatureTables.load(args.features)
        policy = load_policy(settings.policy_file)
        inputs = policy.model_inputs(features.features)  # what the protected-attribute policy allows
        open_experiment(settings.resolved_tracking_uri(), settings.experiment, settings.artifacts_root)
        with mlflow.start_run(run_name=f"select-{settings.profile}"), killed_on_signal():
            mlflow.set_tag("stage", "select")
            selection = select_model(
                features.train[inputs],
                features.train["TARGET"].astype(int),
                [c for c in features.categorical if c in inputs],
                settings.budget(),
                CostMatrix(fn=settings.cost_fn, fp=settings.cost_fp),
                settings.seed,
                settings.test_size,
                progress=not args.no_progress,
                on_result=log_cv_result,
                policy=policy,
            )
            table = comparison_markdown(selection.comparison)
            mlflow.log_text(table, "model_comparison.md")
    except UserError as exc:
        return exit_with(exc)
    print(table)
    held = selection.holdout["at_threshold"]
    print(
        f"\nchosen: {selection.chosen.label}, threshold {selection.threshold:.3f}; held-out AUC {held['auc']:.3f}, "
        f"cost {held['cost']:.3f} per applicant"
    )
    for warning in selection.guards.warnings:
        print(f"warning: {warning}")
    if args.out is not None:
        write_comparison(selection.comparison, args.out)
    return 0
