"""The generate and calibrate commands, the demo cache, and the statistics file's promises."""

from __future__ import annotations

import json
from pathlib import Path

from training.cli import main
from training.data.demo import MARKER, ensure_demo_data
from training.data.schema import TABLES
from training.synthetic.calibrate import CALIBRATION_FILE


def test_generate_command_writes_the_official_files(tmp_path: Path, capsys) -> None:
    code = main(
        ["generate", "--out", str(tmp_path), "--clients", "50", "--format", "csv.gz", "--no-progress"]
    )
    assert code == 0
    assert all((tmp_path / f"{spec.stem}.csv.gz").is_file() for spec in TABLES)
    assert "50 train and 8 test clients" in capsys.readouterr().out


def test_generate_command_refuses_a_bad_size(tmp_path: Path, capsys) -> None:
    assert main(["generate", "--out", str(tmp_path), "--clients", "0", "--no-progress"]) == 2
    assert "--clients must be between" in capsys.readouterr().err


def test_validate_command_reports_the_error(tmp_path: Path, capsys) -> None:
    assert main(["validate", "--data", str(tmp_path), "--no-progress"]) == 2
    assert "application_train is missing" in capsys.readouterr().err


def test_calibrate_command_on_generated_data(tmp_path: Path, capsys) -> None:
    main(["generate", "--out", str(tmp_path / "raw"), "--clients", "200", "--no-progress"])
    out = tmp_path / "calibration.json"
    assert main(["calibrate", "--real", str(tmp_path / "raw"), "--out", str(out)]) == 0
    rebuilt = json.loads(out.read_text())
    assert set(rebuilt["columns"]["bureau"]) == set(TABLES[2].columns)
    assert 0.0 < rebuilt["target_rate"] < 0.3


def test_the_committed_statistics_file_is_small_and_covers_the_schema() -> None:
    assert CALIBRATION_FILE.stat().st_size < 500_000
    calibration = json.loads(CALIBRATION_FILE.read_text())
    for spec in TABLES:
        if spec.attribute != "application_test":
            assert list(calibration["columns"][spec.attribute]) == list(spec.columns), spec.stem


def test_demo_data_is_generated_once_then_reused(tmp_path: Path) -> None:
    folder = ensure_demo_data(tmp_path, clients=40, seed=1, progress=False)
    assert folder == tmp_path / "demo" / "raw"
    marker = folder / MARKER
    first = marker.stat().st_mtime_ns
    assert ensure_demo_data(tmp_path, clients=40, seed=1, progress=False) == folder
    assert marker.stat().st_mtime_ns == first
    ensure_demo_data(tmp_path, clients=40, seed=2, progress=False)
    assert json.loads(marker.read_text())["seed"] == 2
    assert [p.name for p in folder.parent.iterdir()] == ["raw"]  # no staging folder left behind
