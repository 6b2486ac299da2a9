"""The protected-attribute policy: what it declares, how it finds derived features, and that training refuses a
feature list that breaks it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from training.fairness.protected_data import apply_policy
from training.features.application import application_feature_names
from training.features.build import FeatureTables
from training.features.protected import POLICY_FILE, PolicyError, derived_features, load_policy
from training.selection.cost import CostMatrix
from training.selection.profiles import budget_for
from training.selection.select import select_model

AGE_FEATURES = {"AGE_YEARS", "EMPLOYED_AGE_RATIO", "CAR_AGE_RATIO", "REGISTRATION_AGE_RATIO"}


def _policy_file(tmp_path: Path, edit) -> Path:
    path = tmp_path / "protected.toml"
    path.write_text(edit(POLICY_FILE.read_text(encoding="utf-8")), encoding="utf-8")
    return path


def test_the_declared_policy_excludes_gender_and_monitors_age_and_family_status() -> None:
    policy = load_policy()
    treatment = {a.name: a.treatment for a in policy.attributes}
    assert treatment == {"gender": "excluded", "age_band": "monitored", "family_status": "monitored"}
    for language in ("fr", "en"):
        assert all(a.reason(language) for a in policy.attributes)
        assert all(a.input_reason(language) for a in policy.attributes if a.treatment == "monitored")
    gender = next(a for a in policy.attributes if a.name == "gender")
    assert gender.reason("fr").startswith("Le sexe") and gender.reason("en").startswith("Gender")
    assert policy.grant_rate_ratio_min == 0.8


def test_lineage_finds_the_features_derived_from_a_field() -> None:
    assert derived_features("CODE_GENDER") == {"CODE_GENDER"}
    assert derived_features("DAYS_BIRTH") >= AGE_FEATURES
    assert "AMT_CREDIT" not in derived_features("DAYS_BIRTH")


def test_a_feature_list_with_gender_is_refused_and_the_model_inputs_leave_it_out() -> None:
    policy = load_policy()
    features = application_feature_names()
    with pytest.raises(PolicyError, match=r"CODE_GENDER is .*excluded attribute gender"):
        policy.enforce(features)
    inputs = policy.model_inputs(features)
    assert "CODE_GENDER" not in inputs and len(inputs) == len(features) - 1
    assert {"NAME_FAMILY_STATUS", "AGE_YEARS"} <= set(inputs)  # monitored, with a written reason
    policy.enforce(inputs)


def test_a_monitored_attribute_without_a_written_reason_is_not_an_input(tmp_path: Path) -> None:
    def drop_age_reason(text: str) -> str:
        for opening in ('input_reason_fr = """L\'âge', 'input_reason_en = """Age'):
            start = text.index(opening)
            end = text.index('"""', start + len(opening)) + 3
            text = text[:start] + text[end:]
        return text

    policy = load_policy(_policy_file(tmp_path, drop_age_reason))
    with pytest.raises(PolicyError, match="AGE_YEARS derives from the monitored attribute age_band"):
        policy.enforce(["AMT_CREDIT", "AGE_YEARS"])
    assert policy.model_inputs(["AMT_CREDIT", "AGE_YEARS", "DAYS_BIRTH"]) == ["AMT_CREDIT"]


def test_excluding_a_field_excludes_every_feature_derived_from_it(tmp_path: Path) -> None:
    policy = load_policy(
        _policy_file(
            tmp_path,
            lambda t: t.replace(
                'treatment = "monitored"\nreason_fr = """L\'âge',
                'treatment = "excluded"\nreason_fr = """L\'âge',
            ),
        )
    )
    refused = set(policy.forbidden(application_feature_names()))
    assert AGE_FEATURES | {"CODE_GENDER", "DAYS_BIRTH"} <= refused
    assert "NAME_FAMILY_STATUS" not in refused


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace('fields = ["CODE_GENDER"]', 'fields = ["GENDER"]'), "not application fields"),
        (lambda t: t.replace('treatment = "excluded"\n', 'treatment = "ignored"\n'), "treatment must be"),
        (lambda t: t.replace('labels = ["<25", ', "labels = ["), "one label per edge"),
        (lambda t: t.replace("reason_fr = ", "reason_de = ", 1), "lacks 'reason_fr'"),
        (
            lambda t: t.replace('input_reason_en = """Age', 'unused = """Age'),
            r"input reason is written in fr only; add input_reason_en",
        ),
    ],
)
def test_a_broken_policy_file_is_a_clear_error(tmp_path: Path, edit, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        load_policy(_policy_file(tmp_path, edit))


def test_groups_come_from_the_raw_application_with_missing_values_as_unknown() -> None:
    application = pd.DataFrame(
        {
            "CODE_GENDER": ["F", "M", None, "XNA"],
            "DAYS_BIRTH": [-20 * 365.25 - 1, -40 * 365.25, -70 * 365.25, np.nan],
            "NAME_FAMILY_STATUS": ["Married", "Single / not married", "Widow", None],
        },
        index=pd.Index([1, 2, 3, 4], name="SK_ID_CURR"),
    )
    groups = load_policy().groups(application)
    assert groups["gender"].tolist() == ["F", "M", "unknown", "XNA"]
    assert groups["age_band"].tolist() == ["<25", "35-44", "65+", "unknown"]
    assert groups["family_status"].tolist() == ["Married", "Single / not married", "Widow", "unknown"]


def test_training_refuses_a_feature_list_that_breaks_the_policy() -> None:
    rng = np.random.default_rng(0)
    x = pd.DataFrame({"AMT_CREDIT": rng.normal(size=300), "CODE_GENDER": rng.choice(["F", "M"], 300)})
    y = pd.Series(rng.integers(0, 2, 300))
    with pytest.raises(PolicyError, match="CODE_GENDER"):
        select_model(
            x, y, ["CODE_GENDER"], budget_for("tiny"), CostMatrix(fn=10, fp=1), 0, 0.2, progress=False
        )


def test_the_policy_applied_to_feature_tables_keeps_the_groups_beside_the_model_inputs() -> None:
    index = pd.Index([10, 11, 12], name="SK_ID_CURR")
    train = pd.DataFrame(
        {"AMT_CREDIT": [1.0, 2.0, 3.0], "CODE_GENDER": ["F", "M", "F"], "TARGET": [0, 1, 0]}, index=index
    )
    tables = FeatureTables(
        train=train,
        test=train.drop(columns="TARGET"),
        categorical=["CODE_GENDER"],
        descriptions={},
        descriptions_en={},
    )
    application = pd.DataFrame(
        {"SK_ID_CURR": [12, 11, 10], "CODE_GENDER": ["F", "M", "F"], "DAYS_BIRTH": [-9000, -15000, -20000]}
    )
    model_tables, protected = apply_policy(load_policy(), tables, application)
    assert model_tables.features == ["AMT_CREDIT"] and model_tables.categorical == []
    assert list(model_tables.train.columns) == ["AMT_CREDIT", "TARGET"]
    assert list(protected.removed.columns) == ["CODE_GENDER"]
    assert protected.groups.loc[11, "gender"] == "M" and protected.groups.loc[12, "age_band"] == "<25"
    assert protected.groups.loc[10, "family_status"] == "unknown"


def test_the_test_bundles_follow_the_policy(tiny_bundle_dir: Path, tmp_path: Path) -> None:
    """Service, dashboard and drift tests run on factory bundles: gender is no model input there either, while the
    raw rows (portfolio for peer groups, history) keep it."""
    from registry.bundle import load_metadata
    from tests.bundle_factory import make_random_bundle

    policy = load_policy()
    for folder in (tiny_bundle_dir, make_random_bundle(tmp_path / "random", clients=120)):
        metadata = load_metadata(folder)
        assert "CODE_GENDER" not in metadata.features
        assert "CODE_GENDER" not in metadata.categorical_features
        policy.enforce(metadata.features)
        assert "CODE_GENDER" in pd.read_parquet(folder / "portfolio.parquet").columns
