"""Writing a batch's results so that a reader never takes a partial file for a complete one: everything is
written under a hidden temporary name beside the target, then renamed in one step (a rename within a folder is
atomic); a failure removes the temporary file and leaves any previous output untouched."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd

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


def write_frame(frame: pd.DataFrame, path: Path) -> Path:
    """The results as one Parquet or CSV file, written atomically."""
    fmt = output_format(path)

    def write(target: Path) -> None:
        if fmt == ".parquet":
            frame.to_parquet(target, index=False)
        else:
            frame.to_csv(target, index=False)

    return write_atomically(path, write)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists():
        path.unlink()
