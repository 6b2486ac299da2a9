"""One feature row per client, for the training clients (with TARGET) and the test clients (the portfolio).

TARGET is split off the application table before any feature is computed, and the secondary tables never
carry it, so no feature can see the outcome. Train and test go through the same functions; columns that
carry no information on the training clients (all missing, or one single value everywhere) are dropped
from both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from training.data.errors import DataError, FeatureInputError
from training.features.aggregates import (
    DEFAULT_MEMORY_LIMIT,
    DEFAULT_THREADS,
    SecondaryTables,
    aggregate_features,
)
from training.features.application import APPLICATION_CATEGORICAL, application_features
from training.features.descriptions import feature_descriptions

TARGET = "TARGET"
TRAIN_FILE = "train.parquet"
TEST_FILE = "test.parquet"
METADATA_FILE = "features.json"


class HomeCreditFrames(SecondaryTables, Protocol):
    """What the feature build reads from `training.data.loader.HomeCreditTables`."""

    application_train: pd.DataFrame
    application_test: pd.DataFrame
    columns_description: pd.DataFrame


@dataclass
class FeatureTables:
    train: pd.DataFrame  # index SK_ID_CURR: feature columns + TARGET (int8)
    test: pd.DataFrame  # index SK_ID_CURR: the same feature columns, no TARGET
    categorical: list[str]  # categorical features: Python strings, missing as "MISSING"
    descriptions: dict[str, str]  # every feature and raw application field -> French description
    descriptions_en: dict[str, str]  # the same in English
    dropped: list[str] = field(default_factory=list)  # features without information on the training clients

    @property
    def features(self) -> list[str]:
        """Feature columns, in table order (TARGET excluded)."""
        return list(self.test.columns)

    def save(self, folder: Path) -> Path:
        """Write train.parquet, test.parquet and features.json (categorical list, descriptions, dropped)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.train.to_parquet(folder / TRAIN_FILE)
        self.test.to_parquet(folder / TEST_FILE)
        metadata = {
            "features": self.features,
            "categorical": self.categorical,
            "dropped": self.dropped,
            "descriptions": self.descriptions,
            "descriptions_en": self.descriptions_en,
        }
        (folder / METADATA_FILE).write_text(json.dumps(metadata, indent=2, ensure_ascii=False))
        return folder

    @classmethod
    def load(cls, folder: Path) -> FeatureTables:
        folder = Path(folder)
        paths = [folder / TRAIN_FILE, folder / TEST_FILE, folder / METADATA_FILE]
        absent = [str(p) for p in paths if not p.exists()]  # Spark writes a table as a Parquet folder
        rebuild = "Build one with `python -m training features --data DIR --out DIR`."
        if absent:
            raise DataError(f"{absent} missing: {folder} is not a feature folder. {rebuild}")
        try:
            metadata = json.loads((folder / METADATA_FILE).read_text())
            return cls(
                train=_indexed(pd.read_parquet(paths[0])),
                test=_indexed(pd.read_parquet(paths[1])),
                categorical=list(metadata["categorical"]),
                descriptions=dict(metadata["descriptions"]),
                descriptions_en=dict(metadata["descriptions_en"]),
                dropped=list(metadata["dropped"]),
            )
        except (OSError, ValueError, KeyError) as exc:  # pyarrow and json raise these for a damaged file
            raise DataError(
                f"The feature folder {folder} cannot be read ({exc}): it is damaged. {rebuild}"
            ) from exc


def build_feature_tables(
    tables: HomeCreditFrames,
    *,
    progress: bool = False,
    threads: int = DEFAULT_THREADS,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
) -> FeatureTables:
    """Features of every training and test client from the eight tables of `tables`."""
    train_app = _applications(tables.application_train, "application_train")
    if TARGET not in train_app.columns:
        raise FeatureInputError(
            "application_train has no TARGET column; give the training file, which holds the outcome."
        )
    target = train_app[TARGET].astype(np.int8)
    train_app = train_app.drop(columns=[TARGET])
    test_app = _applications(tables.application_test, "application_test").drop(
        columns=[TARGET], errors="ignore"
    )

    steps = tqdm(total=3, desc="features", unit="step", disable=not progress)
    train = application_features(train_app)
    test = application_features(test_app)
    steps.update(1)
    aggregates = aggregate_features(
        tables,
        np.concatenate([train.index.to_numpy(), test.index.to_numpy()]),
        threads=threads,
        memory_limit=memory_limit,
        progress=progress,
    )
    steps.update(1)
    train = pd.concat([train, aggregates.reindex(train.index)], axis=1)
    test = pd.concat([test, aggregates.reindex(test.index)], axis=1)
    dropped = degenerate_columns(train)
    train = train.drop(columns=dropped)
    test = test.drop(columns=dropped)
    french, english = feature_descriptions(train.columns, tables.columns_description)
    train[TARGET] = target
    steps.update(1)
    steps.close()
    return FeatureTables(
        train=train,
        test=test,
        categorical=[c for c in APPLICATION_CATEGORICAL if c in test.columns],
        descriptions=french,
        descriptions_en=english,
        dropped=dropped,
    )


def client_features(
    applications: pd.DataFrame,
    tables: SecondaryTables,
    *,
    threads: int = DEFAULT_THREADS,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    progress: bool = False,
) -> pd.DataFrame:
    """Every feature the definitions produce for these application rows, index SK_ID_CURR, nothing dropped.

    What a batch of new applications gets (by DuckDB; `training.features.spark` gives the same on Spark): a
    model then takes its own columns from it, whatever the batch holds."""
    app = _applications(applications, "the application table").drop(columns=[TARGET], errors="ignore")
    features = application_features(app)
    aggregates = aggregate_features(
        tables, features.index, threads=threads, memory_limit=memory_limit, progress=progress
    )
    return pd.concat([features, aggregates.reindex(features.index)], axis=1)


def no_history_features() -> dict[str, float]:
    """The aggregates of a client without a single row in the secondary tables, as the definitions compute them
    (row counts 0; every other aggregate missing, hence left out). What a new application scored alone gets,
    exactly as in a batch without history."""
    from types import SimpleNamespace

    from training.data.batch import SECONDARY, empty_table

    tables = SimpleNamespace(**{attribute: empty_table(attribute) for attribute in SECONDARY})
    row = aggregate_features(tables, [0], threads=1).iloc[0]  # type: ignore[arg-type]
    return {str(name): float(value) for name, value in row.items() if not pd.isna(value)}


def degenerate_columns(frame: pd.DataFrame) -> list[str]:
    """Columns with a single value on every row (missing counts as a value): no model can learn from them."""
    out = []
    for name in frame.columns:
        values = frame[name]
        missing = values.isna()
        if missing.all() or (not missing.any() and values.nunique() <= 1):
            out.append(name)
    return out


def _indexed(frame: pd.DataFrame) -> pd.DataFrame:
    """A feature table indexed by SK_ID_CURR (a table written by Spark holds it as a column, in id order)."""
    return frame.set_index("SK_ID_CURR") if "SK_ID_CURR" in frame.columns else frame


def _applications(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    if "SK_ID_CURR" in frame.columns:
        frame = frame.set_index("SK_ID_CURR")
    elif frame.index.name != "SK_ID_CURR":
        raise FeatureInputError(f"{name} has no SK_ID_CURR column; give the official Home Credit file.")
    if frame.index.has_duplicates:
        raise FeatureInputError(f"{name} repeats some SK_ID_CURR; each client must appear once.")
    return frame
