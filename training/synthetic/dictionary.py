"""The data dictionary written next to generated tables (HomeCredit_columns_description.csv, cp1252).

Descriptions are short wordings of our own, derived from the column names: the official dictionary's text is
not copied.
"""

from __future__ import annotations

import pandas as pd

from training.data.schema import DICTIONARY_TABLE_NAMES, TABLES

_PREFIXES: tuple[tuple[str, str], ...] = (
    ("SK_ID_CURR", "Client (loan application) identifier"),
    ("SK_ID_PREV", "Previous Home Credit credit identifier"),
    ("SK_ID_BUREAU", "Credit Bureau credit identifier"),
    ("TARGET", "1 = payment difficulties on the loan (default), 0 = all other cases"),
    ("AMT_", "Amount"),
    ("DAYS_", "Days relative to the application (negative = before; 365243 = no date)"),
    ("MONTHS_", "Months relative to the application (negative = before)"),
    ("FLAG_DOCUMENT_", "Document provided (1 = yes)"),
    ("FLAG_", "Flag (1/Y = yes)"),
    ("NFLAG_", "Flag (1 = yes)"),
    ("CNT_", "Count"),
    ("NAME_", "Category"),
    ("CODE_", "Code"),
    ("EXT_SOURCE_", "Normalized score from an external data source"),
    ("REG_", "Address mismatch flag (1 = different)"),
    ("LIVE_", "Address mismatch flag (1 = different)"),
    ("REGION_", "Region characteristic"),
    ("SK_DPD", "Days past due"),
    ("RATE_", "Rate (normalized)"),
    ("HOUR_", "Hour of the application"),
    ("WEEKDAY_", "Day of the week of the application"),
    ("OBS_", "Observations of the client's social surroundings"),
    ("DEF_", "Defaults in the client's social surroundings"),
)
_SUFFIXES = {"_AVG": "building, average", "_MODE": "building, mode", "_MEDI": "building, median"}


def describe(column: str) -> str:
    words = column.replace("_", " ").lower()
    for suffix, meaning in _SUFFIXES.items():
        if column.endswith(suffix) and not column.startswith(("FLAG_", "AMT_")):
            return f"Normalized information about the building where the client lives ({meaning}): {words}"
    for prefix, meaning in _PREFIXES:
        if column.startswith(prefix):
            return f"{meaning}: {words}"
    return words.capitalize()


def columns_description() -> pd.DataFrame:
    rows = []
    for spec in TABLES:
        if spec.attribute == "application_test":
            continue
        table = DICTIONARY_TABLE_NAMES[spec.attribute]
        rows += [(table, name, describe(name), "") for name in spec.columns]
    frame = pd.DataFrame(rows, columns=["Table", "Row", "Description", "Special"])
    frame.index = frame.index + 1
    return frame
