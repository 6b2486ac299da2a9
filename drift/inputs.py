"""What the report compares: a Home Credit folder (train features vs test features, built by the training
code) or ready-made feature tables (Parquet or CSV), plus the importance and feature types of a model bundle.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from common.errors import UserError

TARGET = "TARGET"
ID_COLUMN = "SK_ID_CURR"
NOT_FEATURES = (TARGET, ID_COLUMN, "PROBABILITY")


class InputError(UserError):
    """An input the report cannot read; the message names the file and the fix."""


@dataclass
class Inputs:
    reference: pd.DataFrame
    current: pd.DataFrame
    categorical: list[str] = field(default_factory=list)
    application_features: list[str] | None = None  # known when built from Home Credit folders
    description: str = ""


def is_homecredit_folder(path: Path) -> bool:
    return path.is_dir() and (any(path.glob("application_train.*")) or any(path.glob("application_test.*")))


def read_table(path: Path) -> pd.DataFrame:
    name = path.name.lower()
    if not path.is_file():
        raise InputError(f"{path} does not exist. Give a Home Credit folder, a Parquet file or a CSV file.")
    if not name.endswith((".parquet", ".csv", ".csv.gz")):
        raise InputError(f"{path} is neither Parquet nor CSV (.parquet, .csv, .csv.gz).")
    try:
        frame = pd.read_parquet(path) if name.endswith(".parquet") else pd.read_csv(path)
    except (OSError, ValueError) as exc:  # pyarrow and the CSV parser raise these for a damaged file
        raise InputError(f"{path} cannot be read ({exc}). Give a readable Parquet or CSV file.") from exc
    if ID_COLUMN in frame.columns:
        frame = frame.set_index(ID_COLUMN)
    return frame


@dataclass
class FolderFeatures:
    train: pd.DataFrame
    test: pd.DataFrame
    categorical: list[str]
    application: list[str]


def folder_features(folder: Path) -> FolderFeatures:
    """Model features of a Home Credit folder's train and test clients, built by the training code."""
    if not is_homecredit_folder(folder):
        raise InputError(
            f"{folder} is not a Home Credit folder (no application_train / application_test file)."
        )
    from training.data.loader import load_tables
    from training.features.application import application_feature_names
    from training.features.build import build_feature_tables

    tables = build_feature_tables(load_tables(folder, progress=True), progress=True)
    return FolderFeatures(
        train=tables.train,
        test=tables.test,
        categorical=list(tables.categorical),
        application=[c for c in application_feature_names() if c in tables.train.columns],
    )


def load_inputs(reference: Path, current: Path) -> Inputs:
    """Reference = the train side of a folder (or a table); current = the test side of a folder (or a
    table)."""
    built: dict[Path, FolderFeatures] = {}

    def side(path: Path, which: str) -> pd.DataFrame:
        if not path.is_dir():
            return read_table(path)
        key = path.resolve()
        if key not in built:
            built[key] = folder_features(path)
        return built[key].train if which == "train" else built[key].test

    ref, cur = side(reference, "train"), side(current, "test")
    categorical = list(dict.fromkeys(c for f in built.values() for c in f.categorical))
    application = next((f.application for f in built.values()), None)
    ref = ref.drop(columns=[c for c in NOT_FEATURES if c in ref.columns])
    cur = cur.drop(columns=[c for c in NOT_FEATURES if c in cur.columns])
    common = [c for c in ref.columns if c in cur.columns]
    if not common:
        raise InputError(
            f"{reference} and {current} share no feature column. "
            "Compare tables built by the same feature code."
        )
    only = sorted(set(ref.columns) ^ set(cur.columns))
    description = f"{reference} ({len(ref):,} rows) vs {current} ({len(cur):,} rows)"
    if only:
        description += (
            f"; {len(only)} column(s) present on one side only were left out: {', '.join(only[:10])}"
        )
    return Inputs(ref[common], cur[common], categorical, application, description)


def bundle_importance(
    model_uri_or_bundle: str, tracking_uri: str | None
) -> tuple[dict[str, float], list[str]]:
    """Global importance (feature -> mean |SHAP|) and categorical features of a bundle folder or a registry
    URI."""
    from drift.reference import resolve_bundle
    from registry.bundle import load_metadata

    with tempfile.TemporaryDirectory(prefix="drift-bundle-") as download_to:
        metadata = load_metadata(resolve_bundle(model_uri_or_bundle, tracking_uri, Path(download_to)))
    return {str(k): float(v) for k, v in metadata.global_importance.items()}, list(
        metadata.categorical_features
    )


def sample_rows(frame: pd.DataFrame, n: int | None, seed: int = 0) -> pd.DataFrame:
    if n is None or len(frame) <= n:
        return frame
    return frame.sample(n=n, random_state=seed)
