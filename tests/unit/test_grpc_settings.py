"""The scoring service's settings: environment prefix, the MLflow variable, empty means unset, options win."""

from __future__ import annotations

import json
import logging

import pytest

from common.logs import JsonFormatter
from scoring_service.__main__ import build_parser, load_settings
from scoring_service.__main__ import main as service_main
from scoring_service.settings import PROJECT_DATA, ScoringSettings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith(("SCORING_", "MLFLOW_")):
            monkeypatch.delenv(name)


def test_laptop_defaults() -> None:
    settings = ScoringSettings()
    assert settings.address == "127.0.0.1:50051"
    assert settings.model_uri == "models:/credit-scoring@champion"
    assert settings.event_store_url == f"sqlite:///{PROJECT_DATA / 'events.db'}"
    assert settings.tracking_uri == f"sqlite:///{PROJECT_DATA / 'mlflow.db'}"
    assert settings.token_value() is None and settings.tls_cert is None


def test_environment_prefix_and_mlflow_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCORING_TOKEN", "abc")
    monkeypatch.setenv("SCORING_MAX_BATCH_SIZE", "123")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "postgresql+psycopg://db/mlflow")
    settings = ScoringSettings()
    assert settings.token_value() == "abc"
    assert "abc" not in repr(settings)  # the token is a secret
    assert settings.max_batch_size == 123
    assert settings.tracking_uri == "postgresql+psycopg://db/mlflow"


def test_empty_variables_mean_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCORING_METRICS_PORT", "")
    monkeypatch.setenv("SCORING_EVENT_STORE_URL", "")
    monkeypatch.setenv("SCORING_TOKEN", "")
    settings = ScoringSettings()
    assert (
        settings.metrics_port is None and settings.event_store_url is None and settings.token_value() is None
    )


def test_options_override_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCORING_ADDRESS", "0.0.0.0:1")
    settings = load_settings(["--address", "127.0.0.1:0", "--metrics-port=", "--log-level", "WARNING"])
    assert (
        settings.address == "127.0.0.1:0"
        and settings.metrics_port is None
        and settings.log_level == "WARNING"
    )


def test_every_setting_is_an_option_with_its_variable() -> None:
    text = build_parser().format_help()
    for name, field in ScoringSettings.model_fields.items():
        assert f"--{name.replace('_', '-')}" in text
        assert f"SCORING_{name.upper()}" in text.replace("\n", "").replace(" ", "")
        assert field.description


def test_json_log_lines_carry_the_extra_fields() -> None:
    record = logging.LogRecord("scoring_service.rpc", logging.INFO, __file__, 1, "rpc", (), None)
    record.method, record.code, record.ms = "/x/Score", "OK", 0.5
    line = json.loads(JsonFormatter().format(record))
    assert line["msg"] == "rpc" and line["level"] == "INFO"
    assert (line["method"], line["code"], line["ms"]) == ("/x/Score", "OK", 0.5)


def test_a_refused_setting_exits_2_naming_its_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SCORING_RELOAD_POLL_SECONDS", "abc")
    assert service_main([]) == 2  # before any model, store or port is touched
    err = capsys.readouterr().err
    assert "--reload-poll-seconds / SCORING_RELOAD_POLL_SECONDS='abc'" in err and "valid number" in err
