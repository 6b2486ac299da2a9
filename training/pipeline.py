"""`python -m training run`: data, features, model selection, report, bundle, registration, in one MLflow run.

Without --data it trains on the generated demo dataset (created once, then cached in the data folder).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import mlflow
import pandas as pd
from tqdm import tqdm

from common.errors import UserError, exit_with, load_settings
from registry.fairness_gate import add_override_argument
from training.settings import TrainingSettings
from training.timings import Timings

if TYPE_CHECKING:
    from training.data.loader import HomeCreditTables
    from training.features.build import FeatureTables
    from training.selection.profiles import Budget


@dataclass
class PipelineOutcome:
    run_id: str
    version: str
    promoted: bool
    decision: str
    report_path: Path
    bundle_path: Path
    summary: pd.DataFrame


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", type=Path, default=None, help="folder of Home Credit tables (default: demo data)"
    )
    parser.add_argument("--profile", choices=["tiny", "demo", "full"], default=None, help="search budget")
    parser.add_argument("--clients", type=int, default=None, help="train clients of the generated demo data")
    parser.add_argument("--seed", type=int, default=None, help="seed of splits, search and models")
    parser.add_argument(
        "--search-clients",
        type=int,
        default=None,
        help="development clients the search runs on (stratified sample; 0: all; default: the profile's)",
    )
    parser.add_argument("--force", action="store_true", help="move the alias even if the champion is better")
    add_override_argument(parser)
    parser.add_argument(
        "--no-register", action="store_true", help="track the run but do not register a version"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    parser.add_argument(
        "--unless-champion",
        action="store_true",
        help="do nothing when the alias already names a version (a restarted stack keeps its model)",
    )


def settings_from(args: argparse.Namespace) -> TrainingSettings:
    # a refused value (TRAINING_COST_FN=0, TRAINING_SEED=abc) ends the command with one sentence
    settings = load_settings(TrainingSettings, "TRAINING_")
    updates = {
        "data_dir": args.data,
        "profile": args.profile,
        "demo_clients": args.clients,
        "seed": args.seed,
        "search_clients": args.search_clients,
        "fairness_override": args.fairness_override,
    }
    updates = {k: v for k, v in updates.items() if v is not None}
    if args.force:
        updates["force_promotion"] = True
    if args.no_register:
        updates["register_model"] = False
    if args.no_progress:
        updates["progress"] = False
    return settings.model_copy(update=updates)


def run(args: argparse.Namespace) -> int:
    try:
        settings = settings_from(args)
        if args.unless_champion and (version := existing_champion(settings)) is not None:
            print(
                f"{settings.model_name}@{settings.model_alias} is already version {version}: nothing to train "
                "(run without --unless-champion to train again)."
            )
            return 0
        outcome = run_pipeline(settings)
    except UserError as exc:  # data, tracking store, registry: one sentence, exit code 2
        return exit_with(exc)
    except KeyboardInterrupt as exc:
        print(
            f"\ninterrupted ({str(exc) or 'a stop signal'}): the MLflow run is marked KILLED, what it logged is kept",
            file=sys.stderr,
        )
        return 130
    print(outcome.summary.to_string(index=False))
    print(f"\nreport: {outcome.report_path}\nbundle: {outcome.bundle_path}\nregistry: {outcome.decision}")
    return 0


def existing_champion(settings: TrainingSettings) -> str | None:
    """The version the alias names in the registry, or None when it names none."""
    from mlflow import MlflowClient

    from common.tracking import check_reachable
    from registry.champion import current_champion

    uri = settings.resolved_tracking_uri()
    check_reachable(uri)
    champion = current_champion(MlflowClient(tracking_uri=uri), settings.model_name, settings.model_alias)
    return champion[0] if champion else None


def run_pipeline(settings: TrainingSettings) -> PipelineOutcome:
    from registry.fairness_gate import check_override
    from training.fairness.protected_data import apply_policy
    from training.features.protected import load_policy
    from training.interrupt import killed_on_signal
    from training.publish import PublishInputs, RunInfo, publish, summary_table
    from training.selection.cost import CostMatrix
    from training.selection.select import select_model
    from training.tracking import log_cv_result, open_experiment

    check_override(settings.fairness_override)  # a blank reason is refused before hours of training
    settings = settings.model_copy(update={"fairness_override": settings.gate_override()})
    budget = settings.budget()
    timings = Timings()
    open_experiment(settings.resolved_tracking_uri(), settings.experiment, settings.artifacts_root)
    timings.mark("tracking")
    data_dir, data_source = _data_folder(settings, budget.demo_clients)
    timings.mark("data")
    tables, all_features = _features(data_dir, settings.progress)
    # the model's inputs follow the protected-attribute policy; the protected groups stay for the fairness report
    features, protected = apply_policy(
        load_policy(settings.policy_file), all_features, tables.application_train
    )
    timings.mark("features")

    target = features.train["TARGET"].astype(int)
    x = features.train.drop(columns=["TARGET"])
    costs = CostMatrix(fn=settings.cost_fn, fp=settings.cost_fp)
    run_name = f"{settings.profile}-{time.strftime('%Y%m%d-%H%M%S')}"
    with mlflow.start_run(run_name=run_name) as parent, killed_on_signal():
        mlflow.log_params(
            _run_params(settings, budget, data_source, x)
            | {"protected_removed": ",".join(protected.removed.columns) or "none"}
        )
        selection = select_model(
            x,
            target,
            list(features.categorical),
            budget,
            costs,
            settings.seed,
            settings.test_size,
            progress=settings.progress,
            on_result=log_cv_result,
            policy=protected.policy,
        )
        timings.mark("selection")
        run = RunInfo(run_id=parent.info.run_id, run_name=run_name, data_source=data_source)
        inputs = PublishInputs(settings, budget, selection, tables, features, protected, costs, run)
        published = publish(inputs, timings)
    # what was published (version, promotion, decision, report and bundle paths), with the run and its summary
    return PipelineOutcome(run_id=run.run_id, summary=summary_table(selection), **vars(published))


def _run_params(
    settings: TrainingSettings, budget: Budget, data_source: str, x: pd.DataFrame
) -> dict[str, object]:
    return {
        "profile": settings.profile,
        "data": data_source,
        "n_train": len(x),
        "n_features": x.shape[1],
        "cost_fn": settings.cost_fn,
        "cost_fp": settings.cost_fp,
        "seed": settings.seed,
        "n_folds": budget.n_folds,
        "search_clients": budget.search_clients,
        "test_size": settings.test_size,
    }


def _data_folder(settings: TrainingSettings, default_clients: int) -> tuple[Path, str]:
    if settings.data_dir is not None:
        if not Path(settings.data_dir).is_dir():
            from training.data.errors import DataError

            raise DataError(
                f"The data folder {settings.data_dir} does not exist. Give a folder holding the Home Credit tables "
                "(application_train.csv ... ) or leave --data out to use the generated demo data."
            )
        return Path(settings.data_dir), str(settings.data_dir)
    from training.data.demo import ensure_demo_data

    clients = settings.demo_clients or default_clients
    folder = ensure_demo_data(
        settings.data_root, clients=clients, seed=settings.seed, progress=settings.progress
    )
    return Path(folder), f"generated demo data ({clients:,} train clients, seed {settings.seed}) in {folder}"


def _features(data_dir: Path, progress: bool) -> tuple[HomeCreditTables, FeatureTables]:
    from training.data.loader import load_tables
    from training.features.build import build_feature_tables

    with tqdm(total=2, desc="data and features", disable=not progress) as bar:
        tables = load_tables(data_dir, progress=False)
        bar.update(1)
        features = build_feature_tables(tables, progress=progress)
        bar.update(1)
    return tables, features
