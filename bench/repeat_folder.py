"""Repeat a generated Home Credit folder: each table written N times, every copy after the first under new ids.

The generator draws previous-application ids from a fixed range of two million, which caps a folder near the real
size (about 325,000 training clients); a folder of 1,000,000 clients for the batch and feature benchmarks is a
250,000-client folder written four times, the k-th copy with SK_ID_CURR, SK_ID_BUREAU and SK_ID_PREV shifted by k
times a power of ten above the largest id. Each copy has the same distributions and row counts as the original,
so the engines do N times the work. Tables are streamed in batches: memory stays small whatever the size.

    python -m training generate --out /tmp/b16/quarter --clients 215794 --format parquet   # 215,794 + 34,206
    python bench/repeat_folder.py --data /tmp/b16/quarter --copies 4 --out /tmp/b16/1m    # 1,000,000 clients
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

KEYS = ("SK_ID_CURR", "SK_ID_BUREAU", "SK_ID_PREV")


def key_offsets(folder: Path) -> dict[str, int]:
    """For each key, a power of ten above its largest value in any table (so the copy's ids never collide)."""
    largest = dict.fromkeys(KEYS, 0)
    for path in folder.glob("*.parquet"):
        names = pq.ParquetFile(path).schema_arrow.names
        for key in KEYS:
            if key in names:
                top = pc.max(pq.read_table(path, columns=[key])[key]).as_py() or 0
                largest[key] = max(largest[key], int(top))
    return {
        key: 10 ** len(str(top)) for key, top in largest.items()
    }  # the 4th copy of 2,999,999 still fits int32


def shifted(batch: pa.RecordBatch, offsets: dict[str, int], copy: int) -> pa.RecordBatch:
    columns = []
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        if name in offsets and copy:
            column = pc.add(column, pa.scalar(copy * offsets[name], column.type))
        columns.append(column)
    return pa.RecordBatch.from_arrays(columns, schema=batch.schema)


def repeat_table(source: Path, target: Path, offsets: dict[str, int], copies: int) -> int:
    reader = pq.ParquetFile(source)
    rows = 0
    with pq.ParquetWriter(target, reader.schema_arrow) as writer:
        for copy in range(copies):
            for batch in reader.iter_batches(batch_size=1_000_000):
                writer.write_batch(shifted(batch, offsets, copy))
                rows += batch.num_rows
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="generated folder (Parquet)")
    parser.add_argument(
        "--copies", type=int, default=2, help="how many times each table is written (default 2)"
    )
    parser.add_argument("--out", type=Path, required=True, help="folder to write (outside the repository)")
    args = parser.parse_args(argv)
    tables = sorted(args.data.glob("*.parquet"))
    if not tables:
        raise SystemExit(f"{args.data} holds no Parquet table; generate it with --format parquet.")
    offsets = key_offsets(args.data)
    args.out.mkdir(parents=True, exist_ok=True)
    for path in tables:
        rows = repeat_table(path, args.out / path.name, offsets, args.copies)
        print(f"{path.stem:<24}{rows:>14,} rows")
    for other in args.data.glob("*.csv"):  # the columns' dictionary
        shutil.copy(other, args.out / other.name)
    print(f"ids shifted by {offsets}; written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
