"""The scoring service's settings: one object, read from `SCORING_*` variables (and `MLFLOW_TRACKING_URI`),
built in main() and passed down. The defaults serve the champion of the laptop's MLflow store on loopback."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from common.paths import PROJECT_DATA
from common.tracking import default_tracking_uri

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


class ScoringSettings(BaseSettings):
    """Everything the service can be told; `python -m scoring_service --help` lists the same fields."""

    model_config = SettingsConfigDict(env_prefix="SCORING_", extra="ignore", env_parse_none_str="")

    address: str = Field(
        default="127.0.0.1:50051",
        description="host:port the gRPC server listens on (port 0 picks a free port).",
    )
    model_uri: str = Field(
        default="models:/credit-scoring@champion",
        description="Model to serve: a registry URI (models:/NAME@ALIAS) or a local bundle folder.",
    )
    tracking_uri: str | None = Field(
        default=default_tracking_uri(),
        validation_alias=AliasChoices("SCORING_TRACKING_URI", "MLFLOW_TRACKING_URI", "tracking_uri"),
        description="MLflow tracking store that holds the registry (also read from MLFLOW_TRACKING_URI).",
    )
    reload_poll_seconds: float = Field(
        default=30.0, gt=0, description="How often the registry alias is checked for a new model version."
    )
    event_store_url: str | None = Field(
        default=f"sqlite:///{PROJECT_DATA / 'events.db'}",
        description="SQLAlchemy URL of the event store (sqlite:/// or postgresql+psycopg://); empty: none.",
    )
    event_batch_size: int = Field(
        default=256, gt=0, description="Score events written per database transaction."
    )
    event_flush_seconds: float = Field(
        default=1.0, gt=0, description="Longest time a score event waits in memory before it is written."
    )
    max_batch_size: int = Field(
        default=50_000,
        gt=0,
        description="Most client ids one ScoreBatch call may ask for (RESOURCE_EXHAUSTED above).",
    )
    token: SecretStr | None = Field(
        default=None,
        description="Bearer token callers send in the `authorization` metadata; empty: no authentication.",
    )
    tls_cert: Path | None = Field(
        default=None, description="PEM certificate chain of the server; set with tls_key."
    )
    tls_key: Path | None = Field(
        default=None, description="PEM private key of the server; set with tls_cert."
    )
    metrics_port: int | None = Field(
        default=9100,
        description="Port of the Prometheus metrics page (/metrics); 0 picks a free port, empty disables it.",
    )
    metrics_host: str = Field(default="127.0.0.1", description="Interface the metrics page listens on.")
    max_workers: int = Field(default=16, gt=0, description="Threads that serve requests at the same time.")
    shutdown_grace_seconds: float = Field(
        default=10.0, ge=0, description="On SIGTERM/SIGINT, how long requests in flight may take to finish."
    )
    drain_seconds: float = Field(
        default=1.0,
        ge=0,
        description="On SIGTERM/SIGINT, how long health says NOT_SERVING while calls are still answered, so that "
        "load balancers and clients move to other replicas before the port closes.",
    )
    drift_status_dir: Path | None = Field(
        default=None,
        description="Folder where `python -m drift monitor` writes its latest check (DRIFT_STATUS_DIR); the service "
        "passes it on to the dashboard. Empty means <project data>/drift, the monitor's default.",
    )
    log_level: LogLevel = Field(
        default="INFO", description="Level of the JSON logs (INFO logs one line per call)."
    )

    @model_validator(mode="after")
    def _tls_pair(self) -> ScoringSettings:
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError(
                "SCORING_TLS_CERT and SCORING_TLS_KEY go together: set both for TLS, or neither."
            )
        for path in (self.tls_cert, self.tls_key):
            if path is not None and not path.is_file():
                raise ValueError(f"The TLS file {path} does not exist: give the path of a PEM file.")
        return self

    def token_value(self) -> str | None:
        return self.token.get_secret_value() if self.token and self.token.get_secret_value() else None
