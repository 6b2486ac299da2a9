"""The MLflow tracking store every app talks to: its default URI and one check that it answers, failing with a
sentence that names the URI and the fix. mlflow is imported only when a store is checked."""

from __future__ import annotations

from pathlib import Path

from common.errors import UserError
from common.paths import PROJECT_DATA


class TrackingError(UserError):
    """The MLflow tracking store cannot be used; the message names the URI and the fix."""


def default_tracking_uri(data_root: Path = PROJECT_DATA) -> str:
    """The laptop default: a SQLite tracking store (the registry needs a database) in the data folder."""
    return f"sqlite:///{(data_root / 'mlflow.db').resolve()}"


def is_local_database(uri: str) -> bool:
    return uri.startswith("sqlite:")


def check_reachable(uri: str, timeout: float = 5.0) -> None:
    """Raise TrackingError unless the store answers; a remote server gets one quick health request, not retries."""
    if uri.startswith(("http://", "https://")):
        _check_server(uri, timeout)
        return
    if is_local_database(uri):
        path = Path(uri.split("sqlite:///", 1)[-1])
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise TrackingError(
                f"The folder {path.parent} of the SQLite tracking store {uri} cannot be created ({exc}). "
                "Point MLFLOW_TRACKING_URI at a writable location."
            ) from exc
    from mlflow.tracking import MlflowClient

    try:
        MlflowClient(tracking_uri=uri).search_experiments(max_results=1)
    except Exception as exc:  # mlflow wraps driver errors in several unrelated types
        raise TrackingError(
            f"The MLflow tracking store {uri} cannot be used ({str(exc).splitlines()[0][:200]}). "
            "Check MLFLOW_TRACKING_URI (a database URL such as sqlite:///path/mlflow.db, or an http:// server)."
        ) from exc


def _check_server(uri: str, timeout: float) -> None:
    import requests

    try:
        response = requests.get(uri.rstrip("/") + "/health", timeout=timeout)
    except requests.RequestException as exc:
        raise TrackingError(
            f"The MLflow tracking server at {uri} cannot be reached ({type(exc).__name__}). Start it, or unset "
            "MLFLOW_TRACKING_URI to use the local SQLite store in the project's data folder."
        ) from exc
    if response.status_code != 200:
        raise TrackingError(
            f"The MLflow tracking server at {uri} answered HTTP {response.status_code} to its health check. "
            "Check the URL (scheme, host, port) in MLFLOW_TRACKING_URI."
        )
