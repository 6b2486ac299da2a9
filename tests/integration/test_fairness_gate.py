"""The fairness gate on a real SQLite MLflow registry: a deliberately biased model is refused promotion, then promoted
with an override whose written reason is recorded on the version; a fair one passes; the command does the same."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient

from registry.__main__ import main as registry_main
from registry.bundle import ModelBundle
from registry.champion import promote
from registry.fairness_gate import GATE_TAG, OVERRIDE_TAG, OverrideError
from registry.registration import register
from training.fairness.report import SplitData, compute
from training.features.protected import load_policy
from training.publish import gate_tags

pytestmark = pytest.mark.integration
NAME = "credit-scoring"
REASON = "Single applicants refused more on purpose: a test of the override path, never served"


def _fairness_tags(tiny_bundle_dir: Path, biased: bool) -> dict[str, str]:
    """The gate's tags from the tiny model's decisions on its training clients; the biased model adds 0.5 to the
    probability of every single (not married) client, the fair one refuses exactly the defaulters."""
    bundle = ModelBundle.load(tiny_bundle_dir)
    history = bundle.history
    policy = load_policy()
    groups = policy.groups(history)
    if biased:
        proba = bundle.model.predict_proba(history[bundle.metadata.features])[:, 1]
        proba = np.clip(proba + 0.5 * (groups["family_status"] == "Single / not married").to_numpy(), 0, 1)
    else:  # refuses exactly the defaulters: no good client refused in any group
        proba = np.where(history["TARGET"].to_numpy() == 1, 0.99, 0.01)
    split = SplitData(history["TARGET"].to_numpy(), proba, groups.reset_index(drop=True))
    report = compute(policy, {"holdout": split}, bundle.metadata.threshold, n_boot=20)
    return gate_tags(report)


def _champion(client: MlflowClient) -> str | None:
    try:
        return str(client.get_model_version_by_alias(NAME, "champion").version)
    except MlflowException:
        return None


def test_a_biased_model_is_refused_and_an_override_is_recorded(
    store: tuple[str, str], tiny_bundle_dir: Path
) -> None:
    uri, model_uri = store
    client = MlflowClient(tracking_uri=uri)
    tags = _fairness_tags(tiny_bundle_dir, biased=True)
    assert float(tags["fairness_min_grant_rate_ratio"]) < 0.8
    version = register(model_uri, NAME, holdout_cost=0.5, tags=tags)

    refused = promote(client, NAME, "champion", version)
    assert not refused.promote and "fairness gate: grant-rate ratio" in refused.reason
    assert _champion(client) is None
    assert client.get_model_version(NAME, version).tags[GATE_TAG] == "refused"

    forced = promote(client, NAME, "champion", version, force=True)  # the cost rule's override is not enough
    assert not forced.promote and _champion(client) is None
    with pytest.raises(OverrideError):
        promote(client, NAME, "champion", version, fairness_override="  ")

    overridden = promote(client, NAME, "champion", version, fairness_override=REASON)
    assert overridden.promote and REASON in overridden.reason
    assert _champion(client) == version
    recorded = client.get_model_version(NAME, version).tags
    assert recorded[GATE_TAG] == "overridden" and recorded[OVERRIDE_TAG] == REASON


def test_a_fair_model_passes_the_gate(store: tuple[str, str], tiny_bundle_dir: Path) -> None:
    uri, model_uri = store
    client = MlflowClient(tracking_uri=uri)
    tags = _fairness_tags(tiny_bundle_dir, biased=False)
    version = register(model_uri, NAME, holdout_cost=0.5, tags=tags)
    decision = promote(client, NAME, "champion", version)
    assert decision.promote and "fairness within bounds" in decision.reason
    assert client.get_model_version(NAME, version).tags[GATE_TAG] == "passed"


def test_the_promote_command_takes_a_written_override(
    store: tuple[str, str], tiny_bundle_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    uri, model_uri = store
    version = register(model_uri, NAME, holdout_cost=0.5, tags=_fairness_tags(tiny_bundle_dir, biased=True))
    assert registry_main(["promote", version]) == 1
    assert "fairness gate" in capsys.readouterr().out
    assert registry_main(["promote", version, "--fairness-override", "why"]) == 2
    assert "written reason" in capsys.readouterr().err
    assert registry_main(["promote", version, "--fairness-override", REASON]) == 0
    assert MlflowClient(tracking_uri=uri).get_model_version(NAME, version).tags[OVERRIDE_TAG] == REASON


def test_groups_of_the_history_table(tiny_bundle_dir: Path) -> None:
    groups = load_policy().groups(ModelBundle.load(tiny_bundle_dir).history)
    assert isinstance(groups, pd.DataFrame) and (groups["family_status"] == "Single / not married").sum() > 30
