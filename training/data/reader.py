"""Reading one Home Credit file (CSV, CSV.gz or Parquet) into a DataFrame with the schema's dtypes.

Reading goes through pyarrow with the target types given up front (narrow integers, float32,
dictionary-encoded text), so a 13-million-row table never exists as float64/object columns. Every problem
becomes a `DataError` naming the file, the column and the fix.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from training.data.errors import DataError
from training.data.schema import ARROW_TYPES, DICTIONARY_COLUMNS, Kind

SUFFIXES: tuple[str, ...] = (".parquet", ".csv.gz", ".csv")
_CSV_COLUMN = re.compile(r"In CSV column #(\d+)")
KEEP_BATCH_ROWS = 262_144  # rows decoded at a time when a read keeps only some clients' rows
STREAM_BATCH_VALUES = (
    4_000_000  # values (rows x columns) decoded at a time when a file is streamed in batches
)
_REGENERATE = "download it again or regenerate the folder with `python -m training generate --out DIR`"


def find_file(folder: Path, stem: str) -> Path:
    """The one file holding table `stem` in `folder`, whatever its supported format."""
    found = optional_file(folder, stem)
    if found is None:
        raise DataError(
            f"The table {stem} is missing from {folder}: expected {stem}.csv, {stem}.csv.gz or "
            f"{stem}.parquet. "
            f"Add the file under its official name, or {_REGENERATE}."
        )
    return found


def optional_file(folder: Path | None, stem: str) -> Path | None:
    """The one file holding table `stem` in `folder`, or None when there is none (or no folder); a table present
    in two formats is still an error."""
    if folder is None:
        return None
    found = [folder / f"{stem}{suffix}" for suffix in SUFFIXES if (folder / f"{stem}{suffix}").is_file()]
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise DataError(
            f"The table {stem} is present more than once in {folder} ({names}); keep a single file per table."
        )
    return found[0] if found else None


def _csv_header(path: Path) -> list[str]:
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8", newline="") as handle:
            line = handle.readline()
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise DataError(f"{path} cannot be read as CSV ({exc}): the file is damaged; {_REGENERATE}.") from exc
    if not line.strip():
        raise DataError(f"{path} is empty or has no header line; {_REGENERATE}.")
    return next(csv.reader([line.rstrip("\r\n")]))


def _check_columns(path: Path, present: list[str], columns: dict[str, Kind]) -> None:
    missing = [c for c in columns if c not in present]
    if missing:
        shown = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
        raise DataError(
            f"{path} lacks the column(s) {shown} of the official schema. "
            "Use the original Kaggle file, or regenerate the folder; extra columns are allowed, "
            "missing ones are not."
        )


def _convert_options(columns: dict[str, Kind], types: dict[str, pa.DataType]) -> pacsv.ConvertOptions:
    return pacsv.ConvertOptions(column_types=types, include_columns=list(columns), strings_can_be_null=True)


def _csv_error(path: Path, header: list[str], columns: dict[str, Kind], exc: pa.ArrowInvalid) -> DataError:
    match = _CSV_COLUMN.search(str(exc))
    if match and int(match.group(1)) < len(header):
        column = header[int(match.group(1))]
        kind = columns.get(column, "?")
        return DataError(
            f"{path}, column {column}: a value does not fit the expected type "
            f"{ARROW_TYPES.get(kind, kind)} "
            f"({exc}). Fix or remove that value; the column must hold {_describe(kind)}."
        )
    return DataError(f"{path} cannot be parsed as CSV ({exc}); {_REGENERATE}.")


def _read_csv(path: Path, columns: dict[str, Kind]) -> pa.Table:
    header = _csv_header(path)
    _check_columns(path, header, columns)
    convert = _convert_options(columns, {name: ARROW_TYPES[kind] for name, kind in columns.items()})
    try:
        return pacsv.read_csv(path, convert_options=convert)
    except pa.ArrowInvalid as exc:
        raise _csv_error(path, header, columns, exc) from exc
    except OSError as exc:  # bad gzip stream, truncated file
        raise DataError(f"{path} cannot be read ({exc}): the file is damaged; {_REGENERATE}.") from exc


def _csv_batches(path: Path, columns: dict[str, Kind]) -> Iterator[pa.RecordBatch]:
    header = _csv_header(path)
    _check_columns(path, header, columns)
    types = {name: pa.string() if kind == "cat" else ARROW_TYPES[kind] for name, kind in columns.items()}
    try:
        reader = pacsv.open_csv(path, convert_options=_convert_options(columns, types))
        for batch in reader:
            yield batch.select(list(columns))
    except pa.ArrowInvalid as exc:
        raise _csv_error(path, header, columns, exc) from exc
    except OSError as exc:
        raise DataError(f"{path} cannot be read ({exc}): the file is damaged; {_REGENERATE}.") from exc


def _parquet_batches(path: Path, columns: dict[str, Kind]) -> Iterator[pa.RecordBatch]:
    try:
        parquet = pq.ParquetFile(path)
        _check_columns(path, parquet.schema_arrow.names, columns)
        rows = max(
            4_096, STREAM_BATCH_VALUES // len(columns)
        )  # the wide application table in smaller batches
        for batch in parquet.iter_batches(batch_size=rows, columns=list(columns)):
            arrays = [batch.column(name) for name in columns]
            plain = [
                _plain_text(a) if kind == "cat" else a
                for a, kind in zip(arrays, columns.values(), strict=True)
            ]
            yield pa.RecordBatch.from_arrays(plain, names=list(columns))
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataError(
            f"{path} cannot be read as Parquet ({exc}): the file is damaged; {_REGENERATE}."
        ) from exc


def read_batches(path: Path, columns: dict[str, Kind]) -> Iterator[pa.RecordBatch]:
    """The file's official columns, a few hundred thousand rows at a time, text as plain strings (every batch
    has the same schema); `finish_table` turns the rows kept into the schema's dtypes."""
    return _parquet_batches(path, columns) if path.suffix == ".parquet" else _csv_batches(path, columns)


def _plain_text(column: pa.Array) -> pa.Array:
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    return column if pa.types.is_string(column.type) else column.cast(pa.string())


def _read_parquet(
    path: Path, columns: dict[str, Kind], keep: tuple[str, np.ndarray] | None = None
) -> pa.Table:
    try:
        parquet = pq.ParquetFile(path)
        _check_columns(path, parquet.schema_arrow.names, columns)
        table = parquet.read(columns=list(columns)) if keep is None else _read_kept(parquet, columns, keep)
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataError(
            f"{path} cannot be read as Parquet ({exc}): the file is damaged; {_REGENERATE}."
        ) from exc
    return _cast_columns(path, table, columns)


def _cast_columns(path: Path, table: pa.Table, columns: dict[str, Kind]) -> pa.Table:
    casted = []
    for name, kind in columns.items():
        column = table.column(name)
        try:
            casted.append(_cast(column, kind))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise DataError(
                f"{path}, column {name}: type {column.type} cannot become {ARROW_TYPES[kind]} ({exc}). "
                f"The column must hold {_describe(kind)}; fix the values or rewrite the file."
            ) from exc
    return pa.table(casted, names=list(columns))


def _read_kept(parquet: pq.ParquetFile, columns: dict[str, Kind], keep: tuple[str, np.ndarray]) -> pa.Table:
    """Only the rows whose `keep[0]` is one of `keep[1]`, filtered batch by batch as the file is decoded: a batch
    of clients read against the whole book holds the book's rows one batch at a time, never all at once."""
    key, values = keep
    wanted = pa.array(np.asarray(values)).cast(parquet.schema_arrow.field(key).type)
    parts = [
        batch.filter(pc.is_in(batch.column(key), value_set=wanted))
        for batch in parquet.iter_batches(batch_size=KEEP_BATCH_ROWS, columns=list(columns))
    ]
    return (
        pa.Table.from_batches(parts, schema=parts[0].schema) if parts else parquet.schema_arrow.empty_table()
    )


def _cast(column: pa.ChunkedArray, kind: Kind) -> pa.ChunkedArray:
    target = ARROW_TYPES[kind]
    if column.type == target:
        return column
    if kind != "cat":
        return column.cast(target)
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    if not pa.types.is_string(column.type):
        column = column.cast(pa.string())
    return pc.dictionary_encode(column).cast(target)


def _describe(kind: Kind | str) -> str:
    return {
        "key": "integer identifiers",
        "i8": "small integers without missing values",
        "i16": "integers without missing values",
        "i32": "integers without missing values",
        "f32": "numbers (empty for missing)",
        "cat": "text",
    }.get(kind, "values of the official type")


def read_table(
    path: Path, columns: dict[str, Kind], *, keep: tuple[str, np.ndarray] | None = None
) -> pd.DataFrame:
    """The file's official columns, in schema order and dtypes (extra columns are ignored).

    `keep=(column, values)` keeps only the rows whose `column` is one of `values` (cut before pandas sees them).
    """
    parquet = path.suffix == ".parquet"  # a Parquet file is cut while it is decoded
    table = _read_parquet(path, columns, keep) if parquet else _read_csv(path, columns)
    if keep is not None and not parquet:
        key, values = keep
        wanted = pa.array(np.asarray(values)).cast(table.column(key).type)
        table = table.filter(pc.is_in(table.column(key), value_set=wanted))
    return _to_frame(path, table, columns)


def finish_table(path: Path, table: pa.Table, columns: dict[str, Kind]) -> pd.DataFrame:
    """Rows of `path` gathered from `read_batches`, in the schema's dtypes, checked as `read_table` checks them."""
    return _to_frame(path, _cast_columns(path, table, columns), columns)


def _to_frame(path: Path, table: pa.Table, columns: dict[str, Kind]) -> pd.DataFrame:
    for name, kind in columns.items():
        nulls = table.column(name).null_count
        if kind in ("key", "i8", "i16", "i32") and nulls:
            raise DataError(
                f"{path}, column {name}: {nulls} missing value(s), but this column is never missing in the "
                "official data. Fill them or drop those rows."
            )
    return table.to_pandas(split_blocks=True, self_destruct=True)


def read_dictionary(path: Path) -> pd.DataFrame:
    """The data dictionary: the official file is cp1252, a re-saved one may be UTF-8 (strictly detected)."""
    raw = path.read_bytes()
    if path.name.endswith(".gz"):
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise DataError(
                f"{path} cannot be decompressed ({exc}): the file is damaged; {_REGENERATE}."
            ) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="strict")
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    frame = frame.drop(columns=[c for c in frame.columns if c.startswith("Unnamed")])
    _check_columns(path, list(frame.columns), {c: "cat" for c in DICTIONARY_COLUMNS[:3]})
    return frame.reset_index(drop=True)
