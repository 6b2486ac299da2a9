"""The dashboard's one settings object (environment prefix `DASH_`), built in `main()` and passed down.

Defaults work on a laptop: the scoring service on the loopback, the accounts file under the project's data folder.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DATA_DIR = Path(__file__).resolve().parents[1] / "data"


class DashSettings(BaseSettings):
    """Everything the dashboard needs, read from `DASH_*` environment variables."""

    model_config = SettingsConfigDict(env_prefix="DASH_", extra="ignore")

    scoring_address: str = Field(
        "127.0.0.1:50051",
        description="gRPC target of the scoring service the dashboard calls: host:port (calls spread over every "
        "address the name resolves to, one per replica) or ipv4:host:port,host:port,...",
    )
    scoring_token: SecretStr | None = Field(
        None,
        description="Token sent to the scoring service in the request metadata. Kept on the server; "
        "it never reaches the browser.",
    )
    scoring_root_certificates: Path | None = Field(
        None,
        description="PEM file of the CA that signed the scoring service's TLS certificate (TLS when set).",
    )
    scoring_timeout: float = Field(
        2.0, gt=0, description="Deadline in seconds of one call to the scoring service."
    )
    scoring_retries: int = Field(
        1, ge=0, le=4, description="Retries of a call that found the scoring service unavailable (0 to 4)."
    )
    host: str = Field("127.0.0.1", description="Interface the dashboard listens on.")
    port: int = Field(8050, ge=0, le=65535, description="Port the dashboard listens on.")
    secret_key: SecretStr = Field(
        default_factory=lambda: SecretStr(secrets.token_hex(32)),
        description="Key that signs the session cookie. Set it in production (and identical in every worker): "
        "the default is random per process, so a restart logs everybody out.",
    )
    users_file: Path = Field(
        DATA_DIR / "dashboard_users.json",
        description="JSON file mapping user name to password hash; create entries with "
        "`python -m dash_app add-user NAME`.",
    )
    accounts: dict[str, str] = Field(
        default_factory=dict,
        description="Extra accounts as a JSON object {user: password hash}; they add to (and override) the users file.",
    )
    session_minutes: int = Field(
        30,
        gt=0,
        description="Minutes of inactivity after which a session expires and the user logs in again.",
    )
    secure_cookie: bool = Field(
        False,
        description="Send the session cookie over HTTPS only even when a request arrives in plain HTTP (behind a "
        "TLS proxy); a request that came over TLS always gets a Secure cookie.",
    )
    session_store: Path | None = Field(
        None,
        description="SQLite file of the sessions and failed logins, shared by every worker (set it when gunicorn "
        "runs several workers; the WSGI entry point defaults it to a file in the system's temporary folder); "
        "empty keeps them in the process's memory.",
    )
    default_language: str = Field(
        "fr", description="Language of the page before the user switches (fr or en)."
    )
    top_k: int = Field(
        10, ge=1, le=30, description="Number of contributions shown in the waterfall; the rest is grouped."
    )
    similar_k: int = Field(
        200, ge=10, description="Size of the group of most similar clients in the comparison."
    )
    page_size: int = Field(20, ge=5, le=100, description="Clients listed per page of a filtered search.")
    info_rows: int = Field(
        30,
        ge=5,
        description="Client information rows shown until the user searches or asks for all of them (a model "
        "bundle describes hundreds of fields; drawing them all slows every lookup).",
    )
    debug: bool = Field(
        False, description="Dash debug mode (development only: shows tracebacks in the browser)."
    )

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in ("fr", "en"):
            raise ValueError(f"DASH_DEFAULT_LANGUAGE must be 'fr' or 'en', not {value!r}.")
        return value
