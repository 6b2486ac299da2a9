"""A refused setting ends the dashboard and drift commands with one sentence naming the variable, the value given
and the rule (exit code 2 for the dashboard, the drift commands' error code), never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from dash_app.__main__ import main as dash_main
from drift.__main__ import main as drift_main


@pytest.mark.parametrize(
    ("variable", "command"),
    [
        ("DASH_PORT", lambda tmp: dash_main([])),
        ("DRIFT_MIN_EVENTS", lambda tmp: drift_main(["monitor"])),
        (
            "DRIFT_TOP_FEATURES",
            lambda tmp: drift_main(
                [
                    "report",
                    "--reference",
                    str(tmp / "r"),
                    "--current",
                    str(tmp / "c"),
                    "--out",
                    str(tmp / "out"),
                ]
            ),
        ),
    ],
    ids=["dashboard", "drift monitor", "drift report"],
)
def test_a_refused_setting_is_named_as_the_user_sets_it(
    variable: str,
    command,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv(variable, "abc")
    assert command(tmp_path) not in (0, None)
    said = capsys.readouterr().err + caplog.text
    assert f"{variable}='abc': Input should be a valid integer" in said and "Traceback" not in said
    assert not (tmp_path / "out").exists()  # refused before anything was written
