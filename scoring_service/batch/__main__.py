"""`python -m scoring_service.batch score`: score a folder or a file of applications with a registered model."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from common.logs import configure_logging

EXAMPLES = """examples:
  python -m scoring_service.batch score --data data/new --out scores.parquet
  python -m scoring_service.batch score --data new.csv.gz --out scores.csv --explain --top-k 5 --language en
  python -m scoring_service.batch score --data /lake/book --out /lake/scores.parquet --engine spark --master local[4]
"""


def _memory_size(text: str) -> str:
    from training.features.cli import memory_size

    return memory_size(text)


def _conf(text: str) -> tuple[str, str]:
    from training.features.cli import spark_setting

    return spark_setting(text)


def parser(default_model: str) -> argparse.ArgumentParser:
    from scoring_service.batch.run import SLICE_CLIENTS

    root = argparse.ArgumentParser(
        prog="python -m scoring_service.batch", description=__doc__.splitlines()[0]
    )
    sub = root.add_subparsers(dest="command", metavar="COMMAND", required=True)
    score = sub.add_parser(
        "score",
        help="score applications from files",
        description=(
            "Score every application of DATA (a folder in the official Home Credit schema, where only the "
            "application table is required, or one application file in CSV, CSV.GZ or Parquet) and write one "
            "row per client: id, probability of default, decision, threshold, model version, top reasons."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    score.add_argument("--data", type=Path, required=True, help="folder of Home Credit tables, or one file")
    score.add_argument("--out", type=Path, required=True, help="results file, .parquet or .csv")
    score.add_argument(
        "--model",
        default=default_model,
        help=f"registry URI (alias or version) or a bundle folder (default {default_model})",
    )
    score.add_argument(
        "--engine", choices=("duckdb", "spark"), default="duckdb", help="feature engine (default duckdb)"
    )
    score.add_argument("--explain", action="store_true", help="add the top reasons of each decision")
    score.add_argument("--top-k", type=int, default=3, help="reasons per client with --explain (default 3)")
    score.add_argument(
        "--language", choices=("fr", "en"), default="fr", help="language of the reasons (default fr)"
    )
    score.add_argument("--threads", type=int, default=2, help="DuckDB threads (default 2)")
    score.add_argument(
        "--memory-limit", type=_memory_size, default="4GB", help="DuckDB memory limit (default 4GB)"
    )
    score.add_argument(
        "--slice-clients",
        type=int,
        default=SLICE_CLIENTS,
        help=f"DuckDB: applications scored at a time, with their history; memory follows it, not the batch "
        f"(default {SLICE_CLIENTS:,})",
    )
    score.add_argument(
        "--master",
        default=None,
        help="Spark master: local[N], spark://HOST:PORT, yarn or k8s://URL (default: from spark-submit, "
        "else local[*])",
    )
    score.add_argument(
        "--conf", type=_conf, action="append", default=[], metavar="KEY=VALUE", help="a Spark setting"
    )
    score.add_argument("--no-progress", action="store_true", help="hide the progress bars")
    return root


def main(argv: Sequence[str] | None = None) -> int:
    from scoring_service.settings import ScoringSettings

    settings = ScoringSettings()
    args = parser(settings.model_uri).parse_args(argv)
    configure_logging("WARNING")
    return score(args, settings.tracking_uri)


def score(args: argparse.Namespace, tracking_uri: str | None) -> int:
    from scoring_service.batch.run import BatchOptions, run_batch

    options = BatchOptions(
        data=args.data,
        out=args.out,
        model_uri=args.model,
        tracking_uri=tracking_uri,
        engine=args.engine,
        explain=args.explain,
        top_k=args.top_k,
        language=args.language,
        progress=not args.no_progress,
        threads=args.threads,
        memory_limit=args.memory_limit,
        slice_clients=args.slice_clients,
        master=args.master,
        spark_conf=dict(args.conf),
    )
    try:
        summary = run_batch(options)
    except Exception as exc:
        message = user_error(exc)
        if message is None:
            raise
        print(f"error: {message}", file=sys.stderr)
        print(f"No output was written to {args.out}.", file=sys.stderr)
        return 2
    print(summary.text())
    return 0


def user_error(exc: BaseException) -> str | None:
    """The message of an error a user can act on (bad data, bad model, bad option: exit code 2, as every
    command of the product); None for a bug, which keeps its traceback."""
    import duckdb
    from mlflow.exceptions import MlflowException

    from common.errors import UserError

    if isinstance(exc, (UserError, ValueError)):
        return str(exc)
    if isinstance(exc, duckdb.OutOfMemoryException):
        return f"the features ran out of memory ({exc}); raise --memory-limit or free memory on this machine."
    if isinstance(exc, MlflowException):
        return (
            f"the model cannot be fetched ({str(exc).splitlines()[0][:300]}). Check --model and "
            "MLFLOW_TRACKING_URI, or give a bundle folder."
        )
    return None


if __name__ == "__main__":
    raise SystemExit(main())
