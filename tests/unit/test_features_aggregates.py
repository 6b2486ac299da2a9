"""Secondary-table aggregates on hand-built tables, each checked against values computed by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.unit.test_features_support import tables
from training.features.aggregates import aggregate_features, aggregate_texts, row_count_features
from training.features.application import application_feature_names

NAN = None


def one_client(**rows: list[dict]) -> pd.Series:
    return aggregate_features(tables(**rows), [1]).loc[1]


def test_bureau_with_its_monthly_balance() -> None:
    row = one_client(
        bureau=[
            dict(SK_ID_CURR=1, SK_ID_BUREAU=10, CREDIT_ACTIVE="Active", CREDIT_TYPE="Consumer credit",
                 DAYS_CREDIT=-200, CREDIT_DAY_OVERDUE=10, AMT_CREDIT_SUM=1000.0, AMT_CREDIT_SUM_DEBT=400.0),
            dict(SK_ID_CURR=1, SK_ID_BUREAU=11, CREDIT_ACTIVE="Closed", CREDIT_TYPE="Car loan",
                 DAYS_CREDIT=-900, CREDIT_DAY_OVERDUE=0, AMT_CREDIT_SUM=3000.0, AMT_CREDIT_SUM_DEBT=0.0),
            dict(SK_ID_CURR=2, SK_ID_BUREAU=12, CREDIT_ACTIVE="Active", AMT_CREDIT_SUM=99.0),
        ],
        bureau_balance=[
            dict(SK_ID_BUREAU=10, MONTHS_BALANCE=-1, STATUS="0"),
            dict(SK_ID_BUREAU=10, MONTHS_BALANCE=-2, STATUS="1"),
            dict(SK_ID_BUREAU=10, MONTHS_BALANCE=-3, STATUS="2"),
            dict(SK_ID_BUREAU=10, MONTHS_BALANCE=-20, STATUS="X"),
            dict(SK_ID_BUREAU=12, MONTHS_BALANCE=-1, STATUS="5"),
        ],
    )  # fmt: skip
    assert row["BUREAU_COUNT"] == 2
    assert row["BUREAU_ACTIVE_COUNT"] == 1
    assert row["BUREAU_CLOSED_COUNT"] == 1
    assert row["BUREAU_12M_COUNT"] == 1
    assert row["BUREAU_AMT_CREDIT_SUM_SUM"] == 4000
    assert row["BUREAU_AMT_CREDIT_SUM_MEAN"] == 2000
    assert row["BUREAU_ACTIVE_AMT_CREDIT_SUM_DEBT_SUM"] == 400
    assert row["BUREAU_DEBT_CREDIT_RATIO_MEAN"] == pytest.approx(0.2)
    assert row["BUREAU_OVERDUE_COUNT"] == 1
    assert row["BUREAU_OVERDUE_SHARE"] == pytest.approx(0.5)
    assert row["BUREAU_SECURED_SHARE"] == pytest.approx(0.5)
    assert row["BUREAU_DAYS_CREDIT_MAX"] == -200
    # bureau_balance: 2 of the 4 months of credit 10 overdue (statuses 1 and 2), none known for credit 11
    assert row["BUREAU_BB_OVERDUE_MONTHS_SUM"] == 2
    assert row["BUREAU_BB_OVERDUE_SHARE_MEAN"] == pytest.approx(0.5)
    assert row["BUREAU_BB_WORST_STATUS_MAX"] == 2
    assert row["BUREAU_BB_OVERDUE_MONTHS_12M_SUM"] == 2
    assert row["BUREAU_BB_MONTHS_SUM"] == 4
    assert row["BUREAU_ACTIVE_BB_OVERDUE_SHARE_MEAN"] == pytest.approx(0.5)
    assert np.isnan(row["BUREAU_CLOSED_BB_OVERDUE_SHARE_MEAN"])


def test_previous_applications_all_approved_refused() -> None:
    row = one_client(
        previous_application=[
            dict(SK_ID_PREV=1, SK_ID_CURR=1, NAME_CONTRACT_STATUS="Approved", AMT_APPLICATION=1000.0,
                 AMT_CREDIT=800.0, AMT_ANNUITY=100.0, DAYS_DECISION=-100, DAYS_LAST_DUE_1ST_VERSION=200.0),
            dict(SK_ID_PREV=2, SK_ID_CURR=1, NAME_CONTRACT_STATUS="Refused", AMT_APPLICATION=2000.0,
                 AMT_CREDIT=0.0, DAYS_DECISION=-500),
            dict(SK_ID_PREV=3, SK_ID_CURR=1, NAME_CONTRACT_STATUS="Approved", AMT_APPLICATION=500.0,
                 AMT_CREDIT=500.0, AMT_ANNUITY=50.0, DAYS_DECISION=-1000, DAYS_LAST_DUE_1ST_VERSION=365243.0),
        ]
    )  # fmt: skip
    assert row["PREV_COUNT"] == 3
    assert row["PREV_APPROVED_COUNT"] == 2
    assert row["PREV_REFUSED_COUNT"] == 1
    assert row["PREV_REFUSED_SHARE"] == pytest.approx(1 / 3)
    assert row["PREV_APPROVED_AMT_CREDIT_SUM"] == 1300
    # ratio 1000/800 and 500/500; the refused one (credit 0) has no ratio
    assert row["PREV_APP_CREDIT_RATIO_MEAN"] == pytest.approx(1.125)
    assert row["PREV_REFUSED_AMT_APPLICATION_MAX"] == 2000
    assert row["PREV_REFUSED_DAYS_DECISION_MAX"] == -500
    # 365243 means "no date": the max is the real date
    assert row["PREV_APPROVED_DAYS_LAST_DUE_1ST_VERSION_MAX"] == 200
    assert row["PREV_RUNNING_COUNT"] == 1
    assert row["PREV_RUNNING_AMT_ANNUITY_SUM"] == 100
    assert row["PREV_12M_COUNT"] == 1
    assert row["PREV_12M_REFUSED_COUNT"] == 0


def test_pos_cash_delays_overall_and_in_the_last_twelve_months() -> None:
    row = one_client(
        pos_cash_balance=[
            dict(SK_ID_PREV=1, SK_ID_CURR=1, MONTHS_BALANCE=-1, SK_DPD=0, CNT_INSTALMENT=12.0,
                 CNT_INSTALMENT_FUTURE=6.0, NAME_CONTRACT_STATUS="Active"),
            dict(SK_ID_PREV=1, SK_ID_CURR=1, MONTHS_BALANCE=-2, SK_DPD=5, CNT_INSTALMENT=12.0,
                 CNT_INSTALMENT_FUTURE=7.0, NAME_CONTRACT_STATUS="Active"),
            dict(SK_ID_PREV=2, SK_ID_CURR=1, MONTHS_BALANCE=-20, SK_DPD=0, NAME_CONTRACT_STATUS="Completed"),
            dict(SK_ID_PREV=2, SK_ID_CURR=1, MONTHS_BALANCE=-30, SK_DPD=0, NAME_CONTRACT_STATUS="Active"),
        ]
    )  # fmt: skip
    assert row["POS_COUNT"] == 4
    assert row["POS_DPD_COUNT"] == 1
    assert row["POS_DPD_SHARE"] == pytest.approx(0.25)
    assert row["POS_SK_DPD_MAX"] == 5
    assert row["POS_COMPLETED_COUNT"] == 1
    assert row["POS_REMAINING_SHARE_MEAN"] == pytest.approx((6 / 12 + 7 / 12) / 2)
    assert row["POS_12M_COUNT"] == 2
    assert row["POS_12M_DPD_SHARE"] == pytest.approx(0.5)
    assert row["POS_MONTHS_BALANCE_MIN"] == -30


def test_installments_lateness_and_payment_shortfall() -> None:
    def pay(due: int, paid: int | None, amount: float, payment: float | None) -> dict:
        return dict(SK_ID_PREV=1, SK_ID_CURR=1, DAYS_INSTALMENT=float(due), DAYS_ENTRY_PAYMENT=paid,
                    AMT_INSTALMENT=amount, AMT_PAYMENT=payment)  # fmt: skip

    row = one_client(
        installments_payments=[
            pay(-100, -95, 100.0, 100.0),  # 5 days late
            pay(-50, -60, 100.0, 50.0),  # 10 days early, half paid
            pay(-400, -360, 200.0, 200.0),  # 40 days late, more than a year ago
            pay(-10, None, 100.0, None),  # not paid yet: no lateness
        ]
    )
    assert row["INSTAL_COUNT"] == 4
    assert row["INSTAL_LATE_COUNT"] == 2
    assert row["INSTAL_LATE_SHARE"] == pytest.approx(2 / 3)
    assert row["INSTAL_LATE_30_COUNT"] == 1
    assert row["INSTAL_LATE_DAYS_MEAN"] == pytest.approx(15.0)
    assert row["INSTAL_LATE_DAYS_MAX"] == 40
    assert row["INSTAL_LATE_DAYS_SUM"] == 45
    assert row["INSTAL_EARLY_DAYS_MAX"] == 10
    assert row["INSTAL_PAYMENT_RATIO_MEAN"] == pytest.approx(2.5 / 3)
    assert row["INSTAL_PAYMENT_RATIO_MIN"] == pytest.approx(0.5)
    assert row["INSTAL_PAYMENT_DIFF_SUM"] == 50
    assert row["INSTAL_UNDERPAID_COUNT"] == 1
    assert row["INSTAL_12M_COUNT"] == 3
    assert row["INSTAL_12M_LATE_COUNT"] == 1
    assert row["INSTAL_12M_LATE_SHARE"] == pytest.approx(0.5)


def test_credit_card_utilisation_drawings_and_delays() -> None:
    def month(months: int, balance: float, limit: float, drawn: float, dpd: int) -> dict:
        return dict(SK_ID_PREV=7, SK_ID_CURR=1, MONTHS_BALANCE=months, AMT_BALANCE=balance,
                    AMT_CREDIT_LIMIT_ACTUAL=limit, AMT_DRAWINGS_CURRENT=drawn, SK_DPD=dpd,
                    AMT_INST_MIN_REGULARITY=100.0, AMT_PAYMENT_TOTAL_CURRENT=50.0)  # fmt: skip

    row = one_client(
        credit_card_balance=[
            month(-1, 500.0, 1000, 200.0, 0),
            month(-2, 1000.0, 1000, 0.0, 3),
            month(-24, 100.0, 0, 50.0, 0),  # no limit: utilisation unknown
        ]
    )
    assert row["CC_COUNT"] == 3
    assert row["CC_UTILISATION_MEAN"] == pytest.approx(0.75)
    assert row["CC_UTILISATION_MAX"] == pytest.approx(1.0)
    assert row["CC_AMT_DRAWINGS_CURRENT_SUM"] == 250
    assert row["CC_SK_DPD_MAX"] == 3
    assert row["CC_DPD_SHARE"] == pytest.approx(1 / 3)
    assert row["CC_BELOW_MIN_SHARE"] == pytest.approx(1.0)
    assert row["CC_PAYMENT_MIN_RATIO_MEAN"] == pytest.approx(0.5)
    assert row["CC_12M_COUNT"] == 2
    assert row["CC_12M_AMT_DRAWINGS_CURRENT_SUM"] == 200


def test_a_client_without_rows_gets_missing_values_and_zero_counts() -> None:
    data = tables(
        bureau=[dict(SK_ID_CURR=1, SK_ID_BUREAU=10, CREDIT_ACTIVE="Active", AMT_CREDIT_SUM=1.0)],
        installments_payments=[
            dict(SK_ID_PREV=1, SK_ID_CURR=1, DAYS_INSTALMENT=-1.0, DAYS_ENTRY_PAYMENT=-1.0)
        ],
    )
    result = aggregate_features(data, [1, 2])
    absent = result.loc[2]
    counts = row_count_features()
    assert (absent[counts] == 0).all()
    assert absent.drop(counts).isna().all()
    assert result.loc[1, "BUREAU_COUNT"] == 1
    # a client with rows but none in a scope: that scope's count is 0 and its other aggregates missing
    assert result.loc[1, "BUREAU_CLOSED_COUNT"] == 0
    assert np.isnan(result.loc[1, "BUREAU_CLOSED_AMT_CREDIT_SUM_MEAN"])


def test_output_follows_the_ids_asked_for_in_float32() -> None:
    data = tables(bureau=[dict(SK_ID_CURR=5, SK_ID_BUREAU=1, CREDIT_ACTIVE="Closed")])
    result = aggregate_features(data, [7, 5, 7, 3])
    assert list(result.index) == [7, 5, 3]
    assert result.index.name == "SK_ID_CURR"
    assert (result.dtypes == np.float32).all()
    assert list(result["BUREAU_COUNT"]) == [0, 1, 0]


def test_a_missing_column_is_a_clear_error() -> None:
    data = tables()
    data.bureau = data.bureau.drop(columns=["AMT_CREDIT_SUM_DEBT"])
    with pytest.raises(ValueError, match=r"bureau lacks the columns \['AMT_CREDIT_SUM_DEBT'\].*BUREAU_"):
        aggregate_features(data, [1])


def test_text_columns_as_plain_strings_give_the_same_result_as_categories() -> None:
    rows = [
        dict(
            SK_ID_CURR=1, SK_ID_BUREAU=10, CREDIT_ACTIVE="Active", AMT_CREDIT_SUM=5.0, CREDIT_TYPE="Mortgage"
        )
    ]
    data = tables(bureau=rows, bureau_balance=[dict(SK_ID_BUREAU=10, MONTHS_BALANCE=-1, STATUS="3")])
    as_category = aggregate_features(data, [1])
    for name in ("bureau", "bureau_balance"):
        frame = getattr(data, name)
        text = frame.select_dtypes("category").columns
        frame[text] = frame[text].astype(object)
    pd.testing.assert_frame_equal(aggregate_features(data, [1]), as_category)
    assert as_category.loc[1, "BUREAU_BB_WORST_STATUS_MAX"] == 3


def test_feature_names_are_unique_and_all_described() -> None:
    texts = aggregate_texts()
    names = list(texts) + application_feature_names()
    assert len(names) == len(set(names))
    assert 200 <= len(names) <= 400
    for name, (fr, en) in texts.items():
        assert fr and en and fr != en, name
