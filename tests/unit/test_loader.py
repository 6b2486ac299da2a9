"""The loader on a tiny hand-made folder: what it accepts, and the message it gives for what it refuses."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from training.data.loader import DataError, load_tables
from training.data.schema import DICTIONARY_COLUMNS, DICTIONARY_STEM, TABLES

CLIENTS = [100002, 100003, 100004]


def _value(kind: str, name: str) -> object:
    return {"key": 1, "i8": 0, "i16": -3, "i32": -1000, "f32": 1.5, "cat": "XNA"}[kind]


def _table(attribute: str, rows: int) -> pd.DataFrame:
    spec = next(s for s in TABLES if s.attribute == attribute)
    return pd.DataFrame({name: [_value(kind, name)] * rows for name, kind in spec.columns.items()})


def write_tiny_folder(folder: Path, suffix: str = ".csv") -> Path:
    """Three clients (two train, one test), a bureau credit with two months, a previous credit with rows."""
    folder.mkdir(parents=True, exist_ok=True)
    frames = {spec.attribute: _table(spec.attribute, 2) for spec in TABLES}
    frames["application_train"]["SK_ID_CURR"] = CLIENTS[:2]
    frames["application_train"]["TARGET"] = [0, 1]
    frames["application_train"]["DAYS_EMPLOYED"] = [365243, -200]
    frames["application_train"]["CODE_GENDER"] = ["XNA", "F"]
    frames["application_train"]["COMMONAREA_AVG"] = np.nan  # an all-NaN column
    frames["application_test"] = frames["application_test"].iloc[:1].assign(SK_ID_CURR=CLIENTS[2])
    frames["bureau"] = frames["bureau"].iloc[:1].assign(SK_ID_CURR=CLIENTS[0], SK_ID_BUREAU=5000001)
    frames["bureau_balance"]["SK_ID_BUREAU"] = 5000001
    frames["bureau_balance"]["MONTHS_BALANCE"] = [0, -1]
    frames["previous_application"] = (
        frames["previous_application"].iloc[:1].assign(SK_ID_PREV=1000001, SK_ID_CURR=CLIENTS[0])
    )
    for attribute in ("pos_cash_balance", "installments_payments", "credit_card_balance"):
        frames[attribute]["SK_ID_PREV"] = 1000001
        frames[attribute]["SK_ID_CURR"] = CLIENTS[0]
    frames["application_train"]["EXTRA_COLUMN"] = "tolerated"
    for spec in TABLES:
        path = folder / f"{spec.stem}{suffix}"
        if suffix == ".parquet":
            frames[spec.attribute].to_parquet(path, index=False)
        else:
            frames[spec.attribute].to_csv(path, index=False)
    dictionary = pd.DataFrame([["bureau.csv", "SK_ID_BUREAU", "Identifiant du crédit — bureau", ""]])
    dictionary.columns = list(DICTIONARY_COLUMNS)
    dictionary.to_csv(folder / f"{DICTIONARY_STEM}.csv", encoding="cp1252")
    return folder


@pytest.mark.parametrize("suffix", [".csv", ".csv.gz", ".parquet"])
def test_loads_every_format_with_the_schema_dtypes(tmp_path: Path, suffix: str) -> None:
    tables = load_tables(write_tiny_folder(tmp_path, suffix))
    train = tables.application_train
    assert train["SK_ID_CURR"].dtype == np.int32
    assert train["TARGET"].dtype == np.int8
    assert train["AMT_CREDIT"].dtype == np.float32
    assert isinstance(train["CODE_GENDER"].dtype, pd.CategoricalDtype)
    assert "EXTRA_COLUMN" not in train.columns
    assert list(train.columns) == list(TABLES[0].columns)
    assert train["DAYS_EMPLOYED"].tolist() == [365243, -200]  # the sentinel is kept as is
    assert train["COMMONAREA_AVG"].isna().all()
    # the dictionary is cp1252, as the official one
    assert tables.columns_description["Description"].iloc[0] == "Identifiant du crédit — bureau"
    assert tables.summary().loc["bureau_balance", "rows"] == 2


def test_missing_table_names_the_file(tmp_path: Path) -> None:
    folder = write_tiny_folder(tmp_path)
    (folder / "bureau_balance.csv").unlink()
    with pytest.raises(DataError, match=r"bureau_balance is missing .*bureau_balance\.csv"):
        load_tables(folder)


def test_missing_column_names_file_and_column(tmp_path: Path) -> None:
    folder = write_tiny_folder(tmp_path)
    path = folder / "bureau.csv"
    pd.read_csv(path).drop(columns=["AMT_CREDIT_SUM"]).to_csv(path, index=False)
    with pytest.raises(DataError, match=r"bureau\.csv lacks the column\(s\) AMT_CREDIT_SUM"):
        load_tables(folder)


@pytest.mark.parametrize(
    ("suffix", "stem", "column", "values", "message"),
    [
        (
            ".csv",
            "application_train",
            "AMT_CREDIT",
            ["abc", "1.0"],
            r"application_train\.csv, column AMT_CREDIT",
        ),
        (
            ".parquet",
            "bureau_balance",
            "MONTHS_BALANCE",
            ["zero", "one"],
            r"bureau_balance\.parquet, column MONTHS_BALANCE",
        ),
        (".csv", "application_train", "DAYS_BIRTH", ["", "-12000"], r"column DAYS_BIRTH: 1 missing value"),
        (
            ".csv",
            "application_train",
            "SK_ID_CURR",
            CLIENTS[0],
            r"column SK_ID_CURR: 1 duplicated id\(s\), e\.g\. 100002",
        ),
        (
            ".csv",
            "installments_payments",
            "SK_ID_CURR",
            CLIENTS[1],
            r"installments_payments\.csv, column SK_ID_CURR",
        ),
    ],
    ids=[
        "wrong type in CSV",
        "wrong type in Parquet",
        "missing value in an integer column",
        "duplicate client",
        "previous credit of another client",
    ],
)
def test_a_bad_value_names_the_file_and_the_column(
    tmp_path: Path, suffix: str, stem: str, column: str, values: object, message: str
) -> None:
    folder = write_tiny_folder(tmp_path, suffix)
    path = folder / f"{stem}{suffix}"
    frame = (pd.read_csv(path) if suffix == ".csv" else pd.read_parquet(path)).assign(**{column: values})
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    with pytest.raises(DataError, match=message):
        load_tables(folder)


@pytest.mark.parametrize("suffix", [".csv.gz", ".parquet"])
def test_corrupt_file_is_reported(tmp_path: Path, suffix: str) -> None:
    folder = write_tiny_folder(tmp_path, suffix)
    (folder / f"previous_application{suffix}").write_bytes(b"\x1f\x8b garbage bytes \x00\xff" * 10)
    with pytest.raises(DataError, match=r"previous_application.* damaged"):
        load_tables(folder)


def test_broken_bureau_key(tmp_path: Path) -> None:
    folder = write_tiny_folder(tmp_path)
    path = folder / "bureau_balance.csv"
    pd.read_csv(path).assign(SK_ID_BUREAU=6999999).to_csv(path, index=False)
    with pytest.raises(DataError, match=r"bureau_balance\.csv, column SK_ID_BUREAU: 2 row\(s\).*6999999"):
        load_tables(folder)


def test_a_few_orphans_are_tolerated_and_reported(tmp_path: Path) -> None:
    folder = write_tiny_folder(tmp_path)
    path = folder / "bureau_balance.csv"
    pd.read_csv(path).assign(SK_ID_BUREAU=[5000001, 6999999]).to_csv(path, index=False)
    tables = load_tables(folder, max_orphan_share=0.5)
    assert any("SK_ID_BUREAU" in note for note in tables.notes)
    with pytest.raises(DataError, match="key is broken"):
        load_tables(folder, max_orphan_share=0.0)


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="does not exist"):
        load_tables(tmp_path / "nowhere")


def test_a_parquet_table_cut_while_decoded_equals_the_whole_table_filtered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows kept batch by batch (several batches here, with a text column) are the rows of the whole table
    filtered, in order, with the same dtypes and categories; a cut that keeps nothing is an empty table."""
    import training.data.reader as reader
    from training.data.schema import TABLES_BY_ATTRIBUTE

    columns = TABLES_BY_ATTRIBUTE["bureau"].columns
    rows = 50
    frame = _table("bureau", rows)
    frame["SK_ID_CURR"] = np.arange(rows) % 7 + 100002
    frame["SK_ID_BUREAU"] = np.arange(rows) + 5000000
    frame["CREDIT_ACTIVE"] = ["Active", "Closed", "Sold"] * 16 + ["Bad debt", "Active"]
    path = tmp_path / "bureau.parquet"
    frame.to_parquet(path, index=False, row_group_size=8)
    monkeypatch.setattr(reader, "KEEP_BATCH_ROWS", 6)
    wanted = np.array([100003, 100008])
    cut = reader.read_table(path, columns, keep=("SK_ID_CURR", wanted))
    whole = reader.read_table(path, columns)
    expected = whole[whole["SK_ID_CURR"].isin(wanted)].reset_index(drop=True)
    assert len(cut) == 14 and set(cut["SK_ID_CURR"]) == {100003, 100008}
    pd.testing.assert_frame_equal(cut, expected, check_categorical=False)
    assert cut["CREDIT_ACTIVE"].dtype == "category"
    assert list(cut["CREDIT_ACTIVE"].astype(str)) == list(expected["CREDIT_ACTIVE"].astype(str))
    nobody = reader.read_table(path, columns, keep=("SK_ID_CURR", np.array([1])))
    assert nobody.empty and list(nobody.columns) == list(columns)
