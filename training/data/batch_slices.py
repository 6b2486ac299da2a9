"""A batch of applications in slices of clients, so that memory does not grow with the batch.

`load_batch` holds the whole batch's secondary rows at once (about 11 kB per application scored): a night's
batch of the whole book would need the memory of the book. Here every file is read once, a few hundred
thousand rows at a time, and each row kept (a client of the batch) is appended to its slice's spill file
(Arrow IPC, in a work folder on disk); the slices are then read back one by one, each a `BatchTables` of at
most `slice_clients` applications with their own history. Memory is set by the slice size and the read
batches, not by the batch; the files are decoded once whatever the number of slices.

Slices follow the application file's order, so results written slice by slice keep that order.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from training.data.batch import (
    APPLICATION_COLUMNS,
    ID,
    SECONDARY,
    BatchTables,
    application_path,
    check_applications,
    empty_table,
)
from training.data.reader import finish_table, optional_file, read_batches, read_table
from training.data.schema import TABLES_BY_ATTRIBUTE, Kind

APPLICATIONS = "applications"


@dataclass(frozen=True)
class SlicePlan:
    """Which slice each client of the batch belongs to (by its position in the application file)."""

    sorted_ids: np.ndarray  # the batch's ids, sorted
    sorted_slices: np.ndarray  # the slice of each of them
    count: int

    @classmethod
    def of(cls, ids: np.ndarray, slice_clients: int) -> SlicePlan:
        if slice_clients < 1:
            raise ValueError(f"slice_clients must be at least 1, got {slice_clients}.")
        order = np.argsort(ids, kind="stable")
        slices = np.arange(len(ids)) // slice_clients
        return cls(ids[order], slices[order], int(slices[-1]) + 1 if len(ids) else 0)

    def slices_of(self, keys: np.ndarray) -> np.ndarray:
        """The slice of each key, -1 for a key outside the batch."""
        if not len(self.sorted_ids):
            return np.full(len(keys), -1)
        positions = np.minimum(np.searchsorted(self.sorted_ids, keys), len(self.sorted_ids) - 1)
        found = self.sorted_ids[positions] == keys
        return np.where(found, self.sorted_slices[positions], -1)


class SpillFiles:
    """One Arrow IPC stream per slice of one table, opened when its first row arrives."""

    def __init__(self, folder: Path, table: str, stack: ExitStack) -> None:
        self.folder, self.table, self.stack = folder, table, stack
        self.writers: dict[int, pa.ipc.RecordBatchStreamWriter] = {}

    def path(self, slice_index: int) -> Path:
        return self.folder / f"{self.table}-{slice_index}.arrow"

    def append(self, batch: pa.RecordBatch, slices: np.ndarray) -> None:
        """Rows of `batch` to the slices given row by row (-1: not kept)."""
        kept = slices >= 0
        if not kept.any():
            return
        order = np.argsort(slices[kept], kind="stable")
        rows = batch.filter(pa.array(kept)).take(pa.array(order))
        ordered = slices[kept][order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        ends = np.r_[starts[1:], len(ordered)]
        for start, end in zip(starts, ends, strict=True):
            index = int(ordered[start])
            writer = self.writers.get(index)
            if writer is None:
                writer = self.stack.enter_context(pa.ipc.new_stream(str(self.path(index)), rows.schema))
                self.writers[index] = writer
            writer.write_batch(rows.slice(int(start), int(end - start)))


def spill(
    path: Path,
    columns: dict[str, Kind],
    key: str,
    slices_of: SlicePlan | KeyedSlices,
    folder: Path,
    table: str,
) -> KeyedSlices | None:
    """Read `path` once and spill its batch rows by slice; for bureau, also the slice of each credit kept
    (bureau_balance is keyed by credit)."""
    credits: list[np.ndarray] = []
    credit_slices: list[np.ndarray] = []
    pool = pa.default_memory_pool()
    with ExitStack() as stack:
        files = SpillFiles(folder, table, stack)
        for batch in read_batches(path, columns):
            keys = batch.column(key).to_numpy(zero_copy_only=False)
            slices = slices_of.slices_of(keys)
            files.append(batch, slices)
            if table == "bureau":
                kept = slices >= 0
                credits.append(batch.column("SK_ID_BUREAU").to_numpy(zero_copy_only=False)[kept])
                credit_slices.append(slices[kept])
    pool.release_unused()  # the decoded batches' memory back to the system before the next file
    if table != "bureau":
        return None
    return KeyedSlices.of(
        np.concatenate(credits) if credits else np.empty(0, np.int64),
        np.concatenate(credit_slices) if credit_slices else np.empty(0, np.int64),
    )


@dataclass(frozen=True)
class KeyedSlices:
    """The slice of each credit of the batch (bureau_balance rows follow their credit's client)."""

    sorted_keys: np.ndarray
    sorted_slices: np.ndarray

    @classmethod
    def of(cls, keys: np.ndarray, slices: np.ndarray) -> KeyedSlices:
        order = np.argsort(keys, kind="stable")
        return cls(keys[order], slices[order])

    def slices_of(self, keys: np.ndarray) -> np.ndarray:
        return SlicePlan(self.sorted_keys, self.sorted_slices, 0).slices_of(keys)


def batch_ids(path: Path) -> np.ndarray:
    """The application file's ids, checked (at least one, none twice), without reading its other columns."""
    ids = read_table(path, {ID: "key"})
    check_applications(ids, path)
    return ids[ID].to_numpy(dtype=np.int64)


def sliced_batch(data: Path, slice_clients: int, work: Path) -> Iterator[BatchTables]:
    """The batch of `data` as consecutive slices of at most `slice_clients` applications, each with its
    clients' secondary rows (spilled under `work`, which the caller creates and removes)."""
    path = application_path(data)
    plan = SlicePlan.of(batch_ids(path), slice_clients)
    folder = Path(data) if Path(data).is_dir() else None
    files: dict[str, Path] = {}
    spill(path, APPLICATION_COLUMNS, ID, plan, work, APPLICATIONS)
    credits: KeyedSlices | None = None
    for attribute in SECONDARY:
        found = optional_file(folder, TABLES_BY_ATTRIBUTE[attribute].stem)
        if found is None:
            continue
        files[attribute] = found
        columns = TABLES_BY_ATTRIBUTE[attribute].columns
        if attribute == "bureau_balance":  # read after bureau (SECONDARY's order); no bureau: no credit kept
            keyed = credits or KeyedSlices.of(np.empty(0, np.int64), np.empty(0, np.int64))
            spill(found, columns, "SK_ID_BUREAU", keyed, work, attribute)
        else:
            credits = spill(found, columns, ID, plan, work, attribute) or credits
    for index in range(plan.count):
        frames = {
            attribute: _slice_table(work, attribute, index, files.get(attribute)) for attribute in SECONDARY
        }
        applications = _read_spilled(work / f"{APPLICATIONS}-{index}.arrow", path, APPLICATION_COLUMNS)
        yield BatchTables(applications=applications, application_file=path, files=files, **frames)


def _slice_table(work: Path, attribute: str, index: int, source: Path | None) -> pd.DataFrame:
    spilled = work / f"{attribute}-{index}.arrow"
    if source is None or not spilled.exists():
        return empty_table(attribute)
    return _read_spilled(spilled, source, TABLES_BY_ATTRIBUTE[attribute].columns)


def _read_spilled(spilled: Path, source: Path, columns: dict[str, Kind]) -> pd.DataFrame:
    with pa.memory_map(str(spilled)) as handle:
        table = pa.ipc.open_stream(handle).read_all()
    frame = finish_table(source, table, columns)
    spilled.unlink()
    return frame
