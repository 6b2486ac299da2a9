"""The publishing stage of a run, once the model is chosen, in four steps: explanations (and the run's tables and
figures logged to MLflow), the bundle saved under data/bundles/<name>-v<version>-<run id>/ (two runs, or two
tracking stores, never write the same folder; it appears whole or not at all), the version registered and perhaps
promoted, and the report written last so that it states the registry decision. `publish` returns what it
published; the pipeline builds its own outcome from it."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
import pandas as pd
from mlflow.tracking import MlflowClient

from registry.bundle import ModelBundle, build_bundle, history_table, portfolio_table, reference_table
from registry.champion import BASELINE_COST_TAG, CV_COST_TAG, promote
from registry.fairness_gate import registration_tags
from registry.model_card import BAYES_RULE, record_on_version, write_card
from registry.registration import log_bundle_model, next_version, register
from training import report
from training.data.loader import HomeCreditTables
from training.explain import LocalExplanation, global_importance, local_explanations
from training.fairness.card import card_into_bundle
from training.fairness.protected_data import ProtectedData
from training.fairness.report import FairnessReport
from training.fairness.report import markdown as fairness_markdown
from training.fairness.stage import fairness_step
from training.features.build import TARGET, FeatureTables
from training.features.monotone import constraints_for
from training.selection import figures
from training.selection.cost import CostMatrix
from training.selection.models import MISSING_CATEGORY, prepare_frame
from training.selection.profiles import Budget
from training.selection.select import SelectionResult
from training.settings import TrainingSettings
from training.timings import Timings
from training.tracking import finite_metrics

MAX_REFERENCE_ROWS = 20_000
MAX_HISTORY_ROWS = 50_000


@dataclass(frozen=True)
class RunInfo:
    """The MLflow run the stage publishes from, and where its data came from (in words)."""

    run_id: str
    run_name: str
    data_source: str


@dataclass(frozen=True)
class Explanations:
    importance: pd.Series  # mean |SHAP| per feature, decreasing
    local: list[LocalExplanation]


@dataclass(frozen=True)
class Registration:
    version: str  # the registered version, or the bundle's local name when registration is off
    promoted: bool
    decision: str  # the registry decision in a sentence, for the report and the command line


@dataclass(frozen=True)
class Published:
    version: str
    promoted: bool
    decision: str
    report_path: Path
    bundle_path: Path


@dataclass(frozen=True)
class PublishInputs:
    """What the run hands to the publishing stage once the model is chosen."""

    settings: TrainingSettings
    budget: Budget
    selection: SelectionResult
    tables: HomeCreditTables  # the raw tables: the bundle's portfolio and peer history come from them
    features: FeatureTables  # the model's inputs, after the protected-attribute policy
    protected: ProtectedData  # the groups the fairness report needs, and the policy
    costs: CostMatrix
    run: RunInfo

    @property
    def report_dir(self) -> Path:
        return self.settings.reports_dir / self.run.run_name


@dataclass(frozen=True)
class Measured:
    """What the first step leaves for the others: explanations, the bundle's metrics, the fairness report."""

    explanations: Explanations
    metrics: dict[str, float]
    fairness: FairnessReport


def publish(inputs: PublishInputs, timings: Timings) -> Published:
    """Explain and measure fairness, save the bundle (with its model card), register (and perhaps promote) it,
    then write the report; `timings` gets the stage's own seconds under "publish" before the report lists them."""
    measured = measure(inputs)
    settings, run = inputs.settings, inputs.run
    client = MlflowClient(tracking_uri=settings.resolved_tracking_uri())
    version = (
        next_version(client, settings.model_name) if settings.register_model else f"local-{run.run_id[:8]}"
    )
    bundle = assemble(inputs, measured, version)
    tags = gate_tags(measured.fairness)
    card = card_into_bundle(bundle, inputs.report_dir, tags, settings.fairness_override, run.data_source)
    folder = save_bundle(bundle, settings.bundles_dir, f"{settings.model_name}-v{version}-{run.run_id[:12]}")
    write_card(card, folder)
    registration = register_and_promote(
        settings, client, folder, bundle, measured.metrics, run.run_id, tags, card
    )
    timings.mark("publish")
    path = write_report(inputs, measured, bundle, registration, timings)
    return Published(registration.version, registration.promoted, registration.decision, path, folder)


def measure(inputs: PublishInputs) -> Measured:
    """Explanations, metrics, the run's tables and figures, the fairness report; all logged to MLflow."""
    selection, features = inputs.selection, inputs.features
    names = [str(c) for c in selection.model.feature_names_]  # the fitted model's own inputs
    inputs.protected.policy.enforce(names)
    categorical = [c for c in features.categorical if c in names]  # kept by the selection
    explanations = explain(selection, categorical, inputs.budget.shap_rows, inputs.settings.seed)
    metrics = bundle_metrics(selection)
    mlflow.log_metrics(finite_metrics(metrics))
    write_tables_and_figures(selection, explanations.importance, inputs.costs, inputs.report_dir)
    write_summary(selection, metrics, features, inputs.report_dir)
    fairness = fairness_step(
        inputs.settings,
        selection,
        inputs.protected,
        features.train,
        [*features.categorical, *inputs.protected.removed_categorical],
        inputs.costs,
        inputs.report_dir,
    )
    mlflow.log_artifacts(str(inputs.report_dir))
    return Measured(explanations, metrics, fairness)


def write_report(
    inputs: PublishInputs,
    measured: Measured,
    bundle: ModelBundle,
    registration: Registration,
    timings: Timings,
) -> Path:
    """The run's report, written last so that it states the registry decision; logged to MLflow."""
    context = report_context(inputs, bundle, measured.explanations, registration)
    context.seconds = dict(timings.seconds)
    context.sections = [fairness_markdown(measured.fairness)]
    path = report.write(report.render(inputs.selection, context), inputs.report_dir)
    mlflow.log_artifact(str(path))
    return path


def explain(selection: SelectionResult, categorical: list[str], shap_rows: int, seed: int) -> Explanations:
    """Global importance on a sample of the cross-validated clients, and the report's three held-out clients."""
    names = [str(c) for c in selection.model.feature_names_]
    sample = sample_rows(selection.x_cv[names], shap_rows, seed)
    importance = pd.Series(global_importance(selection.model, sample, categorical))
    return Explanations(importance, local_explanations(selection, categorical))


def assemble(inputs: PublishInputs, measured: Measured, version: str) -> ModelBundle:
    """The bundle of the chosen model: its samples (drift reference, peer history) drawn here, every table
    built the bundle's way, with the protected-attribute policy and where the data came from."""
    settings, selection, features, tables = inputs.settings, inputs.selection, inputs.features, inputs.tables
    budget, explanations, run = inputs.budget, measured.explanations, inputs.run
    names = [str(c) for c in selection.model.feature_names_]  # the features kept by the selection, in order
    categorical = [c for c in features.categorical if c in names]
    x_cv = selection.x_cv[names]
    oof = pd.Series(selection.calibrated_oof, index=x_cv.index)  # on the scale serving returns
    target = features.train[TARGET].astype(int)
    train_prepared = prepare_frame(features.train.drop(columns=[TARGET]), categorical)[names]
    test_prepared = prepare_frame(features.test, categorical)[names]
    reference = reference_table(x_cv, selection.y_cv, oof)
    history = history_table(tables.application_train, train_prepared, target)
    return build_bundle(
        name=settings.model_name,
        version=version,
        model=selection.model,
        threshold=selection.threshold,
        cost_fn=inputs.costs.fn,
        cost_fp=inputs.costs.fp,
        categorical=categorical,
        descriptions=dict(features.descriptions),
        descriptions_en=dict(features.descriptions_en),
        importance={str(k): float(v) for k, v in explanations.importance.items()},
        metrics=measured.metrics,
        fingerprint=data_fingerprint(features.train.drop(columns=[TARGET]), target),
        reference=sample_rows(reference, min(budget.reference_rows, MAX_REFERENCE_ROWS), settings.seed),
        portfolio=_objects(portfolio_table(tables.application_test, test_prepared)),
        history=_objects(sample_rows(history, min(budget.history_rows, MAX_HISTORY_ROWS), settings.seed)),
        calibration=selection.calibration.calibration.as_dict(),
        monotone=constraints_for(names),
        extra={
            "missing_category": MISSING_CATEGORY,
            "model_family": selection.chosen.family,
            "imbalance": selection.chosen.imbalance,
            "params": {k: str(v) for k, v in selection.chosen.params.items()},
            "trees": selection.final_trees,
            "mlflow_run_id": run.run_id,
            "profile": settings.profile,
            "protected_policy": inputs.protected.policy.as_dict(),
            "protected_removed": list(inputs.protected.removed.columns),
            "data_source": run.data_source,
        },
    )


def save_bundle(bundle: ModelBundle, parent: Path, name: str) -> Path:
    """Write the bundle in a temporary folder beside its place, then rename it there in one step: a reader never
    sees half a bundle, and a crash leaves only a temporary folder."""
    parent.mkdir(parents=True, exist_ok=True)
    folder = parent / name
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=parent))
    try:
        bundle.save(staging)
        if folder.exists():  # only the same run publishing twice: replace its own folder
            shutil.rmtree(folder)
        os.replace(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder


def register_and_promote(
    settings: TrainingSettings,
    client: MlflowClient,
    folder: Path,
    bundle: ModelBundle,
    metrics: dict[str, float],
    run_id: str,
    fairness_tags: dict[str, str],
    card: dict[str, Any],
) -> Registration:
    """Register the bundle as a model version (its fairness figures as tags, its card as description) and move the
    alias to it if it beats the champion (or is forced) and passes the fairness gate (or carries an override)."""
    version = bundle.metadata.version
    if not settings.register_model:
        return Registration(
            version, False, "registration skipped (--no-register): the bundle exists only on disk"
        )
    registered = register(
        log_bundle_model(folder),
        settings.model_name,
        metrics["holdout_cost"],
        tags={
            "mlflow_run_id": run_id,
            "data_fingerprint": bundle.metadata.data_fingerprint,
            CV_COST_TAG: repr(metrics["cv_cost"]),
            BASELINE_COST_TAG: repr(metrics["baseline_cv_cost"]),
            **fairness_tags,
        },
    )
    record_on_version(client, settings.model_name, registered, card, run_id)
    outcome = promote(
        client,
        settings.model_name,
        settings.model_alias,
        registered,
        settings.force_promotion,
        fairness_override=settings.fairness_override,
    )
    verb = "moved to" if outcome.promote else "stays off"
    decision = (
        f"Registered `{settings.model_name}` version {registered}; alias `{settings.model_alias}` {verb} it: "
        f"{outcome.reason}."
    )
    if registered != version:
        decision += f" (the bundle on disk was saved as {version}: another run registered in between)"
    mlflow.set_tags(
        {"registered_version": registered, "promoted": str(outcome.promote), "promotion_decision": decision}
    )
    return Registration(registered, outcome.promote, decision)


def report_context(
    inputs: PublishInputs, bundle: ModelBundle, explanations: Explanations, registration: Registration
) -> report.ReportContext:
    settings, features, costs, run = inputs.settings, inputs.features, inputs.costs, inputs.run
    names = bundle.metadata.features
    return report.ReportContext(
        run_name=run.run_name,
        run_id=run.run_id,
        profile=settings.profile,
        data_source=run.data_source,
        n_train=len(features.train),
        n_test=len(features.test),
        positive_rate=float(features.train[TARGET].astype(int).mean()),
        n_features=len(names),
        n_categorical=len([c for c in names if c in features.categorical]),
        fingerprint=bundle.metadata.data_fingerprint,
        cost_fn=costs.fn,
        cost_fp=costs.fp,
        importance=explanations.importance,
        descriptions=dict(features.descriptions_en),
        local_explanations=explanations.local,
        version=registration.version,
        decision=registration.decision,
    )


def gate_tags(fairness: FairnessReport) -> dict[str, str]:
    """The fairness gate's figures (held-out split) and bounds, as the version's registration tags."""
    figures = fairness.gate_figures()
    ratio_min, eo_max = fairness.bounds
    return registration_tags(
        figures["fairness_min_grant_rate_ratio"],
        figures["fairness_max_equal_opportunity_difference"],
        ratio_min,
        eo_max,
    )


def bundle_metrics(selection: SelectionResult) -> dict[str, float]:
    held, half = selection.holdout["at_threshold"], selection.holdout["at_0.5"]
    spread = selection.cv_spread["at_threshold"]
    metrics = {f"holdout_{k}": v for k, v in held.items()}
    metrics |= {f"holdout_{k}_at_0.5": v for k, v in half.items() if k != "auc"}
    metrics |= {f"cv_{k}": v[0] for k, v in spread.items()} | {f"cv_{k}_std": v[1] for k, v in spread.items()}
    metrics |= {
        "cv_cost_at_0.5": selection.cv_spread["at_0.5"]["cost"][0],
        "train_auc": selection.guards.train_auc,
    }
    metrics |= {"threshold": selection.threshold, "auc_cv": spread["auc"][0], "cost_per_client": held["cost"]}
    # repeated CV of the chosen model: means and interval bounds (cost at thresholds each fold did not see)
    for name, estimate in selection.estimates.items():
        key = "cv_train_auc" if name == "train_auc" else name  # train_auc stays the final model's own
        metrics |= {key: estimate.mean, f"{key}_low": estimate.low, f"{key}_high": estimate.high}
    metrics["overfit_gap"] = selection.estimates["train_auc"].mean - selection.estimates["cv_auc"].mean
    metrics |= {
        "baseline_cv_auc": selection.baseline.cv_auc,
        "baseline_cv_cost": selection.baseline.cv_cost,
        "holdout_brier": held.get("brier", float("nan")),
    }
    for metric, comparison in selection.versus_baseline.items():
        d = comparison.difference
        metrics |= {
            f"{metric}_vs_baseline": d.mean,
            f"{metric}_vs_baseline_low": d.low,
            f"{metric}_vs_baseline_high": d.high,
        }
    for metric, comparison in selection.monotone_cost.items():
        metrics[f"{metric}_monotone_effect"] = comparison.difference.mean
    return {k: float(v) for k, v in metrics.items()}


def summary_table(selection: SelectionResult) -> pd.DataFrame:
    table = selection.comparison[
        ["model", "imbalance", "cv_auc", "threshold", "cost_at_0.5", "cost_at_threshold"]
    ]
    held = selection.holdout["at_threshold"]
    row = {
        "model": f"HELD-OUT {selection.chosen.family}",
        "imbalance": selection.chosen.imbalance,
        "cv_auc": held["auc"],
        "threshold": selection.threshold,
        "cost_at_0.5": selection.holdout["at_0.5"]["cost"],
        "cost_at_threshold": held["cost"],
    }
    return pd.concat([table, pd.DataFrame([row])], ignore_index=True).round(3)


def sample_rows(frame: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """At most `n` rows drawn with `seed`, kept in index order."""
    return frame if len(frame) <= n else frame.sample(n=n, random_state=seed).sort_index()


def data_fingerprint(features: pd.DataFrame, target: pd.Series) -> str:
    """A short hash of the training table (rows, columns, values): two versions trained on the same data agree."""
    digest = hashlib.sha256()
    digest.update(",".join(map(str, features.columns)).encode())
    digest.update(pd.util.hash_pandas_object(features, index=True).to_numpy().tobytes())
    digest.update(pd.util.hash_pandas_object(target, index=True).to_numpy().tobytes())
    return f"sha256:{digest.hexdigest()[:24]} rows={len(features)} columns={features.shape[1]}"


def _objects(frame: pd.DataFrame) -> pd.DataFrame:
    """pandas `category` columns as plain objects: SHAP on CatBoost and some parquet readers trip on them."""
    categories = frame.select_dtypes("category").columns
    return frame.astype(dict.fromkeys(categories, "object"))


def write_summary(
    selection: SelectionResult, metrics: dict[str, float], features: FeatureTables, out: Path
) -> None:
    """The run's figures in one machine-readable file (aggregates only: no client appears in it)."""
    out.mkdir(parents=True, exist_ok=True)
    target = features.train[TARGET]
    summary = {
        "n_train": len(features.train),
        "n_test": len(features.test),
        "default_rate": float(target.mean()),
        "n_features": int(features.train.shape[1] - 1),
        "n_holdout": len(selection.y_holdout),
        "n_development": selection.n_dev,
        "n_searched": len(selection.y_cv),
        "n_folds": len(selection.folds.validation),
        "model": selection.chosen.family,
        "imbalance": selection.chosen.imbalance,
        "params": {k: str(v) for k, v in selection.chosen.params.items()},
        "metrics": metrics,
        "repeats": selection.folds.repeats,
        "calibration": selection.calibration.method,
        "threshold_rule": BAYES_RULE,  # refused from cost_fp / (cost_fp + cost_fn) on the calibrated scale
        "trees": selection.final_trees,
        "features_kept": selection.extra.get("features_kept"),
        "beats_baseline": selection.beats_baseline,
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")


def write_tables_and_figures(
    selection: SelectionResult, importance: pd.Series, costs: CostMatrix, out: Path
) -> None:
    """The comparison table and the figures, next to the run's report (report.md links them)."""
    y = selection.y_cv.to_numpy()
    best_per_family: dict[str, np.ndarray] = {}
    for _, result in sorted(selection.results, key=lambda sr: -sr[1].cv_cost):
        best_per_family[result.label] = result.oof
    report.write_comparison(selection.comparison, out)
    importance.rename("mean_abs_shap").to_csv(out / "global_importance.csv", index_label="feature")
    selection.feature_aucs.rename("auc_alone").to_csv(out / "single_feature_auc.csv", index_label="feature")
    figures.roc_pr_figure({k: (y, v) for k, v in best_per_family.items()}, out / report.FIGURES["roc"])
    figures.cost_figure(y, selection.calibrated_oof, selection.threshold, costs, out / report.FIGURES["cost"])
    figures.reliability_figure(
        {
            "out-of-fold, uncalibrated": (y, selection.chosen.oof),
            "out-of-fold, calibrated": (y, selection.calibrated_oof),
            "held-out, calibrated": (selection.y_holdout.to_numpy(), selection.holdout_proba),
        },
        out / report.FIGURES["reliability"],
    )
    figures.confusion_figure(
        selection.y_holdout.to_numpy(),
        selection.holdout_proba,
        {"held-out @0.5": 0.5, "held-out @chosen": selection.threshold},
        out / report.FIGURES["confusion"],
    )
    figures.importance_figure(importance, out / report.FIGURES["importance"])
