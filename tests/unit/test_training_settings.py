"""Training settings read from the environment the way compose sets it."""

from __future__ import annotations

import argparse

import pytest

from training.settings import TrainingSettings


def test_an_empty_variable_means_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    # docker-compose.yml sets TRAINING_DATA_DIR to "" when KAGGLE_DATA_DIR is empty: the generated demo data
    monkeypatch.setenv("TRAINING_DATA_DIR", "")
    monkeypatch.setenv("TRAINING_PROFILE", "tiny")
    settings = TrainingSettings()
    assert settings.data_dir is None and settings.profile == "tiny"


def test_the_compose_trainer_passes_a_fairness_override_through_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import yaml

    from tests.conftest import PROJECT_ROOT
    from training.pipeline import add_arguments, settings_from

    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
    assert compose["services"]["trainer"]["environment"]["TRAINING_FAIRNESS_OVERRIDE"] == (
        "${TRAINING_FAIRNESS_OVERRIDE:-}"
    )
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    monkeypatch.setenv("TRAINING_FAIRNESS_OVERRIDE", "")  # compose's value when .env leaves it unset
    assert settings_from(parser.parse_args([])).fairness_override is None
    reason = "Reviewed by the risk committee on 2026-12-01: age gap follows observed default rates."
    monkeypatch.setenv("TRAINING_FAIRNESS_OVERRIDE", reason)
    assert settings_from(parser.parse_args([])).fairness_override == reason
    assert settings_from(parser.parse_args(["--fairness-override", "x" * 25])).fairness_override == "x" * 25


def test_the_gate_override_is_the_written_reason_else_the_demonstration_reason_on_generated_data_only(
    tmp_path,
) -> None:
    from training.settings import GENERATED_DATA_OVERRIDE

    # generated demo data: no applicant is decided on, the version serves with the demonstration's reason recorded
    assert TrainingSettings(data_dir=None).gate_override() == GENERATED_DATA_OVERRIDE
    # real data: the gate decides unless someone writes why the version may serve
    assert TrainingSettings(data_dir=tmp_path).gate_override() is None
    reason = "Reviewed by the risk committee on 2026-12-01: age gap follows observed default rates."
    assert TrainingSettings(data_dir=tmp_path, fairness_override=reason).gate_override() == reason
    assert TrainingSettings(data_dir=None, fairness_override=reason).gate_override() == reason
