"""Time and peak memory of the feature build on a real-size folder of Home Credit tables.

    python -m training generate --out DIR --clients 307511 --format parquet
    python bench/features_real_size.py --data DIR [--out FEATURES_DIR] [--memory-limit 4GB] [--threads 2]

Prints the wall time and the process's peak resident memory after each stage (load, application features,
secondary aggregates, assembly, optional Parquet write), then the time of `application_features` on one row (the
what-if path of the scoring service). Targets: the whole build in at most 5 minutes and 8 GB.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import timeit
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def peak_rss_gb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, required=True, help="folder of the Home Credit tables (real size)"
    )
    parser.add_argument("--out", type=Path, default=None, help="also write the feature tables here")
    parser.add_argument("--threads", type=int, default=2, help="DuckDB threads (default 2)")
    parser.add_argument("--memory-limit", default="4GB", help="DuckDB memory limit (default 4GB)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(PROJECT_ROOT))

    import numpy as np
    import pandas as pd

    from training.data.loader import load_tables
    from training.features.aggregates import aggregate_features
    from training.features.application import application_features
    from training.features.build import build_feature_tables

    started = time.perf_counter()

    def report(stage: str, since: float) -> float:
        now = time.perf_counter()
        print(
            f"{stage:<28} {now - since:8.1f} s   total {now - started:8.1f} s   peak RSS {peak_rss_gb():5.2f} GB"
        )
        return now

    mark = time.perf_counter()
    tables = load_tables(args.data)
    rows = {name: len(frame) for name, frame in tables.frames().items() if name != "columns_description"}
    print("rows: " + ", ".join(f"{name} {count:,}" for name, count in rows.items()))
    mark = report("load and validate", mark)

    built = build_feature_tables(tables, threads=args.threads, memory_limit=args.memory_limit)
    build_done = report("build_feature_tables", mark)
    print(
        f"features: {len(built.features)} ({len(built.categorical)} categorical, {len(built.dropped)} dropped); "
        f"train {built.train.shape}, test {built.test.shape}, "
        f"{(built.train.memory_usage(deep=True).sum() + built.test.memory_usage(deep=True).sum()) / 2**30:.2f} GB"
    )
    if args.out is not None:
        built.save(args.out)
        report("write parquet", build_done)

    # the aggregates alone, to split the build time between pandas and DuckDB
    ids = np.concatenate([tables.application_train["SK_ID_CURR"], tables.application_test["SK_ID_CURR"]])
    mark = time.perf_counter()
    aggregate_features(tables, ids, threads=args.threads, memory_limit=args.memory_limit)
    report("aggregates again (DuckDB)", mark)

    raw = tables.application_test.set_index("SK_ID_CURR")
    row = raw.iloc[[0]].copy()
    edited = pd.DataFrame([row.iloc[0].to_dict()], index=row.index)  # a what-if arrives as plain values
    for name, frame in (("typed row", row), ("plain-value row", edited)):
        seconds = min(timeit.repeat(lambda f=frame: application_features(f), number=200, repeat=5)) / 200
        print(f"application_features, one {name}: {seconds * 1e3:.2f} ms")
    print(f"total {time.perf_counter() - started:.1f} s, peak RSS {peak_rss_gb():.2f} GB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
