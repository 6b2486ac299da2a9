"""The feature tables: shape and types, TARGET kept out of the features, descriptions, the command."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.unit.test_features_support import application, dictionary, tables
from training.data.errors import DataError
from training.data.loader import HomeCreditTables
from training.features.application import APPLICATION_CATEGORICAL
from training.features.build import FeatureTables, build_feature_tables, degenerate_columns
from training.features.descriptions import feature_descriptions, field_descriptions


def small_tables(targets: list[int]) -> HomeCreditTables:
    """len(targets) training clients (ids 1..n) and two test clients (1001, 1002), with some secondary rows."""
    rng = np.random.default_rng(0)
    train = [
        application(
            i,
            TARGET=t,
            AMT_INCOME_TOTAL=float(rng.integers(5, 30) * 10000),
            EXT_SOURCE_1=float(rng.uniform()) if i % 2 else None,
            EXT_SOURCE_3=float(rng.uniform()),
            DAYS_EMPLOYED=365243 if i % 4 == 0 else -int(rng.integers(100, 9000)),
            OCCUPATION_TYPE="Laborers" if i % 3 else None,
            CODE_GENDER="M" if i % 2 else "F",
        )
        for i, t in enumerate(targets, start=1)
    ]
    test = [application(1001, AMT_INCOME_TOTAL=99000.0), application(1002, EXT_SOURCE_3=0.7)]
    bureau = [
        dict(SK_ID_CURR=i, SK_ID_BUREAU=100 + i, CREDIT_ACTIVE="Active" if i % 2 else "Closed",
             AMT_CREDIT_SUM=float(1000 * i), DAYS_CREDIT=-30 * i)
        for i in range(1, len(targets) + 1, 2)
    ] + [dict(SK_ID_CURR=1001, SK_ID_BUREAU=5000, CREDIT_ACTIVE="Active", AMT_CREDIT_SUM=10.0)]  # fmt: skip
    installments = [
        dict(SK_ID_PREV=i, SK_ID_CURR=i, DAYS_INSTALMENT=-10.0 * i, DAYS_ENTRY_PAYMENT=-10.0 * i + i % 3,
             AMT_INSTALMENT=100.0, AMT_PAYMENT=100.0 - i)
        for i in range(1, len(targets) + 1)
    ]  # fmt: skip
    return tables(
        application_train=train, application_test=test, bureau=bureau, installments_payments=installments
    )


@pytest.fixture(scope="module")
def built() -> FeatureTables:
    return build_feature_tables(small_tables([0, 1] * 6))


def test_train_and_test_tables_share_the_features(built: FeatureTables) -> None:
    assert built.train.index.name == built.test.index.name == "SK_ID_CURR"
    assert list(built.test.index) == [1001, 1002]
    assert list(built.train.columns) == [*built.test.columns, "TARGET"]
    assert built.train["TARGET"].dtype == np.int8
    assert list(built.train["TARGET"]) == [0, 1] * 6
    assert built.categorical == [c for c in APPLICATION_CATEGORICAL if c in built.features]
    assert "CODE_GENDER" in built.categorical
    for name in built.features:
        if name in built.categorical:
            assert built.test[name].dtype == object and not built.test[name].isna().any(), name
        else:
            assert built.train[name].dtype == np.float32, name
    assert built.test.loc[1001, "BUREAU_COUNT"] == 1
    assert built.test.loc[1002, "BUREAU_COUNT"] == 0
    assert np.isnan(built.test.loc[1002, "BUREAU_AMT_CREDIT_SUM_MEAN"])


def test_target_cannot_reach_the_features() -> None:
    targets = [0, 1, 0, 0, 1, 1, 0, 1, 0, 0, 1, 0]
    built = build_feature_tables(small_tables(targets))
    flipped = build_feature_tables(small_tables([1 - t for t in targets]))
    features = built.features
    assert "TARGET" not in features
    pd.testing.assert_frame_equal(built.train[features], flipped.train[features])
    pd.testing.assert_frame_equal(built.test, flipped.test)
    target = built.train["TARGET"].astype(float)
    for name in features:
        if name not in built.categorical:
            assert not built.train[name].astype(float).equals(target), name


def test_degenerate_columns_are_dropped_from_both_tables(built: FeatureTables) -> None:
    # no client has a credit card: every CC_* aggregate is empty or a constant zero count
    assert "CC_UTILISATION_MEAN" in built.dropped
    assert "CC_COUNT" in built.dropped
    assert not set(built.dropped) & set(built.train.columns) | set(built.test.columns) & set(built.dropped)
    assert "BUREAU_COUNT" in built.features
    frame = pd.DataFrame({"a": [1.0, 1.0], "b": [np.nan, np.nan], "c": [1.0, np.nan], "d": ["x", "x"]})
    assert degenerate_columns(frame) == ["a", "b", "d"]


def test_descriptions_cover_every_feature_in_french_and_english(built: FeatureTables) -> None:
    for name in built.features:
        assert built.descriptions[name].strip(), name
        assert built.descriptions_en[name].strip(), name
    differing = [n for n in built.features if built.descriptions[n] != built.descriptions_en[n]]
    assert len(differing) == len(built.features)
    assert built.descriptions["CREDIT_INCOME_RATIO"] == "Montant du crédit / revenu annuel"
    # raw application fields are described too (the client's file shows them)
    assert built.descriptions["FLAG_MOBIL"] and built.descriptions_en["SK_ID_CURR"]


def test_feature_without_description_is_refused() -> None:
    with pytest.raises(ValueError, match="No description for the features \\['MYSTERY'\\]"):
        feature_descriptions(["AMT_CREDIT", "MYSTERY"], None)


def test_field_descriptions_cover_the_official_application_fields() -> None:
    from training.data.schema import TABLES_BY_ATTRIBUTE

    french, english = field_descriptions(None)
    for name in TABLES_BY_ATTRIBUTE["application_train"].columns:
        assert french[name] and english[name], name
    extra = pd.concat(
        [dictionary(), pd.DataFrame([{"Table": "application_{train|test}.csv", "Row": "NEW_FIELD",
                                      "Description": "A new field", "Special": ""}])]
    )  # fmt: skip
    french, english = field_descriptions(extra)
    assert english["NEW_FIELD"] == "A new field"
    assert "A new field" in french["NEW_FIELD"]
    assert english["AMT_CREDIT"] == "Credit amount of the loan"  # the built-in text, already plain
    with pytest.raises(ValueError, match="lacks the columns \\['Row'\\]"):
        field_descriptions(dictionary().drop(columns=["Row"]))


def test_saved_tables_read_back_identical(built: FeatureTables, tmp_path: Path) -> None:
    back = FeatureTables.load(built.save(tmp_path / "features"))
    pd.testing.assert_frame_equal(back.train, built.train)
    pd.testing.assert_frame_equal(back.test, built.test)
    assert back.categorical == built.categorical
    assert back.descriptions == built.descriptions
    assert back.dropped == built.dropped
    with pytest.raises(DataError, match="python -m training features"):
        FeatureTables.load(tmp_path / "nothing")
