"""The official Home Credit schema: files, columns in official order, the dtype each column is held in, keys.

One source of truth for the loader (what to read and check) and the generator (what to write). Column kinds:
    key  int32 identifier (SK_ID_CURR, SK_ID_PREV, SK_ID_BUREAU)
    i8 / i16 / i32  integers never missing in the real files (the narrowest type holding the full data)
    f32  float32 (amounts, days and scores with missing values; 365243 sentinels fit)
    cat  text, held as pandas `category`
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pyarrow as pa

Kind = Literal["key", "i8", "i16", "i32", "f32", "cat"]

NUMPY_DTYPES: dict[str, type[np.generic]] = {
    "key": np.int32,
    "i8": np.int8,
    "i16": np.int16,
    "i32": np.int32,
    "f32": np.float32,
}
ARROW_TYPES: dict[str, pa.DataType] = {
    "key": pa.int32(),
    "i8": pa.int8(),
    "i16": pa.int16(),
    "i32": pa.int32(),
    "f32": pa.float32(),
    "cat": pa.dictionary(pa.int32(), pa.string()),
}


def _columns(spec: str) -> dict[str, Kind]:
    """`"NAME:kind NAME:kind ..."` -> ordered {name: kind}."""
    pairs = (item.split(":") for item in spec.split())
    return {name: kind for name, kind in pairs}  # type: ignore[misc]


BUILDING_STEMS: tuple[str, ...] = (
    "APARTMENTS",
    "BASEMENTAREA",
    "YEARS_BEGINEXPLUATATION",
    "YEARS_BUILD",
    "COMMONAREA",
    "ELEVATORS",
    "ENTRANCES",
    "FLOORSMAX",
    "FLOORSMIN",
    "LANDAREA",
    "LIVINGAPARTMENTS",
    "LIVINGAREA",
    "NONLIVINGAPARTMENTS",
    "NONLIVINGAREA",
)
BUILDING_COLUMNS: tuple[str, ...] = tuple(f"{s}_{a}" for a in ("AVG", "MODE", "MEDI") for s in BUILDING_STEMS)

APPLICATION_TRAIN: dict[str, Kind] = {
    **_columns(
        "SK_ID_CURR:key TARGET:i8 NAME_CONTRACT_TYPE:cat CODE_GENDER:cat FLAG_OWN_CAR:cat "
        "FLAG_OWN_REALTY:cat CNT_CHILDREN:i8 AMT_INCOME_TOTAL:f32 AMT_CREDIT:f32 AMT_ANNUITY:f32 "
        "AMT_GOODS_PRICE:f32 "
        "NAME_TYPE_SUITE:cat NAME_INCOME_TYPE:cat NAME_EDUCATION_TYPE:cat NAME_FAMILY_STATUS:cat "
        "NAME_HOUSING_TYPE:cat REGION_POPULATION_RELATIVE:f32 DAYS_BIRTH:i32 DAYS_EMPLOYED:i32 "
        "DAYS_REGISTRATION:f32 DAYS_ID_PUBLISH:i32 OWN_CAR_AGE:f32 FLAG_MOBIL:i8 FLAG_EMP_PHONE:i8 "
        "FLAG_WORK_PHONE:i8 FLAG_CONT_MOBILE:i8 FLAG_PHONE:i8 FLAG_EMAIL:i8 OCCUPATION_TYPE:cat "
        "CNT_FAM_MEMBERS:f32 REGION_RATING_CLIENT:i8 REGION_RATING_CLIENT_W_CITY:i8 "
        "WEEKDAY_APPR_PROCESS_START:cat HOUR_APPR_PROCESS_START:i8 REG_REGION_NOT_LIVE_REGION:i8 "
        "REG_REGION_NOT_WORK_REGION:i8 LIVE_REGION_NOT_WORK_REGION:i8 REG_CITY_NOT_LIVE_CITY:i8 "
        "REG_CITY_NOT_WORK_CITY:i8 LIVE_CITY_NOT_WORK_CITY:i8 ORGANIZATION_TYPE:cat EXT_SOURCE_1:f32 "
        "EXT_SOURCE_2:f32 EXT_SOURCE_3:f32"
    ),
    **{name: "f32" for name in BUILDING_COLUMNS},
    **_columns(
        "FONDKAPREMONT_MODE:cat HOUSETYPE_MODE:cat TOTALAREA_MODE:f32 WALLSMATERIAL_MODE:cat "
        "EMERGENCYSTATE_MODE:cat OBS_30_CNT_SOCIAL_CIRCLE:f32 DEF_30_CNT_SOCIAL_CIRCLE:f32 "
        "OBS_60_CNT_SOCIAL_CIRCLE:f32 DEF_60_CNT_SOCIAL_CIRCLE:f32 DAYS_LAST_PHONE_CHANGE:f32"
    ),
    **{f"FLAG_DOCUMENT_{i}": "i8" for i in range(2, 22)},
    **{f"AMT_REQ_CREDIT_BUREAU_{p}": "f32" for p in ("HOUR", "DAY", "WEEK", "MON", "QRT", "YEAR")},
}
APPLICATION_TEST: dict[str, Kind] = {k: v for k, v in APPLICATION_TRAIN.items() if k != "TARGET"}

BUREAU: dict[str, Kind] = _columns(
    "SK_ID_CURR:key SK_ID_BUREAU:key CREDIT_ACTIVE:cat CREDIT_CURRENCY:cat DAYS_CREDIT:i16 "
    "CREDIT_DAY_OVERDUE:i16 DAYS_CREDIT_ENDDATE:f32 DAYS_ENDDATE_FACT:f32 AMT_CREDIT_MAX_OVERDUE:f32 "
    "CNT_CREDIT_PROLONG:i8 AMT_CREDIT_SUM:f32 AMT_CREDIT_SUM_DEBT:f32 AMT_CREDIT_SUM_LIMIT:f32 "
    "AMT_CREDIT_SUM_OVERDUE:f32 CREDIT_TYPE:cat DAYS_CREDIT_UPDATE:i32 AMT_ANNUITY:f32"
)
BUREAU_BALANCE: dict[str, Kind] = _columns("SK_ID_BUREAU:key MONTHS_BALANCE:i16 STATUS:cat")
PREVIOUS_APPLICATION: dict[str, Kind] = _columns(
    "SK_ID_PREV:key SK_ID_CURR:key NAME_CONTRACT_TYPE:cat AMT_ANNUITY:f32 AMT_APPLICATION:f32 "
    "AMT_CREDIT:f32 AMT_DOWN_PAYMENT:f32 AMT_GOODS_PRICE:f32 WEEKDAY_APPR_PROCESS_START:cat "
    "HOUR_APPR_PROCESS_START:i8 FLAG_LAST_APPL_PER_CONTRACT:cat NFLAG_LAST_APPL_IN_DAY:i8 "
    "RATE_DOWN_PAYMENT:f32 RATE_INTEREST_PRIMARY:f32 RATE_INTEREST_PRIVILEGED:f32 "
    "NAME_CASH_LOAN_PURPOSE:cat NAME_CONTRACT_STATUS:cat DAYS_DECISION:i32 NAME_PAYMENT_TYPE:cat "
    "CODE_REJECT_REASON:cat NAME_TYPE_SUITE:cat NAME_CLIENT_TYPE:cat NAME_GOODS_CATEGORY:cat "
    "NAME_PORTFOLIO:cat NAME_PRODUCT_TYPE:cat CHANNEL_TYPE:cat SELLERPLACE_AREA:i32 "
    "NAME_SELLER_INDUSTRY:cat CNT_PAYMENT:f32 NAME_YIELD_GROUP:cat PRODUCT_COMBINATION:cat "
    "DAYS_FIRST_DRAWING:f32 DAYS_FIRST_DUE:f32 DAYS_LAST_DUE_1ST_VERSION:f32 DAYS_LAST_DUE:f32 "
    "DAYS_TERMINATION:f32 NFLAG_INSURED_ON_APPROVAL:f32"
)
POS_CASH_BALANCE: dict[str, Kind] = _columns(
    "SK_ID_PREV:key SK_ID_CURR:key MONTHS_BALANCE:i16 CNT_INSTALMENT:f32 CNT_INSTALMENT_FUTURE:f32 "
    "NAME_CONTRACT_STATUS:cat SK_DPD:i16 SK_DPD_DEF:i16"
)
INSTALLMENTS_PAYMENTS: dict[str, Kind] = _columns(
    "SK_ID_PREV:key SK_ID_CURR:key NUM_INSTALMENT_VERSION:f32 NUM_INSTALMENT_NUMBER:i16 "
    "DAYS_INSTALMENT:f32 DAYS_ENTRY_PAYMENT:f32 AMT_INSTALMENT:f32 AMT_PAYMENT:f32"
)
CREDIT_CARD_BALANCE: dict[str, Kind] = _columns(
    "SK_ID_PREV:key SK_ID_CURR:key MONTHS_BALANCE:i16 AMT_BALANCE:f32 AMT_CREDIT_LIMIT_ACTUAL:i32 "
    "AMT_DRAWINGS_ATM_CURRENT:f32 AMT_DRAWINGS_CURRENT:f32 AMT_DRAWINGS_OTHER_CURRENT:f32 "
    "AMT_DRAWINGS_POS_CURRENT:f32 AMT_INST_MIN_REGULARITY:f32 AMT_PAYMENT_CURRENT:f32 "
    "AMT_PAYMENT_TOTAL_CURRENT:f32 AMT_RECEIVABLE_PRINCIPAL:f32 AMT_RECIVABLE:f32 "
    "AMT_TOTAL_RECEIVABLE:f32 CNT_DRAWINGS_ATM_CURRENT:f32 CNT_DRAWINGS_CURRENT:i16 "
    "CNT_DRAWINGS_OTHER_CURRENT:f32 CNT_DRAWINGS_POS_CURRENT:f32 CNT_INSTALMENT_MATURE_CUM:f32 "
    "NAME_CONTRACT_STATUS:cat SK_DPD:i16 SK_DPD_DEF:i16"
)


@dataclass(frozen=True)
class TableSpec:
    attribute: str  # field name in HomeCreditTables
    stem: str  # official file name without extension
    columns: dict[str, Kind]
    primary_key: str | None  # unique per row when set


TABLES: tuple[TableSpec, ...] = (
    TableSpec("application_train", "application_train", APPLICATION_TRAIN, "SK_ID_CURR"),
    TableSpec("application_test", "application_test", APPLICATION_TEST, "SK_ID_CURR"),
    TableSpec("bureau", "bureau", BUREAU, "SK_ID_BUREAU"),
    TableSpec("bureau_balance", "bureau_balance", BUREAU_BALANCE, None),
    TableSpec("previous_application", "previous_application", PREVIOUS_APPLICATION, "SK_ID_PREV"),
    TableSpec("pos_cash_balance", "POS_CASH_balance", POS_CASH_BALANCE, None),
    TableSpec("installments_payments", "installments_payments", INSTALLMENTS_PAYMENTS, None),
    TableSpec("credit_card_balance", "credit_card_balance", CREDIT_CARD_BALANCE, None),
)
TABLES_BY_ATTRIBUTE: dict[str, TableSpec] = {spec.attribute: spec for spec in TABLES}

DICTIONARY_STEM = "HomeCredit_columns_description"
DICTIONARY_COLUMNS: tuple[str, ...] = ("Table", "Row", "Description", "Special")
DICTIONARY_TABLE_NAMES: dict[str, str] = {  # the "Table" value the official dictionary uses for each file
    "application_train": "application_{train|test}.csv",
    "bureau": "bureau.csv",
    "bureau_balance": "bureau_balance.csv",
    "previous_application": "previous_application.csv",
    "pos_cash_balance": "POS_CASH_balance.csv",
    "installments_payments": "installments_payments.csv",
    "credit_card_balance": "credit_card_balance.csv",
}

DAYS_SENTINEL = (
    365243  # "no date": DAYS_EMPLOYED of pensioners, DAYS_FIRST_DRAWING etc. of previous applications
)
