"""Application features: hand-computed ratios, the DAYS_EMPLOYED sentinel, score combinations, one row = batch."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.unit.test_features_support import application, frame
from training.features.application import (
    APPLICATION_CATEGORICAL,
    DERIVED_TEXTS,
    DROPPED_RAW,
    application_feature_names,
    application_features,
)


def features_of(*rows: dict) -> pd.DataFrame:
    return application_features(frame("application_train", rows).set_index("SK_ID_CURR"))


def test_ratios_match_a_hand_computed_client() -> None:
    row = features_of(
        application(
            1,
            AMT_INCOME_TOTAL=100000.0,
            AMT_CREDIT=250000.0,
            AMT_ANNUITY=12500.0,
            AMT_GOODS_PRICE=200000.0,
            CNT_FAM_MEMBERS=2.0,
            CNT_CHILDREN=1,
            DAYS_BIRTH=-14610,
            DAYS_EMPLOYED=-1461,
            OWN_CAR_AGE=4.0,
        )
    ).loc[1]
    expected = {
        "AGE_YEARS": 40.0,
        "EMPLOYED_YEARS": 4.0,
        "DAYS_EMPLOYED_ANOMALY": 0.0,
        "EMPLOYED_AGE_RATIO": 0.1,
        "CREDIT_INCOME_RATIO": 2.5,
        "ANNUITY_INCOME_RATIO": 0.125,
        "ANNUITY_CREDIT_RATIO": 0.05,
        "CREDIT_TERM_MONTHS": 20.0,
        "GOODS_CREDIT_RATIO": 0.8,
        "CREDIT_GOODS_DIFF": 50000.0,
        "INCOME_PER_PERSON": 50000.0,
        "ANNUITY_PER_PERSON": 6250.0,
        "CHILDREN_RATIO": 0.5,
        "CAR_AGE_RATIO": 0.1,
    }
    for name, value in expected.items():
        assert row[name] == pytest.approx(value, rel=1e-5), name


def test_days_employed_sentinel_becomes_a_flag_and_a_missing_value() -> None:
    rows = features_of(application(1, DAYS_EMPLOYED=365243), application(2, DAYS_EMPLOYED=-730))
    assert np.isnan(rows.loc[1, "DAYS_EMPLOYED"])
    assert np.isnan(rows.loc[1, "EMPLOYED_YEARS"])
    assert np.isnan(rows.loc[1, "EMPLOYED_AGE_RATIO"])
    assert rows.loc[1, "DAYS_EMPLOYED_ANOMALY"] == 1.0
    assert rows.loc[2, "DAYS_EMPLOYED"] == -730.0
    assert rows.loc[2, "DAYS_EMPLOYED_ANOMALY"] == 0.0
    assert rows["DAYS_EMPLOYED"].max() < 0


def test_external_score_combinations() -> None:
    rows = features_of(
        application(1, EXT_SOURCE_1=0.2, EXT_SOURCE_2=0.4, EXT_SOURCE_3=None),
        application(2, EXT_SOURCE_1=0.5, EXT_SOURCE_2=0.5, EXT_SOURCE_3=0.8),
        application(3, EXT_SOURCE_1=None, EXT_SOURCE_2=None, EXT_SOURCE_3=None),
    )
    one, two, none = rows.loc[1], rows.loc[2], rows.loc[3]
    assert one["EXT_SOURCE_MEAN"] == pytest.approx(0.3)
    assert (one["EXT_SOURCE_MIN"], one["EXT_SOURCE_MAX"]) == pytest.approx((0.2, 0.4))
    assert one["EXT_SOURCE_STD"] == pytest.approx(0.1)  # population std of the available scores
    assert np.isnan(one["EXT_SOURCE_PROD"])
    assert one["EXT_SOURCE_NAN_COUNT"] == 1
    assert two["EXT_SOURCE_PROD"] == pytest.approx(0.2)
    assert two["EXT_SOURCE_MEAN"] == pytest.approx(0.6)
    assert none["EXT_SOURCE_NAN_COUNT"] == 3
    assert np.isnan(
        none[["EXT_SOURCE_MEAN", "EXT_SOURCE_MIN", "EXT_SOURCE_MAX", "EXT_SOURCE_STD"]].astype(float)
    ).all()


def test_counts_and_zero_divisions() -> None:
    row = features_of(
        application(
            1,
            AMT_INCOME_TOTAL=0.0,
            FLAG_DOCUMENT_3=1,
            FLAG_DOCUMENT_8=1,
            FLAG_DOCUMENT_12=1,
            FLAG_EMAIL=1,
            FLAG_PHONE=1,
            REG_CITY_NOT_WORK_CITY=1,
            AMT_REQ_CREDIT_BUREAU_YEAR=2.0,
            AMT_REQ_CREDIT_BUREAU_QRT=1.0,
            OBS_30_CNT_SOCIAL_CIRCLE=4.0,
            DEF_30_CNT_SOCIAL_CIRCLE=1.0,
            OBS_60_CNT_SOCIAL_CIRCLE=0.0,
            DEF_60_CNT_SOCIAL_CIRCLE=0.0,
            APARTMENTS_AVG=0.1,
        )
    ).loc[1]
    assert np.isnan(row["CREDIT_INCOME_RATIO"])  # not infinite
    assert row["DOCUMENT_COUNT"] == 3  # FLAG_DOCUMENT_12 is not a feature but is counted
    assert row["CONTACT_COUNT"] == 2
    assert row["ADDRESS_MISMATCH_COUNT"] == 1
    assert row["BUREAU_REQUESTS_TOTAL"] == 3
    assert row["SOCIAL_DEFAULT_RATIO_30"] == pytest.approx(0.25)
    assert np.isnan(row["SOCIAL_DEFAULT_RATIO_60"])
    assert row["BUILDING_INFO_MISSING"] == 13


def test_one_row_gets_exactly_the_features_it_gets_inside_a_batch() -> None:
    rng = np.random.default_rng(7)
    rows = []
    for client in range(1, 21):
        rows.append(
            application(
                client,
                AMT_INCOME_TOTAL=float(rng.choice([0.0, 90000.0, 135000.0, 270000.0])),
                AMT_CREDIT=float(rng.uniform(4e4, 2e6)),
                AMT_ANNUITY=None if client % 9 == 0 else float(rng.uniform(2e3, 9e4)),
                DAYS_EMPLOYED=365243 if client % 5 == 0 else int(rng.integers(-15000, 0)),
                EXT_SOURCE_1=None if client % 2 else float(rng.uniform()),
                EXT_SOURCE_3=None if client % 3 else float(rng.uniform()),
                OCCUPATION_TYPE=None if client % 4 else "Laborers",
                CODE_GENDER="XNA" if client == 7 else "M",
            )
        )
    raw = frame("application_train", rows).set_index("SK_ID_CURR")
    batch = application_features(raw)
    for client in raw.index:
        pd.testing.assert_frame_equal(application_features(raw.loc[[client]]), batch.loc[[client]])
    # a row built from plain Python values (a what-if form) gives the same features as the typed row
    edited = raw.loc[[3]].astype(object)
    edited_plain = pd.DataFrame([edited.iloc[0].to_dict()], index=edited.index)
    pd.testing.assert_frame_equal(application_features(edited_plain), batch.loc[[3]])


def test_what_if_on_income_changes_the_income_features_only() -> None:
    raw = frame("application_train", [application(1)]).set_index("SK_ID_CURR")
    base = application_features(raw)
    edited = raw.copy()
    edited["AMT_INCOME_TOTAL"] = np.float32(300000.0)
    changed = application_features(edited)
    differs = sorted(c for c in base.columns if not base[c].equals(changed[c]))
    assert differs == ["AMT_INCOME_TOTAL", "ANNUITY_INCOME_RATIO", "CREDIT_INCOME_RATIO", "INCOME_PER_PERSON"]


def test_absent_columns_are_missing_and_categoricals_are_strings() -> None:
    raw = pd.DataFrame({"AMT_CREDIT": [100000.0], "AMT_ANNUITY": [5000.0], "CODE_GENDER": ["M"]}, index=[9])
    row = application_features(raw)
    assert list(row.columns) == application_feature_names()
    assert row.loc[9, "ANNUITY_CREDIT_RATIO"] == pytest.approx(0.05)
    assert np.isnan(row.loc[9, "AMT_INCOME_TOTAL"])
    assert row.loc[9, "CODE_GENDER"] == "M"
    assert row.loc[9, "OCCUPATION_TYPE"] == "MISSING"
    for name in APPLICATION_CATEGORICAL:
        assert row[name].dtype == object
        assert isinstance(row.loc[9, name], str)
    numeric = [c for c in row.columns if c not in APPLICATION_CATEGORICAL]
    assert (row[numeric].dtypes == np.float32).all()


def test_target_and_identifier_never_become_features() -> None:
    raw = frame("application_train", [application(1, TARGET=1), application(2, TARGET=0)])
    features = application_features(raw.set_index("SK_ID_CURR"))
    assert "TARGET" not in features.columns
    assert "SK_ID_CURR" not in features.columns
    assert not set(DROPPED_RAW) & set(features.columns)
    assert len(application_feature_names()) == len(set(application_feature_names()))
    assert set(DERIVED_TEXTS) <= set(features.columns)


def test_a_text_in_a_numeric_field_is_a_clear_error() -> None:
    raw = pd.DataFrame({"AMT_INCOME_TOTAL": ["a lot"], "AMT_CREDIT": [1.0]}, index=[1])
    with pytest.raises(ValueError, match=r"AMT_INCOME_TOTAL.*must be numbers"):
        application_features(raw)


def test_missing_markers_of_any_kind_count_as_missing() -> None:
    raw = pd.DataFrame(
        {
            "AMT_CREDIT": [100000.0],
            "AMT_ANNUITY": [pd.NA],
            "AMT_INCOME_TOTAL": [None],
            "CODE_GENDER": [pd.NA],
        },
        index=[1],
        dtype=object,
    )
    row = application_features(raw).loc[1]
    assert np.isnan(row["AMT_ANNUITY"]) and np.isnan(row["AMT_INCOME_TOTAL"])
    assert np.isnan(row["ANNUITY_CREDIT_RATIO"])
    assert row["CODE_GENDER"] == "MISSING"


def test_a_text_in_a_numeric_field_of_a_batch_is_a_clear_error() -> None:
    raw = pd.DataFrame({"AMT_CREDIT": [1.0] * 10, "DAYS_BIRTH": [-1] * 9 + ["old"]}, index=range(10))
    with pytest.raises(ValueError, match=r"\['DAYS_BIRTH'\] must be numbers"):
        application_features(raw)
