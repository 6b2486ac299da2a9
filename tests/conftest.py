"""Shared fixtures. A test that needs PostgreSQL, Chromium or the real sample skips on a laptop that lacks
them, and fails under CI=true, where all of them must be present."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# gRPC's fork handlers (on by default) restart its poller in a forked child; a child forked to exec another program
# with `preexec_fn` (pyspark starts its JVM that way) can then die on the poller's closed epoll descriptor before it
# execs ("Java gateway process exited before sending its port number" when a test worker had used gRPC before its
# first Spark test; grpc/grpc#43055). No test forks a process that goes on using gRPC, so the handlers are off,
# before any test module imports grpc.
os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")

PROJECT_ROOT = Path(__file__).resolve().parents[1]
REAL_SAMPLE_DIR = Path(
    os.environ.get("HOMECREDIT_SAMPLE_DIR", PROJECT_ROOT.parent / "shared/data/homecredit-sample")
)
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _project_files() -> dict[str, int]:
    """What the suite must never write: the project's data folder and stores MLflow would create in it."""
    found: dict[str, int] = {}
    for top in (PROJECT_ROOT / name for name in ("data", "mlruns", "mlartifacts", "catboost_info")):
        if top.is_dir():
            for path in top.rglob("*"):
                found[str(path.relative_to(PROJECT_ROOT))] = path.stat().st_mtime_ns if path.is_file() else 0
    for path in PROJECT_ROOT.glob("*.db"):
        found[path.name] = path.stat().st_mtime_ns
    return found


@pytest.fixture(scope="session", autouse=True)
def project_folders_untouched() -> Iterator[None]:
    """Tests write only under their temporary folders: the suite fails if it created or changed anything in
    the project's data folder or left a store in the project root (so `make test` passes any number of times
    in one checkout, and never overwrites what `make demo` built)."""
    before = _project_files()
    yield
    after = _project_files()
    changed = sorted(k for k in after.keys() | before.keys() if after.get(k) != before.get(k))
    assert not changed, f"the test suite wrote in the project folder: {changed[:10]}"


@pytest.fixture(autouse=True)
def mlflow_tracking_restored() -> Iterator[None]:
    """A test that selects an MLflow store (mlflow.set_tracking_uri also sets MLFLOW_TRACKING_URI) leaves the
    process as it found it: no later test inherits its store, nor the working directory's default."""
    env = os.environ.get("MLFLOW_TRACKING_URI")
    utils = sys.modules.get("mlflow.tracking._tracking_service.utils")
    uri = getattr(utils, "_tracking_uri", None)
    yield
    utils = sys.modules.get("mlflow.tracking._tracking_service.utils")
    if utils is not None and utils._tracking_uri != uri:
        utils.set_tracking_uri(uri)
    if os.environ.get("MLFLOW_TRACKING_URI") != env:
        if env is None:
            os.environ.pop("MLFLOW_TRACKING_URI", None)
        else:
            os.environ["MLFLOW_TRACKING_URI"] = env


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist (`make test` runs `-n auto --dist loadgroup`), each test file stays on one worker, so a
    module's fixture (a trained model, a server) is built once; every browser test shares one worker, since Dash's
    test server listens on one fixed port."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        path = Path(str(item.path)).resolve().relative_to(PROJECT_ROOT)
        group = "browser" if path.parts[:2] == ("tests", "e2e") else path.as_posix()
        item.add_marker(pytest.mark.xdist_group(group))


def require(available: bool, reason: str) -> None:
    """Skip with the reason on a laptop; fail under CI=true, where everything must be there."""
    if available:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (required under CI=true)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def real_sample_dir() -> Path:
    require(
        (REAL_SAMPLE_DIR / "application_train.csv.gz").is_file(),
        f"the real Home Credit sample is not at {REAL_SAMPLE_DIR} (set HOMECREDIT_SAMPLE_DIR)",
    )
    return REAL_SAMPLE_DIR


@pytest.fixture(scope="session")
def postgres_url() -> str:
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(POSTGRES_URL)
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
        ok, why = True, ""
    except Exception as exc:  # any driver or connection error means "not available here"
        ok, why = False, str(exc).splitlines()[0]
    require(ok, f"PostgreSQL is not reachable at {POSTGRES_URL} ({why}); set TEST_POSTGRES_URL")
    return POSTGRES_URL


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    require(
        path is not None and shutil.which("chromedriver") is not None,
        "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)",
    )
    assert path is not None
    return path


@pytest.fixture()
def postgres_db_url(postgres_url: str):
    """A fresh, empty PostgreSQL database for one test, dropped afterwards (tests never share tables)."""
    import uuid

    import sqlalchemy as sa

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def tiny_bundle_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small trained model bundle shared by the service, dashboard and drift tests."""
    from tests.bundle_factory import make_tiny_bundle

    return make_tiny_bundle(tmp_path_factory.mktemp("bundle"))


@pytest.fixture(scope="session")
def spark():
    """One local[2] Spark session for the whole test session (a first Spark job costs tens of seconds)."""
    require(
        shutil.which("java") is not None,
        "no Java runtime: the Spark tests need one (apt-get install openjdk-17-jre-headless)",
    )
    from training.features.spark import spark_session
    from training.features.spark_jvm import LOCAL_JVM

    session = spark_session(
        "local[2]",
        {
            "spark.sql.shuffle.partitions": "2",
            "spark.default.parallelism": "2",
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
            "spark.driver.memory": "1g",
            # the JVM options of a command's local master, without its class archive (kept in the user's cache)
            "spark.driver.extraJavaOptions": LOCAL_JVM,
        },
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
