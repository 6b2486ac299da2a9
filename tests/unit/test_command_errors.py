"""Errors a user can fix, at every command of `python -m training`: a missing folder or a damaged file ends with one
sentence that names the problem and the fix, and exit code 2 (never a traceback, never 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from training.cli import main


@pytest.fixture(scope="module")
def damaged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated folder whose application table is not what its name says (bytes that are not gzip)."""
    folder = tmp_path_factory.mktemp("damaged")
    argv = ["generate", "--out", str(folder), "--clients", "40", "--format", "csv.gz", "--no-progress"]
    assert main(argv) == 0
    (folder / "application_train.csv.gz").write_bytes(b"\x00\x01 not gzip")
    return folder


def _missing(tmp_path: Path) -> str:
    return str(tmp_path / "absent")


@pytest.mark.parametrize(
    "argv",
    [
        lambda folder, out: ["validate", "--data", folder, "--no-progress"],
        lambda folder, out: ["features", "--data", folder, "--out", out, "--no-progress"],
        lambda folder, out: ["calibrate", "--real", folder, "--out", f"{out}.json"],
        lambda folder, out: ["select", "--features", folder, "--no-progress"],
    ],
    ids=["validate", "features", "calibrate", "select"],
)
def test_a_missing_folder_exits_2_with_a_sentence(
    argv, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv(_missing(tmp_path), str(tmp_path / "out"))) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and str(tmp_path / "absent") in err
    assert "Traceback" not in err
    assert "python -m training" in err  # the fix: the command that makes what is missing


@pytest.mark.parametrize(
    "argv",
    [
        lambda folder, out: ["validate", "--data", folder, "--no-progress"],
        lambda folder, out: ["features", "--data", folder, "--out", out, "--no-progress"],
        lambda folder, out: ["calibrate", "--real", folder, "--out", f"{out}.json"],
    ],
    ids=["validate", "features", "calibrate"],
)
def test_a_damaged_file_exits_2_naming_the_file(
    argv, damaged: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv(str(damaged), str(tmp_path / "out"))) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err
    assert "application_train" in err


def test_a_damaged_feature_folder_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "features"
    folder.mkdir()
    for name in ("train.parquet", "test.parquet", "features.json"):
        (folder / name).write_text("not what it should be")
    assert main(["select", "--features", str(folder), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "damaged" in err and "python -m training features" in err


def test_generate_refuses_a_bad_size_through_the_same_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["generate", "--out", str(tmp_path), "--clients", "0", "--no-progress"]) == 2
    assert capsys.readouterr().err.startswith("error: --clients must be between")


@pytest.mark.parametrize(
    ("variable", "value", "rule"),
    [("TRAINING_COST_FN", "0", "greater than 0"), ("TRAINING_SEED", "abc", "valid integer")],
)
def test_a_refused_setting_is_named_as_the_user_sets_it(
    variable: str,
    value: str,
    rule: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TRAINING_DATA_ROOT", str(tmp_path))
    monkeypatch.setenv(variable, value)
    assert main(["run", "--profile", "tiny", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert f"{variable}='{value}'" in err and rule in err and "Traceback" not in err
    assert not list(tmp_path.iterdir())  # refused before anything was written
