"""Training settings read from the environment the way compose sets it."""

from __future__ import annotations

import pytest

from training.settings import TrainingSettings


def test_an_empty_variable_means_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    # docker-compose.yml sets TRAINING_DATA_DIR to "" when KAGGLE_DATA_DIR is empty: the generated demo data
    monkeypatch.setenv("TRAINING_DATA_DIR", "")
    monkeypatch.setenv("TRAINING_PROFILE", "tiny")
    settings = TrainingSettings()
    assert settings.data_dir is None and settings.profile == "tiny"
