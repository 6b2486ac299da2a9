"""`python -m training generate --out DIR`: write a generated dataset in the official Home Credit schema."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from common.errors import UserError, exit_with
from training.synthetic.generator import FORMATS, MAX_CLIENTS, count_test_clients, generate


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True, help="folder to write the tables into")
    parser.add_argument(
        "--clients",
        type=int,
        default=10_000,
        help="train clients (test clients are added in the real proportion, 48,744 per 307,511); "
        "307511 gives the real size",
    )
    parser.add_argument("--seed", type=int, default=42, help="random seed (same seed, same files)")
    parser.add_argument("--format", choices=FORMATS, default="parquet", help="file format (default parquet)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.clients <= MAX_CLIENTS:
        return exit_with(
            UserError(f"--clients must be between 1 and {MAX_CLIENTS:,} (got {args.clients:,}).")
        )
    started = time.perf_counter()
    rows = generate(
        args.out, clients=args.clients, seed=args.seed, fmt=args.format, progress=not args.no_progress
    )
    elapsed = time.perf_counter() - started
    print(
        f"wrote {args.out}: {args.clients:,} train and {count_test_clients(args.clients):,} test clients, "
        f"{sum(rows.values()):,} rows in {elapsed:.1f} s"
    )
    for table, count in rows.items():
        print(f"  {table:<24}{count:>12,}")
    return 0
