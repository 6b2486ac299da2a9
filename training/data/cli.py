"""`python -m training validate --data DIR`: load a folder as training would; say what it holds or why not."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from common.errors import exit_with
from training.data.loader import DEFAULT_MAX_ORPHAN_SHARE, DataError, load_tables


def add_data_argument(parser: argparse.ArgumentParser) -> None:
    """--data, the folder of Home Credit tables a command reads (one spelling and help for every command)."""
    parser.add_argument(
        "--data", type=Path, required=True, help="folder of Home Credit tables (CSV, CSV.gz or Parquet)"
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_data_argument(parser)
    parser.add_argument(
        "--max-orphan-share",
        type=float,
        default=DEFAULT_MAX_ORPHAN_SHARE,
        help="share of a table's rows whose parent id may be missing before the key counts as broken "
        f"(default {DEFAULT_MAX_ORPHAN_SHARE})",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    try:
        tables = load_tables(args.data, progress=not args.no_progress, max_orphan_share=args.max_orphan_share)
    except DataError as exc:
        return exit_with(exc)
    summary = tables.summary()
    print(f"{args.data}: valid Home Credit folder, loaded in {time.perf_counter() - started:.1f} s")
    print(summary.to_string(formatters={"memory_mb": "{:,.1f}".format, "rows": "{:,}".format}))
    print(f"total: {int(summary['rows'].sum()):,} rows, {summary['memory_mb'].sum():,.1f} MB in memory")
    train = tables.application_train
    test_count = len(tables.application_test)
    print(f"clients: {len(train):,} train (default rate {train['TARGET'].mean():.2%}), {test_count:,} test")
    for note in tables.notes:
        print(f"note: {note}")
    return 0
