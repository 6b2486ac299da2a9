"""The data layer against the real Home Credit sample in ../shared: loading, schema equality, calibration."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from training.data.loader import load_tables
from training.data.schema import DAYS_SENTINEL, TABLES
from training.synthetic.calibrate import CALIBRATION_FILE, build_calibration
from training.synthetic.generator import generate

pytestmark = [pytest.mark.integration, pytest.mark.real_data]


def _header(path: Path) -> list[str]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", newline="") as handle:
        return next(csv.reader(handle))


@pytest.fixture(scope="module")
def real(real_sample_dir: Path):
    return load_tables(real_sample_dir)


@pytest.fixture(scope="module")
def generated_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("generated")
    generate(folder, clients=300, seed=5, fmt="csv")
    return folder


def test_the_real_sample_loads_with_its_quirks(real) -> None:
    train = real.application_train
    assert len(train) == 3076 and len(real.application_test) == 48744
    assert train["SK_ID_CURR"].dtype == np.int32 and train["TARGET"].dtype == np.int8
    assert (train["DAYS_EMPLOYED"] == DAYS_SENTINEL).any()
    assert len(real.columns_description) == 219
    # cp1252 text decoded (the dictionary has non-ASCII characters such as typographic quotes)
    assert real.columns_description["Description"].str.contains(r"[^\x00-\x7f]").any()
    # clients absent from secondary tables are simply absent (all test clients here)
    assert not set(real.application_test["SK_ID_CURR"]) & set(real.bureau["SK_ID_CURR"])


def test_generated_headers_equal_the_real_headers(real_sample_dir: Path, generated_csv: Path) -> None:
    for spec in TABLES:
        assert _header(generated_csv / f"{spec.stem}.csv") == _header(real_sample_dir / f"{spec.stem}.csv.gz")
    real_dictionary = pd.read_csv(real_sample_dir / "HomeCredit_columns_description.csv", encoding="cp1252")
    ours = pd.read_csv(generated_csv / "HomeCredit_columns_description.csv", encoding="cp1252")
    assert list(ours.columns) == list(real_dictionary.columns)


def test_generated_csv_reads_back_with_the_real_dtypes(real_sample_dir: Path, generated_csv: Path) -> None:
    """What a plain pandas.read_csv infers (int, float, text) is the same for both files, column by column."""
    for spec in TABLES:
        ours = pd.read_csv(generated_csv / f"{spec.stem}.csv")
        theirs = pd.read_csv(real_sample_dir / f"{spec.stem}.csv.gz", nrows=5000)
        differing = {
            name: (theirs[name].dtype.kind, ours[name].dtype.kind)
            for name in theirs.columns
            if theirs[name].dtype.kind != ours[name].dtype.kind and ours[name].notna().any()
        }
        assert not differing, (spec.stem, differing)


def test_generated_categories_are_real_levels(real) -> None:
    calibration = json.loads(CALIBRATION_FILE.read_text())
    levels = set(calibration["columns"]["application_train"]["ORGANIZATION_TYPE"]["levels"])
    assert set(real.application_train["ORGANIZATION_TYPE"].dropna().astype(str)) <= levels


def test_the_committed_calibration_is_rebuilt_by_the_command(real, real_sample_dir: Path) -> None:
    rebuilt = build_calibration(
        real, source=f"{real_sample_dir.name}: {len(real.application_train)} train clients"
    )
    committed = json.loads(CALIBRATION_FILE.read_text())
    assert json.loads(json.dumps(rebuilt)) == committed
