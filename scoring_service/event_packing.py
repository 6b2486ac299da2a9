"""Events' features packed for PostgreSQL: one array of numbers per event against a stored feature list.

A JSON object repeating 120 feature names per event (about 4.6 kB at the real model's widths) cost the writer a
dict and its JSON per event, and the PostgreSQL server more than the rest of the row: parsing the JSON and
compressing it (it passes the 2 kB from which the server compresses a value). Packed, an event's numbers are
little-endian float64 (960 bytes for 120 features, stored as they are), its other values (category levels, and
any integer or boolean, kept exact) a small JSON object keyed by position, and its feature names a key into
`event_feature_lists`. A whole flush is encoded at once with numpy; reading decodes back to the same values by
name: a missing or non-finite number reads as missing, as the JSON form's null does.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

import numpy as np
import orjson
import pandas as pd

FLOAT = np.dtype("<f8")
NUMBER_KINDS = frozenset({"floating", "empty"})  # pandas.api.types.infer_dtype, missing values skipped


def feature_list_key(names: Sequence[str]) -> str:
    """The stored feature list's key: the same for the same names in the same order, in every process."""
    return hashlib.sha256("\x1f".join(names).encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class PackedFeatures:
    """One flush's events of one feature list: row i's packed numbers and its other values' JSON (or None)."""

    key: str
    names: tuple[str, ...]
    numbers: bytes  # rows of len(names) float64, back to back
    others: list[str | None]

    def row_numbers(self, i: int) -> bytes:
        width = 8 * len(self.names)
        return self.numbers[i * width : (i + 1) * width]


class SplitValues(Sequence[object]):
    """An event's values as the scorer's matrices hold them: a row of float64 numbers, then the other values
    (category levels). A sequence like any other for every store; packing takes the numbers as they are."""

    __slots__ = ("numbers", "others")

    def __init__(self, numbers: np.ndarray, others: list[object]) -> None:
        self.numbers = numbers
        self.others = others

    def __len__(self) -> int:
        return len(self.numbers) + len(self.others)

    @overload
    def __getitem__(self, index: int) -> object: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[object]: ...
    def __getitem__(self, index: int | slice) -> object:
        return list(self)[index]

    def __iter__(self) -> Iterator[object]:
        return iter(self.numbers.tolist() + self.others)


def pack(
    names: Sequence[str],
    value_rows: Sequence[Sequence[object]],
    refuse: Callable[[int, Exception], None],
) -> tuple[PackedFeatures, list[int]]:
    """Packs events' values (each row as long as `names`) in one go; returns them with the indexes of the rows
    kept. A row whose other values cannot be made JSON is passed to `refuse(index, error)` and left out."""
    numbers = np.full((len(value_rows), len(names)), np.nan, dtype=FLOAT)
    others: list[dict[str, object]] = [{} for _ in value_rows]
    width = _split_width(value_rows)
    if width:  # the scorer's rows: the numbers as they are, the rest looked at
        numbers[:, :width] = np.stack([row.numbers for row in value_rows])  # type: ignore[attr-defined]
        _pack_cells([row.others for row in value_rows], width, numbers, others)  # type: ignore[attr-defined]
    else:
        _pack_cells(value_rows, 0, numbers, others)
    numbers[~np.isfinite(numbers)] = np.nan
    kept: list[int] = []
    texts: list[str | None] = []
    for i, found in enumerate(others):
        try:
            texts.append(orjson.dumps(found).decode() if found else None)
        except TypeError as exc:
            refuse(i, exc)
            continue
        kept.append(i)
    packed = PackedFeatures(feature_list_key(names), tuple(names), numbers[kept].tobytes(), texts)
    return packed, kept


def _split_width(value_rows: Sequence[Sequence[object]]) -> int:
    """How many leading values are float64 numbers in every row (rows all SplitValues of one split), else 0."""
    first = value_rows[0] if value_rows else None
    if not isinstance(first, SplitValues):
        return 0
    width = len(first.numbers)
    fits = all(type(row) is SplitValues and len(row.numbers) == width for row in value_rows)
    return width if fits and first.numbers.dtype == FLOAT else 0


def _pack_cells(
    rows: Sequence[Sequence[object]], offset: int, numbers: np.ndarray, others: list[dict[str, object]]
) -> None:
    """Columns offset, offset + 1... of `numbers` and `others` from rows of Python values: a column of floats
    (missing values allowed) converted at once, any other column value by value."""
    if numbers.shape[1] == offset:
        return
    cells = np.empty((len(rows), numbers.shape[1] - offset), dtype=object)
    cells[:] = rows
    floats = []
    for j in range(cells.shape[1]):
        if pd.api.types.infer_dtype(cells[:, j], skipna=True) in NUMBER_KINDS:
            floats.append(j)
        else:
            _split_column(cells[:, j], offset + j, numbers, others)
    numbers[:, [offset + j for j in floats]] = cells[:, floats].astype(FLOAT)  # one conversion for them all


def _split_column(column: np.ndarray, j: int, numbers: np.ndarray, others: list[dict[str, object]]) -> None:
    """A column that is not all floats: floats go to the numbers, anything else but a missing value (text,
    integers, booleans) to the row's other values under the column's position, kept exact."""
    key = str(j)
    for i, value in enumerate(column.tolist()):
        if value is None:
            continue
        if type(value) is float:
            numbers[i, j] = value
        else:
            others[i][key] = value


def unpack(
    names: Sequence[str],
    numbers: Sequence[bytes],
    others: Sequence[str | dict[str, object] | None],
    index: Sequence[int],
) -> pd.DataFrame:
    """Rows packed with one feature list back as one column per feature, indexed by `index`, as the JSON form
    reads: a column of numbers as float64 (missing: NaN); a column holding any other value, or none at all, as
    pandas makes it from those values, with None where missing."""
    width = 8 * len(names)
    if any(len(row) != width for row in numbers):
        raise ValueError(f"a stored event's numbers do not match its feature list of {len(names)} features")
    matrix = np.frombuffer(b"".join(numbers), dtype=FLOAT).reshape(len(numbers), len(names))
    frame = pd.DataFrame(matrix, columns=list(names), index=list(index))
    placed: dict[int, list[tuple[int, object]]] = {}
    for i, text in enumerate(others):
        if text:
            found = text if isinstance(text, dict) else orjson.loads(text)
            for position, value in found.items():
                placed.setdefault(int(position), []).append((i, value))
    for empty in np.flatnonzero(np.isnan(matrix).all(axis=0)).tolist():  # JSON's nulls only: None, as read
        placed.setdefault(empty, [])
    for j, cells in placed.items():
        values: list[object] = [None if math.isnan(x) else x for x in matrix[:, j].tolist()]
        for i, value in cells:
            values[i] = value
        frame.isetitem(j, pd.Series(values, index=frame.index).to_numpy())
    return frame


def group_by_names(items: Sequence[Any], names_of: Callable[[Any], Sequence[str]]) -> Iterator[list[int]]:
    """Indexes of `items` grouped by their feature names (usually one group: the served model's list)."""
    groups: dict[tuple[str, ...], list[int]] = {}
    seen: dict[int, tuple[str, ...]] = {}  # the same list object is compared once
    for i, item in enumerate(items):
        names = names_of(item)
        ident = id(names)
        if ident not in seen:
            seen[ident] = tuple(names)
        groups.setdefault(seen[ident], []).append(i)
    yield from groups.values()
