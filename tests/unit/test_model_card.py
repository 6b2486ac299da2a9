"""The model card: built from a run's files and a bundle's metadata (no figure typed by hand), French and English,
Markdown and JSON; its HTML page escapes every text."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from dash_app.model_card_page import markdown_to_html
from registry.bundle import BundleMetadata
from registry.model_card import BAYES_RULE, EMPIRICAL_RULE, _decision_text, build_card, render, write_card
from training.features.protected import load_policy

GATE = {
    "fairness_gate": "overridden",
    "fairness_gate_reason": "fairness gate overridden (grant-rate ratio 0.712 under 0.8): <script>alert(1)</script>",
    "fairness_override_reason": "<script>alert(1)</script> accepted by the risk committee",
}


def _metadata() -> BundleMetadata:
    return BundleMetadata(
        name="credit-scoring",
        version="3",
        threshold=0.4567,
        cost_fn=10.0,
        cost_fp=1.0,
        features=["EXT_SOURCE_MEAN", "AGE_YEARS", "BUREAU_COUNT", "NAME_FAMILY_STATUS"],
        categorical_features=["NAME_FAMILY_STATUS"],
        feature_descriptions={},
        feature_descriptions_en={},
        global_importance={"EXT_SOURCE_MEAN": 0.5, "BUREAU_COUNT": 0.2, "AGE_YEARS": 0.1},
        metrics={
            "cv_auc": 0.751,
            "cv_auc_std": 0.004,
            "cv_cost": 0.512,
            "cv_cost_std": 0.01,
            "holdout_auc": 0.76,
        },
        data_fingerprint="sha256:abc",
        trained_at="2026-12-02T06:00:00+00:00",
        extra={
            "model_family": "catboost",
            "imbalance": "class_weight",
            "mlflow_run_id": "run123",
            "protected_policy": load_policy().as_dict(),
            "protected_removed": ["CODE_GENDER"],
            "monotone_constraints": {"EXT_SOURCE_MEAN": -1},
        },
    )


def _run_folder(folder: Path) -> Path:
    (folder / "summary.json").write_text(
        json.dumps(
            {"n_train": 12345, "default_rate": 0.0807, "n_holdout": 2469, "n_development": 9876, "n_folds": 3}
        )
    )
    fairness = {
        "policy": load_policy().as_dict(),
        "flags": ["family_status: grant-rate ratio 0.712 < 0.8"],
        "splits": {
            "holdout": {
                "family_status": {
                    "grant_rate_ratio": 0.712,
                    "grant_rate_ratio_interval": [0.61, 0.8],
                    "equal_opportunity_difference": 0.05,
                    "equal_opportunity_interval": [0.01, 0.09],
                }
            }
        },
        "exclusion": {
            "fields": ["CODE_GENDER"],
            "without": {"holdout_auc": 0.76, "holdout_cost": 0.5},
            "with": {"holdout_auc": 0.765, "holdout_cost": 0.49},
            "difference": {"holdout_auc": -0.005, "holdout_cost": 0.01, "cv_auc": 0.0, "cv_cost": 0.0},
        },
        "holdout_intervals": {"auc": [0.7603, 0.74, 0.78], "cost": [0.5, 0.48, 0.52]},
    }
    (folder / "fairness.json").write_text(json.dumps(fairness))
    pd.DataFrame(
        [
            {
                "split": "holdout",
                "attribute": "family_status",
                "group": "Married",
                "count": 1500,
                "judged": True,
                "refusal_rate": 0.2,
                "refusal_rate_low": 0.18,
                "refusal_rate_high": 0.22,
            },
            {
                "split": "oof",
                "attribute": "family_status",
                "group": "Married",
                "count": 9000,
                "judged": True,
                "refusal_rate": 0.9,
                "refusal_rate_low": 0.8,
                "refusal_rate_high": 0.95,
            },
        ]
    ).to_csv(folder / "fairness_by_group.csv", index=False)
    return folder


def test_the_card_is_built_from_the_run_files(tmp_path: Path) -> None:
    card = build_card(_metadata(), _run_folder(tmp_path), GATE, data_source="generated demo data")
    assert card["data"]["n_train"] == 12345 and card["model"]["version"] == "3"
    assert card["metrics"]["holdout"]["auc"] == [0.7603, 0.74, 0.78]
    assert card["metrics"]["cv"]["auc"] == [0.751, 0.004]
    assert card["fairness"]["by_attribute"]["family_status"]["grant_rate_ratio"] == 0.712
    assert [g["refusal_rate"] for g in card["fairness"]["groups"]] == [0.2]  # the held-out rows only
    assert card["monotone_constraints"] == {"EXT_SOURCE_MEAN": -1}
    assert card["gate"]["fairness_gate"] == "overridden"
    assert {g["en"] for g in card["features"]} >= {"Credit application (the client's file)"}


def test_french_and_english_markdown_and_json(tmp_path: Path) -> None:
    card = build_card(_metadata(), _run_folder(tmp_path), GATE)
    french, english = render(card, "fr"), render(card, "en")
    assert french.startswith("# Fiche du modèle — credit-scoring version 3")
    assert "0,760 [0,740 ; 0,780]" in french and "0.760 [0.740, 0.780]" in english
    assert "0,712 [0,610 ; 0,800]" in french and "⚠" in french
    assert "**0,457**" in french and "**0.457**" in english
    assert "CODE_GENDER" in french and "Situation familiale" in french and "Family status" in english
    assert "levée avec une raison écrite" in french and "accepted by the risk committee" in english
    written = write_card(card, tmp_path / "card")
    assert [p.name for p in written] == ["model_card.json", "model_card.fr.md", "model_card.en.md"]
    assert json.loads(written[0].read_text())["decision"]["threshold"] == 0.4567


def test_each_language_shows_the_policy_reasons_written_in_it(tmp_path: Path) -> None:
    card = build_card(_metadata(), _run_folder(tmp_path), GATE)
    french, english = render(card, "fr"), render(card, "en")
    policy = {a.name: a for a in load_policy().attributes}
    gender, age = policy["gender"], policy["age_band"]
    assert gender.reason("fr") in french and gender.reason("en") not in french
    assert gender.reason("en") in english and gender.reason("fr") not in english
    assert f"Entrée du modèle : {age.input_reason('fr')}" in french
    assert f"Model input: {age.input_reason('en')}" in english


def test_a_policy_recorded_before_the_french_reasons_still_renders(tmp_path: Path) -> None:
    """Bundles trained before the policy gave its reasons in both languages carry one English `reason`."""
    metadata = _metadata()
    metadata.extra["protected_policy"] = {
        "attributes": [
            {
                "name": "gender",
                "label_fr": "Sexe",
                "label_en": "Gender",
                "treatment": "excluded",
                "reason": "Law.",
            },
            {
                "name": "age_band",
                "label_fr": "Tranche d'âge",
                "label_en": "Age band",
                "treatment": "monitored",
                "reason": "A ground.",
                "input_reason": "Risk.",
            },
        ]
    }
    card = build_card(metadata, _run_folder(tmp_path), GATE)
    assert "| Sexe | exclu : jamais une entrée du modèle, toujours mesuré | Law. |" in render(card, "fr")
    assert "A ground. Model input: Risk." in render(card, "en")


def test_the_page_escapes_every_text(tmp_path: Path) -> None:
    card = build_card(_metadata(), _run_folder(tmp_path), GATE)
    page = markdown_to_html(render(card, "fr"))
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert (
        page.startswith("<h1>Fiche du modèle")
        and '<th scope="col">' in page
        and "<strong>0,457</strong>" in page
    )


def test_the_card_reads_monotone_constraints_and_calibration_from_the_bundle(tmp_path: Path) -> None:
    """The pipeline stores both in the bundle's own fields, not in `extra`."""
    metadata = _metadata()
    metadata.extra.pop("monotone_constraints")
    metadata.monotone_constraints = {"EXT_SOURCE_MEAN": -1, "BUREAU_COUNT": 1}
    metadata.calibration = {"method": "isotonic", "x": [0.0, 0.5, 1.0], "y": [0.01, 0.2, 0.9]}
    card = build_card(metadata, _run_folder(tmp_path), GATE)
    assert card["monotone_constraints"] == {"EXT_SOURCE_MEAN": -1, "BUREAU_COUNT": 1}
    assert card["calibration"] == {"method": "isotonic", "points": 3}
    french, english = render(card, "fr"), render(card, "en")
    assert "`BUREAU_COUNT` : la probabilité ne baisse jamais quand la valeur augmente" in french
    assert "`EXT_SOURCE_MEAN` : the probability never rises as it rises" in english
    assert "isotonic" in french and "0.01" not in french  # the map's size, not its points


def test_the_version_description_fits_the_sql_stores_limit(tmp_path: Path) -> None:
    """PostgreSQL refuses a description over 5,000 characters: the card is cut with a pointer to its full files."""
    from registry.model_card import DESCRIPTION_LIMIT, record_on_version

    class Client:
        def __init__(self) -> None:
            self.description = ""

        def update_model_version(self, name: str, version: str, description: str) -> None:
            self.description = description

        def set_model_version_tag(self, *args: object) -> None:
            pass

    client = Client()
    card = build_card(_metadata(), _run_folder(tmp_path), GATE)
    card["limits"] = {"fr": ["x" * 3000], "en": ["y" * 3000]}  # a card longer than the limit
    record_on_version(client, "credit-scoring", "3", card, "run123")
    assert len(render(card, "fr")) + len(render(card, "en")) > DESCRIPTION_LIMIT
    assert len(client.description) <= DESCRIPTION_LIMIT
    assert client.description.startswith("# Fiche du modèle")
    assert client.description.endswith("runs:/run123/model_card/")


def test_the_decision_rule_is_described_as_the_version_applies_it() -> None:
    bayes = {"threshold": 1 / 11, "cost_fn": 10.0, "cost_fp": 1.0}
    assert "1 / (1 + 10)" in _decision_text(bayes, "fr") and "refuser coûte moins" in _decision_text(
        bayes, "fr"
    )
    assert "refusing costs less than granting" in _decision_text(bayes, "en")
    # a version whose threshold was the empirical minimum of its out-of-fold cost
    older = bayes | {"threshold": 0.089}
    assert "minimises that cost on out-of-fold predictions" in _decision_text(older, "en")
    assert "minimise ce coût" in _decision_text(older, "fr")


def test_the_card_names_the_rule_the_run_recorded(tmp_path: Path) -> None:
    folder = _run_folder(tmp_path)
    summary = json.loads((folder / "summary.json").read_text())
    (folder / "summary.json").write_text(json.dumps(summary | {"threshold_rule": BAYES_RULE}))
    metadata = (
        _metadata()
    )  # its threshold, 0.4567, is not the Bayes point of its costs: the recorded rule decides
    card = build_card(metadata, folder, GATE)
    assert card["decision"]["rule"] == BAYES_RULE
    assert "refusing costs less than granting" in render(card, "en")
    # a run folder that recorded no rule: the card says the empirical minimum, not a guess from the threshold
    (folder / "summary.json").write_text(json.dumps(summary))
    assert build_card(metadata, folder, GATE)["decision"]["rule"] == EMPIRICAL_RULE
