"""Folders of applications to score in tests: the tables the tiny bundle was trained from (its portfolio clients
are the application_test rows), written in the official file names."""

from __future__ import annotations

from pathlib import Path

from training.data.schema import DICTIONARY_STEM, TABLES


def write_tiny_folder(folder: Path, *, fmt: str = "parquet", only_applications: bool = False) -> Path:
    """The data of `tests.bundle_factory.make_tiny_bundle` (same clients, same seed) as a folder of files."""
    from tests.bundle_factory import _tables

    tables = _tables(400, 0)
    folder.mkdir(parents=True, exist_ok=True)
    if not only_applications:
        tables.columns_description.to_csv(folder / f"{DICTIONARY_STEM}.csv", index=False)
    for spec in TABLES:
        if only_applications and spec.attribute != "application_test":
            continue
        frame = getattr(tables, spec.attribute)
        if fmt == "parquet":
            frame.to_parquet(folder / f"{spec.stem}.parquet", index=False)
        else:
            frame.to_csv(folder / f"{spec.stem}.{fmt}", index=False)
    return folder
