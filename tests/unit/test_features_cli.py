"""`python -m training features` on a small folder of Parquet files, and on the real sample when present."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.unit.test_features_build import small_tables
from training.cli import main
from training.data.schema import TABLES
from training.features.build import FeatureTables, build_feature_tables


def write_folder(folder: Path) -> Path:
    data = small_tables([0, 1] * 6)
    folder.mkdir()
    for spec in TABLES:
        getattr(data, spec.attribute).to_parquet(folder / f"{spec.stem}.parquet", index=False)
    data.columns_description.to_csv(folder / "HomeCredit_columns_description.csv", index=False)
    return folder


def test_features_command_writes_the_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_folder(tmp_path / "data")
    code = main(["features", "--data", str(data), "--out", str(tmp_path / "out"), "--no-progress"])
    assert code == 0, capsys.readouterr().out
    built = FeatureTables.load(tmp_path / "out")
    assert len(built.train) == 12 and len(built.test) == 2
    assert "CREDIT_INCOME_RATIO" in built.features
    assert "features" in capsys.readouterr().out


def test_features_command_names_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["features", "--data", str(tmp_path / "absent"), "--out", str(tmp_path / "out"), "--no-progress"]
    )
    assert code == 2
    assert "does not exist" in capsys.readouterr().err


def test_features_command_explains_a_memory_limit_too_low(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write_folder(tmp_path / "data")
    argv = ["features", "--data", str(data), "--out", str(tmp_path / "out"), "--no-progress"]
    assert main([*argv, "--memory-limit", "1KB"]) == 2
    assert "ran out of memory under --memory-limit 1KB" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([*argv, "--memory-limit", "plenty"])
    assert "'plenty' is not a memory size" in capsys.readouterr().err


@pytest.mark.integration
@pytest.mark.real_data
def test_real_sample_builds_clean_features(real_sample_dir: Path) -> None:
    from training.data.loader import load_tables

    built = build_feature_tables(load_tables(real_sample_dir))
    numeric = [c for c in built.features if c not in built.categorical]
    values = built.train[numeric].to_numpy(dtype=np.float64)
    assert not np.isinf(values).any()
    assert 250 <= len(built.features) <= 400
    assert len(built.train) == 3076 and len(built.test) == 48744
    # the sample's test clients have no secondary rows: counts 0, the rest missing
    assert (built.test["BUREAU_COUNT"] == 0).all()
    assert built.test["INSTAL_LATE_SHARE"].isna().all()
    # aggregates are filled for most training clients
    assert built.train["INSTAL_COUNT"].gt(0).mean() > 0.8
    assert 0.1 < built.train["DAYS_EMPLOYED_ANOMALY"].mean() < 0.3  # pensioners, about 18% in the real data
    assert pd.Series(built.descriptions).reindex(built.features).notna().all()
    # the classic signal survives: low external scores go with more defaults
    low = built.train["EXT_SOURCE_MEAN"] < built.train["EXT_SOURCE_MEAN"].median()
    assert built.train.loc[low, "TARGET"].mean() > built.train.loc[~low, "TARGET"].mean()
