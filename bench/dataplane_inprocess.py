"""In-process figures of the scoring data plane (no gRPC, one caller): model load and engine build, Score
without and with SHAP, what-if, new application, ScoreBatch of the whole portfolio, search, client lookup,
peer groups, and the event writer keeping up.

    python bench/dataplane_inprocess.py                    # random bundle with a 48,744-client portfolio
    python bench/dataplane_inprocess.py --realistic        # product features, 300 trees, real-size portfolio
    python bench/dataplane_inprocess.py --bundle DIR|URI   # any bundle folder or registry URI

--realistic trains a 300-tree CatBoost on generated clients through the product's feature build, and takes as
portfolio the 48,744 applications of the real application_test sample (../shared; it has no secondary-table
rows, so their aggregates are missing). The bundle stays in a temporary folder, outside the project.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from scoring_service.dataplane import DataPlane, build_dataplane  # noqa: E402
from scoring_service.domain import ClientFilters, PeerGroup, PeerRequest, ScoreRequest  # noqa: E402

REAL_SIZE_PORTFOLIO = 48_744


def realistic_bundle(folder: Path, train_clients: int, sample_dir: Path) -> Path:
    import pandas as pd

    from tests.bundle_factory import make_realistic_bundle

    return make_realistic_bundle(
        folder,
        train_clients=train_clients,
        fingerprint="bench",
        reference_rows=5_000,
        history_rows=50_000,
        raw_test=pd.read_csv(sample_dir / "application_test.csv.gz"),
    )


def timed(label: str, calls: int, call: Callable[[int], object]) -> None:
    latencies = []
    for i in range(calls):
        started = time.perf_counter()
        call(i)
        latencies.append((time.perf_counter() - started) * 1000.0)
    p50, p99 = np.percentile(latencies, [50, 99])
    print(f"| {label} | {calls} | {p50:.3f} | {p99:.3f} |")


def run(plane: DataPlane, calls: int) -> None:
    engine = plane.engine()
    ids = [int(c) for c in engine.scorer.client_ids]
    n = len(ids)
    credit = {"AMT_CREDIT": 500_000.0}
    print("| operation | calls | p50 ms | p99 ms |\n|---|---|---|---|")
    timed("Score, no SHAP", calls * 10, lambda i: plane.score(ScoreRequest(client_id=ids[i % n])))
    timed(
        "Score with SHAP (top 10)",
        calls,
        lambda i: plane.score(ScoreRequest(client_id=ids[i % n], explain=True)),
    )
    timed(
        "what-if (AMT_CREDIT)",
        calls,
        lambda i: plane.score(ScoreRequest(client_id=ids[i % n], values=credit)),
    )
    new = {"AMT_CREDIT": 500_000.0, "AMT_INCOME_TOTAL": 120_000.0, "CODE_GENDER": "F"}
    timed("new application", calls, lambda i: plane.score(ScoreRequest(values=new)))
    timed(
        "SearchClients (2 filters)", calls, lambda i: plane.search_clients(ClientFilters("F", "30-39"), i % 5)
    )
    timed("GetClient", calls, lambda i: plane.get_client(ids[i % n]))
    for group in PeerGroup:
        request = PeerRequest(
            client_id=ids[0],
            feature="AMT_CREDIT",
            group=group,
            filters=ClientFilters(gender="M"),
            second_feature="AMT_INCOME_TOTAL",
        )
        timed(f"ComparePeers {group.value} + 2nd feature", calls, lambda i, r=request: plane.compare_peers(r))
    started = time.perf_counter()
    count = sum(1 for _ in plane.score_batch(ids))
    print(f"\nScoreBatch of {count:,} clients without SHAP: {time.perf_counter() - started:.3f} s")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", help="bundle folder or registry URI; default: build a random bundle")
    parser.add_argument("--realistic", action="store_true", help="build the realistic bundle (see above)")
    parser.add_argument("--train-clients", type=int, default=8_000, help="generated clients for --realistic")
    parser.add_argument(
        "--sample-dir",
        type=Path,
        default=PROJECT_ROOT.parent / "shared/data/homecredit-sample",
        help="folder of the real sample (application_test.csv.gz) for --realistic",
    )
    parser.add_argument("--tracking-uri", default=None, help="MLflow tracking store for a registry URI")
    parser.add_argument("--calls", type=int, default=200, help="calls per operation (x10 without SHAP)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir:
        bundle = args.bundle
        if bundle is None and args.realistic:
            started = time.perf_counter()
            bundle = str(realistic_bundle(Path(workdir) / "bundle", args.train_clients, args.sample_dir))
            print(f"realistic bundle built in {time.perf_counter() - started:.1f} s")
        if bundle is None:
            from tests.bundle_factory import make_random_bundle

            started = time.perf_counter()
            bundle = str(make_random_bundle(Path(workdir) / "bundle", clients=2 * REAL_SIZE_PORTFOLIO))
            print(f"random bundle built in {time.perf_counter() - started:.1f} s")
        plane = build_dataplane(
            bundle,
            args.tracking_uri,
            f"sqlite:///{Path(workdir) / 'events.db'}",
            poll_seconds=0,
            event_batch_size=256,
            event_flush_seconds=1.0,
            max_batch_size=REAL_SIZE_PORTFOLIO,
        )
        started = time.perf_counter()
        plane.start()
        if not plane.ready:
            raise SystemExit(f"The model {bundle} could not be loaded; its error is logged above.")
        engine = plane.engine()
        print(
            f"model load + engine build: {time.perf_counter() - started:.1f} s "
            f"(engine {engine.build_seconds:.1f} s; {len(engine.scorer.client_ids):,} clients, "
            f"{len(engine.scorer.features)} features, {engine.scorer.model.tree_count_} trees)\n"
        )
        run(plane, args.calls)
        started = time.perf_counter()
        plane.stop(timeout=600)  # the batch's 48,744 events are still being written (about 2,600 a second)
        stats = plane.stats()
        print(
            f"stop (writes the queued events): {time.perf_counter() - started:.2f} s; events written "
            f"{stats['events_written']:,}, dropped {stats['events_dropped']}, failed batches "
            f"{stats['event_batches_failed']}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
