"""`python -m training features`: build the per-client feature tables and write them as Parquet."""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from common.errors import UserError, exit_with
from training.data.cli import add_data_argument

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "data" / "features"


class MemoryLimitError(UserError):
    """The aggregates needed more memory than --memory-limit gives them."""


def memory_size(text: str) -> str:
    """A DuckDB memory size such as 4GB or 512MB."""
    if not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", text.strip()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a memory size; write it like 4GB or 512MB")
    return text.strip()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_data_argument(parser)
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"folder for train.parquet, test.parquet, features.json ({DEFAULT_OUT})",
    )
    parser.add_argument(
        "--threads", type=int, default=2, help="DuckDB threads for the aggregates (default 2)"
    )
    parser.add_argument(
        "--memory-limit", type=memory_size, default="4GB", help="DuckDB memory limit, e.g. 4GB (default 4GB)"
    )
    parser.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default="duckdb",
        help="duckdb on this machine (default), or spark for folders beyond one machine",
    )
    parser.add_argument(
        "--master",
        default=None,
        help="Spark master with --engine spark: local[N], spark://HOST:PORT, yarn or k8s://URL "
        "(default: from spark-submit, else local[*])",
    )
    parser.add_argument(
        "--conf",
        type=spark_setting,
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a Spark setting with --engine spark (repeatable), e.g. spark.sql.shuffle.partitions=64",
    )
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bars")


def spark_setting(text: str) -> tuple[str, str]:
    """A Spark setting written KEY=VALUE."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"{text!r}: write a Spark setting as KEY=VALUE")
    return key, value


def run(args: argparse.Namespace) -> int:
    if getattr(args, "engine", "duckdb") == "spark":
        return run_spark(args)
    import duckdb

    from training.data.loader import load_tables
    from training.features.build import build_feature_tables

    started = time.perf_counter()
    try:
        tables = load_tables(args.data, progress=not args.no_progress)
        features = build_feature_tables(
            tables, progress=not args.no_progress, threads=args.threads, memory_limit=args.memory_limit
        )
    except UserError as exc:  # a folder, a table or a value the features cannot use
        return exit_with(exc)
    except duckdb.OutOfMemoryException as exc:
        return exit_with(
            MemoryLimitError(
                f"the aggregates ran out of memory under --memory-limit {args.memory_limit} ({exc}). "
                "Raise --memory-limit, or free memory on this machine."
            )
        )
    folder = features.save(args.out)
    print(
        f"{len(features.features)} features ({len(features.categorical)} categorical) for "
        f"{len(features.train):,} training and {len(features.test):,} test clients, "
        f"written to {folder} in {time.perf_counter() - started:.1f} s."
    )
    if features.dropped:
        print(f"Dropped without information on the training clients: {', '.join(features.dropped)}")
    return 0


def run_spark(args: argparse.Namespace) -> int:
    """The same feature folder built by Spark (the declarations' SQL and the application code on executors)."""
    from training.features.spark import build_feature_folder, spark_session

    started = time.perf_counter()
    spark = spark_session(args.master, dict(getattr(args, "conf", [])))
    try:
        result = build_feature_folder(spark, args.data, args.out)
    except UserError as exc:
        return exit_with(exc)
    print(
        f"{result['features']} features ({result['categorical']} categorical) built by Spark, written to "
        f"{args.out} in {time.perf_counter() - started:.1f} s."
    )
    if result["dropped"]:
        print(f"Dropped without information on the training clients: {', '.join(result['dropped'])}")  # type: ignore[arg-type]
    return 0
