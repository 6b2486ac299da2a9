"""Training settings: one object, read from `TRAINING_*` variables and `MLFLOW_TRACKING_URI`, built in main()."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from common.paths import PROJECT_DATA
from common.tracking import default_tracking_uri

if TYPE_CHECKING:
    from training.selection.profiles import Budget

Profile = Literal["tiny", "demo", "full"]

# The reason recorded on a version trained on the generated demo data when no other is written: the fairness gate still
# judges it and its model card shows the figures, but no applicant is ever decided on generated clients.
GENERATED_DATA_OVERRIDE = (
    "Demonstration on generated data: no applicant is decided on; "
    "the fairness figures stay in the model card."
)


class TrainingSettings(BaseSettings):
    """Everything the pipeline can be told from the environment; command-line options override some fields."""

    # an empty variable means the default (compose sets TRAINING_DATA_DIR to "" when KAGGLE_DATA_DIR is empty)
    model_config = SettingsConfigDict(
        env_prefix="TRAINING_", extra="ignore", populate_by_name=True, env_ignore_empty=True
    )

    data_root: Path = Field(
        default=PROJECT_DATA,
        description="Project data folder: demo data, MLflow store, reports and bundles are written under it.",
    )
    data_dir: Path | None = Field(
        default=None,
        description="Folder of Home Credit tables to train on; empty means the generated demo dataset.",
    )
    profile: Profile = Field(
        default="demo",
        description="Search budget: tiny (tests, seconds), demo (minutes on a laptop), full (real data).",
    )
    tracking_uri: str | None = Field(
        default=None,
        validation_alias=AliasChoices("MLFLOW_TRACKING_URI", "TRAINING_TRACKING_URI"),
        description="MLflow tracking store URI; empty means sqlite:///<data_root>/mlflow.db.",
    )
    experiment: str = Field(
        default="credit-scoring", description="MLflow experiment that holds the pipeline runs."
    )
    model_name: str = Field(
        default="credit-scoring", description="Registered model name in the MLflow registry."
    )
    model_alias: str = Field(default="champion", description="Registry alias that serving follows.")
    cost_fn: float = Field(
        default=10.0, gt=0, description="Cost of a false negative (a defaulting client granted)."
    )
    cost_fp: float = Field(default=1.0, gt=0, description="Cost of a false positive (a good client refused).")
    test_size: float = Field(
        default=0.2, description="Share of the training clients held out for the final check."
    )
    seed: int = Field(default=42, description="Seed of every split, search and model.")
    demo_clients: int | None = Field(
        default=None,
        description="Train clients of the generated demo dataset; empty means the profile's size.",
    )
    search_clients: int | None = Field(
        default=None,
        ge=0,
        description="Development clients the cross-validated search runs on (a stratified sample; 0 means all); "
        "empty means the profile's size. The chosen model is always fitted on every development client.",
    )
    force_promotion: bool = Field(
        default=False,
        description="Move the alias to the new version even when it does not beat the champion.",
    )
    register_model: bool = Field(
        default=True, description="Register the model version in the MLflow registry."
    )
    progress: bool = Field(default=True, description="Show progress bars.")
    policy_file: Path = Field(
        default=Path(__file__).resolve().parent / "features" / "protected.toml",
        description="The protected-attribute policy (excluded / monitored attributes, fairness bounds).",
    )
    fairness_bootstrap: int = Field(
        default=200, ge=0, description="Bootstrap draws behind each interval of the fairness report."
    )
    fairness_override: str | None = Field(
        default=None,
        description="Promote even when the fairness gate refuses; this written reason is recorded on the version.",
    )
    fairness_exclusion_cost: bool = Field(
        default=True,
        description="Refit the chosen model with the excluded attributes added back (same folds, same held-out "
        "split) to measure what excluding them cost; never served.",
    )

    def gate_override(self) -> str | None:
        """The written reason that promotes a version despite the fairness gate: the one given; else, on the generated
        demo data only, the demonstration's own reason (so `make demo` and the compose stack serve a model); on real
        data, none."""
        if self.fairness_override:
            return self.fairness_override
        return GENERATED_DATA_OVERRIDE if self.data_dir is None else None

    def resolved_tracking_uri(self) -> str:
        return self.tracking_uri or default_tracking_uri(self.data_root)

    @property
    def artifacts_root(self) -> Path:
        """Where a local (SQLite) tracking store keeps its artifacts."""
        return self.data_root / "mlartifacts"

    def budget(self) -> Budget:
        """The profile's search budget, with the overrides these settings carry."""
        from training.selection.profiles import budget_for

        budget = budget_for(self.profile)
        if self.search_clients is not None:
            budget = dataclasses.replace(budget, search_clients=self.search_clients)
        return budget

    @property
    def reports_dir(self) -> Path:
        return self.data_root / "reports"

    @property
    def bundles_dir(self) -> Path:
        return self.data_root / "bundles"
