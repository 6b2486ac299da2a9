"""Where the model comes from, and following it: a registry alias (models:/NAME@ALIAS), a fixed registry
version (models:/NAME/VERSION) or a bundle folder exported for offline use.

A poller resolves the alias every `poll_seconds` and downloads a version only when it changed; the new engine
is built completely before one reference is swapped, so requests in flight finish on the old one. A version
that fails to load leaves the current one serving, and the failure is logged and counted.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from catboost import CatBoostError
from mlflow.exceptions import MlflowException

from registry.bundle import METADATA_FILE, BundleError, ModelBundle, load_metadata

log = logging.getLogger(__name__)
MAX_RETRY_DELAY_SECONDS = 300.0

T = TypeVar("T")
Downloader = Callable[
    [str, str | None, Path], Path
]  # (model URI, tracking URI, destination) -> bundle folder
LOAD_ERRORS: tuple[type[BaseException], ...] = (
    BundleError,
    MlflowException,
    CatBoostError,
    OSError,
    ValueError,
    KeyError,
    TypeError,
    IndexError,
)  # what a missing, partial or malformed bundle raises while it is read or its engine is built


@dataclass(frozen=True)
class ModelRef:
    uri: str
    kind: str  # "alias", "version", "folder" or "other" (another MLflow URI, loaded once)
    name: str = ""
    alias: str = ""


def parse_model_uri(uri: str) -> ModelRef:
    if uri.startswith("models:/"):
        rest = uri[len("models:/") :].strip("/")
        if "@" in rest:
            name, alias = rest.split("@", 1)
            return ModelRef(uri, "alias", name, alias)
        name, _, version = rest.rpartition("/")
        return ModelRef(uri, "version", name, version) if name else ModelRef(uri, "other")
    if "://" in uri or uri.startswith("runs:"):
        return ModelRef(uri, "other")
    return ModelRef(uri, "folder")


def _download_bundle(model_uri: str, tracking_uri: str | None, dst: Path) -> Path:
    from registry.registration import download_bundle

    return download_bundle(model_uri, tracking_uri, dst)


def _registry_errors() -> tuple[type[BaseException], ...]:
    from registry.registration import RegistryError

    return (*LOAD_ERRORS, RegistryError)


class ModelSource(Generic[T]):
    """Loads the model named by `model_uri` and follows it; `build` turns a bundle into what serves it."""

    def __init__(
        self,
        model_uri: str,
        tracking_uri: str | None,
        *,
        build: Callable[[ModelBundle, str], T],
        on_load: Callable[[T], None],
        poll_seconds: float,
        downloader: Downloader | None = None,
    ) -> None:
        self.ref = parse_model_uri(model_uri)
        self.tracking_uri = tracking_uri
        self.build = build
        self.on_load = on_load
        self.poll_seconds = poll_seconds
        self.downloader = downloader or _download_bundle
        self.current_key: str | None = None
        self.version: str | None = None
        self.loads = 0
        self.failures = 0
        self.last_error = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()  # one check at a time (poller and an explicit check)
        self._failed: tuple[str, float, float] | None = (
            None  # (key, retry not before, delay) of a failed load
        )

    # ---- version resolution ----------------------------------------------------------------------
    def resolve(self) -> tuple[str, str]:
        """(change key, version) of what the URI names now; a new key means a new model to load."""
        ref = self.ref
        if ref.kind == "folder":
            folder = Path(ref.uri)
            metadata = load_metadata(folder)
            return f"{metadata.version}@{(folder / METADATA_FILE).stat().st_mtime_ns}", metadata.version
        if ref.kind == "alias":
            from mlflow.tracking import MlflowClient

            version = str(
                MlflowClient(tracking_uri=self.tracking_uri)
                .get_model_version_by_alias(ref.name, ref.alias)
                .version
            )
            return version, version
        if ref.kind == "version":
            return ref.alias, ref.alias
        return ref.uri, ""

    def fetch(self, version: str) -> ModelBundle:
        """The bundle of `version`: a folder is read in place; a registry version is downloaded then read."""
        ref = self.ref
        if ref.kind == "folder":
            return ModelBundle.load(Path(ref.uri))
        uri = f"models:/{ref.name}/{version}" if ref.kind == "alias" else ref.uri  # the version resolved
        workdir = Path(tempfile.mkdtemp(prefix="credit-bundle-"))
        try:
            return ModelBundle.load(self.downloader(uri, self.tracking_uri, workdir))
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    # ---- loading ---------------------------------------------------------------------------------
    def check(self) -> bool:
        """Load the model when what the URI names changed. True when a new model was loaded."""
        with self._lock:
            key = None
            try:
                key, version = self.resolve()
                if key == self.current_key or self._still_failed(key):
                    return False
                bundle = self.fetch(version)
                served = self.build(bundle, version or bundle.metadata.version)
            except _registry_errors() as exc:
                self.failures += 1
                self.last_error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                self._log_failure(exc)
                if key is not None:
                    self._remember_failure(key)
                return False
            self.on_load(served)
            self.current_key, self.version = key, version or bundle.metadata.version
            self.loads += 1
            return True

    def _still_failed(self, key: str) -> bool:
        """A version that failed is not downloaded again at every poll: never while another one serves, and
        with a doubling delay (up to 5 minutes) while none does."""
        failed = self._failed
        if failed is None or failed[0] != key:
            return False
        return self.current_key is not None or time.monotonic() < failed[1]

    def _remember_failure(self, key: str) -> None:
        delay = (
            2 * self._failed[2] if self._failed is not None and self._failed[0] == key else self.poll_seconds
        )
        delay = min(MAX_RETRY_DELAY_SECONDS, max(delay, 1.0))
        self._failed = (key, time.monotonic() + delay, delay)

    def _log_failure(self, exc: BaseException) -> None:
        if self.current_key is None:
            log.error(
                "No model could be loaded from %s (%s: %s). The service answers UNAVAILABLE until one "
                "loads; train and register a model (`python -m training run`), or set SCORING_MODEL_URI to a "
                "registry URI such as models:/credit-scoring@champion or to a bundle folder, and "
                "MLFLOW_TRACKING_URI to the tracking store.",
                self.ref.uri,
                type(exc).__name__,
                self.last_error,
            )
        else:
            log.error(
                "A new model from %s failed to load (%s: %s); version %s keeps serving.",
                self.ref.uri,
                type(exc).__name__,
                self.last_error,
                self.version,
            )

    def start(self) -> None:
        """Follow the URI in a background thread (an alias or folder can change; a fixed version cannot)."""
        if self._thread is not None or self.poll_seconds <= 0:
            return
        self._thread = threading.Thread(target=self._poll, name="model-poller", daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            if self.current_key is not None and self.ref.kind in ("version", "other"):
                return  # a fixed version never changes once loaded
            try:
                self.check()
            except Exception:  # the poller outlives any one bad version; the current model keeps serving
                self.failures += 1
                log.exception(
                    "Following %s failed unexpectedly; version %s keeps serving.", self.ref.uri, self.version
                )

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def stats(self) -> dict[str, object]:
        return {
            "model_uri": self.ref.uri,
            "model_loads": self.loads,
            "model_load_failures": self.failures,
            "model_last_error": self.last_error,
        }
