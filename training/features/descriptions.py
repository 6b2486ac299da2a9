"""Plain-language descriptions, French first, of every raw application field and every model feature.

They travel with the model (bundle metadata), so the scoring service and the dashboard never guess what a
column means. French and English texts are written here; the official data dictionary only fills in
application fields that the built-in texts do not know (an extra column), in English and, for want of
better, in French too.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from training.features.aggregates import aggregate_texts
from training.features.application import DERIVED_TEXTS
from training.features.field_texts import application_field_texts

_APPLICATION_TABLE_PREFIX = "application"


def field_descriptions(
    columns_description: pd.DataFrame | None = None,
) -> tuple[dict[str, str], dict[str, str]]:
    """Raw application fields -> (French, English) descriptions, for showing a client's file."""
    texts = application_field_texts()
    french = {name: fr for name, (fr, _en) in texts.items()}
    english = {name: en for name, (_fr, en) in texts.items()}
    for name, official in _official_application_texts(columns_description).items():
        english.setdefault(name, official)
        french.setdefault(name, f"{official} (description officielle en anglais)")
    return french, english


def feature_descriptions(
    features: Iterable[str], columns_description: pd.DataFrame | None
) -> tuple[dict[str, str], dict[str, str]]:
    """`features` plus every raw application field -> (French, English) descriptions.

    Raises ValueError naming any feature without a description: a feature nobody can explain must not ship.
    """
    french, english = field_descriptions(columns_description)
    for name, (fr, en) in {**DERIVED_TEXTS, **aggregate_texts()}.items():
        french[name] = fr
        english[name] = en
    features = list(features)
    unknown = [f for f in features if f not in french or f not in english]
    if unknown:
        raise ValueError(
            f"No description for the features {unknown}; add their French and English texts next to their "
            "definition in training/features/."
        )
    return french, english


def _official_application_texts(columns_description: pd.DataFrame | None) -> dict[str, str]:
    if columns_description is None or len(columns_description) == 0:
        return {}
    missing = {"Table", "Row", "Description"} - set(columns_description.columns)
    if missing:
        raise ValueError(
            f"The data dictionary lacks the columns {sorted(missing)}; give "
            "HomeCredit_columns_description.csv as published (columns Table, Row, Description)."
        )
    rows = columns_description[
        columns_description["Table"].astype(str).str.startswith(_APPLICATION_TABLE_PREFIX)
    ]
    return {str(row): str(text).strip() for row, text in zip(rows["Row"], rows["Description"], strict=True)}
