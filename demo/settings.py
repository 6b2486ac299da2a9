"""Settings of the one-command demo (env prefix DEMO_)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from common.paths import PROJECT_DATA


class DemoSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DEMO_")

    data: Path | None = Field(
        None, description="Folder of real Kaggle files; empty = the generated demo data."
    )
    profile: str = Field("demo", description="Training profile: demo (minutes) or full (real data, hours).")
    retrain: bool = Field(False, description="Train again even when a champion already exists for this data.")
    serve: bool = Field(True, description="Start the scoring service and the dashboard after training.")
    fairness_override: str = Field(
        "",
        description="Written reason recorded on the version to promote it despite the fairness gate; empty: none "
        "(on the generated demo data, training records the demonstration's own reason).",
    )
    host: str = Field("127.0.0.1", description="Address the scoring service and the dashboard listen on.")
    grpc_port: int = Field(50051, description="Port of the scoring service (gRPC).")
    dash_port: int = Field(8050, description="Port of the dashboard (HTTP).")
    data_root: Path = Field(
        PROJECT_DATA, description="The project's data folder (demo data, MLflow store, events)."
    )
    start_timeout: float = Field(180.0, description="Seconds to wait for a service to become ready.")
