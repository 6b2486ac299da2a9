"""Features of the application row itself: the descriptive raw fields plus ratios and score combinations.

The scoring service calls `application_features` on a single edited row for a what-if, so it is pure numpy
over a fixed column list: one row or 300,000 rows go through the same arithmetic, with no dependence on
the batch.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from training.data.errors import FeatureInputError
from training.data.schema import BUILDING_STEMS
from training.features.aggregates import aggregate_features
from training.features.field_texts import DERIVED_TEXTS

__all__ = [
    "APPLICATION_CATEGORICAL",
    "DERIVED_TEXTS",
    "DROPPED_RAW",
    "aggregate_features",
    "application_feature_names",
    "application_features",
]

DAYS_EMPLOYED_SENTINEL = 365243.0
MISSING_CATEGORY = "MISSING"

APPLICATION_CATEGORICAL: tuple[str, ...] = (
    "NAME_CONTRACT_TYPE",
    "CODE_GENDER",
    "FLAG_OWN_CAR",
    "FLAG_OWN_REALTY",
    "NAME_TYPE_SUITE",
    "NAME_INCOME_TYPE",
    "NAME_EDUCATION_TYPE",
    "NAME_FAMILY_STATUS",
    "NAME_HOUSING_TYPE",
    "OCCUPATION_TYPE",
    "WEEKDAY_APPR_PROCESS_START",
    "ORGANIZATION_TYPE",
    "FONDKAPREMONT_MODE",
    "HOUSETYPE_MODE",
    "WALLSMATERIAL_MODE",
    "EMERGENCYSTATE_MODE",
)

_DOCUMENTS = tuple(f"FLAG_DOCUMENT_{n}" for n in range(2, 22))
_CONTACTS = ("FLAG_EMP_PHONE", "FLAG_WORK_PHONE", "FLAG_PHONE", "FLAG_EMAIL")
# the application's contact flags, as the model reads them (the reason group "documents and contact" names them too)
CONTACT_FLAGS = (
    "FLAG_MOBIL",
    "FLAG_EMP_PHONE",
    "FLAG_WORK_PHONE",
    "FLAG_CONT_MOBILE",
    "FLAG_PHONE",
    "FLAG_EMAIL",
)
ADDRESS_MISMATCHES = (  # the address-mismatch flags (ADDRESS_MISMATCH_COUNT counts them)
    "REG_REGION_NOT_LIVE_REGION",
    "REG_REGION_NOT_WORK_REGION",
    "LIVE_REGION_NOT_WORK_REGION",
    "REG_CITY_NOT_LIVE_CITY",
    "REG_CITY_NOT_WORK_CITY",
    "LIVE_CITY_NOT_WORK_CITY",
)
_BUREAU_REQUESTS = tuple(f"AMT_REQ_CREDIT_BUREAU_{p}" for p in ("HOUR", "DAY", "WEEK", "MON", "QRT", "YEAR"))
_EXT_SOURCES = ("EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3")

# Every official numeric application field, in the official order.
_NUMERIC_INPUT: tuple[str, ...] = (
    "CNT_CHILDREN",
    "AMT_INCOME_TOTAL",
    "AMT_CREDIT",
    "AMT_ANNUITY",
    "AMT_GOODS_PRICE",
    "REGION_POPULATION_RELATIVE",
    "DAYS_BIRTH",
    "DAYS_EMPLOYED",
    "DAYS_REGISTRATION",
    "DAYS_ID_PUBLISH",
    "OWN_CAR_AGE",
    *CONTACT_FLAGS,
    "CNT_FAM_MEMBERS",
    "REGION_RATING_CLIENT",
    "REGION_RATING_CLIENT_W_CITY",
    "HOUR_APPR_PROCESS_START",
    *ADDRESS_MISMATCHES,
    *_EXT_SOURCES,
    *(f"{s}_{stat}" for stat in ("AVG", "MODE", "MEDI") for s in BUILDING_STEMS),
    "TOTALAREA_MODE",
    "OBS_30_CNT_SOCIAL_CIRCLE",
    "DEF_30_CNT_SOCIAL_CIRCLE",
    "OBS_60_CNT_SOCIAL_CIRCLE",
    "DEF_60_CNT_SOCIAL_CIRCLE",
    "DAYS_LAST_PHONE_CHANGE",
    *_DOCUMENTS,
    *_BUREAU_REQUESTS,
)

# Raw fields that are not features: near-constant in the Kaggle train (FLAG_MOBIL, documents given by fewer
# than 0.1% of clients; they are counted in DOCUMENT_COUNT) or near-copies of the *_AVG building statistics.
DROPPED_RAW: tuple[str, ...] = (
    "FLAG_MOBIL",
    *(f"FLAG_DOCUMENT_{n}" for n in (2, 4, 7, 10, 12, 17, 19, 20, 21)),
    *(f"{s}_{stat}" for stat in ("MODE", "MEDI") for s in BUILDING_STEMS),
)
_RAW_NUMERIC_FEATURES = tuple(c for c in _NUMERIC_INPUT if c not in DROPPED_RAW)

_FEW_ROWS = 8  # up to this many rows, convert the whole frame at once
_POSITION = {name: i for i, name in enumerate(_NUMERIC_INPUT)}
_CATEGORICAL_POSITION = {name: i for i, name in enumerate(APPLICATION_CATEGORICAL)}
_RAW_POSITIONS = np.array([_POSITION[c] for c in _RAW_NUMERIC_FEATURES])


def application_feature_names() -> list[str]:
    """Column order of `application_features`: raw numeric, derived, then categorical."""
    return [*_RAW_NUMERIC_FEATURES, *DERIVED_TEXTS, *APPLICATION_CATEGORICAL]


def application_features(app: pd.DataFrame) -> pd.DataFrame:
    """Raw application rows (official columns; absent ones count as missing) -> features, same index.

    Numeric features are float32; categorical ones are Python strings with "MISSING" for a missing value.
    SK_ID_CURR and TARGET are never read.
    """
    numeric_source, numeric_target, categorical_source, categorical_target = _layout(tuple(app.columns))
    if len(app) <= _FEW_ROWS:
        # a what-if: one conversion of the whole row beats one pandas take per dtype block
        everything = app.to_numpy(dtype=object)
        numeric_values = _as_float(everything[:, numeric_source], app.columns[numeric_source])
        categorical_values = everything[:, categorical_source]
    else:
        numeric_values = _as_float(app.take(numeric_source, axis=1), app.columns[numeric_source])
        categorical_values = app.take(categorical_source, axis=1).to_numpy(dtype=object)
    numeric = np.full((len(app), len(_NUMERIC_INPUT)), np.nan)
    numeric[:, numeric_target] = numeric_values
    raw_days_employed = numeric[:, _POSITION["DAYS_EMPLOYED"]].copy()
    numeric[raw_days_employed == DAYS_EMPLOYED_SENTINEL, _POSITION["DAYS_EMPLOYED"]] = np.nan
    derived = _derived(numeric, raw_days_employed)
    values = np.concatenate([numeric[:, _RAW_POSITIONS], derived], axis=1).astype(np.float32)
    numeric_frame = pd.DataFrame(values, index=app.index, columns=[*_RAW_NUMERIC_FEATURES, *DERIVED_TEXTS])
    categorical_frame = pd.DataFrame(
        _categorical_matrix(categorical_values, categorical_target),
        index=app.index,
        columns=list(APPLICATION_CATEGORICAL),
        dtype=object,
    )
    return pd.concat([numeric_frame, categorical_frame], axis=1)


@lru_cache(maxsize=64)
def _layout(columns: tuple[object, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Where each expected field sits in a frame with these columns: (source, target) positions, numeric then
    categorical. Cached, because the scoring service sends rows of the same shape again and again."""
    where = {name: i for i, name in enumerate(columns)}
    numeric = [(where[c], _POSITION[c]) for c in _NUMERIC_INPUT if c in where]
    categorical = [(where[c], _CATEGORICAL_POSITION[c]) for c in APPLICATION_CATEGORICAL if c in where]
    return (
        np.array([s for s, _ in numeric], dtype=np.intp),
        np.array([t for _, t in numeric], dtype=np.intp),
        np.array([s for s, _ in categorical], dtype=np.intp),
        np.array([t for _, t in categorical], dtype=np.intp),
    )


def _as_float(values: pd.DataFrame | np.ndarray, names: pd.Index) -> np.ndarray:
    try:
        if isinstance(values, pd.DataFrame):
            return values.to_numpy(dtype=np.float64, na_value=np.nan)
        return np.where(pd.isna(values), np.nan, values).astype(np.float64)
    except (TypeError, ValueError) as exc:
        frame = pd.DataFrame(values, columns=names)
        bad = [
            c for c in names if pd.to_numeric(frame[c], errors="coerce").isna().sum() > frame[c].isna().sum()
        ]
        raise FeatureInputError(
            f"Application fields {bad} must be numbers ({exc}); send numeric values or leave them empty."
        ) from exc


def _categorical_matrix(values: np.ndarray, target: np.ndarray) -> np.ndarray:
    matrix = np.full((len(values), len(APPLICATION_CATEGORICAL)), MISSING_CATEGORY, dtype=object)
    if len(target):
        known = ~pd.isna(values)
        values = values.copy()
        values[known] = [str(v) for v in values[known]]
        matrix[:, target] = np.where(known, values, MISSING_CATEGORY)
    return matrix


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        result = numerator / denominator
    result[~np.isfinite(result)] = np.nan
    return result


def _count(matrix: np.ndarray) -> np.ndarray:
    """Sum of 0/1 flags; missing flags count as 0, all missing gives missing."""
    total = np.nansum(matrix, axis=1)
    total[np.isnan(matrix).all(axis=1)] = np.nan
    return total


def _derived(x: np.ndarray, raw_days_employed: np.ndarray) -> np.ndarray:
    def col(name: str) -> np.ndarray:
        return x[:, _POSITION[name]]

    def cols(names: tuple[str, ...]) -> np.ndarray:
        return x[:, [_POSITION[n] for n in names]]

    age_years = -col("DAYS_BIRTH") / 365.25
    anomaly = np.where(
        np.isnan(raw_days_employed), np.nan, (raw_days_employed == DAYS_EMPLOYED_SENTINEL) * 1.0
    )
    ext = cols(_EXT_SOURCES)
    ext_available = (~np.isnan(ext)).sum(axis=1)
    with np.errstate(invalid="ignore"):
        ext_mean = np.where(ext_available > 0, np.nansum(ext, axis=1) / np.maximum(ext_available, 1), np.nan)
        ext_min = np.where(ext_available > 0, np.min(np.where(np.isnan(ext), np.inf, ext), axis=1), np.nan)
        ext_max = np.where(ext_available > 0, np.max(np.where(np.isnan(ext), -np.inf, ext), axis=1), np.nan)
        deviations = np.where(np.isnan(ext), 0.0, (ext - ext_mean[:, None]) ** 2)
        ext_std = np.where(
            ext_available > 1, np.sqrt(deviations.sum(axis=1) / np.maximum(ext_available, 1)), np.nan
        )
    income, credit, annuity = col("AMT_INCOME_TOTAL"), col("AMT_CREDIT"), col("AMT_ANNUITY")
    members = col("CNT_FAM_MEMBERS")
    requests = cols(_BUREAU_REQUESTS)
    columns = [
        age_years,
        -col("DAYS_EMPLOYED") / 365.25,
        anomaly,
        _ratio(col("DAYS_EMPLOYED"), col("DAYS_BIRTH")),
        _ratio(credit, income),
        _ratio(annuity, income),
        _ratio(annuity, credit),
        _ratio(credit, annuity),
        _ratio(col("AMT_GOODS_PRICE"), credit),
        credit - col("AMT_GOODS_PRICE"),
        _ratio(income, members),
        _ratio(annuity, members),
        _ratio(col("CNT_CHILDREN"), members),
        _ratio(col("OWN_CAR_AGE"), age_years),
        _ratio(col("DAYS_REGISTRATION"), col("DAYS_BIRTH")),
        _ratio(col("DAYS_ID_PUBLISH"), col("DAYS_BIRTH")),
        _ratio(col("DAYS_LAST_PHONE_CHANGE"), col("DAYS_BIRTH")),
        ext_mean,
        ext_min,
        ext_max,
        ext.prod(axis=1),
        ext_std,
        (3 - ext_available).astype(np.float64),
        _count(cols(_DOCUMENTS)),
        _count(cols(_CONTACTS)),
        _count(cols(ADDRESS_MISMATCHES)),
        np.where(np.isnan(requests).all(axis=1), np.nan, np.nansum(requests, axis=1)),
        _ratio(col("DEF_30_CNT_SOCIAL_CIRCLE"), col("OBS_30_CNT_SOCIAL_CIRCLE")),
        _ratio(col("DEF_60_CNT_SOCIAL_CIRCLE"), col("OBS_60_CNT_SOCIAL_CIRCLE")),
        np.isnan(cols(tuple(f"{s}_AVG" for s in BUILDING_STEMS))).sum(axis=1).astype(np.float64),
    ]
    return np.column_stack(columns)
