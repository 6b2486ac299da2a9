"""The generator: official schema and dtypes, consistent keys, real quirks, coherence, determinism, signal."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from training.data.loader import load_tables
from training.data.schema import DAYS_SENTINEL, NUMPY_DTYPES, TABLES
from training.synthetic.generator import build_tables, count_test_clients, generate
from training.synthetic.marginals import Calibration

CLIENTS = 300


@pytest.fixture(scope="module")
def calibration() -> Calibration:
    return Calibration.load()


@pytest.fixture(scope="module")
def tables(calibration: Calibration) -> dict[str, pd.DataFrame]:
    return build_tables(CLIENTS, 7, calibration)


@pytest.fixture(scope="module")
def larger(calibration: Calibration) -> dict[str, pd.DataFrame]:
    """Enough clients (about 240 defaults) for rates and a quick model."""
    return build_tables(3000, 11, calibration)


def test_every_official_column_in_order_with_the_schema_dtypes(tables: dict[str, pd.DataFrame]) -> None:
    for spec in TABLES:
        frame = tables[spec.attribute]
        assert list(frame.columns) == list(spec.columns), spec.stem
        for name, kind in spec.columns.items():
            if kind == "cat":
                assert isinstance(frame[name].dtype, pd.CategoricalDtype), (spec.stem, name)
            else:
                assert frame[name].dtype == NUMPY_DTYPES[kind], (spec.stem, name)


def test_client_counts_and_six_digit_ids(tables: dict[str, pd.DataFrame]) -> None:
    train, test = tables["application_train"], tables["application_test"]
    assert len(train) == CLIENTS
    assert len(test) == count_test_clients(CLIENTS) == 48
    ids = np.concatenate([train["SK_ID_CURR"], test["SK_ID_CURR"]])
    assert len(np.unique(ids)) == len(ids)
    assert ids.min() >= 100_000 and ids.max() <= 999_999


def test_keys_are_consistent(tables: dict[str, pd.DataFrame]) -> None:
    clients = set(tables["application_train"]["SK_ID_CURR"]) | set(tables["application_test"]["SK_ID_CURR"])
    for name in ("bureau", "previous_application", "pos_cash_balance", "installments_payments"):
        assert set(tables[name]["SK_ID_CURR"]) <= clients, name
    assert tables["bureau"]["SK_ID_BUREAU"].is_unique
    assert set(tables["bureau_balance"]["SK_ID_BUREAU"]) <= set(tables["bureau"]["SK_ID_BUREAU"])
    previous = tables["previous_application"]
    assert previous["SK_ID_PREV"].is_unique
    owner = previous.set_index("SK_ID_PREV")["SK_ID_CURR"]
    for name in ("pos_cash_balance", "installments_payments", "credit_card_balance"):
        child = tables[name]
        assert (owner.loc[child["SK_ID_PREV"]].to_numpy() == child["SK_ID_CURR"].to_numpy()).all(), name
    test_ids = set(tables["application_test"]["SK_ID_CURR"])
    assert test_ids & set(tables["bureau"]["SK_ID_CURR"]), "test clients have a credit history too"


def test_real_quirks_are_present(tables: dict[str, pd.DataFrame]) -> None:
    train = tables["application_train"]
    not_employed = train["DAYS_EMPLOYED"] == DAYS_SENTINEL
    assert 0.05 < not_employed.mean() < 0.35
    assert (train.loc[not_employed, "ORGANIZATION_TYPE"] == "XNA").all()
    assert (train.loc[not_employed, "FLAG_EMP_PHONE"] == 0).all()
    assert (train.loc[~not_employed, "DAYS_EMPLOYED"] < 0).all()
    assert "XNA" in set(train["CODE_GENDER"])
    assert "Unknown" in set(train["NAME_FAMILY_STATUS"])
    previous = tables["previous_application"]
    assert (previous["DAYS_FIRST_DRAWING"] == DAYS_SENTINEL).any()


def test_null_rates_follow_the_calibration(larger: dict[str, pd.DataFrame], calibration: Calibration) -> None:
    train = larger["application_train"]
    for name, spec in calibration.columns("application_train").items():
        if name == "OCCUPATION_TYPE":  # also missing for every pensioner, by design
            continue
        expected = spec.get("null", 0.0)
        assert abs(train[name].isna().mean() - expected) < 0.05, name
    building = train["APARTMENTS_AVG"].isna()
    assert (train.loc[building, "APARTMENTS_MEDI"].isna()).all(), "building fields are missing together"


def test_rows_per_client_are_close_to_real(larger: dict[str, pd.DataFrame], calibration: Calibration) -> None:
    clients = len(larger["application_train"]) + len(larger["application_test"])
    for table, relation in (("bureau", "bureau_per_client"), ("previous_application", "previous_per_client")):
        stats = calibration.relation(relation)
        expected = stats["share_with_rows"] * stats["mean"]
        assert abs(len(larger[table]) / clients / expected - 1) < 0.15, table
    per_client = len(larger["installments_payments"]) / clients
    assert 20 < per_client < 55  # real: 36.6 instalment rows per client


def test_amounts_and_dates_are_coherent(tables: dict[str, pd.DataFrame]) -> None:
    train = tables["application_train"]
    assert (train["AMT_GOODS_PRICE"] <= train["AMT_CREDIT"] * 1.001).all()
    assert (train["AMT_ANNUITY"] < train["AMT_CREDIT"]).all()
    assert (train["DAYS_BIRTH"] < -18 * 365).all()
    assert (train["CNT_FAM_MEMBERS"] >= train["CNT_CHILDREN"] + 1).all()
    previous = tables["previous_application"].set_index("SK_ID_PREV")
    instalments = tables["installments_payments"]
    decided = previous.loc[instalments["SK_ID_PREV"], "DAYS_DECISION"].to_numpy()
    assert (instalments["DAYS_INSTALMENT"].to_numpy() > decided).all()
    assert (instalments["DAYS_INSTALMENT"] <= -1).all()
    for name in ("pos_cash_balance", "credit_card_balance"):
        assert tables[name]["MONTHS_BALANCE"].between(-96, -1).all(), name
    assert tables["bureau_balance"]["MONTHS_BALANCE"].between(-96, 0).all()
    bureau = tables["bureau"]
    closed = bureau["DAYS_ENDDATE_FACT"].notna()
    assert (bureau.loc[closed, "DAYS_ENDDATE_FACT"] >= bureau.loc[closed, "DAYS_CREDIT"]).all()


def test_target_rate_is_near_eight_percent(larger: dict[str, pd.DataFrame]) -> None:
    rate = larger["application_train"]["TARGET"].mean()
    assert 0.06 < rate < 0.10


def test_same_seed_same_tables_other_seed_other_tables(
    tables: dict[str, pd.DataFrame], calibration: Calibration
) -> None:
    again = build_tables(CLIENTS, 7, calibration)
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(frame, again[name], obj=name)
    other = build_tables(CLIENTS, 8, calibration)
    assert not other["application_train"]["AMT_CREDIT"].equals(tables["application_train"]["AMT_CREDIT"])


def test_a_quick_model_beats_a_dummy(larger: dict[str, pd.DataFrame]) -> None:
    train = larger["application_train"]
    bureau = larger["bureau"]
    overdue = (bureau["AMT_CREDIT_MAX_OVERDUE"].fillna(0) > 0).groupby(bureau["SK_ID_CURR"]).sum()
    instalments = larger["installments_payments"]
    late = (instalments["DAYS_ENTRY_PAYMENT"] > instalments["DAYS_INSTALMENT"]).groupby(
        instalments["SK_ID_CURR"]
    )
    features = pd.DataFrame(
        {
            "ext": train[["EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3"]].mean(axis=1).fillna(0.5),
            "age": train["DAYS_BIRTH"] / -365.25,
            "credit_income": np.log(train["AMT_CREDIT"] / train["AMT_INCOME_TOTAL"]),
            "overdue": overdue.reindex(train["SK_ID_CURR"]).fillna(0).to_numpy(),
            "late": late.mean().reindex(train["SK_ID_CURR"]).fillna(0).to_numpy(),
        }
    )
    y = train["TARGET"].to_numpy()
    half = len(train) // 2
    model = LogisticRegression(max_iter=500).fit(features[:half], y[:half])
    auc = roc_auc_score(y[half:], model.predict_proba(features[half:])[:, 1])
    assert auc > 0.65  # a dummy scores 0.5


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_written_folder_has_official_names_and_loads(tmp_path: Path, fmt: str) -> None:
    rows = generate(tmp_path, clients=120, seed=3, fmt=fmt)
    for spec in TABLES:
        assert (tmp_path / f"{spec.stem}.{fmt}").is_file()
    assert (tmp_path / "HomeCredit_columns_description.csv").is_file()
    loaded = load_tables(tmp_path, max_orphan_share=0.0)
    assert len(loaded.application_train) == rows["application_train"] == 120
    assert len(loaded.bureau_balance) == rows["bureau_balance"]
    assert loaded.notes == []
    assert set(loaded.columns_description["Table"]) >= {"bureau.csv", "application_{train|test}.csv"}


def test_generate_refuses_an_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="format must be one of"):
        generate(tmp_path, clients=10, fmt="xlsx")


@pytest.mark.parametrize("clients", [1, 2])
def test_a_handful_of_clients_still_makes_a_valid_folder(tmp_path: Path, clients: int) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        generate(tmp_path, clients=clients, seed=clients, fmt="parquet")
    assert len(load_tables(tmp_path).application_train) == clients
