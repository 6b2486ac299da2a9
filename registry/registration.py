"""Registering a bundle as ONE MLflow model version (the pyfunc wrapper with the bundle folder as its artifact),
and fetching the bundle folder back for serving from a registry URI or a plain folder."""

from __future__ import annotations

import tempfile
from pathlib import Path

import mlflow
from mlflow.exceptions import MlflowException
from mlflow.models import ModelSignature
from mlflow.tracking import MlflowClient
from mlflow.types import ColSpec, Schema

from common.errors import UserError
from registry.bundle import METADATA_FILE, BundleError, ModelBundle
from registry.champion import COST_TAG
from registry.pyfunc_model import BUNDLE_ARTIFACT, CreditScoringModel

MODEL_ARTIFACT_PATH = "model"


class RegistryError(UserError):
    """The registry cannot give what was asked; the message names the model, version or alias and the fix."""


def next_version(client: MlflowClient, name: str) -> str:
    """The version number the registry will give the next registration of `name` (written into the bundle)."""
    try:
        versions = client.search_model_versions(f"name='{name}'")
    except MlflowException:
        return "1"
    return str(max((int(v.version) for v in versions), default=0) + 1)


def log_bundle_model(folder: Path) -> str:
    """Log the bundle folder as a pyfunc model in the active run; returns the logged model's URI."""
    bundle = ModelBundle.load(folder)
    signature = bundle_signature(bundle)
    info = mlflow.pyfunc.log_model(
        name=MODEL_ARTIFACT_PATH,
        python_model=CreditScoringModel(),
        artifacts={BUNDLE_ARTIFACT: str(folder)},
        signature=signature,
        code_paths=[str(Path(__file__).resolve().parent)],
    )
    return str(info.model_uri)


def bundle_signature(bundle: ModelBundle) -> ModelSignature:
    """Inputs: every feature optional (missing values are normal here), numerics as doubles, categoricals as
    strings; outputs: the probability of default and the decision at the bundle's threshold."""
    categorical = set(bundle.metadata.categorical_features)
    inputs = Schema(
        [
            ColSpec("string" if name in categorical else "double", name, required=False)
            for name in bundle.metadata.features
        ]
    )
    outputs = Schema([ColSpec("double", "probability"), ColSpec("boolean", "refused")])
    return ModelSignature(inputs=inputs, outputs=outputs)


def register(model_uri: str, name: str, holdout_cost: float, tags: dict[str, str] | None = None) -> str:
    """Register the logged model under `name`; the held-out cost is tagged on the version for promotion."""
    version = mlflow.register_model(
        model_uri, name, tags={COST_TAG: repr(float(holdout_cost)), **(tags or {})}
    )
    return str(version.version)


def download_bundle(model_uri: str, tracking_uri: str | None, dst: Path | None = None) -> Path:
    """The local bundle folder for `models:/NAME@ALIAS`, `models:/NAME/VERSION`, a logged model URI, a downloaded
    pyfunc model folder or a plain bundle folder (returned as is)."""
    local = Path(model_uri)
    if "://" not in model_uri and not model_uri.startswith("models:") and local.exists():
        found = local if (local / METADATA_FILE).is_file() else _bundle_in_model(local)
        if found is not None:
            return found
        raise BundleError(
            f"{local} holds no model bundle ({METADATA_FILE} is missing). Give a bundle folder written by "
            "`python -m training run` (data/bundles/<version>) or `python -m registry export`."
        )
    # The store is passed explicitly and the process-wide tracking URI is left alone: a hot reload in a
    # long-running process must not redirect a training run of the same process. A registry URI is resolved here
    # because download_artifacts resolves `models:/` against the default store whatever store it is given.
    target = Path(dst) if dst is not None else Path(tempfile.mkdtemp(prefix="credit-bundle-"))
    target.mkdir(parents=True, exist_ok=True)
    try:
        source = _registry_source(model_uri, tracking_uri or mlflow.get_tracking_uri())
        path = mlflow.artifacts.download_artifacts(
            artifact_uri=source, dst_path=str(target), tracking_uri=tracking_uri
        )
    except MlflowException as exc:
        raise RegistryError(
            f"The model {model_uri} cannot be fetched from the tracking store "
            f"{tracking_uri or mlflow.get_tracking_uri()} "
            f"({str(exc).splitlines()[0][:200]}). Train and register a model first (`python -m training run`), "
            "or check the name, the version or alias and MLFLOW_TRACKING_URI."
        ) from exc
    folder = _bundle_in_model(Path(path))
    if folder is None:
        raise RegistryError(
            f"The model {model_uri} carries no bundle (no {BUNDLE_ARTIFACT!r} artifact with {METADATA_FILE}); "
            "it was not registered by this product. Register a model with `python -m training run`."
        )
    return folder


def _registry_source(model_uri: str, tracking_uri: str) -> str:
    """`models:/NAME@ALIAS` or `models:/NAME/VERSION` -> where that version's files are; other URIs unchanged."""
    if not model_uri.startswith("models:/"):
        return model_uri
    reference = model_uri[len("models:/") :]
    client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
    if "@" in reference:
        name, alias = reference.split("@", 1)
        version = client.get_model_version_by_alias(name, alias).version
    elif "/" in reference:
        name, version = reference.rsplit("/", 1)
    else:
        return model_uri  # a logged model id (models:/m-...), resolved by the tracking store given
    return str(client.get_model_version_download_uri(name, version))


def _bundle_in_model(model_dir: Path) -> Path | None:
    """The bundle folder inside a downloaded pyfunc model, as its MLmodel file records it."""
    mlmodel = model_dir / "MLmodel"
    if not mlmodel.is_file():
        return None
    import yaml

    spec = yaml.safe_load(mlmodel.read_text()) or {}
    artifacts = spec.get("flavors", {}).get("python_function", {}).get("artifacts", {})
    relative = artifacts.get(BUNDLE_ARTIFACT, {}).get("path")
    if relative is None:
        return None
    folder = model_dir / relative
    return folder if (folder / METADATA_FILE).is_file() else None
