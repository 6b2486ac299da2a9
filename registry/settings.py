"""Registry settings: `REGISTRY_*` variables and `MLFLOW_TRACKING_URI`, built in main()."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from common.paths import PROJECT_DATA
from common.tracking import default_tracking_uri


class RegistrySettings(BaseSettings):
    """Where the registry lives and which model and alias the commands act on."""

    model_config = SettingsConfigDict(env_prefix="REGISTRY_", extra="ignore", populate_by_name=True)

    data_root: Path = Field(
        default=PROJECT_DATA, description="Project data folder (holds the default SQLite store)."
    )
    tracking_uri: str | None = Field(
        default=None,
        validation_alias=AliasChoices("MLFLOW_TRACKING_URI", "REGISTRY_TRACKING_URI"),
        description="MLflow tracking store URI; empty means sqlite:///<data_root>/mlflow.db.",
    )
    model_name: str = Field(default="credit-scoring", description="Registered model name.")
    model_alias: str = Field(default="champion", description="Alias that serving follows.")

    def resolved_tracking_uri(self) -> str:
        return self.tracking_uri or default_tracking_uri(self.data_root)
