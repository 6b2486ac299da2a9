"""Writing a batch's results so that a reader never takes a partial file for a complete one: everything is
written under a hidden temporary name beside the target, then renamed in one step (a rename within a folder is
atomic); a failure removes the temporary file and leaves any previous output untouched."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from common.errors import UserError

FORMATS = (".parquet", ".csv")


class BatchError(UserError):
    """A batch that cannot run; the message says what is wrong and what to do."""


def output_format(path: Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise BatchError(f"--out {path}: give a file name ending in .parquet or .csv.")
    return suffix


def partial_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.partial-{os.getpid()}")


def write_atomically(path: Path, write: Callable[[Path], None]) -> Path:
    """Run `write(temporary_path)` (a file or a folder), then rename it to `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = partial_path(path)
    _remove(partial)
    try:
        write(partial)
        if path.is_dir():
            shutil.rmtree(path)
        os.replace(partial, path)
    except BaseException:
        _remove(partial)
        raise
    return path


class ResultsWriter:
    """Results appended a slice at a time to a hidden temporary file, renamed to `path` once every slice is in;
    left early by an error, it removes the temporary file and leaves any previous output untouched.

    The Arrow schema is given up front, so a slice whose text columns are all empty (no reason asked, say)
    still writes the same column types as the others."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path, self.schema = Path(path), schema
        self.format = output_format(self.path)
        self.partial = partial_path(self.path)
        self.parquet: pq.ParquetWriter | None = None
        self.rows = 0

    def __enter__(self) -> ResultsWriter:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _remove(self.partial)
        if self.format == ".parquet":
            self.parquet = pq.ParquetWriter(self.partial, self.schema)
        return self

    def write(self, frame: pd.DataFrame) -> None:
        if self.parquet is not None:
            self.parquet.write_table(pa.Table.from_pandas(frame, schema=self.schema, preserve_index=False))
        else:
            frame.to_csv(self.partial, mode="a", header=self.rows == 0, index=False)
        self.rows += len(frame)

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        try:
            if self.parquet is not None:
                self.parquet.close()
            if kind is None:
                os.replace(self.partial, self.path)
        finally:
            if kind is not None:
                _remove(self.partial)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists():
        path.unlink()
