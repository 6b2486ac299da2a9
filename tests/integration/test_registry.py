"""The registry on a real SQLite MLflow store: registration, champion promotion (better, worse, forced),
bundle download for serving, and the `python -m registry` commands."""

from __future__ import annotations

from pathlib import Path

import mlflow
import pytest
from mlflow.tracking import MlflowClient

from common.tracking import TrackingError, check_reachable
from registry.__main__ import main as registry_main
from registry.bundle import ModelBundle
from registry.champion import DECISION_TAG, promote
from registry.registration import RegistryError, download_bundle, register

pytestmark = pytest.mark.integration
NAME = "credit-scoring"


def test_promotion_better_worse_forced(store: tuple[str, str]) -> None:
    uri, model_uri = store
    client = MlflowClient(tracking_uri=uri)
    v1 = register(model_uri, NAME, holdout_cost=0.60)
    assert promote(client, NAME, "champion", v1).promote
    assert str(client.get_model_version_by_alias(NAME, "champion").version) == v1

    worse = register(model_uri, NAME, holdout_cost=0.70)
    decision = promote(client, NAME, "champion", worse)
    assert not decision.promote
    assert str(client.get_model_version_by_alias(NAME, "champion").version) == v1
    assert client.get_model_version(NAME, worse).tags[DECISION_TAG] == "not promoted"

    better = register(model_uri, NAME, holdout_cost=0.55)
    assert promote(client, NAME, "champion", better).promote
    assert str(client.get_model_version_by_alias(NAME, "champion").version) == better

    forced = promote(client, NAME, "champion", worse, force=True)
    assert forced.promote and "forced" in forced.reason
    assert str(client.get_model_version_by_alias(NAME, "champion").version) == worse


def test_download_bundle_from_alias_and_pyfunc_decision(store: tuple[str, str], tmp_path: Path) -> None:
    uri, model_uri = store
    version = register(model_uri, NAME, holdout_cost=0.5)
    promote(MlflowClient(tracking_uri=uri), NAME, "champion", version)
    folder = download_bundle(f"models:/{NAME}@champion", uri, tmp_path / "dl")
    bundle = ModelBundle.load(folder)
    assert download_bundle(str(folder), None) == folder  # a plain folder is returned as is

    pyfunc = mlflow.pyfunc.load_model(f"models:/{NAME}@champion")
    rows = bundle.portfolio[bundle.metadata.features].head(20)
    numeric = [c for c in rows.columns if c not in bundle.metadata.categorical_features]
    rows = rows.astype(dict.fromkeys(numeric, "float64"))  # the signature declares doubles
    filler = bundle.metadata.extra.get("missing_category", "MISSING")
    for column in bundle.metadata.categorical_features:
        rows[column] = rows[column].astype(object).where(rows[column].notna(), filler).astype(str)
    out = pyfunc.predict(rows)
    expected = bundle.model.predict_proba(rows)[:, 1]
    assert out["probability"].to_numpy() == pytest.approx(expected)
    assert (out["refused"] == (expected >= bundle.metadata.threshold)).all()


def test_unknown_model_is_a_clear_error(store: tuple[str, str]) -> None:
    uri, _ = store
    with pytest.raises(RegistryError, match="python -m training run"):
        download_bundle("models:/no-such-model@champion", uri)


def test_unreachable_tracking_server_is_a_clear_error() -> None:
    with pytest.raises(TrackingError, match="cannot be reached"):
        check_reachable("http://127.0.0.1:9", timeout=2)


def test_registry_commands(
    store: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, model_uri = store
    first = register(model_uri, NAME, holdout_cost=0.6)
    second = register(model_uri, NAME, holdout_cost=0.8)
    assert registry_main(["promote", first]) == 0
    assert registry_main(["promote", second]) == 1  # worse: refused
    assert registry_main(["promote", second, "--force"]) == 0
    assert registry_main(["show"]) == 0
    shown = capsys.readouterr().out
    assert f"alias champion -> version {second}" in shown and "0.6000" in shown

    out = tmp_path / "exported"
    assert registry_main(["export", "--out", str(out)]) == 0
    assert ModelBundle.load(out).metadata.name == NAME
    assert registry_main(["export", "--out", str(out)]) == 2  # refuses to write into a non-empty folder
    assert registry_main(["promote", "99"]) == 2
    assert "no version 99" in capsys.readouterr().err
