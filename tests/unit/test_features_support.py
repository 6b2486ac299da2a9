"""Hand-built Home Credit tables for the feature tests (helpers only; no test here).

Tables carry every official column, typed as the loader types them (int32 keys, float32 amounts, pandas categories
for text), so the feature code meets here what it meets on real data. Unspecified values are missing (0 for the
integer columns, which are never missing in the real files).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from training.data.loader import HomeCreditTables
from training.data.schema import NUMPY_DTYPES, TABLES_BY_ATTRIBUTE


def frame(attribute: str, rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """A table of `attribute` with the official columns and dtypes; absent fields are missing."""
    columns = TABLES_BY_ATTRIBUTE[attribute].columns
    data: dict[str, Any] = {}
    for name, kind in columns.items():
        values = [row.get(name) for row in rows]
        if kind == "cat":
            data[name] = pd.Categorical(values)
        elif kind == "f32":
            data[name] = np.array([np.nan if v is None else v for v in values], dtype=np.float32)
        else:
            data[name] = np.array([0 if v is None else v for v in values], dtype=NUMPY_DTYPES[kind])
    unknown = {key for row in rows for key in row} - set(columns)
    assert not unknown, f"not official columns of {attribute}: {unknown}"
    return pd.DataFrame(data, columns=list(columns))


def tables(**rows: Sequence[dict[str, Any]]) -> HomeCreditTables:
    """HomeCreditTables from row dicts per table attribute; tables not given are empty."""
    frames = {attribute: frame(attribute, rows.get(attribute, ())) for attribute in TABLES_BY_ATTRIBUTE}
    return HomeCreditTables(**frames, columns_description=dictionary())


def dictionary() -> pd.DataFrame:
    """A two-row data dictionary in the official layout."""
    return pd.DataFrame(
        {
            "Table": ["application_{train|test}.csv", "bureau.csv"],
            "Row": ["AMT_CREDIT", "AMT_CREDIT_SUM"],
            "Description": [
                "Credit amount of the loan",
                "Current credit amount for the Credit Bureau credit",
            ],
            "Special": ["", ""],
        }
    )


def application(client: int, **fields: Any) -> dict[str, Any]:
    """An ordinary applicant; `fields` override."""
    row: dict[str, Any] = {
        "SK_ID_CURR": client,
        "NAME_CONTRACT_TYPE": "Cash loans",
        "CODE_GENDER": "F",
        "FLAG_OWN_CAR": "N",
        "FLAG_OWN_REALTY": "Y",
        "CNT_CHILDREN": 0,
        "AMT_INCOME_TOTAL": 150000.0,
        "AMT_CREDIT": 500000.0,
        "AMT_ANNUITY": 25000.0,
        "AMT_GOODS_PRICE": 450000.0,
        "NAME_INCOME_TYPE": "Working",
        "NAME_EDUCATION_TYPE": "Higher education",
        "NAME_FAMILY_STATUS": "Married",
        "NAME_HOUSING_TYPE": "House / apartment",
        "DAYS_BIRTH": -14610,
        "DAYS_EMPLOYED": -2000,
        "DAYS_REGISTRATION": -3000.0,
        "DAYS_ID_PUBLISH": -1000,
        "CNT_FAM_MEMBERS": 2.0,
        "EXT_SOURCE_2": 0.5,
        "ORGANIZATION_TYPE": "Business Entity Type 3",
        "WEEKDAY_APPR_PROCESS_START": "MONDAY",
        "HOUR_APPR_PROCESS_START": 10,
    }
    row.update(fields)
    return row
